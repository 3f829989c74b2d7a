"""PDFs on request (--pdf): beside each 推荐意见 and 回执, copied into the unit folders, linked from the status page;
without LibreOffice, or when it hangs, the run still publishes and says why in Chinese."""
from __future__ import annotations

import datetime as dt
import logging
import shutil
import subprocess
from pathlib import Path

import pytest

from toolkit.campaign import CHINA_TZ
from toolkit.extract import legacy
from toolkit.pipeline import run
from toolkit.render import pdf

EARLY = dt.datetime(2021, 9, 1, 10, 0, tzinfo=CHINA_TZ)  # before the deadline: nothing is late
UNIT = "邯郸市工业和信息化局"


def _inbox(tmp_path: Path, make_form, make_summary) -> Path:
    unit = tmp_path / "inbox" / "邯郸"
    make_form(unit / "1-申请表.xlsx")
    make_summary(unit / "1-总结材料.docx")
    return tmp_path / "inbox"


@pytest.mark.skipif(pdf.soffice_path() is None, reason="LibreOffice (soffice) not installed; .ci/run installs it")
def test_pdfs_beside_opinions_and_receipts(tmp_path, make_form, make_summary, campaign):
    report = run(_inbox(tmp_path, make_form, make_summary), tmp_path / "out", campaign, settle=0, workers=1,
                 now=EARLY, pdf=True)
    latest = tmp_path / "out" / "latest"
    opinions = sorted((latest / "推荐意见").glob("*.docx"))
    receipts = sorted((latest / "回执").glob("*.xlsx"))
    assert [p.name for p in opinions] == [f"{UNIT}-推荐意见.docx"] and len(receipts) == len(report.summary["units"])
    for source in [*opinions, *receipts]:
        made = source.with_suffix(".pdf")
        assert made.is_file() and made.read_bytes().startswith(b"%PDF"), made
    if shutil.which("pdftotext"):  # the receipt's pages carry the unit in their header
        text = subprocess.run(["pdftotext", str(latest / "回执" / f"{UNIT}-回执.pdf"), "-"], capture_output=True,
                              text=True, timeout=60, check=False).stdout
        assert f"{UNIT}回执" in text and "还需处理 0 项" in text
    own = latest / "单位" / UNIT
    assert (own / f"{UNIT}-回执.pdf").is_file() and (own / f"{UNIT}-推荐意见.pdf").is_file()
    assert "回执（PDF）" in (own / "index.html").read_text(encoding="utf-8")
    index = (latest / "index.html").read_text(encoding="utf-8")
    assert "推荐意见（PDF）" in index and 'id="pdf-note"' not in index


def test_without_libreoffice_the_run_still_publishes(tmp_path, make_form, make_summary, campaign, monkeypatch,
                                                      caplog):
    monkeypatch.setattr(pdf, "soffice_path", lambda: None)
    monkeypatch.setattr(legacy, "soffice_path", lambda: None)
    with caplog.at_level(logging.WARNING, logger="toolkit.render.pdf"):
        report = run(_inbox(tmp_path, make_form, make_summary), tmp_path / "out", campaign, settle=0, workers=1,
                     now=EARLY, pdf=True)
    latest = tmp_path / "out" / "latest"
    assert report.run_folder is not None and (latest / "summary.json").is_file()
    assert (latest / "回执" / f"{UNIT}-回执.xlsx").is_file() and (latest / "推荐意见" / f"{UNIT}-推荐意见.docx").is_file()
    assert not list(latest.rglob("*.pdf"))
    assert any("未找到 LibreOffice" in r.getMessage() and "未生成 PDF" in r.getMessage() for r in caplog.records)
    assert pdf.NO_LIBREOFFICE in (latest / "index.html").read_text(encoding="utf-8")
    assert pdf.NO_LIBREOFFICE in (latest / "单位" / UNIT / "index.html").read_text(encoding="utf-8")


def _running(pid: int) -> bool:
    """Whether process ``pid`` is still running (a zombie waiting to be reaped has stopped)."""
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except (OSError, IndexError):
        return False
    return state != "Z"


@pytest.mark.skipif(shutil.which("sh") is None or not Path("/proc/self/stat").exists(), reason="needs a POSIX shell and /proc for the stand-in LibreOffice")
def test_a_hanging_libreoffice_is_stopped_and_the_run_goes_on(tmp_path, make_form, make_summary, campaign,
                                                              monkeypatch, caplog):
    # the stand-in notes its own pid and that of the child it starts, then hangs on that child
    pids = tmp_path / "soffice.pids"
    fake = tmp_path / "soffice"
    fake.write_text(f'#!/bin/sh\necho $$ >> "{pids}"\nsleep 600 &\necho $! >> "{pids}"\nwait\n',
                    encoding="utf-8")
    fake.chmod(0o755)
    monkeypatch.setattr(pdf, "soffice_path", lambda: str(fake))
    monkeypatch.setattr(pdf, "TIMEOUT_BASE", 1)
    monkeypatch.setattr(pdf, "TIMEOUT_PER_FILE", 0)
    with caplog.at_level(logging.WARNING, logger="toolkit.render.pdf"):
        run(_inbox(tmp_path, make_form, make_summary), tmp_path / "out", campaign, settle=0, workers=1, now=EARLY,
            pdf=True)
    # stopped, not waited for: one stand-in per folder was started, and neither it nor its child is left running
    started = [int(pid) for pid in pids.read_text(encoding="utf-8").split()]
    assert len(started) == 2 * len(pdf.FOLDERS), started
    assert not [pid for pid in started if _running(pid)], started
    latest = tmp_path / "out" / "latest"
    assert (latest / "summary.json").is_file() and not list(latest.rglob("*.pdf"))
    assert any("超时" in r.getMessage() and "未生成 PDF" in r.getMessage() for r in caplog.records)
    assert "未能生成 PDF" in (latest / "index.html").read_text(encoding="utf-8")
