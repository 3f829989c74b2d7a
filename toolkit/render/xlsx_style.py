"""Shared xlsxwriter formats and the one guard that keeps untrusted text from becoming a formula."""
from __future__ import annotations

from ..normalize import clean_text

FONT = "宋体"
HEADER_BG = "#DDEBF7"


def safe_text(value) -> str:
    """Text as text: XML-illegal characters dropped (xlsxwriter's write_string never makes a formula)."""
    return clean_text(value)


def formats(wb) -> dict:
    base = {"font_name": FONT, "font_size": 10, "valign": "vcenter"}
    border = {**base, "border": 1}
    return {
        "title": wb.add_format({**base, "bold": True, "font_size": 16, "align": "center"}),
        "subtitle": wb.add_format({**base, "font_size": 10, "italic": True, "font_color": "#595959"}),
        "header": wb.add_format({**border, "bold": True, "bg_color": HEADER_BG, "align": "center",
                                 "text_wrap": True}),
        "label": wb.add_format({**border, "bold": True, "bg_color": "#F2F2F2", "align": "center",
                                "text_wrap": True, "locked": True}),
        "cell": wb.add_format({**border, "text_wrap": True}),
        "cell_center": wb.add_format({**border, "align": "center"}),
        "input": wb.add_format({**border, "text_wrap": True, "locked": False}),
        "input_money": wb.add_format({**border, "num_format": "#,##0.00", "locked": False}),
        "input_count": wb.add_format({**border, "num_format": "0", "locked": False}),
        "input_text": wb.add_format({**border, "num_format": "@", "locked": False}),
        "money": wb.add_format({**border, "num_format": "#,##0.00"}),
        "count": wb.add_format({**border, "num_format": "0"}),
        "error": wb.add_format({**border, "font_color": "#C00000", "text_wrap": True}),
        "warning": wb.add_format({**border, "font_color": "#9C5700", "text_wrap": True}),
        "ok": wb.add_format({**border, "font_color": "#006100", "align": "center"}),
        "bad": wb.add_format({**border, "font_color": "#C00000", "align": "center", "bold": True}),
        "note": wb.add_format({**base, "font_color": "#595959", "text_wrap": True}),
        "wrap": wb.add_format({**base, "text_wrap": True}),
    }


def write_cell(ws, row: int, col: int, value, fmt=None) -> None:
    """Numbers as numbers, everything else as a string (never a formula, whatever it starts with)."""
    if isinstance(value, bool):
        ws.write_boolean(row, col, value, fmt)
    elif isinstance(value, (int, float)):
        ws.write_number(row, col, value, fmt)
    elif value is None or value == "":
        ws.write_blank(row, col, None, fmt)
    else:
        ws.write_string(row, col, safe_text(value), fmt)


def print_setup(ws, *, landscape: bool = True, header_rows: tuple[int, int] | None = (0, 0),
                fit_width: bool = True, paper: int = 9) -> None:
    ws.set_paper(paper)  # 9 = A4, 8 = A3
    if landscape:
        ws.set_landscape()
    else:
        ws.set_portrait()
    ws.set_margins(left=0.5, right=0.5, top=0.6, bottom=0.6)
    if header_rows is not None:
        ws.repeat_rows(*header_rows)
    if fit_width:
        ws.fit_to_pages(1, 0)
    ws.set_footer("&C第 &P 页，共 &N 页")


def write_header(ws, f: dict, row: int, columns) -> None:
    """A table's header row: bold, shaded, wrapped, and each column's width."""
    for col, (name, width) in enumerate(columns):
        ws.write_string(row, col, name, f["header"])
        ws.set_column(col, col, width)
    ws.set_row(row, 32)


def titled_sheet(ws, f: dict, *, title: str, note: str, width: int, note_height: int = 30) -> None:
    """Row 1 a title across the table, row 2 an explanatory note (both merged)."""
    ws.merge_range(0, 0, 0, width - 1, title, f["title"])
    ws.set_row(0, 28)
    ws.merge_range(1, 0, 1, width - 1, note, f["note"])
    ws.set_row(1, note_height)
