"""质量标杆推荐工作工具包 — toolkit for the Hebei 工业企业质量标杆 recommendation campaign."""

__version__ = "0.1.0"
