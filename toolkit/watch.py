"""``run.py watch``: run the pipeline whenever the inbox changes (watchdog events, or polling on shares)."""
from __future__ import annotations

import logging
import threading
import warnings
import time
from pathlib import Path
from typing import Callable

from watchdog.events import FileSystemEventHandler
from watchdog.observers import Observer
from watchdog.observers.polling import PollingObserver

log = logging.getLogger(__name__)


class _Debounce(FileSystemEventHandler):
    def __init__(self):
        self.changed = threading.Event()

    def on_any_event(self, event):
        if event.event_type in ("opened", "closed_no_write"):
            return
        self.changed.set()


def watch(inbox: Path, run_once: Callable[[], bool | None], *, poll: float | None = None, quiet: float = 3.0,
          stop: threading.Event | None = None, max_runs: int | None = None, retry: float = 10.0) -> int:
    """Run once now, then again each time the inbox has changed and been quiet for ``quiet`` seconds.

    ``run_once`` returns False when it could not run (another run held the lock): the change is then
    kept pending and tried again after ``retry`` seconds, so nothing dropped meanwhile is missed.
    Returns the number of runs made (when ``stop`` is set or ``max_runs`` reached).
    """
    warnings.filterwarnings("ignore", category=RuntimeWarning, module=r"watchdog.*")
    stop = stop or threading.Event()
    handler = _Debounce()
    observer = PollingObserver(timeout=poll) if poll else Observer()
    observer.schedule(handler, str(inbox), recursive=True)
    observer.start()
    runs = 0
    try:
        if run_once() is False:
            handler.changed.set()
        runs += 1
        while not stop.is_set() and (max_runs is None or runs < max_runs):
            if not handler.changed.wait(timeout=0.5):
                continue
            # wait for the burst of events to end (a copy of many files, a save in several steps)
            while handler.changed.is_set() and not stop.is_set():
                handler.changed.clear()
                time.sleep(quiet)
            if stop.is_set():
                break
            if run_once() is False:
                stop.wait(retry)
                handler.changed.set()
            runs += 1
    finally:
        observer.stop()
        observer.join(timeout=10)
    return runs
