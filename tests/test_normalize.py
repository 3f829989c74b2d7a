"""Tests for toolkit.normalize."""

import datetime
import math
from decimal import Decimal

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from toolkit.names import strip_company_suffix
from toolkit.normalize import (
    Parsed,
    clean_text,
    from_excel_date,
    has_xml_illegal,
    is_placeholder,
    normalize_label,
    normalize_name,
    official_date,
    phone_kind,
    to_email,
    to_int_count,
    to_number,
    to_phone,
    to_text,
)

# ---------------------------------------------------------------------------
# clean_text / has_xml_illegal / to_text
# ---------------------------------------------------------------------------

CLEAN_TEXT_CASES = [
    (None, ""),
    ("  abc  ", "abc"),
    ("a\x00b\x01c", "abc"),
    ("a\tb\nc\rd", "a\tb\nc\rd"),
    ("x\ufffey\uffffz", "xyz"),
    ("lone\ud800surrogate", "lonesurrogate"),
    ("\u3000全角空格\u3000", "全角空格"),
    ("ＡＢＣ１２３", "ＡＢＣ１２３"),  # no width conversion
    (12, "12"),
    (12.0, "12"),
    (12.5, "12.5"),
    ("12.0", "12.0"),  # strings are kept as written
    ("\x0b\x0c", ""),
]


@pytest.mark.parametrize("raw, expected", CLEAN_TEXT_CASES)
def test_clean_text(raw, expected):
    assert clean_text(raw) == expected


@pytest.mark.parametrize(
    "s, expected",
    [
        ("abc", False),
        ("a\tb\nc\r", False),
        ("a\x00", True),
        ("\x1f", True),
        ("\ufffe", True),
        ("\udfff", True),
        ("\U0001F600", False),
        ("中文", False),
    ],
)
def test_has_xml_illegal(s, expected):
    assert has_xml_illegal(s) is expected


TO_TEXT_CASES = [
    # raw, value, ok, empty
    ("河北钢铁", "河北钢铁", True, False),
    ("  河北钢铁 \n", "河北钢铁", True, False),
    (None, None, True, True),
    ("", None, True, True),
    ("   ", None, True, True),
    ("—", None, True, True),
    ("——", None, True, True),
    ("-", None, True, True),
    ("--", None, True, True),
    ("/", None, True, True),
    ("／", None, True, True),
    ("无", None, True, True),
    ("空", None, True, True),
    ("N/A", None, True, True),
    ("n/a", None, True, True),
    ("无数据", None, True, True),
    ("无锡", "无锡", True, False),
    (2021.0, "2021", True, False),
    ("a\x00b", "ab", True, False),
]


@pytest.mark.parametrize("raw, value, ok, empty", TO_TEXT_CASES)
def test_to_text(raw, value, ok, empty):
    p = to_text(raw)
    assert isinstance(p, Parsed)
    assert (p.value, p.ok, p.empty) == (value, ok, empty)
    assert p.raw is raw


def test_parsed_is_frozen():
    p = to_text("x")
    with pytest.raises(Exception):
        p.value = "y"  # type: ignore[misc]


# ---------------------------------------------------------------------------
# to_number
# ---------------------------------------------------------------------------

TO_NUMBER_CASES = [
    # raw, value, ok, empty
    (123, 123.0, True, False),
    (123.45, 123.45, True, False),
    (Decimal("1.25"), 1.25, True, False),
    ("123", 123.0, True, False),
    ("  123.5 ", 123.5, True, False),
    ("１２３．４", 123.4, True, False),  # full-width digits and point
    ("１，２３４", 1234.0, True, False),  # full-width comma
    ("1,234,567.89", 1234567.89, True, False),
    ("1，234", 1234.0, True, False),
    ("1 234.5", 1234.5, True, False),
    ("1\u2009234\u2009567", 1234567.0, True, False),  # thin spaces
    ("1\u00a0234", 1234.0, True, False),  # no-break space
    ("1234.5万元", 1234.5, True, False),
    ("1234.5 万元", 1234.5, True, False),
    ("800元", 800.0, True, False),  # '元' is just stripped, no rescaling
    ("12万", 12.0, True, False),
    ("35人", 35.0, True, False),
    ("35名", 35.0, True, False),
    ("3个", 3.0, True, False),
    ("-123", -123.0, True, False),
    ("－123", -123.0, True, False),
    ("\u2212123", -123.0, True, False),
    ("(123)", -123.0, True, False),
    ("（1,234.5）", -1234.5, True, False),
    ("△123", -123.0, True, False),
    ("+123", 123.0, True, False),
    ("＋１２", 12.0, True, False),
    ("1.2e3", 1200.0, True, False),
    ("1.2E-2", 0.012, True, False),
    ("¥1,234", 1234.0, True, False),
    ("￥1,234.00元", 1234.0, True, False),
    ("-¥5", -5.0, True, False),
    (".5", 0.5, True, False),
    ("0", 0.0, True, False),
    ("-0", 0.0, True, False),
    ("007", 7.0, True, False),
    # empties
    (None, None, True, True),
    ("", None, True, True),
    ("  ", None, True, True),
    ("—", None, True, True),
    ("——", None, True, True),
    ("-", None, True, True),
    ("--", None, True, True),
    ("/", None, True, True),
    ("／", None, True, True),
    ("无", None, True, True),
    ("空", None, True, True),
    ("N/A", None, True, True),
    ("n/a", None, True, True),
    ("无数据", None, True, True),
    # invalid
    ("12%", None, False, False),
    ("12.5％", None, False, False),
    ("#DIV/0!", None, False, False),
    ("#VALUE!", None, False, False),
    ("#REF!", None, False, False),
    ("#N/A", None, False, False),
    ("#NAME?", None, False, False),
    (datetime.datetime(2021, 5, 1), None, False, False),
    (datetime.date(2021, 5, 1), None, False, False),
    (float("nan"), None, False, False),
    (float("inf"), None, False, False),
    (Decimal("NaN"), None, False, False),
    ("1e999", None, False, False),
    ("nan", None, False, False),
    ("inf", None, False, False),
    (True, None, False, False),
    ("abc", None, False, False),
    ("约100", None, False, False),
    ("100以上", None, False, False),
    ("1,23", None, False, False),  # bad thousands grouping
    ("12 34", None, False, False),
    ("1.2.3", None, False, False),
    ("--5", None, False, False),
    ("-(5)", None, False, False),
    ("1_000", None, False, False),  # float() would accept this; we must not
    ("١٢٣", None, False, False),  # Arabic-Indic digits are not accepted
    ("0x10", None, False, False),
]


@pytest.mark.parametrize("raw, value, ok, empty", TO_NUMBER_CASES)
def test_to_number(raw, value, ok, empty):
    p = to_number(raw)
    assert p.ok is ok
    assert p.empty is empty
    if value is None:
        assert p.value is None
    else:
        assert isinstance(p.value, float)
        assert p.value == pytest.approx(value, rel=1e-12, abs=0)
    if not ok:
        assert p.note  # every failure carries a hint


@pytest.mark.parametrize(
    "raw, note",
    [
        ("#DIV/0!", "单元格是错误值"),
        ("#n/a", "单元格是错误值"),
        (datetime.datetime(2021, 5, 1, 8, 30), "是日期而不是数字"),
        (datetime.date(2021, 5, 1), "是日期而不是数字"),
        ("abc", "不是数字"),
    ],
)
def test_to_number_notes(raw, note):
    p = to_number(raw)
    assert p.ok is False
    assert p.note == note


def test_to_number_text_and_raw():
    p = to_number(15003116043.0)
    assert p.text == "15003116043"
    assert p.raw == 15003116043.0
    p = to_number(" 1,234 万元 ")
    assert p.text == "1,234 万元"
    assert p.value == 1234.0
    assert to_number(-0.0).value == 0.0 and math.copysign(1, to_number("-0").value) == 1


def test_to_int_count():
    p = to_int_count("35人")
    assert (p.value, p.ok, p.note) == (35.0, True, "")
    p = to_int_count("12.5")
    assert (p.value, p.ok, p.note) == (12.5, True, "不是整数")
    p = to_int_count("abc")
    assert (p.value, p.ok) == (None, False)
    p = to_int_count("—")
    assert (p.value, p.ok, p.empty) == (None, True, True)


# ---------------------------------------------------------------------------
# to_phone / phone_kind
# ---------------------------------------------------------------------------

TO_PHONE_CASES = [
    # raw, value, ok, empty
    ("15003116043", "15003116043", True, False),
    ("150 0311 6043", "15003116043", True, False),
    ("150-0311-6043", "15003116043", True, False),
    ("１５００３１１６０４３", "15003116043", True, False),
    ("+86 150 0311 6043", "15003116043", True, False),
    ("+8615003116043", "15003116043", True, False),
    ("86-15003116043", "15003116043", True, False),
    ("0086 15003116043", "15003116043", True, False),
    ("(+86)15003116043", "15003116043", True, False),
    (15003116043, "15003116043", True, False),
    (15003116043.0, "15003116043", True, False),
    ("0311-87803218", "0311-87803218", True, False),
    ("031187803218", "0311-87803218", True, False),
    ("0311 8780 3218", "0311-87803218", True, False),
    ("0311—87803218", "0311-87803218", True, False),
    ("0311－87803218", "0311-87803218", True, False),
    ("(0311)87803218", "0311-87803218", True, False),
    ("（0311）8780 3218", "0311-87803218", True, False),
    ("010-62345678", "010-62345678", True, False),
    ("022-2345678", "022-2345678", True, False),
    ("+86 311 87803218", "0311-87803218", True, False),
    ("+86-10-62345678", "010-62345678", True, False),
    ("0311-87803218-123", "0311-87803218-123", True, False),
    ("0311-87803218 ext 12", "0311-87803218-12", True, False),
    ("0311-87803218 ext.12", "0311-87803218-12", True, False),
    ("0311-87803218转12", "0311-87803218-12", True, False),
    ("0311-87803218x12", "0311-87803218-12", True, False),
    # several numbers: the first decides, all are kept (normalised; one that cannot be read alone, as typed)
    ("0311-87803218、15003116043", "0311-87803218、15003116043", True, False),
    ("15003116043，0311-87803218", "15003116043、0311-87803218", True, False),
    ("15003116043;13912345678", "15003116043、13912345678", True, False),
    ("150 0311 6043\n(0311)8780 3218", "15003116043、0311-87803218", True, False),
    ("0311-87803218 或 0311-87803218", "0311-87803218", True, False),
    ("0311-87803218、无", "0311-87803218", True, False),
    ("0311-87803218/87803219", "0311-87803218、0311-87803219", True, False),  # the same area code meant
    ("0311-87803218/19", "0311-87803218、0311-87803219", True, False),  # the last digits changed
    ("0311-87803218/19/20", "0311-87803218、0311-87803219、0311-87803220", True, False),
    ("010-62345678、679", "010-62345678、010-62345679", True, False),
    ("0311-87803218/12345", "0311-87803218、12345", True, False),  # neither: kept as typed
    ("15003116043/44", "15003116043、44", True, False),  # after a mobile: kept as typed
    ("0311-87803218/19、15003116043", "0311-87803218、0311-87803219、15003116043", True, False),
    ("0311-87803218；0311-87803219", "0311-87803218、0311-87803219", True, False),
    ("0311-878032、15003116043", None, False, False),  # the first decides
    # empties
    (None, None, True, True),
    ("", None, True, True),
    ("无", None, True, True),
    ("—", None, True, True),
    # invalid
    (31187803218, None, False, False),  # landline stored as a number lost its 0
    ("87803218", None, False, False),  # no area code
    ("8780-3218", None, False, False),
    ("12345678901", None, False, False),  # 12x is not a mobile prefix
    ("1500311604", None, False, False),  # 10 digits
    ("150031160434", None, False, False),  # 12 digits
    ("0311-07803218", None, False, False),  # local number starting with 0
    ("0311-17803218", None, False, False),  # local number starting with 1
    ("0311-878032", None, False, False),  # too short
    ("011-62345678", None, False, False),  # 011 is not an area code
    ("0211-87803218", None, False, False),  # 021 + local '187...' starts with 1
    ("400-123-4567", None, False, False),
    ("95588", None, False, False),
    ("电话：15003116043", None, False, False),
    ("abc", None, False, False),
    ("15003116043 ext 12", None, False, False),  # a mobile has no extension
    (True, None, False, False),
    (1.5, None, False, False),
    (-15003116043, None, False, False),
]


@pytest.mark.parametrize("raw, value, ok, empty", TO_PHONE_CASES)
def test_to_phone(raw, value, ok, empty):
    p = to_phone(raw)
    assert (p.value, p.ok, p.empty) == (value, ok, empty)
    if not ok:
        assert p.note


@pytest.mark.parametrize(
    "raw, note",
    [
        ("87803218", "缺少区号"),
        ("8780 3218", "缺少区号"),
        (87803218, "缺少区号"),
        ("12345", "不是有效的电话号码"),
        ("0311-123", "不是有效的电话号码"),
    ],
)
def test_to_phone_notes(raw, note):
    p = to_phone(raw)
    assert p.ok is False
    assert p.note == note


@pytest.mark.parametrize("raw, value, note", [
    ("1.38E+10", None, "科学计数法"), ("1.38e10", None, "科学计数法"), ("1.5003116E+10", None, "科学计数法"),
    ("１．３８Ｅ＋１０", None, "科学计数法"), ("1.38E+10、0311-87803218", None, "科学计数法"),
    ("1.5003116043E+10", "15003116043", ""), ("1.5003116043e10", "15003116043", ""),
    ("1.50031160431E+10", None, "不是有效的电话号码"),  # a fraction: no phone number
    ("0311-87803218、1.5003116043E+10", "0311-87803218、15003116043", ""),
])
def test_a_phone_in_scientific_notation(raw, value, note):
    """A long number Excel showed in scientific notation, copied or exported as text: read when every digit is
    there; else the clerk is told the last digits are lost (not only '不是有效的电话号码')."""
    p = to_phone(raw)
    assert (p.value, p.ok) == (value, value is not None)
    assert note in p.note


def test_to_phone_number_lost_zero_note_mentions_zero():
    p = to_phone(31187803218)
    assert p.ok is False and p.value is None
    assert p.text == "31187803218"
    assert "0" in p.note


def test_to_phone_text_is_whole_cell():
    p = to_phone(" 0311-87803218、15003116043 ")
    assert p.text == "0311-87803218、15003116043"
    assert p.value == "0311-87803218、15003116043"


@pytest.mark.parametrize(
    "value, kind",
    [
        ("15003116043", "mobile"),
        ("0311-87803218", "landline"),
        ("0311-87803218-123", "landline"),
        ("010-62345678", "landline"),
        ("", ""),
        ("87803218", ""),
        ("abc", ""),
        ("150 0311 6043", "mobile"),  # raw input is parsed first
        ("0311-87803218、15003116043", "landline"),  # several numbers: the first one's kind
        ("15003116043、0311-87803218", "mobile"),
        (None, ""),
    ],
)
def test_phone_kind(value, kind):
    assert phone_kind(value) == kind


# ---------------------------------------------------------------------------
# to_email
# ---------------------------------------------------------------------------

TO_EMAIL_CASES = [
    # raw, value, ok, empty
    ("hbgt@163.com", "hbgt@163.com", True, False),
    ("  hbgt@163.com  ", "hbgt@163.com", True, False),
    ("HbGt@163.COM", "HbGt@163.com", True, False),  # only the domain is lower-cased
    ("ｈｂｇｔ＠１６３．ｃｏｍ", "hbgt@163.com", True, False),
    ("hbgt＠163.com", "hbgt@163.com", True, False),
    ("mailto:hbgt@163.com", "hbgt@163.com", True, False),
    ("MAILTO:hbgt@qq.com", "hbgt@qq.com", True, False),
    ("hb gt@163. com", "hbgt@163.com", True, False),
    ("zhang.san+form@mail.hebei-steel.com.cn", "zhang.san+form@mail.hebei-steel.com.cn", True, False),
    ("hbgt@163.com; li@qq.com", "hbgt@163.com、li@qq.com", True, False),
    ("hbgt@163.com，LI@QQ.COM、hbgt@163.com", "hbgt@163.com、LI@qq.com", True, False),
    ("hbgt@163.com;李四", "hbgt@163.com、李四", True, False),  # kept as typed
    ("hbgt163.com;li@qq.com", None, False, False),  # the first decides
    ("hbgt@163。com", "hbgt@163.com", True, False),
    (None, None, True, True),
    ("", None, True, True),
    ("无", None, True, True),
    ("hbgt163.com", None, False, False),
    ("hbgt@163", None, False, False),
    ("hbgt@163.c", None, False, False),
    ("hbgt@163.c0m", None, False, False),
    ("hbgt@@163.com", None, False, False),
    ("@163.com", None, False, False),
    ("hbgt@-163.com", None, False, False),
    ("hbgt@163-.com", None, False, False),
    ("hbgt@163..com", None, False, False),
    (".hbgt@163.com", None, False, False),
    ("张三@163.com", None, False, False),
    ("hbgt@邮箱.com", None, False, False),
    (12345, None, False, False),
]


@pytest.mark.parametrize("raw, value, ok, empty", TO_EMAIL_CASES)
def test_to_email(raw, value, ok, empty):
    p = to_email(raw)
    assert (p.value, p.ok, p.empty) == (value, ok, empty)
    if not ok:
        assert p.note == "不是有效的电子邮箱"


# ---------------------------------------------------------------------------
# normalize_label / normalize_name / strip_company_suffix
# ---------------------------------------------------------------------------

NORMALIZE_LABEL_CASES = [
    ("主营业收入(万元）", "主营业收入"),
    (" 电 话：", "电话"),
    ("资产总额（万元）", "资产总额"),
    ("从业人数（人）", "从业人数"),
    ("利润总额(元)", "利润总额"),
    ("研发投入（万元/年）", "研发投入"),
    ("营业收入（万元）：", "营业收入"),
    ("营业收入:（万元）", "营业收入"),
    ("E-MAIL:", "e-mail"),
    ("Ｅ－ｍａｉｌ", "e-mail"),
    ("企业\u3000名称", "企业名称"),
    ("联系人\t姓名\n", "联系人姓名"),
    ("出口额（单位：万元）", "出口额"),
    ("企业名称（盖章）", "企业名称(盖章)"),  # not a unit: kept
    ("2020年营业收入（万元）", "2020年营业收入"),
    ("质量损失率（%）", "质量损失率"),
]


@pytest.mark.parametrize("s, expected", NORMALIZE_LABEL_CASES)
def test_normalize_label(s, expected):
    assert normalize_label(s) == expected


NORMALIZE_NAME_CASES = [
    ("河北 钢铁（集团）有限公司", "河北钢铁(集团)有限公司"),
    ("河北钢铁(集团)有限公司", "河北钢铁(集团)有限公司"),
    ("\u3000河北钢铁集团\t", "河北钢铁集团"),
    ("“长城”汽车股份有限公司", '"长城"汽车股份有限公司'),
    ("‘长城’汽车", "'长城'汽车"),
    ("ＡＢＣ科技有限公司", "abc科技有限公司"),
    ("ABC Tech", "abctech"),
    ("阿卜杜·热合曼商贸", "阿卜杜热合曼商贸"),
    ("阿卜杜•热合曼商贸", "阿卜杜热合曼商贸"),
    ("", ""),
]


@pytest.mark.parametrize("s, expected", NORMALIZE_NAME_CASES)
def test_normalize_name(s, expected):
    assert normalize_name(s) == expected


def test_normalize_name_equivalence():
    assert normalize_name("河北 钢铁（集团）有限公司") == normalize_name("河北钢铁(集团)有限公司")
    assert normalize_name("河北钢铁") != normalize_name("河北钢")


@pytest.mark.parametrize(
    "name, expected",
    [
        ("河北钢铁(集团)有限公司", "河北钢铁"),
        ("河北钢铁集团有限公司", "河北钢铁"),
        ("长城汽车股份有限公司", "长城汽车"),
        ("石家庄四药有限责任公司", "石家庄四药"),
        ("石家庄四药有限公司", "石家庄四药"),
        ("华北制药集团", "华北制药"),
        ("华北制药公司", "华北制药"),
        ("邢台钢铁厂", "邢台钢铁"),
        ("河北钢铁", "河北钢铁"),
        ("有限公司", "有限公司"),  # never ''
        ("集团有限公司", "集团有限公司"),
        ("公司", "公司"),
        ("厂", "厂"),
        ("", ""),
    ],
)
def test_strip_company_suffix(name, expected):
    assert strip_company_suffix(name) == expected


def test_strip_company_suffix_never_empty_for_nonempty():
    for s in ["有限责任公司", "(集团)有限公司", "集团公司", "厂公司"]:
        assert strip_company_suffix(s) == s


# ---------------------------------------------------------------------------
# from_excel_date
# ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    "raw, expected",
    [
        (44197, datetime.date(2021, 1, 1)),
        (44197.75, datetime.date(2021, 1, 1)),
        (44459.0, datetime.date(2021, 9, 20)),
        (1, datetime.date(1900, 1, 1)),
        (59, datetime.date(1900, 2, 28)),
        (61, datetime.date(1900, 3, 1)),
        (60, None),  # Excel's fictitious 1900-02-29
        (0, None),
        (-5, None),
        (2958465, datetime.date(9999, 12, 31)),
        (2958466, None),
        (float("nan"), None),
        (datetime.datetime(2021, 9, 20, 23, 59), datetime.date(2021, 9, 20)),
        (datetime.date(2021, 9, 20), datetime.date(2021, 9, 20)),
        ("2021-09-20", None),
        ("44197", None),
        (None, None),
        (True, None),
    ],
)
def test_from_excel_date(raw, expected):
    got = from_excel_date(raw)
    assert got == expected
    if expected is not None:
        assert type(got) is datetime.date


# ---------------------------------------------------------------------------
# Properties
# ---------------------------------------------------------------------------

_ILLEGAL_CHARS = [chr(c) for c in range(0x20) if c not in (0x09, 0x0A, 0x0D)] + ["\ufffe", "\uffff", "\ud800", "\udbff", "\udc00"]


@given(st.text())
def test_prop_to_text_value_is_clean_text(s):
    cleaned = clean_text(s)
    p = to_text(s)
    if has_xml_illegal(s):
        return
    if is_placeholder(cleaned):
        assert p.value is None and p.empty and p.ok
    else:
        assert p.value == cleaned
        assert p.value == s.strip()


@given(st.text(alphabet=st.one_of(st.characters(), st.sampled_from(_ILLEGAL_CHARS))))
def test_prop_clean_text_never_xml_illegal(s):
    out = clean_text(s)
    assert not has_xml_illegal(out)
    assert out == out.strip()


@given(st.floats(min_value=-1e12, max_value=1e12, allow_nan=False, allow_infinity=False))
def test_prop_number_thousands_format(x):
    s = format(x, ",.2f")
    p = to_number(s)
    assert p.ok and not p.empty
    expected = round(x, 2)
    assert math.isclose(p.value, expected, rel_tol=1e-9, abs_tol=1e-12)


_FULLWIDTH = str.maketrans("0123456789-+", "０１２３４５６７８９－＋")


@given(st.integers(min_value=-(10**15), max_value=10**15))
def test_prop_fullwidth_integer(n):
    s = str(n)
    full = s.translate(_FULLWIDTH)
    assert not any(c in "0123456789" for c in full)
    p_half = to_number(s)
    p_full = to_number(full)
    assert p_full.ok and p_half.ok
    assert p_full.value == p_half.value == float(n)


@settings(max_examples=200)
@given(st.from_regex(r"1[3-9][0-9]{9}", fullmatch=True))
def test_prop_mobile_roundtrip_formats(m):
    for raw in (m, f"{m[:3]} {m[3:7]} {m[7:]}", f"+86-{m}", m.translate(_FULLWIDTH), int(m), float(m)):
        p = to_phone(raw)
        assert p.ok and p.value == m, raw
    assert phone_kind(m) == "mobile"


# characters enterprise names and 企业概况 are written in, and the ones normalize_name maps or drops: full-width
# forms, ideographic and other spaces, dots and bullets, dashes, brackets, quotes, Latin letters of both cases
_NAME_ALPHABET = st.sampled_from(list("河北钢铁集团有限公司股份责任华信精密机械成立于年")
                                 + list("（）()【】〔〕“”\"'·•・‧∙—–-－ 　\t\nABCabcＡＢｃ１２3456.,，。"))


@settings(max_examples=400, deadline=None)
@given(before=st.text(_NAME_ALPHABET, max_size=30), name=st.text(_NAME_ALPHABET, min_size=1, max_size=20),
       after=st.text(_NAME_ALPHABET, max_size=30))
def test_a_name_written_as_is_in_a_text_is_in_its_normalised_form(before, name, after):
    """contains_enterprise answers a name found verbatim without normalising the text: sound because the
    mappings of normalize_name are per character (NFKC could join a combining mark after the name with its last
    letter — 'Cafe' + U+0301 — which Chinese names and texts do not have), so the normalised text contains the
    normalised name."""
    from toolkit.names import contains_enterprise

    text = before + name + after
    ent = normalize_name(name)
    if ent:
        assert ent in normalize_name(text)
    assert contains_enterprise(text, name) == bool(ent)


@pytest.mark.parametrize("written, shown", [
    ("2021年9月18日", "2021年9月18日"), ("2021-09-18", "2021年9月18日"), ("2021.9.18", "2021年9月18日"),
    ("2021/9/18", "2021年9月18日"), ("2021年09月18日", "2021年9月18日"), ("2021-09-18 00:00:00", "2021年9月18日"),
    ("２０２１年９月１８日", "2021年9月18日"), ("二〇二一年九月十八日", "2021年9月18日"), ("二〇二一年十月一日", "2021年10月1日"),
    ("二〇二一年十二月三十一日", "2021年12月31日"), (datetime.datetime(2021, 9, 18, 10, 5), "2021年9月18日"),
    ("9月20日", ""), ("2021年9月31日", ""), ("二〇二一年十三月一日", ""), ("下周", ""), ("", ""), (None, ""), (44457, "")])
def test_official_date(written, shown):
    """A 成文日期 in GB/T 9704-2012 §7.3.5.2 form from what clerks type; '' for no date that exists."""
    assert official_date(written) == shown
