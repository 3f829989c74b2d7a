"""电话/传真 as landlines, 手机 as a mobile, at least one of 电话/手机."""
from __future__ import annotations

from typing import Iterator

from ..campaign import Campaign
from ..keys import MOBILE, PHONE
from ..messages import make_issue
from ..model import WARNING, Application, Issue
from ..normalize import phone_kind

_EXPECT = {"phone": "landline", "mobile": "mobile"}  # field type -> what the number must be
_HINT = {"landline": "固定电话写成“区号-号码”，如 0311-87803218，可加分机号",
         "mobile": "手机号为 11 位数字，以 13–19 开头"}


def check_contacts(app: Application, campaign: Campaign) -> Iterator[Issue]:
    """Every phone-type field of the campaign as a landline (电话, 传真: '区号-号码') and every mobile-type field as
    a mobile (手机: 11 digits); at least one of 电话/手机 filled. A mobile number in 电话 is only a warning."""
    form = app.form
    if form is None:
        return
    file = app.form_file.path if app.form_file else ""
    present = []
    for spec in campaign.fields:
        expected = _EXPECT.get(spec.type)
        v = form.fields.get(spec.key)
        if expected is None or v is None or v.empty or (v.value is None and v.ok):
            continue
        if not v.ok:
            yield make_issue("field.invalid", file=file, location=v.location, field=spec.key, value=v.text,
                             reason=v.note or "不是有效的电话号码", hint=_HINT[expected])
            continue
        kind = phone_kind(v.value)
        present.append(spec.key)
        if kind != expected:
            severity = WARNING if spec.key == PHONE and kind == "mobile" else None
            reason = "是手机号码，不是固定电话" if kind == "mobile" else "不是手机号码"
            yield make_issue("field.invalid", file=file, location=v.location, field=spec.key, value=v.text,
                             reason=reason, hint=_HINT[expected], severity=severity)
    if PHONE not in present and MOBILE not in present and not any(
            (form.fields.get(k) is not None and not form.fields[k].ok) for k in (PHONE, MOBILE)):
        loc = (form.fields.get(PHONE) or form.fields.get(MOBILE))
        yield make_issue("field.missing", file=file, location=loc.location if loc else "申请表", field="电话/手机")
