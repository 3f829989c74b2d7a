"""The audit trail: one JSON line per run in ``outbox/logs/runs.jsonl`` — who ran what, where, when, with what
result — so a scheduler's runs can be traced afterwards. Rotated by size; never fatal."""
from __future__ import annotations

import getpass
import json
import logging
import os
import socket
from pathlib import Path

from . import __version__
from .clock import now_iso
from .errors import os_reason

log = logging.getLogger(__name__)

LOGS = "logs"
RUNS_LOG = "runs.jsonl"
MAX_BYTES = 5 * 1024 * 1024  # then runs.jsonl becomes runs-<China time>.jsonl and a new one starts


def identity() -> dict:
    """host, user, pid and toolkit version of this process (summary.json names its run's)."""
    try:
        user = getpass.getuser()
    except Exception:  # noqa: BLE001 - no user name (a service account without one): say so
        user = ""
    return {"host": socket.gethostname(), "user": user, "pid": os.getpid(), "version": __version__}


def append_run(outbox: Path, record: dict) -> None:
    """Append ``record`` (plus identity) as one line to outbox/logs/runs.jsonl, fsync'd; rotate past MAX_BYTES.

    Failing to write the audit line (a read-only share) is logged, never raised: it must not fail a run.
    """
    folder = Path(outbox) / LOGS
    path = folder / RUNS_LOG
    line = json.dumps({**identity(), **record}, ensure_ascii=False, separators=(",", ":")) + "\n"
    try:
        folder.mkdir(parents=True, exist_ok=True)
        if path.exists() and path.stat().st_size > MAX_BYTES:
            stamp = now_iso().replace(":", "").replace("+0800", "")
            os.replace(path, folder / f"runs-{stamp}.jsonl")
        with open(path, "a", encoding="utf-8") as fh:
            fh.write(line)
            fh.flush()
            os.fsync(fh.fileno())
    except OSError as exc:
        log.warning("无法写入运行记录 %s（%s）", path, os_reason(exc))
