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
