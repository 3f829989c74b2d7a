"""The campaign as data: units, quotas, fields, sections, limits, reference data, size thresholds.

The default is ``campaigns/hebei-2021.toml``; ``load_campaign(path)`` reads another file of the same
format so that next year's notice is a new file, not new code.
"""
from __future__ import annotations

import datetime as dt
import functools
import re
import tomllib
from dataclasses import dataclass, field, replace
from importlib import resources
from pathlib import Path

from .clock import CHINA_TZ
from .errors import ConfigError
from .keys import REQUIRED_FIELD_KEYS, REQUIRED_YEARLY_KEYS
from .normalize import normalize_name


@dataclass(frozen=True)
class Unit:
    name: str
    kind: str  # "city" | "association"
    quota: int
    aliases: tuple[str, ...] = ()
    order: int = 0

    @property
    def kind_label(self) -> str:
        return {"city": "市级", "association": "省级协会"}.get(self.kind, self.kind)


FIELD_TYPES = ("text", "money", "count", "phone", "mobile", "email", "choice")


@dataclass(frozen=True)
class FieldSpec:
    """One field of the 申请表, as data (the campaign file's [[fields]] / [[yearly]] entries).

    key: the field's name in the notice (申报单位); id: its defined name in the template (enterprise);
    label: what the template shows (default: key, with the unit); type: text | money (万元) | count (人) |
    phone (landline) | mobile | email | choice; limits: max_length (字), pattern (a regular expression the
    normalised value must match) with pattern_hint (how to write it, in Chinese), minimum/maximum (money and
    counts), choices or choices_from ('regions' | 'industries'); row: fields with the same row share a row of
    the template (附件1 layout), height: the value box's height in points; rules: the rule families that read
    the field (documentation checked by the tests against toolkit.validate.RULES).
    """

    key: str
    id: str
    type: str = "text"
    required: bool = True
    synonyms: tuple[str, ...] = ()
    unit: str = ""
    yearly: bool = False
    label: str = ""
    max_length: int = 0
    pattern: str = ""
    pattern_hint: str = ""
    minimum: float | None = None
    maximum: float | None = None
    choices: tuple[str, ...] = ()
    choices_from: str = ""
    row: int = 0
    height: float = 0.0
    rules: tuple[str, ...] = ()

    @property
    def labels(self) -> tuple[str, ...]:
        return tuple(dict.fromkeys((self.key, *((self.label,) if self.label else ()), *self.synonyms)))

    @property
    def display(self) -> str:
        return f"{self.key}（{self.unit}）" if self.unit else self.key

    @property
    def template_label(self) -> str:
        """The label the 申请表 template shows for this field."""
        return self.label or self.display

    @property
    def numeric(self) -> bool:
        return self.type in ("money", "count")

    def defined_name(self, year: int | None = None) -> str:
        return f"{self.id}_{year}" if year is not None else self.id


@dataclass(frozen=True)
class SectionSpec:
    key: str
    limit: int
    required: bool = True
    synonyms: tuple[str, ...] = ()
    number: int = 0
    minimum: int = 0  # 字数 under which the section is too thin to be 内容详实 (a warning; 0: none)

    @property
    def heading(self) -> str:
        return f"{self.key}（{self.limit}字以内）" if self.limit else f"{self.key}（选择性提供）"


@dataclass(frozen=True)
class SizeGroup:
    name: str
    sections: tuple[str, ...]
    codes: tuple[str, ...]
    large: dict
    medium: dict
    small: dict


@dataclass(frozen=True)
class Industry:
    code: str
    section: str
    name: str

    @property
    def label(self) -> str:
        return f"{self.section}{self.code} {self.name}"


@dataclass(frozen=True)
class Campaign:
    id: str
    title: str
    notice: str
    issuer: str
    receiver: str
    deadline: dt.datetime
    base_years: tuple[int, ...]
    units: tuple[Unit, ...]
    fields: tuple[FieldSpec, ...]
    yearly: tuple[FieldSpec, ...]
    sections: tuple[SectionSpec, ...]
    name_limit: int
    name_suffix: str
    name_example: str
    regions: tuple[str, ...]
    industries: tuple[Industry, ...]
    industry_aliases: dict = field(default_factory=dict)
    industry_sections: dict = field(default_factory=dict)  # 门类 letter -> its name (GB/T 4754-2017)
    industry_classes: dict = field(default_factory=dict)  # 中类 / 小类 code ('331', '3311') -> its name (GB/T 4754-2017)
    outside_regions: tuple[str, ...] = ()  # places outside the campaign's province (other provinces' names)
    size_groups: tuple[SizeGroup, ...] = ()
    ranking_file: str = "推荐排序表"
    opinion_keyword: str = "推荐意见"
    opinion_date: str = ""  # 成文日期 printed on every 推荐意见 ('' leaves "    年  月  日" for the unit to fill)
    source: str = ""

    # ---- lookups ----
    def unit(self, name: str) -> Unit | None:
        return next((u for u in self.units if u.name == name), None)

    def field_spec(self, key: str) -> FieldSpec | None:
        return next((f for f in (*self.fields, *self.yearly) if f.key == key), None)

    def section(self, key: str) -> SectionSpec | None:
        return next((s for s in self.sections if s.key == key), None)

    @property
    def deadline_day(self) -> dt.date:
        """The deadline's day in China time."""
        return self.deadline.astimezone(CHINA_TZ).date()

    @property
    def deadline_date(self) -> str:
        return self.deadline_day.isoformat()

    @property
    def deadline_text(self) -> str:
        """'2021-09-20' for the end of a day, '2021-10-05 09:00' when a time of day was set."""
        local = self.deadline.astimezone(CHINA_TZ)
        return local.strftime("%Y-%m-%d") if local.strftime("%H:%M") == "23:59" else local.strftime("%Y-%m-%d %H:%M")

    @property
    def latest_year(self) -> int:
        return max(self.base_years)

    def with_deadline(self, text: str) -> "Campaign":
        return replace(self, deadline=parse_deadline(text))

    def regions_named(self, written: str) -> tuple[str, ...]:
        """The campaign's regions a written place names, in the order written, each found by its stem (its name
        without 市 / 新区) compared as normalize_name keys, a note in brackets left out: '河北省保定市定州市' ->
        ('保定市', '定州市'), '定州市（保定代管）' -> ('定州市',), '雄安' -> ('雄安新区',), '北京市' -> (). The 所在地区
        check, the 统计 sheet and the unit's own region use it."""
        stems = _place_stems(self.regions)
        for text in (normalize_name(_BRACKETED.sub("", written or "")), normalize_name(written or "")):
            found = sorted((text.find(stem), region) for stem, region in stems if stem in text)
            if found:  # (a region named only in the brackets, '高新区（石家庄）', still counts)
                return tuple(region for _, region in found)
        return ()

    def outside_region_named(self, written: str) -> str:
        """The place outside the campaign's province a written 所在地区 starts with ('北京市朝阳区' -> '北京市',
        '中国天津' -> '天津市'), found by its stem (its name without 省 / 市 / 自治区 / 特别行政区) at the start of the
        normalize_name key; '' when it starts with none, or names one of the campaign's regions anywhere (a
        Hebei address naming a street after another province is Hebei's)."""
        if not written or self.regions_named(written):
            return ""
        text = normalize_name(_BRACKETED.sub("", written)).removeprefix("中国")
        return next((place for stem, place in _place_stems(self.outside_regions) if text.startswith(stem)), "")

    def region_of(self, written: str) -> str:
        """The campaign's region a written 所在地区 names — the last named, the most specific as places are
        written ('邯郸' / '河北省邯郸市丛台区' -> '邯郸市', '保定市定州市' -> '定州市') — else what was written ('未填写'
        when empty): the key the 统计 sheet groups by."""
        named = self.regions_named(written)
        return named[-1] if named else ((written or "").replace(" ", "") or "未填写")

    def unit_region(self, unit_name: str) -> str | None:
        """The region a recommending unit's name carries (唐山市工业和信息化局 -> 唐山市, 雄安新区改革发展局 -> 雄安新区),
        None for one naming none (the associations)."""
        named = self.regions_named(unit_name)
        return named[-1] if named else None

    def industry_by_code(self, code: str) -> Industry | None:
        """The 大类 of ``code`` ('C29'), None for none (a register asks once per application)."""
        return self._industry_codes.get(code)

    @functools.cached_property
    def _industry_codes(self) -> dict[str, Industry]:
        codes: dict[str, Industry] = {}
        for industry in self.industries:
            codes.setdefault(industry.code, industry)  # (the first, as a search in order finds)
        return codes

    def map_industry(self, written: str) -> Industry | None:
        """The GB/T 4754-2017 大类 what was written in 所属行业 names, only when unambiguous (industries.md: keep what
        was written, map it when it can be done unambiguously), else None (rules.fields then warns).

        A 大类 code ('C31', 'c-38') counts when its 门类 letter, if any, is the 大类's, and the words after it, if they
        name 大类 in part, name its one among them ('C39 仪器仪表制造业' is None: 39 is 计算机…, 仪器仪表 40; 'C40
        通信设备、计算机及其他电子设备制造业' too — the 2002 edition's numbers differ); a 中类 or 小类 code ('3130',
        'C3824 电力电子元器件制造') counts as written, unless the words after it are another class's name
        (industry_class_problem: 'C3411 金属结构制造' is None). Words: a 门类's own name is None (it spans several 大类: '制造业',
        '信息传输、软件和信息技术服务业'); a 大类's name contained ('专用设备制造', the longest when several); the name
        without its '制造业' or '业' ('通用设备'); an alias of the campaign's industry_aliases as written; aliases
        contained that agree on one 大类, one alone only when what else is written says it is an industry or, for a
        manufacturing 大类, names its products ('汽车零部件及配件制造', '电子元器件'; not '汽车租赁', '通信电缆制造',
        '电力设备制造', '煤炭机械制造': a word of its own could be another 大类's).
        """
        if not written:
            return None
        text = normalize_name(written)
        coded, words, fine = self._coded_industry(text)
        if coded is not None:
            # a 中类 or 小类 code ('C3824 电力电子元器件制造', 'C4021 环境监测专用仪器仪表制造') is followed by its own
            # name, whose words may be another 大类's (电力, 仪器仪表制造): such a code is taken as written — unless
            # those words are another class's name ('C3411 金属结构制造': 3411 is 锅炉及辅助设备制造, 金属结构制造
            # 3311), when the 大类 cannot be told
            if fine:
                return None if self._class_of(words, fine)[1] else coded
            named = self._industry_hints(words)
            return coded if not named or coded.code in named else None
        return self._industry_named(text)

    def industry_text(self, written: str) -> str:
        """所属行业 as documents show it: as written, unless it is a code and nothing more ('C34', '3130'), then the
        label of the 大类 it maps to ('C34 通用设备制造业') — a bare code on a 推荐意见 to be stamped means nothing to
        its reader."""
        coded, words, _fine = self._coded_industry(normalize_name(written or ""))
        return coded.label if coded is not None and not words.strip(" -_、.:：") else written

    def industry_code_written(self, written: str) -> Industry | None:
        """The 大类 the code at the start of ``written`` (所属行业) stands for ('C39 仪器仪表制造业' -> C39), None when
        it starts with none of this campaign's codes; map_industry says whether the words after it agree."""
        return self._coded_industry(normalize_name(written or ""))[0]

    def industry_class_problem(self, written: str) -> str:
        """What is wrong with the 中类 or 小类 code ``written`` (所属行业) starts with, by the campaign's table of them
        (industry_classes, GB/T 4754-2017 表1), in a clerk's words — '' when nothing is, when it starts with no such
        code, or when the campaign has no table:

        * a code the standard does not have ('C3418': 341 has 3411-3415 and 3419) — map_industry still takes its
          大类 (the last digits are the likelier slip);
        * a code followed by another class's name ('C3411 金属结构制造': 3411 is 锅炉及辅助设备制造, 金属结构制造 is
          3311; with or without a last 业) — map_industry takes none (which 大类 is meant cannot be told).

        Words that name the code's own class (in part, or it in part), its 大类, or nothing the table names are
        taken as written."""
        coded, words, fine = self._coded_industry(normalize_name(written or ""))
        if not fine or not self.industry_classes:
            return ""
        name, other = self._class_of(words, fine)
        if name is None:
            return (f"行业代码{coded.section}{fine}不是国民经济行业分类（GB/T 4754-2017）中的代码（{coded.label}下没有这个"
                    f"中类或小类），已按{coded.label}统计")
        if other:
            return (f"行业代码{coded.section}{fine}是“{name}”，而“{self.industry_classes[other]}”的代码是"
                    f"{coded.section}{other}，两者不一致")
        return ""

    def _class_of(self, words: str, fine: str) -> tuple[str | None, str]:
        """For a 中类 or 小类 code ``fine`` ('3411', from _coded_industry) followed by ``words`` (normalised): (its name
        in industry_classes, None when the table has no such code — or no table; the code of another class that
        ``words`` name exactly, not above or below ``fine`` in the hierarchy, or '')."""
        name = self.industry_classes.get(fine)
        words = words.strip(" -_、.:：")
        if name is None or not words:
            return name, ""
        own = normalize_name(name)
        if own in words or words in own or words.removesuffix("业") in own:
            return name, ""
        named = self._normal_classes.get(words) or self._normal_classes.get(words.removesuffix("业"), [])
        return name, next((c for c, _ in named if not (c.startswith(fine) or fine.startswith(c))), "")

    @functools.cached_property
    def _normal_classes(self) -> dict[str, list[tuple[str, str]]]:
        """A class's name normalised -> [(its code, its name) …] (a 中类 and its one 小类 share a name)."""
        named: dict[str, list[tuple[str, str]]] = {}
        for code, name in self.industry_classes.items():
            named.setdefault(normalize_name(name), []).append((code, name))
        return named

    def _coded_industry(self, text: str) -> tuple[Industry | None, str, str]:
        """(the 大类 of the code ``text`` starts with — 'c31', 'c-38', '3130' —, the text after the code, the code's
        digits when it is a 中类's or 小类's — 3 or 4 digits: '3130' —, else '')."""
        m = _INDUSTRY_CODE.match(text)
        if m:
            found = self.industry_by_code(m.group(2))
            if found and (not m.group(1) or m.group(1).upper() == found.section):
                return found, text[m.end():], m.group(2) + m.group(3) if m.group(3) else ""
        return None, text, ""

    def _industry_hints(self, text: str) -> set[str]:
        """The codes of every 大类 ``text`` (normalised) names in part: a name contained (with or without its last
        业), the name without '制造业' or '业' as the text, an alias contained."""
        bare = re.sub(r"^[a-z]\s*", "", text.strip(" -_、.:："))
        if not bare:
            return set()
        codes = {i.code for i in (*self._names_contained(bare), *self._short_industry_names.get(bare, ()))}
        return codes | {code for word, code in self._aliases if word in bare}

    def _names_contained(self, text: str) -> list[Industry]:
        """The 大类 whose name ``text`` (normalised) contains, with or without its last 业 ('专用设备制造')."""
        return [i for i, name in self._normal_names if name in text
                or (len(name) >= 5 and name.removesuffix("业") in text)]

    @functools.cached_property
    def _normal_names(self) -> tuple[tuple[Industry, str], ...]:
        """(大类, its name normalised) — normalised once, not for every 所属行业 read."""
        return tuple((i, normalize_name(i.name)) for i in self.industries)

    @functools.cached_property
    def _aliases(self) -> tuple[tuple[str, str], ...]:
        """(alias normalised, its 大类's code) of industry_aliases."""
        return tuple((normalize_name(word), code) for word, code in self.industry_aliases.items())

    @functools.cached_property
    def _section_names(self) -> frozenset:
        return frozenset(normalize_name(name) for name in self.industry_sections.values())

    @functools.cached_property
    def _short_industry_names(self) -> dict[str, list[Industry]]:
        """A 大类's name without its '制造业' or '业' ('通用设备', '金属制品') -> the 大类 so named; of 3 字 or more
        ('其他' names no 大类)."""
        short: dict[str, list[Industry]] = {}
        for industry, name in self._normal_names:
            for cut in {name.removesuffix("制造业"), name.removesuffix("业")} - {name}:
                if len(cut) >= 3:
                    short.setdefault(cut, []).append(industry)
        return short

    def _industry_named(self, text: str) -> Industry | None:
        """map_industry's words (``text`` normalised)."""
        bare = re.sub(r"^[a-z]\s*", "", text)  # ('C 制造业')
        if bare in self._section_names:
            return None
        exact = self._names_contained(text)
        if len(exact) == 1:
            return exact[0]
        if len(exact) > 1:  # prefer the longest name contained
            exact.sort(key=lambda i: len(i.name), reverse=True)
            if len(exact[0].name) > len(exact[1].name):
                return exact[0]
        short = self._short_industry_names.get(bare, [])
        if len(short) == 1:
            return short[0]
        exact_alias = {code for word, code in self._aliases if word == text}
        if len(exact_alias) == 1:
            return self.industry_by_code(exact_alias.pop())
        # aliases contained in the text (not those inside a longer one: '通信' of '通信设备'): they must agree on one
        # 大类, and, one alone, the rest of the text must only say 'industry' — or, for a manufacturing 大类, name
        # its products ('汽车零部件及配件制造', '电子元器件'): '汽车租赁', '通信电缆制造', '电力设备制造' (D44's word
        # before a product) map to none
        words = {w: c for w, c in self._aliases if w in text}
        words = {w: c for w, c in words.items() if not any(w != o and w in o for o in words)}
        codes = set(words.values())
        if len(codes) != 1:
            return None
        found = self.industry_by_code(codes.pop())
        if found is None:
            return None
        rest = text
        for word in sorted(words, key=len, reverse=True):
            rest = rest.replace(word, "")
        allowed = _INDUSTRY_WORDS if found.section != "C" else _PRODUCT_WORDS
        return found if len(words) > 1 or allowed.fullmatch(rest.strip(" 、,，")) else None

    def size_group(self, industry: Industry) -> SizeGroup | None:
        for group in self.size_groups:
            if industry.code in group.codes:
                return group
        for group in self.size_groups:
            if industry.section in group.sections:
                return group
        return None


# what may stand beside an industry alias and still only say it is an industry ('汽车零部件制造', '钢铁行业'): not
# '租赁', '电缆制造', '机械制造', words that could name another 大类
_INDUSTRY_CODE = re.compile(r"^([a-z])?\s*[-_]?\s*(\d{2})(\d{0,2})(?!\d)")  # 'c31', 'c-38', '3130' (normalised)
_INDUSTRY_WORDS = re.compile(r"(?:制造|生产|加工|工业|行业|产业|企业|相关|业|类)*")
# and, beside a manufacturing 大类's word, its products ('汽车零部件及配件制造', '电子元器件', '电气机械及器材制造业')
_PRODUCT_WORDS = re.compile(r"(?:制造|生产|加工|工业|行业|产业|企业|相关|业|类|零部件|零配件|配件|元器件|器件|器材|设备"
                            r"|产品|及|和|与|、)*")


def parse_deadline(text: str) -> dt.datetime:
    """A date means the end of that day, China time; a datetime without zone is China time."""
    text = str(text).strip()
    try:
        if re.fullmatch(r"\d{4}-\d{1,2}-\d{1,2}", text):
            day = dt.date.fromisoformat("-".join(f"{int(p):02d}" if i else p for i, p in enumerate(text.split("-"))))
            return dt.datetime.combine(day, dt.time(23, 59, 59), CHINA_TZ)
        value = dt.datetime.fromisoformat(text.replace(" ", "T", 1))
    except ValueError as exc:
        raise ConfigError(f"截止时间格式不对：{text}（应为 2021-09-20 或 2021-09-20T17:00）") from exc
    return value if value.tzinfo else value.replace(tzinfo=CHINA_TZ)


def _tuple(value) -> tuple:
    return tuple(value or ())


def _field(f: dict, *, yearly: bool) -> FieldSpec:
    kind = f.get("type", "money" if yearly else "text")
    kind = "money" if kind == "number" else kind  # 'number' is the older spelling of money (万元)
    return FieldSpec(key=f["key"], id=f["id"], type=kind, required=f.get("required", True),
                     synonyms=_tuple(f.get("synonyms")), unit=f.get("unit", ""), yearly=yearly,
                     label=f.get("label", ""), max_length=int(f.get("max_length", 0)), pattern=f.get("pattern", ""),
                     pattern_hint=f.get("pattern_hint", ""),
                     minimum=None if f.get("minimum") is None else float(f["minimum"]),
                     maximum=None if f.get("maximum") is None else float(f["maximum"]),
                     choices=_tuple(f.get("choices")), choices_from=f.get("choices_from", ""),
                     row=int(f.get("row", 0)), height=float(f.get("height", 0)), rules=_tuple(f.get("rules")))


def campaign_from_dict(data: dict, *, source: str = "") -> Campaign:
    try:
        units = tuple(
            Unit(name=u["name"], kind=u.get("kind", "city"), quota=int(u["quota"]),
                 aliases=_tuple(u.get("aliases")), order=i + 1)
            for i, u in enumerate(data["units"])
        )
        fields = tuple(_field(f, yearly=False) for f in data["fields"])
        yearly = tuple(_field(f, yearly=True) for f in data["yearly"])
        sections = tuple(
            SectionSpec(key=s["key"], limit=int(s.get("limit", 0)), minimum=int(s.get("minimum", 0)),
                        required=s.get("required", True),
                        synonyms=_tuple(s.get("synonyms")), number=i + 1)
            for i, s in enumerate(data["sections"])
        )
        ref = data.get("reference", {})
        naming = data.get("naming", {})
        campaign = Campaign(
            id=data["id"], title=data["title"], notice=data.get("notice", ""),
            issuer=data.get("issuer", ""), receiver=data.get("receiver", ""),
            deadline=parse_deadline(data["deadline"]),
            base_years=tuple(int(y) for y in data["base_years"]),
            units=units, fields=fields, yearly=yearly, sections=sections,
            name_limit=int(naming.get("limit", 40)), name_suffix=naming.get("suffix", "经验"),
            name_example=naming.get("example", ""),
            regions=_tuple(ref.get("regions")),
            outside_regions=_tuple(ref.get("outside_regions")),
            industries=tuple(Industry(code=c, section=s, name=n) for c, s, n in ref.get("industries", [])),
            industry_aliases=dict(ref.get("industry_aliases", {})),
            industry_sections=dict(ref.get("industry_sections", {})),
            industry_classes={str(code): str(name) for code, name in ref.get("industry_classes", [])},
            size_groups=tuple(
                SizeGroup(name=g["name"], sections=_tuple(g.get("sections")), codes=_tuple(g.get("codes")),
                          large=dict(g.get("large", {})), medium=dict(g.get("medium", {})),
                          small=dict(g.get("small", {})))
                for g in data.get("size_groups", [])
            ),
            ranking_file=data.get("ranking_file", "推荐排序表"),
            opinion_keyword=data.get("opinion_keyword", "推荐意见"),
            opinion_date=str(data.get("opinion_date", "")),
            source=source,
        )
    except KeyError as exc:
        raise ConfigError(f"活动配置文件 {source} 缺少项目 {exc}（可参照默认的 hebei-2021.toml）") from exc
    except (TypeError, ValueError) as exc:
        raise ConfigError(f"活动配置文件 {source} 中有项目写错了（名额、年份须为整数，日期写成 2021-09-20）：{exc}") from exc
    _check_campaign(campaign)
    return campaign


def _check_campaign(campaign: Campaign) -> None:
    for unit in campaign.units:
        if unit.quota < 1:
            raise ConfigError(f"活动配置文件中“{unit.name}”的名额（quota）必须是正整数，现为 {unit.quota}")
        if unit.kind not in ("city", "association"):
            raise ConfigError(f"活动配置文件中“{unit.name}”的类别（kind）只能是 city 或 association，现为 {unit.kind}")
    if not campaign.units:
        raise ConfigError("活动配置文件中没有推荐单位（[[units]]）")
    for group in campaign.size_groups:
        for bounds in (group.large, group.medium, group.small):
            for key, value in bounds.items():
                if key not in ("employees", "revenue", "assets") or not isinstance(value, (int, float)):
                    raise ConfigError(f"活动配置文件中企业规模“{group.name}”的标准写错了：{key} = {value}"
                                      f"（只能是 employees、revenue、assets，值为数字）")
    names = [u.name for u in campaign.units]
    if len(set(names)) != len(names):
        raise ConfigError("活动配置文件中推荐单位名称重复")
    if not campaign.base_years:
        raise ConfigError("活动配置文件中 base_years 不能为空")
    for spec in (*campaign.fields, *campaign.yearly):
        if spec.type not in FIELD_TYPES:
            raise ConfigError(f"活动配置文件中字段“{spec.key}”的类型（type）写错了：{spec.type}"
                              f"（只能是 {'、'.join(FIELD_TYPES)}）")
        if spec.pattern:
            try:
                re.compile(spec.pattern)
            except re.error as exc:
                raise ConfigError(f"活动配置文件中字段“{spec.key}”的格式（pattern）不是有效的正则表达式：{exc}") from exc
        if spec.choices_from not in ("", "regions", "industries"):
            raise ConfigError(f"活动配置文件中字段“{spec.key}”的 choices_from 只能是 regions 或 industries")
    keys = {f.key for f in campaign.fields}
    missing = [k for k in REQUIRED_FIELD_KEYS if k not in keys] + [
        k for k in REQUIRED_YEARLY_KEYS if k not in {f.key for f in campaign.yearly}]
    if missing:
        raise ConfigError(f"活动配置文件中缺少字段：{'、'.join(missing)}（推荐工作的检查要用到它们，不能删除）")
    ids = [f.id for f in (*campaign.fields, *campaign.yearly)]
    if len(set(ids)) != len(ids) or not all(re.fullmatch(r"[A-Za-z_][A-Za-z0-9_]*", i) for i in ids):
        raise ConfigError("活动配置文件中字段 id 必须唯一且只含英文字母、数字和下划线")


def load_campaign(path: str | Path | None = None) -> Campaign:
    """Load a campaign file, or the shipped default when ``path`` is None."""
    if path is None:
        ref = resources.files("toolkit") / "campaigns" / "hebei-2021.toml"
        return campaign_from_dict(tomllib.loads(ref.read_text(encoding="utf-8")), source="hebei-2021.toml")
    p = Path(path)
    try:
        data = tomllib.loads(p.read_text(encoding="utf-8-sig"))
    except FileNotFoundError as exc:
        raise ConfigError(f"找不到活动配置文件：{p}") from exc
    except UnicodeDecodeError as exc:
        raise ConfigError(f"活动配置文件 {p} 不是 UTF-8 编码，请用记事本“另存为”并选择 UTF-8 编码") from exc
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(f"活动配置文件 {p} 格式错误（{exc}），请对照默认的 hebei-2021.toml 检查引号、括号和逗号") from exc
    return campaign_from_dict(data, source=str(p))


_BRACKETED = re.compile(r"[（(【\[][^）)】\]]*[）)】\]]")  # '（保定代管）', '(原定州)'


_PLACE_SUFFIXES = ("维吾尔自治区", "壮族自治区", "回族自治区", "特别行政区", "自治区", "新区", "省", "市")


@functools.lru_cache(maxsize=64)
def _place_stems(places: tuple[str, ...]) -> tuple[tuple[str, str], ...]:
    """(stem, place) for each place — the campaign's regions, the provinces outside it —: its name normalised,
    without its administrative suffix, the longest first ('广西壮族自治区' -> '广西', '雄安新区' -> '雄安', '石家庄市' ->
    '石家庄'), kept whole when the stem would be a single character."""
    out = []
    for place in places:
        stem = normalize_name(place)
        suffix = next((x for x in _PLACE_SUFFIXES if stem.endswith(x) and len(stem) > len(x) + 1), "")
        out.append((stem.removesuffix(suffix) if suffix else stem, place))
    return tuple((stem, place) for stem, place in out if stem)
