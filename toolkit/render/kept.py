"""Parts of outputs kept between runs, so that a run after one new file makes again only what the file changed.

A national run's outputs hold every unit's share (the register's rows, summary.json's applications, the status
pages' tables); after one new file only one unit's share differs. An output asks ``KeptParts`` for a unit's part
under a name made of the unit's content key (render.unit_keys: equal keys, equal content) and whatever else
the part depends on, and makes and puts the part only when it is not kept. Parts are bytes with a small JSON
head (and the body's length and CRC-32: a torn or altered file is made again), one file each, in one folder per output (outputs written by different processes never share a folder).
"""
from __future__ import annotations

import hashlib
import json
import os
import tempfile
import zlib
from dataclasses import dataclass, field
from pathlib import Path

SUFFIX = ".part"


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
            except (OSError, ValueError):
                pass
        self.misses += 1
        return None

    def put(self, name: str, head: dict, body: bytes) -> None:
        """Keep ``body`` with ``head`` (JSON-able) as ``name`` when the output is saved."""
        self._used.add(name)
        self._made[name] = (head, body)

    def save(self) -> None:
        """Write the parts made in this run (each atomically) and delete the files of parts not used."""
        if self.folder is None:
            return
        try:
            self.folder.mkdir(parents=True, exist_ok=True)
            for name, (head, body) in self._made.items():
                fd, tmp = tempfile.mkstemp(dir=self.folder, suffix=".tmp")
                try:
                    with os.fdopen(fd, "wb") as fh:
                        line = json.dumps({"size": len(body), "crc32": zlib.crc32(body), "head": head})
                        fh.write(line.encode("ascii") + b"\n" + body)
                    os.replace(tmp, self.folder / name)
                except BaseException:
                    Path(tmp).unlink(missing_ok=True)
                    raise
            for path in self.folder.iterdir():
                if path.name not in self._used and path.suffix in (SUFFIX, ".tmp"):
                    path.unlink(missing_ok=True)
        except OSError:
            pass  # kept parts only save time


def kept_parts(context, output: str) -> KeptParts:
    """The KeptParts of ``output`` (a folder name) for a run with RenderContext ``context``: in
    ``context.kept_parts``/<output>, or nothing kept when the context names no folder."""
    folder = context.kept_parts / output if context.kept_parts is not None else None
    return KeptParts(folder, context.kept_salt)


def kept_text(kept: KeptParts, key: tuple | None, make) -> str:
    """The text kept under ``key`` (the parts of a KeptParts.name), else ``make()``'s (a str), kept for the next
    run; with ``key`` None the text is made and not kept."""
    if key is None:
        return make()
    name = kept.name(*key)
    part = kept.get(name)
    if part is not None:
        try:
            return part[1].decode("utf-8", "surrogatepass")
        except UnicodeDecodeError:
            pass
    text = make()
    kept.put(name, {}, text.encode("utf-8", "surrogatepass"))
    return text
