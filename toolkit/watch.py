"""``run.py watch``: run the pipeline whenever the inbox changes (watchdog events, or polling on shares)."""
from __future__ import annotations

import logging
import threading
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


def watch(inbox: Path, run_once: Callable[[], None], *, poll: float | None = None, quiet: float = 3.0,
          stop: threading.Event | None = None, max_runs: int | None = None) -> int:
    """Run once now, then again each time the inbox has changed and been quiet for ``quiet`` seconds.

    Returns the number of runs made (when ``stop`` is set or ``max_runs`` reached).
    """
    stop = stop or threading.Event()
    handler = _Debounce()
    observer = PollingObserver(timeout=poll) if poll else Observer()
    observer.schedule(handler, str(inbox), recursive=True)
    observer.start()
    runs = 0
    try:
        run_once()
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
            run_once()
            runs += 1
    finally:
        observer.stop()
        observer.join(timeout=10)
    return runs
