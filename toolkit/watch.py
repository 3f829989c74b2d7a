"""``run.py watch``: run the pipeline whenever the inbox changes, and never go deaf.

File events (watchdog's native observer, or its polling observer on network shares) are only hints that
something changed. What keeps the watcher honest:

- a periodic full rescan compares the inbox's listing (paths, sizes, modification times) with the listing
  of the last completed run and runs the pipeline when it differs, catching what events missed;
- a liveness check restarts an observer whose thread or emitter died, and one watching a folder that was
  replaced (an SMB reconnect, a folder restored from backup);
- an inbox that disappears, or can no longer be listed (permissions changed on the share), is waited for with
  back-off, said once with the system's reason; it is back once it can be listed again (not merely seen), then
  the observer is re-established on the folder as it is now and the inbox is rescanned at once; an inbox the
  run refused as empty though files were there (``run_once`` returns UNAVAILABLE: a share unmounted, leaving
  its mount point as an empty folder) is waited for the same way, and is back once it holds something again;
- the periodic rescan also starts a run when outbox/latest/ lacks an output of the last run (a clerk deleted
  latest/, the register or the 回执 folder), though the inbox is unchanged (``outputs_missing``);
- bursts of events (30 files copied at once) are coalesced: a run starts once the inbox has been quiet
  for ``quiet`` seconds, or ``max_delay`` seconds after the first event of a continuous trickle.

Runs happen in the caller's thread, one at a time; ``stop`` is only looked at between runs, so a stop
request never interrupts a run (nor its publication).
"""
from __future__ import annotations

import logging
import os
import stat
import threading
import time
import warnings
from collections.abc import Callable
from pathlib import Path

from watchdog.events import (
    DirAttribEvent,
    DirCreatedEvent,
    DirDeletedEvent,
    DirModifiedEvent,
    DirMovedEvent,
    FileAttribEvent,
    FileClosedEvent,
    FileCreatedEvent,
    FileDeletedEvent,
    FileModifiedEvent,
    FileMovedEvent,
    FileSystemEvent,
    FileSystemEventHandler,
)
from watchdog.observers import Observer
from watchdog.observers.api import BaseObserver
from watchdog.observers.polling import PollingObserver

from .discover import folder_reason, scan_inbox
from .errors import ToolkitError, os_error_place, os_reason

log = logging.getLogger(__name__)

Listing = frozenset  # of (inbox-relative path, size in bytes, mtime in ns, file id), ('unlisted', folder)

# The events asked of the observer: every change, and not the opening or reading of a file or folder. Our own
# runs list every folder and read new files; with inotify each of those reads would be an event the observer's
# thread handles in Python while the run works (thousands per run at 1,000 applications: the run took a third
# longer). watchdog's event_filter also narrows the inotify mask, so the kernel does not report them at all.
# (attribute changes — a touched file, a copy keeping its old time — are changes: watchdog 7 reports them apart)
WATCHED_EVENTS = [DirAttribEvent, DirCreatedEvent, DirDeletedEvent, DirModifiedEvent, DirMovedEvent,
                  FileAttribEvent, FileClosedEvent, FileCreatedEvent, FileDeletedEvent, FileModifiedEvent,
                  FileMovedEvent]


def inbox_listing(inbox: Path) -> Listing | None:
    """What the inbox holds, as a comparable value: a frozenset of (relative path, size, mtime_ns, file id), and
    the folders that could not be opened.

    Walks the same files as the pipeline (``discover.scan_inbox``, one stat each): a file replaced by another of
    the same size and time is a change (its file id). Returns None when the inbox folder is not there or cannot
    be opened; never raises for a file that vanishes while it is listed.
    """
    if not _is_dir(inbox):
        return None
    scanned = scan_inbox(inbox)
    if "" in scanned.unlisted or not _is_dir(inbox):  # it went away while we walked: not the inbox's listing
        return None
    return frozenset([*((rel, st.st_size, st.st_mtime_ns, st.st_ino) for rel, _abspath, st in scanned
                        if st is not None), *(("unlisted", folder) for folder in scanned.unlisted)])


EMPTY_INBOX = "文件夹是空的，但上次汇总时其中有文件"  # why an inbox refused as empty is waited for (UNAVAILABLE)


def inbox_unavailable(inbox: Path, *, empty: bool = False) -> str | None:
    """Why the inbox folder cannot be watched now, in Chinese ('文件夹不存在', '没有访问权限' …: discover.folder_reason,
    what the system said), or None when it is a folder that can be listed. Opens the folder and reads at most one
    entry: cheap at any size. A folder that can be seen but not opened (chmod 000 on the share) is not back.
    With ``empty``, a folder without any file is not back either (EMPTY_INBOX: the mount point of a share that is
    not mounted, or only its empty folders): the files are listed as a run lists them (discover.scan_inbox, the
    test the run refuses an empty inbox by), only when the folder has an entry at all."""
    try:
        with os.scandir(inbox) as entries:
            first = next(entries, None)
    except (FileNotFoundError, NotADirectoryError):
        return "文件夹不存在"
    except OSError as exc:
        return folder_reason(exc)
    return EMPTY_INBOX if empty and (first is None or not scan_inbox(inbox)) else None


def make_observer(poll: float | None) -> BaseObserver:
    """A watchdog observer: polling every ``poll`` seconds when given (network shares), else native events."""
    return PollingObserver(timeout=poll) if poll else Observer()


class _EventHints(FileSystemEventHandler):
    """Collects file events as hints: when the first and the last one arrived (monotonic seconds). The observer
    hands over changes only (scheduled with WATCHED_EVENTS), so every event counts."""

    def __init__(self, clock: Callable[[], float]):
        self._clock = clock
        self._lock = threading.Lock()
        self.first: float | None = None
        self.last: float | None = None
        self.count = 0

    def on_any_event(self, event: FileSystemEvent) -> None:
        now = self._clock()
        with self._lock:
            if self.first is None:
                self.first = now
            self.last = now
            self.count += 1

    def take(self) -> int:
        """Forget the events seen so far; return how many there were."""
        with self._lock:
            count, self.first, self.last, self.count = self.count, None, None, 0
        return count

    def due(self, now: float, *, quiet: float, max_delay: float) -> bool:
        """True when events are waiting and the inbox has been quiet for ``quiet`` seconds, or the first
        waiting event is ``max_delay`` seconds old."""
        with self._lock:
            if self.first is None:
                return False
            return now - self.last >= quiet or now - self.first >= max_delay


class InboxWatcher:
    """Runs ``run_once`` when the inbox changed; see the module docstring for how it stays awake.

    ``run_once()`` runs the pipeline once; it returns AGAIN when it left a file for a later run (the next periodic
    rescan then runs again even if nothing changed: a copy that paused midway is read once it is done or old
    enough), UNAVAILABLE when the run refused the inbox as empty although files were there (a share unmounted:
    waited for like a missing inbox, until it holds something), False when it could not run (another run held the
    lock, the inbox was missing): the change is then kept pending and tried again after ``retry`` seconds.
    An exception from ``run_once`` is logged and handled the same way, so the watcher never dies of it.

    All durations are in seconds: ``poll`` the polling observer's interval (None: native events),
    ``quiet`` the calm awaited after the last event, ``max_delay`` the longest wait after the first event,
    ``rescan`` the period of the full listing check, ``liveness`` how often the observer and the inbox
    folder are checked, ``backoff`` the first and the largest wait between probes of a missing inbox (kept
    across a return that does not last, started afresh once the inbox has been listed).

    ``outputs_missing()``: what outbox/latest/ lacks of the last run's outputs (pipeline.missing_outputs); a
    rescan that finds the inbox unchanged runs when it names anything. None: latest/ is not looked at.
    """

    def __init__(self, inbox: Path, run_once: Callable[[], bool | str | None], *, poll: float | None = None,
                 quiet: float = 2.0, max_delay: float = 30.0, rescan: float = 60.0, retry: float = 10.0,
                 liveness: float = 2.0, backoff: tuple[float, float] = (1.0, 30.0),
                 stop: threading.Event | None = None, announced: threading.Event | None = None,
                 observer_factory: Callable[[float | None], BaseObserver] = make_observer,
                 clock: Callable[[], float] = time.monotonic,
                 outputs_missing: Callable[[], list[str]] | None = None):
        self.inbox = Path(inbox)
        self.run_once = run_once
        self.outputs_missing = outputs_missing
        self.poll = poll
        self.quiet, self.max_delay, self.rescan, self.retry = quiet, max_delay, rescan, retry
        self.liveness = liveness
        self.backoff_first, self.backoff_cap = backoff
        self.stop = stop or threading.Event()
        self.announced = announced  # set once the stop request has been logged (by the caller's thread)
        self.observer_factory = observer_factory
        self.clock = clock
        self.hints = _EventHints(clock)
        self.observer: BaseObserver | None = None
        self.runs = 0  # run attempts, including those that could not run
        self.restarts = 0  # observers started again after the first
        self._identity: tuple[int, int] | None = None  # (st_dev, st_ino) of the folder being watched
        self._last_listing: Listing | None = None  # the inbox as the last completed run saw it
        self._retry_at: float | None = None
        self._next_rescan = 0.0
        self._next_liveness = 0.0
        self._missing_since: float | None = None  # the inbox is gone: probe it with back-off
        self._backoff = self.backoff_first
        self._next_probe = 0.0
        self._empty_is_missing = False  # the inbox being waited for was refused as empty: back once it is not
        self._observer_failing = False

    # -- the loop ---------------------------------------------------------------------------------------

    def run(self, *, max_runs: int | None = None, tick: float = 0.1) -> int:
        """Watch until ``stop`` is set (or ``max_runs`` run attempts were made); return the run attempts.

        Runs the pipeline once at the start. Raises nothing of its own; KeyboardInterrupt passes through
        (the observer is stopped on the way out).
        """
        warnings.filterwarnings("ignore", category=RuntimeWarning, module=r"watchdog.*")
        mode = f"轮询，每 {self.poll:g} 秒" if self.poll else "文件系统事件"
        log.info("开始监视收件箱：%s（%s；每 %g 秒全面检查一次）", self.inbox, mode, self.rescan)
        try:
            if self._start_observer():
                self._run("启动后首次汇总", inbox_listing(self.inbox))
            while not self._finished(max_runs):
                self._step()
                if not self._finished(max_runs):
                    self.stop.wait(tick)
        finally:
            self._stop_observer()
        if self.announced is not None and self.stop.is_set():
            self.announced.wait(1.0)  # the request's notice before the last line, as it happened
        log.info("已停止监视收件箱：%s（本次共汇总 %d 次）。", self.inbox, self.runs)
        return self.runs

    def _finished(self, max_runs: int | None) -> bool:
        return self.stop.is_set() or (max_runs is not None and self.runs >= max_runs)

    def _step(self) -> None:
        now = self.clock()
        if self._missing_since is not None:
            if now >= self._next_probe:
                self._probe_missing_inbox(now)
            return
        if now >= self._next_liveness:
            self._next_liveness = now + self.liveness
            if not self._check_liveness():
                return
        if self.hints.due(now, quiet=self.quiet, max_delay=self.max_delay):
            self._run(f"收件箱有变化（{self.hints.count} 个文件事件）", inbox_listing(self.inbox))
        elif self._retry_at is not None and now >= self._retry_at:
            self._run("重试上次未能完成的汇总", inbox_listing(self.inbox))
        elif now >= self._next_rescan:
            self._rescan("定期全面检查")

    # -- runs -------------------------------------------------------------------------------------------

    def _rescan(self, why: str) -> None:
        """Run the pipeline if the inbox's listing differs from the one the last completed run saw, or if
        outbox/latest/ lacks an output of the last run (``outputs_missing``)."""
        listing = inbox_listing(self.inbox)
        self._next_rescan = self.clock() + self.rescan
        if listing is None:
            self._inbox_missing(inbox_unavailable(self.inbox) or "无法列出文件夹内容")
            return
        self._backoff = self.backoff_first  # listed: a later outage is waited for from the first step again
        if listing != self._last_listing:
            self._run(f"{why}发现文件有变化", listing)
        elif missing := (self.outputs_missing() if self.outputs_missing else None):
            self._run(f"{why}发现输出文件夹缺少 {'、'.join(missing)}", listing)
        else:
            log.debug("%s：收件箱无变化", why)

    def _run(self, why: str, listing: Listing | None) -> None:
        if listing is None:
            self._inbox_missing(inbox_unavailable(self.inbox) or "无法列出文件夹内容")
            return
        self._backoff = self.backoff_first
        self.hints.take()  # events from now on are for the next run
        self._retry_at = None
        log.info("开始汇总：%s……", why)
        try:
            ok = self.run_once()
        except Exception as exc:  # a failed run must not end the watch
            log.error("本次汇总出错（%s），%g 秒后重试。", _failure(exc), self.retry,
                      exc_info=log.isEnabledFor(logging.DEBUG))
            ok = False
        self.runs += 1
        self._next_rescan = self.clock() + self.rescan
        if ok == UNAVAILABLE and (reason := inbox_unavailable(self.inbox, empty=True)) is not None:
            # (one run said why; until the share is back, probes with back-off, not a failed run every few seconds)
            self._inbox_missing(reason, empty=reason == EMPTY_INBOX)
        elif ok is False or ok == UNAVAILABLE:
            self._retry_at = self.clock() + self.retry
            if (reason := inbox_unavailable(self.inbox)) is not None:
                self._inbox_missing(reason)
        elif ok == AGAIN:  # published, with a file left for later: the next rescan runs again, changed or not
            self._last_listing = None
        else:
            self._last_listing = listing

    # -- the observer -----------------------------------------------------------------------------------

    def _check_liveness(self) -> bool:
        """True when the inbox is there and watched by a live observer; otherwise repairs what it can."""
        identity = _identity(self.inbox)
        if identity is None:
            self._inbox_missing("文件夹不存在")
            return False
        if self.observer is None:  # an earlier start failed: try again
            if self._start_observer():
                self._rescan("重新开始监视后")
            return self._missing_since is None
        if identity != self._identity:
            log.warning("收件箱文件夹已被替换（如重新连接共享盘或从备份恢复）：%s，重新开始监视。", self.inbox)
        elif not _observer_alive(self.observer):
            log.warning("文件监视已停止运行，正在重新启动（第 %d 次）。", self.restarts + 1)
        else:
            return True
        self._stop_observer()
        self.restarts += 1
        if self._start_observer():
            self._rescan("重新开始监视后")  # events may have been missed meanwhile
        return self._missing_since is None

    def _start_observer(self) -> bool:
        """Start an observer on the inbox folder as it is now; False when the inbox is not there or cannot be
        listed."""
        identity = _identity(self.inbox)
        reason = "文件夹不存在" if identity is None else inbox_unavailable(self.inbox)
        if reason is not None:
            self._inbox_missing(reason)
            return False
        observer = self.observer_factory(self.poll)
        try:
            observer.schedule(self.hints, str(self.inbox), recursive=True, event_filter=WATCHED_EVENTS)
            observer.start()
        except OSError as exc:
            _stop_quietly(observer)
            if (reason := inbox_unavailable(self.inbox)) is not None:
                self._inbox_missing(reason)
                return False
            if not self._observer_failing:  # e.g. the system's limit of watched folders is reached
                log.warning("无法启动文件监视（%s），暂时只靠每 %g 秒的全面检查发现变化，稍后再试。",
                            os_reason(exc), self.rescan)
            self._observer_failing = True
            self.observer = None
            return True  # the inbox is there: rescans still work
        if self._observer_failing:
            log.info("文件监视已恢复。")
        self._observer_failing = False
        self.observer, self._identity = observer, identity
        return True

    def _stop_observer(self) -> None:
        if self.observer is not None:
            _stop_quietly(self.observer)
            self.observer = None

    # -- a missing inbox --------------------------------------------------------------------------------

    def _inbox_missing(self, reason: str, *, empty: bool = False) -> None:
        """The inbox is gone or cannot be listed (``empty``: or was refused as empty, see UNAVAILABLE): say so once,
        stop the observer, probe it with back-off. The back-off goes on from where it was when the inbox went away
        again before it was ever listed (a return that does not last is no reason to probe every second)."""
        if self._missing_since is not None:
            return
        self._empty_is_missing = empty
        log.warning("收件箱暂时无法访问：%s（%s），等待恢复……", self.inbox, reason)
        self._stop_observer()
        self.hints.take()  # the removal's own events: what counts is what is there when it returns
        self._missing_since = self.clock()
        self._next_probe = self._missing_since + self._backoff

    def _probe_missing_inbox(self, now: float) -> None:
        """Back once the folder can be listed (there and readable; and not empty, when it was refused as empty):
        then watched and rescanned at once."""
        reason = inbox_unavailable(self.inbox, empty=self._empty_is_missing)
        if reason is not None:
            self._backoff = min(self._backoff * 2, self.backoff_cap)
            self._next_probe = now + self._backoff
            log.debug("收件箱仍无法访问（%s），%g 秒后再试", reason, self._backoff)
            return
        gone = now - self._missing_since
        self._missing_since = None
        self._empty_is_missing = False
        log.info("收件箱已恢复：%s（中断约 %.0f 秒），重新开始监视并全面检查。", self.inbox, gone)
        self._next_liveness = now + self.liveness
        if self._start_observer():
            self._rescan("收件箱恢复后")


AGAIN = "again"  # what run_once returns for a run that left a file for the next one (one still being copied)
UNAVAILABLE = "unavailable"  # what run_once returns when the run refused the inbox as empty (a share not mounted)


def watch(inbox: Path, run_once: Callable[[], bool | str | None], *, poll: float | None = None, quiet: float = 2.0,
          max_delay: float = 30.0, rescan: float = 60.0, stop: threading.Event | None = None,
          max_runs: int | None = None, retry: float = 10.0, liveness: float = 2.0,
          backoff: tuple[float, float] = (1.0, 30.0), announced: threading.Event | None = None,
          outputs_missing: Callable[[], list[str]] | None = None) -> int:
    """Run ``run_once`` now, then whenever the inbox changed, until ``stop`` is set or ``max_runs`` attempts.

    A thin front for ``InboxWatcher`` (see it for the meaning of each duration, all in seconds). ``announced``:
    set by the caller once it has logged why it stopped (a signal), awaited (up to 1 s) before the last line.
    ``outputs_missing``: what outbox/latest/ lacks (pipeline.missing_outputs), looked at on each periodic rescan.
    Returns the number of run attempts made.
    """
    watcher = InboxWatcher(inbox, run_once, poll=poll, quiet=quiet, max_delay=max_delay, rescan=rescan,
                           retry=retry, liveness=liveness, backoff=backoff, stop=stop, announced=announced,
                           outputs_missing=outputs_missing)
    return watcher.run(max_runs=max_runs)


def _failure(exc: Exception) -> str:
    """Why a run failed, for the watcher's log, in Chinese: the toolkit's own message, an operating-system error's
    meaning (errors.os_reason: '磁盘空间已满', not 'No space left on device') and its file, else the error's kind
    (a bug: its kind and details are in the log with -v, not in the clerk's line)."""
    if isinstance(exc, ToolkitError):
        return str(exc)
    if isinstance(exc, OSError):
        return f"{os_reason(exc)}{os_error_place(exc)}"
    return "程序内部出错，请把运行日志（加 -v 运行可看到详细内容）发给技术人员"


def _is_dir(path: Path) -> bool:
    try:
        return path.is_dir()
    except OSError:
        return False


def _identity(path: Path) -> tuple[int, int] | None:
    """(device, inode) of a folder, or None when it is not there: a restored folder is a new one."""
    try:
        st = os.stat(path)
    except OSError:
        return None
    return (st.st_dev, st.st_ino) if stat.S_ISDIR(st.st_mode) else None


def _observer_alive(observer: BaseObserver) -> bool:
    """The observer's dispatch thread and every emitter thread are running (an emitter that raised or that
    stopped itself after its folder vanished is not)."""
    emitters = list(observer.emitters)
    return observer.is_alive() and bool(emitters) and all(e.is_alive() for e in emitters)


def _stop_quietly(observer: BaseObserver) -> None:
    try:
        observer.stop()
        if observer.is_alive():
            observer.join(timeout=5)
    except Exception:  # a broken observer is being discarded anyway
        log.debug("stopping an observer failed", exc_info=True)
