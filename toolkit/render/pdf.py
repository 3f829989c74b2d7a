"""PDFs on request (--pdf): a PDF beside each 推荐意见 and 回执, made by LibreOffice.

Input: a run folder after 回执/ and 推荐意见/ are written (and RenderContext.pdf). Output: 推荐意见/<unit>-推荐意见.pdf
and 回执/<unit>-回执.pdf beside their .docx/.xlsx. Registered after those outputs and before 单位文件夹, so each
unit's folder receives its PDFs too.

Each folder is converted in one ``soffice --headless --convert-to pdf`` call (starting LibreOffice costs seconds;
converting one more file costs a fraction of one), the two folders side by side, each in a subprocess of its own
session with a private user profile and a time limit, into a temporary folder; finished PDFs are then moved beside their sources, so a half-written
PDF never appears. Without LibreOffice, or when a conversion fails or runs out of time, nothing raises: a Chinese
line is logged (logging.warning), the run goes on and publishes, and ``missing_note`` gives the status page a
sentence saying which PDFs are missing and why.
"""
from __future__ import annotations

import logging
import os
import shutil
import signal
import subprocess
import tempfile
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

from ..errors import os_reason
from ..model import Assembled
from ..office import soffice_path  # noqa: F401 (callers and tests use it from here)
from . import RenderContext

log = logging.getLogger(__name__)

FOLDERS = (("推荐意见", ".docx"), ("回执", ".xlsx"))  # (folder in the run folder, suffix of what is converted)
TIMEOUT_BASE = 120  # seconds for one soffice call: start-up …
TIMEOUT_PER_FILE = 20  # … plus this per file converted
NO_LIBREOFFICE = "未找到 LibreOffice（soffice），未生成 PDF；推荐意见和回执仍为 Word/Excel 文件，可直接打开打印。"


def convert_batch(sources: list[Path], *, soffice: str, timeout: float) -> tuple[list[Path], str]:
    """Convert ``sources`` (files of one folder) to PDFs beside them in one soffice call.

    Returns (the PDFs written, '' or a Chinese reason when some were not). Never raises for LibreOffice's failures.
    """
    if not sources:
        return [], ""
    with tempfile.TemporaryDirectory(prefix="zlbg-pdf-") as tmp:
        out_dir, profile = Path(tmp) / "out", Path(tmp) / "profile"
        out_dir.mkdir()
        cmd = [soffice, f"-env:UserInstallation={profile.as_uri()}", "--headless", "--norestore", "--nolockcheck",
               "--convert-to", "pdf", "--outdir", str(out_dir), *map(str, sources)]
        reason = ""
        try:
            proc = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, stdin=subprocess.DEVNULL,
                                    start_new_session=os.name == "posix")
        except OSError as exc:
            return [], f"无法启动 LibreOffice（{os_reason(exc)}）"
        try:
            _, err = proc.communicate(timeout=timeout)
            if proc.returncode:
                reason = f"LibreOffice 退出码 {proc.returncode}"
                log.debug("soffice stderr: %s", (err or b"").decode("utf-8", "replace")[-2000:])
        except subprocess.TimeoutExpired:
            _kill(proc)
            reason = f"LibreOffice 转换超时（{int(timeout)} 秒）"
        written = []
        for source in sources:
            made = out_dir / f"{source.stem}.pdf"
            if made.is_file() and made.stat().st_size > 0:
                target = source.with_suffix(".pdf")
                shutil.move(str(made), str(target))
                written.append(target)
        if len(written) < len(sources) and not reason:
            reason = "LibreOffice 未能转换其中的部分文件"
        return written, reason


def _kill(proc: subprocess.Popen) -> None:
    """End soffice and whatever it started (its own session on POSIX)."""
    try:
        if os.name == "posix":
            os.killpg(proc.pid, signal.SIGKILL)
        else:
            proc.kill()
    except (ProcessLookupError, PermissionError, OSError):
        pass
    try:
        proc.communicate(timeout=10)
    except (subprocess.TimeoutExpired, OSError, ValueError):
        pass


def sources(folder: Path) -> list[tuple[str, list[Path]]]:
    """(folder name, the files to convert in it) for 推荐意见/ and 回执/ of a run folder."""
    return [(name, sorted((folder / name).glob(f"*{suffix}")) if (folder / name).is_dir() else [])
            for name, suffix in FOLDERS]


def write(result: Assembled, folder: Path, context: RenderContext) -> list[Path]:
    """When ``context.pdf``: a PDF beside every 推荐意见 and 回执 of ``folder``; else nothing. Never raises for a
    missing or failing LibreOffice (a warning is logged; see ``missing_note``)."""
    if not context.pdf:
        return []
    soffice = soffice_path()
    if soffice is None:
        log.warning(NO_LIBREOFFICE)
        return []
    batches = [(name, [f for f in files if not f.with_suffix(".pdf").is_file()])  # reused units have theirs
               for name, files in sources(folder)]
    batches = [(name, files) for name, files in batches if files]
    # the folders side by side: each soffice (own profile) is mostly one busy core
    with ThreadPoolExecutor(max_workers=max(1, len(batches))) as pool:
        done = list(pool.map(lambda batch: convert_batch(batch[1], soffice=soffice,
                                                         timeout=TIMEOUT_BASE + TIMEOUT_PER_FILE * len(batch[1])),
                             batches))
    out: list[Path] = []
    for (name, files), (written, reason) in zip(batches, done):
        out.extend(written)
        if reason:
            log.warning("%s/ 中有 %d 个文件未生成 PDF（共 %d 个）：%s。对应的 Word/Excel 文件仍可直接打开打印。",
                        name, len(files) - len(written), len(files), reason)
    return out


def missing_note(folder: Path, context: RenderContext) -> str:
    """For the status page: '' when PDFs were not asked for or all were written, else a Chinese sentence saying
    which are missing and why (read from the run folder, so it holds whatever happened during the run)."""
    if not context.pdf:
        return ""
    missing = [path for _, files in sources(folder) for path in files if not path.with_suffix(".pdf").is_file()]
    if not missing:
        return ""
    if soffice_path() is None:
        return NO_LIBREOFFICE
    names = "、".join(f"“{p.name}”" for p in missing[:3]) + ("等" if len(missing) > 3 else "")
    return (f"有 {len(missing)} 个文件未能生成 PDF（{names}；LibreOffice 转换失败或超时），"
            f"可直接打开对应的 Word/Excel 文件打印。")
