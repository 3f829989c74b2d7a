"""The register's 统计 sheet as LibreOffice prints it: no chart cut in two across pages, no table leaving its header
on the page before, a table kept with its chart when both fit on one page (pdftotext -bbox for the text, the page
drawn by pdftoppm -gray for what is not text)."""
from __future__ import annotations

import datetime as dt
import re
import shutil
import subprocess
from pathlib import Path

import numpy as np
import openpyxl
import pytest
from conftest import soffice
from test_print_scale import _alone

from toolkit.campaign import CHINA_TZ
from toolkit.pipeline import run
from toolkit.render.register import STATS

pytestmark = pytest.mark.skipif(
    soffice() is None or shutil.which("pdftotext") is None or shutil.which("pdftoppm") is None,
    reason="LibreOffice (soffice) or poppler's pdftotext/pdftoppm not installed: cannot print")

ON_TIME = dt.datetime(2021, 9, 1, 10, 0, tzinfo=CHINA_TZ)
DPI = 72  # one pixel a point
TABLES = ("按推荐单位类别", "按所在地区", "按行业大类", "按企业规模", "按状态")
CHARTED = TABLES[1:]  # each of these has a chart under it, titled "<table>统计"
BLANK_ABOVE = 20.0  # points: above the first text of a page only its own cell border or chart frame is drawn


def _inbox(base: Path, campaign, make_form, make_summary, count: int) -> Path:
    """``count`` applications, three to a city unit, each of another 制造业 大类 and (cycling) region."""
    industries = [ind for ind in campaign.industries if ind.section == "C"]
    cities = [u for u in campaign.units if u.kind == "city"]
    for i in range(count):
        unit, industry = cities[i // 3], industries[i % len(industries)]
        enterprise = f"河北{industry.name[:4]}{i:02d}号股份有限公司"
        name = f"{enterprise}实施六西格玛设计的经验"
        folder = base / "inbox" / unit.name
        make_form(folder / f"{i % 3 + 1}-{enterprise}-申请表.xlsx", 申报单位=enterprise, 标杆名称=name,
                  所属行业=industry.label, 所在地区=campaign.regions[i % len(campaign.regions)])
        make_summary(folder / f"{i % 3 + 1}-{enterprise}-总结材料.docx", enterprise=enterprise, name=name)
    return base / "inbox"


def _stats_pdf(book: Path, out: Path) -> Path:
    """The 统计 sheet of ``book`` alone, printed to PDF by LibreOffice."""
    index = openpyxl.load_workbook(book, read_only=True).sheetnames.index(STATS)
    alone = _alone(book, index, out)
    proc = subprocess.run([soffice(), f"-env:UserInstallation={(out / 'profile').as_uri()}", "--headless",
                           "--norestore", "--convert-to", "pdf", "--outdir", str(out), str(alone)],
                          capture_output=True, text=True, timeout=600, check=False)
    assert proc.returncode == 0, proc.stderr
    return alone.with_suffix(".pdf")


def _pages(pdf: Path) -> list[list[tuple[str, float]]]:
    """Each page's words as (text, yMin in points), top first."""
    bbox = subprocess.run(["pdftotext", "-bbox", str(pdf), "-"], capture_output=True, text=True, check=True).stdout
    pages = []
    for page in re.findall(r"<page .*?</page>", bbox, re.DOTALL):
        words = [(m.group(2), float(m.group(1))) for m in re.finditer(
            r'<word xMin="[\d.]+" yMin="([\d.]+)" xMax="[\d.]+" yMax="[\d.]+">([^<]*)</word>', page)]
        pages.append(sorted(words, key=lambda w: w[1]))
    return pages


def _first_ink(pdf: Path, page: int, tmp: Path) -> float:
    """How far from the top of ``page`` (1-based) the first non-white pixel row is, in points."""
    stem = tmp / f"page{page}"
    subprocess.run(["pdftoppm", "-gray", "-r", str(DPI), "-f", str(page), "-l", str(page), "-singlefile",
                    str(pdf), str(stem)], check=True)
    data = stem.with_suffix(".pgm").read_bytes()
    magic, width, height, _, pixels = data.split(maxsplit=4)
    assert magic == b"P5"
    image = np.frombuffer(pixels[:int(width) * int(height)], dtype=np.uint8).reshape(int(height), int(width))
    inked = np.nonzero((image < 200).any(axis=1))[0]
    return float(inked[0]) * 72 / DPI if inked.size else float("inf")


def _where(pages, word: str) -> list[int]:
    """The pages (0-based) a word is on, in order of appearance."""
    return [n for n, words in enumerate(pages) for text, _ in words if text == word]


@pytest.mark.parametrize("variant", ["demo", "many industries", "two applications"])
def test_stats_tables_and_charts_each_stay_on_one_page(variant, demo_run, make_form, make_summary, campaign, tmp_path):
    """The demo's 统计; 30 applications of 30 industries (their table and chart more than a page together);
    2 applications."""
    if variant == "demo":
        book = demo_run[1] / "latest" / "省级汇总表.xlsx"
    else:
        inbox = _inbox(tmp_path, campaign, make_form, make_summary, 30 if variant == "many industries" else 2)
        run(inbox, tmp_path / "out", campaign, settle=0, workers=1, now=ON_TIME)
        book = tmp_path / "out" / "latest" / "省级汇总表.xlsx"
    pdf = _stats_pdf(book, tmp_path)
    pages = _pages(pdf)
    totals = _where(pages, "合计")
    heads = [_where(pages, head) for head in TABLES]
    assert all(len(found) == 1 for found in heads), heads
    assert len(totals) == len(TABLES), totals
    for head, (page,), total in zip(TABLES, heads, totals):
        assert page == total, f"{head}：表头在第{page + 1}页，合计在第{total + 1}页"
    for head, (page,) in zip(CHARTED, heads[1:]):
        title = _where(pages, f"{head}统计")
        assert len(title) == 1, (head, title)
        if variant != "many industries":  # (both fit on a page: the chart stays under its table)
            assert title[0] == page, f"{head}：表在第{page + 1}页，图在第{title[0] + 1}页"
    # a chart or table cut by a page's end goes on at the top of the next, above that page's first text
    for n, words in enumerate(pages, start=1):
        first_text = words[0][1]
        ink = _first_ink(pdf, n, tmp_path)
        assert ink >= first_text - BLANK_ABOVE, (
            f"第{n}页：首行文字（{words[0][0]}）上方 {first_text - ink:.0f} 磅处已有图形（上一页的图表或表格被截断）")
