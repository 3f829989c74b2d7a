"""Every generated .xlsx/.docx opens in LibreOffice: converted to PDF with soffice --headless."""
from __future__ import annotations

import subprocess
from pathlib import Path

import pytest

from conftest import ROOT, soffice

pytestmark = pytest.mark.skipif(soffice() is None, reason="LibreOffice (soffice) not installed; .ci/run installs it")


def _outputs(outbox: Path) -> list[Path]:
    latest = outbox / "latest"
    files = [latest / "省级汇总表.xlsx"]
    for sub in ("推荐意见", "推荐排序表", "回执"):
        files += sorted((latest / sub).iterdir())
    files += sorted((ROOT / "templates").rglob("*"))
    return [f for f in files if f.suffix in (".xlsx", ".docx")]


def test_all_outputs_convert_to_pdf(demo_run, tmp_path):
    _, outbox, _, _ = demo_run
    files = _outputs(outbox)
    assert len(files) >= 26 * 2 + 4
    out = tmp_path / "pdf"
    profile = (tmp_path / "profile").as_uri()
    # one soffice call for many files keeps this quick
    for i in range(0, len(files), 40):
        batch = files[i:i + 40]
        proc = subprocess.run([soffice(), f"-env:UserInstallation={profile}", "--headless", "--norestore",
                               "--convert-to", "pdf", "--outdir", str(out), *map(str, batch)],
                              capture_output=True, text=True, timeout=600)
        assert proc.returncode == 0, proc.stderr
    made = {p.stem for p in out.glob("*.pdf")}
    missing = [f.name for f in files if f.stem not in made]
    assert not missing, missing
    assert all(p.stat().st_size > 1000 for p in out.glob("*.pdf"))
