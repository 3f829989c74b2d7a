"""The field and section keys that the rules and documents need by name — and only those.

Everything else about a field (its label, synonyms, type, limits, where it sits in the 申请表) is data in the
campaign file. A campaign file may add fields or drop optional ones; it must keep these keys, since the
notice's own checks depend on them (toolkit.campaign refuses a file without REQUIRED_FIELD_KEYS).
"""
from __future__ import annotations

# 申请表 (附件1 一、申请表)
ENTERPRISE = "申报单位"
BENCHMARK = "标杆名称"
INDUSTRY = "所属行业"
REGION = "所在地区"
ABSTRACT = "摘要"
PHONE = "电话"
MOBILE = "手机"
FAX = "传真"
EMAIL = "电子邮箱"

# yearly figures (基本情况), in 万元 except 从业人员 (人)
ASSETS = "资产总额"
MAIN_REVENUE = "主营业收入"
OTHER_REVENUE = "其他业务收入"
PROFIT = "利润总额"
EMPLOYEES = "从业人员"

# 总结材料 (附件1 二、总结材料)
SECTION_NAME = "质量标杆名称"
SECTION_ABSTRACT = "摘要"
SECTION_OVERVIEW = "企业概况"
# the only section texts read after a 总结材料 is extracted: the 质量标杆名称 (SummaryData.benchmark_name), and the
# 企业概况 and 摘要 (the enterprise they name, names.enterprise_named_in; pairing: does the 企业概况 name the
# 申请表's enterprise). The other sections' texts are dropped as each file is read (pipeline.read_file): their 字数,
# images and tables are what the checks use.
CHECKED_SECTION_TEXTS = (SECTION_NAME, SECTION_OVERVIEW, SECTION_ABSTRACT)

# without these the notice's checks cannot be made (pairing, eligibility, naming)
REQUIRED_FIELD_KEYS = (ENTERPRISE, BENCHMARK)
REQUIRED_YEARLY_KEYS = (PROFIT,)
