"""The toolkit's memory on the shared drive: which file versions were seen when, and the run lock.

Lives in ``<outbox>/.state/`` so that any office PC mounting the share can run the job.
"""
from __future__ import annotations

import datetime as dt
import json
import os
import socket
import threading
import time
from collections.abc import Callable
from pathlib import Path

from .clock import CHINA_TZ, display_time, instant, now_iso  # noqa: F401 (re-exported for callers)
from .errors import LockHeld, os_reason

JOURNAL_NAME = "journal.jsonl"
LEGACY_NAME = "journal.json"  # before append-only journals
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


class Journal:
    """What the toolkit has seen: path -> versions [{sha256, size, mtime, first_seen}], newest last, and when a
    path was found gone from the inbox (``removed``).

    Stored as append-only JSON lines (journal.jsonl), one event per line, each append flushed and fsync'd: a run
    killed mid-write can only leave a torn last line, which the next load skips and reports (``problems``),
    never fatal. A journal.json of an earlier version is read once and carried over.
    """

    def __init__(self, path: Path, *, fresh: bool = False):
        self.path = path
        self.data: dict = {"files": {}}
        self.fresh = fresh
        self.problems: list[str] = []  # what loading found wrong, for the run's report (Chinese)
        self._pending: list[dict] = []
        self._observed: set[str] = set()  # paths seen while being copied, not yet recorded
        self._by_content: dict | None = None
        self._good_length: int | None = None  # set when the file ends with a torn line: where the good part ends
        # the place an inbox path is in, within which content keeps its receipt time (its top-level folder; discover:
        # the recommending unit that folder resolves to, so that renaming a unit's folder is no new receipt); set
        # before the first record()
        self.place_of: Callable[[str], str] = lambda rel: rel.split("/", 1)[0] + "/"

    @property
    def dirty(self) -> bool:
        return bool(self._pending)

    @classmethod
    def load(cls, state_dir: Path) -> "Journal":
        """The journal in ``state_dir`` (a fresh one when there is none). Never raises for a damaged file."""
        path = state_dir / JOURNAL_NAME
        journal = cls(path)
        try:
            raw = path.read_bytes()
        except FileNotFoundError:
            legacy = state_dir / LEGACY_NAME
            if legacy.exists():
                journal._import_legacy(legacy)
            else:
                journal.fresh = True
            return journal
        except OSError as exc:
            journal.problems.append(f"状态记录无法读取（{os_reason(exc)}），本次按首次运行处理。")
            journal.fresh = True
            return journal
        lines = raw.split(b"\n")
        if lines and lines[-1].strip():  # no newline at the end: the last append did not finish
            try:
                json.loads(lines[-1])
            except ValueError:
                journal._good_length = len(raw) - len(lines[-1])
        if journal._good_length is None:  # the usual case: every line whole, decoded in one call
            try:
                events = json.loads(b"[" + b",".join(line for line in lines if line.strip()) + b"]")
                for event in events:
                    journal._apply(event)
                return journal
            except (ValueError, KeyError, TypeError):
                journal.data = {"files": {}}  # a damaged line: replay line by line, reporting it
                journal._by_content = None
        for number, line in enumerate(lines, start=1):
            if not line.strip():
                continue
            try:
                event = json.loads(line)
                journal._apply(event)
            except (ValueError, KeyError, TypeError):
                last = number == len(lines) or all(not rest.strip() for rest in lines[number:])
                journal.problems.append(
                    f"状态记录第 {number} 行不完整（{'上次运行在写入时被中断' if last else '记录损坏'}），已跳过。")
        return journal

    def _import_legacy(self, legacy: Path) -> None:
        try:
            data = json.loads(legacy.read_text(encoding="utf-8"))
            for rel, entry in data["files"].items():
                for v in entry["versions"]:
                    event = {"op": "version", "path": rel, **v}
                    self._apply(event)
                    self._pending.append(event)
        except (ValueError, KeyError, TypeError, OSError):
            self.problems.append("旧版状态记录（journal.json）已损坏，本次按首次运行处理。")
            self.fresh = True

    def _apply(self, event: dict) -> None:
        op, rel = event["op"], event["path"]
        entry = self.data["files"].setdefault(rel, {"versions": [], "removed": ""})
        if op == "removed":
            entry["removed"] = event["at"]
            return
        if op == "observed":  # seen while still being copied: kept until a version of it is recorded
            entry.setdefault("observed", [event["at"], event.get("size", 0), event.get("ino")])
            self._observed.add(rel)
            return
        if op == "unobserved":  # gone before it was recorded: that copy is not what comes later
            entry.pop("observed", None)
            self._observed.discard(rel)
            return
        if op == "ino":  # the file id of the latest version, learned without hashing (versions of older journals)
            if entry["versions"]:
                entry["versions"][-1]["ino"] = event["ino"]
            return
        self._observed.discard(rel)
        entry["removed"] = ""
        entry.pop("observed", None)
        version = {"sha256": event["sha256"], "size": event["size"], "mtime": event["mtime"],
                   "first_seen": event["first_seen"]}
        if "ino" in event:
            version["ino"] = event["ino"]
        for old in entry["versions"]:
            if old["sha256"] == version["sha256"]:
                old["size"], old["mtime"] = version["size"], version["mtime"]
                if "ino" in version:
                    old["ino"] = version["ino"]
                if old is not entry["versions"][-1]:  # went back to an older content: it is current again
                    entry["versions"].remove(old)
                    entry["versions"].append(old)
                return
        entry["versions"].append(version)
        if self._by_content is not None:  # kept up to date, never rebuilt per version (a cold national run
            self._index_version(rel, version)  # records tens of thousands: rebuilding made it quadratic)

    def _log(self, event: dict) -> None:
        self._apply(event)
        self._pending.append(event)

    def known(self, rel: str, size: int, mtime: float, ino: int | None = None) -> dict | None:
        """The latest version of ``rel`` when size, mtime and file id (``ino``: st_ino, when given and not 0) are
        unchanged (no need to hash again). A file replaced by another of the same size and modification time (a copy
        tool that keeps times, saved beside and renamed over) has another file id: before, it was taken as the old
        version and never read. A version recorded without a file id (an older journal) is taken by size and time,
        as before, and learns the id (an 'ino' line, no hashing). Where the system gives no file ids (0: Windows'
        directory listings, some network drives) size and time alone decide, as before."""
        last = self.latest(rel)
        if last is None or last["size"] != size or abs(last["mtime"] - mtime) >= 1e-6:
            return None
        if ino:
            if "ino" not in last:
                self._log({"op": "ino", "path": rel, "ino": ino})
            elif last["ino"] and last["ino"] != ino:
                return None
        return last

    def latest(self, rel: str) -> dict | None:
        """The latest version of ``rel`` while it is in the inbox, else None."""
        entry = self.data["files"].get(rel)
        return entry["versions"][-1] if entry and entry["versions"] and not entry.get("removed") else None

    def observe(self, rel: str, at: str, size: int, ino: int | None = None) -> None:
        """Record that ``rel`` was seen at ``at`` (ISO, China time), ``size`` bytes long, file id ``ino``, while
        still being copied (left for a later run): the version it becomes was received then (``copy_started``).
        The first observation counts."""
        entry = self.data["files"].get(rel)
        if entry is None or not entry.get("observed"):
            self._log({"op": "observed", "path": rel, "at": at, "size": size, "ino": ino})

    def observation(self, rel: str) -> tuple | None:
        """(when, size, file id) ``rel`` was first seen being copied (``observe``; _apply keeps it as [at, size,
        ino]), None when it was not."""
        entry = self.data["files"].get(rel)
        observed = entry.get("observed") if entry else None
        return tuple(observed) if observed else None

    def unobserve_missing(self, present: set[str]) -> None:
        """Forget the observations of paths not in ``present`` (the files of this run's listing): a copy seen under
        way and then removed is not what a later file at that path continues."""
        for rel in sorted(self._observed - present):
            self._log({"op": "unobserved", "path": rel})

    OBSERVED_FOR = dt.timedelta(hours=6)  # how long a copy seen under way may take to finish and still count

    def copy_started(self, rel: str, size: int, ino: int | None, seen: str) -> str | None:
        """When the copy that wrote ``rel`` (now ``size`` bytes, file id ``ino``, about to be recorded as a new
        version seen at ``seen``) was first seen while still being copied (``observe``), if that was earlier and it
        is the same copy: the same file id (when both are known), no shorter (a copy only grows), and seen within
        OBSERVED_FOR. A share's clock ahead, or a copy under way at the deadline, made a file in the inbox before the
        deadline 逾期 when it was whole. None otherwise."""
        observed = self.observation(rel)
        if observed is None:
            return None
        at, observed_size, observed_ino = observed
        if size < observed_size or (ino and observed_ino and ino != observed_ino):
            return None
        if not instant(seen) - self.OBSERVED_FOR <= instant(at) < instant(seen):
            return None
        return at

    def first_seen_elsewhere(self, rel: str, sha256: str) -> str | None:
        """When these bytes were first seen under another path of the same place (``place_of``: the same unit
        folder, or a folder of the same unit — renamed, moved, the folder renamed)."""
        folder = self.place_of(rel)
        if self._by_content is None:  # built on first use, then kept up to date by _apply
            self._by_content = {}
            for path, entry in self.data["files"].items():
                for v in entry.get("versions", []):
                    self._index_version(path, v)
        return self._by_content.get((folder, sha256))

    def _index_version(self, rel: str, version: dict) -> None:
        """Enter a version in the (place, content) -> earliest first_seen index."""
        key = (self.place_of(rel), version["sha256"])
        old = self._by_content.get(key)
        if old is None or instant(version["first_seen"]) < instant(old):
            self._by_content[key] = version["first_seen"]

    def record(self, rel: str, *, sha256: str, size: int, mtime: float, seen: str, ino: int | None = None) -> dict:
        """Record that ``rel`` holds these bytes (a new version, or the same bytes re-saved), with its file id
        ``ino`` (st_ino) when given; returns the version."""
        if rel not in self.data["files"] or not self.data["files"][rel]["versions"]:
            earlier = self.first_seen_elsewhere(rel, sha256)
            if earlier is not None and instant(earlier) < instant(seen):
                seen = earlier  # a renamed or moved file keeps the time it was first received
        entry = self.data["files"].get(rel)
        for version in (entry["versions"] if entry else ()):
            if version["sha256"] == sha256:
                seen = version["first_seen"]
                break
        event = {"op": "version", "path": rel, "sha256": sha256, "size": size, "mtime": mtime, "first_seen": seen}
        if ino is not None:
            event["ino"] = ino
        self._log(event)
        return self.data["files"][rel]["versions"][-1]

    def mark_removed(self, rel: str, at: str) -> None:
        """Record that ``rel`` was found gone from the inbox at ``at`` (ISO, China time)."""
        self._log({"op": "removed", "path": rel, "at": at})

    def present(self) -> set[str]:
        """Paths whose latest event is a version (not removed)."""
        return {rel for rel, entry in self.data["files"].items() if entry["versions"] and not entry.get("removed")}

    def removed(self) -> dict[str, str]:
        """Path -> when it was found gone, for paths removed from the inbox (their versions are kept)."""
        return {rel: entry["removed"] for rel, entry in self.data["files"].items() if entry.get("removed")}

    def count(self, rel: str) -> int:
        """How many versions of ``rel`` were seen."""
        entry = self.data["files"].get(rel)
        return len(entry["versions"]) if entry else 0

    def versions(self, rel: str) -> list[dict]:
        return list(self.data["files"].get(rel, {}).get("versions", []))

    def save(self) -> None:
        """Append what this run recorded, flushed and fsync'd (nothing to do on an unchanged run)."""
        if not self._pending:
            return
        self.path.parent.mkdir(parents=True, exist_ok=True)
        text = "".join(json.dumps(e, ensure_ascii=False, separators=(",", ":")) + "\n" for e in self._pending)
        with open(self.path, "ab") as fh:
            if self._good_length is not None:  # drop the torn last line (reported when loaded) before appending
                fh.truncate(self._good_length)
                self._good_length = None
            if fh.tell() and not ends_with_newline(self.path):
                fh.write(b"\n")  # start on a line of our own
            fh.write(text.encode("utf-8"))
            fh.flush()
            os.fsync(fh.fileno())
        self._pending = []
        self.fresh = False


def ends_with_newline(path: Path) -> bool:
    """Whether the (non-empty) file at ``path`` ends with a line break: an append after a torn last line must
    start a line of its own."""
    with open(path, "rb") as fh:
        fh.seek(-1, os.SEEK_END)
        return fh.read(1) == b"\n"


class RunLock:
    """An exclusive lock file, written with its holder (host, process, when it started).

    Stale — taken over by the next run — when its holder is gone: on this host, when its process has ended (or
    the process of that number is another one, started since); on another host, or where a process cannot be
    looked at (Windows), when the holder has stopped refreshing the file's time (a heartbeat every ``heartbeat``
    seconds) for ``stale_after`` seconds. A live holder on this host is never stale, however old the file's time
    looks: a clock stepped forward (NTP, a resumed virtual machine) must not let two runs work at once (SPEC §4a:
    overlapping runs never interleave). A lock file without its holder written is one being created this moment,
    or one left by a run that died between creating and writing it: stale once ``unwritten_after`` seconds old.
    A lock that cannot be written (a full disk) is removed at once, and the error raised names it."""

    def __init__(self, state_dir: Path, *, stale_after: float = 600.0, heartbeat: float = 30.0,
                 unwritten_after: float = 10.0):
        self.path = state_dir / LOCK_NAME
        self.stale_after = stale_after
        self.heartbeat = heartbeat
        self.unwritten_after = unwritten_after
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None
        self.held = False

    def _describe(self) -> dict:
        described = {"pid": os.getpid(), "host": socket.gethostname(), "started": now_iso()}
        process = _process_start(os.getpid())
        return {**described, "process": process} if process else described

    def _is_stale(self, *, missing: bool = True) -> bool:
        """Whether the lock file's holder is gone (see the class); ``missing`` is the answer when there is no lock
        file at all."""
        try:
            age = time.time() - self.path.stat().st_mtime
        except FileNotFoundError:
            return missing
        except OSError:  # (cannot be looked at: a share's fault) held, as far as anyone can tell
            return False
        try:
            info = json.loads(self.path.read_text(encoding="utf-8") or "{}")
        except FileNotFoundError:
            return missing
        except (ValueError, OSError):
            info = {}
        if not isinstance(info, dict) or not info:  # no holder written: being created now, or left unwritten
            return abs(age) > self.unwritten_after
        pid = info.get("pid")
        if info.get("host") == socket.gethostname() and isinstance(pid, int):
            alive = _pid_alive(pid)
            if alive is not None:  # this host's process table decides, not the file's time
                recorded = info.get("process")
                return not alive or (recorded is not None and _process_start(pid) not in (None, recorded))
        return age > self.stale_after

    def holder(self) -> str:
        """Who holds the lock, for a message: host, process and start time; while the holder has created the lock
        file but not yet written them (two runs starting at once), that it is starting."""
        try:
            info = json.loads(self.path.read_text(encoding="utf-8"))
            return f"{info.get('host')} 进程 {info.get('pid')}（{info.get('started')} 开始）"
        except (OSError, ValueError, AttributeError):
            return (f"刚刚开始（尚未写明是哪台电脑的哪个进程）；如果 {self.unwritten_after:g} 秒后仍是如此，"
                    "是上次运行异常退出留下的空运行锁，下次运行会自动清除")

    def acquire(self) -> "RunLock":
        self.path.parent.mkdir(parents=True, exist_ok=True)
        for _ in range(2):
            try:
                fd = os.open(self.path, os.O_CREAT | os.O_EXCL | os.O_WRONLY, 0o644)
            except FileExistsError:
                if self._is_stale() and self._break_stale():
                    continue
                raise LockHeld(f"另一个运行正在进行：{self.holder()}。")
            try:
                with os.fdopen(fd, "w", encoding="utf-8") as fh:
                    json.dump(self._describe(), fh, ensure_ascii=False)
            except BaseException as exc:  # (a full disk): no empty lock left to block the runs after this one
                try:
                    self.path.unlink()
                except OSError:
                    pass
                if isinstance(exc, OSError) and not exc.filename:
                    exc.filename = str(self.path)  # (a write names no file: say which, and so which disk)
                raise
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
            if not self.path.exists():  # gone meanwhile (broken by another run, or released): try to take it;
                return True  # never rename here, what is there by now may be a fresh lock of another run
            if not self._is_stale(missing=False):  # someone took over while we were deciding (or it just went)
                return False
            try:  # the stale file itself: with the breaker held, nobody else can remove or replace it
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


def _pid_alive(pid: int) -> bool | None:
    """Whether a process of this number runs on this host; None where that cannot be asked (Windows: os.kill
    would end it), and the heartbeat decides."""
    if pid <= 0:
        return False
    if os.name == "nt":
        return None
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except OSError:  # (PermissionError: another user's process)
        return True
    return True


def _process_start(pid: int) -> str | None:
    """When the process ``pid`` started, as '<boot id>:<clock ticks since boot>' (Linux: /proc/sys/kernel/random/
    boot_id, field 22 of /proc/<pid>/stat, proc(5)) — a process number used again after a crash names another
    process; None where there is no /proc or the process is gone."""
    try:
        with open("/proc/sys/kernel/random/boot_id", encoding="ascii") as fh:
            boot = fh.read().strip()
        with open(f"/proc/{pid}/stat", "rb") as fh:
            fields = fh.read().rsplit(b")", 1)[1].split()  # (the command's name, in parentheses, may hold spaces)
        return f"{boot}:{int(fields[19])}"
    except (OSError, IndexError, ValueError):
        return None
