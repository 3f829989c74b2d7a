"""Extraction results kept by content hash, so unchanged files are not parsed again.

Stored as JSON (never pickle: the shared drive is writable by many people).
"""
from __future__ import annotations

import functools
import hashlib
import json
import os
from dataclasses import fields
from pathlib import Path
from typing import ClassVar

from .campaign import Campaign
from .journal import ends_with_newline
from .model import Extracted, FormData, Issue, RankingRow, Section, SummaryData, Value


def campaign_fingerprint(campaign: Campaign) -> str:
    relevant = repr((campaign.fields, campaign.yearly, campaign.sections, campaign.base_years,
                     campaign.ranking_file, campaign.opinion_keyword))
    return hashlib.sha256(relevant.encode("utf-8")).hexdigest()[:12]


def to_dict(ex: Extracted) -> dict:
    """``ex`` as plain JSON-ready data: what dataclasses.asdict gives, without its deep copy of every value
    (asdict took 1 ms a file: 20 s of a cold run over 20,000 files), except that each Value is a short list
    (``value_list``). ``from_dict`` gives ``ex`` back."""
    return _plain(ex)


def value_list(v: Value) -> list:
    """A Value as a JSON list: [value, location] when what was written is the value itself (a text field as
    typed, the usual case) with no flag or note, else [value, location, text, ok, empty, note]. A form holds
    about 25 Values: as objects with their six names they were half of a cache line, and decoding a national
    cache (260,000 Values in 20,000 lines) spent most of its time on them. ``value_of`` reads it back."""
    if v.ok and not v.empty and not v.note and v.value.__class__ is str and v.text == v.value:
        return [v.value, v.location]
    return [v.value, v.location, v.text, v.ok, v.empty, v.note]


def value_of(data: list) -> Value:
    """The Value ``value_list`` wrote (positional: Value's field order is value, text, location, ok, empty,
    note). Raises ValueError for anything else (a cache line of another layout is then a miss)."""
    if data.__class__ is not list:
        raise ValueError("not a cached Value")
    if len(data) == 2:
        return Value(data[0], data[0], data[1])
    value, location, text, ok, empty, note = data
    return Value(value, text, location, ok, empty, note)


_SCALARS = frozenset({str, int, float, bool, type(None)})


def _plain(value):
    cls = type(value)
    if cls in _SCALARS:
        return value
    if cls is tuple or cls is list:
        return [_plain(v) for v in value]
    if cls is dict:
        return {k: _plain(v) for k, v in value.items()}
    if cls is Value:
        return value_list(value)
    names = _field_names(cls)
    if names is None:
        return value
    return {name: _plain(getattr(value, name)) for name in names}


@functools.cache
def _field_names(cls) -> tuple[str, ...] | None:
    """A dataclass's field names (None for other types, kept as they are)."""
    return tuple(f.name for f in fields(cls)) if hasattr(cls, "__dataclass_fields__") else None


def _form_from_dict(f: dict) -> FormData:
    return FormData(fields={k: value_of(v) for k, v in f["fields"].items()},
                    yearly={k: {int(y): value_of(v) for y, v in per.items()} for k, per in f["yearly"].items()},
                    source=f.get("source", ""), warnings=tuple(Issue(**i) for i in f.get("warnings", ())))


def from_dict(d: dict) -> Extracted:
    form = _form_from_dict(d["form"]) if d.get("form") else None
    summary = None
    if d.get("summary"):
        s = d["summary"]
        summary = SummaryData(sections={k: Section(**v) for k, v in s["sections"].items()}, title=s.get("title", ""))
    return Extracted(kind=d["kind"], form=form, summary=summary,
                     ranking=tuple(RankingRow(**r) for r in d.get("ranking", ())),
                     issues=tuple(Issue(**i) for i in d.get("issues", ())),
                     forms=tuple(_form_from_dict(f) for f in d.get("forms", ())))


class ExtractCache:
    """Extraction results by content hash and path, in ONE append-only file (``extract.jsonl`` in ``folder``).

    Each line is ``<key>\t<json>``: the key is the file's sha256, a tag of its inbox path (messages name the file)
    and ``key`` (the extraction code's digest and the campaign fields it reads), so results never outlive the code
    or campaign that made them. The file is read once, sequentially, on first use — one read instead of tens of
    thousands of small files on a share — and a line is decoded only when asked for, then dropped (the decoded
    result is what is kept). New results are appended at ``flush()`` (one write, fsync'd). Lines of other keys
    (older code) are dropped when they outnumber the current ones. JSON, never pickle: the share is writable by
    many people. Never raises.

    With ``keep`` (a long-lived process: watch), decoded results are also kept for the life of the process
    (``DECODED``, by cache file, at most ``MEMO`` of them each): a watcher decodes each result once, not once per
    run. Without it (a batch run) they are kept by this cache object only, and freed with it. A tag names content,
    code and campaign, so a kept result is never stale; keeping them per cache file keeps each state folder's cache whole
    (a result is never taken from another state's memory instead of being read and written to this one).
    """

    FILE = "extract.jsonl"
    LAYOUT = "v2"  # how a result is written (to_dict); part of every tag, so a line of another layout is never read
    MEMO = 60_000  # decoded results kept per process (a national roll-up's files fit)
    DECODED: ClassVar[dict] = {}  # cache file -> {tag -> Extracted}, shared by the caches of one process (watch)

    def __init__(self, folder: Path, key: str, *, keep: bool = False):
        self.folder = Path(folder)
        self.path = self.folder / self.FILE
        self.key = f"{key}-{self.LAYOUT}"
        self.hits = 0
        self.misses = 0
        self._lines: dict[str, tuple[int, int]] | None = None  # tag -> where its body is, until decoded
        self._reader = None  # the file, open for reading bodies
        self._memo: dict = self.DECODED.setdefault(os.path.abspath(self.path), {}) if keep else {}
        self._current = 0  # lines of this key in the file
        self._stale = 0  # lines of other keys in the file
        self._new: list[bytes] = []

    def _tag(self, sha256: str, file: str) -> str:
        return f"{sha256}-{hashlib.sha256(file.encode('utf-8')).hexdigest()[:10]}-{self.key}"

    def _load(self) -> dict[str, tuple[int, int]]:
        """Tag -> (offset, length) of each line of this key not decoded yet: the file is read once, sequentially,
        keeping where each body is rather than the body (a national cache is hundreds of MB); ``get`` reads a
        body when it is asked for."""
        if self._lines is None:
            self._lines = {}
            self._current = self._stale = 0
            suffix = f"-{self.key}".encode("ascii", "replace")
            offset = 0
            try:
                with open(self.path, "rb") as fh:
                    for line in fh:
                        start, offset = offset, offset + len(line)
                        tag, sep, body = line.partition(b"\t")
                        if not sep or not body.endswith(b"\n"):
                            continue  # a torn last line (a run killed while appending): just a cache miss
                        if tag.endswith(suffix):
                            self._lines[tag.decode("ascii", "replace")] = (start + len(tag) + 1, len(body) - 1)
                            self._current += 1
                        else:
                            self._stale += 1
            except OSError:
                pass
        return self._lines

    def _body(self, where: tuple[int, int]) -> bytes:
        if self._reader is None:
            self._reader = open(self.path, "rb")  # noqa: SIM115 - kept open while results are asked for
        self._reader.seek(where[0])
        return self._reader.read(where[1])

    def close(self) -> None:
        """Close the file ``get`` reads from (the cache stays usable: it is opened again when needed)."""
        if self._reader is not None:
            self._reader.close()
            self._reader = None

    def get(self, sha256: str, file: str) -> Extracted | None:
        if not sha256:  # a file that could not be hashed is read (and reported) every time
            self.misses += 1
            return None
        tag = self._tag(sha256, file)
        result = self._memo.get(tag)
        if result is None:
            where = self._load().pop(tag, None)
            if where is None:
                self.misses += 1
                return None
            try:
                result = from_dict(json.loads(self._body(where)))
            except (ValueError, KeyError, TypeError, OSError):
                self.misses += 1
                return None
            self._remember(tag, result)
        self.hits += 1
        return result

    def has(self, sha256: str, file: str) -> bool:
        """Whether ``get`` may find a result for this content and path (decoding nothing: a line that then fails
        to decode is still a miss there)."""
        if not sha256:
            return False
        tag = self._tag(sha256, file)
        return tag in self._memo or tag in self._load()

    def _remember(self, tag: str, result: Extracted) -> None:
        if len(self._memo) >= self.MEMO:
            self._memo.clear()
        self._memo[tag] = result

    def put(self, sha256: str, file: str, extracted: Extracted) -> None:
        if not sha256:
            return
        try:
            body = json.dumps(to_dict(extracted), ensure_ascii=False, separators=(",", ":"))
        except (TypeError, ValueError):
            return
        tag = self._tag(sha256, file)
        self._load().pop(tag, None)
        self._remember(tag, extracted)
        self._new.append(f"{tag}\t{body}\n".encode())

    @property
    def unsaved(self) -> int:
        """Results put since the last flush."""
        return len(self._new)

    def flush(self) -> None:
        """Append the results put since the last flush (or rewrite the file, keeping only lines of this key,
        when lines of older code outnumber them)."""
        self._load()
        if not self._new and self._stale <= self._current:
            return
        try:
            self.folder.mkdir(parents=True, exist_ok=True)
            if self._stale > self._current:  # mostly results of older code: keep only the current ones
                suffix = f"-{self.key}".encode("ascii", "replace")
                try:
                    raw = self.path.read_bytes()
                except OSError:
                    raw = b""
                kept = [line + b"\n" for line in raw.split(b"\n")
                        if b"\t" in line and line.partition(b"\t")[0].endswith(suffix)]
                tmp = self.path.with_name(f".{self.FILE}.{os.getpid()}.tmp")
                with open(tmp, "wb") as fh:
                    fh.writelines(kept)
                    fh.writelines(self._new)
                    fh.flush()
                    os.fsync(fh.fileno())
                self.close()
                os.replace(tmp, self.path)
                self._current, self._stale = len(kept) + len(self._new), 0
                self._lines = None  # offsets changed: indexed again when next asked
            else:
                with open(self.path, "ab") as fh:
                    if fh.tell() and not ends_with_newline(self.path):
                        fh.write(b"\n")  # after a torn last line: start on a line of our own
                    fh.writelines(self._new)
                    fh.flush()
                    os.fsync(fh.fileno())
                self._current += len(self._new)
            self._new = []
        except OSError:
            pass  # a cache that cannot be written only costs time
