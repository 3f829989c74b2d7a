"""推荐意见 laid out per GB/T 9704-2012, read from the docx XML of opinions rendered by a real run, and from the PDF
LibreOffice makes of them (one A4 page for a final opinion with the quota's three applications)."""
from __future__ import annotations

import dataclasses
import datetime as dt
import itertools
import json
import re
import shutil
import subprocess
import zipfile
from pathlib import Path

import pytest
from conftest import soffice
from lxml import etree

from toolkit.campaign import CHINA_TZ
from toolkit.pipeline import run
from toolkit.render.docx_style import SIZE_2, TEXT_WIDTH
from toolkit.render.opinion import TABLE_FONT_SIZE, text_em, title_lines

W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
NS = {"w": W}
ON_TIME = dt.datetime(2021, 9, 1, 10, 0, tzinfo=CHINA_TZ)
FINAL_UNIT, DRAFT_UNIT = "张家口市工业和信息化局", "邢台市工业和信息化局"
ENTERPRISES = ("河北华信精密机械有限公司", "宣化冀东恒泰重型装备制造集团有限公司", "河北长城汽车零部件股份有限公司")
THEME_ATTRS = ("asciiTheme", "eastAsiaTheme", "hAnsiTheme", "cstheme")
# ECMA-376 Part 1 §17.4.60 (CT_TblPr): the children's schema order
TBLPR_ORDER = ("tblStyle", "tblpPr", "tblOverlap", "bidiVisual", "tblStyleRowBandSize", "tblStyleColBandSize", "tblW",
               "jc", "tblCellSpacing", "tblInd", "tblBorders", "shd", "tblLayout", "tblCellMar", "tblLook")
_RUNS: dict = {}


def _w(tag: str) -> str:
    return f"{{{W}}}{tag}"


@pytest.fixture
def opinions(tmp_path_factory, campaign, make_form, make_summary):
    """Two runs over one inbox (built once): 张家口 with three applications that pass, 邢台 with one of two to
    correct (需补正); the second run with the campaign's 成文日期 set. -> {'blank'|'dated': (outbox, summary)}."""
    if _RUNS:
        return _RUNS
    base = tmp_path_factory.mktemp("gbt9704")
    for i, enterprise in enumerate(ENTERPRISES, start=1):
        name = f"{enterprise}实施六西格玛设计的经验"
        folder = base / "inbox" / "张家口"
        make_form(folder / f"{i}-{enterprise[:4]}-申请表.xlsx", 申报单位=enterprise, 标杆名称=name, 所在地区="张家口市")
        make_summary(folder / f"{i}-{enterprise[:4]}-总结材料.docx", enterprise=enterprise, name=name)
    for i, (enterprise, email) in enumerate((("河北邢钢科技有限公司", "xg@163.com"), ("河北德龙钢铁有限公司", "不是邮箱")), 1):
        name = f"{enterprise}推行精益生产的经验"
        folder = base / "inbox" / "邢台"
        make_form(folder / f"{i}-{enterprise[2:4]}-申请表.xlsx", 申报单位=enterprise, 标杆名称=name, 所在地区="邢台市",
                  电子邮箱=email)
        make_summary(folder / f"{i}-{enterprise[2:4]}-总结材料.docx", enterprise=enterprise, name=name)
    for key, camp in (("blank", campaign), ("dated", dataclasses.replace(campaign, opinion_date="2021年9月18日"))):
        out = base / f"out-{key}"
        run(base / "inbox", out, camp, settle=0, workers=1, now=ON_TIME)
        _RUNS[key] = (out, json.loads((out / "latest" / "summary.json").read_text(encoding="utf-8")))
    return _RUNS


def _docx(opinions, unit: str, key: str = "blank") -> Path:
    return opinions[key][0] / "latest" / "推荐意见" / f"{unit}-推荐意见.docx"


def _part(path: Path, name: str):
    with zipfile.ZipFile(path) as zf:
        return etree.fromstring(zf.read(name))


def _parts(path: Path, prefix: str) -> list:
    with zipfile.ZipFile(path) as zf:
        return [etree.fromstring(zf.read(n)) for n in zf.namelist() if n.startswith(prefix) and n.endswith(".xml")]


def _paragraphs(path: Path) -> list[tuple[str, str, object]]:
    """(style id, text, the w:p element) of each body paragraph."""
    body = _part(path, "word/document.xml").find(_w("body"))
    out = []
    for p in body.iter(_w("p")):
        style = p.find("w:pPr/w:pStyle", NS)
        out.append((style.get(_w("val")) if style is not None else "", "".join(p.itertext()), p))
    return out


def _style(path: Path, style_id: str):
    return _part(path, "word/styles.xml").find(f"w:style[@w:styleId='{style_id}']", NS)


# ---------------------------------------------------------------- fonts (GB/T 9704-2012 §7.3.1, §5.2.3)


@pytest.mark.parametrize("unit", [FINAL_UNIT, DRAFT_UNIT])
def test_no_theme_font_overrides_the_chinese_fonts(opinions, unit):
    """ECMA-376 §17.3.2.26: a theme-font attribute wins over w:eastAsia; none anywhere, styles or runs."""
    path = _docx(opinions, unit)
    for part in ("word/styles.xml", "word/document.xml"):
        root = _part(path, part)
        found = [(f.getparent().getparent().get(_w("styleId")), a) for f in root.iter(_w("rFonts"))
                 for a in THEME_ATTRS if f.get(_w(a)) is not None]
        assert not found, (part, found[:5])
    for root in _parts(path, "word/footer"):
        assert not [f for f in root.iter(_w("rFonts")) for a in THEME_ATTRS if f.get(_w(a)) is not None]


def test_body_is_fangsong_sanhao_and_title_xiaobiaosong_erhao(opinions):
    path = _docx(opinions, FINAL_UNIT)
    styles = _part(path, "word/styles.xml")
    defaults = styles.find("w:docDefaults/w:rPrDefault/w:rPr", NS)
    normal = _style(path, "Normal").find("w:rPr", NS)
    for rpr in (defaults, normal):
        assert rpr.find("w:rFonts", NS).get(_w("eastAsia")) == "仿宋_GB2312"
        assert rpr.find("w:sz", NS).get(_w("val")) == "32"  # 三号 16 pt, in half-points
    title = _style(path, "Title").find("w:rPr", NS)
    assert title.find("w:rFonts", NS).get(_w("eastAsia")) == "方正小标宋简体"
    assert title.find("w:sz", NS).get(_w("val")) == "44"  # 二号 22 pt
    heading = _style(path, "Heading1").find("w:rPr", NS)
    assert heading.find("w:rFonts", NS).get(_w("eastAsia")) == "黑体"
    titles = [text for s, text, _ in _paragraphs(path) if s == "Title"]
    # 发文机关名称 + 事由 + 文种 (《党政机关公文处理工作条例》第九条), in the Title style
    assert titles == [f"{FINAL_UNIT}关于推荐2021年河北省工业企业质量标杆的意见"], titles
    # every run of the body that sets an East Asian font sets one of the official fonts
    fonts = {f.get(_w("eastAsia")) for f in _part(path, "word/document.xml").iter(_w("rFonts"))}
    assert fonts <= {"仿宋_GB2312", "黑体", "方正小标宋简体", "宋体", None}


def test_footer_has_page_numbers_in_songti_sihao(opinions):
    """§7.5: "— 1 —" in 4号半角宋体, a PAGE field, outside-aligned (odd right, even left)."""
    path = _docx(opinions, FINAL_UNIT)
    footers = _parts(path, "word/footer")
    assert footers
    settings = _part(path, "word/settings.xml")
    assert settings.find("w:evenAndOddHeaders", NS) is not None
    aligns = set()
    for root in footers:
        instr = "".join(t.text or "" for t in root.iter(_w("instrText")))
        assert "PAGE" in instr
        text = "".join(root.itertext())
        assert text.startswith("— ") and text.endswith(" —")
        for rpr in root.iter(_w("rPr")):
            assert rpr.find("w:rFonts", NS).get(_w("eastAsia")) == "宋体"
            assert rpr.find("w:sz", NS).get(_w("val")) == "28"  # 四号 14 pt
        aligns.add(root.find(".//w:jc", NS).get(_w("val")))
    assert aligns == {"right", "left"}


# ---------------------------------------------------------------- table XML (ECMA-376 §17.4.60)


@pytest.mark.parametrize("unit", [FINAL_UNIT, DRAFT_UNIT])
def test_table_properties_in_schema_order(opinions, unit):
    path = _docx(opinions, unit)
    tables = list(_part(path, "word/document.xml").iter(_w("tbl")))
    assert tables
    for tbl in tables:
        children = [etree.QName(el).localname for el in tbl.find("w:tblPr", NS)]
        assert children.count("tblLayout") == 1
        assert children == sorted(children, key=TBLPR_ORDER.index), children
        header = tbl.find("w:tr", NS)
        assert header.find("w:trPr/w:tblHeader", NS) is not None  # repeated on every page


def test_columns_fit_their_contents(opinions):
    path = _docx(opinions, FINAL_UNIT)
    tbl = next(_part(path, "word/document.xml").iter(_w("tbl")))
    widths = [int(c.get(_w("w"))) / 20 for c in tbl.find("w:tblGrid", NS)]
    assert abs(sum(widths) - 156 / 25.4 * 72) < 2  # the 156 mm 版心 (GB/T 9704 §5.2.2)
    rows = [["".join(tc.itertext()) for tc in tr.findall("w:tc", NS)] for tr in tbl.findall("w:tr", NS)]
    assert rows[0] == ["推荐顺序", "申报单位", "标杆名称", "所在地区", "所属行业"]
    assert [r[1] for r in rows[1:]] == list(ENTERPRISES)
    # 所在地区 on one line: its column holds "张家口市" and the cell margins (2 × 5.4 pt)
    assert widths[3] >= text_em("张家口市") * TABLE_FONT_SIZE + 10.8
    assert widths[2] > widths[3] and widths[2] > widths[0]  # the long names get the room


# ---------------------------------------------------------------- the 标题 across lines (§7.3.1)

LINE_EMS = TEXT_WIDTH / 12700 / SIZE_2  # a line of the 156 mm 版心 in 二号: 20.1 characters
TITLE = "2021年河北省工业企业质量标杆"


def _title_lines(path: Path) -> list[str]:
    """The lines of the 标题 (the Title-style paragraph) as Word lays out its line breaks (w:br)."""
    [title] = [p for s, _, p in _paragraphs(path) if s == "Title"]
    text = "".join("\n" if el.tag == _w("br") else (el.text or "") for el in title.iter(_w("t"), _w("br")))
    return text.split("\n")


def test_every_units_title_breaks_after_guanyu_tuijian(campaign):
    """Each of the 26 units' titles is longer than a line: 发文机关名称 + 关于推荐 / 事由 + 的意见 (梯形), never a
    name or a word cut ('…2021年河' / '北省…', what Word and LibreOffice do left alone)."""
    assert campaign.title == TITLE
    for unit in campaign.units:
        text = f"{unit.name}关于推荐{TITLE}的意见"
        assert text_em(text) > LINE_EMS
        assert title_lines(text, LINE_EMS) == [f"{unit.name}关于推荐", f"{TITLE}的意见"], unit.name


@pytest.mark.parametrize("text, lines", [
    ("质协关于推荐标杆的意见", ["质协关于推荐标杆的意见"]),  # fits: one line
    ("河北省质量协会关于推荐2021年度质量标杆的意见", ["河北省质量协会关于推荐", "2021年度质量标杆的意见"]),
    # a 事由 longer than a line: broken again after a noun it is made of, or before a conjunction
    ("唐山市工业和信息化局关于推荐2021年河北省工业企业质量标杆和专精特新中小企业示范项目的意见",
     ["唐山市工业和信息化局关于推荐", "2021年河北省工业企业质量标杆", "和专精特新中小企业示范项目的意见"]),
    # a 发文机关名称 longer than a line: broken within it after a place or an organisation, never mid-word
    ("中国机械工业联合会河北省装备制造业质量管理分会关于推荐2021年河北省工业企业质量标杆的意见",
     ["中国机械工业联合会河北省", "装备制造业质量管理分会关于推荐", "2021年河北省工业企业质量标杆的意见"]),
    # nowhere to break between words: left whole for the word processor
    ("某某某某某某某某某某某某某某某某某某某某某某某某某某某某某某的意见",
     ["某某某某某某某某某某某某某某某某某某某某某某某某某某某某某某的意见"]),
])
def test_title_lines_break_between_words(text, lines):
    assert title_lines(text, LINE_EMS) == lines
    assert all(text_em(line) <= LINE_EMS for line in lines) or len(lines) == 1


def test_rendered_title_has_its_line_break(opinions):
    for unit in (FINAL_UNIT, DRAFT_UNIT):
        assert _title_lines(_docx(opinions, unit)) == [f"{unit}关于推荐", f"{TITLE}的意见"]
    blank = Path(__file__).resolve().parents[1] / "templates" / "推荐单位用" / "空白推荐意见.docx"
    assert _title_lines(blank) == ["（推荐单位全称）关于推荐", f"{TITLE}的意见"]


def _title_edited(template: Path, edit) -> None:
    """templates/ copied to ``template`` with its 推荐意见's title changed by ``edit(paragraph)`` (as in Word)."""
    import docx

    shutil.copytree(Path(__file__).resolve().parents[1] / "templates", template)
    path = template / "推荐单位用" / "推荐意见.docx"
    document = docx.Document(str(path))
    edit(next(p for p in document.paragraphs if p.style.name == "Title"))
    document.save(str(path))


def _smaller(paragraph) -> None:
    from docx.shared import Pt

    for piece in paragraph.runs:
        piece.font.size = Pt(12)  # 小四: the whole title on one line of the 版心


def _broken_by_hand(paragraph) -> None:
    [piece] = paragraph.runs
    text = piece.text
    piece.text = text[:len("{{ unit }}")]
    piece.add_break()
    piece.add_text(text[len("{{ unit }}"):])


@pytest.mark.parametrize("edit, lines", [
    (_smaller, [f"{FINAL_UNIT}关于推荐{TITLE}的意见"]),
    (_broken_by_hand, [FINAL_UNIT, f"关于推荐{TITLE}的意见"]),
], ids=["title in 小四: fits", "broken by the clerk: kept"])
def test_title_as_the_template_sets_it(tmp_path, campaign, make_form, make_summary, edit, lines):
    folder = tmp_path / "inbox" / "张家口"
    make_form(folder / "1-华信-申请表.xlsx", 所在地区="张家口市")
    make_summary(folder / "1-华信-总结材料.docx")
    _title_edited(tmp_path / "模板", edit)
    run(tmp_path / "inbox", tmp_path / "out", campaign, settle=0, workers=1, now=ON_TIME, templates=tmp_path / "模板")
    assert _title_lines(tmp_path / "out" / "latest" / "推荐意见" / f"{FINAL_UNIT}-推荐意见.docx") == lines


# ---------------------------------------------------------------- what the opinion says


def test_addressee_signature_and_date(opinions):
    paras = _paragraphs(_docx(opinions, FINAL_UNIT))
    texts = [t for _, t, _ in paras]
    assert "河北省工业和信息化厅：" in texts  # §7.3.2 主送机关
    assert texts.index("河北省工业和信息化厅：") == next(i for i, (s, _, _) in enumerate(paras) if s == "Title") + 2
    assert not any("推荐单位：" in t for t in texts)
    assert not any("签字" in t or "____" in t for t in texts)
    [signature] = [(t, p) for s, t, p in paras if t == FINAL_UNIT]
    assert signature[1].find("w:pPr/w:pStyle", NS).get(_w("val")) == "发文机关署名"
    date_style = _style(_docx(opinions, FINAL_UNIT), "成文日期")
    assert date_style.find("w:pPr/w:ind", NS).get(_w("right")) == str(4 * 16 * 20)  # 右空四字
    assert texts[-1].replace("\u3000", "") == "年月日"  # no 成文日期 given: left for the unit
    dated = [t for _, t, _ in _paragraphs(_docx(opinions, FINAL_UNIT, "dated"))]
    assert dated[-1] == "2021年9月18日" and dated[-2] == FINAL_UNIT
    assert "（加盖公章）" in texts


def test_draft_banner_names_each_reason(opinions):
    out, summary = opinions["blank"]
    unit = next(u for u in summary["units"] if u["unit"] == DRAFT_UNIT)
    reasons = unit.get("draft_reasons") or []
    assert reasons
    texts = [t for _, t, _ in _paragraphs(_docx(opinions, DRAFT_UNIT))]
    assert texts[0] == "【草稿，请勿盖章】"
    assert texts[1:1 + len(reasons)] == reasons  # one reason a line, at the top
    final = [t for _, t, _ in _paragraphs(_docx(opinions, FINAL_UNIT))]
    assert not any("草稿" in t for t in final)


def test_core_properties_name_the_unit_and_the_time(opinions):
    path = _docx(opinions, FINAL_UNIT)
    with zipfile.ZipFile(path) as zf:
        names = zf.namelist()
        core = zf.read("docProps/core.xml").decode("utf-8")
        app = zf.read("docProps/app.xml").decode("utf-8")
    assert "python-docx" not in core + app and "Macintosh" not in app
    assert not any("thumbnail" in n or "stylesWithEffects" in n or n.startswith("customXml/") for n in names)
    assert f"<dc:creator>{FINAL_UNIT}</dc:creator>" in core and FINAL_UNIT in re.search("<dc:title>(.*)</dc:title>", core)[1]
    assert "2021-09-01T02:00:00Z" in core  # generated 2021-09-01 10:00 China time


def test_document_properties_keep_markup_characters(tmp_path):
    """The unit's name in docProps/app.xml and the output mark in docProps/custom.xml are escaped as XML text:
    a name with & < > and quotes reads back as written, and the document is still recognised as ours."""
    import docx

    from toolkit.extract.own import own_output
    from toolkit.model import OUTPUT_PROPERTY
    from toolkit.render.docx_style import mark_output, set_core

    name = 'A&B <协会> "质量" \'标杆\''
    doc = docx.Document()
    set_core(doc, title=f"{name}推荐意见", author=name)
    mark_output(doc, "推荐意见&<>")
    path = tmp_path / "props.docx"
    doc.save(path)
    with zipfile.ZipFile(path) as zf:
        app = etree.fromstring(zf.read("docProps/app.xml"))
        custom = etree.fromstring(zf.read("docProps/custom.xml"))
    assert app.findtext("{*}Company") == name
    assert [(p.get("name"), p.findtext("{*}lpwstr")) for p in custom] == [(OUTPUT_PROPERTY, "推荐意见&<>")]
    assert own_output(path.read_bytes()) == "推荐意见&<>"


# ---------------------------------------------------------------- printed (LibreOffice)


def _pdf(docx: Path, out: Path) -> Path:
    profile = (out / "profile").as_uri()
    proc = subprocess.run([soffice(), f"-env:UserInstallation={profile}", "--headless", "--norestore",
                           "--convert-to", "pdf", "--outdir", str(out), str(docx)],
                          capture_output=True, text=True, timeout=300)
    assert proc.returncode == 0, proc.stderr
    return out / f"{docx.stem}.pdf"


def _pdf_text(pdf: Path) -> str:
    """The PDF's text in reading order (each table cell a block of its own lines)."""
    return subprocess.run(["pdftotext", str(pdf), "-"], capture_output=True, text=True, check=True).stdout


@pytest.mark.skipif(soffice() is None or shutil.which("pdftotext") is None,
                    reason="LibreOffice (soffice) or poppler's pdftotext not installed: cannot print the opinion")
def test_final_opinion_prints_on_one_page(opinions, tmp_path):
    text = _pdf_text(_pdf(_docx(opinions, FINAL_UNIT), tmp_path))
    assert text.count("\f") <= 1, "one A4 page"  # pdftotext ends each page with a form feed
    flat = re.sub(r"\s+", "", text)
    for enterprise in ENTERPRISES:
        assert enterprise in flat
    assert FINAL_UNIT in flat and "河北省工业和信息化厅：" in flat
    assert "推荐单位：" not in flat and "草稿" not in flat
    assert "—1—" in flat  # the page number
    title = [re.sub(r"\s+", "", line) for line in text.splitlines() if line.strip()][:2]
    assert title == [f"{FINAL_UNIT}关于推荐", f"{TITLE}的意见"], "the 标题 printed on the lines it was broken into"
    regions = [line for line in text.splitlines() if line.strip() == "张家口市"]
    assert len(regions) == 3, "所在地区 (张家口市) never broken across lines"


@pytest.mark.skipif(soffice() is None or shutil.which("pdftotext") is None,
                    reason="LibreOffice (soffice) or poppler's pdftotext not installed: cannot print the opinion")
def test_draft_opinion_prints_its_banner_and_reasons(opinions, tmp_path):
    _, summary = opinions["blank"]
    reasons = next(u for u in summary["units"] if u["unit"] == DRAFT_UNIT)["draft_reasons"]
    flat = re.sub(r"\s+", "", _pdf_text(_pdf(_docx(opinions, DRAFT_UNIT), tmp_path)))
    assert "【草稿，请勿盖章】" in flat
    for reason in reasons:
        assert re.sub(r"\s+", "", reason) in flat
    assert "河北德龙钢铁有限公司" in flat  # named in the reason, not listed


@pytest.mark.parametrize("text, cut_inside", [
    ("唐山市工业和信息化局关于推荐2022年度河北省省级工业企业质量标杆和示范项目的意见", ("年/度", "省/级")),
    ("河北省质量协会关于推荐县域工业企业质量提升以及区域质量标杆建设典型经验的意见", ("县/域", "以/及", "区/域")),
])
def test_title_lines_never_cut_a_word_a_place_name_starts(text, cut_inside):
    """Next year's title is campaign data: '2022年度', '省级', '县域', '区域', '以及' are words, not a year or a place
    followed by the next word — a line never ends inside them."""
    lines = title_lines(text, LINE_EMS)
    assert "".join(lines) == text and len(lines) > 1
    joints = {f"{a[-1]}/{b[0]}" for a, b in itertools.pairwise(lines)}
    assert not joints & set(cut_inside), lines


# ---------------------------------------------------------------- long names on one page (§7.3.5.4)

# three applications at the notice's limits: 标杆名称 of 35–40 字, a 申报单位 with a Latin word, long industry names
LONG = (("河北冀东水泥重型装备制造集团股份有限公司", "推行六西格玛设计质量改进方法的经验", "C35 专用设备制造业"),
        ("唐山三友化工新材料科技研发股份有限公司", "实施卓越绩效与精益生产融合的经验", "C26 化学原料和化学制品制造业"),
        ("长城汽车零部件（唐山）INTERNATIONAL有限公司", "推行QC小组与TPM管理的经验", "C36 汽车制造业"))
LONG_UNITS = {"唐山": "唐山市工业和信息化局", "邯郸": "邯郸市工业和信息化局"}


@pytest.fixture(scope="module")
def long_opinions(tmp_path_factory):
    """唐山 with the three LONG applications ranked by file-name prefixes (a final opinion); 邯郸 with the same three
    unranked (a draft: its red banner says the order is the receipt order), in a run of its own (one enterprise in
    two units is a duplicate). -> {folder: (the opinion's path, the unit's summary.json entry)}."""
    from conftest import GOOD_VALUES, good_sections

    from toolkit.campaign import load_campaign
    from toolkit.render.forms import write_form, write_summary

    campaign = load_campaign()
    made = {}
    for folder, region in (("唐山", "唐山市"), ("邯郸", "邯郸市")):
        base = tmp_path_factory.mktemp(f"long-names-{region}")
        for i, (enterprise, method, industry) in enumerate(LONG, start=1):
            name = f"{enterprise}{method}"
            values = {**GOOD_VALUES, "申报单位": enterprise, "标杆名称": name, "所在地区": region, "所属行业": industry}
            prefix = f"{i}-" if folder == "唐山" else ""
            (base / "inbox" / folder).mkdir(parents=True, exist_ok=True)
            write_form(str(base / "inbox" / folder / f"{prefix}申请表{i}.xlsx"), campaign, values)
            write_summary(str(base / "inbox" / folder / f"{prefix}总结材料{i}.docx"), campaign,
                          good_sections(name, enterprise), enterprise=enterprise)
        run(base / "inbox", base / "out", campaign, settle=0, workers=1, now=ON_TIME)
        summary = json.loads((base / "out" / "latest" / "summary.json").read_text(encoding="utf-8"))
        unit = LONG_UNITS[folder]
        made[folder] = (base / "out" / "latest" / "推荐意见" / f"{unit}-推荐意见.docx",
                        next(u for u in summary["units"] if u["unit"] == unit))
    return made


def test_line_pieces_keep_words_and_marks_with_their_neighbours():
    """Chinese breaks after any character, never within a Latin word, before a closing mark or after an opening
    one: '（唐' and '山）' are pieces, 'INTERNATIONAL' one piece (measured generously), a space a piece."""
    from toolkit.render.opinion import line_pieces, wrapped_lines

    pieces = list(line_pieces("零件（唐山）INTERNATIONAL有限"))
    assert pieces[:4] == [1.0, 1.0, 2.0, 2.0] and len(pieces) == 7
    assert pieces[4] == pytest.approx(13 * 0.7)
    assert list(line_pieces("C36 汽车")) == [pytest.approx(1.9), 0.5, 1.0, 1.0]
    assert wrapped_lines("一二三四五六", 3) == 2 and wrapped_lines("一二三四五六", 3, indent=2) == 3
    assert wrapped_lines("INTERNATIONAL", 4) == 3  # a word wider than the column is broken where it must be


def test_long_names_get_balanced_columns_with_whole_words():
    """Columns for the LONG applications across the 156 mm 版心: they fill it; the Latin word fits its column
    whole; no row needs more than four lines; no industry leaves one character alone on its last line."""
    from toolkit.render.opinion import CELL_PADDING, _wrap, column_widths, line_pieces

    columns = [["推荐顺序", "1", "2", "3"], ["申报单位", *(e for e, _, _ in LONG)],
               ["标杆名称", *(e + m for e, m, _ in LONG)], ["所在地区", *["唐山市"] * 3], ["所属行业", *(i for _, _, i in LONG)]]
    available = TEXT_WIDTH / 12700
    widths = column_widths(columns, available)
    assert sum(widths) == pytest.approx(available)
    ems = [(w - CELL_PADDING.pt) / TABLE_FONT_SIZE for w in widths]
    assert max(line_pieces(LONG[2][0])) <= ems[1] and max(line_pieces(LONG[2][0] + LONG[2][1])) <= ems[2]
    lines = [max(_wrap(col[r], em)[0] for col, em in zip(columns, ems)) for r in range(1, 4)]
    assert max(lines) <= 4, lines
    assert all(_wrap(v, ems[4])[0] == 1 or _wrap(v, ems[4])[1] > 1.0 for v in columns[4][1:])
    assert ems[3] >= text_em("唐山市")  # a short value never broken


def test_the_room_left_never_leaves_a_character_alone():
    """The fixture's three (the fewest lines leave room, shared among the columns): 'C34 通用设备制造业' is not left
    as 'C34 通用设备制造' / '业', whatever share of the room its column gets."""
    from toolkit.render.opinion import CELL_PADDING, _wrap, column_widths

    columns = [["推荐顺序", "1", "2", "3"], ["申报单位", *ENTERPRISES],
               ["标杆名称", *(f"{e}实施六西格玛设计的经验" for e in ENTERPRISES)], ["所在地区", *["张家口市"] * 3],
               ["所属行业", *["C34 通用设备制造业"] * 3]]
    widths = column_widths(columns, TEXT_WIDTH / 12700)
    count, last = _wrap("C34 通用设备制造业", (widths[4] - CELL_PADDING.pt) / TABLE_FONT_SIZE)
    assert count == 1 or last > 1.0, (count, last)


def _table_sizes(path: Path) -> set[str]:
    tbl = next(_part(path, "word/document.xml").iter(_w("tbl")))
    return {el.get(_w("val")) for el in tbl.iter(_w("sz"))}


def test_an_opinion_is_tightened_only_when_it_would_not_fit_one_page(opinions, long_opinions):
    """The moderate opinion keeps its table in 小四 (sz 24) and the body 28 pt apart; the LONG one, which would run
    onto a second page, has its table in 五号 (sz 21), the adjustment GB/T 9704 §7.3.5.4 allows."""
    assert _table_sizes(_docx(opinions, FINAL_UNIT)) == {"24"}
    moderate = _part(_docx(opinions, FINAL_UNIT), "word/document.xml")
    assert not [s for s in moderate.iter(_w("spacing")) if s.get(_w("line")) in ("520", "480", "440")]
    assert _table_sizes(long_opinions["唐山"][0]) == {"21"}
    header = next(next(_part(long_opinions["唐山"][0], "word/document.xml").iter(_w("tbl"))).iter(_w("tr")))
    broken = ["".join("/" if el.tag == _w("br") else el.text or "" for el in tc.iter(_w("t"), _w("br")))
              for tc in header.iter(_w("tc"))]
    assert broken[0] == "推荐/顺序", broken  # a header wider than its column broken in its middle


@pytest.mark.skipif(soffice() is None or shutil.which("pdftotext") is None,
                    reason="LibreOffice (soffice) or poppler's pdftotext not installed: cannot print the opinion")
@pytest.mark.parametrize("folder", ["唐山", "邯郸"])
def test_long_names_print_on_one_page_with_the_signature(long_opinions, tmp_path, folder):
    """The print audit's case: three applications with names at the notice's limits (and, for 邯郸, the draft's
    banner above them) print on one A4 page — 署名 and 成文日期 beside the table, not alone on a second page —
    with the Latin word whole and the headers broken in their middle."""
    path, status = long_opinions[folder]
    unit = LONG_UNITS[folder]
    assert status["passed"] == 3 and bool(status.get("draft_reasons")) is (folder == "邯郸")
    text = _pdf_text(_pdf(path, tmp_path))
    assert text.count("\f") <= 1, "one A4 page"
    assert text.count("INTERNATIONAL") == 2, "the Latin word never cut"
    flat = re.sub(r"\s+", "", text)
    assert f"（加盖公章）{unit}年月日" in flat
    for enterprise, _, _ in LONG:
        assert re.sub(r"\s+", "", enterprise) in flat
