"""Property: any text typed into any text field of our template comes back exactly.

Characters XML cannot hold (control characters) are stored by Excel as _xHHHH_ escapes; they come back
dropped, with a warning on that field.
"""
from __future__ import annotations

import string

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import toolkit.render.forms as forms
from toolkit.campaign import load_campaign
from toolkit.extract.registry import extract
from toolkit.normalize import clean_text, has_xml_illegal, is_placeholder

CAMPAIGN = load_campaign()
TEXT_FIELDS = [f.key for f in CAMPAIGN.fields if f.type == "text"]

# what people type: CJK, ASCII, full-width forms, punctuation, newlines, the odd control character
typed = st.lists(
    st.one_of(
        st.characters(min_codepoint=0x4E00, max_codepoint=0x4FFF),
        st.sampled_from(string.ascii_letters + string.digits + string.punctuation + " \n"),
        st.characters(min_codepoint=0xFF01, max_codepoint=0xFF5E),
        st.sampled_from(["\x07", "\x0b", "\x1f", "（", "）", "、", "“", "”", "×", "&", "<", ">", "_x0041_"]),
    ),
    min_size=1, max_size=40,
).map("".join)


def _raw_write_cell(ws, row, col, value, fmt=None):
    """Write exactly what was typed, as Excel would (xlsxwriter escapes control characters as _xHHHH_)."""
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        ws.write_number(row, col, value, fmt)
    elif value in (None, ""):
        ws.write_blank(row, col, None, fmt)
    else:
        ws.write_string(row, col, value, fmt)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(key=st.sampled_from(TEXT_FIELDS), text=typed)
def test_any_text_round_trips(tmp_path_factory, monkeypatch, key, text):
    expected = clean_text(text)
    if not expected or is_placeholder(expected):
        return  # empty or a placeholder such as '无' is read as "not filled", by design
    monkeypatch.setattr(forms, "write_cell", _raw_write_cell)
    path = tmp_path_factory.mktemp("prop") / "form.xlsx"
    forms.write_form(str(path), CAMPAIGN, {key: text})
    ex = extract(path.read_bytes(), path.name, CAMPAIGN)
    got = ex.form.fields[key].value
    assert got == expected
    warned = [i for i in ex.issues if i.field == key and i.severity == "warning"]
    assert bool(warned) == has_xml_illegal(text)
