"""What a run keeps for the next: extraction results by content hash, so unchanged files are not parsed again
(ExtractCache), and each unit's decision by a key of its files, so unchanged units are not decided again
(UnitRecords).

Stored as JSON (never pickle: the shared drive is writable by many people).
"""
from __future__ import annotations

import contextlib
import functools
import hashlib
import json
import os
import zlib
from dataclasses import fields
from pathlib import Path
from typing import ClassVar

from .campaign import Campaign
from .journal import ends_with_newline
from .keys import ENTERPRISE
from .model import (
    Application,
    DecidedUnit,
    Extracted,
    FileVersion,
    FormData,
    Issue,
    RankingRow,
    Section,
    SummaryData,
    Value,
)


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
    return FormData(fields=_fields_of(f), yearly=_yearly_of(f), source=f.get("source", ""), warnings=_warnings_of(f))


def _fields_of(f: dict) -> dict:
    """A FormData's fields from what _plain wrote for it (``f``)."""
    return {k: value_of(v) for k, v in f["fields"].items()}


def _yearly_of(f: dict) -> dict:
    """A FormData's yearly figures from what _plain wrote for it (``f``)."""
    return {k: {int(y): value_of(v) for y, v in per.items()} for k, per in f["yearly"].items()}


def _warnings_of(f: dict) -> tuple:
    return tuple(Issue(**i) for i in f.get("warnings", ()))


class _KeptForm(FormData):
    """A unit record's 申请表 (a FormData), its Values made when first read: a run takes 25 units' decisions
    after one changed file and reads, of each kept application's 申请表, only the 申报单位 (duplicates) — making all
    its 25-40 Values was a third of taking the decisions at 10,000 applications. ``fields`` and ``yearly`` are
    made on first use (then the record's data is let go); ``text`` reads one field without making the others.
    Equal to, and pickled (so content digests, render.content_bytes) as, the FormData it stands for; one made by
    dataclasses.replace or model.evolve is an ordinary FormData of this class (FormData's __init__)."""

    @classmethod
    def of(cls, data: dict) -> _KeptForm:
        """The form ``data`` stands for (what _plain wrote for a FormData). Raises ValueError (TypeError for
        warnings of another shape) unless ``data`` has the shape _check_form checks: nothing read later fails."""
        _check_form(data)
        form = object.__new__(cls)
        object.__setattr__(form, "_data", data)
        object.__setattr__(form, "source", data.get("source", ""))
        object.__setattr__(form, "warnings", _warnings_of(data))
        return form

    @classmethod
    def later(cls, details: _Details, n: int, texts: dict) -> _KeptForm:
        """The form of application ``n`` in ``details`` (a record's), not even decoded until first read but for
        ``texts`` ({key: its text()}, RECORD_TEXTS: what the province-wide steps read of every application)."""
        form = object.__new__(cls)
        object.__setattr__(form, "_details", (details, n))
        object.__setattr__(form, "_texts", texts)
        return form

    @functools.cached_property
    def _data(self) -> dict:  # (set by ``of``; for ``later``, decoded with the unit's details on first read)
        details, n = self.__dict__["_details"]
        data = details.item(n, 0)
        _check_form(data)
        self.__dict__.setdefault("source", data.get("source", ""))
        self.__dict__.setdefault("warnings", _warnings_of(data))
        del self.__dict__["_details"]
        return data

    @functools.cached_property
    def source(self) -> str:  # type: ignore[override]
        return self._data.get("source", "")

    @functools.cached_property
    def warnings(self) -> tuple:  # type: ignore[override]
        return _warnings_of(self._data)

    @functools.cached_property
    def fields(self) -> dict:  # type: ignore[override]
        made = _fields_of(self._data)
        self._release("yearly")
        return made

    @functools.cached_property
    def yearly(self) -> dict:  # type: ignore[override]
        made = _yearly_of(self._data)
        self._release("fields")
        return made

    def _release(self, other: str) -> None:
        """Let the record's data go once ``other`` (fields or yearly) is made too."""
        if other in self.__dict__:
            self.__dict__.pop("_data", None)

    def text(self, key: str) -> str:
        if "fields" in self.__dict__:
            return FormData.text(self, key)
        texts = self.__dict__.get("_texts")
        if texts is not None and key in texts:
            return texts[key]
        data = self._data["fields"].get(key)
        return "" if data is None or data[0] is None else str(value_of(data).value)

    def _plain(self) -> FormData:
        return FormData(fields=self.fields, yearly=self.yearly, source=self.source, warnings=self.warnings)

    def __eq__(self, other) -> bool:
        return isinstance(other, FormData) and (self.fields, self.yearly, self.source, self.warnings) == (
            other.fields, other.yearly, other.source, other.warnings)

    __hash__ = FormData.__hash__

    def __repr__(self) -> str:
        return repr(self._plain())


class _KeptSummary(SummaryData):
    """A unit record's 总结材料 (a SummaryData) not decoded until first read (``sections``, ``title``): a run that
    takes 25 units' decisions reads none of their applications' 总结材料. Equal to, and pickled as, the
    SummaryData it stands for; one made by dataclasses.replace (SummaryData.without_texts) is an ordinary
    SummaryData of this class."""

    @classmethod
    def later(cls, details: _Details, n: int) -> _KeptSummary:
        summary = object.__new__(cls)
        object.__setattr__(summary, "_details", (details, n))
        return summary

    def _made(self) -> None:
        details, n = self.__dict__.pop("_details")
        made = _summary(details.item(n, 1))
        self.__dict__["sections"], self.__dict__["title"] = made.sections, made.title

    @functools.cached_property
    def sections(self) -> dict:  # type: ignore[override]
        self._made()
        return self.__dict__["sections"]

    @functools.cached_property
    def title(self) -> str:  # type: ignore[override]
        self._made()
        return self.__dict__["title"]

    def __eq__(self, other) -> bool:
        return isinstance(other, SummaryData) and (self.sections, self.title) == (other.sections, other.title)

    __hash__ = SummaryData.__hash__

    def __repr__(self) -> str:
        return repr(SummaryData(self.sections, self.title))


class _Details:
    """The 申请表 and 总结材料 of a unit record's applications, ``[[form, summary] …]`` in their order as
    _plain and _summary_list wrote them: JSON bytes (whose length and CRC-32 were checked when the record was
    taken: they are the bytes written), decoded when one of them is first read (_KeptForm.later,
    _KeptSummary.later). Half of a national record's bytes; a run after one changed file reads none of them."""

    __slots__ = ("_items", "_text")

    def __init__(self, text: bytes):
        self._text = text
        self._items: list | None = None

    def item(self, n: int, part: int):
        """Part ``part`` (0: the 申请表, 1: the 总结材料) of application ``n``."""
        if self._items is None:
            self._items = json.loads(self._text)
            self._text = b""
        return self._items[n][part]


def _check_form(data: dict) -> None:
    """Raises ValueError unless ``data`` is a FormData as _plain writes it: fields {key: a Value list}, yearly
    {key: {year digits: a Value list}} (value_of then reads every one)."""
    fields_, yearly = data["fields"], data["yearly"]
    if fields_.__class__ is not dict or yearly.__class__ is not dict:
        raise ValueError("not a kept 申请表")
    for v in fields_.values():
        if v.__class__ is not list or len(v) not in (2, 6):
            raise ValueError("not a kept Value")
    for per in yearly.values():
        if per.__class__ is not dict:
            raise ValueError("not a kept 申请表")
        for y, v in per.items():
            if not (y.isascii() and y.isdigit() and len(y) <= 6) or v.__class__ is not list or len(v) not in (2, 6):
                raise ValueError("not a kept Value")


def from_dict(d: dict) -> Extracted:
    form = _form_from_dict(d["form"]) if d.get("form") else None
    summary = None
    if d.get("summary"):
        s = d["summary"]
        summary = SummaryData(sections={k: Section(**v) for k, v in s["sections"].items()}, title=s.get("title", ""))
    return Extracted(kind=d["kind"], form=form, summary=summary,
                     ranking=tuple(RankingRow(**r) for r in d.get("ranking", ())),
                     issues=tuple(Issue(**i) for i in d.get("issues", ())),
                     forms=tuple(_form_from_dict(f) for f in d.get("forms", ())),
                     ranking_dates=tuple((str(text), str(where)) for text, where in d.get("ranking_dates", ())),
                     archive=tuple((str(member), str(digest)) for member, digest in d.get("archive", ())))


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


@functools.cache
def toolkit_digest() -> str:
    """A digest of every source file of the toolkit: a kept decision never outlives the code that made it (any
    module may take part in deciding a unit: rules, names, messages, campaign, model …)."""
    h = hashlib.sha256()
    here = Path(__file__).resolve().parent
    for path in sorted(here.rglob("*.py")):
        try:
            h.update(path.relative_to(here).as_posix().encode("utf-8") + b"\0" + path.read_bytes())
        except OSError:
            h.update(b"?")
    return h.hexdigest()[:16]


# computed at import: the digest of the code this process runs, not of what is on disk when a long-lived process
# first asks (a watcher upgraded in place would keep decisions and outputs' parts of old code under the new digest)
toolkit_digest()


def unit_key(unit: str, files, removed, settings: str) -> str:
    """The key a unit's decision is kept under: the toolkit's code (toolkit_digest), ``settings`` (the caller's
    digest of the campaign and everything else a run depends on) and every field of each of its file versions
    (``files``) and removed files (``removed``) — content, name, folder, times, revisions."""
    h = hashlib.sha256(f"{toolkit_digest()}\0{settings}\0{unit}\n".encode("utf-8", "surrogateescape"))
    fields_of = _version_fields()
    # repr: every field, whatever it holds (an absolute path with undecodable bytes too); one text, one update
    h.update("".join([f"{tag}{fields_of(fv)!r}\n" for tag, versions in (("f", files), ("r", removed))
                      for fv in versions]).encode())
    return h.hexdigest()


@functools.cache
def _version_fields():
    """A FileVersion's field values, in field order, as a tuple (one C-level getter)."""
    import operator

    return operator.attrgetter(*_field_names(FileVersion))


def decided_to_dict(decided: DecidedUnit) -> dict:
    """``decided`` as plain JSON-ready data (``decided_from_dict`` gives it back). Issues are written once, in a
    table, and named by their place in it wherever they occur: the same Issue object on an application and on its
    file's entry stays one object (a run lists each issue once by identity: Assembled.issue_rows), and equal but
    distinct issues stay distinct."""
    table: list = []
    where: dict[int, int] = {}

    def ref(issues) -> list[int]:
        out = []
        for issue in issues:
            n = where.get(id(issue))
            if n is None:
                n = where[id(issue)] = len(table)
                table.append(_fields_list(issue))
            out.append(n)
        return out

    apps = []
    for app in decided.ordered:
        data = {name: _plain(getattr(app, name)) for name in _field_names(Application)
                if name not in ("issues", "summary", "form_file", "summary_file", "superseded", "attachments")}
        data["summary"] = _summary_list(app.summary) if app.summary else None
        data["issues"] = ref(app.issues)
        data["form_file"], data["summary_file"] = _fields_list(app.form_file), _fields_list(app.summary_file)
        data["superseded"], data["attachments"] = list(map(_fields_list, app.superseded)), list(map(
            _fields_list, app.attachments))
        apps.append(data)
    files = [[path, kind, status, ref(issues), enterprise] for path, kind, status, issues, enterprise in decided.files]
    return {"issues": table, "ordered": apps, "files": files, "scans": list(map(_fields_list, decided.scans)),
            "ranking_sheets": [[_fields_list(fv), to_dict(ex)] for fv, ex in decided.ranking_sheets],
            "rank_source": decided.rank_source, "rejected": list(decided.rejected), "date": decided.date}


def _fields_list(obj) -> list | None:
    """A FileVersion or an Issue (frozen, of plain fields) as the list of its field values, in field order: a
    national run's records hold tens of thousands of each, and their names were a third of the text."""
    return None if obj is None else [getattr(obj, name) for name in _field_names(obj.__class__)]


def _of_fields(cls, data: list):
    """The ``cls`` (FileVersion, Issue, Section) whose field values ``_fields_list`` wrote. Raises ValueError for
    anything else."""
    if data.__class__ is not list or len(data) != len(_field_names(cls)):
        raise ValueError(f"not a kept {cls.__name__}")
    return cls(*data)


def _version(data: list | None) -> FileVersion | None:
    return None if data is None else _of_fields(FileVersion, data)


def _summary_list(summary: SummaryData) -> list:
    """A 总结材料 as [title, [each section's field values, in field order] …] (its sections keyed by their key)."""
    return [summary.title, [_fields_list(section) for section in summary.sections.values()]]


def _summary(data: list) -> SummaryData:
    title, sections = data
    return SummaryData(sections={s.key: s for s in (_of_fields(Section, d) for d in sections)}, title=title)


def decided_from_dict(d: dict, details: _Details) -> DecidedUnit:
    """The DecidedUnit ``decided_to_dict`` wrote; with ``details``, the one _record_body wrote (each application's
    form's texts or null there, its summary true or false; both in ``details`` when there). Raises ValueError,
    KeyError or TypeError for anything else."""
    table = [_of_fields(Issue, i) for i in d["issues"]]
    ordered = []
    for n, a in enumerate(d["ordered"]):
        a = dict(a)
        if (a["form"] is None or _texts_of(a["form"])) and a["summary"].__class__ is bool:
            form = _KeptForm.later(details, n, a["form"]) if a["form"] is not None else None
            summary = _KeptSummary.later(details, n) if a["summary"] else None
        else:
            raise ValueError("not a unit record's application")
        a.update(form_file=_version(a["form_file"]), summary_file=_version(a["summary_file"]),
                 form=form, summary=summary, issues=tuple(table[n] for n in a["issues"]),
                 superseded=tuple(map(_version, a["superseded"])), attachments=tuple(map(_version, a["attachments"])))
        ordered.append(Application(**a))
    return DecidedUnit(ordered=tuple(ordered),
                       files=tuple((path, kind, status, tuple(table[n] for n in issues), enterprise)
                                   for path, kind, status, issues, enterprise in d["files"]),
                       scans=tuple(map(_version, d["scans"])),
                       ranking_sheets=tuple((_version(fv), from_dict(ex)) for fv, ex in d["ranking_sheets"]),
                       rank_source=d["rank_source"], rejected=tuple(d["rejected"]), date=d["date"])


RECORD_TEXTS = (ENTERPRISE,)  # the fields of every application's 申请表 a run reads beside its own units' (duplicates)


def _texts_of(texts) -> bool:
    """Whether ``texts`` is a record's RECORD_TEXTS of a form ({key: text})."""
    return texts.__class__ is dict and texts.keys() == set(RECORD_TEXTS) and all(
        v.__class__ is str for v in texts.values())


def _record_body(decided: DecidedUnit) -> bytes:
    """``decided`` as a unit record's body: ``<core>\t<length>:<CRC-32>\t<details>`` — the JSON of
    decided_to_dict without the applications' forms and summaries (in their place: the form's RECORD_TEXTS as
    {key: text} or null, the summary's presence as true or false), the length and CRC-32 (hex) of the core and
    the details together (a record is taken only as written: nothing in it fails when read later, unless forged
    with its check), and the details: their forms and summaries (_Details). JSON escapes every tab within it.
    Raises TypeError or ValueError for what JSON cannot hold."""
    d = decided_to_dict(decided)
    details = []
    for a, app in zip(d["ordered"], decided.ordered):
        details.append([a["form"], a["summary"]])
        a["form"] = {key: app.form.text(key) for key in RECORD_TEXTS} if app.form is not None else None
        a["summary"] = app.summary is not None
    core = json.dumps(d, ensure_ascii=False, separators=(",", ":")).encode("utf-8")
    text = json.dumps(details, ensure_ascii=False, separators=(",", ":")).encode("utf-8")
    return core + b"\t" + _check_of(core, text) + b"\t" + text


def _check_of(core: bytes, text: bytes) -> bytes:
    """The check of a record's body: the length and CRC-32 of its core and details together."""
    return f"{len(core) + len(text)}:{zlib.crc32(text, zlib.crc32(core)):08x}".encode("ascii")


class _Body:
    """A record's body where units.jsonl holds it: ``buffer[start:end]`` (the file as read), copied only in parts."""

    __slots__ = ("buffer", "end", "start")

    def __init__(self, buffer: bytes, start: int, end: int):
        self.buffer, self.start, self.end = buffer, start, end

    def __len__(self) -> int:
        return self.end - self.start

    def __bytes__(self) -> bytes:
        return self.buffer[self.start:self.end]


def _record_of(body: bytes | _Body) -> DecidedUnit:
    """The DecidedUnit a record's body (_record_body) holds, its details decoded when first read. Raises
    ValueError (a torn or altered body: the length or CRC-32 is not its core's and details'; not JSON), KeyError or
    TypeError."""
    buffer, start, end = (body.buffer, body.start, body.end) if isinstance(body, _Body) else (body, 0, len(body))
    core_end = buffer.find(b"\t", start, end)
    check_end = buffer.find(b"\t", core_end + 1, end) if core_end >= 0 else -1
    if check_end < 0:
        raise ValueError("not a unit record")
    core, text = buffer[start:core_end], buffer[check_end + 1:end]
    if buffer[core_end + 1:check_end] != _check_of(core, text):
        raise ValueError("a torn or altered unit record")
    return decided_from_dict(json.loads(core), _Details(text))


def _record_line(unit: str, key: str, body: bytes | _Body) -> bytes:
    """A line of units.jsonl (without its newline): ``<unit>\\t<key>\\t<body>`` (_record_body)."""
    return unit.encode("utf-8") + b"\t" + key.encode("ascii") + b"\t" + bytes(body)


def _names_only(decided: DecidedUnit, paths: set) -> bool:
    """Whether every file ``decided`` names is one of ``paths``, and each file entry is named once (a record
    written for these files; anything else, edited or mixed up on the share, is not taken)."""
    entries = [path for path, *_ in decided.files]
    if len(set(entries)) != len(entries) or not paths.issuperset(entries) or not set(entries).issuperset(
            decided.rejected):
        return False
    named = [fv for app in decided.ordered for fv in (app.form_file, app.summary_file, *app.superseded,
                                                       *app.attachments) if fv is not None]
    named += [*decided.scans, *(fv for fv, _ in decided.ranking_sheets)]
    return all(fv.path in paths for fv in named)


class UnitRecords:
    """Each unit's decision (model.DecidedUnit) kept between runs, in ONE file (``units.jsonl`` in ``folder``): a
    line per unit, ``<unit>\\t<key>\\t<body>``, the key from ``unit_key``, the body _record_body's (JSON, its
    applications' forms and summaries apart, decoded when first read). A run takes the decision of every unit
    whose key is unchanged (``get``) instead of decoding its files' cached results and deciding it again — at
    10,000 applications, most of what a run spent before rendering when one file changed. JSON, never pickle: the
    share is writable by many people. Never raises: an unreadable or damaged record is decided again."""

    FILE = "units.jsonl"

    def __init__(self, folder: Path):
        self.folder = Path(folder)
        self.path = self.folder / self.FILE
        self._lines: dict[str, tuple[str, bytes | _Body]] | None = None  # unit -> (key, body), as read
        self._size = 0  # bytes in the file as read (lines of a unit written again since included)
        self._new: dict[str, tuple[str, bytes]] = {}
        self.hits = 0
        self.damaged: set[str] = set()  # units whose record has the key asked for but could not be decoded

    def _load(self) -> dict[str, tuple[str, bytes]]:
        if self._lines is None:
            self._lines = {}
            try:
                raw = self.path.read_bytes()
            except OSError:
                raw = b""
            self._size = len(raw)
            start = 0
            while start < len(raw):  # (a unit's later line stands for its earlier ones: see save)
                end = raw.find(b"\n", start)
                end = len(raw) if end < 0 else end
                unit_end = raw.find(b"\t", start, end)
                key_end = raw.find(b"\t", unit_end + 1, end) if unit_end >= 0 else -1
                if key_end >= 0:  # (located, not split: no copy of a national file's 50-80 MB)
                    self._lines[raw[start:unit_end].decode("utf-8", "replace")] = (
                        raw[unit_end + 1:key_end].decode("ascii", "replace"), _Body(raw, key_end + 1, end))
                start = end + 1
        return self._lines

    def get(self, unit: str, key: str, paths: set) -> DecidedUnit | None:
        """The decision kept for ``unit`` under ``key``, or None: none kept, another key, undecodable, or naming a
        file that is not one of ``paths`` (the unit's files and removed files now) — the last two are ``damaged``."""
        found = self._load().get(unit)
        if found is None or found[0] != key:
            return None
        try:
            decided = _record_of(found[1])
        except (ValueError, KeyError, TypeError, IndexError, AttributeError, RecursionError):
            decided = None
        if decided is None or not _names_only(decided, paths):
            self.damaged.add(unit)
            return None
        self.hits += 1
        return decided

    def key(self, unit: str) -> str:
        """The key ``unit``'s decision is kept under ('' for none)."""
        found = self._new.get(unit) or self._load().get(unit)
        return found[0] if found else ""

    def put(self, unit: str, key: str, decided: DecidedUnit) -> None:
        """Keep ``decided`` for ``unit`` under ``key`` (written by ``save``)."""
        try:  # (a path the file system gave with undecodable bytes cannot be written as UTF-8: not kept)
            body = _record_body(decided)
        except (TypeError, ValueError):
            return
        self._new[unit] = (key, body)

    def save(self, units) -> None:
        """Keep the decisions of ``units`` only (those put, else those read), when anything was put or a unit is
        gone. The decisions put are appended (a unit's last line stands: after one changed file a national
        file of 50 MB is not written again) while the file stays under twice what it holds; else, or when a
        unit is gone, the file is written anew with a line per unit, atomically (a reader sees the old file or
        the new one). A line torn by a crash is a damaged record: its unit is decided again."""
        lines = self._load()
        kept = {u: self._new.get(u) or lines.get(u) for u in units}
        kept = {u: line for u, line in kept.items() if line is not None}
        if not self._new and kept.keys() == lines.keys():
            return
        added = b"".join(b"\n" + _record_line(unit, key, body) for unit, (key, body) in self._new.items()
                         if unit in kept)
        live = sum(len(unit.encode("utf-8")) + len(key) + len(body) + 3 for unit, (key, body) in kept.items())
        if kept.keys() == lines.keys() and self._size and self._size + len(added) <= 2 * live:
            try:
                with open(self.path, "ab") as fh:  # (each line after a newline: never glued to a torn last line)
                    fh.write(added)
                self._lines, self._new, self._size = kept, {}, self._size + len(added)
                return
            except OSError:
                pass
        tmp = self.path.with_name(f".{self.FILE}.{os.getpid()}.tmp")
        try:
            self.folder.mkdir(parents=True, exist_ok=True)
            with open(tmp, "wb") as fh:
                fh.writelines(_record_line(unit, key, body) + b"\n" for unit, (key, body) in kept.items())
            os.replace(tmp, self.path)
            self._lines, self._new = kept, {}
            self._size = live
        except OSError:  # a record that cannot be written only costs time
            with contextlib.suppress(OSError):
                tmp.unlink()
