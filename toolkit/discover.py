"""Walk the inbox: which files are there, which unit each belongs to, which version it is.

The inbox is read-only: files are opened for reading and never modified, moved or deleted.
"""
from __future__ import annotations

import collections
import datetime as dt
import hashlib
import os
import re
import stat
import time
from dataclasses import dataclass, field
from pathlib import Path
from struct import error as struct_error

from .campaign import Campaign
from .clock import instant, now_iso
from .errors import ConfigError, os_reason
from .journal import Journal
from .model import FileVersion
from .units import resolve_unit

_IGNORED_NAMES = {"thumbs.db", "desktop.ini", ".ds_store", "ehthumbs.db"}
# the toolkit's and the repository's own marker files: nobody submitted them, so they are not listed at all (a
# demo inbox's count then agrees everywhere: console, 文件清单, summary.json)
DEMO_MARKER = ".zlbg-demo"
OWN_FILES = frozenset({DEMO_MARKER, ".gitkeep"})
# Office owner files (~$), LibreOffice locks, Word/WPS temp files, partial downloads, macOS resource forks; Excel's
# save-in-progress copy (eight hex digits, no extension: 'D3A5F800'), WPS's and editors' hidden or trailing-tilde
# backups ('.~总结材料.docx', '申请表.xlsx~'), the backups Word, Excel and WPS keep ('*.wbk', '*.xlk', '*.asd', '*.bak',
# '*.wpsbak'), files an NFS or Samba share keeps while one is deleted open ('.nfs0000000001a2b3c4', '.smbdelete…'):
# one pattern, matched once per file name (a national inbox has tens of thousands). Such a file's content is often
# a whole 申请表 or 总结材料 — read, it would stand as the newer version of the real one
_IGNORED_PATTERN = re.compile(r"~\$|\.~lock\..*#$|~.*\.tmp$|.*\.(?:tmp|temp|crdownload|part|partial|download)$"
                              r"|\._|~wr[a-z]\d+\.tmp$|[0-9A-F]{8}$|\.~|.*~$|.*\.(?:wbk|xlk|asd|bak|wpsbak)$"
                              r"|\.nfs[0-9a-f]|\.smbdelete", re.IGNORECASE)


_SKIPPED_DIRS = {".git", ".svn", ".hg", "$RECYCLE.BIN", "System Volume Information", "@eaDir", ".zlbg-state"}


_UNOPENED = "没有访问权限，或共享盘出错"  # why a folder could not be listed, when the system did not say


def folder_reason(exc: OSError) -> str:
    """Why a folder could not be listed, in Chinese: errors.os_reason, but a refusal as a folder's ('没有访问权限' —
    a file's reason adds '或文件正被其他程序打开占用', which a folder listing is not)."""
    import errno

    return "没有访问权限" if exc.errno in (errno.EACCES, errno.EPERM) else os_reason(exc)


class InboxUnavailable(ConfigError):
    """The inbox looks empty although files were there before: a share that did not mount (exit 2)."""


def is_temporary(name: str) -> bool:
    """Office lock/owner files, editor temp files, OS thumbnails: not submissions."""
    lower = name.lower()
    return lower in _IGNORED_NAMES or lower in OWN_FILES or _IGNORED_PATTERN.match(name) is not None


@dataclass(frozen=True)
class Discovered:
    files: list  # FileVersion, in a stable order
    ignored: list  # FileVersion of temp/lock files: listed, never read as submissions
    first_run: bool
    pending: list = ()  # FileVersion (unhashed) of files still being copied: listed, read by a later run
    removed: list = ()  # FileVersion (last known version) of files gone from the inbox since they were seen
    # paths being copied over (in ``pending``) whose last version read stands meanwhile: in ``files`` as the journal
    # last saw it, to be taken from the extraction cache, never read now (the bytes there are half a new version)
    held: frozenset = frozenset()
    # inbox path -> why it is not opened at all (Scan.refused): a link leading out of the inbox, to nothing or to
    # itself, a pipe or a device; listed in ``files`` unhashed, and reported, never read
    refused: dict = field(default_factory=dict)


def _sha256(path: Path, limit: int | None = None) -> str:
    """The SHA-256 of the file at ``path`` (hex), or of its first ``limit`` bytes. Raises OSError."""
    h = hashlib.sha256()
    left = limit
    with open(path, "rb") as fh:
        while left is None or left > 0:
            chunk = fh.read(1 << 20 if left is None else min(left, 1 << 20))
            if not chunk:
                break
            h.update(chunk)
            if left is not None:
                left -= len(chunk)
    return h.hexdigest()


# seconds: a recent zip package without its end, PDF without its %%EOF, or empty file is a copy that paused midway
# (not asked with settle 0: a run told not to wait for files to settle reads every file as it is)
STALLED = 120.0
SKEW = 300.0  # seconds a file's modification time may be ahead of this machine's clock (a share server's clock)


def recent(age: float, window: float) -> bool:
    """Whether a file modified ``age`` seconds ago (now minus its modification time) is within ``window`` of now:
    a time up to SKEW ahead of the clock is recent (the share's server clock runs a little ahead); one further
    ahead is a wrong date (an archive unpacked with its dates, a server clock far off), not a copy under way —
    else the file would wait forever."""
    return -SKEW <= age < window
_PACKAGES = (".xlsx", ".xlsm", ".docx", ".docm", ".zip", ".ods", ".odt", ".ots", ".ott", ".xltx", ".dotx", ".et",
             ".wps")
# (names, how such a file starts, how much of its end to read, what its end holds): a zip package's
# end-of-central-directory record (PKWARE APPNOTE 4.3.16; within the record's 22 bytes and the longest comment),
# a PDF's %%EOF (ISO 32000-1 §7.5.5)
_ENDINGS = ((_PACKAGES, b"PK", 65557, b"PK\x05\x06"), ((".pdf",), b"%PDF-", 2048, b"%%EOF"))


_OLE = (".xls", ".xlt", ".doc", ".dot", ".et", ".ett", ".wps", ".wpt")
_OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"  # a compound file (MS-CFB §2.2)


def _incomplete_compound(abspath: str, size: int) -> bool:
    """Whether a compound file (an Excel 97-2003 .xls, a Word .doc, WPS's .et/.wps), taken as its first ``size``
    bytes, ends before the sectors its allocation table uses (MS-CFB §2.3: sector n starts at (n + 1) × sector
    size), or cannot be opened for that reason: a copy that paused midway. Read with olefile."""
    import io

    import olefile

    try:
        with open(abspath, "rb") as fh:
            ole = olefile.OleFileIO(io.BytesIO(fh.read(size)))
    except (OSError, ValueError, IndexError, struct_error):  # olefile.OleFileError is an OSError
        return True
    try:
        used = [n for n, entry in enumerate(ole.fat) if entry != olefile.FREESECT]
        return bool(used) and (max(used) + 2) * ole.sectorsize > size
    except (OSError, TypeError):
        return True
    finally:
        ole.close()


def _incomplete_package(abspath: str, size: int, rel: str) -> bool:
    """Whether a file (taken as its first ``size`` bytes: all of it, or a version it continues) looks like a copy
    still under way: empty, or named as a zip package (.xlsx, .docx …) or a PDF
    (a stamped scan, often large) and starting as one, without the end such a file has (_ENDINGS), or a compound
    file (.xls, .doc …) shorter than its allocation table says (_incomplete_compound) — a copy writes
    from the start; one that paused for longer than ``settle`` looks stable by its modification time, and read then
    it was reported damaged, the unit told to send a good file again. Only asked of recent files (STALLED): an old
    file of this kind is damaged and is read (and reported) as such. .et/.wps are zips only when WPS saves them so:
    for others the check is skipped (they do not start with PK)."""
    if size == 0:
        return True
    lower = rel.lower()
    if lower.endswith(_OLE):
        try:
            with open(abspath, "rb") as fh:
                if fh.read(len(_OLE_MAGIC)) != _OLE_MAGIC:
                    return False  # (a web page or an OOXML package named .xls / .doc)
        except OSError:
            return False
        return _incomplete_compound(abspath, size)
    for names, start, window, end in _ENDINGS:
        if lower.endswith(names):
            try:
                with open(abspath, "rb") as fh:
                    if fh.read(len(start)) != start:
                        return False
                    fh.seek(max(0, size - window))
                    return end not in fh.read(min(size, window))
            except OSError:
                return False
    return False


def wait_until_stable(paths: list[Path], *, settle: float, max_wait: float = 30.0) -> set[Path]:
    """Wait while any recently modified file is still changing (being copied or saved); return those still
    changing after ``max_wait`` seconds. They are left for the next run, never read half-written."""
    if settle <= 0:
        return set()
    deadline = time.time() + max_wait
    pending = [p for p in paths if _age(p) < settle]
    quiet_since = {p: time.time() for p in pending}  # watched unchanged since then
    while pending and time.time() < deadline:
        before = {p: _stat(p) for p in pending}
        # only as long as the youngest file still needs to reach ``settle`` seconds of quiet (a watcher that
        # waited for quiet itself has usually waited most of it already)
        needed = max(min(settle - _age(p), settle - (time.time() - quiet_since[p])) for p in pending)
        time.sleep(min(settle, max(0.1, needed), max(0.1, deadline - time.time())))
        now = time.time()
        still = []
        for p in pending:
            if _stat(p) != before[p]:
                quiet_since[p] = now
                still.append(p)
            elif _age(p) < settle and now - quiet_since[p] < settle:
                # (a modification time ahead of the clock — a share server's — is always 'young': watched
                # unchanged for ``settle`` seconds, the file is as quiet as its time would say)
                still.append(p)
        pending = still
    return set(pending)


def _stat(p: Path):
    try:
        st = p.stat()
        return st.st_size, st.st_mtime_ns
    except OSError:
        return None


def _age(p: Path) -> float:
    try:
        return time.time() - p.stat().st_mtime
    except OSError:
        return 1e9


# put before the extension of a file whose name was GBK (what the clerk sees on the share is garbled): it cannot
# take the name of a UTF-8 file beside it
GBK_MARK = "（原名乱码）"


def shown_name(name: str, *, folder: bool = False) -> str:
    """A file or folder name as the toolkit shows and records it, from the name alone (the same name run after
    run, whatever else the folder holds). Names the file system gave as bytes that are not UTF-8 (Python's
    surrogate escapes: a zip made on Chinese Windows and unpacked on Linux keeps its GBK names) are decoded as
    GB18030, GBK's superset, when their undecodable bytes outweigh the Chinese characters that are UTF-8 in them
    and they decode without private-use characters; a file's then gets GBK_MARK before
    its extension ('1-申请表（原名乱码）.xlsx'), so it never takes the name of a UTF-8 file beside it, while a folder's
    is the decoded name (a unit folder '唐山' in GBK is the unit's folder). Any other undecodable byte is written as
    \\xNN. UTF-8 names are returned as they are. The file is still opened by its own name (scan_inbox's absolute
    path)."""
    if _is_utf8(name):
        return name
    raw = os.fsencode(name)
    escaped = raw.decode("utf-8", "backslashreplace")
    undecoded = sum(1 for c in name if 0xDC80 <= ord(c) <= 0xDCFF)
    cjk = sum(1 for c in name if 0x2E80 <= ord(c) <= 0x9FFF or 0xF900 <= ord(c) <= 0xFFEF)
    if 3 * cjk > undecoded:
        return escaped  # mostly UTF-8 (a name cut inside a character): only the bad bytes escaped
    try:
        shown = raw.decode("gb18030")
    except UnicodeDecodeError:
        return escaped
    if not shown or "/" in shown or any(0xE000 <= ord(c) <= 0xF8FF for c in shown):
        return escaped  # private-use characters: not a name someone typed in GBK
    if folder:
        return shown
    stem, dot, suffix = shown.rpartition(".")
    return f"{stem}{GBK_MARK}.{suffix}" if dot and stem else f"{shown}{GBK_MARK}"


def _unique(listed: list) -> list:
    """``listed`` with no two entries under one relative path: where names shown alike meet (a GBK folder beside
    its UTF-8 twin holding a file of the same name, a name holding a literal '\\xff'), the entry whose absolute
    path is UTF-8 keeps the path, the others get a stable tag of their own bytes before the extension."""
    by_rel: dict[str, list] = {}
    for item in listed:
        by_rel.setdefault(item[0], []).append(item)
    if len(by_rel) == len(listed):
        return listed
    out = []
    for rel, items in by_rel.items():
        if len(items) == 1:
            out.extend(items)
            continue
        items.sort(key=lambda it: (not _is_utf8(it[1]), os.fsencode(it[1])))
        out.append(items[0])
        head, dot, suffix = rel.rpartition(".")
        for _rel, abspath, st in items[1:]:
            tag = hashlib.sha256(os.fsencode(abspath)).hexdigest()[:6]
            out.append((f"{head}({tag}).{suffix}" if dot and "/" not in suffix else f"{rel}({tag})", abspath, st))
    out.sort(key=lambda item: item[0].split("/"))
    return out


def _is_utf8(path: str) -> bool:
    try:
        path.encode("utf-8")
        return True
    except UnicodeEncodeError:
        return False


class Scan(list):
    """scan_inbox's listing (a list of (rel, abspath, stat or None)) and what it could not walk: ``unlisted``, the
    inbox-relative folders ('保定/') that could not be opened (no permission, a share error) — their files are
    not gone —, with ``reasons``, what the system said of each (errors.os_reason: '没有访问权限'), and ``links``,
    (folder, the folder it is the same as: '' for the inbox itself) for each folder reached a second way through a
    link (a loop such as '回到上级 -> ..'), not walked again; ``refused``, inbox path -> why (in Chinese) that entry
    is listed but never opened (refusal: a link out of the inbox or to nothing, a pipe, a device)."""

    def __init__(self, items=(), *, unlisted: list | None = None, links: list | None = None,
                 reasons: dict | None = None, refused: dict | None = None):
        super().__init__(items)
        self.unlisted: list[str] = list(unlisted or ())
        self.links: list[tuple[str, str]] = list(links or ())
        self.reasons: dict[str, str] = dict(reasons or {})
        self.refused: dict[str, str] = dict(refused or {})


_OUTSIDE = "这是一个链接（快捷方式），指向收件箱以外的位置，为安全起见不读取其中的内容"
_DANGLING = "这是一个链接（快捷方式），它指向的文件或文件夹已不存在"
_LOOPING = "这是一个链接（快捷方式），它指向自己或与其他链接互相指向，打不开"
SPECIAL_FILE = "这不是普通文件（是管道、设备等系统特殊文件），无法作为申报材料读取"


def refusal(path: str, inside: tuple[str, ...] = ()) -> str:
    """Why the entry at ``path`` is not to be opened (in Chinese), or '' when it may be: a symbolic link that
    leads nowhere (_DANGLING), round in a loop (_LOOPING) or, when ``inside`` is given (the real paths of the inbox
    and of the unit folders linked into it: the administrator's), out of all of them (_OUTSIDE: another folder of
    the server); a FIFO, a socket or a device (SPECIAL_FILE: opening a pipe waits for a writer forever). Raises no
    OSError. A plain file or folder costs one lstat (every file a reader reads is asked: 20,000 at national scale,
    each call a round trip on a network share)."""
    import errno

    try:
        mode = os.lstat(path).st_mode
        if stat.S_ISREG(mode) or stat.S_ISDIR(mode):
            return ""
        if stat.S_ISLNK(mode):
            try:
                mode = os.stat(path).st_mode
            except OSError as exc:
                return _LOOPING if exc.errno == errno.ELOOP else _DANGLING
            real = os.path.realpath(path)
            if inside and not any(real == root or real.startswith(root.rstrip(os.sep) + os.sep) for root in inside):
                return _OUTSIDE
    except OSError:
        return ""  # (vanished, or no permission: found out, and said, when it is hashed or read)
    return "" if stat.S_ISREG(mode) or stat.S_ISDIR(mode) else SPECIAL_FILE


def scan_inbox(inbox: Path) -> Scan:
    """(inbox-relative '/'-path, absolute path, stat or None) of every file under ``inbox``, sorted by path,
    with one stat per file and no pathlib objects: a national inbox has tens of thousands of files. The relative
    path is made of the names as ``shown_name`` gives them (no undecodable bytes in anything written); the
    absolute path is the file system's, for opening the file. Each folder is walked once, by the first way to it,
    breadth first: a folder that is a link (a symlink, a Windows junction) to one already walked — a loop back up,
    a second link to a unit's folder kept elsewhere on the server — is not walked again (``Scan.links``; a loop
    listed the inbox forty times over). Folders are told apart by their real paths, resolved only for links (no
    call per folder; file ids are 0 or unstable on some network drives). Folders that cannot be opened are
    ``Scan.unlisted``. An entry that is not to be opened (``refusal``: inside a unit's folder, a link out of the
    inbox — a share's folder of other files, /etc —; anywhere, a link to nothing or to itself, a pipe, a device) is
    listed with its own stat, not its target's, and ``Scan.refused`` says why: never walked, hashed or read."""
    out = []
    root = os.fspath(inbox)
    unlisted, links, reasons, refused = [], [], {}, {}
    inside = [os.path.realpath(root)]  # where a link may lead: the inbox, and the unit folders linked into it
    walked: dict[str, str] = {}  # real path -> the inbox-relative folder it was walked as
    # breadth first: a folder reached by two ways is walked by the one nearest the top (a unit's own folder, not
    # a link inside another's)
    queue = collections.deque([("", root, os.path.realpath(root))])
    while queue:
        prefix, folder, real = queue.popleft()
        if real in walked:
            links.append((prefix, walked[real]))
            continue
        walked[real] = prefix
        try:
            entries = sorted(os.scandir(folder), key=lambda e: e.name)
        except OSError as exc:
            unlisted.append(prefix)
            reasons[prefix] = folder_reason(exc)
            continue
        subfolders = []
        for entry in entries:
            try:
                if entry.is_symlink() or not (entry.is_file() or entry.is_dir()):  # (no call for a plain entry)
                    why = refusal(entry.path, tuple(inside) if prefix else ())
                    if why:
                        rel = f"{prefix}{shown_name(entry.name)}"
                        refused[rel] = why
                        out.append((rel, entry.path, entry.stat(follow_symlinks=False)))
                        continue
                if entry.is_dir(follow_symlinks=True):
                    if entry.name not in _SKIPPED_DIRS:
                        linked = entry.is_symlink() or getattr(entry, "is_junction", bool)()
                        subfolders.append((f"{prefix}{shown_name(entry.name, folder=True)}/", entry.path,
                                           os.path.realpath(entry.path) if linked else os.path.join(real, entry.name)))
                        if linked and not prefix:
                            inside.append(subfolders[-1][2])
                    continue
                if entry.name.lower() in OWN_FILES:
                    continue
                st = entry.stat()
            except OSError:
                st = None
            out.append((f"{prefix}{shown_name(entry.name)}", entry.path, st))
        queue.extend(subfolders)
    out.sort(key=lambda item: item[0].split("/"))
    return Scan(_unique(out), unlisted=unlisted, links=links, reasons=reasons, refused=refused)


class _Units:
    """folder -> unit name, resolved once per folder (an inbox has thousands of files, a few dozen folders)."""

    def __init__(self, campaign: Campaign):
        self.campaign = campaign
        self.known: dict[str, str] = {}

    def of(self, rel: str) -> tuple[str, str]:
        """(unit folder as written, unit name or '') for an inbox-relative path."""
        parts = rel.split("/")
        folder = parts[0] if len(parts) > 1 else ""
        return folder, self.named(folder)

    def named(self, folder: str) -> str:
        """The unit a top-level folder of the inbox resolves to, '' for none."""
        if folder not in self.known:
            unit = resolve_unit(folder, self.campaign) if folder else None
            self.known[folder] = unit.name if unit else ""
        return self.known[folder]

    def place(self, rel: str) -> str:
        """Where content at an inbox path keeps its receipt time (Journal.place_of): the unit its top-level folder
        resolves to, else that folder (marked, so that no folder name is taken for a unit's); a file at the
        inbox's root is a place of its own (its name is no folder: '保定推荐意见.pdf' is not 保定's)."""
        folder, sep, _rest = rel.partition("/")
        if not sep:
            return "//" + rel
        return self.named(folder) or "/" + folder


def _listed_since(journal: Journal, rel: str, seen_at: str, st) -> str:
    """When ``rel``, an entry listed but not hashed (a link out of the inbox or to nothing, a pipe, a file that
    cannot be read), was first listed: the journal's first observation of it (Journal.observe), made now when
    there is none. Such an entry has no version to carry its receipt time; taken as each run's time, its 收到时间
    moved on at every run, its unit's key changed (decided and rendered again each time) and, after the
    deadline, it read as received late. The file it becomes once readable (same file id, no shorter, within
    Journal.OBSERVED_FOR) was received then too (Journal.copy_started)."""
    observed = journal.observation(rel)
    if observed is not None:
        return observed[0]
    journal.observe(rel, seen_at, st.st_size if st is not None else 0, st.st_ino if st is not None else None)
    return seen_at


def _unhashed_version(path: Path, rel: str, units: _Units, seen_at: str) -> FileVersion:
    """A file listed as it is, hashed when readable: lock/temp files, and files that cannot be read."""
    folder, unit = units.of(rel)
    try:
        st = path.stat()
        size, mtime = st.st_size, st.st_mtime
        sha = _sha256(path)
    except OSError:
        sha, size, mtime = "", 0, 0.0
    return FileVersion(path=rel, unit=unit, folder=folder, sha256=sha, size=size, mtime=mtime,
                       first_seen=seen_at, abspath=str(path))


def discover(inbox: Path, campaign: Campaign, journal: Journal, *, now: dt.datetime | None = None,
             settle: float = 2.0, max_wait: float = 30.0, scanned: list | None = None) -> Discovered:
    """Every file under ``inbox`` as a FileVersion, recording new versions in the journal.

    A file still changing after waiting up to ``max_wait`` seconds (a slow copy onto the share), or one that
    changes while it is hashed, or a recent one that is a truncated package (_incomplete_package), is listed in
    ``pending`` and not hashed: the next run reads it; the journal notes when it was first seen so (Journal.observe),
    which is when the version it becomes was received.
    ``scanned`` is scan_inbox(inbox) when the caller has already listed the inbox.
    """
    seen_at = now_iso(now)
    scanned = scan_inbox(inbox) if scanned is None else scanned
    present_before = journal.present()
    unlisted = [folder for folder in getattr(scanned, "unlisted", ()) if folder]
    reasons = getattr(scanned, "reasons", {})
    if "" in getattr(scanned, "unlisted", ()):
        raise InboxUnavailable(f"收件箱 {inbox} 无法打开（{reasons.get('', _UNOPENED)}），本次不汇总。请检查共享盘后重试。")
    if not scanned and present_before:
        raise InboxUnavailable(f"收件箱 {inbox} 是空的，但上次运行时其中有 {len(present_before)} 个文件。"
                               "共享盘可能没有连接好，本次不汇总（以免把全部申报当作撤回）。请检查共享盘后重试。")
    refused = dict(getattr(scanned, "refused", {}))
    temporary = {rel for rel, _abspath, _st in scanned if is_temporary(rel.rsplit("/", 1)[-1])} - set(refused)
    now_s = time.time()
    young = [Path(abspath) for rel, abspath, st in scanned
             if st is not None and recent(now_s - st.st_mtime, settle) and rel not in temporary and rel not in refused]
    changing = {os.fspath(p) for p in wait_until_stable(young, settle=settle, max_wait=max_wait)}
    files, ignored, pending = [], [], []
    standing: set[str] = set()  # (Discovered.held)
    units = _Units(campaign)

    def left_pending(path: Path, rel: str, st) -> None:
        """``rel`` left for the next run (being copied); a version of it read before stands meanwhile (SPEC §4.1:
        never read half-written — nor taken away half-written: a corrected 申请表 copied over the old one)."""
        journal.observe(rel, seen_at, st.st_size, st.st_ino)
        pending.append(_pending_version(path, rel, units, seen_at, st))
        if journal.latest(rel) is not None:
            files.append(_as_last_seen(rel, journal, units, abspath=os.fspath(path)))
            standing.add(rel)

    # content keeps its receipt time within its unit, whatever its folder is called now
    journal.place_of = units.place
    for rel, abspath, st in scanned:
        if rel in refused:  # never opened, nor hashed: listed with why (pipeline.refused_file)
            folder, unit = units.of(rel)
            files.append(FileVersion(path=rel, unit=unit, folder=folder, sha256="", size=0, mtime=0.0,
                                     first_seen=_listed_since(journal, rel, seen_at, st), abspath=abspath))
            continue
        if rel in temporary:
            ignored.append(_unhashed_version(Path(abspath), rel, units, seen_at))
            continue
        if st is None:
            continue  # vanished between listing and stat
        if abspath in changing:
            left_pending(Path(abspath), rel, st)
            continue
        known = journal.known(rel, st.st_size, st.st_mtime, st.st_ino)
        if known is not None:
            version = known
        else:
            path = Path(abspath)
            if settle > 0 and (recent(now_s - st.st_mtime, STALLED) or _dated_ahead(now_s - st.st_mtime, rel, st,
                                                                                    journal, seen_at)) \
                    and _incomplete_package(abspath, st.st_size, rel):
                left_pending(path, rel, st)  # a copy that paused midway
                continue
            try:
                sha = _sha256(path)
            except OSError:  # no permission, locked by another program: listed, reported as unreadable
                files.append(_unhashed_version(path, rel, units, _listed_since(journal, rel, seen_at, st)))
                continue
            if settle > 0 and _stat(path) != (st.st_size, st.st_mtime_ns):  # written to while hashed
                left_pending(path, rel, st)
                continue
            first_seen = seen_at
            if journal.fresh:
                # the very first run: a file already there was received no later than its modification time
                mtime_iso = now_iso(dt.datetime.fromtimestamp(st.st_mtime).astimezone())
                first_seen = min(seen_at, mtime_iso, key=instant)
            # a copy that was under way when first seen was received then: left pending (journal.copy_started),
            # or read half-written — a version whose bytes were a truncated package and are the start of these
            first_seen = journal.copy_started(rel, st.st_size, st.st_ino, first_seen) or first_seen
            last = journal.latest(rel)
            if (last is not None and 0 < last["size"] < st.st_size and instant(last["first_seen"]) < instant(first_seen)
                    and _incomplete_package(abspath, last["size"], rel) and _continues(path, last)):
                first_seen = last["first_seen"]
            version = journal.record(rel, sha256=sha, size=st.st_size, mtime=st.st_mtime, seen=first_seen,
                                     ino=st.st_ino)
        folder, unit = units.of(rel)
        files.append(FileVersion(path=rel, unit=unit, folder=folder,
                                 sha256=version["sha256"], size=st.st_size, mtime=st.st_mtime,
                                 first_seen=version["first_seen"], abspath=abspath,
                                 revisions=max(1, journal.count(rel))))
    walked = {rel for rel, _abspath, _st in scanned}
    journal.unobserve_missing(walked)
    hidden = {rel for rel in present_before - walked if any(rel.startswith(folder) for folder in unlisted)}
    for rel in sorted(hidden):  # in a folder that could not be opened: not gone, taken as last read
        files.append(_as_last_seen(rel, journal, units, abspath=os.path.join(os.fspath(inbox), *rel.split("/"))))
    for folder in unlisted:
        held = sum(1 for rel in hidden if rel.startswith(folder))
        journal.problems.append(f"文件夹“{folder.rstrip('/')}”无法打开（{reasons.get(folder, _UNOPENED)}）"
                                + (f"，其中上次读到的 {held} 个文件按上次的内容汇总，不当作撤回" if held else "")
                                + "；请检查该文件夹的权限后重新汇总。")
    for link, first in getattr(scanned, "links", ()):
        same = f"“{first.rstrip('/')}”" if first else "收件箱本身"
        journal.problems.append(f"文件夹“{link.rstrip('/')}”与{same}是同一个文件夹（其间有链接或快捷方式），其中的文件只按"
                                f"{same}读取一次；如不需要，请删除多余的链接。")
    gone = sorted(present_before - walked - hidden)
    for rel in gone:  # gone from the inbox: withdrawn, or moved elsewhere
        journal.mark_removed(rel, seen_at)
    if gone:
        here = {fv.sha256 for fv in files}  # (content moved to another folder — a unit's folder renamed — is not gone)
        journal.problems.extend(_folders_gone([rel for rel in gone if journal.versions(rel)[-1]["sha256"] not in here],
                                              walked))
    removed = [_as_last_seen(rel, journal, units, removed_at=at) for rel, at in sorted(journal.removed().items())]
    if hidden or standing:
        files.sort(key=lambda fv: fv.path.split("/"))
    return Discovered(files=files, ignored=ignored, first_run=journal.fresh, pending=pending, removed=removed,
                      held=frozenset(standing), refused=refused)


def _dated_ahead(age: float, rel: str, st, journal: Journal, seen_at: str) -> bool:
    """Whether a file dated further ahead of this machine's clock than SKEW (``age`` negative: a share server's clock
    far ahead, which dates every write of a copy under way) may still be being copied: not once it has been seen
    with the same size and file id for STALLED seconds, nor once first seen so OBSERVED_FOR ago — it is then what it
    is, a damaged file read and reported, not left waiting for ever."""
    if age >= -SKEW:
        return False
    observed = journal.observation(rel)
    if observed is None:
        return True
    at, size, ino = observed
    waited = (instant(seen_at) - instant(at)).total_seconds()
    same = size == st.st_size and not (ino and st.st_ino and ino != st.st_ino)
    return waited < journal.OBSERVED_FOR.total_seconds() and not (same and waited >= STALLED)


def _as_last_seen(rel: str, journal: Journal, units: _Units, **where) -> FileVersion:
    """``rel`` as the journal last saw it (its latest version), for a file not read this run: gone from the inbox
    (``removed_at``) or in a folder that could not be opened (``abspath``)."""
    last = journal.versions(rel)[-1]
    folder, unit = units.of(rel)
    return FileVersion(path=rel, unit=unit, folder=folder, sha256=last["sha256"], size=last["size"],
                       mtime=last["mtime"], first_seen=last["first_seen"], revisions=max(1, journal.count(rel)),
                       **where)


def _folders_gone(gone: list[str], walked: set[str]) -> list[str]:
    """A sentence for each top-level folder of the inbox whose every file went at once (``gone``: paths found gone
    this run whose content is nowhere in the inbox now; ``walked``: the paths listed): a unit withdrawing everything
    moves its folder out — or a share being
    restored, a folder moved by mistake. The withdrawals stand (only an empty inbox is refused), but they are said
    where they would otherwise pass unseen among the figures."""
    listed = {rel.split("/", 1)[0] for rel in walked if "/" in rel}
    counts: dict[str, int] = {}
    for rel in gone:
        folder, sep, _rest = rel.partition("/")
        if sep and folder not in listed:
            counts[folder] = counts.get(folder, 0) + 1
    return [f"文件夹“{folder}”连同其中的 {n} 个文件都不在收件箱中了，其中的申报按撤回处理；如是误删、误移或共享盘正在恢复，"
            "请把文件夹放回后重新汇总。" for folder, n in sorted(counts.items())]


def _continues(path: Path, version: dict) -> bool:
    """Whether the file at ``path`` starts with the bytes of ``version`` (a journal version: its size and SHA-256)."""
    try:
        return _sha256(path, version["size"]) == version["sha256"]
    except OSError:
        return False


def _pending_version(path: Path, rel: str, units: "_Units", seen_at: str, st) -> FileVersion:
    folder, unit = units.of(rel)
    return FileVersion(path=rel, unit=unit, folder=folder, sha256="", size=st.st_size, mtime=st.st_mtime,
                       first_seen=seen_at, abspath=str(path))
