"""File and folder names normalised the way values are before units, rank prefixes and enterprises are read."""
from __future__ import annotations

import datetime as dt
import json

import pytest

from toolkit.campaign import CHINA_TZ
from toolkit.units import resolve_unit
from toolkit.normalize import normalize_filename
from toolkit.pipeline import run
from toolkit.rules.ranking import prefix_rank


@pytest.mark.parametrize("name, rank", [
    ("1-华信-申请表.xlsx", 1), ("１－华信－申请表.xlsx", 1), ("2—华信.xlsx", 2), ("3–华信.xlsx", 3),
    ("4ー华信.xlsx", 4), ("【2】华信.xlsx", 2), ("〔3〕华信.xlsx", 3), ("（１）华信.xlsx", 1), ("第２名华信.xlsx", 2),
    ("第三名 华信.xlsx", 3), ("０２_华信.xlsx", 2), ("\u200b1-华信.xlsx", 1), ("　1 华信.xlsx", 1), ("华信.xlsx", None),
    ("2021年华信.xlsx", None),
])
def test_rank_prefix_whatever_the_typing(name, rank):
    assert prefix_rank(name) == rank


@pytest.mark.parametrize("folder, unit", [
    ("石家庄", "石家庄市工业和信息化局"), ("石家庄市工信局　", "石家庄市工业和信息化局"),
    ("０１－石家庄", "石家庄市工业和信息化局"), ("01—石家庄市工业和信息化局", "石家庄市工业和信息化局"),
    ("【1】石家庄市工业和信息化局", "石家庄市工业和信息化局"), ("ｘｉｎｇｔａｉ", None), ("唐山 市 工信局", "唐山市工业和信息化局"),
    ("冶金协会", "河北省冶金行业协会"),
])
def test_unit_folder_whatever_the_typing(campaign, folder, unit):
    found = resolve_unit(folder, campaign)
    assert (found.name if found else None) == unit


def test_normalize_filename_keeps_words_apart():
    assert normalize_filename(" １－恒瑞精工　申请表 .xlsx") == "1-恒瑞精工 申请表.xlsx"
    assert normalize_filename("【２】恒瑞—总结材料.DOCX") == "(2)恒瑞-总结材料.DOCX"


def test_full_width_names_rank_and_pair(tmp_path, make_form, make_summary, campaign):
    unit = tmp_path / "inbox" / "０３－沧州市工信局"
    make_form(unit / "２－华信－申请表.xlsx")
    make_summary(unit / "２—华信—总结材料.docx")
    make_form(unit / "【１】恒达－申请表.xlsx", 申报单位="河北恒达轴承有限公司", 标杆名称="河北恒达轴承有限公司推行精益生产的经验")
    make_summary(unit / "（１）恒达－总结材料.docx", enterprise="河北恒达轴承有限公司",
                 name="河北恒达轴承有限公司推行精益生产的经验")
    run(tmp_path / "inbox", tmp_path / "out", campaign, settle=0, workers=1,
        now=dt.datetime(2021, 9, 1, tzinfo=CHINA_TZ))
    s = json.loads((tmp_path / "out" / "latest" / "summary.json").read_text(encoding="utf-8"))
    apps = [(a["unit"], a["rank"], a["enterprise"], a["status"], a["rank_source"]) for a in s["applications"]]
    assert [a[:4] for a in apps] == [("沧州市工业和信息化局", 1, "河北恒达轴承有限公司", "通过"),
                                    ("沧州市工业和信息化局", 2, "河北华信精密机械有限公司", "通过")]
    assert all(not any(i["code"].startswith("rank.") for i in a["issues"]) for a in s["applications"])
