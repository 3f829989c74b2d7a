"""A small process forked before a run grows, for the one heavy piece of work an output can hand off: the
register's 统计 tables, grouped by pandas, whose import alone (0.16-0.26 s) would otherwise lengthen the run's
longest path after a single changed file.

A run starts the helper (``Helper.start``) right after it knows it has work to do, while its process is small: the
helper imports ``modules`` (pandas) during the run's reading and deciding, on the core they leave free, then
waits for one ``Job`` — a module-level function and its arguments, as small as the job allows (the register
sends the columns it groups, not the result) — computes it, sends the pickled value back and ends. A helper
forked when the run's process had grown to its full size would count that size again in the process tree's
memory, and one started at rendering would import pandas on the way. Pickles travel only between the run's own
processes. Where there is no fork (Windows) there is no helper and outputs compute their jobs themselves.
"""
from __future__ import annotations

import os
import pickle
from collections.abc import Callable
from dataclasses import dataclass

HELPER_WAIT = 600.0  # seconds without a word from the helper (its job takes about 0.3 s at 10,000 applications)


@dataclass(frozen=True)
class Job:
    """Work an output hands to the helper: ``function(*args)``, a module-level function (pickled by reference)
    and arguments that pickle (its value must pickle too)."""

    function: Callable
    args: tuple

    def __call__(self):
        return self.function(*self.args)


def value_of(part):
    """A shared part's value: a Job computed here, anything else as it is."""
    return part() if isinstance(part, Job) else part


def write_all(fd: int, data: bytes) -> None:
    """Write all of ``data`` to the pipe ``fd`` (blocking)."""
    view = memoryview(data)
    while view:
        view = view[os.write(fd, view):]


def read_all(fd: int) -> bytes:
    """Everything read from the pipe ``fd`` until its end (every write end closed)."""
    chunks = []
    while chunk := os.read(fd, 1 << 16):
        chunks.append(chunk)
    return b"".join(chunks)


@dataclass
class Helper:
    """A helper process (see the module): its pid, the pipe a Job is sent on and the pipe its value comes back
    on (its read end, -1 once handed to a reader)."""

    pid: int
    jobs: int
    results: int
    given: bool = False

    @classmethod
    def start(cls, modules: tuple = ("pandas",)) -> Helper | None:
        """Fork a helper that imports ``modules`` and waits for its job; None where fork is not available or
        fails (the job is then computed by whoever asks for it)."""
        forked = fork_with_pipes(2)
        if forked is None:
            return None
        pid, (jobs_read, jobs_write, results_read, results_write) = forked
        if pid == 0:
            _serve(jobs_read, results_write, (jobs_write, results_read), modules)
        os.close(jobs_read)
        os.close(results_write)
        return cls(pid=pid, jobs=jobs_write, results=results_read)

    def take(self, job: Job, wait: float = HELPER_WAIT) -> int | None:
        """Send ``job``; the read end of the pipe its value (pickled; nothing if it fails) will come back on, now
        the caller's to read and close — or None when the helper cannot take it (given a job already, gone, or
        not reading for ``wait`` seconds: a job of 10,000 applications' columns is ten times what a pipe holds):
        then the caller computes it. One job per helper."""
        import select

        if self.given:
            return None
        self.given = True
        try:
            body = pickle.dumps(job, protocol=pickle.HIGHEST_PROTOCOL)
            data = memoryview(len(body).to_bytes(8, "big") + body)  # (its length first: a process forked
            os.set_blocking(self.jobs, False)  # since holds this pipe's end too, so the helper cannot wait for
            while data:  # the end of it)
                if not select.select([], [self.jobs], [], wait)[1]:
                    return None  # (the helper, reading a job cut short, ends)
                data = data[os.write(self.jobs, data):]
        except (OSError, ValueError, pickle.PicklingError, TypeError, AttributeError):
            return None
        finally:
            os.close(self.jobs)
            self.jobs = -1
        results, self.results = self.results, -1
        return results

    def stop(self) -> None:
        """End the helper (it ends by itself once its job is done or the job pipe is closed unused) and reap it;
        close what is left of its pipes."""
        import signal

        for fd in (self.jobs, self.results):
            if fd >= 0:
                os.close(fd)
        self.jobs = self.results = -1
        try:
            if os.waitpid(self.pid, os.WNOHANG) == (0, 0):  # still running: importing, or computing for nobody
                os.kill(self.pid, signal.SIGKILL)
                os.waitpid(self.pid, 0)
        except (OSError, ChildProcessError):
            pass


def fork_with_pipes(count: int) -> tuple[int, list[int]] | None:
    """os.fork after making ``count`` pipes: (fork's value, [read, write, read, write …]) — both processes hold
    every end — or None where there is no fork or it fails (the pipes closed again)."""
    if not hasattr(os, "fork"):
        return None
    pipes: list[int] = []
    try:
        for _ in range(count):
            pipes.extend(os.pipe())
        return os.fork(), pipes
    except OSError:
        for fd in pipes:
            os.close(fd)
        return None


def _serve(jobs: int, results: int, others: tuple, modules: tuple) -> None:
    """The helper's life: import ``modules``, read one Job from ``jobs`` (its length, then its pickle; nothing:
    the run needed none), send its value on ``results``; leave without the parent's clean-up (status 0 served or
    not needed, 1 failed)."""
    code = 1
    try:
        import gc
        import importlib

        gc.disable()  # short-lived: no collection walks the pages it shares with the run's process
        for fd in others:
            os.close(fd)
        for module in modules:
            importlib.import_module(module)
        head = _read_exactly(jobs, 8)
        if head is not None:  # (none: the run needed no job)
            body = _read_exactly(jobs, int.from_bytes(head, "big"))
            if body is None:
                raise EOFError("a job cut short")
            write_all(results, pickle.dumps(pickle.loads(body)(), protocol=pickle.HIGHEST_PROTOCOL))
        code = 0
    except BaseException:  # noqa: BLE001 - the reader sees nothing come and the job is computed again there
        code = 1
    finally:
        os._exit(code)


def _read_exactly(fd: int, size: int) -> bytes | None:
    """``size`` bytes from ``fd``, or None when it ends before."""
    chunks, left = [], size
    while left:
        chunk = os.read(fd, min(left, 1 << 20))
        if not chunk:
            return None
        chunks.append(chunk)
        left -= len(chunk)
    return b"".join(chunks)
