"""summary.json (SPEC §7): stable English keys, the documents' Chinese values, inbox-relative paths."""
from __future__ import annotations

import io
import itertools
import json
from collections.abc import Iterable
from pathlib import Path
from typing import BinaryIO

from ..model import OUTPUT_PROPERTY, Assembled
from . import RenderContext
from .kept import kept_bytes, kept_parts


def _fields(app) -> dict:
    out: dict = {}
    c_fields = app.form.fields if app.form else {}
    for key, v in c_fields.items():
        out[key] = v.value
    if app.form:
        for key, per_year in app.form.yearly.items():
            out[key] = {str(y): v.value for y, v in sorted(per_year.items())}
    return out


def _run_identity() -> dict:
    """host, user and toolkit version of the run that wrote the summary (the audit log has the pid too)."""
    from ..audit import identity

    return {k: v for k, v in identity().items() if k != "pid"}


def _unit(u) -> dict:
    return {"unit": u.unit, "kind": u.kind, "quota": u.quota, "received": u.received, "passed": u.passed,
            "over_quota": u.over_quota, "late": u.late, "ineligible": u.ineligible, "needs_fix": u.needs_fix,
            "withdrawn": u.withdrawn, "file_errors": u.file_errors, "to_handle": u.to_handle,
            "stamped_opinion": u.stamped_opinion, "opinion_outdated": u.opinion_outdated,
            "opinion_late": u.opinion_late,
            "opinion_files": list(u.opinion_files), "opinion_final": not u.draft_reasons,
            "draft_reasons": list(u.draft_reasons), "rank_source": u.rank_source}


def _application(a) -> dict:
    return {"unit": a.unit, "enterprise": a.enterprise, "benchmark_name": a.benchmark_name,
            "rank": a.rank, "rank_source": a.rank_source, "status": a.status,
            "size_class": a.size_class, "industry_code": a.industry_code, "region": a.region,
            "received_at": a.received_at, "versions": a.versions, "withdrawn_at": a.withdrawn_at,
            "files": [f.path for f in a.files],
            "superseded_files": [f.path for f in a.superseded],
            "attachments": [f.path for f in a.attachments],
            "fields": _fields(a),
            "sections": ({k: {"chars": s.chars, "images": s.images, "tables": s.tables}
                          for k, s in a.summary.sections.items()} if a.summary else {}),
            "issues": [i.to_dict() for i in a.issues]}


def _entry(e) -> dict:
    return {"file": e.version.path, "unit": e.version.unit, "kind": e.kind, "status": e.status,
            "enterprise": e.enterprise, "sha256": e.version.sha256, "size": e.version.size,
            "first_seen": e.version.first_seen, "issues": [i.to_dict() for i in e.issues]}


def _files(result: Assembled) -> Iterable[dict]:
    yield from map(_entry, result.files)
    yield from _other_files(result)


def _other_files(result: Assembled) -> Iterable[dict]:
    """The ignored and still-copying files, after the entries."""
    for fv in result.ignored:
        yield {"file": fv.path, "unit": fv.unit, "kind": "other", "status": "ignored", "enterprise": "",
               "sha256": fv.sha256, "size": fv.size, "first_seen": "", "issues": []}
    for fv in result.pending:
        yield {"file": fv.path, "unit": fv.unit, "kind": "other", "status": "pending", "enterprise": "",
               "sha256": "", "size": fv.size, "first_seen": "", "issues": []}


def summary_fields(result: Assembled, applications=None, files=None) -> dict:
    """summary.json's top-level fields, in order, from ``result``; the three long lists (units, applications,
    files) as iterators, each element made when it is consumed, so ``write`` never holds a national run's
    summary (about 60 MB of Python objects at 10,000 applications) in memory. ``build_summary`` materialises it.
    ``applications``, ``files``: those lists as JSON already (Written), in place of making them from ``result``."""
    c = result.campaign
    return {
        "campaign": c.id,
        "generator": OUTPUT_PROPERTY,  # marks the file as ours, should it be dropped back into the inbox (own.py)
        "title": c.title,
        "generated_at": result.generated_at,
        "run": _run_identity(),
        "deadline": c.deadline_date,
        "deadline_at": c.deadline.isoformat(),
        "units": map(_unit, result.units),
        "applications": map(_application, result.applications) if applications is None else applications,
        "files": _files(result) if files is None else files,
        "counts": {
            "applications": len(result.applications),
            "passed": sum(a.status == "通过" for a in result.applications),
            "files": len(result.files) + len(result.ignored) + len(result.pending),
            **result.severity_counts,
        },
        "notices": list(result.notices),
    }


def build_summary(result: Assembled) -> dict:
    """summary.json's content as one dict (``json.loads`` of the file gives it back)."""
    return {key: list(value) if _is_stream(value) else value for key, value in summary_fields(result).items()}


SUMMARY = "summary.json"


def write(result: Assembled, folder: Path, context: RenderContext) -> list[Path]:
    """summary.json (SPEC §7), written from ``result`` element by element (``summary_fields``, laid out by
    ``dump``). Each unit's applications and its files' entries, as JSON lines, are kept for the next run
    (kept.kept_parts) under the unit's content key (``context.unit_keys``): a unit that did not change is not made
    again. (Its files' entries are its applications' and its own: the content key covers them.)"""
    kept = kept_parts(context, "summary")
    views = result.by_unit

    def applications(unit: str) -> str:
        return ITEM_SEPARATOR.join(json.dumps(_application(a), ensure_ascii=False) for a in views[unit].applications)

    written = Written(kept_bytes(kept, context.part_key("applications", u.unit), lambda unit=u.unit: applications(unit))
                      for u in result.units)
    path = folder / SUMMARY
    with open(path, "wb") as fh:
        dump(summary_fields(result, written, Written(_file_texts(result, context, kept))), fh)
    kept.save()
    return [path]


ITEM_SEPARATOR = ",\n  "  # between the elements of a list in summary.json (``dump``)


def _file_texts(result: Assembled, context: RenderContext, kept) -> Iterable[bytes | str]:
    """summary.json's file list as texts (Written): the entries in their order (by inbox path), each run of one
    unit's entries kept under the unit's content key, its first path and its length (a unit's files are one run
    unless another unit's folder sorts among its folders); entries of no unit, ignored and still-copying files
    made every time."""
    for unit, run in itertools.groupby(result.files, key=lambda e: e.version.unit):
        entries = list(run)
        key = context.part_key("files", unit) if unit else None
        yield kept_bytes(kept, None if key is None else (*key, entries[0].version.path, len(entries)),
                         lambda entries=entries: _dumped(map(_entry, entries)))
    yield _dumped(_other_files(result))


def _dumped(items: Iterable[dict]) -> str:
    """``items`` as summary.json's elements of a list (Written's text)."""
    return ITEM_SEPARATOR.join(json.dumps(item, ensure_ascii=False) for item in items)


class Written:
    """Elements of a list already written as JSON (``dump`` writes them as they are): texts (str, or bytes in
    UTF-8) of one or more elements each, elements apart by ITEM_SEPARATOR; an empty text holds none."""

    def __init__(self, texts):
        self.texts = texts


def dumps(summary: dict) -> str:
    """summary.json's text for ``summary`` (see ``dump``). ``json.loads`` gives ``summary`` back."""
    buffer = io.BytesIO()
    dump(summary, buffer)
    return buffer.getvalue().decode("utf-8")


def dump(fields: dict, fh: BinaryIO) -> None:
    """Write summary.json's text, in UTF-8, to the binary file ``fh``: a line per top-level field, and a line per
    element of a list or iterator (each unit, application, file), that element compact — a person can read and
    diff it at any size, and json's C encoder writes every piece (``indent=`` would make json use its pure-Python
    encoder: three times slower, 0.2 s of a run at 1,000 applications). An empty list stays on its field's line
    (``[]``)."""
    write = fh.write
    write(b"{")
    for n, (key, value) in enumerate(fields.items()):
        write(b",\n " if n else b"\n ")
        write(json.dumps(key, ensure_ascii=False).encode())
        write(b": ")
        if isinstance(value, Written):
            pieces = (text if text.__class__ is bytes else text.encode() for text in value.texts if text)
        elif isinstance(value, list) or _is_stream(value):
            pieces = (json.dumps(item, ensure_ascii=False).encode() for item in value)
        else:
            write(json.dumps(value, ensure_ascii=False).encode())
            continue
        first = True
        for piece in pieces:
            write(b"[\n  " if first else _SEPARATOR)
            write(piece)
            first = False
        write(b"[]" if first else b"\n ]")
    write(b"\n}\n")


_SEPARATOR = ITEM_SEPARATOR.encode()


def _is_stream(value) -> bool:
    """An iterator standing for a list (map, generator), not a str/dict/list value."""
    return hasattr(value, "__next__")
