"""A full disk, on real small disks (tmpfs, mounted for the test: root only, skipped elsewhere): the run says which
disk is full (the state folder's, or the outbox's — naming the file it could not write, not the published one it
copied from), leaves its line in runs.jsonl when the log's disk has room, no empty run lock that blocks the runs
after it, and no half-written run folder."""
from __future__ import annotations

import json
import os
import subprocess
from pathlib import Path

import pytest
from conftest import run_cli

from test_share_faults import _inbox


@pytest.fixture
def small_disk(tmp_path):
    """small_disk(folder, megabytes): ``folder`` made a tmpfs of that size; unmounted after the test."""
    mounted = []

    def mount(folder: Path, megabytes: int) -> Path:
        if not hasattr(os, "geteuid") or os.geteuid() != 0:
            pytest.skip("mounting a small disk (tmpfs) needs root")
        folder.mkdir(parents=True, exist_ok=True)
        try:
            done = subprocess.run(["mount", "-t", "tmpfs", "-o", f"size={megabytes}m", "tmpfs", str(folder)],
                                  capture_output=True, timeout=60)
        except OSError as exc:  # (no mount command)
            pytest.skip(f"tmpfs cannot be mounted here: {exc}")
        if done.returncode:
            said = done.stderr.decode(errors="replace").strip().splitlines()
            pytest.skip(f"tmpfs cannot be mounted here: {said[0] if said else done.returncode}")
        mounted.append(folder)
        return folder

    yield mount
    for folder in reversed(mounted):
        subprocess.run(["umount", "-l", str(folder)], capture_output=True)


def _fill(folder: Path, leave: int = 0) -> Path:
    """Fill ``folder``'s disk but ``leave`` bytes; returns the filler (delete it to free the space)."""
    st = os.statvfs(folder)
    filler = folder / "filler"
    with open(filler, "wb") as fh:
        try:
            fh.write(b"\0" * max(0, st.f_bavail * st.f_frsize - leave))
        except OSError:  # (the last block)
            pass
    return filler


def _batch(inbox, outbox, *extra):
    return run_cli("batch", "--inbox", inbox, "--outbox", outbox, "--settle", "0", "--deadline", "2099-12-31", *extra)


def _lines(outbox):
    return [json.loads(line) for line in (outbox / "logs" / "runs.jsonl").read_text(encoding="utf-8").splitlines()]


def test_a_full_state_disk_is_named_logged_and_leaves_no_lock(tmp_path, small_disk, make_form, make_summary):
    inbox = _inbox(tmp_path, make_form, make_summary)
    outbox, state = tmp_path / "outbox", small_disk(tmp_path / "state", 8)
    assert _batch(inbox, outbox, "--state-dir", state).returncode == 0
    filler = _fill(state)
    make_summary(inbox / "保定" / "2-总结材料.docx", enterprise="河北新增机械有限公司", name="河北新增机械有限公司实施精益管理的经验")
    proc = _batch(inbox, outbox, "--state-dir", state)
    assert proc.returncode == 2
    # the state folder's disk is named, not the outbox's (which has room: cleaning its runs folder would not help)
    assert "磁盘空间已满" in proc.stderr and f"状态文件夹“{state}”" in proc.stderr
    assert f"无法访问文件或文件夹：{state / 'run.lock'}（" in proc.stderr  # (the file it could not write)
    assert "输出文件夹所在磁盘" not in proc.stderr
    assert not (state / "run.lock").exists()  # no empty lock left to refuse the next runs
    last = _lines(outbox)[-1]
    assert (last["outcome"], last["exit_code"]) == ("error", 2) and "磁盘空间已满" in last["error"]
    filler.unlink()
    proc = _batch(inbox, outbox, "--state-dir", state)
    assert proc.returncode == 0, proc.stderr
    assert _lines(outbox)[-1]["outcome"] == "published"


def test_a_full_outbox_disk_names_the_file_not_written_and_leaves_no_partial_run(tmp_path, small_disk, make_form,
                                                                                 make_summary):
    """The run copies the documents of an unchanged unit from the published run into its new run folder: the
    copy's target is what could not be written, the published file is sound. Each failed run removes its own
    .partial folder (a watcher retrying every few seconds left one a try)."""
    inbox = _inbox(tmp_path, make_form, make_summary)
    outbox, state = small_disk(tmp_path / "outbox", 8), tmp_path / "state"
    assert _batch(inbox, outbox, "--state-dir", state).returncode == 0
    published = os.readlink(outbox / "latest")
    make_summary(inbox / "保定" / "1-总结材料.docx", enterprise="河北华信精密机械有限公司",
                 name="河北华信精密机械有限公司实施六西格玛设计的经验", 摘要="改过的摘要。" * 12)
    filler = _fill(outbox)
    for _ in range(2):
        proc = _batch(inbox, outbox, "--state-dir", state)
        assert proc.returncode == 2
        assert "磁盘空间已满" in proc.stderr and "输出文件夹所在磁盘" in proc.stderr
        named = proc.stderr.split("无法访问文件或文件夹：", 1)[1].split("（", 1)[0]
        assert published not in named and Path(named).is_relative_to(outbox / "runs"), named
        assert not list((outbox / "runs").glob(".*partial")), proc.stderr
    assert os.readlink(outbox / "latest") == published
    filler.unlink()
    assert _batch(inbox, outbox, "--state-dir", state).returncode == 0
    assert os.readlink(outbox / "latest") != published


def test_a_full_disk_error_naming_no_file_is_placed_by_the_disks_room(tmp_path, small_disk):
    """A write to a file already open fails naming no file (the journal, a cache): the full disk is found by the room
    left on the state folder's disk and the outbox's."""
    import errno

    from toolkit.cli import os_failure

    outbox, state = tmp_path / "outbox", small_disk(tmp_path / "state", 1)
    outbox.mkdir()
    unnamed = OSError(errno.ENOSPC, "No space left on device")
    filler = _fill(state)
    said = os_failure(unnamed, outbox=outbox, state=state)
    assert f"状态文件夹“{state}”（--state-dir）所在的磁盘已满" in said and "输出文件夹" not in said
    filler.unlink()  # neither is full now: both are named
    said = os_failure(unnamed, outbox=outbox, state=state)
    assert f"输出文件夹“{outbox}”或状态文件夹“{state}”" in said
