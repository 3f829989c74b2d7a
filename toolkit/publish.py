"""Write one run's outputs into outbox/runs/<timestamp>/ and switch outbox/latest/ to it atomically."""
from __future__ import annotations

import datetime as dt
import logging
import os
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


def switch_latest(outbox: Path, run_folder: Path) -> None:
    """Make outbox/latest show ``run_folder``: an atomic symlink swap where possible, else a copy swap.

    Either way, latest/ is never a half-written mix: a reader sees the old set or the new one.
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
    # no symlinks (e.g. Windows without privilege, some SMB shares): copy, then two renames
    staging = outbox / f".{LATEST}.{os.getpid()}.staging"
    shutil.rmtree(staging, ignore_errors=True)
    shutil.copytree(run_folder, staging)
    aside = outbox / f".{LATEST}.{os.getpid()}.old"
    if latest.is_symlink():
        latest.unlink()
    elif latest.exists():
        os.replace(latest, aside)
    os.replace(staging, latest)
    shutil.rmtree(aside, ignore_errors=True)


def publish(outbox: Path, write: Callable[[Path], object], *, now: dt.datetime) -> Path:
    """Write a run's outputs with ``write(folder)`` into a new outbox/runs/<China time>/ folder, then switch
    outbox/latest/ to it. A run killed midway leaves only a ``.partial`` folder; latest/ is never half-written."""
    tmp, final = new_run_folder(outbox, now)
    write(tmp)
    os.replace(tmp, final)
    switch_latest(outbox, final)
    return final
