"""The catalogue of issues: code -> severity, Chinese title, message template and how to fix it.

Every issue the toolkit reports is made here, so wording stays consistent and testable.
"""
from __future__ import annotations

import re
from dataclasses import dataclass

from .model import ERROR, OTHER, WARNING, Extracted, Issue


@dataclass(frozen=True)
class Template:
    severity: str
    title: str
    message: str  # str.format template
    fix: str  # str.format template
    hint_title: str = ""  # the title of the code's warnings (提示), when they are not about something wrong


CATALOGUE: dict[str, Template] = {
    "file.unreadable": Template(ERROR, "文件无法读取",
                                "文件无法打开：{reason}。",
                                "请用 Excel/WPS/Word 打开确认文件完好后重新另存为 .xlsx 或 .docx 再提交。"),
    "file.encrypted": Template(ERROR, "文件设置了密码",
                               "文件设置了打开密码，无法读取。",
                               "请在 Excel/WPS/Word 中取消文件密码（文件→信息→保护→用密码进行加密，清空密码）后重新提交。"),
    "file.unsupported": Template(ERROR, "文件格式不支持",
                                 "{reason}",
                                 "请将申请表另存为 Excel 工作簿（.xlsx），总结材料另存为 Word 文档（.docx）后重新提交。"),
    "file.unrecognized": Template(ERROR, "无法识别的文件",
                                  "文件能打开，但既不是申请表、总结材料、申请书，也不是推荐排序表{reason}。",
                                  "请使用省厅下发的模板（申请表.xlsx、总结材料.docx）填写，或删除与申报无关的文件。"),
    "unit.unknown": Template(ERROR, "无法确定推荐单位",
                             "{reason}",
                             "请把文件放在本单位的文件夹中（文件夹名用推荐单位全称或简称，如“石家庄市工业和信息化局”或“石家庄”）。"),
    "pair.missing-summary": Template(ERROR, "缺少总结材料",
                                     "申报单位“{enterprise}”有申请表，但未找到对应的总结材料（Word）。",
                                     "请补交该企业的总结材料（.docx），文件名或“企业概况”中写明企业名称。"),
    "pair.missing-form": Template(ERROR, "缺少申请表",
                                  "总结材料“{name}”未找到对应的申请表（Excel）。",
                                  "请补交该企业的申请表（用省厅下发的“申请表.xlsx”模板填写），申报单位与标杆名称须与总结材料一致。"),
    "field.missing": Template(ERROR, "必填项未填写",
                              "“{field}”未填写。",
                              "请在{location}填写“{field}”。"),
    "field.invalid": Template(ERROR, "填写内容无效",
                              "“{field}”填写的“{value}”{reason}。",
                              "请在{location}按要求改正“{field}”：{hint}。",
                              hint_title="填写内容请核对"),  # (amounts converted, fields read by their labels …)
    # (length: '共50字', or where each is: '在申请表和总结材料中都是50字'; both: '都' when it is long in both places;
    # same: what it must agree with — the other place's name)
    "name.too-long": Template(ERROR, "标杆名称超过字数限制",
                              "标杆名称{length}，超过{limit}字的限制。",
                              "请将{location}的标杆名称{both}精简到{limit}字以内{same}，"
                              "命名规则为（企业）+（典型方法技术）+（经验），如“{example}”。"),
    "name.pattern": Template(WARNING, "标杆名称不符合命名规则",
                             "标杆名称“{name}”{reason}。",
                             "命名规则为（企业）+（典型方法技术）+（经验），如“{example}”，请在{location}修改。"),
    "section.missing": Template(ERROR, "总结材料缺少章节",
                                "总结材料中“{section}”部分{state}。",
                                "请在总结材料中补充“{heading}”部分及其内容（可参照省厅下发的“总结材料.docx”模板）。"),
    "section.guidance": Template(WARNING, "模板的填写说明未删除",
                                 "总结材料{where}中仍有{paragraphs}段模板的填写说明（如“{excerpt}”），这些文字不计入字数。",
                                 "请删除总结材料中模板的填写说明（括号中以“填写时请删除本段说明”结尾的文字，可在 Word 中按"
                                 " Ctrl+F 查找这几个字）后再报送。"),
    "section.repeated": Template(WARNING, "章节标题重复",
                                 "总结材料中“{section}”部分的标题出现了{times}次（“{titles}”），各处的内容合计{count}字，"
                                 "都按“{section}”部分统计。",
                                 "请核对是否重复粘贴了内容：只保留一处“{section}”部分，删除多余的标题和内容后再报送。"),
    "section.too-short": Template(WARNING, "章节内容过少",
                                  "“{section}”部分只有{count}字，内容可能不够详实（通知要求总结材料“内容详实”）。",
                                  "请充实“{section}”部分的内容（建议不少于{minimum}字），确认无误可忽略本提示。"),
    "section.too-long": Template(ERROR, "章节超过字数限制",
                                 "“{section}”部分共{count}字，超过{limit}字的限制（按 Word 字数统计）。",
                                 "请将“{section}”部分删减到{limit}字以内（Word“审阅→字数统计”可查看字数）。"),
    "mismatch": Template(ERROR, "申请表与总结材料不一致",
                         "{form_side}的{field}为“{form_value}”，{other_side}中为“{summary_value}”，两者不一致。",
                         "请核对{location}与{other_side}中的{field}，使两者一致。"),
    "eligibility.branch": Template(ERROR, "不具有独立法人资格",
                                   "申报单位“{enterprise}”是分支机构（{word}）的名称。分支机构不具有独立法人资格，"
                                   "不符合申报条件（通知：申报企业须具有独立法人资格）。",
                                   "请由具有独立法人资格的企业（所属的总公司、总厂）申报，在{location}和总结材料中填写其营业执照上的"
                                   "名称；名称写错了的，请改正。"),
    "eligibility.unprofitable": Template(ERROR, "不满足近三年连续盈利条件",
                                         "{years}年利润总额不大于0（{values}），不满足“近三年连续保持盈利”的申报条件。",
                                         "如填写有误请在{location}更正利润总额；确未盈利的企业不符合申报条件。"),
    "region.other": Template(WARNING, "所在地区与推荐单位不符",
                             "申请表的所在地区为“{written}”，推荐单位是{unit}（{region}）。",
                             "请核对{location}的所在地区：本地区的企业请{pick}“{region}”（县级市、新区的企业不要填其所在的"
                             "设区市）；确是其他地区的企业，请与企业所在地的推荐单位联系，由其推荐。"),
    "finance.suspicious": Template(WARNING, "财务数据可能有误",
                                   "{reason}",
                                   "请核对{location}的数据（金额单位为万元，从业人员单位为人），确认无误可忽略本提示。"),
    "quota.exceeded": Template(ERROR, "超出推荐名额",
                               "本单位可推荐的申报共{received}项，名额为{quota}项；“{enterprise}”按推荐顺序排第{rank}位，超出名额。",
                               "请在推荐排序表中调整推荐顺序；不再推荐的企业，请把它的材料移出本单位文件夹，"
                               "或放入本单位文件夹中名为“已撤回”的子文件夹。本单位最多推荐{quota}项。"),
    "rank.missing": Template(WARNING, "未给出推荐顺序",
                             "{reason}",
                             "请填写汇总结果中本单位的推荐排序表（与回执放在一起的“本单位-推荐排序表.xlsx”）后放回本单位文件夹，或在文件名前加序号（如“1-企业名称-申请表.xlsx”）。"),
    "rank.gap": Template(WARNING, "推荐顺序不连续",
                         "{reason}",
                         "请核对是否漏列了企业；没有漏列的，推荐意见按重新编号后的顺序排列，如需消除本提示，请把推荐排序表中的"
                         "推荐顺序改为连续的 1、2、3…后放回本单位文件夹。"),
    "rank.conflict": Template(ERROR, "推荐顺序有冲突",
                              "{reason}",
                              "请在推荐排序表中为每个申报项目填写唯一的推荐顺序（1、2、3…），并确保企业名称与申请表一致。"),
    "duplicate.enterprise": Template(ERROR, "同一企业重复推荐",
                                     "企业“{enterprise}”被重复推荐：另见{other}。",
                                     "同一企业只能申报一项，请与{units}协商保留一项。",
                                     # its warnings: another copy not recommended, or a re-titled resubmission
                                     hint_title="同一企业另有报送，请核对"),
    "version.resaved": Template(WARNING, "较早的文件在修改版之后又被保存",
                                "“{name}”在“{other}”之后又被修改保存（{received_at}收到），现以它为准，“{other}”未采用。",
                                "如应以“{other}”为准，请把“{name}”移出本单位文件夹或删除后重新汇总；确以它为准的，可忽略本提示。"),
    "deadline.late": Template(ERROR, "逾期提交",
                              "文件“{name}”于{received_at}首次收到，晚于截止时间{deadline}，按通知要求逾期不再受理。",
                              "如确有特殊情况，请联系省厅；省厅同意延期后会按新的截止时间重新汇总。"),
}


def make_issue(code: str, *, file: str = "", location: str = "", field: str = "", severity: str | None = None,
               fix: str | None = None, note: str = "", message: str | None = None, **values) -> Issue:
    """Build an Issue from the catalogue; unknown placeholders are left visible rather than raising.

    ``fix`` replaces the catalogue's how-to-fix text where a case needs other advice (e.g. a late correction);
    ``message`` replaces its message where the template would read oddly (a notice about a whole sheet rather
    than what a field holds); ``note`` is a sentence added after the message, before the fix (e.g. which
    unreadable file may be the missing one).
    """
    template = CATALOGUE[code]
    context = _Defaults(file=file, location=display_location(location) or "相应位置", field=field, **values)
    message = (template.message.format_map(context) if message is None else message) + note
    fix = fix if fix is not None else template.fix.format_map(context)
    return Issue(code=code, severity=severity or template.severity, file=file, location=location, field=field,
                 message=f"{message}{fix}", fix=fix)


_CELL = re.compile(r"^(?P<sheet>.+)!\$?(?P<col>[A-Z]{1,3})\$?(?P<row>\d+)$")


def display_location(location: str) -> str:
    """A location as a clerk reads it: '申请表!B7' -> '申请表 B7 单元格' (several joined by '、' likewise);
    section names and other locations unchanged. Issue.location keeps the machine form (SPEC §6)."""
    if "!" not in location:
        return location
    parts = []
    for part in location.split("、"):
        m = _CELL.match(part.strip())
        parts.append(f"{m.group('sheet')} {m.group('col')}{m.group('row')} 单元格" if m else part)
    return "、".join(parts)


def display_field(issue) -> str:
    """The field an issue is about, as a column beside its location shows it: '' when it only repeats the
    location (推荐顺序 / 推荐顺序 of a quota or ranking issue)."""
    return "" if issue.field == display_location(issue.location) else issue.field


class _Defaults(dict):
    def __missing__(self, key):
        return "{" + key + "}"


def title(code: str, severity: str = "") -> str:
    """The Chinese title of an issue of ``code`` (the code itself when unknown); of a warning (``severity``
    WARNING), the code's ``hint_title`` when it has one: '填写内容请核对', not '填写内容无效', over an amount
    converted to 万元 or fields read by their labels."""
    template = CATALOGUE.get(code)
    if template is None:
        return code
    return template.hint_title if severity == WARNING and template.hint_title else template.title


# how to fix a zip archive in a unit's folder (extract.registry; assembly once some of its files are put beside it)
ARCHIVE_FIX = "请解压后把其中的文件放入本单位文件夹；其中的文件都已放入后，压缩包本身不再报错，可以删除，也可以留着。"


def file_problem(code: str, file: str, **values) -> Extracted:
    """What a file that is not read as any kind yields: one issue of ``code`` (file.unreadable, file.encrypted,
    file.unsupported, file.unrecognized …) about the whole file, with the catalogue's placeholders ``values``."""
    return Extracted(kind=OTHER, issues=(make_issue(code, file=file, location="整个文件", **values),))
