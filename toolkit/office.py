"""Where LibreOffice is installed (soffice), for converting legacy inputs and writing PDFs of our outputs."""
from __future__ import annotations

import os
import shutil


def soffice_path() -> str | None:
    """The soffice executable: on PATH (soffice, libreoffice), else the default install folders of Windows and
    macOS; None when LibreOffice is not installed."""
    for name in ("soffice", "libreoffice"):
        found = shutil.which(name)
        if found:
            return found
    for candidate in (r"C:\Program Files\LibreOffice\program\soffice.exe",
                      "/Applications/LibreOffice.app/Contents/MacOS/soffice"):
        if os.path.exists(candidate):
            return candidate
    return None
