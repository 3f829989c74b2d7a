"""watch: a real watchdog observer on a real folder reruns the pipeline when a file arrives."""
from __future__ import annotations

import json
import threading
import time

import pytest

from toolkit.campaign import load_campaign
from toolkit.pipeline import run
from toolkit.watch import watch


@pytest.mark.parametrize("poll", [None, 0.5], ids=["events", "polling"])
def test_watch_reruns_on_new_file(tmp_path, make_form, make_summary, poll):
    campaign = load_campaign().with_deadline("2099-12-31")
    inbox, out = tmp_path / "inbox", tmp_path / "outbox"
    (inbox / "衡水").mkdir(parents=True)
    runs = []
    stop = threading.Event()

    def once():
        report = run(inbox, out, campaign, settle=0.2)
        runs.append(len(report.summary["applications"]))

    thread = threading.Thread(target=watch, args=(inbox, once), kwargs={"poll": poll, "quiet": 0.5, "stop": stop},
                              daemon=True)
    thread.start()
    deadline = time.time() + 20
    while not runs and time.time() < deadline:
        time.sleep(0.1)
    assert runs == [0]
    make_form(inbox / "衡水" / "申请表.xlsx")
    make_summary(inbox / "衡水" / "总结材料.docx")
    deadline = time.time() + 30
    while (not runs or runs[-1] != 1) and time.time() < deadline:
        time.sleep(0.2)
    stop.set()
    thread.join(timeout=15)
    assert runs[-1] == 1
    summary = json.loads((out / "latest" / "summary.json").read_text(encoding="utf-8"))
    assert summary["applications"][0]["unit"] == "衡水市工业和信息化局"


def test_batch_and_watch_give_identical_outputs(tmp_path, make_form, make_summary):
    campaign = load_campaign().with_deadline("2099-12-31")
    inbox = tmp_path / "inbox"
    make_form(inbox / "辛集" / "申请表.xlsx")
    make_summary(inbox / "辛集" / "总结材料.docx")
    a = run(inbox, tmp_path / "out-batch", campaign, settle=0)
    stop = threading.Event()
    results = []

    def once():
        results.append(run(inbox, tmp_path / "out-watch", campaign, settle=0))
        stop.set()

    watch(inbox, once, poll=0.5, stop=stop)
    b = results[0]
    strip = lambda s: {k: v for k, v in s.items() if k != "generated_at"}  # noqa: E731
    assert strip(a.summary) == strip(b.summary)


def test_watch_retries_when_another_run_holds_the_lock(tmp_path, make_form, make_summary):
    """A change seen while the lock is held is not lost: watch tries again until it can run."""
    from toolkit.errors import LockHeld
    from toolkit.journal import RunLock

    campaign = load_campaign().with_deadline("2099-12-31")
    inbox, out = tmp_path / "inbox", tmp_path / "outbox"
    (inbox / "承德").mkdir(parents=True)
    held = RunLock(out / ".state").acquire()
    attempts, stop = [], threading.Event()

    def once():
        try:
            report = run(inbox, out, campaign, settle=0)
        except LockHeld:
            attempts.append("locked")
            return False
        attempts.append(len(report.summary["applications"]))
        return True

    thread = threading.Thread(target=watch, args=(inbox, once),
                              kwargs={"poll": 0.5, "quiet": 0.3, "stop": stop, "retry": 0.5}, daemon=True)
    thread.start()
    time.sleep(1.0)
    make_form(inbox / "承德" / "申请表.xlsx")
    make_summary(inbox / "承德" / "总结材料.docx")
    time.sleep(2.0)
    assert "locked" in attempts and 1 not in attempts
    held.release()
    deadline = time.time() + 20
    while 1 not in attempts and time.time() < deadline:
        time.sleep(0.2)
    stop.set()
    thread.join(timeout=15)
    assert 1 in attempts, attempts
