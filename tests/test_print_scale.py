"""Every sheet of every workbook the demo writes, printed by LibreOffice: its text at 8 points or more on paper
(measured with pdftotext -bbox), headers broken where they read well, rows as tall as their text."""
from __future__ import annotations

import collections
import re
import shutil
import subprocess
import zipfile
from pathlib import Path

import openpyxl
import pytest
from conftest import soffice

pytestmark = pytest.mark.skipif(soffice() is None or shutil.which("pdftotext") is None,
                                reason="LibreOffice (soffice) or poppler's pdftotext not installed: cannot print")

# a word's box in pdftotext -bbox is 1.3008 times its font size in the font LibreOffice prints 宋体 with (measured
# at 100 % on A4: 10, 11, 12 and 16 points)
BOX_PER_POINT = 1.3008
LEAST_POINTS = 8.0
UNIT = "唐山市工业和信息化局"  # sent four applications: over quota, problems, a ranking sheet


def _alone(book: Path, index: int, out: Path) -> Path:
    """A copy of ``book`` whose only visible sheet is its ``index``-th (the others hidden: charts and print setup
    kept, unlike a copy openpyxl saves)."""
    target = out / f"{book.stem}-{index}.xlsx"
    with zipfile.ZipFile(book) as src, zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED) as dst:
        for item in src.infolist():
            data = src.read(item.filename)
            if item.filename == "xl/workbook.xml":
                parts = re.split(r"(<sheet )", data.decode("utf-8"))  # text, '<sheet ', text, '<sheet ', …
                text = parts[0] + "".join(("<sheet " if n == index else '<sheet state="hidden" ') + rest
                                          for n, rest in enumerate(parts[2::2]))
                text = re.sub(r'activeTab="\d+"', f'activeTab="{index}"', text)
                if "activeTab" not in text:
                    text = text.replace("<workbookView ", f'<workbookView activeTab="{index}" ', 1)
                data = text.encode("utf-8")
            elif item.filename.startswith("xl/worksheets/sheet"):
                data = data.replace(b'tabSelected="1"', b'tabSelected="0"')
            dst.writestr(zipfile.ZipInfo(item.filename, item.date_time), data)
    return target


@pytest.fixture(scope="module")
def printed(demo_run, tmp_path_factory) -> dict:
    """(workbook name, sheet name) -> its PDF, for the register, a 回执 and a 推荐排序表 of the demo."""
    latest = demo_run[1] / "latest"
    out = tmp_path_factory.mktemp("print-scale")
    books = [latest / "省级汇总表.xlsx", latest / "回执" / f"{UNIT}-回执.xlsx",
             latest / "推荐排序表" / f"{UNIT}-推荐排序表.xlsx"]
    jobs = {}
    for book in books:
        for index, name in enumerate(openpyxl.load_workbook(book, read_only=True).sheetnames):
            jobs[(book.name, name)] = _alone(book, index, out)
    proc = subprocess.run([soffice(), f"-env:UserInstallation={(out / 'profile').as_uri()}", "--headless",
                           "--norestore", "--convert-to", "pdf", "--outdir", str(out), *map(str, jobs.values())],
                          capture_output=True, text=True, timeout=600, check=False)
    assert proc.returncode == 0, proc.stderr
    return {key: path.with_suffix(".pdf") for key, path in jobs.items()}


def _words(pdf: Path) -> list[tuple[str, float, float, float, float]]:
    """(text, xMin, yMin, xMax, yMax) of every word on every page."""
    bbox = subprocess.run(["pdftotext", "-bbox", str(pdf), "-"], capture_output=True, text=True, check=True).stdout
    return [(m.group(5), *map(float, m.group(1, 2, 3, 4))) for m in re.finditer(
        r'<word xMin="([\d.]+)" yMin="([\d.]+)" xMax="([\d.]+)" yMax="([\d.]+)">([^<]*)</word>', bbox)]


def body_points(pdf: Path) -> float:
    """The size on paper of the sheet's commonest CJK text, in points (words of CJK characters only: a word
    mixing Latin letters is boxed by another font's ascent)."""
    sizes = collections.Counter(round((y1 - y0) / BOX_PER_POINT, 1) for text, _, y0, _, y1 in _words(pdf)
                                if re.fullmatch(r"[\u4e00-\u9fff（），、]+", text))
    return sizes.most_common(1)[0][0]


def test_every_sheet_prints_its_text_at_8_points_or_more(printed):
    small = {key: body_points(pdf) for key, pdf in printed.items() if body_points(pdf) < LEAST_POINTS}
    assert not small, small
    assert len(printed) == 7 + 3 + 1


def test_headers_break_before_a_bracket_and_between_words(printed):
    """'2018年利润总额' / '（万元）' (or '2018年' / '利润总额' / '（万元）') and '不符合' / '申报条件' on lines of their
    own, never '（' ending a line or '件' alone."""
    words = {text for text, *_ in _words(printed[("省级汇总表.xlsx", "全部申报")])}
    assert "（万元）" in words and "2018年" in {w[:5] for w in words}, sorted(words)
    assert not any(w.endswith("（") or w.startswith("万元） ") or w == "万元）" for w in words)
    units = {text for text, *_ in _words(printed[("省级汇总表.xlsx", "推荐单位情况")])}
    assert {"不符合", "申报条件"} <= units or "不符合申报条件" in units
    assert "件" not in units and "条" not in units


def test_rows_are_as_tall_as_their_text(demo_run, printed):
    """On 推荐单位情况 a unit whose cells all hold one line prints one line (its whole name one word) in a row of
    one line's height: no double-height row for a name that fits."""
    book = openpyxl.load_workbook(demo_run[1] / "latest" / "省级汇总表.xlsx")
    ws = book["推荐单位情况"]
    header = [(c.value or "").replace("\n", "") for c in ws[2]]
    name, stamp, note = header.index("推荐单位"), header.index("盖章推荐意见"), header.index("情况")
    words = {text for text, *_ in _words(printed[("省级汇总表.xlsx", "推荐单位情况")])}
    one_line = [row for row in ws.iter_rows(min_row=3) if isinstance(row[0].value, int)
                and row[stamp].value in ("未收到", "已收到") and not row[note].value]
    assert len(one_line) > 10
    heights = {ws.row_dimensions[row[0].row].height for row in one_line}
    assert all(row[name].value in words for row in one_line), [r[name].value for r in one_line if r[name].value
                                                                 not in words]
    assert len(heights) == 1 and max(heights) < 20, heights
