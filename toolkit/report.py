"""What the console shows: the one-screen end-of-run summary and the `check` report (Chinese)."""
from __future__ import annotations

import datetime as dt
from pathlib import Path

from .campaign import CHINA_TZ, Campaign
from .keys import BENCHMARK, ENTERPRISE
from .messages import display_location
from .messages import title as issue_title
from .model import KIND_LABELS, LATE, SEVERITY_LABELS, WITHDRAWN
from .normalize import plain_number


def end_of_run(report, campaign: Campaign, *, inbox: Path, outbox: Path) -> str:
    """The console's one-screen end of a run, from ``report.brief`` (pipeline.run_brief) — never summary.json."""
    if report.unchanged:
        return _unchanged(report, campaign, inbox=inbox, outbox=outbox)
    b = report.brief
    ignored = b.get("ignored", 0)
    lines = [f"—— {campaign.title} 汇总{'（收件箱无变化，沿用上次结果）' if report.unchanged else '完成'} ——",
             (f"收件箱：{inbox}  文件 {report.files} 个（新读取 {report.parsed}，未变化 {report.cached}"
              f"{f'，另有临时文件 {ignored} 个已忽略' if ignored else ''}），用时 {report.seconds:.1f} 秒"),
             *_headline(b, campaign),
             *_all_late(b, campaign),
             (f"问题：申报项目错误 {b.get('application_errors', 0)} 条、提示 {b.get('application_warnings', 0)} 条；"
              f"其他文件问题：错误 {b.get('file_errors', 0)} 条、提示 {b.get('file_warnings', 0)} 条"
              "（详见省级汇总表“问题清单”）")]
    if b.get("over_quota"):
        shown = "、".join(f"{unit}（占名额的申报 {counted} 项，名额 {quota} 项）" for unit, counted, quota in b["over_quota_shown"])
        lines.append(f"超出名额的推荐单位 {b['over_quota']} 个：{shown}" + _more(b["over_quota"], b["over_quota_shown"]))
    for notice in getattr(report, "notices", ()):
        lines.append(f"注意：{notice}")
    if b.get("pending"):
        lines.append(f"正在复制，下次运行时读取：{b['pending']} 个文件（" + "、".join(b["pending_shown"])
                     + _more(b["pending"], b["pending_shown"]) + "）")
    if b.get("unassigned"):
        lines.append(f"未归属推荐单位的文件 {b['unassigned']} 个：" + "、".join(b["unassigned_shown"])
                     + _more(b["unassigned"], b["unassigned_shown"]))
    lines.append(f"输出：{outbox / 'latest'}（状态页 index.html、省级汇总表.xlsx、推荐意见、回执、推荐排序表、单位文件夹、summary.json）")
    return "\n".join(lines)


def _more(count: int, shown: list) -> str:
    return "……" if count > len(shown) else ""


def _unchanged(report, campaign: Campaign, *, inbox: Path, outbox: Path) -> str:
    """The one-screen summary of a run that found the inbox unchanged: last run's figures (its brief, kept in
    last_run.json; state written before briefs existed has none: then no figures rather than zeros), no
    summary.json read."""
    lines = [f"—— {campaign.title} 汇总（收件箱无变化，沿用上次结果）——",
             f"收件箱：{inbox}  文件 {report.files} 个，用时 {report.seconds:.1f} 秒",
             *(_headline(report.brief, campaign) if report.brief else ["各项数字见上次结果（状态页、省级汇总表）"])]
    lines += [f"注意：{notice}" for notice in report.notices]
    lines.append(f"输出：{outbox / 'latest'}")
    return "\n".join(lines)


def _headline(brief: dict, campaign: Campaign) -> list[str]:
    """The two lines every end of run shows: applications by status, units that sent something and stamps."""
    statuses = "，".join(f"{k} {v}" for k, v in sorted(brief.get("statuses", {}).items(), key=lambda kv: -kv[1]))
    return [f"申报：共 {brief.get('applications', 0)} 项" + (f"，{statuses}" if statuses else ""),
            f"推荐单位：已报送 {brief.get('submitted', 0)}/{brief.get('units', 0)}，盖章推荐意见已收到 "
            f"{brief.get('stamped', 0)} 个；截止时间 {campaign.deadline_text}"]


def _all_late(brief: dict, campaign: Campaign) -> list[str]:
    """When every application (but those withdrawn) came after the deadline, a line on giving another one — after
    an extension, or in a rehearsal of a past campaign, where the files were put in now and the notice's deadline
    makes all 逾期 (a receipt time is when the toolkit first saw the file, so the deadline must be later than
    that). Else []."""
    counts = {status: n for status, n in brief.get("statuses", {}).items() if status != WITHDRAWN}
    if not counts or set(counts) != {LATE}:  # (withdrawn ones aside)
        return []
    tomorrow = (dt.datetime.now(CHINA_TZ) + dt.timedelta(days=1)).strftime("%Y-%m-%d")
    return [(f"全部申报都是截止时间（{campaign.deadline_text}）以后收到的，因此均为“逾期”。截止时间如已延长，请在原命令后"
             f"加上 --deadline 和新的截止时间后重新运行；如果这是演练、材料是刚放入的，截止时间要晚于放入的时间，"
             f"如 --deadline {tomorrow}。")]


def _agreed(compared: tuple[str, ...]) -> str:
    """What `check` says of a pair without a mismatch: only what was compared agrees (rules.pairing.compared_fields);
    a 总结材料 that names no enterprise leaves 申报单位 unchecked, and that is said."""
    why = {ENTERPRISE: "总结材料的企业概况、摘要中没有写出与申请表相同的企业名称", BENCHMARK: "有一份材料没有写标杆名称"}
    left = [key for key in (ENTERPRISE, BENCHMARK) if key not in compared]
    if not compared:
        return f"申报单位、标杆名称都未能比对（{'；'.join(why[key] for key in left)}）"
    tail = "；".join(f"{why[key]}，{key}未能比对" for key in left)
    return "、".join(compared) + "一致" + (f"（{tail}）" if tail else "")


def check_report(results, campaign: Campaign, *, show_fields: bool = False, pairs=(), unpaired=()) -> tuple[str, bool]:
    """What ``run.py check`` prints, and whether anything is an error: each file (``results`` of
    pipeline.check_files) with what it was read as and its problems, then each 申请表 + 总结材料 pair
    (``pairs``/``unpaired`` of pipeline.check_pairs) with the problems only the pair has, then the count."""
    lines, has_errors = [], False
    for path, ex, report in results:
        issues = report.issues
        has_errors = has_errors or not report.valid
        verdict = "有错误" if not report.valid else ("有提示" if issues else "未发现问题")
        lines.append(f"【{path}】识别为：{KIND_LABELS.get(ex.kind, ex.kind)} —— {verdict}")
        if show_fields:
            lines.extend(_field_lines(ex, campaign))
        lines.extend(_issue_line(i) for i in issues)
        lines.append("")
    for form_path, summary_path, report, older, compared in pairs:
        has_errors = has_errors or not report.valid
        if any(i.code == "mismatch" for i in report.errors):
            verdict = "两份材料不一致（见下）"
        else:  # (an error only the pair has beside a mismatch: a 标杆名称 too long in both, to shorten alike)
            verdict = _agreed(compared) + ("，作为一项申报还有错误（见下）" if not report.valid else "")
        lines.append(f"【{form_path} 与 {summary_path}】作为同一项申报核对 —— {verdict}")
        lines.extend(_issue_line(i) for i in report.issues)
        if older:
            lines.append("  说明｜同一申报的其他版本未参加核对（以修改时间最晚的为准；汇总时以最后收到的为准）："
                         + "、".join(map(str, older)))
        lines.append("")
    if unpaired:  # a hint, not an error: check is of single files (SPEC §4a); a run would report pair.missing-*
        lines.append("【未能配对】" + "、".join(map(str, unpaired)) + " —— 有提示")
        lines.append("  提示｜申请表与总结材料未能配对（pair.missing-summary / pair.missing-form） 这些文件没有找到"
                     "同一企业的另一份材料，汇总时会报“缺少总结材料”或"
                     "“缺少申请表”。请一并检查同一企业的申请表和总结材料；两者不在企业自己的文件夹中时，"
                     "请在文件名中写明企业名称，或加上相同的序号（如“1-”）。")
        lines.append("")
    total = sum(len(r[2].errors) for r in results) + sum(len(r[2].errors) for r in pairs)
    lines.append(f"共检查 {len(results)} 个文件，错误 {total} 条。" + ("请按提示修改后重新提交。" if has_errors else ""))
    return "\n".join(lines), has_errors


def _issue_line(i) -> str:
    level = SEVERITY_LABELS.get(i.severity, i.severity)
    where = f"［{display_location(i.location)}］" if i.location else ""
    # (the code: what support and scripts quote)
    return f"  {level}｜{issue_title(i.code, i.severity)}（{i.code}）{where} {i.message}"


_SOURCES = {"defined-names": "模板定义名称", "labels": "按栏目名称", "docx-table": "Word 表格"}


def _field_lines(ex, campaign: Campaign) -> list[str]:
    """``check --show-fields``: every field of every 申请表 the file holds (a workbook of several enterprises'
    forms lists each), each value as read with its cell — one that could not be read as typed, marked 无效 —,
    the 总结材料's sections with their 字数, the 推荐排序表's order."""
    out = []
    forms = ex.all_forms
    for n, form in enumerate(forms, start=1):
        which = f"（第{n}份，共{len(forms)}份：{form.text('申报单位') or '未写申报单位'}）" if len(forms) > 1 else ""
        out.append(f"  申请表栏目{which}（读取方式：{_SOURCES.get(form.source, form.source)}）：")
        for spec in campaign.fields:
            v = form.fields.get(spec.key)
            shown = "  （未找到）" if v is None else f"{_shown(v)}  ［{display_location(v.location)}］"
            out.append(f"    {spec.key}：{shown}")
        for spec in campaign.yearly:
            per = form.yearly.get(spec.key, {})
            parts = [f"{y}年 {_shown(per[y], number=True)}［{display_location(per[y].location)}］" if per.get(y)
                     else f"{y}年 " for y in campaign.base_years]
            out.append(f"    {spec.key}：" + "；".join(parts))
    if ex.summary is not None:
        out.append("  总结材料章节：")
        for spec in campaign.sections:
            s = ex.summary.sections.get(spec.key)
            out.append(f"    {spec.key}：" + (f"{s.chars} 字，图片 {s.images}，表格 {s.tables}" if s else "（未找到）"))
    if ex.ranking:  # (a withdrawn row says so, a row without a rank says that: never 'None')
        out.append("  推荐排序：" + "；".join(f"{_rank_shown(r)} {r.enterprise}" for r in ex.ranking))
    return out


def _rank_shown(row) -> str:
    """A 推荐排序表 row's 推荐顺序 as --show-fields prints it: 撤回, the rank, what was typed that is no rank, or
    未填顺序."""
    if row.withdrawn:
        return "撤回"
    if row.rank is not None:
        return str(row.rank)
    return f"“{row.rank_text}”（不是名次数字）" if row.rank_text else "未填顺序"


def _shown(v, *, number: bool = False) -> str:
    """A value as --show-fields prints it: the value read, or — not readable — what was typed, marked 无效."""
    if not v.ok:
        return f"{v.text or ''}（无效）"
    if v.value is None:
        return ""
    return plain_number(v.value) if number else str(v.value)
