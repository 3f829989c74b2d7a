"""The run lock on a shared drive: one holder at a time, even when many runs find a stale lock together."""
from __future__ import annotations

import json
import multiprocessing as mp
import os
import time

from toolkit.errors import LockHeld
from toolkit.journal import RunLock


def _contender(state: str, barrier, results, done) -> None:
    barrier.wait()
    try:
        lock = RunLock(__import__("pathlib").Path(state)).acquire()
    except LockHeld:
        results.put("held")
        return
    results.put("won")
    done.wait(60)  # hold it until every other contender has tried, however slow the machine
    lock.release()


def _stale_lock(state) -> None:
    state.mkdir(parents=True, exist_ok=True)
    lock = state / "run.lock"
    lock.write_text(json.dumps({"pid": 999999, "host": "old-pc", "started": "yesterday"}), encoding="utf-8")
    os.utime(lock, (time.time() - 7200, time.time() - 7200))


def test_only_one_run_takes_over_a_stale_lock(tmp_path):
    ctx = mp.get_context("spawn")
    for round_ in range(3):
        state = tmp_path / f"state{round_}"
        _stale_lock(state)
        n = 5
        barrier, results, done = ctx.Barrier(n), ctx.Queue(), ctx.Event()
        procs = [ctx.Process(target=_contender, args=(str(state), barrier, results, done)) for _ in range(n)]
        for p in procs:
            p.start()
        outcomes = sorted(results.get(timeout=60) for _ in range(n))
        done.set()
        for p in procs:
            p.join(60)
        assert outcomes.count("won") == 1, (round_, outcomes)
        assert not (state / "run.lock").exists()


def test_live_lock_is_respected_and_released(tmp_path):
    first = RunLock(tmp_path).acquire()
    try:
        second = RunLock(tmp_path)
        try:
            second.acquire()
            raise AssertionError("a second holder")
        except LockHeld as exc:
            assert "另一个运行正在进行" in str(exc)
    finally:
        first.release()
    RunLock(tmp_path).acquire().release()


def test_takeover_race_widened(tmp_path, monkeypatch):
    """Both contenders judge the old lock stale before either acts: still only one may hold it."""
    import threading

    _stale_lock(tmp_path)
    original = RunLock._is_stale
    judged = threading.Barrier(2, timeout=5)

    def slow_is_stale(self, **kwargs):
        verdict = original(self, **kwargs)
        if verdict and threading.current_thread().name.startswith("contender"):
            try:
                judged.wait()  # both have seen "stale" now
            except threading.BrokenBarrierError:
                pass
        return verdict

    monkeypatch.setattr(RunLock, "_is_stale", slow_is_stale)
    holders, refused = [], []

    def contend():
        lock = RunLock(tmp_path, heartbeat=0.1)
        try:
            lock.acquire()
            holders.append(lock)
        except LockHeld:
            refused.append(1)

    threads = [threading.Thread(target=contend, name=f"contender-{i}") for i in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(10)
    try:
        assert len(holders) == 1 and len(refused) == 1, (len(holders), len(refused))
    finally:
        for lock in holders:
            lock.release()


def test_breaking_never_renames_a_lock_that_is_not_stale(tmp_path):
    """The breaker renames only the stale file it judged: when the lock is gone meanwhile (another run broke it,
    or its holder released it) it renames nothing — what is there a moment later may be a fresh lock — and a
    live lock is left alone. (Renaming a lock that had just vanished let two runs hold it at once.)"""
    breaker = RunLock(tmp_path)
    assert breaker._break_stale() is True  # nothing there: try to create it again
    assert not list(tmp_path.glob("run.lock*"))
    live = RunLock(tmp_path).acquire()
    try:
        assert RunLock(tmp_path)._break_stale() is False
        assert live.path.exists() and not list(tmp_path.glob("run.lock.stale-*"))
    finally:
        live.release()
    _stale_lock(tmp_path)
    assert RunLock(tmp_path)._break_stale() is True and not (tmp_path / "run.lock").exists()


def test_a_lock_taken_while_the_breaker_decides_is_never_renamed(tmp_path, monkeypatch):
    """The lock vanishes (its holder released it) and another run creates a fresh one while this run holds the
    breaker: this run must not rename the fresh lock away."""
    original = RunLock._is_stale

    def judged_then_taken(self, **kwargs):
        verdict = original(self, **kwargs)
        if not self.path.exists():  # another run wins the O_EXCL create right after this judgement
            self.path.write_text(json.dumps({"pid": os.getpid(), "host": "other-pc", "started": "now"}),
                                 encoding="utf-8")
        return verdict

    monkeypatch.setattr(RunLock, "_is_stale", judged_then_taken)
    RunLock(tmp_path)._break_stale()
    assert not list(tmp_path.glob("run.lock.stale-*"))  # whatever lock is there was left where it is


_HOLDER = """
import sys, time
from pathlib import Path
from toolkit.journal import RunLock
lock = RunLock(Path(sys.argv[1]), heartbeat=3600).acquire()  # (no heartbeat while the test looks)
print("held", flush=True)
sys.stdin.readline()
lock.release()
"""


def _hold(state):
    """A real process of this host holding the run lock in ``state`` until its stdin is closed."""
    import subprocess
    import sys

    from conftest import ROOT

    holder = subprocess.Popen([sys.executable, "-c", _HOLDER, str(state)], stdin=subprocess.PIPE,
                              stdout=subprocess.PIPE, text=True, env={**os.environ, "PYTHONPATH": str(ROOT)})
    assert holder.stdout.readline().strip() == "held"
    return holder


def test_a_live_holder_on_this_host_is_never_stale_however_old_its_time(tmp_path, make_form, make_summary):
    """The clock stepped forward 700 s (or two days) since the holder's last heartbeat: its process still runs on
    this host, so the lock holds — a batch started meanwhile exits 3 and leaves the holder's lock as it was. (The
    lock was judged stale by its time before its process was looked at: two runs published at once.)"""
    from conftest import run_cli

    inbox, outbox = tmp_path / "inbox", tmp_path / "outbox"
    make_form(inbox / "衡水" / "申请表.xlsx")
    make_summary(inbox / "衡水" / "总结材料.docx")
    state = outbox / ".state"
    holder = _hold(state)
    lock = state / "run.lock"
    try:
        held = lock.read_text(encoding="utf-8")
        assert json.loads(held)["pid"] == holder.pid
        for back in (700, 2 * 86400):
            os.utime(lock, (time.time() - back, time.time() - back))
            proc = run_cli("batch", "--inbox", inbox, "--outbox", outbox, "--settle", "0", "--deadline", "2099-12-31")
            assert proc.returncode == 3, proc.stderr
            assert f"进程 {holder.pid}" in proc.stderr
            assert lock.read_text(encoding="utf-8") == held and not (outbox / "latest").exists()
    finally:
        holder.communicate("\n", timeout=60)
    assert not lock.exists()
    proc = run_cli("batch", "--inbox", inbox, "--outbox", outbox, "--settle", "0", "--deadline", "2099-12-31")
    assert proc.returncode == 0, proc.stderr


def test_a_holder_gone_from_this_host_is_stale_at_once(tmp_path):
    """A run of this host killed a moment ago (its lock's time fresh): its process has ended, the next run takes
    the lock at once — no ten minutes' wait."""
    import socket
    import subprocess
    import sys

    ended = subprocess.run([sys.executable, "-c", "import os; print(os.getpid())"], capture_output=True, text=True)
    (tmp_path / "run.lock").write_text(json.dumps({"pid": int(ended.stdout), "host": socket.gethostname(),
                                                   "started": "now"}), encoding="utf-8")
    RunLock(tmp_path).acquire().release()


def test_a_process_number_used_again_is_not_the_holder(tmp_path):
    """The holder died and its process number now names another process (a reboot, a long uptime): the lock
    records when its holder started, so the other process does not hold it up."""
    import socket

    import pytest

    from toolkit.journal import _process_start

    if _process_start(os.getpid()) is None:
        pytest.skip("no /proc: a process's start cannot be looked at here")
    holder = _hold(tmp_path)
    try:
        lock = tmp_path / "run.lock"
        assert json.loads(lock.read_text(encoding="utf-8"))["process"] == _process_start(holder.pid)
        # the lock of a run that was this test's process number before: a live process, started at another time
        lock.write_text(json.dumps({"pid": holder.pid, "host": socket.gethostname(), "started": "yesterday",
                                    "process": "another-boot:1"}), encoding="utf-8")
        RunLock(tmp_path).acquire().release()
    finally:
        holder.communicate("\n", timeout=60)


def test_an_empty_lock_blocks_a_moment_not_ten_minutes(tmp_path, make_form, make_summary):
    """A lock file with no holder written: another run creating it this moment (refused, said so), or one left by a
    run that could not write it (a full disk, a kill between the two steps) — taken over once it is some seconds
    old, instead of blocking every run for ten minutes."""
    from conftest import run_cli

    inbox, outbox = tmp_path / "inbox", tmp_path / "outbox"
    make_form(inbox / "衡水" / "申请表.xlsx")
    make_summary(inbox / "衡水" / "总结材料.docx")
    lock = outbox / ".state" / "run.lock"
    lock.parent.mkdir(parents=True)
    lock.write_text("", encoding="utf-8")
    try:
        RunLock(lock.parent).acquire().release()
        raise AssertionError("a lock being created was taken")
    except LockHeld as exc:
        assert "刚刚开始" in str(exc)
    old = time.time() - 60
    os.utime(lock, (old, old))
    proc = run_cli("batch", "--inbox", inbox, "--outbox", outbox, "--settle", "0", "--deadline", "2099-12-31")
    assert proc.returncode == 0, proc.stderr
    assert not lock.exists() and (outbox / "latest" / "summary.json").exists()
    lock.write_text('{"pid": 1', encoding="utf-8")  # torn: no holder to be read either
    os.utime(lock, (old, old))
    RunLock(lock.parent).acquire().release()
