"""WPS Office's own suffixes: .et workbooks read natively (no LibreOffice needed), .wps documents converted."""
from __future__ import annotations

import pytest

import toolkit.extract.registry as registry
from conftest import soffice
from toolkit.extract.legacy import convert
from toolkit.extract.registry import extract

needs_lo = pytest.mark.skipif(soffice() is None, reason="LibreOffice (soffice) not installed; .ci/run installs it")


@needs_lo
def test_et_workbook_is_read_without_libreoffice(tmp_path, make_form, campaign, monkeypatch):
    xls = convert(make_form(tmp_path / "f.xlsx").read_bytes(), "xlsx", "xls")
    monkeypatch.setattr(registry, "soffice_path", lambda: None)  # as on a PC without LibreOffice
    ex = extract(xls, "申请表.et", campaign)
    assert ex.kind == "form", ex.issues
    assert ex.form.fields["申报单位"].value == "河北华信精密机械有限公司"
    assert ex.form.yearly["利润总额"][2020].value == 3650.25


@needs_lo
def test_wps_document_is_converted_like_a_doc(tmp_path, make_summary, campaign):
    doc = convert(make_summary(tmp_path / "s.docx").read_bytes(), "docx", "doc")
    ex = extract(doc, "总结材料.wps", campaign)
    assert ex.kind == "summary", ex.issues
    assert {"摘要", "企业概况", "管理方法（技术）的实施效果"} <= set(ex.summary.sections)


def test_wps_without_libreoffice_asks_for_docx(campaign, monkeypatch):
    from toolkit.extract.sniff import OLE_MAGIC

    monkeypatch.setattr(registry, "soffice_path", lambda: None)
    fake = OLE_MAGIC + b"\x00" * 100 + "WordDocument".encode("utf-16-le") + b"\x00" * 100
    ex = extract(fake, "总结材料.wps", campaign)
    assert [i.code for i in ex.issues] == ["file.unsupported"]
    assert ".docx" in ex.issues[0].message or "docx" in ex.issues[0].message
