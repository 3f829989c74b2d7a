"""Parts of outputs kept between runs, so that a run after one new file makes again only what the file changed.

A national run's outputs hold every unit's share (the register's rows, summary.json's applications, the status
pages' tables); after one new file only one unit's share differs. An output asks ``KeptParts`` for a unit's part
under a name made of the unit's content key (render.unit_keys: equal keys, equal content) and whatever else
the part depends on, and makes and puts the part only when it is not kept. Parts are bytes with a small JSON
head (and the body's length and CRC-32: a torn or altered file is made again), one file each, in one folder per
output (outputs written by different processes never share a folder).
"""
from __future__ import annotations

import contextlib
import hashlib
import json
import logging
import os
import tempfile
import time
import zlib
from dataclasses import dataclass, field
from pathlib import Path

SUFFIX = ".part"
log = logging.getLogger(__name__)


@dataclass
class KeptParts:
    """The parts an output kept in ``folder`` (None: nothing is kept, every part is made), named by ``name``
    from ``salt`` (the caller's digest of the code and the settings: a part never outlives them) and the
    part's own key. ``save()`` writes the parts made in this run and deletes those it neither used nor made; a
    part that cannot be read or written costs time, never a wrong output (it is made again). ``hits`` and
    ``misses`` count parts asked for."""

    folder: Path | None
    salt: str = ""
    hits: int = 0
    misses: int = 0
    _made: dict = field(default_factory=dict)  # file name -> (head, body)
    _used: set = field(default_factory=set)

    def name(self, *key) -> str:
        """The file name of the part whose key is ``key`` (strings, or values whose repr is their content)."""
        text = "\0".join([self.salt, *(k if isinstance(k, str) else repr(k) for k in key)])
        return hashlib.sha256(text.encode("utf-8", "surrogateescape")).hexdigest()[:40] + SUFFIX

    def get(self, name: str) -> tuple[dict, bytes] | None:
        """(head, body) of the part kept as ``name``, or None (not kept, unreadable, torn or altered: its body's
        length and CRC-32 are in the file's head)."""
        self._used.add(name)
        if self.folder is not None:
            try:
                line, newline, body = (self.folder / name).read_bytes().partition(b"\n")
                info = json.loads(line)
                if (newline and isinstance(info, dict) and isinstance(info.get("head"), dict)
                        and info.get("size") == len(body) and info.get("crc32") == zlib.crc32(body)):
                    self.hits += 1
                    return info["head"], body
            except (OSError, ValueError, RecursionError):
                pass
        self.misses += 1
        return None

    @property
    def made(self) -> frozenset:
        """The names of the parts made (put) in this run."""
        return frozenset(self._made)

    def put(self, name: str, head: dict, body: bytes) -> None:
        """Keep ``body`` with ``head`` (JSON-able) as ``name`` when the output is saved."""
        self._used.add(name)
        self._made[name] = (head, body)

    def save(self) -> None:
        """Write the parts made in this run (each atomically) and delete the files of parts not used (and
        temporary files an interrupted run left an hour ago or more). A part that cannot be written or deleted
        is left as it is (kept parts only save time)."""
        if self.folder is None:
            return
        with contextlib.suppress(OSError):
            self.folder.mkdir(parents=True, exist_ok=True)
        for name, (head, body) in self._made.items():
            line = json.dumps({"size": len(body), "crc32": zlib.crc32(body), "head": head}).encode("ascii")
            try:
                fd, tmp = tempfile.mkstemp(dir=self.folder, suffix=".tmp")
            except OSError:
                continue
            try:
                with os.fdopen(fd, "wb") as fh:
                    fh.write(line + b"\n" + body)
                os.replace(tmp, self.folder / name)
            except OSError:
                with contextlib.suppress(OSError):
                    os.unlink(tmp)
        try:
            paths = list(self.folder.iterdir())
        except OSError:
            paths = []
        for path in paths:
            with contextlib.suppress(OSError):
                if (path.suffix == SUFFIX and path.name not in self._used
                        or path.suffix == ".tmp" and path.stat().st_mtime < time.time() - 3600):
                    path.unlink()
        log.debug("%s：沿用 %d 份，新生成 %d 份", self.folder.name, self.hits, len(self._made))


def kept_parts(context, output: str) -> KeptParts:
    """The KeptParts of ``output`` (a folder name) for a run with RenderContext ``context``: in
    ``context.kept_parts``/<output>, or nothing kept when the context names no folder."""
    folder = context.kept_parts / output if context.kept_parts is not None else None
    return KeptParts(folder, context.kept_salt)


def kept_bytes(kept: KeptParts, key: tuple | None, make) -> bytes:
    """The UTF-8 text kept under ``key`` (the parts of a KeptParts.name) as it is kept, else ``make()``'s (a str)
    encoded, kept for the next run; with ``key`` None the text is made, encoded and not kept. For an output
    written as bytes: a kept part is neither decoded nor encoded again (summary.json: 46 MB at 10,000
    applications, 0.08 s each way). Raises UnicodeEncodeError for a text UTF-8 cannot hold (a lone surrogate),
    as writing it to a UTF-8 text file would."""
    return _kept_or_made(kept, key, make, "strict")


def kept_text(kept: KeptParts, key: tuple | None, make) -> str:
    """The text kept under ``key`` (the parts of a KeptParts.name), else ``make()``'s (a str), kept for the next
    run; with ``key`` None the text is made and not kept. A text with lone surrogates is kept as it is (for an
    output that cleans its texts later: the register's cells)."""
    try:
        return _kept_or_made(kept, key, make, "surrogatepass").decode("utf-8", "surrogatepass")
    except UnicodeDecodeError:  # (a part altered along with its CRC-32: made again)
        return make()


def _kept_or_made(kept: KeptParts, key: tuple | None, make, errors: str) -> bytes:
    """The body kept under ``key``, else ``make()`` encoded in UTF-8 (``errors``: the codec's error handler) and
    kept (nothing is kept when ``key`` is None)."""
    if key is None:
        return make().encode("utf-8", errors)
    name = kept.name(*key)
    part = kept.get(name)
    if part is not None:
        return part[1]
    body = make().encode("utf-8", errors)
    kept.put(name, {}, body)
    return body
