"""电话/传真 as landlines, 手机 as a mobile, at least one of 电话/手机."""
from __future__ import annotations

from typing import Iterator

from ..campaign import Campaign
from ..keys import FAX, MOBILE, PHONE
from ..messages import make_issue
from ..model import WARNING, Application, Issue
from ..normalize import phone_kind

_EXPECT = {PHONE: "landline", FAX: "landline", MOBILE: "mobile"}
_HINT = {"landline": "固定电话写成“区号-号码”，如 0311-87803218，可加分机号",
         "mobile": "手机号为 11 位数字，以 13–19 开头"}


def check_contacts(app: Application, campaign: Campaign) -> Iterator[Issue]:
    form = app.form
    if form is None:
        return
    file = app.form_file.path if app.form_file else ""
    present = []
    for key, expected in _EXPECT.items():
        v = form.fields.get(key)
        if v is None or v.empty or (v.value is None and v.ok):
            continue
        if not v.ok:
            yield make_issue("field.invalid", file=file, location=v.location, field=key, value=v.text,
                             reason=v.note or "不是有效的电话号码", hint=_HINT[expected])
            continue
        kind = phone_kind(v.value)
        present.append(key)
        if kind != expected:
            severity = WARNING if key == PHONE and kind == "mobile" else None
            reason = "是手机号码，不是固定电话" if kind == "mobile" else "不是手机号码"
            yield make_issue("field.invalid", file=file, location=v.location, field=key, value=v.text,
                             reason=reason, hint=_HINT[expected], severity=severity)
    if PHONE not in present and MOBILE not in present and not any(
            (form.fields.get(k) is not None and not form.fields[k].ok) for k in ("电话", MOBILE)):
        loc = (form.fields.get("电话") or form.fields.get("手机"))
        yield make_issue("field.missing", file=file, location=loc.location if loc else "申请表", field="电话/手机")
