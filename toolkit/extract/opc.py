"""Open Packaging Conventions (ECMA-376 Part 2): the parts of a .docx/.xlsx found the way Office finds them.

Office does not look for ``word/document.xml`` or ``xl/workbook.xml`` by name: it follows the package's
relationships (``_rels/.rels`` → the officeDocument part → that part's own ``_rels``). Word for the web saves
its body as ``word/document2.xml``, some generators put every part at the root of the zip, and Strict Open XML
(ISO/IEC 29500 Strict) uses other relationship-type URIs. This module resolves parts by relationship type,
matching only the last segment of the type URI, so transitional and strict packages read alike.
"""
from __future__ import annotations

import posixpath
from dataclasses import dataclass

from .safety import UnsafeFile, open_zip, parse_xml

OFFICE_DOCUMENT = "officeDocument"
CUSTOM_PROPERTIES = "custom-properties"


@dataclass(frozen=True)
class Relationship:
    id: str
    type: str  # last segment of the relationship-type URI, e.g. 'officeDocument', 'styles', 'aFChunk'
    target: str  # part name inside the package ('word/document.xml'), or the URI when external
    external: bool = False


def rels_name(part: str) -> str:
    """The .rels part holding the relationships of ``part`` ('' for the package itself)."""
    if not part:
        return "_rels/.rels"
    folder, name = posixpath.split(part)
    return posixpath.join(folder, "_rels", f"{name}.rels")


class Package:
    """A zip package's parts and relationships. Raises UnsafeFile for bombs and damaged containers."""

    def __init__(self, data: bytes):
        self._zip = open_zip(data)
        self._names = {n.lstrip("/"): n for n in self._zip.namelist()}
        self._lower = {n.lower(): n for n in self._names}
        # one part twice (names are case-insensitive): which one Excel or Word would take is anyone's guess — they
        # refuse such a file. Only an Office package ([Content_Types].xml): a plain zip archive's members are
        # case-sensitive ('照片.jpg', '照片.JPG'), and registry.archive_members lists them through this class
        if len(self._lower) != len(self._zip.namelist()) and "[content_types].xml" in self._lower:
            self._zip.close()
            raise UnsafeFile("文件结构损坏：其中同一部分出现了两次（可能被其他程序错误地改写过）")
        self._kept: dict = {}  # part -> parsed tree, for parts read by more than one reader
        self._rels: dict[str, tuple[Relationship, ...]] = {}  # part -> its relationships, parsed once

    def close(self) -> None:
        self._zip.close()

    @property
    def zip_file(self):
        """The open zipfile.ZipFile (for sniff.sniff, which then does not open the zip again)."""
        return self._zip

    def __enter__(self) -> "Package":
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    def has(self, part: str) -> bool:
        return self._find(part) is not None

    def _find(self, part: str) -> str | None:
        part = part.lstrip("/")
        if part in self._names:
            return self._names[part]
        hit = self._lower.get(part.lower())  # part names are case-insensitive (ECMA-376-2 §9.1.1.1)
        return self._names[hit] if hit else None

    def read(self, part: str) -> bytes:
        """The bytes of a part. Raises KeyError when the package has no such part."""
        found = self._find(part)
        if found is None:
            raise KeyError(part)
        return self._zip.read(found)

    def crc(self, part: str) -> int:
        """The CRC-32 the zip directory gives for ``part``'s bytes; ``read`` checks the bytes against it (zipfile
        raises on a mismatch), so once a part is read this is the CRC of what was read. Raises KeyError."""
        found = self._find(part)
        if found is None:
            raise KeyError(part)
        return self._zip.getinfo(found).CRC

    def xml(self, part: str, *, keep: bool = False):
        """A part parsed with the hardened parser (no DTDs, no entities). Raises KeyError / UnsafeFile.

        ``keep``: parse it once and hand the same tree to every later reader while the package is open (the
        main part, which own-output recognition and the document reader both need); worksheets are not kept.
        """
        root = self._kept.get(part)
        if root is None:
            root = parse_xml(self.read(part))
            if keep:
                self._kept[part] = root
        return root

    def relationships(self, part: str = "") -> tuple[Relationship, ...]:
        """Relationships of ``part`` ('' for the package itself), targets resolved to part names (parsed once)."""
        found = self._rels.get(part)
        if found is None:
            rels_part = rels_name(part)
            found = self._rels[part] = tuple(relationships_of(self.xml(rels_part), part)) if self.has(rels_part) else ()
        return found

    def related(self, part: str, rel_type: str) -> list[str]:
        """Part names that ``part`` points to with relationships of type ``rel_type`` (internal, existing)."""
        return [r.target for r in self.relationships(part)
                if r.type == rel_type and not r.external and self.has(r.target)]

    def main_part(self, *fallbacks: str) -> str | None:
        """The officeDocument part (word/document.xml, xl/workbook.xml, or wherever the package says),
        else the first of ``fallbacks`` that exists."""
        found = self.related("", OFFICE_DOCUMENT)
        if found:
            return found[0]
        return next((f for f in fallbacks if self.has(f)), None)

    def custom_properties(self) -> dict[str, str]:
        """Custom document properties (docProps/custom.xml): name -> value as text."""
        parts = self.related("", CUSTOM_PROPERTIES) or (["docProps/custom.xml"] if self.has("docProps/custom.xml")
                                                         else [])
        out = {}
        for part in parts[:1]:
            for prop in self.xml(part).iter("{*}property"):
                value = next((child.text or "" for child in prop), "")
                out[prop.get("name", "")] = value
        return out


def relationships_of(rels, part: str):
    """The Relationship elements of a parsed .rels part of ``part``, targets resolved to part names."""
    base = posixpath.dirname(part)
    for el in rels.iter("{*}Relationship"):
        target = el.get("Target", "")
        external = el.get("TargetMode", "") == "External"
        if not external:
            target = target.lstrip("/") if target.startswith("/") else posixpath.normpath(
                posixpath.join(base, target))
        yield Relationship(id=el.get("Id", ""), type=el.get("Type", "").rstrip("/").rsplit("/", 1)[-1],
                           target=target, external=external)
