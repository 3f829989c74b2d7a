"""Extraction results kept by content hash, so unchanged files are not parsed again.

Stored as JSON (never pickle: the shared drive is writable by many people).
"""
from __future__ import annotations

import hashlib
import json
import os
from dataclasses import asdict
from pathlib import Path

from .campaign import Campaign
from .model import Extracted, FormData, Issue, RankingRow, Section, SummaryData, Value


def campaign_fingerprint(campaign: Campaign) -> str:
    relevant = repr((campaign.fields, campaign.yearly, campaign.sections, campaign.base_years,
                     campaign.ranking_file, campaign.opinion_keyword))
    return hashlib.sha256(relevant.encode("utf-8")).hexdigest()[:12]


def to_dict(ex: Extracted) -> dict:
    return asdict(ex)


def _form_from_dict(f: dict) -> FormData:
    return FormData(fields={k: Value(**v) for k, v in f["fields"].items()},
                    yearly={k: {int(y): Value(**v) for y, v in per.items()} for k, per in f["yearly"].items()},
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
    def __init__(self, folder: Path, key: str):
        self.folder = folder
        self.key = key
        self.hits = 0
        self.misses = 0

    def _path(self, sha256: str, file: str) -> Path:
        # the file path is part of the key: messages name the file
        tag = hashlib.sha256(file.encode("utf-8")).hexdigest()[:10]
        return self.folder / sha256[:2] / f"{sha256}-{tag}-{self.key}.json"

    def get(self, sha256: str, file: str) -> Extracted | None:
        if not sha256:  # a file that could not be hashed is read (and reported) every time
            self.misses += 1
            return None
        try:
            data = json.loads(self._path(sha256, file).read_text(encoding="utf-8"))
            result = from_dict(data)
        except (OSError, ValueError, KeyError, TypeError):
            self.misses += 1
            return None
        self.hits += 1
        return result

    def put(self, sha256: str, file: str, extracted: Extracted) -> None:
        if not sha256:
            return
        path = self._path(sha256, file)
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
            tmp.write_text(json.dumps(to_dict(extracted), ensure_ascii=False), encoding="utf-8")
            os.replace(tmp, path)
        except (OSError, TypeError, ValueError):
            pass  # a cache that cannot be written only costs time
