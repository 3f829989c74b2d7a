"""WPS Office's own suffixes: .et workbooks read natively (no LibreOffice needed), .wps documents converted."""
from __future__ import annotations

import pytest

import toolkit.extract.registry as registry
from conftest import soffice
from toolkit.extract.legacy import convert
from toolkit.extract.registry import extract

needs_lo = pytest.mark.skipif(soffice() is None, reason="LibreOffice (soffice) not installed; .ci/run installs it")


def _assert_good_form(ex) -> None:
    """``ex`` is the good 申请表 of conftest's make_form."""
    assert ex.kind == "form", ex.issues
    assert ex.form.fields["申报单位"].value == "河北华信精密机械有限公司"
    assert ex.form.yearly["利润总额"][2020].value == 3650.25


def _assert_good_summary(ex) -> None:
    """``ex`` is the good 总结材料 of conftest's make_summary."""
    assert ex.kind == "summary", ex.issues
    assert {"摘要", "企业概况", "管理方法（技术）的实施效果"} <= set(ex.summary.sections)


@needs_lo
def test_et_workbook_is_read_without_libreoffice(tmp_path, make_form, campaign, monkeypatch):
    xls = convert(make_form(tmp_path / "f.xlsx").read_bytes(), "xlsx", "xls")
    monkeypatch.setattr(registry, "soffice_path", lambda: None)  # as on a PC without LibreOffice
    _assert_good_form(extract(xls, "申请表.et", campaign))


@needs_lo
def test_wps_document_is_converted_like_a_doc(tmp_path, make_summary, campaign):
    doc = convert(make_summary(tmp_path / "s.docx").read_bytes(), "docx", "doc")
    _assert_good_summary(extract(doc, "总结材料.wps", campaign))


def test_wps_without_libreoffice_asks_for_docx(campaign, monkeypatch):
    from toolkit.extract.sniff import OLE_MAGIC

    monkeypatch.setattr(registry, "soffice_path", lambda: None)
    fake = OLE_MAGIC + b"\x00" * 100 + "WordDocument".encode("utf-16-le") + b"\x00" * 100
    ex = extract(fake, "总结材料.wps", campaign)
    assert [i.code for i in ex.issues] == ["file.unsupported"]
    assert ".docx" in ex.issues[0].message or "docx" in ex.issues[0].message


@needs_lo
@pytest.mark.parametrize("name", ["申请表.fods", "申请表.xml"], ids=["suffix", "saved as .xml"])
def test_flat_xml_spreadsheet_is_converted(tmp_path, make_form, campaign, name):
    """LibreOffice's 'Flat XML' spreadsheet (.fods, one XML file): recognised by its content (office:document with a
    spreadsheet mimetype), converted and read — before, '这是纯文本文件'."""
    fods = convert(make_form(tmp_path / "f.xlsx").read_bytes(), "xlsx", "fods")
    _assert_good_form(extract(fods, name, campaign))


@needs_lo
def test_flat_xml_document_is_converted(tmp_path, make_summary, campaign):
    fodt = convert(make_summary(tmp_path / "s.docx").read_bytes(), "docx", "fodt")
    _assert_good_summary(extract(fodt, "总结材料.fodt", campaign))


@pytest.mark.parametrize("mimetype, shown", [("spreadsheet", "LibreOffice 平面 XML 表格"),
                                             ("text", "LibreOffice 平面 XML 文档")])
def test_flat_xml_without_libreoffice_names_its_format(campaign, monkeypatch, mimetype, shown):
    monkeypatch.setattr(registry, "soffice_path", lambda: None)
    data = ('<?xml version="1.0" encoding="UTF-8"?>\n<office:document '
            'xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0" office:version="1.2" '
            f'office:mimetype="application/vnd.oasis.opendocument.{mimetype}"><office:body/></office:document>')
    ex = extract(data.encode(), "文件.xml", campaign)
    [issue] = ex.issues
    assert issue.code == "file.unsupported" and shown in issue.message and "纯文本" not in issue.message
