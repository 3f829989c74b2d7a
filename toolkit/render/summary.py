"""summary.json (SPEC §7): stable English keys, the documents' Chinese values, inbox-relative paths."""
from __future__ import annotations

import json
from pathlib import Path

from ..model import Assembled
from . import RenderContext


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


def build_summary(result: Assembled) -> dict:
    c = result.campaign
    return {
        "campaign": c.id,
        "title": c.title,
        "generated_at": result.generated_at,
        "run": _run_identity(),
        "deadline": c.deadline_date,
        "deadline_at": c.deadline.isoformat(),
        "units": [{"unit": u.unit, "kind": u.kind, "quota": u.quota, "received": u.received, "passed": u.passed,
                   "over_quota": u.over_quota, "late": u.late, "ineligible": u.ineligible, "needs_fix": u.needs_fix,
                   "withdrawn": u.withdrawn, "file_errors": u.file_errors, "to_handle": u.to_handle,
                   "stamped_opinion": u.stamped_opinion, "opinion_outdated": u.opinion_outdated,
                   "opinion_files": list(u.opinion_files), "opinion_final": not u.draft_reasons,
                   "draft_reasons": list(u.draft_reasons), "rank_source": u.rank_source} for u in result.units],
        "applications": [{"unit": a.unit, "enterprise": a.enterprise, "benchmark_name": a.benchmark_name,
                          "rank": a.rank, "rank_source": a.rank_source, "status": a.status,
                          "size_class": a.size_class, "industry_code": a.industry_code,
                          "received_at": a.received_at, "versions": a.versions, "withdrawn_at": a.withdrawn_at,
                          "files": [f.path for f in a.files],
                          "superseded_files": [f.path for f in a.superseded],
                          "attachments": [f.path for f in a.attachments],
                          "fields": _fields(a),
                          "sections": ({k: {"chars": s.chars, "images": s.images, "tables": s.tables}
                                        for k, s in a.summary.sections.items()} if a.summary else {}),
                          "issues": [i.to_dict() for i in a.issues]} for a in result.applications],
        "files": [{"file": e.version.path, "unit": e.version.unit, "kind": e.kind, "status": e.status,
                   "enterprise": e.enterprise, "sha256": e.version.sha256, "size": e.version.size,
                   "first_seen": e.version.first_seen, "issues": [i.to_dict() for i in e.issues]}
                  for e in result.files]
                 + [{"file": fv.path, "unit": fv.unit, "kind": "other", "status": "ignored", "enterprise": "",
                     "sha256": fv.sha256, "size": fv.size, "first_seen": "", "issues": []} for fv in result.ignored]
                 + [{"file": fv.path, "unit": fv.unit, "kind": "other", "status": "pending", "enterprise": "",
                     "sha256": "", "size": fv.size, "first_seen": "", "issues": []} for fv in result.pending],
        "counts": {
            "applications": len(result.applications),
            "passed": sum(a.status == "通过" for a in result.applications),
            "files": len(result.files) + len(result.ignored) + len(result.pending),
            "errors": sum(1 for i in result.issues if i.severity == "error"),
            "warnings": sum(1 for i in result.issues if i.severity == "warning"),
        },
    }


SUMMARY = "summary.json"


def write(result: Assembled, folder: Path, context: RenderContext) -> list[Path]:
    """summary.json (SPEC §7): the content the pipeline built (``context.summary``), else built here; laid out by
    ``dumps``."""
    summary = context.summary or build_summary(result)
    (folder / SUMMARY).write_text(dumps(summary), encoding="utf-8")
    return [folder / SUMMARY]


def dumps(summary: dict) -> str:
    """summary.json's text: a line per top-level field, and a line per element of a list (each unit, application,
    file), that element compact — a person can read and diff it at any size, and json's C encoder writes every
    piece (``indent=`` would make json use its pure-Python encoder: three times slower, 0.2 s of a run at 1,000
    applications). ``json.loads`` gives ``summary`` back."""
    fields = []
    for key, value in summary.items():
        name = json.dumps(key, ensure_ascii=False)
        if isinstance(value, list) and value:
            items = ",\n  ".join(json.dumps(item, ensure_ascii=False) for item in value)
            fields.append(f" {name}: [\n  {items}\n ]")
        else:
            fields.append(f" {name}: {json.dumps(value, ensure_ascii=False)}")
    return "{\n" + ",\n".join(fields) + "\n}\n"
