"""Find a file's real type from its content, not its suffix."""
from __future__ import annotations

import zipfile
from dataclasses import dataclass

# real types
XLSX = "xlsx"
XLSM = "xlsm"
XLS = "xls"
ODS = "ods"
DOCX = "docx"
ODT = "odt"
DOC = "doc"
WPS = "wps"
ET = "et"
PDF = "pdf"
IMAGE = "image"
HTML = "html"
RTF = "rtf"
TEXT = "text"
ENCRYPTED = "encrypted"
ZIP = "zip"
UNKNOWN = "unknown"
EMPTY = "empty"

SPREADSHEETML = "spreadsheetml"  # Excel 2003 XML
WORDML = "wordml"  # Word 2003 XML
MHT = "mht"  # a web archive (MIME, 'single file web page')
FODS = "fods"  # OpenDocument flat XML spreadsheet (LibreOffice's 'Flat XML', one XML file)
FODT = "fodt"  # OpenDocument flat XML text

SPREADSHEETS = {XLSX, XLSM, XLS, ODS, ET, SPREADSHEETML}
# read by our own code, no LibreOffice needed
NATIVE_SPREADSHEETS = {XLSX, XLSM, XLS, ODS, SPREADSHEETML}
NATIVE_DOCUMENTS = {DOCX}
DOCUMENTS = {DOCX, ODT, DOC, WPS, RTF, HTML}

OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"


@dataclass(frozen=True)
class Sniffed:
    type: str
    detail: str = ""


def _utf16(name: str) -> bytes:
    return name.encode("utf-16-le")


def sniff(data: bytes, name: str = "", *, package=None) -> Sniffed:
    """Return the real type of ``data`` (the whole file's bytes); ``name`` only breaks ties. ``package``: ``data``
    already open as a zip package by the caller (an opc.Package), looked into instead of opening it again."""
    suffix = name.rsplit(".", 1)[-1].lower() if "." in name else ""
    if not data:
        return Sniffed(EMPTY)
    head = data[:8]
    if head.startswith(b"PK\x03\x04") or head.startswith(b"PK\x05\x06"):
        return _sniff_zip(data, package)
    if head == OLE_MAGIC:
        return _sniff_ole(data, suffix)
    if _bare_biff(data):  # a BIFF record stream without the OLE container ('导出Excel', Excel 2.x-4.0)
        if biff_encrypted(data):
            return Sniffed(ENCRYPTED, "xls")
        return Sniffed(XLS, "biff")
    if data.startswith(b"%PDF"):
        return Sniffed(PDF)
    if data.startswith(b"\xff\xd8\xff") or data.startswith(b"\x89PNG") or data[:4] in (b"II*\x00", b"MM\x00*") \
            or data.startswith(b"GIF8") or data.startswith(b"BM"):
        return Sniffed(IMAGE)
    if data.startswith(b"{\\rtf"):
        return Sniffed(RTF)
    markup = _sniff_markup(data)
    if markup is not None:
        return markup
    text = data
    if data[:2] in (b"\xff\xfe", b"\xfe\xff"):  # Word's "Unicode" web page: UTF-16 with a byte-order mark
        text = data[:32768].decode("utf-16", errors="ignore").encode("ascii", errors="ignore")
    elif data[:1] == b"<" and data[1:64:2].count(0) == len(data[1:64:2]) > 8:  # UTF-16-LE without a mark
        text = data[:32768].decode("utf-16-le", errors="ignore").encode("ascii", errors="ignore")
    probe = text[:2048].lstrip(b"\xef\xbb\xbf \t\r\n").lower()
    if probe.startswith(b"<!doctype html") or probe.startswith(b"<html") or b"<html" in probe[:1024] \
            or (probe.startswith(b"<?xml") and b"urn:schemas-microsoft-com:office" in text[:4096]):
        return Sniffed(HTML, "office" if _office_html(text) else "web")
    if b"\x00" not in data[:4096]:
        return Sniffed(TEXT)
    return Sniffed(UNKNOWN)


def _sniff_markup(data: bytes) -> Sniffed | None:
    """Web archives (MHT) and Office 2003 XML (WordML, SpreadsheetML), which Word/Excel/WPS open whatever
    their suffix (a '.doc' or '.xls' is often one of these)."""
    head = data[:8192]
    if head[:2] in (b"\xff\xfe", b"\xfe\xff"):  # UTF-16 text: look at it as ASCII
        head = head.decode("utf-16", errors="ignore").encode("ascii", errors="ignore")
    lower = head.lower()
    if b"mime-version:" in lower[:4096] and b"multipart/related" in lower:
        return Sniffed(MHT)
    if lower.lstrip(b"\xef\xbb\xbf \t\r\n").startswith(b"<?xml"):
        if b'progid="word.document"' in lower or b"schemas.microsoft.com/office/word/2003/wordml" in lower:
            return Sniffed(WORDML)
        if b'progid="excel.sheet"' in lower or (b"urn:schemas-microsoft-com:office:spreadsheet" in lower
                                               and b"<workbook" in lower):
            return Sniffed(SPREADSHEETML)
        if b"urn:oasis:names:tc:opendocument:xmlns:office:1.0" in lower and b"<office:document" in lower:
            # ODF 1.2 §2.1.2 single-XML document: office:mimetype names the kind
            if b"opendocument.spreadsheet" in lower:
                return Sniffed(FODS)
            if b"opendocument.text" in lower:
                return Sniffed(FODT)
    return None


_OFFICE_HTML_MARKS = (b"urn:schemas-microsoft-com:office", b"microsoft word", b"microsoft excel",
                      b"content=\"wps", b"content=wps", b"kingsoft")


def _office_html(data: bytes) -> bool:
    """HTML written by Word/Excel/WPS ('save as web page', or a .doc/.xls that is really HTML)."""
    head = data[:16384].lower()
    return any(mark in head for mark in _OFFICE_HTML_MARKS)


def _sniff_zip(data: bytes, package=None) -> Sniffed:
    import contextlib
    import io

    try:
        with (contextlib.nullcontext(package.zip_file) if package is not None
              else zipfile.ZipFile(io.BytesIO(data))) as zf:
            names = set(zf.namelist())
            if "xl/workbook.xml" in names or "xl/workbook.bin" in names:
                if "xl/workbook.bin" in names:
                    return Sniffed(UNKNOWN, "xlsb")
                macro = "xl/vbaProject.bin" in names
                return Sniffed(XLSM if macro else XLSX)
            if "word/document.xml" in names:
                return Sniffed(DOCX)
            if "mimetype" in names:
                mime = zf.read("mimetype")[:100].decode("ascii", "replace")
                if "opendocument.spreadsheet" in mime:
                    return Sniffed(ODS)
                if "opendocument.text" in mime:
                    return Sniffed(ODT)
    except (zipfile.BadZipFile, OSError, ValueError, NotImplementedError, EOFError):
        return Sniffed(UNKNOWN, "damaged-zip")
    return _sniff_package(data, package) or Sniffed(ZIP)


# the main part's content type (ECMA-376 Part 1 §12.3, [Content_Types].xml) -> real type
_MAIN_CONTENT_TYPES = {
    "spreadsheetml.sheet.main+xml": XLSX, "spreadsheetml.template.main+xml": XLSX,
    "ms-excel.sheet.macroenabled.main+xml": XLSM, "ms-excel.template.macroenabled.main+xml": XLSM,
    "ms-excel.sheet.binary.macroenabled.main": UNKNOWN,
    "wordprocessingml.document.main+xml": DOCX, "wordprocessingml.template.main+xml": DOCX,
    "ms-word.document.macroenabled.main+xml": DOCX, "ms-word.template.macroenabledtemplate.main+xml": DOCX,
}


def _sniff_package(data: bytes, opened=None) -> Sniffed | None:
    """An Office package whose main part is not at the usual name: follow _rels/.rels to the officeDocument part
    (Open Packaging Conventions, ECMA-376 Part 2 §8.3) and take its content type, or its root element. ``opened``:
    the package already open (not closed here)."""
    import contextlib

    from .opc import Package
    from .safety import UnsafeFile

    try:
        with contextlib.nullcontext(opened) if opened is not None else Package(data) as pkg:
            main = pkg.main_part()
            if main is None:
                return None
            ctype = ""
            if pkg.has("[Content_Types].xml"):
                types = pkg.xml("[Content_Types].xml")
                for el in types.iter("{*}Override"):
                    if el.get("PartName", "").lstrip("/").lower() == main.lower():
                        ctype = el.get("ContentType", "").lower()
            for suffix, real in _MAIN_CONTENT_TYPES.items():
                if ctype.endswith(suffix):
                    return Sniffed(real, "xlsb") if real == UNKNOWN else Sniffed(real)
            root = pkg.xml(main)
            local = root.tag.rpartition("}")[2] if isinstance(root.tag, str) else ""
            if local == "workbook":
                return Sniffed(XLSM if pkg.related(main, "vbaProject") else XLSX)
            if local == "document":
                return Sniffed(DOCX)
    except (UnsafeFile, KeyError, ValueError, OSError, zipfile.BadZipFile):
        return None
    return None


# BIFF8 BOF record of the workbook globals: id 0x0809, length 16, version 0x0600, type 0x0005
_BIFF8_BOF = b"\x09\x08\x10\x00\x00\x06\x05\x00"
_FILEPASS = b"\x2f\x00"
_WORD_FIB = b"\xec\xa5"  # wIdent at the start of the WordDocument stream
SECTOR = 512


def _xls_encrypted(data: bytes) -> bool:
    """A password-protected .xls has a FILEPASS record right after the workbook's BOF record."""
    start = data.find(_BIFF8_BOF)
    while start != -1:
        if data[start + 20:start + 22] == _FILEPASS:
            return True
        start = data.find(_BIFF8_BOF, start + 1)
    return False


def _doc_encrypted(data: bytes) -> bool:
    """A password-protected .doc has fEncrypted set in the FIB of its WordDocument stream.

    The stream (always 4 KB or more) starts on a 512-byte sector boundary with wIdent 0xA5EC and nFib.
    """
    for off in range(SECTOR, len(data) - 12, SECTOR):
        if data[off:off + 2] == _WORD_FIB and 0x65 <= int.from_bytes(data[off + 2:off + 4], "little") <= 0x200:
            return bool(int.from_bytes(data[off + 10:off + 12], "little") & 0x0100)
    return False


# BOF record ids: BIFF2 0x0009, BIFF3 0x0209, BIFF4 0x0409, BIFF5/8 0x0809 ([MS-XLS] 2.4.21; OpenOffice's
# "Excel File Format" §5.8)
_BOF_IDS = (0x0009, 0x0209, 0x0409, 0x0809)
_EOF_ID = 0x000A
_FILEPASS_ID = 0x002F


def _bare_biff(data: bytes) -> bool:
    """A BIFF record stream starting at offset 0 with a BOF record of a plausible length."""
    if len(data) < 8:
        return False
    rid, size = int.from_bytes(data[0:2], "little"), int.from_bytes(data[2:4], "little")
    return rid in _BOF_IDS and 4 <= size <= 20 and len(data) >= 4 + size


def biff_encrypted(stream: bytes) -> bool:
    """Whether a BIFF workbook stream has a FILEPASS record ([MS-XLS] 2.4.117) in its globals substream: the
    records are walked from the first BOF to its EOF, so FILEPASS is found after WRITEPROT/WRITEACCESS/
    FILESHARING too, and in BIFF5's XOR obfuscation as in BIFF8's RC4."""
    pos, count = 0, 0
    while pos + 4 <= len(stream) and count < 4096:
        rid = int.from_bytes(stream[pos:pos + 2], "little")
        size = int.from_bytes(stream[pos + 2:pos + 4], "little")
        if count == 0 and rid not in _BOF_IDS:
            return False
        if rid == _FILEPASS_ID:
            return True
        if rid == _EOF_ID or (count and rid in _BOF_IDS):
            return False
        pos += 4 + size
        count += 1
    return False


def _sniff_ole(data: bytes, suffix: str) -> Sniffed:
    """An OLE2 compound file by its root directory (olefile): a Workbook/Book stream at the root is a workbook
    even when a Word document is embedded in a storage below it; byte heuristics only for damaged containers."""
    import io

    try:
        import olefile

        ole = olefile.OleFileIO(io.BytesIO(data))
    except Exception:  # not a well-formed compound file: fall back to what the bytes show
        return _sniff_ole_bytes(data, suffix)
    try:
        root = {path[0].lower(): path[0] for path in ole.listdir(streams=True, storages=True) if len(path) == 1}
        if "encryptioninfo" in root or "encryptedpackage" in root:
            return Sniffed(ENCRYPTED)
        for name in ("workbook", "book"):
            if name in root and ole.get_type(root[name]) == olefile.STGTY_STREAM:
                with ole.openstream(root[name]) as stream:
                    head = stream.read(1 << 16)
                if biff_encrypted(head):
                    return Sniffed(ENCRYPTED, "xls")
                return Sniffed(XLS, "et" if suffix == "et" else "")
        if "worddocument" in root:
            with ole.openstream(root["worddocument"]) as stream:
                fib = stream.read(12)
            if len(fib) >= 12 and int.from_bytes(fib[10:12], "little") & 0x0100:  # FIB fEncrypted
                return Sniffed(ENCRYPTED, "doc")
            return Sniffed(DOC, "wps" if suffix == "wps" else "")
    except Exception:
        return _sniff_ole_bytes(data, suffix)
    finally:
        ole.close()
    return _ole_by_suffix(suffix)


def _ole_by_suffix(suffix: str) -> Sniffed:
    """An OLE file whose streams say nothing: its suffix, if an OLE one, else unknown."""
    if suffix in ("doc", "wps", "xls", "et"):
        return Sniffed({"doc": DOC, "wps": WPS, "xls": XLS, "et": ET}[suffix])
    return Sniffed(UNKNOWN, "ole")


def _sniff_ole_bytes(data: bytes, suffix: str) -> Sniffed:
    # Encrypted OOXML (a password-protected .xlsx/.docx) is an OLE container with these streams.
    if _utf16("EncryptionInfo") in data or _utf16("EncryptedPackage") in data:
        return Sniffed(ENCRYPTED)
    if _utf16("WordDocument") in data:
        if _doc_encrypted(data):
            return Sniffed(ENCRYPTED, "doc")
        return Sniffed(DOC, "wps" if suffix == "wps" else "")  # WPS 文字 .wps of this kind is a Word 97 file
    if _utf16("Workbook") in data or _utf16("Book") in data:
        if _xls_encrypted(data):
            return Sniffed(ENCRYPTED, "xls")
        return Sniffed(XLS, "et" if suffix == "et" else "")  # WPS 表格 .et of this kind is BIFF: read natively
    return _ole_by_suffix(suffix)
