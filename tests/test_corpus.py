"""Read what enterprises really send: the real-client corpus (tests/corpus.py), extracted file by file.

The corpus is built once per session: 申请表 in five of the enterprises' own layouts × {xlsx written by
openpyxl, xlsx re-saved by LibreOffice, xls, ods}; Word 申请书 and 总结材料 × {docx, doc, odt}; and a
set of hostile or unreadable files. LibreOffice cases skip when soffice is not installed (CI installs it).
"""
from __future__ import annotations

import subprocess
import sys
import time

import pytest

from conftest import ROOT
from corpus import (DOC_FORMATS, DOC_NAMES, EXCEL_FORMATS, EXCEL_LAYOUTS, LO_FORMATS, build_corpus, compare_form,
                    compare_sections, fake_encrypted_ooxml, soffice_available)
from toolkit.extract import registry
from toolkit.extract.registry import extract
from toolkit.model import OTHER

NO_LIBREOFFICE = "LibreOffice (soffice) not installed"
FORM_CASES = [(layout, fmt) for layout in EXCEL_LAYOUTS for fmt in EXCEL_FORMATS]
DOC_CASES = [(name, fmt) for name in DOC_NAMES for fmt in DOC_FORMATS]

# case id -> (values found with location, values expected, passed); read by test_zz_summary
RESULTS: dict = {}


@pytest.fixture(scope="session")
def corpus(tmp_path_factory):
    return build_corpus(tmp_path_factory.mktemp("corpus"), libreoffice=soffice_available())


def _case(corpus, table: dict, key: tuple):
    if key[1] in LO_FORMATS and not soffice_available():
        pytest.skip(NO_LIBREOFFICE)
    case = table.get(key)
    if case is None:
        pytest.fail(f"LibreOffice did not convert {key} {corpus.lo_error}")
    return case


def _extract(case, campaign):
    return extract(case.path.read_bytes(), case.path.name, campaign, file=case.path.name)


def _record(key: tuple, ok: int, total: int, problems: list) -> None:
    RESULTS["×".join(key)] = (ok, total, not problems)


@pytest.mark.parametrize("layout, fmt", FORM_CASES, ids=["×".join(k) for k in FORM_CASES])
def test_form_layout_extracts(corpus, campaign, layout, fmt):
    case = _case(corpus, corpus.forms, (layout, fmt))
    extracted = _extract(case, campaign)
    problems, ok = compare_form(case, extracted, exact_locations=True)
    _record((layout, fmt), ok, case.expected_count, problems)
    assert not problems, f"{case.path.name}:\n" + "\n".join(problems)
    assert extracted.form.source == "labels"  # no defined names: found by labels
    assert not [i for i in extracted.issues if i.severity == "error"]


@pytest.mark.parametrize("name, fmt", DOC_CASES, ids=["×".join(k) for k in DOC_CASES])
def test_word_document_extracts(corpus, campaign, name, fmt):
    case = _case(corpus, corpus.docs, (name, fmt))
    extracted = _extract(case, campaign)
    if case.kind == "application-doc":
        problems, ok = compare_form(case, extracted, exact_locations=False)
    else:
        problems, ok = compare_sections(case.sections, extracted.summary)
        if extracted.kind != case.kind:
            problems.insert(0, f"识别为 {extracted.kind}，应为 {case.kind}（{[i.message for i in extracted.issues]}）")
    _record((name, fmt), ok, case.expected_count, problems)
    assert not problems, f"{case.path.name}:\n" + "\n".join(problems)
    assert not extracted.issues


def test_every_layout_has_a_distinct_shape(corpus):
    """The layouts really differ: where 申报单位 and the 2019 资产总额 are written."""
    spots = {(c.locations["申报单位"], c.locations[("资产总额", 2019)])
             for (layout, fmt), c in corpus.forms.items() if fmt == "xlsx"}
    assert len(spots) == len(EXCEL_LAYOUTS)


# ---------------------------------------------------------------- hostile and unreadable files


def test_hostile_files_yield_one_file_issue(corpus, campaign):
    if soffice_available():
        assert "加密-申请表.xls" in corpus.hostile, f"LibreOffice could not save an encrypted .xls {corpus.lo_error}"
    for name, (path, code) in sorted(corpus.hostile.items()):
        started = time.perf_counter()
        extracted = extract(path.read_bytes(), path.name, campaign, file=path.name)  # never raises
        elapsed = time.perf_counter() - started
        assert [i.code for i in extracted.issues] == [code], (name, [(i.code, i.message) for i in extracted.issues])
        assert extracted.kind == OTHER and extracted.form is None and extracted.summary is None, name
        issue = extracted.issues[0]
        assert issue.severity == "error" and issue.file == path.name and issue.location, name
        assert any("\u4e00" <= ch <= "\u9fff" for ch in issue.message), name
        assert elapsed < 10, f"{name} took {elapsed:.1f}s (a bomb must be refused, not inflated)"


def test_zip_bomb_is_refused_from_its_headers(corpus, campaign):
    path, _code = corpus.hostile["炸弹-申请表.xlsx"]
    assert path.stat().st_size < 1_000_000  # 160 MB of zeros compressed
    started = time.perf_counter()
    extracted = extract(path.read_bytes(), path.name, campaign)
    assert time.perf_counter() - started < 2
    assert "解压后过大" in extracted.issues[0].message


def test_doc_without_libreoffice_is_unsupported(campaign, monkeypatch):
    monkeypatch.setattr(registry, "soffice_path", lambda: None)
    ole_doc = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 504 + "WordDocument".encode("utf-16-le") + b"\x00" * 600
    extracted = extract(ole_doc, "总结材料.doc", campaign)
    assert [i.code for i in extracted.issues] == ["file.unsupported"]
    assert "LibreOffice" in extracted.issues[0].message


def test_encrypted_ooxml_stub_is_encrypted(campaign):
    extracted = extract(fake_encrypted_ooxml(), "申请表.xlsx", campaign)
    assert [i.code for i in extracted.issues] == ["file.encrypted"]


# ---------------------------------------------------------------- the clerk's check command


def _check(*paths) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, str(ROOT / "run.py"), "check", "--show-fields", *map(str, paths)],
                          cwd=ROOT, capture_output=True, text=True, encoding="utf-8", timeout=300)


def test_check_command_on_clean_corpus_files(corpus):
    keys = [("attachment", "xlsx"), ("vertical", "xlsx"), ("split", "xlsx"), ("colon", "xlsx")]
    docs = [("application", "docx"), ("summary-table", "docx"), ("summary-heading", "docx")]
    if soffice_available():
        keys += [("colon", "ods"), ("messy", "xls"), ("attachment", "xlsx-lo")]
        docs += [("summary-cn", "odt")]
    paths = [corpus.forms[k].path for k in keys] + [corpus.docs[k].path for k in docs]
    result = _check(*paths)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "错误｜" not in result.stdout, result.stdout
    assert result.stdout.count("识别为：申请表 ——") == len(keys)
    assert "识别为：申请书（Word）" in result.stdout and result.stdout.count("识别为：总结材料") == len(docs) - 1
    # what was found is shown with where it was found
    assert "申报单位：石家庄四药有限公司  ［申请表 B4 单元格］" in result.stdout
    assert "电子邮箱：liming@jingye.com  ［质量标杆申请表 A7 单元格］" in result.stdout


def test_check_command_on_hostile_files(corpus):
    paths = [path for path, _code in corpus.hostile.values()]
    result = _check(*paths)
    assert result.returncode == 1, result.stdout + result.stderr
    assert result.stdout.count("错误｜") == len(paths)
    assert "Traceback" not in result.stderr


# ---------------------------------------------------------------- the table


def test_zz_summary(capsys):
    """One line for the whole layout × format table (printed), and every recorded case passed."""
    if not RESULTS:
        pytest.skip("no corpus case ran")
    cases_ok = sum(1 for _ok, _total, passed in RESULTS.values() if passed)
    found = sum(ok for ok, _total, _passed in RESULTS.values())
    total = sum(t for _ok, t, _passed in RESULTS.values())
    line = (f"extraction table: {cases_ok}/{len(RESULTS)} layout×format cases, "
            f"{found}/{total} fields extracted with location")
    with capsys.disabled():
        print(f"\n{line}")
    failed = sorted(k for k, (_ok, _t, passed) in RESULTS.items() if not passed)
    assert not failed, f"{line}; failed: {failed}"
