"""Read each submitted file in a worker process with limits, so that no single file can take the run down.

A file that makes its reader abort (a native library's failed allocation), exhausts memory, loops, or is
killed (OOM killer, SIGKILL) costs only itself: the parent sees the worker's pipe close or its time run
out, reports that file as ``file.unreadable`` and starts a fresh worker for the files still to read.

Limits, per worker (POSIX; on Windows only the wall-clock limit applies):
- address space (``RLIMIT_AS`` soft limit, default 3 GiB): a reader asking for more gets MemoryError or dies;
- CPU time per file (``RLIMIT_CPU`` raised before each file to the time used so far plus the allowance,
  default 120 s): a reader spinning past it gets SIGXCPU;
- wall-clock time per file (default 300 s, LibreOffice conversion included): the parent kills the worker;
- result size (default 32 MB pickled): a result larger than any real form or summary is refused.

Workers are started from a fork server that has already imported the readers, so starting one is cheap.
Results travel by pickle between this run's own processes only (never through the shared drive).
"""
from __future__ import annotations

import logging
import multiprocessing as mp
import os
import pickle
import sys
import time
from collections import deque
from dataclasses import dataclass
from multiprocessing.connection import wait
from typing import Callable, Iterable, Iterator

from .campaign import Campaign
from .messages import file_problem
from .model import Extracted

log = logging.getLogger(__name__)

READER_MODULE = "toolkit.extract.registry"
READY = b"ready"
STARTUP_SECONDS = 120.0  # a worker that is not ready by then failed to start
MAX_STARTUP_FAILURES = 3  # then files are read in this process, without isolation (and a warning)


@dataclass(frozen=True)
class Limits:
    """Per-file resource limits of a reader worker: bytes, seconds of CPU, seconds of wall clock, bytes."""

    memory: int = 3 * 1024 ** 3
    cpu_seconds: int = 120
    wall_seconds: float = 300.0
    result_bytes: int = 32 * 1024 ** 2
    head_only_above: int = 64 * 1024 ** 2  # a larger file is sniffed from its head (scans need no loading)
    max_document: int = 200 * 1024 ** 2  # a larger file that is not a scan is refused unread


DEFAULT_LIMITS = Limits()


def _apply_memory_limit(limit: int) -> None:
    try:
        import resource
    except ImportError:  # Windows: no rlimits
        return
    _soft, hard = resource.getrlimit(resource.RLIMIT_AS)
    if hard != resource.RLIM_INFINITY and hard < limit:
        limit = hard
    try:  # only the soft limit: a LibreOffice child raises it again for itself (legacy.convert)
        resource.setrlimit(resource.RLIMIT_AS, (limit, hard))
    except (ValueError, OSError):
        pass


def _allow_cpu(seconds: int) -> None:
    """Let the next file use ``seconds`` more CPU time than this worker has used so far."""
    try:
        import resource
    except ImportError:
        return
    used = resource.getrusage(resource.RUSAGE_SELF)
    total = int(used.ru_utime + used.ru_stime) + seconds
    _soft, hard = resource.getrlimit(resource.RLIMIT_CPU)
    if hard != resource.RLIM_INFINITY and hard < total:
        total = hard
    try:
        resource.setrlimit(resource.RLIMIT_CPU, (total, hard))
    except (ValueError, OSError):
        pass


def reader_error(rel: str, exc: BaseException) -> Extracted:
    """What a file yields whose reader raised ``exc`` (a reader's bug, or content it cannot handle): file.unreadable
    in the clerk's words — the exception's name goes to the log, never into the message (no English in view)."""
    log.debug("读取 %s 时出错：%s", rel, type(exc).__name__, exc_info=exc)
    return file_problem("file.unreadable", rel, reason="读取时出错（文件中可能有本工具不能处理的内容）")


def _worker_main(conn, campaign: Campaign, limits: Limits, read: Callable) -> None:
    """A worker's loop: receive (path, rel), answer with the pickled Extracted; end on None or EOF."""
    import signal

    # Ctrl-C in a terminal reaches the whole process group: the run decides when to stop, not its readers
    # (a reader interrupted mid-file would report a good file as unreadable, and that result is cached)
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    _apply_memory_limit(limits.memory)
    try:
        conn.send_bytes(READY)  # the parent gives no file to a worker that never got this far
    except (OSError, ValueError):
        return
    while True:
        try:
            job = conn.recv()
        except (EOFError, OSError):
            return  # the run that started us is gone
        if job is None:
            return
        path, rel = job
        _allow_cpu(limits.cpu_seconds)
        try:
            result = read(path, rel, campaign, limits)
            payload = pickle.dumps(result, protocol=pickle.HIGHEST_PROTOCOL)
            if len(payload) > limits.result_bytes:
                payload = pickle.dumps(file_problem("file.unreadable", rel, reason="文件内容异常庞大（读出的内容超过限制）"))
        except MemoryError:
            payload = pickle.dumps(file_problem("file.unreadable", rel, reason="读取时占用内存超过限制（文件可能含有异常巨大的表格区域或图片）"))
        except Exception as exc:  # noqa: BLE001 - a reader's bug must cost only this file
            payload = pickle.dumps(reader_error(rel, exc))
        try:
            conn.send_bytes(payload)
        except (OSError, ValueError):
            return


def _context():
    if sys.platform.startswith("linux") or sys.platform == "darwin":
        ctx = mp.get_context("forkserver")
        ctx.set_forkserver_preload([READER_MODULE])
        return ctx
    return mp.get_context("spawn")


class _Worker:
    def __init__(self, ctx, campaign: Campaign, limits: Limits, read: Callable):
        self.conn, child = ctx.Pipe(duplex=True)
        self.process = ctx.Process(target=_worker_main, args=(child, campaign, limits, read), daemon=True)
        self.process.start()
        child.close()
        self.jobs: deque = deque()  # (path, rel) given and not answered yet, the one being read first
        self.started = 0.0  # when the file being read was started (as this process knows it)

    @property
    def job(self) -> tuple[str, str] | None:
        """The file being read, or None when idle."""
        return self.jobs[0] if self.jobs else None

    def give(self, job: tuple[str, str]) -> None:
        """Send ``job``; it waits behind the ones given before (the worker reads them in order)."""
        self.jobs.append(job)
        if len(self.jobs) == 1:
            self.started = time.monotonic()
        self.conn.send(job)

    def answered(self) -> tuple[str, str]:
        """The job just answered, removed; the next one's reading counts from now (the worker started it when it
        sent this answer, a moment earlier: its wall-clock limit is never shorter than ``Limits.wall_seconds``)."""
        job = self.jobs.popleft()
        self.started = time.monotonic()
        return job

    def stop(self, *, kill: bool = False) -> None:
        try:
            if kill:
                self.process.kill()
            else:
                self.conn.send(None)
        except (OSError, ValueError):
            pass
        self.process.join(timeout=5)
        if self.process.is_alive():
            self.process.kill()
            self.process.join(timeout=5)
        self.conn.close()


def _death_reason(process) -> str:
    code = process.exitcode
    if code is not None and code < 0:
        import signal

        try:
            name = signal.Signals(-code).name
        except ValueError:
            name = str(-code)
        if name == "SIGXCPU":
            return "读取时间超过限制（文件结构异常，读取程序长时间无法完成）"
        if name == "SIGKILL":
            return "读取程序被系统终止（可能占用内存过多）"
        return f"读取程序异常终止（{name}），文件可能含有异常结构"
    return "读取程序异常退出，文件可能含有异常结构"


class ReaderPool:
    """Worker processes that read files one at a time each, with per-file limits (see the module docstring).

    ``read(path, rel, campaign, limits) -> Extracted`` must be a module-level function (it is sent to the workers).
    Use as a context manager; ``map`` yields ``(rel, Extracted)`` as files finish, in no fixed order, and
    yields a ``file.unreadable`` result for any file whose worker died, timed out or answered too much.
    """

    def __init__(self, campaign: Campaign, read: Callable, *, workers: int = 2, limits: Limits | None = None):
        self.campaign = campaign
        self.read = read
        self.size = max(1, workers)
        self.limits = limits or DEFAULT_LIMITS
        self.replaced = 0  # workers started again after one died or was killed
        self._ctx = _context()
        self._workers: list[_Worker] = []
        self._launched: list[_Worker] = []  # started by _fill, not yet known to be ready
        self.startup_failures = 0
        self.in_process = False  # set when workers cannot be started at all

    def __enter__(self) -> "ReaderPool":
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    def close(self) -> None:
        for worker in self._workers:
            worker.stop(kill=worker.job is not None)
        for worker in self._launched:
            worker.stop(kill=True)
        self._workers = []
        self._launched = []

    def prepare(self) -> None:
        """Get what the workers start from going, without waiting for it: the fork server (multiprocessing's
        forkserver.ensure_running), a new Python process that imports the readers — about 0.15 s, on the other
        core while this process goes on (a run decodes its cached results meanwhile). Starting a worker waits
        for that import; after it, a worker is up in a few milliseconds. Does nothing where workers are
        spawned (Windows) or cannot be started."""
        if self.in_process or self._ctx.get_start_method() != "forkserver":
            return
        from multiprocessing import forkserver

        try:
            forkserver.ensure_running()
        except (OSError, ValueError):
            pass  # the workers' own start reports it (and falls back to reading here)

    def _start(self) -> _Worker | None:
        """A started worker that reported ready (one of those ``_fill`` started together first), or None once
        workers keep failing to start (the parent's main module cannot be imported by a child, a fork server that
        cannot run …): then files are read in this process. A worker that dies before it is ready costs no file."""
        while self.startup_failures < MAX_STARTUP_FAILURES:
            if self._launched:
                worker = self._launched.pop(0)
            else:
                try:
                    worker = _Worker(self._ctx, self.campaign, self.limits, self.read)
                except OSError:
                    self.startup_failures += 1
                    continue
            if wait([worker.conn, worker.process.sentinel], timeout=STARTUP_SECONDS) and worker.conn.poll():
                try:
                    if worker.conn.recv_bytes() == READY:
                        return worker
                except (EOFError, OSError):
                    pass
            worker.stop(kill=True)
            self.startup_failures += 1
        if not self.in_process:
            log.warning("无法启动读取文件的子进程，改为在本进程中逐个读取（个别异常文件可能影响整个运行）。")
        self.in_process = True
        for worker in self._launched:  # started together with the ones that failed: none is waited for now
            worker.stop(kill=True)
        self._launched = []
        return None

    def warm_up(self) -> None:
        """Start the pool's workers now (a watcher's idle moment) rather than when the first file comes."""
        self._fill(self.size)

    def _fill(self, wanted: int) -> None:
        """Start workers until ``wanted`` are up (or none can be started: files are then read here); they are
        started together, so the second comes up while the first is awaited."""
        while not self.in_process and len(self._workers) + len(self._launched) < wanted:
            try:
                self._launched.append(_Worker(self._ctx, self.campaign, self.limits, self.read))
            except OSError:
                break  # _start tries again, counting failures
        while len(self._workers) < wanted and not self.in_process:
            worker = self._start()
            if worker is not None:
                self._workers.append(worker)

    def map(self, jobs: Iterable[tuple[str, str]]) -> Iterator[tuple[str, Extracted]]:
        """Read every ``(abspath, rel)`` job; yield ``(rel, Extracted)`` for each, whatever happens to it."""
        queue = deque(jobs)
        for worker in list(self._workers):  # a kept pool whose last map was abandoned: no stale answer may leak
            if worker.job is not None:
                self._replace(worker)
        self._fill(min(self.size, len(queue)))
        while queue or any(w.job is not None for w in self._workers):
            if not self._workers:  # no worker could be started: read the rest here
                path, rel = queue.popleft()
                try:
                    yield rel, self.read(path, rel, self.campaign, self.limits)
                except Exception as exc:  # noqa: BLE001 - a reader's bug costs only this file
                    yield rel, reader_error(rel, exc)
                continue
            for worker in list(self._workers):
                while len(worker.jobs) < AHEAD and queue:
                    try:
                        worker.give(queue.popleft())
                    except (OSError, ValueError):  # the worker is gone: the file not sent goes back first
                        queue.appendleft(worker.jobs.pop())
                        if not worker.jobs:  # it died idle: no file to blame, start another
                            self._replace(worker)
                        # else it died on the file it was reading: _collect reports that one (its sentinel is
                        # ready) and puts the others back
                        break
            busy = [w for w in self._workers if w.job is not None]
            if not busy:
                continue
            timeout = max(0.05, min(self.limits.wall_seconds - (time.monotonic() - w.started) for w in busy))
            ready = wait([w.conn for w in busy] + [w.process.sentinel for w in busy], timeout=timeout)
            for worker in busy:
                result = self._collect(worker, ready, queue)
                if result is not None:
                    yield result

    def _collect(self, worker: _Worker, ready: list, queue: deque) -> tuple[str, Extracted] | None:
        """The answer of ``worker``'s current file, if any: its result, or a file.unreadable when the worker died
        on it or overran the wall-clock limit (the worker is then replaced, and the files waiting behind that
        one go back to the front of ``queue``)."""
        rel = worker.job[1]
        if worker.conn in ready:
            try:
                result = pickle.loads(worker.conn.recv_bytes())
                worker.answered()
                return rel, result
            except (EOFError, OSError, pickle.UnpicklingError):
                pass  # the worker died mid-answer: handled below
        elif worker.process.sentinel not in ready:
            if time.monotonic() - worker.started < self.limits.wall_seconds:
                return None
            worker.process.kill()
            worker.process.join(timeout=5)
            queue.extendleft(reversed(self._replace(worker)[1:]))
            minutes = self.limits.wall_seconds / 60
            return rel, file_problem("file.unreadable", rel, reason=f"读取超过 {minutes:.0f} 分钟仍未完成（文件结构异常）")
        worker.process.join(timeout=5)
        reason = _death_reason(worker.process)
        queue.extendleft(reversed(self._replace(worker)[1:]))
        return rel, file_problem("file.unreadable", rel, reason=reason)

    def _replace(self, worker: _Worker) -> list[tuple[str, str]]:
        """Stop ``worker`` and start another in its place (or drop it when none can be started); returns the jobs
        it had been given and not answered, in order."""
        jobs = list(worker.jobs)
        worker.jobs.clear()
        worker.stop(kill=True)
        fresh = self._start()
        if fresh is None:  # no worker can be started any more: the others finish the queue
            self._workers.remove(worker)
        else:
            self._workers[self._workers.index(worker)] = fresh
        self.replaced += 1
        return jobs


AHEAD = 2  # files given to a worker at a time: the next is there when it sends an answer, so it never waits for
# this process to take the answer and give it another (at 1,000 applications that wait was about a sixth of
# the reading)


def default_workers() -> int:
    """Reader processes to start: one per core, at most 4."""
    return max(1, min(os.cpu_count() or 1, 4))
