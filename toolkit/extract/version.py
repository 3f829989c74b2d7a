"""The extraction code's version: a digest of its source, read without importing the readers (a run's process
keys its extraction cache by it and leaves the reading to its workers)."""
from __future__ import annotations


def _code_digest() -> str:
    """Changes whenever the extraction code changes, so cached results never outlive the code that made them."""
    import hashlib
    from pathlib import Path

    h = hashlib.sha256()
    here = Path(__file__).resolve().parent
    # (and what results carry from outside the readers: the issues' wording and severity — messages.py —, the
    # campaign's field and section specs, the keys, the office-suite conversions)
    for path in sorted([*here.glob("*.py"), *(here.parent / name for name in (
            "normalize.py", "model.py", "wordcount.py", "names.py", "messages.py", "keys.py", "campaign.py",
            "office.py"))]):
        try:
            h.update(path.read_bytes())
        except OSError:
            pass
    return h.hexdigest()[:12]


EXTRACTOR_VERSION = _code_digest()
