"""The demo end to end: outputs exist, planted mistakes carry their codes, the register matches summary.json."""
from __future__ import annotations

import openpyxl
from docx import Document

from toolkit.demo import PLANTED, PLANTED_FILES
from toolkit.messages import title


def test_demo_writes_every_output(demo_run, campaign):
    inbox, outbox, summary, proc = demo_run
    latest = outbox / "latest"
    assert (latest / "summary.json").is_file()
    assert (latest / "省级汇总表.xlsx").is_file()
    with_apps = {a["unit"] for a in summary["applications"]}
    assert len(with_apps) == 26
    for unit in with_apps:
        assert (latest / "推荐意见" / f"{unit}-推荐意见.docx").is_file()
        assert (latest / "推荐排序表" / f"{unit}-推荐排序表.xlsx").is_file()
    assert len(list((latest / "回执").glob("*-回执.xlsx"))) == 26
    assert "汇总完成" in proc.stdout and "outbox" in proc.stdout


def test_planted_mistakes_have_their_codes(demo_run):
    _, _, summary, _ = demo_run
    by_unit = {}
    for a in summary["applications"]:
        by_unit.setdefault(a["unit"], []).append(a)
    for unit, _position, code in PLANTED:
        codes = {i["code"] for a in by_unit[unit] for i in a["issues"]}
        assert code in codes, (unit, code, codes)
    file_codes = {f["file"]: {i["code"] for i in f["issues"]} for f in summary["files"]}
    for path, code in PLANTED_FILES:
        assert code in file_codes[path], (path, file_codes.get(path))


def test_clean_applications_pass(demo_run):
    _, _, summary, _ = demo_run
    planted_units = {u for u, _, _ in PLANTED}
    clean = [a for a in summary["applications"] if a["unit"] not in planted_units]
    assert len(clean) >= 25
    assert all(a["status"] == "通过" for a in clean), [(a["enterprise"], a["issues"]) for a in clean
                                                       if a["status"] != "通过"]
    # a clean application is clean: no hint but the one a unit without numbered files is meant to show
    assert {i["code"] for a in clean for i in a["issues"]} <= {"rank.missing"}
    statuses = {a["status"] for a in summary["applications"]}
    assert {"通过", "需补正", "超出名额", "逾期", "不符合申报条件"} <= statuses


def test_nothing_lost(demo_run):
    inbox, _, summary, _ = demo_run
    from toolkit.discover import OWN_FILES

    on_disk = {p.relative_to(inbox).as_posix() for p in inbox.rglob("*") if p.is_file() and p.name not in OWN_FILES}
    listed = {f["file"] for f in summary["files"]}
    assert on_disk == listed  # every submitted file (not the demo's own marker)


def test_register_rows_match_summary(demo_run):
    _, outbox, summary, _ = demo_run
    wb = openpyxl.load_workbook(outbox / "latest" / "省级汇总表.xlsx", read_only=True)
    assert wb.sheetnames[:5] == ["推荐汇总表", "全部申报", "推荐单位情况", "问题清单", "统计"]
    rows = list(wb["全部申报"].iter_rows(values_only=True))
    assert "全部申报情况" in rows[0][0]
    header, data = rows[1], rows[2:]
    assert data and len(data) == len(summary["applications"])
    col = {(name or "").replace("\n", ""): i for i, name in enumerate(header)}  # (headers break)
    for row, app in zip(data, summary["applications"]):
        assert row[col["推荐单位"]] == app["unit"]
        assert row[col["申报单位"]] == app["enterprise"]
        assert row[col["标杆名称"]] == app["benchmark_name"]
        assert row[col["推荐顺序"]] == app["rank"]
        assert row[col["状态"]] == app["status"]
        assert (row[col["企业规模"]] or "") == app["size_class"]
        profit = app["fields"].get("利润总额", {})
        for year in ("2018", "2019", "2020"):
            assert row[col[f"{year}年利润总额（万元）"]] == profit.get(year)
    units = list(wb["推荐单位情况"].iter_rows(min_row=3, max_row=28, values_only=True))
    for row, unit in zip(units, summary["units"]):
        assert row[1] == unit["unit"] and row[3] == unit["quota"] and row[4] == unit["received"]
        assert row[5] == unit["passed"] and row[6] == unit["over_quota"]
    issues = list(wb["问题清单"].iter_rows(min_row=3, values_only=True))
    assert len(issues) >= sum(len(a["issues"]) for a in summary["applications"])
    detail = list(wb["申报明细"].iter_rows(values_only=True))
    dcol = {(name or "").replace("\n", ""): i for i, name in enumerate(detail[0])}
    for row, app in zip(detail[1:], summary["applications"]):
        assert row[dcol["申报单位"]] == app["enterprise"]
        for key in ("联系人", "电子邮箱", "所属行业"):
            assert row[dcol[key]] == (app["fields"].get(key) or None), key
        assets = app["fields"].get("资产总额", {})
        assert row[dcol["2020年资产总额（万元）"]] == (assets.get("2020") if isinstance(assets.get("2020"), float) else None)


def test_register_print_and_view_setup(demo_run):
    _, outbox, _, _ = demo_run
    wb = openpyxl.load_workbook(outbox / "latest" / "省级汇总表.xlsx")
    ws = wb["全部申报"]
    assert ws.freeze_panes == "E3"
    assert ws.auto_filter.ref and ws.auto_filter.ref.startswith("A2:")
    assert ws.page_setup.orientation == "landscape"
    assert ws.print_title_rows == "$2:$2"
    assert ws.sheet_properties.pageSetUpPr.fitToPage
    assert wb["统计"]._charts, "统计 sheet has charts"


def test_opinion_lists_ranked_applications_with_stamp_area(demo_run):
    _, outbox, summary, _ = demo_run
    unit = "唐山市工业和信息化局"
    doc = Document(outbox / "latest" / "推荐意见" / f"{unit}-推荐意见.docx")
    text = "\n".join(p.text for p in doc.paragraphs)
    cells = [[c.text for c in r.cells] for t in doc.tables for r in t.rows]
    all_text = text + "\n" + "\n".join("\t".join(r) for r in cells)
    assert "（加盖公章）" in all_text and f"{unit}关于推荐\n2021年河北省工业企业质量标杆的意见" in all_text  # 标题 on 2 lines
    ranked = [a for a in summary["applications"] if a["unit"] == unit and a["status"] != "超出名额"]
    rows = [r for r in cells if r and r[0].isdigit()]
    assert [r[1] for r in rows] == [a["enterprise"] for a in sorted(ranked, key=lambda a: a["rank"])][:3]
    assert [r[0] for r in rows] == ["1", "2", "3"]
    assert "{{" not in all_text and "{%" not in all_text


def test_receipt_shows_planted_mistakes_with_location_and_fix(demo_run):
    _, outbox, _, _ = demo_run
    for unit, _pos, code in PLANTED:
        wb = openpyxl.load_workbook(outbox / "latest" / "回执" / f"{unit}-回执.xlsx", read_only=True)
        rows = list(wb["问题及修改方法"].iter_rows(min_row=2, values_only=True))
        titles = {r[3] for r in rows}
        assert title(code) in titles, (unit, code, titles)
        row = next(r for r in rows if r[3] == title(code))
        assert row[5], f"{unit} {code}: location"  # 位置
        assert row[8] and "请" in row[8], f"{unit} {code}: fix"  # 修改方法


def test_opinion_is_a_draft_while_applications_need_fixing(demo_run):
    _, outbox, summary, _ = demo_run

    def text_of(unit):
        doc = Document(outbox / "latest" / "推荐意见" / f"{unit}-推荐意见.docx")
        return "\n".join([p.text for p in doc.paragraphs] + [c.text for t in doc.tables for r in t.rows
                                                                for c in r.cells])

    unit = "邢台市工业和信息化局"  # one application with a planted mismatch (需补正)
    fixing = [a["enterprise"] for a in summary["applications"] if a["unit"] == unit and a["status"] == "需补正"]
    text = text_of(unit)
    assert fixing and "【草稿，请勿盖章】" in text and fixing[0] in text.split("推荐意见")[0]
    passed = [a["enterprise"] for a in summary["applications"] if a["unit"] == unit and a["status"] == "通过"]
    doc = Document(outbox / "latest" / "推荐意见" / f"{unit}-推荐意见.docx")
    listed = [r.cells[1].text for t in doc.tables for r in t.rows if r.cells[0].text.isdigit()]
    assert listed == passed
    assert "草稿" not in text_of("唐山市工业和信息化局")


def test_statistics_count_every_application_once(demo_run):
    """The 统计 sheet's figures (pandas group-bys over assembly's keys) add up to summary.json's."""
    import openpyxl

    _, outbox, summary, _ = demo_run
    ws = openpyxl.load_workbook(outbox / "latest" / "省级汇总表.xlsx")["统计"]
    rows = list(ws.iter_rows(min_row=3, values_only=True))
    tables, current = {}, None
    for label, count, passed, *_ in rows:
        if count == "项数":
            current = label
            tables[current] = {}
        elif current and label and label != "合计" and isinstance(count, (int, float)):
            tables[current][label] = (count, passed)
    apps = summary["applications"]
    for name, table in tables.items():
        assert sum(c for c, _ in table.values()) == len(apps), name
        assert sum(p for _, p in table.values()) == sum(a["status"] == "通过" for a in apps), name
    statuses = {}
    for a in apps:
        statuses[a["status"]] = statuses.get(a["status"], 0) + 1
    assert {k: v[0] for k, v in tables["按状态"].items()} == statuses


def test_draft_opinions_name_each_reason_and_final_ones_have_none(demo_run):
    """Demo units covering each draft reason get a draft naming it; a unit with its own order and everything
    passed gets a final opinion (the 推荐意见 document itself is read)."""
    import docx

    _, outbox, summary, _ = demo_run
    units = {u["unit"]: u for u in summary["units"]}

    def opinion_text(unit):
        document = docx.Document(str(outbox / "latest" / "推荐意见" / f"{unit}-推荐意见.docx"))
        return "\n".join(p.text for p in document.paragraphs)

    reasons = {"需补正": [], "无法读取或识别": [], "按收到材料的先后排列": []}
    for name, unit in units.items():
        text = opinion_text(name) if unit["received"] else ""
        if unit["opinion_final"]:
            assert "草稿" not in text, name
            continue
        assert "【草稿，请勿盖章】" in text, name
        for reason in unit["draft_reasons"]:
            assert reason in text, (name, reason)
        for key in reasons:
            if any(key in r for r in unit["draft_reasons"]):
                reasons[key].append(name)
    assert all(reasons.values()), reasons  # each reason occurs in the demo
    # 张家口 has an unreadable file and no order of its own: both reasons, although every application passed
    zjk = units["张家口市工业和信息化局"]
    assert zjk["passed"] == zjk["received"] and zjk["file_errors"] == 1 and len(zjk["draft_reasons"]) == 2
    # a unit with its own order (file-name numbers) and everything passed: final, no banner
    final = [u for u in units.values() if u["opinion_final"] and u["rank_source"] in ("推荐排序表", "文件名序号")
             and u["received"] >= 2 and u["passed"] == u["received"]]
    assert final and "草稿" not in opinion_text(final[0]["unit"])


def test_the_file_count_agrees_everywhere(demo_run):
    """The demo's own marker file is nobody's submission: the count the demo prints, the run's files plus the
    temporary files it ignored, and summary.json's file list agree (they read 150, 149 + 2 and 151)."""
    import re

    _, _, summary, proc = demo_run
    written = int(re.search(r"(\d+) 个文件）", proc.stdout).group(1))
    read, ignored = re.search(r"文件 (\d+) 个（新读取 \d+，未变化 \d+(?:，另有临时文件 (\d+) 个已忽略)?）", proc.stdout).groups()
    assert written == int(read) + int(ignored or 0) == len(summary["files"])
    assert not any(f["file"].endswith(".zlbg-demo") for f in summary["files"])
