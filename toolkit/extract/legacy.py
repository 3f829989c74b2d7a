"""Legacy and foreign formats (.doc, .wps, .et, .odt, .rtf, Word-saved HTML) converted by LibreOffice.

Runs ``soffice --headless --convert-to`` in a private temporary folder with its own user profile
(so parallel runs do not collide) and a time limit. Never touches the submitted file.
"""
from __future__ import annotations

import os
import subprocess
import tempfile
from pathlib import Path

from ..office import soffice_path  # noqa: F401 (callers and tests use it from here)

TIMEOUT = 180


class ConversionFailed(Exception):
    pass


def _lift_memory_limit() -> None:
    """In the LibreOffice child: give back the address space a reader worker limits itself to
    (toolkit.workers); LibreOffice maps far more virtual memory than it uses."""
    try:
        import resource

        _soft, hard = resource.getrlimit(resource.RLIMIT_AS)
        resource.setrlimit(resource.RLIMIT_AS, (hard, hard))
    except (ImportError, ValueError, OSError):
        pass


def convert(data: bytes, suffix: str, target: str, *, timeout: int = TIMEOUT) -> bytes:
    """Convert ``data`` (a file of type ``suffix``) to ``target`` ('docx' or 'xlsx'); return the bytes."""
    soffice = soffice_path()
    if soffice is None:
        raise FileNotFoundError("soffice")
    with tempfile.TemporaryDirectory(prefix="zlbg-lo-") as tmp:
        src = Path(tmp) / f"input.{suffix}"
        src.write_bytes(data)
        out_dir = Path(tmp) / "out"
        out_dir.mkdir()
        profile = Path(tmp) / "profile"
        filt = {"docx": "docx:MS Word 2007 XML", "xlsx": "xlsx:Calc MS Excel 2007 XML",
                "pdf": "pdf"}.get(target, target)
        cmd = [soffice, f"-env:UserInstallation={profile.as_uri()}", "--headless", "--norestore",
               "--nolockcheck", "--convert-to", filt, "--outdir", str(out_dir), str(src)]
        try:
            subprocess.run(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, timeout=timeout, check=False,
                           preexec_fn=_lift_memory_limit if os.name == "posix" else None)
        except subprocess.TimeoutExpired as exc:
            raise ConversionFailed(f"LibreOffice 转换超时（{timeout} 秒）") from exc
        result = out_dir / f"input.{target}"
        if not result.exists() or result.stat().st_size == 0:
            raise ConversionFailed("LibreOffice 无法转换该文件")
        return result.read_bytes()
