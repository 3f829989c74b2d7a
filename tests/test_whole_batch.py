"""A batch over the demo inbox plus every shared real-world case's files plus the hostile-file corpus exits 0,
publishes, and gives the demo applications the statuses a run without them gives."""
from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from conftest import ROOT, run_cli
from corpus import build_hostile
from toolkit.campaign import load_campaign
from toolkit.demo import write_demo_inbox

CASES = ROOT.parent / "shared" / "cases"


def _statuses(outbox: Path) -> dict:
    summary = json.loads((outbox / "latest" / "summary.json").read_text(encoding="utf-8"))
    return {(a["unit"], a["enterprise"], a["benchmark_name"]): (a["status"], a["rank"])
            for a in summary["applications"]}, summary


def _far_cell_form(path: Path, make_form) -> None:
    """A complete form with one stray value in the last cell of the sheet (XFD1048576)."""
    import openpyxl

    make_form(path)
    wb = openpyxl.load_workbook(path)
    wb.worksheets[0]["XFD1048576"] = "x"
    wb.save(path)


@pytest.mark.skipif(not CASES.is_dir(), reason="shared/cases is not beside the project")
def test_demo_plus_every_case_plus_hostile_files(tmp_path, make_form):
    campaign = load_campaign()
    inbox = tmp_path / "inbox"
    write_demo_inbox(inbox, tmp_path / "demo-out", campaign)
    proc = run_cli("batch", "--inbox", inbox, "--outbox", tmp_path / "plain", "--settle", "0")
    assert proc.returncode == 0, proc.stderr
    plain, _ = _statuses(tmp_path / "plain")

    template = tmp_path / "templates"
    assert run_cli("templates", "--out", template).returncode == 0
    generated = 0
    for script in sorted(CASES.glob("case*.py")):
        out = tmp_path / "cases" / script.stem
        args = [sys.executable, str(script), str(out)]
        if "case07" in script.name:
            args.append(str(template / "申请表.xlsx"))
        subprocess.run(args, cwd=CASES, capture_output=True, timeout=300, check=True)
        shutil.copytree(out, inbox / f"案例材料-{script.stem[:6]}")
        generated += 1
    build_hostile(inbox / "异常文件")
    _far_cell_form(inbox / "异常文件" / "远端单元格-申请表.xlsx", make_form)
    assert generated >= 19

    proc = run_cli("batch", "--inbox", inbox, "--outbox", tmp_path / "all", "--settle", "0")
    assert proc.returncode == 0, proc.stderr
    assert "Traceback" not in proc.stderr
    mixed, summary = _statuses(tmp_path / "all")
    assert {k: v for k, v in mixed.items() if k in plain} == plain
    assert set(plain) <= set(mixed)
    listed = {f["file"] for f in summary["files"]}
    on_disk = {p.relative_to(inbox).as_posix() for p in inbox.rglob("*") if p.is_file() and p.name != ".zlbg-demo"}
    assert on_disk <= listed  # nothing lost
