"""Opinions are rendered from the committed templates/推荐意见.docx: a province edits it in Word, no code."""
from __future__ import annotations

import datetime as dt
import io
import shutil
from pathlib import Path

import docx
import pytest

from toolkit.campaign import CHINA_TZ
from toolkit.errors import ConfigError
from toolkit.pipeline import run

TEMPLATES = Path(__file__).resolve().parents[1] / "templates"
COMMITTED = TEMPLATES / "推荐单位用" / "推荐意见.docx"
ADDED = "本单位已对申报材料的真实性进行了核实，并对推荐结果负责。"


def _edited_template(folder: Path, *, units_folder: bool = False) -> Path:
    """A copy of the committed template with a sentence added before the opinion and the title font changed,
    as a clerk would do in Word; saved at the folder's top (the earlier layout) or in 推荐单位用/."""
    folder.mkdir(parents=True, exist_ok=True)
    document = docx.Document(str(COMMITTED))
    anchor = next(p for p in document.paragraphs if "{{ opinion }}" in p.text)
    added = anchor.insert_paragraph_before(ADDED)
    added.runs[0].font.name = "楷体"
    title = next(p for p in document.paragraphs if p.style.name == "Title")
    for r in title.runs:
        r.font.name = "华文中宋"
        r._element.rPr.rFonts.set(docx.oxml.ns.qn("w:eastAsia"), "华文中宋")
    target = folder / "推荐单位用" if units_folder else folder
    target.mkdir(parents=True, exist_ok=True)
    document.save(str(target / "推荐意见.docx"))
    for other in ("申请表.xlsx", "申请书.docx", "总结材料.docx"):
        shutil.copy(TEMPLATES / other, folder / other)
    return folder


def _opinion(out: Path, unit: str) -> docx.Document:
    return docx.Document(str(out / "latest" / "推荐意见" / f"{unit}-推荐意见.docx"))


def _inbox(tmp_path, make_form, make_summary) -> Path:
    unit = tmp_path / "inbox" / "保定"
    make_form(unit / "1-华信-申请表.xlsx")
    make_summary(unit / "1-华信-总结材料.docx")
    return tmp_path / "inbox"


ON_TIME = dt.datetime(2021, 9, 1, 10, 0, tzinfo=CHINA_TZ)


def test_edits_made_in_word_appear_in_the_opinion(tmp_path, make_form, make_summary, campaign):
    inbox = _inbox(tmp_path, make_form, make_summary)
    templates = _edited_template(tmp_path / "省厅模板")
    run(inbox, tmp_path / "out", campaign, settle=0, workers=1, now=ON_TIME, templates=templates)
    opinion = _opinion(tmp_path / "out", "保定市工业和信息化局")
    texts = [p.text for p in opinion.paragraphs]
    assert ADDED in texts
    assert texts.index(ADDED) < next(i for i, t in enumerate(texts) if t.startswith("经审核"))
    title = next(p for p in opinion.paragraphs if p.style.name == "Title")
    fonts = {r._element.rPr.rFonts.get(docx.oxml.ns.qn("w:eastAsia")) for r in title.runs}
    assert fonts == {"华文中宋"}
    assert "河北华信精密机械有限公司" in "\n".join(c.text for t in opinion.tables for row in t.rows for c in row.cells)


@pytest.mark.parametrize("units_folder", [True, False], ids=["推荐单位用", "top"])
def test_templates_beside_the_inbox_are_used_by_default(tmp_path, make_form, make_summary, campaign, units_folder):
    inbox = _inbox(tmp_path, make_form, make_summary)
    _edited_template(tmp_path / "templates", units_folder=units_folder)  # the share: inbox/, outbox/, templates/
    run(inbox, tmp_path / "out", campaign, settle=0, workers=1, now=ON_TIME)
    assert ADDED in [p.text for p in _opinion(tmp_path / "out", "保定市工业和信息化局").paragraphs]


def test_without_templates_beside_the_inbox_the_committed_one_is_used(tmp_path, make_form, make_summary, campaign):
    inbox = _inbox(tmp_path, make_form, make_summary)
    run(inbox, tmp_path / "out", campaign, settle=0, workers=1, now=ON_TIME)
    opinion = _opinion(tmp_path / "out", "保定市工业和信息化局")
    committed = docx.Document(str(COMMITTED))
    title = next(p.text for p in committed.paragraphs if p.style.name == "Title")
    assert title.startswith("{{ unit }}关于推荐")  # the unit's name rendered into the committed title
    # (printed on two lines: a line break after 关于推荐)
    assert title.replace("{{ unit }}", "保定市工业和信息化局") in [p.text.replace("\n", "") for p in opinion.paragraphs]


@pytest.mark.parametrize("damage", ["missing", "not a docx", "broken placeholder"])
def test_missing_or_broken_template_is_a_configuration_error(tmp_path, make_form, make_summary, campaign, damage):
    inbox = _inbox(tmp_path, make_form, make_summary)
    folder = tmp_path / "省厅模板"
    folder.mkdir()
    if damage == "not a docx":
        (folder / "推荐意见.docx").write_bytes(b"not a word document")
    elif damage == "broken placeholder":
        document = docx.Document(str(COMMITTED))
        document.add_paragraph("{{ unit ")
        buf = io.BytesIO()
        document.save(buf)
        (folder / "推荐意见.docx").write_bytes(buf.getvalue())
    with pytest.raises(ConfigError) as raised:
        run(inbox, tmp_path / "out", campaign, settle=0, workers=1, now=ON_TIME, templates=folder)
    assert "推荐意见" in str(raised.value)
    assert not (tmp_path / "out" / "latest").exists()


def test_a_template_checked_by_the_last_run_is_not_checked_again(tmp_path, make_form, make_summary, campaign,
                                                                  monkeypatch):
    """The template is checked once: a run after a published one with the same template (and code, campaign)
    does not check it again; a template edited since — broken here — is checked, and refused."""
    from toolkit import pipeline

    inbox = _inbox(tmp_path, make_form, make_summary)
    folder = tmp_path / "省厅模板"
    folder.mkdir()
    shutil.copyfile(COMMITTED, folder / "推荐意见.docx")
    checked = []
    original = pipeline.check_opinion_template
    monkeypatch.setattr(pipeline, "check_opinion_template", lambda *args: (checked.append(1), original(*args)))
    out = tmp_path / "out"
    run(inbox, out, campaign, settle=0, workers=1, now=ON_TIME, templates=folder)
    assert checked == [1]
    (inbox / "其他说明.txt").write_text("说明", encoding="utf-8")  # a change: a run that publishes
    again = run(inbox, out, campaign, settle=0, workers=1, now=ON_TIME + dt.timedelta(minutes=1), templates=folder)
    assert again.run_folder is not None and checked == [1]  # not checked again
    document = docx.Document(str(COMMITTED))
    document.add_paragraph("{{ unit ")
    document.save(str(folder / "推荐意见.docx"))
    with pytest.raises(ConfigError):
        run(inbox, out, campaign, settle=0, workers=1, now=ON_TIME + dt.timedelta(minutes=2), templates=folder)
    assert checked == [1, 1]


def test_paragraphs_by_style_equals_asking_each_paragraph(campaign, tmp_path):
    """The 署名 block is found by style id: the same paragraphs python-docx's Paragraph.style names give, in the
    toolkit's template and in one whose style ids Word changed on saving (ids no longer equal to the names), and
    paragraphs without a w:pStyle count as the default style."""
    import io

    from docx import Document
    from docx.oxml.ns import qn

    from toolkit.render.opinion import (
        DATE_STYLE,
        SEAL_STYLE,
        SIGNATURE_STYLE,
        build_blank_opinion,
        paragraphs_by_style,
    )

    names = (DATE_STYLE, SIGNATURE_STYLE, SEAL_STYLE, "Normal", "Title", "没有这个样式")

    def asked(doc) -> dict:
        out = {name: [] for name in names}
        for p in doc.paragraphs:
            if p.style is not None and p.style.name in out:
                out[p.style.name].append(p._p)
        return out

    doc = Document(io.BytesIO(build_blank_opinion(campaign)))
    stray = doc.add_paragraph("样式已删除的段落")  # a w:pStyle naming no style: Word takes the default style
    stray._p.get_or_add_pPr().get_or_add_pStyle().set(qn("w:val"), "不存在的样式")
    found = paragraphs_by_style(doc, names)
    assert stray._p in [p._p for p in found["Normal"]]
    assert {k: [p._p for p in v] for k, v in found.items()} == asked(doc)
    assert found[DATE_STYLE] and found[SIGNATURE_STYLE] and found["Normal"] and found["没有这个样式"] == []

    renamed = {DATE_STYLE: "a7", SIGNATURE_STYLE: "a8", SEAL_STYLE: "a9"}  # as Word renames ids on saving
    for name, new_id in renamed.items():
        style = doc.styles[name]
        old_id = style.style_id
        style.style_id = new_id
        for element in doc.element.body.iter(qn("w:pStyle")):
            if element.get(qn("w:val")) == old_id:
                element.set(qn("w:val"), new_id)
    saved = io.BytesIO()
    doc.save(saved)
    again = Document(io.BytesIO(saved.getvalue()))
    assert again.styles[DATE_STYLE].style_id == "a7"
    found = paragraphs_by_style(again, names)
    assert {k: [p._p for p in v] for k, v in found.items()} == asked(again)
    assert len(found[DATE_STYLE]) == len(paragraphs_by_style(doc, names)[DATE_STYLE]) > 0
