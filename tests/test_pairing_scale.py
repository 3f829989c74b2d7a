"""Pairing stays linear in what cannot be told apart: a form's many versions ('申请表(1).xlsx' … '(N)') are one
candidate for each 总结材料, not N. Counted in comparisons (assemble._pair_evidence calls), never timed."""
from __future__ import annotations

import datetime as dt
import hashlib

import pytest

import toolkit.assemble as assemble_module
from toolkit.assemble import assemble
from toolkit.campaign import CHINA_TZ
from toolkit.model import (
    FORM,
    SUMMARY,
    Extracted,
    FileVersion,
    FormData,
    Section,
    SummaryData,
    Value,
)

DAY = dt.datetime(2021, 9, 1, 10, 0, tzinfo=CHINA_TZ)
UNIT = "石家庄市工业和信息化局"


def _version(path: str, n: int) -> FileVersion:
    return FileVersion(path=path, unit=UNIT, folder=path.split("/")[0],
                       sha256=hashlib.sha256(path.encode()).hexdigest(), size=1000, mtime=1.6e9 + n,
                       first_seen=(DAY + dt.timedelta(seconds=n)).isoformat())


def _form(enterprise: str, title: str) -> Extracted:
    fields = {"申报单位": Value(value=enterprise, text=enterprise, location="B3"),
              "标杆名称": Value(value=title, text=title, location="B4")}
    return Extracted(kind=FORM, form=FormData(fields=fields, yearly={}, source="labels"))


def _summary(enterprise: str, title: str) -> Extracted:
    sections = {"质量标杆名称": Section(key="质量标杆名称", title="质量标杆名称", text=title, chars=len(title)),
                "企业概况": Section(key="企业概况", title="二、企业概况", text=f"{enterprise}成立于1998年。", chars=20)}
    return Extracted(kind=SUMMARY, summary=SummaryData(sections=sections, title=title))


def _inbox(versions_of_one: int, others: int, *, stray: int = 0) -> tuple[list, dict]:
    """One enterprise's pair sent ``versions_of_one`` times as downloads are named, ``others`` pairs of other
    enterprises, and ``stray`` 总结材料 that name no enterprise of the unit (pairing falls back to every form)."""
    files, extracted = [], {}

    def add(path, ex):
        files.append(_version(path, len(files)))
        extracted[path] = ex

    one = "河北华信精密机械有限公司"
    for k in range(1, versions_of_one + 1):
        add(f"石家庄/申请表({k}).xlsx", _form(one, f"{one}实施六西格玛设计的经验"))
        add(f"石家庄/总结材料({k}).docx", _summary(one, f"{one}实施六西格玛设计的经验"))
    for i in range(others):
        firm = f"河北第{i}机械制造有限公司"
        add(f"石家庄/{firm}-申请表.xlsx", _form(firm, f"{firm}推行精益生产的经验"))
        add(f"石家庄/{firm}-总结材料.docx", _summary(firm, f"{firm}推行精益生产的经验"))
    for i in range(stray):
        add(f"石家庄/材料{i}.docx", _summary(f"某某{i}", f"某某{i}推行质量管理的经验"))
    return files, extracted


@pytest.fixture
def comparisons(monkeypatch):
    calls = []
    plain = assemble_module._pair_evidence

    def counted(summary_fv, summary_ex, form_fv, form_ex):
        calls.append((summary_fv.path, form_fv.path))
        return plain(summary_fv, summary_ex, form_fv, form_ex)

    monkeypatch.setattr(assemble_module, "_pair_evidence", counted)
    return calls


@pytest.mark.parametrize("versions", [10, 40])
def test_each_summary_is_compared_once_with_a_form_sent_many_times(campaign, comparisons, versions):
    files, extracted = _inbox(versions, others=3)
    result = assemble(campaign, files, extracted, generated_at=DAY.isoformat())
    app = next(a for a in result.applications if a.enterprise == "河北华信精密机械有限公司")
    assert (app.form_file.name, app.summary_file.name) == (f"申请表({versions}).xlsx", f"总结材料({versions}).docx")
    assert [f.name for f in app.superseded] == [*(f"申请表({k}).xlsx" for k in range(1, versions)),
                                                *(f"总结材料({k}).docx" for k in range(1, versions))]
    assert len(result.applications) == 4 and all(a.form and a.summary for a in result.applications)
    # the versions are one candidate: one comparison for each 总结材料 sent (versions + 3), not versions² + 3
    assert len(comparisons) == versions + 3


def test_stray_summaries_are_compared_with_each_distinct_form_once(campaign, comparisons):
    files, extracted = _inbox(20, others=5, stray=4)
    result = assemble(campaign, files, extracted, generated_at=DAY.isoformat())
    assert sum(1 for a in result.applications if a.summary and not a.form) == 4
    stray = [c for c in comparisons if c[0].startswith("石家庄/材料")]
    # every form of the unit is a candidate of a summary that names none, the 20 versions counting as one
    assert len(stray) == 4 * (1 + 5)
