"""Write one run's outputs into outbox/runs/<timestamp>/ and switch outbox/latest/ to it atomically."""
from __future__ import annotations

import datetime as dt
import logging
import os
import re
import shutil
import time
from pathlib import Path
from typing import Callable

log = logging.getLogger(__name__)

SUMMARY = "summary.json"
LATEST = "latest"
RUNS = "runs"


def new_run_folder(outbox: Path, now: dt.datetime) -> tuple[Path, Path]:
    """(temporary folder to write into, final folder name)."""
    runs = outbox / RUNS
    runs.mkdir(parents=True, exist_ok=True)
    for leftover in runs.glob(".*.partial"):  # a run killed mid-write, long enough ago to be dead
        try:
            if time.time() - leftover.stat().st_mtime > 3600:
                shutil.rmtree(leftover, ignore_errors=True)
        except OSError:
            pass
    stamp = now.strftime("%Y%m%d-%H%M%S")
    final = runs / stamp
    n = 1
    while final.exists():
        n += 1
        final = runs / f"{stamp}-{n}"
    tmp = runs / f".{final.name}.partial"
    if tmp.exists():
        shutil.rmtree(tmp, ignore_errors=True)
    return tmp, final


LAST_FILES = ("summary.json", "index.html")  # switched last: whoever reads them sees the new set complete
RETRY_DELAYS = (0.5, 1.0, 2.0, 4.0)  # seconds, for a file Excel holds open on Windows


def switch_latest(outbox: Path, run_folder: Path, *, notices: list | None = None) -> None:
    """Make outbox/latest show ``run_folder``.

    Where symlinks work (Linux, SMB from Linux): latest is a symlink swapped atomically. Where they do not (a share
    mounted from Windows): latest/ stays a real folder whose files are replaced one by one, each atomically
    (written beside, then renamed over), summary.json and index.html last, then files of the old run removed —
    latest/ is never absent and no file in it is ever half-written. A file held open (Excel locks 省级汇总表.xlsx
    on Windows) is retried with back-off; if it stays locked, the new one is written beside it as “…（新）.xlsx”
    and a sentence is added to ``notices``.
    """
    latest = outbox / LATEST
    target = Path(RUNS) / run_folder.name
    tmp_link = outbox / f".{LATEST}.{os.getpid()}.new"
    try:
        if tmp_link.is_symlink() or tmp_link.exists():
            tmp_link.unlink()
        os.symlink(target, tmp_link, target_is_directory=True)
        if latest.exists() and not latest.is_symlink():
            # an earlier copy-made latest/: move it aside first
            aside = outbox / f".{LATEST}.old-{os.getpid()}"
            os.replace(latest, aside)
            shutil.rmtree(aside, ignore_errors=True)
        os.replace(tmp_link, latest)
        return
    except (OSError, NotImplementedError):
        if tmp_link.is_symlink():
            tmp_link.unlink()
    _update_in_place(latest, run_folder, notices if notices is not None else [])


def _update_in_place(latest: Path, run_folder: Path, notices: list) -> None:
    if latest.is_symlink():
        latest.unlink()
    latest.mkdir(parents=True, exist_ok=True)
    new = sorted((p.relative_to(run_folder) for p in run_folder.rglob("*") if p.is_file()),
                 key=lambda rel: (rel.name in LAST_FILES, len(rel.parts), str(rel)))
    for rel in new:
        _replace_file(run_folder / rel, latest / rel, notices)
    keep = {str(rel) for rel in new}
    for old in sorted(latest.rglob("*"), key=lambda p: -len(p.parts)):
        rel = str(old.relative_to(latest))
        if old.is_file() and rel not in keep and "（新）" not in old.name:
            try:
                old.unlink()
            except OSError:
                pass  # held open: harmless, it is not part of the new set
        elif old.is_dir() and not any(old.iterdir()):
            old.rmdir()


def _replace_file(source: Path, target: Path, notices: list) -> None:
    target.parent.mkdir(parents=True, exist_ok=True)
    tmp = target.with_name(f".{target.name}.{os.getpid()}.tmp")
    shutil.copyfile(source, tmp)
    for delay in (*RETRY_DELAYS, None):
        try:
            os.replace(tmp, target)
            return
        except PermissionError:
            if delay is None:
                break
            time.sleep(delay)
    beside = target.with_name(f"{target.stem}（新）{target.suffix}")
    try:
        os.replace(tmp, beside)
    except OSError:
        tmp.unlink(missing_ok=True)
        notices.append(f"“{target.name}”被其他程序打开，无法更新，新版本也无法写入；请关闭该文件后重新汇总。")
        return
    notices.append(f"“{target.name}”被其他程序（如 Excel）打开，无法替换；新版本已另存为“{beside.name}”，"
                   "关闭旧文件后下次汇总会自动替换。")


def output_entries(run_folder: Path) -> list[str]:
    """Every folder and file of a run folder (省级汇总表.xlsx, 回执, 回执/<unit>-回执.xlsx, 单位/<unit>/index.html …)
    as a path relative to it, with / between names, each folder before what it holds: what outbox/latest/ must
    hold while it shows that run (missing_from_latest). A few hundred entries at 10,000 applications."""
    out: list[str] = []

    def walk(folder: str, prefix: str) -> None:
        with os.scandir(folder) as entries:
            for entry in sorted(entries, key=lambda e: e.name):
                out.append(prefix + entry.name)
                if entry.is_dir(follow_symlinks=False):
                    walk(entry.path, f"{prefix}{entry.name}/")

    walk(os.fspath(run_folder), "")
    return out


def missing_from_latest(outbox: Path, names) -> list[str]:
    """Which of ``names`` (output_entries of the run latest/ shows, folders before their contents; or, as runs
    kept them before, the names at its top) outbox/latest/ lacks, as outbox-relative paths: ['latest'] when
    latest/ itself is gone (or points at a run folder that is), else ['latest/回执', 'latest/推荐意见/x.docx', …] —
    a folder gone is named, not each file it held. One stat a name, never a walk (a watcher asks this on every
    periodic rescan: a few hundred stats); an extra file a clerk put in latest/ is no concern of it."""
    latest = outbox / LATEST
    if not latest.is_dir():
        return [LATEST]
    gone: list[str] = []
    for name in names:
        if gone and name.startswith(gone[-1] + "/"):
            continue  # (in a folder already named)
        if not os.path.lexists(latest / name):
            gone.append(name)
    return [f"{LATEST}/{name}" for name in gone]


def publish(outbox: Path, write: Callable[[Path], object], *, now: dt.datetime, notices: list | None = None,
            keep_runs: int | None = None) -> Path:
    """Write a run's outputs with ``write(folder)`` into a new outbox/runs/<China time>/ folder, then switch
    outbox/latest/ to it. A run that fails while writing (a full disk) removes its ``.partial`` folder — a watcher
    retrying every few seconds would leave one a try, and fill the disk further; one killed midway leaves it, for
    a run an hour later to remove (new_run_folder); latest/ is never half-written.
    ``keep_runs`` (--keep-runs): then remove all but that many newest run folders (prune_runs); None keeps all
    (SPEC §3: pruning is the user's choice)."""
    tmp, final = new_run_folder(outbox, now)
    try:
        write(tmp)
        os.replace(tmp, final)
    except Exception:  # (not an interruption: a run stopped midway is as one killed, its folder left for later)
        shutil.rmtree(tmp, ignore_errors=True)
        raise
    switch_latest(outbox, final, notices=notices)
    if keep_runs is not None:
        prune_runs(outbox, keep_runs, keep=final)
    return final


_RUN_NAME = re.compile(r"(\d{8}-\d{6})(?:-(\d+))?")  # new_run_folder's names: China time, then -2, -3 … within a second


def prune_runs(outbox: Path, count: int, *, keep: Path) -> list[Path]:
    """Remove the run folders of outbox/runs/ older than the ``count`` newest (by their China-time names; at least
    one, and never ``keep``, the folder latest/ shows). A folder some program holds open (Windows) is left for a
    later run. Returns the folders removed. Never raises."""
    try:
        named = [(m, p) for p in (outbox / RUNS).iterdir() if (m := _RUN_NAME.fullmatch(p.name)) and p.is_dir()]
    except OSError:
        return []
    # (only folders named as runs are: anything else someone put there is theirs)
    runs = [p for m, p in sorted(named, key=lambda mp: (mp[0].group(1), int(mp[0].group(2) or 1)))]
    removed = []
    for old in runs[:max(0, len(runs) - max(1, count))]:
        if old.name == keep.name:
            continue
        shutil.rmtree(old, ignore_errors=True)
        if not old.exists():
            removed.append(old)
    return removed
