"""Fields as data, all the way: a campaign file that adds a required field and drops 传真 changes the template,
the extraction, the checks, summary.json and the register — and nothing crashes."""
from __future__ import annotations

import json
import re
import zipfile
from pathlib import Path

import openpyxl
import pytest

from conftest import GOOD_VALUES, run_cli
from toolkit.campaign import load_campaign
from toolkit.validate import RULES

DEFAULT = Path(__file__).resolve().parents[1] / "toolkit" / "campaigns" / "hebei-2021.toml"
CREDIT = '''
[[fields]]
key = "统一社会信用代码"
id = "credit_code"
type = "text"
required = true
synonyms = ["社会信用代码", "信用代码"]
pattern = "[0-9A-HJ-NPQRTUWXY]{2}[0-9]{6}[0-9A-HJ-NPQRTUWXY]{10}"
pattern_hint = "填写营业执照上的18位统一社会信用代码"
row = 9
rules = ["fields"]
'''
GOOD_CODE = "91130100MA0CXXXX1A".replace("X", "7")


def _campaign_file(tmp_path: Path) -> Path:
    text = DEFAULT.read_text(encoding="utf-8")
    text = re.sub(r"\[\[fields\]\]\nkey = \"传真\".*?(?=\n\[\[)", "", text, flags=re.S)
    text = text.replace("# yearly figures", CREDIT + "\n# yearly figures", 1)
    path = tmp_path / "2022年活动.toml"
    path.write_text(text, encoding="utf-8")
    return path


def _fill(template: Path, target: Path, values: dict) -> None:
    """Fill the template through its defined names, as an enterprise would in Excel."""
    wb = openpyxl.load_workbook(template)
    for name, dn in wb.defined_names.items():
        for sheet, ref in dn.destinations:
            key, _, year = name.rpartition("_")
            if name in values:
                wb[sheet][ref.replace("$", "")] = values[name]
            elif year.isdigit() and key in values:
                wb[sheet][ref.replace("$", "")] = values[key][int(year)]
    wb.save(target)


def _by_id(campaign, values: dict) -> dict:
    out = {}
    for spec in (*campaign.fields, *campaign.yearly):
        if spec.key in values:
            out[spec.id] = values[spec.key]
    return out


def test_added_field_and_dropped_fax_go_all_the_way(tmp_path, make_summary):
    campaign_file = _campaign_file(tmp_path)
    campaign = load_campaign(campaign_file)
    assert "传真" not in {f.key for f in campaign.fields}
    templates = tmp_path / "templates"
    proc = run_cli("templates", "--out", templates, "--campaign", campaign_file)
    assert proc.returncode == 0, proc.stderr

    # the template has the new field, with its defined name and its input message; no 传真 anywhere
    wb = openpyxl.load_workbook(templates / "申请表.xlsx")
    ws = wb["申请表"]
    labels = [c.value for row in ws.iter_rows() for c in row if isinstance(c.value, str)]
    assert "统一社会信用代码" in labels
    assert "credit_code" in wb.defined_names
    assert not any("传真" in text for text in labels)
    assert "fax" not in wb.defined_names
    with zipfile.ZipFile(templates / "申请表.xlsx") as zf:
        assert not any("传真" in zf.read(n).decode("utf-8", "ignore") for n in zf.namelist() if n.endswith(".xml"))
    [credit_cell] = [c for row in ws.iter_rows() for c in row if c.value == "统一社会信用代码"]
    validations = {str(dv.sqref): dv for dv in ws.data_validations.dataValidation}
    value_cell = ws.cell(row=credit_cell.row, column=credit_cell.column + 1).coordinate
    assert "18位统一社会信用代码" in validations[value_cell].prompt

    inbox = tmp_path / "inbox" / "石家庄"
    inbox.mkdir(parents=True)
    good = {k: v for k, v in GOOD_VALUES.items() if k != "传真"}
    _fill(templates / "申请表.xlsx", inbox / "1-华信-申请表.xlsx", _by_id(campaign, {**good, "统一社会信用代码": GOOD_CODE}))
    make_summary(inbox / "1-华信-总结材料.docx")
    other = "河北恒达轴承有限公司"
    bad = {**good, "申报单位": other, "标杆名称": f"{other}推行精益生产的经验", "统一社会信用代码": "1234"}
    _fill(templates / "申请表.xlsx", inbox / "2-恒达-申请表.xlsx", _by_id(campaign, bad))
    make_summary(inbox / "2-恒达-总结材料.docx", enterprise=other, name=f"{other}推行精益生产的经验")

    out = tmp_path / "outbox"
    proc = run_cli("batch", "--inbox", tmp_path / "inbox", "--outbox", out, "--campaign", campaign_file,
                   "--deadline", "2099-12-31", "--settle", "0")
    assert proc.returncode == 0, proc.stderr
    assert "Traceback" not in proc.stderr
    summary = json.loads((out / "latest" / "summary.json").read_text(encoding="utf-8"))
    apps = {a["enterprise"]: a for a in summary["applications"]}
    assert apps["河北华信精密机械有限公司"]["fields"]["统一社会信用代码"] == GOOD_CODE
    assert apps["河北华信精密机械有限公司"]["status"] == "通过", apps["河北华信精密机械有限公司"]["issues"]
    [issue] = [i for i in apps[other]["issues"] if i["field"] == "统一社会信用代码"]
    assert issue["code"] == "field.invalid" and "18位统一社会信用代码" in issue["message"]
    assert apps[other]["status"] == "需补正"
    assert "传真" not in (out / "latest" / "summary.json").read_text(encoding="utf-8")

    register = openpyxl.load_workbook(out / "latest" / "省级汇总表.xlsx")
    detail = register["申报明细"]
    headers = [c.value for c in next(detail.iter_rows(min_row=1, max_row=1))]
    assert "统一社会信用代码" in headers and not any("传真" in str(h) for h in headers)
    column = headers.index("统一社会信用代码")
    codes = {row[3]: row[column] for row in detail.iter_rows(min_row=2, values_only=True) if row[3]}
    assert codes["河北华信精密机械有限公司"] == GOOD_CODE


def test_a_campaign_without_a_key_the_checks_need_is_refused(tmp_path):
    text = DEFAULT.read_text(encoding="utf-8")
    text = re.sub(r"\[\[fields\]\]\nkey = \"标杆名称\".*?(?=\n\[\[)", "", text, flags=re.S)
    path = tmp_path / "bad.toml"
    path.write_text(text, encoding="utf-8")
    proc = run_cli("templates", "--out", tmp_path / "t", "--campaign", path)
    assert proc.returncode == 2 and "标杆名称" in proc.stderr and "Traceback" not in proc.stderr


@pytest.mark.parametrize("bad, words", [('type = "text"', 'type = "date"'), ('pattern = "[0-9A-HJ', 'pattern = "([0-9A-HJ')])
def test_a_wrong_field_setting_is_a_configuration_error(tmp_path, bad, words):
    path = tmp_path / "bad.toml"
    text = _campaign_file(tmp_path).read_text(encoding="utf-8")
    target = text.index('key = "统一社会信用代码"')
    head, tail = text[:target], text[target:]
    path.write_text(head + tail.replace(bad, words, 1), encoding="utf-8")
    proc = run_cli("templates", "--out", tmp_path / "t", "--campaign", path)
    assert proc.returncode == 2 and "统一社会信用代码" in proc.stderr and "Traceback" not in proc.stderr


def test_fields_name_only_rules_that_exist():
    names = {rule.name for rule in RULES} | {"duplicates", "sizeclass"}  # unit-level decisions and derivations
    campaign = load_campaign()
    for spec in (*campaign.fields, *campaign.yearly):
        assert spec.rules and set(spec.rules) <= names, (spec.key, spec.rules)


@pytest.mark.parametrize("written, named, region_of", [
    ("邯郸", ("邯郸市",), "邯郸市"), ("河北省邯郸市丛台区", ("邯郸市",), "邯郸市"),
    ("保定市定州市", ("保定市", "定州市"), "定州市"), ("石家庄市 辛集市", ("石家庄市", "辛集市"), "辛集市"),
    ("雄安", ("雄安新区",), "雄安新区"), ("ＳＪＺ石家庄", ("石家庄市",), "石家庄市"),
    ("定州市（保定代管）", ("定州市",), "定州市"), ("雄安新区(保定市雄县)", ("雄安新区",), "雄安新区"),
    ("高新区（石家庄）", ("石家庄市",), "石家庄市"), ("北京市", (), "北京市"), ("", (), "未填写")])
def test_regions_a_written_place_names(written, named, region_of):
    """One rule for the 所在地区 check, the 统计 sheet's grouping and a unit's own region: each region found by its
    stem, in the order written; the 统计 sheet takes the last, the most specific."""
    campaign = load_campaign()
    assert campaign.regions_named(written) == named
    assert campaign.region_of(written) == region_of


@pytest.mark.parametrize("unit, region", [
    ("石家庄市工业和信息化局", "石家庄市"), ("辛集市工业和信息化局", "辛集市"), ("定州市工业和信息化局", "定州市"),
    ("雄安新区改革发展局", "雄安新区"), ("河北省冶金行业协会", None)])
def test_the_region_a_unit_name_carries(unit, region):
    assert load_campaign().unit_region(unit) == region
