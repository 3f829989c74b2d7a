"""The toolkit's memory on the shared drive: which file versions were seen when, and the run lock.

Lives in ``<outbox>/.state/`` so that any office PC mounting the share can run the job.
"""
from __future__ import annotations

import datetime as dt
import json
import os
import shutil
import socket
import threading
import time
from pathlib import Path

from .clock import CHINA_TZ, display_time, now_iso  # noqa: F401 (re-exported for callers)
from .errors import LockHeld

JOURNAL_NAME = "journal.json"
LOCK_NAME = "run.lock"


def write_json_atomic(path: Path, data, *, durable: bool = False) -> None:
    """Write to a temporary file, then rename over ``path`` (readers see the old or the new file)."""
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    # compact: json's C encoder is only used without indent (the journal holds every file version)
    with open(tmp, "w", encoding="utf-8") as fh:
        fh.write(json.dumps(data, ensure_ascii=False, separators=(",", ":")))
        if durable:
            fh.flush()
            os.fsync(fh.fileno())
    os.replace(tmp, path)


def _read_journal(path: Path) -> dict:
    data = json.loads(path.read_text(encoding="utf-8"))
    if not isinstance(data, dict) or not isinstance(data.get("files"), dict):
        raise ValueError("bad journal")
    return data


def _instant(iso: str) -> dt.datetime:
    return dt.datetime.fromisoformat(iso)


class Journal:
    """path -> versions [{sha256, size, mtime, first_seen}], newest last."""

    def __init__(self, path: Path, data: dict | None = None, *, fresh: bool = False):
        self.path = path
        self.data = data or {"files": {}}
        self.fresh = fresh
        self.dirty = fresh
        self._by_content: dict | None = None

    @classmethod
    def load(cls, state_dir: Path) -> "Journal":
        path = state_dir / JOURNAL_NAME
        try:
            return cls(path, _read_journal(path))
        except FileNotFoundError:
            return cls(path, fresh=True)
        except (ValueError, OSError):
            # a damaged journal is kept aside, never silently overwritten (nor copied over the backup)
            try:
                os.replace(path, path.with_name(f"{JOURNAL_NAME}.damaged-{int(time.time())}"))
            except OSError:
                pass
            try:  # the previous good copy: received times are evidence for the deadline
                journal = cls(path, _read_journal(path.with_name(JOURNAL_NAME + ".bak")))
                journal.dirty = True
                return journal
            except (ValueError, OSError):
                return cls(path, fresh=True)

    def known(self, rel: str, size: int, mtime: float) -> dict | None:
        """The latest version of ``rel`` when size and mtime are unchanged (no need to hash again)."""
        versions = self.data["files"].get(rel, {}).get("versions", [])
        if versions and versions[-1]["size"] == size and abs(versions[-1]["mtime"] - mtime) < 1e-6:
            return versions[-1]
        return None

    def first_seen_elsewhere(self, rel: str, sha256: str) -> str | None:
        """When these bytes were first seen under another path of the same unit folder (renamed or moved)."""
        folder = rel.split("/", 1)[0] + "/"
        if self._by_content is None:
            self._by_content = {}
            for path, entry in self.data["files"].items():
                for v in entry.get("versions", []):
                    key = (path.split("/", 1)[0] + "/", v["sha256"])
                    old = self._by_content.get(key)
                    if old is None or _instant(v["first_seen"]) < _instant(old):
                        self._by_content[key] = v["first_seen"]
        return self._by_content.get((folder, sha256))

    def record(self, rel: str, *, sha256: str, size: int, mtime: float, seen: str) -> dict:
        if rel not in self.data["files"]:
            earlier = self.first_seen_elsewhere(rel, sha256)
            if earlier is not None and _instant(earlier) < _instant(seen):
                seen = earlier  # a renamed or moved file keeps the time it was first received
        entry = self.data["files"].setdefault(rel, {"versions": []})
        self.dirty = True
        for version in entry["versions"]:
            if version["sha256"] == sha256:
                version["size"], version["mtime"] = size, mtime
                if version is not entry["versions"][-1]:  # went back to an older content: it is current again
                    entry["versions"].remove(version)
                    entry["versions"].append(version)
                return version
        version = {"sha256": sha256, "size": size, "mtime": mtime, "first_seen": seen}
        entry["versions"].append(version)
        return version

    def versions(self, rel: str) -> list[dict]:
        return list(self.data["files"].get(rel, {}).get("versions", []))

    def save(self) -> None:
        if not self.dirty:
            return  # nothing new: no rewrite of a large journal on every unchanged run
        self.path.parent.mkdir(parents=True, exist_ok=True)
        if self.path.exists():
            try:
                shutil.copyfile(self.path, self.path.with_name(JOURNAL_NAME + ".bak"))
            except OSError:
                pass
        write_json_atomic(self.path, self.data, durable=True)
        self.dirty = False


class RunLock:
    """An exclusive lock file that goes stale when its holder stops refreshing it (crash, kill)."""

    def __init__(self, state_dir: Path, *, stale_after: float = 600.0, heartbeat: float = 30.0):
        self.path = state_dir / LOCK_NAME
        self.stale_after = stale_after
        self.heartbeat = heartbeat
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None
        self.held = False

    def _describe(self) -> dict:
        return {"pid": os.getpid(), "host": socket.gethostname(), "started": now_iso()}

    def _is_stale(self) -> bool:
        try:
            age = time.time() - self.path.stat().st_mtime
            info = json.loads(self.path.read_text(encoding="utf-8") or "{}")
        except FileNotFoundError:
            return True
        except (ValueError, OSError):
            info = {}
            age = self.stale_after + 1 if not self.path.exists() else time.time() - self.path.stat().st_mtime
        if age > self.stale_after:
            return True
        if info.get("host") == socket.gethostname() and isinstance(info.get("pid"), int):
            return not _pid_alive(info["pid"])
        return False

    def holder(self) -> str:
        try:
            info = json.loads(self.path.read_text(encoding="utf-8"))
            return f"{info.get('host')} 进程 {info.get('pid')}（{info.get('started')} 开始）"
        except (OSError, ValueError):
            return "未知"

    def acquire(self) -> "RunLock":
        self.path.parent.mkdir(parents=True, exist_ok=True)
        for _ in range(2):
            try:
                fd = os.open(self.path, os.O_CREAT | os.O_EXCL | os.O_WRONLY, 0o644)
            except FileExistsError:
                if self._is_stale() and self._break_stale():
                    continue
                raise LockHeld(f"另一个运行正在进行：{self.holder()}。")
            with os.fdopen(fd, "w", encoding="utf-8") as fh:
                json.dump(self._describe(), fh, ensure_ascii=False)
            self.held = True
            self._thread = threading.Thread(target=self._beat, daemon=True)
            self._thread.start()
            self._cleanup_stale()
            return self
        raise LockHeld(f"无法取得运行锁：{self.path}")

    def _break_stale(self) -> bool:
        """Remove a stale lock, under a short-lived breaker lock so that only one run can take over.

        Without it, two runs could both judge the old lock stale and the second would remove the lock
        the first had just taken.
        """
        breaker = self.path.with_name(f"{LOCK_NAME}.break")
        try:
            fd = os.open(breaker, os.O_CREAT | os.O_EXCL | os.O_WRONLY, 0o644)
        except FileExistsError:
            try:  # a breaker left by a run killed in these few lines
                if time.time() - breaker.stat().st_mtime > 60:
                    breaker.unlink()
            except OSError:
                pass
            return False
        os.close(fd)
        try:
            if not self._is_stale():  # someone took over while we were deciding
                return False
            try:
                os.replace(self.path, self.path.with_name(f"{LOCK_NAME}.stale-{time.time_ns()}"))
            except FileNotFoundError:
                pass
            return True
        finally:
            try:
                breaker.unlink()
            except OSError:
                pass

    def _cleanup_stale(self) -> None:
        for old in self.path.parent.glob(f"{LOCK_NAME}.stale-*"):
            try:
                old.unlink()
            except OSError:
                pass

    def _beat(self) -> None:
        while not self._stop.wait(self.heartbeat):
            try:
                os.utime(self.path)
            except OSError:
                pass

    def release(self) -> None:
        self._stop.set()
        if self.held:
            try:
                self.path.unlink()
            except FileNotFoundError:
                pass
            self.held = False

    def __enter__(self):
        return self.acquire()

    def __exit__(self, *exc):
        self.release()


def _pid_alive(pid: int) -> bool:
    if pid <= 0:
        return False
    if os.name == "nt":  # os.kill(pid, 0) would terminate the process on Windows: rely on the heartbeat
        return True
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    except OSError:
        return True
    return True
