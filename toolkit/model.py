"""Frozen values passed between the pipeline's steps."""
from __future__ import annotations

from dataclasses import asdict, dataclass, field

ERROR = "error"
WARNING = "warning"

# kinds of file, as in summary.json
FORM = "form"
SUMMARY = "summary"
APPLICATION_DOC = "application-doc"
RANKING = "ranking"
OPINION_SCAN = "opinion-scan"
ATTACHMENT = "attachment"  # a scan or one of our own outputs beside a pair: kept and listed, never read as a form
OTHER = "other"

# the custom document property every document the toolkit writes carries (value: which output it is), so
# an output dropped back into the inbox is recognised whatever its name
OUTPUT_PROPERTY = "质量标杆推荐工具生成"
OUTPUT_OPINION = "推荐意见"
OUTPUT_RECEIPT = "回执"
OUTPUT_REGISTER = "省级汇总表"
OUTPUT_RANKING = "推荐排序表"  # dropped back on purpose: read as the unit's ranking

# what people read for each kind of file and each severity
KIND_LABELS = {FORM: "申请表", SUMMARY: "总结材料", APPLICATION_DOC: "申请书（Word）", RANKING: "推荐排序表",
               OPINION_SCAN: "盖章推荐意见", ATTACHMENT: "附件（扫描件、本工具生成的文件）", OTHER: "其他文件"}
SEVERITY_LABELS = {ERROR: "错误", WARNING: "提示"}

# application status (SPEC §6), in order of precedence
PASSED = "通过"
LATE = "逾期"
INELIGIBLE = "不符合申报条件"
OVER_QUOTA = "超出名额"
NEEDS_FIX = "需补正"


@dataclass(frozen=True)
class Issue:
    code: str
    severity: str
    file: str = ""
    location: str = ""
    field: str = ""
    message: str = ""
    fix: str = ""

    @property
    def is_error(self) -> bool:
        return self.severity == ERROR

    @property
    def problem(self) -> str:
        """The message without its how-to-fix part (shown in a column of its own)."""
        return self.message[: -len(self.fix)] if self.fix and self.message.endswith(self.fix) else self.message

    def to_dict(self) -> dict:
        return {"code": self.code, "severity": self.severity, "file": self.file, "location": self.location,
                "field": self.field, "message": self.message}

    def at(self, **changes) -> "Issue":
        return Issue(**{**asdict(self), **changes})


@dataclass(frozen=True)
class Value:
    """One extracted value: the normalised value, what was written, and where."""

    value: object
    text: str = ""
    location: str = ""
    ok: bool = True
    empty: bool = False
    note: str = ""


@dataclass(frozen=True)
class FormData:
    """The 申请表: scalar fields and yearly figures, each with its location."""

    fields: dict  # key -> Value
    yearly: dict  # key -> {year: Value}
    source: str = ""  # how the fields were found: "defined-names" | "labels" | "docx-table"
    warnings: tuple = ()  # Issues found while reading (e.g. characters dropped)

    def text(self, key: str) -> str:
        v = self.fields.get(key)
        return "" if v is None or v.value is None else str(v.value)

    def number(self, key: str, year: int) -> float | None:
        v = self.yearly.get(key, {}).get(year)
        return v.value if v is not None and isinstance(v.value, (int, float)) else None


@dataclass(frozen=True)
class Section:
    key: str
    title: str  # the heading as written
    text: str
    chars: int  # 字数 as Word counts
    images: int = 0
    tables: int = 0
    location: str = ""


@dataclass(frozen=True)
class SummaryData:
    """The 总结材料: its sections found by heading."""

    sections: dict  # key -> Section
    title: str = ""  # first non-empty line, often the 标杆名称 or the document title

    @property
    def benchmark_name(self) -> str:
        s = self.sections.get("质量标杆名称")
        return s.text.strip().splitlines()[0].strip() if s and s.text.strip() else ""


@dataclass(frozen=True)
class RankingRow:
    rank: int | None
    enterprise: str
    benchmark_name: str
    location: str


@dataclass(frozen=True)
class Extracted:
    """What one file yielded."""

    kind: str
    form: FormData | None = None
    summary: SummaryData | None = None
    ranking: tuple = ()  # RankingRow
    issues: tuple = ()  # file-level Issues
    forms: tuple = ()  # every FormData of a workbook holding several enterprises' forms (one per sheet)

    @property
    def all_forms(self) -> tuple:
        """The forms this file holds, in sheet order: ``forms`` when set, else ``(form,)`` or ()."""
        return self.forms or ((self.form,) if self.form is not None else ())


@dataclass(frozen=True)
class FileVersion:
    path: str  # inbox-relative, '/'-separated
    unit: str  # resolved unit name or '' when unknown
    folder: str  # the unit folder as written
    sha256: str
    size: int
    mtime: float
    first_seen: str  # ISO time the toolkit first saw this version
    abspath: str = ""
    revisions: int = 1  # how many versions of this path the journal has seen

    @property
    def name(self) -> str:
        return self.path.rsplit("/", 1)[-1]

    @property
    def subfolder(self) -> str:
        parts = self.path.split("/")
        return "/".join(parts[1:-1])


@dataclass
class Application:
    """One enterprise's application to one unit (mutable while assembled, then read by renderers)."""

    unit: str
    enterprise: str
    benchmark_name: str = ""
    form_file: FileVersion | None = None
    summary_file: FileVersion | None = None
    form: FormData | None = None
    summary: SummaryData | None = None
    rank: int | None = None
    rank_source: str = ""
    status: str = PASSED
    size_class: str = ""
    industry_code: str = ""
    versions: int = 1
    issues: list = field(default_factory=list)
    superseded: list = field(default_factory=list)  # FileVersion
    attachments: list = field(default_factory=list)  # FileVersion: scans of the 申请书, 证实性材料 …

    @property
    def files(self) -> list[FileVersion]:
        """The current files, once each (a Word 申请书 is both form and summary)."""
        out = []
        for f in (self.form_file, self.summary_file):
            if f is not None and all(f.path != g.path for g in out):
                out.append(f)
        return out

    @property
    def received_at(self) -> str:
        import datetime as dt

        times = [f.first_seen for f in self.files if f.first_seen]
        return max(times, key=dt.datetime.fromisoformat) if times else ""

    @property
    def errors(self) -> list[Issue]:
        return [i for i in self.issues if i.is_error]

    def field_text(self, key: str) -> str:
        return self.form.text(key) if self.form else ""
