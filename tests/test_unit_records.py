"""Units' decisions kept between runs (cache.UnitRecords): a run takes them for the units whose files did not
change, and its result is the one deciding every unit afresh gives, issue for issue."""
from __future__ import annotations

import datetime as dt
import io
import json
import os
import zipfile

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from toolkit.cache import (
    UnitRecords,
    _check_of,
    _record_body,
    _record_of,
)
from toolkit.campaign import CHINA_TZ
from toolkit.demo import write_demo_inbox
from toolkit.model import DecidedUnit, SummaryData, evolve
from toolkit.pipeline import run
from toolkit.render import content_bytes
from toolkit.render.forms import write_summary


@pytest.fixture(scope="module")
def demo_inbox(tmp_path_factory, campaign):
    base = tmp_path_factory.mktemp("records")
    info = write_demo_inbox(base / "inbox", base / "outbox", campaign)
    return base, info["now"]


def _same_result(a, b) -> None:
    """Two runs' results equal in every application, unit and file, and in the issues listed once each."""
    assert content_bytes(a.applications) == content_bytes(b.applications)
    assert content_bytes(a.units) == content_bytes(b.units)
    assert content_bytes(a.files) == content_bytes(b.files)
    assert [(u, e, content_bytes(i)) for u, e, i in a.issue_rows()] == [
        (u, e, content_bytes(i)) for u, e, i in b.issue_rows()]


def _paths(result, unit: str) -> set:
    """The paths of ``unit``'s files in a run's result (removed ones included)."""
    return {e.version.path for e in result.files if e.version.unit == unit}


def _summary(out) -> dict:
    data = json.loads((out / "latest" / "summary.json").read_text(encoding="utf-8"))
    data.pop("generated_at"), data.pop("run", None)
    return data


def _parts(out) -> dict:
    """Output -> {kept part's file name: its inode} (a part written again is a new file)."""
    folder = out / ".state" / "cache" / "parts"
    return {o.name: {p.name: p.stat().st_ino for p in o.iterdir()} for o in folder.iterdir()}


def _pages(out) -> dict:
    """The run's status pages (index.html and each unit's), by path."""
    latest = out / "latest"
    return {p.relative_to(latest).as_posix(): p.read_text(encoding="utf-8") for p in latest.rglob("index.html")}


def _register(out) -> dict:
    """The parts of the run's 省级汇总表.xlsx but its creation time."""
    with zipfile.ZipFile(out / "latest" / "省级汇总表.xlsx") as z:
        return {name: z.read(name) for name in z.namelist() if name != "docProps/core.xml"}


def test_kept_decisions_give_the_result_of_deciding_afresh(demo_inbox, campaign, tmp_path):
    base, now = demo_inbox
    inbox, out = base / "inbox", tmp_path / "out"
    first = run(inbox, out, campaign, settle=0, workers=1, now=now)
    records = UnitRecords(out / ".state" / "cache")
    kept_units = [u.name for u in campaign.units if records.key(u.name)]
    assert len(kept_units) >= len(campaign.units) - 3, kept_units  # units with a file after the deadline are not
    # one unit's 总结材料 replaced by a corrected one: that unit is decided again, every other one is taken as kept
    unit = campaign.unit("保定市工业和信息化局")
    assert unit.name in kept_units
    [summary] = [p for p in inbox.rglob("*总结材料*.docx") if p.parent.name in (unit.name, *unit.aliases)][:1]
    app = next(a for a in first.result.applications if a.summary_file and a.summary_file.abspath == str(summary))
    write_summary(str(summary), campaign, {"质量标杆名称": app.benchmark_name,
                                           "企业概况": f"{app.enterprise}是一家制造企业。" * 20})
    stamp = (now - dt.timedelta(days=4)).timestamp()
    os.utime(summary, (stamp, stamp))
    later = now + dt.timedelta(minutes=5)
    parts = _parts(out)
    assert all(len(parts[output]) >= 20 for output in ("register", "summary", "unit pages", "index")), parts.keys()
    incremental = run(inbox, out, campaign, settle=0, workers=1, now=later)
    assert incremental.parsed == 1
    # the other units' parts of every output were taken as kept (the same files), the changed unit's made again
    after = _parts(out)
    for output, made in (("summary", 2), ("unit pages", 1), ("index", 1)):  # (summary: applications, files)
        assert len(after[output].items() - parts[output].items()) == made and len(after[output]) == len(parts[output])
    assert len(after["register"].items() & parts["register"].items()) >= len(parts["register"]) - 6  # (money too)
    kept_summary, kept_register, kept_pages = _summary(out), _register(out), _pages(out)
    forced = run(inbox, out, campaign, settle=0, workers=1, now=later, force=True)  # every unit decided afresh
    _same_result(incremental.result, forced.result)
    assert kept_summary == _summary(out)
    assert kept_register == _register(out)  # made of kept rows but the changed unit's: as written afresh
    assert kept_pages == _pages(out) and len(kept_pages) == len(campaign.units) + 1
    assert incremental.result.applications != first.result.applications  # the change is in the result


def test_a_run_decodes_only_the_files_of_units_it_decides(demo_inbox, campaign, tmp_path, monkeypatch):
    from toolkit.cache import ExtractCache

    base, now = demo_inbox
    inbox, out = base / "inbox", tmp_path / "out"
    run(inbox, out, campaign, settle=0, workers=1, now=now)
    asked: list = []
    original = ExtractCache.get

    def get(self, sha256, file):
        asked.append(file)
        return original(self, sha256, file)

    monkeypatch.setattr(ExtractCache, "get", get)
    hits: list = []
    original_get = UnitRecords.get

    def record_get(self, unit, key, paths):
        found = original_get(self, unit, key, paths)
        hits.append((unit, found is not None))
        return found

    monkeypatch.setattr(UnitRecords, "get", record_get)
    again = run(inbox, out, campaign, settle=0, workers=1, now=now + dt.timedelta(minutes=1), force=False)
    assert again.unchanged  # the same inbox: nothing to do at all
    stray = inbox / "其他材料" / "补充说明2.txt"  # a new file no unit claims: every unit's files unchanged
    stray.write_text("说明", encoding="utf-8")
    try:
        changed = run(inbox, out, campaign, settle=0, workers=1, now=now + dt.timedelta(minutes=2))
    finally:
        stray.unlink()
    kept = {unit for unit, found in hits if found}
    assert kept and changed.run_folder is not None
    kept_files = {e.version.path for e in changed.result.files if e.version.unit in kept}
    assert kept_files and not kept_files & set(asked)  # none of their files' results were decoded


def _with_control_character(path, text: str) -> None:
    """The workbook with a BEL character (OOXML's _x0007_ escape) in ``text``, as some systems export it."""
    source = zipfile.ZipFile(io.BytesIO(path.read_bytes()))
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as out:
        for info in source.infolist():
            out.writestr(info, source.read(info).replace(text.encode(), f"{text[:3]}_x0007_{text[3:]}".encode()))
    path.write_bytes(buffer.getvalue())


def test_the_record_of_a_unit_round_trips_with_its_shared_issues(campaign, tmp_path, make_form, make_summary):
    """Encoded and decoded (through JSON text), each unit's decision is the same; an issue shared by an application
    and its file's entry (a finding of reading the file) stays one object, so the run still lists it once."""
    inbox, out = tmp_path / "inbox", tmp_path / "out"
    firms = {"石家庄": "河北石家庄示范制造有限公司", "保定": "河北保定示范制造有限公司"}
    for folder, firm in firms.items():
        form = make_form(inbox / folder / "1-申请表.xlsx", 申报单位=firm, 标杆名称=f"{firm}推行精益生产的经验")
        _with_control_character(form, "河北省石家庄市高新区100号")  # a warning of reading the file
        make_summary(inbox / folder / "1-总结材料.docx", enterprise=firm, name=f"{firm}推行精益生产的经验")
    make_form(inbox / "保定" / "2-申请表.xlsx", 申报单位="河北保定第二制造有限公司", 标杆名称="", 电话="12")
    day = dt.datetime(2021, 9, 10, 10, 0, tzinfo=CHINA_TZ)  # before the deadline
    first = run(inbox, out, campaign, settle=0, workers=1, now=day)
    records = UnitRecords(out / ".state" / "cache")
    decided = {u.name: records.get(u.name, records.key(u.name), _paths(first.result, u.name)) for u in campaign.units}
    assert all(isinstance(d, DecidedUnit) for d in decided.values()) and records.hits == len(campaign.units)
    shared = 0
    for d in decided.values():
        again = _record_of(_record_body(d))
        assert content_bytes(again) == content_bytes(d)
        for decoded in (d, again):
            on_apps = {id(i) for a in decoded.ordered for i in a.issues}
            shared += sum(1 for *_, issues, _e in decoded.files for i in issues if id(i) in on_apps)
    assert shared >= 4  # the two units' forms, before and after the round trip
    # a run taking every unit's kept decision gives what deciding them gives, each issue listed once
    make_summary(inbox / "其他" / "说明.docx", enterprise="某公司", name="某公司的经验")  # changes no unit's files
    later = day + dt.timedelta(hours=1)
    kept = run(inbox, out, campaign, settle=0, workers=1, now=later)
    assert kept.parsed == 1 and kept.run_folder is not None
    _same_result(kept.result, run(inbox, out, campaign, settle=0, workers=1, now=later, force=True).result)
    listed = [i for *_, i in kept.result.issue_rows()]
    assert len(listed) == len({id(i) for i in listed}) and any(i.code == "field.invalid" for i in listed)


def test_a_damaged_or_foreign_record_is_decided_again(demo_inbox, campaign, tmp_path):
    base, now = demo_inbox
    inbox, out = base / "inbox", tmp_path / "out"
    first = run(inbox, out, campaign, settle=0, workers=1, now=now)
    path = out / ".state" / "cache" / UnitRecords.FILE
    lines = path.read_bytes().split(b"\n")
    unit, key, body = lines[0].split(b"\t", 2)
    lines[0] = b"\t".join((unit, key, body[: len(body) // 2]))  # torn
    unit2, key2, body2 = lines[1].split(b"\t", 2)
    lines[1] = b"\t".join((unit2, b"0" * len(key2), body2))  # another key (older code, other files)
    path.write_bytes(b"\n".join(lines))
    records = UnitRecords(path.parent)
    assert records.get(unit.decode(), key.decode(), _paths(first.result, unit.decode())) is None
    assert records.get(unit2.decode(), key2.decode(), _paths(first.result, unit2.decode())) is None
    stray = inbox / "其他材料" / "补充说明3.txt"  # a new file no unit claims: a run, with every unit's files as before
    stray.write_text("说明", encoding="utf-8")
    try:
        again = run(inbox, out, campaign, settle=0, workers=1, now=now + dt.timedelta(minutes=1))
    finally:
        stray.unlink()
    assert content_bytes(again.result.applications) == content_bytes(first.result.applications)
    assert content_bytes(again.result.units) == content_bytes(first.result.units)
    healed = UnitRecords(path.parent)
    assert healed.get(unit.decode(), healed.key(unit.decode()), _paths(first.result, unit.decode())) is not None


def test_a_units_key_changes_with_every_field_of_its_files_and_with_the_settings(monkeypatch):
    from dataclasses import fields, replace

    from toolkit import cache
    from toolkit.cache import unit_key
    from toolkit.model import FileVersion

    a = FileVersion(path="石家庄/1-申请表.xlsx", unit="石家庄市工业和信息化局", folder="石家庄", sha256="ab" * 32,
                    size=9000, mtime=1631239200.5, first_seen="2021-09-10T10:00:00+08:00", abspath="/srv/inbox/石家庄/1-申请表.xlsx")
    b = replace(a, path="石家庄/1-总结材料.docx", sha256="cd" * 32, abspath="/srv/inbox/石家庄/1-总结材料.docx")
    base = unit_key(a.unit, [a, b], [], "settings")
    assert unit_key(a.unit, [a, b], [], "settings") == base
    others = {str: lambda v: v + "x", int: lambda v: v + 1, float: lambda v: v + 0.001}
    for f in fields(FileVersion):
        value = getattr(a, f.name)
        changed = replace(a, **{f.name: others[type(value)](value)})
        assert unit_key(a.unit, [changed, b], [], "settings") != base, f.name
    assert unit_key(a.unit, [a], [b], "settings") != base  # a file removed is not a file present
    assert unit_key(a.unit, [b, a], [], "settings") != base  # the order discovery gives is part of it
    assert unit_key("保定市工业和信息化局", [a, b], [], "settings") != base
    assert unit_key(a.unit, [a, b], [], "other settings") != base
    monkeypatch.setattr(cache, "toolkit_digest", lambda: "other code")
    assert unit_key(a.unit, [a, b], [], "settings") != base


DAY = dt.datetime(2021, 9, 10, 10, 0, tzinfo=CHINA_TZ)


def _tangshan(inbox, make_form, make_summary) -> list[str]:
    firms = ["唐山华信精密机械有限公司", "唐山恒达轴承有限公司", "唐山冀东水泥装备有限公司"]
    for n, firm in enumerate(firms, 1):
        name = f"{firm.removesuffix('有限公司')}推行精益生产的经验"
        make_form(inbox / "唐山" / f"{n}-{firm}-申请表.xlsx", 申报单位=firm, 标杆名称=name, 所在地区="唐山市")
        make_summary(inbox / "唐山" / f"{n}-{firm}-总结材料.docx", enterprise=firm, name=name)
    return firms


def _touch_other(inbox, n: int) -> None:
    """A file no unit claims, changed: a run happens, with every unit's files as they were."""
    (inbox / "其他").mkdir(exist_ok=True)
    (inbox / "其他" / "说明.txt").write_text("x" * n, encoding="utf-8")


def test_a_withdrawal_stands_as_deciding_afresh_decides_it_when_the_extraction_cache_is_lost(
        tmp_path, make_form, make_summary, campaign):
    """A unit's removed files count with what they held: when the extraction cache has lost them, the kept decision
    (made when it had them) is not taken, and a kept run, a forced run and the run after agree."""
    inbox, out = tmp_path / "inbox", tmp_path / "out"
    firms = _tangshan(inbox, make_form, make_summary)
    run(inbox, out, campaign, settle=0, workers=1, now=DAY)
    for path in (inbox / "唐山").glob("2-*"):
        path.unlink()  # the unit withdraws its second application by removing its files
    withdrawn = run(inbox, out, campaign, settle=0, workers=1, now=DAY + dt.timedelta(hours=1)).result
    assert [(a.enterprise, a.status) for a in withdrawn.applications if a.withdrawn] == [(firms[1], "已撤回")]
    (out / ".state" / "cache" / "extract.jsonl").unlink()  # lost: deleted, or unreadable on the share
    outcomes = []
    for n, force in enumerate((False, True, False), start=2):
        _touch_other(inbox, n)
        result = run(inbox, out, campaign, settle=0, workers=1, now=DAY + dt.timedelta(hours=n), force=force).result
        outcomes.append(sorted((a.enterprise, a.status) for a in result.applications))
    assert outcomes[0] == outcomes[1] == outcomes[2]


@pytest.mark.parametrize("damage", ["entry", "rejected", "application", "nested"])
def test_a_record_naming_other_files_is_not_taken(tmp_path, make_form, make_summary, campaign, damage):
    """A record of the right shape that names a file its unit does not have (a hand edit, a mix-up on the share) is
    damaged: the unit is decided afresh and its record written again; no run fails."""
    inbox, out = tmp_path / "inbox", tmp_path / "out"
    _tangshan(inbox, make_form, make_summary)
    first = run(inbox, out, campaign, settle=0, workers=1, now=DAY).result
    path = out / ".state" / "cache" / UnitRecords.FILE
    lines = path.read_bytes().split(b"\n")
    n = next(i for i, line in enumerate(lines) if line.startswith("唐山市工业和信息化局\t".encode()))
    unit, key, body = lines[n].split(b"\t", 2)
    core, check, details = body.split(b"\t", 2)  # (cache._record_body)
    data = json.loads(core)
    if damage == "entry":
        data["files"][0][0] = data["files"][0][0].replace("1-", "I-")
    elif damage == "rejected":
        data["rejected"] = ["唐山/不存在.xlsx"]
    elif damage == "application":
        data["ordered"][0]["form_file"][0] = "唐山/不存在.xlsx"
    else:
        data = b"[" * 100_000 + b"]" * 100_000  # deeper than the decoder goes
    core = data if isinstance(data, bytes) else json.dumps(data, ensure_ascii=False).encode()
    check = _check_of(core, details)  # (a valid record, as written by a run, naming another file)
    lines[n] = b"\t".join((unit, key, core, check, details))
    path.write_bytes(b"\n".join(lines))
    for n, force in enumerate((False, True, False), start=1):
        _touch_other(inbox, n)
        again = run(inbox, out, campaign, settle=0, workers=1, now=DAY + dt.timedelta(hours=n), force=force).result
        assert content_bytes(again.applications) == content_bytes(first.applications)
    records = UnitRecords(path.parent)
    kept = records.get(unit.decode(), records.key(unit.decode()), _paths(first, unit.decode()))
    assert kept is not None and not records.damaged  # written again whole


def test_a_watchers_decisions_are_kept_for_the_batch_runs_after_it(tmp_path, make_form, make_summary, campaign,
                                                                   monkeypatch):
    """A watcher decides from its own memory, and writes each unit's record as it decides it: a batch run after it
    takes every unchanged unit's decision and gives what deciding afresh gives."""
    from toolkit import assemble as assembly
    from toolkit import pipeline
    from toolkit.cache import ExtractCache

    inbox, out = tmp_path / "inbox", tmp_path / "out"
    firms = _tangshan(inbox, make_form, make_summary)
    monkeypatch.setattr(assembly, "UNIT_MEMO", assembly.UnitMemo())
    monkeypatch.setattr(ExtractCache, "DECODED", {})
    monkeypatch.setattr(pipeline, "_KEPT_POOLS", {})
    monkeypatch.setattr(pipeline, "_PRIMED", set())
    try:
        watched = run(inbox, out, campaign, settle=0, workers=1, now=DAY, keep_workers=True)
    finally:
        for pool in pipeline._KEPT_POOLS.values():
            pool.close()
    assert watched.run_folder is not None and assembly.UNIT_MEMO.misses == len(campaign.units)
    records = UnitRecords(out / ".state" / "cache")
    assert all(records.key(u.name) for u in campaign.units)
    name = f"{firms[0].removesuffix('有限公司')}推行精益生产的经验"
    make_summary(inbox / "唐山" / f"1-{firms[0]}-总结材料.docx", enterprise=firms[0], name=name,
                 企业概况=f"{firms[0]}是一家制造企业，改写后的概况。" * 10)
    hits: list = []
    original = UnitRecords.get

    def get(self, unit, key, paths):
        found = original(self, unit, key, paths)
        hits.append(found is not None)
        return found

    monkeypatch.setattr(UnitRecords, "get", get)
    later = DAY + dt.timedelta(hours=1)
    batch = run(inbox, out, campaign, settle=0, workers=1, now=later)
    assert batch.parsed == 1 and sum(hits) == len(campaign.units) - 1  # all but 唐山
    _same_result(batch.result, run(inbox, out, campaign, settle=0, workers=1, now=later, force=True).result)


def test_a_duplicate_in_another_unit_changes_a_kept_units_key_and_outputs(tmp_path, make_form, make_summary,
                                                                         campaign):
    """A unit whose files did not change is still changed by a province-wide step: another unit recommending one
    of its enterprises makes both duplicates. Its content key (render.unit_keys, from its decision's key and what
    the province-wide steps gave it) changes, and its documents, register rows, summary.json lines and pages are
    made again: the run's outputs are those of a run deciding and writing everything afresh."""
    inbox, out = tmp_path / "inbox", tmp_path / "out"
    firms = _tangshan(inbox, make_form, make_summary)
    run(inbox, out, campaign, settle=0, workers=1, now=DAY)
    before = json.loads((out / ".state" / "last_run.json").read_text(encoding="utf-8"))["unit_keys"]
    name = f"{firms[1].removesuffix('有限公司')}推行卓越绩效模式的经验"
    make_form(inbox / "邯郸" / f"1-{firms[1]}-申请表.xlsx", 申报单位=firms[1], 标杆名称=name, 所在地区="唐山市")
    make_summary(inbox / "邯郸" / f"1-{firms[1]}-总结材料.docx", enterprise=firms[1], name=name)
    later = DAY + dt.timedelta(hours=1)
    incremental = run(inbox, out, campaign, settle=0, workers=1, now=later)
    after = json.loads((out / ".state" / "last_run.json").read_text(encoding="utf-8"))["unit_keys"]
    tangshan = campaign.unit("唐山市工业和信息化局").name
    assert after[tangshan] != before[tangshan]
    assert sum(before[u] != after[u] for u in before) == 2  # 唐山 and 邯郸, no other
    dup = [a for a in incremental.result.applications if any(i.code == "duplicate.enterprise" for i in a.issues)]
    assert {a.unit for a in dup} == {tangshan, campaign.unit("邯郸市工业和信息化局").name}
    outputs = _summary(out), _register(out), _pages(out)
    receipt = (out / "latest" / "回执" / f"{tangshan}-回执.xlsx").read_bytes()
    run(inbox, out, campaign, settle=0, workers=1, now=later, force=True)
    assert outputs == (_summary(out), _register(out), _pages(out))
    assert _sheet_xml(receipt) == _sheet_xml((out / "latest" / "回执" / f"{tangshan}-回执.xlsx").read_bytes())


def _sheet_xml(package: bytes) -> dict:
    with zipfile.ZipFile(io.BytesIO(package)) as z:
        return {n: z.read(n) for n in z.namelist() if n.startswith("xl/worksheets/")}


def test_records_of_units_decided_again_are_appended_until_the_file_is_twice_what_it_holds(tmp_path):
    """After one changed file only that unit's record is written (appended; its last line stands); once the
    file holds as much superseded text as live, it is written anew with a line per unit."""
    from toolkit.model import DecidedUnit

    def decided(n: int) -> DecidedUnit:
        return DecidedUnit(ordered=(), files=(), scans=(), ranking_sheets=(), rank_source="", rejected=(),
                           date="2021-09-0" + str(n % 9 + 1))

    folder = tmp_path / "cache"
    records = UnitRecords(folder)
    units = [f"单位{n}" for n in range(4)]
    for n, unit in enumerate(units):
        records.put(unit, f"k{n}", decided(n))
    records.save(units)
    path = folder / UnitRecords.FILE
    whole, inode = path.stat().st_size, path.stat().st_ino
    sizes = []
    for round_ in range(1, 12):
        records = UnitRecords(folder)
        assert records.key("单位1") == (f"r{round_ - 1}" if round_ > 1 else "k1")
        records.put("单位1", f"r{round_}", decided(round_))
        records.save(units)
        sizes.append(path.stat().st_size)
        if round_ == 1:  # appended to the file as it was: one line longer
            assert path.stat().st_ino == inode and whole < sizes[0] < whole * 1.5
        again = UnitRecords(folder)
        assert again.key("单位1") == f"r{round_}" and again.key("单位2") == "k2"
        assert again.get("单位1", f"r{round_}", set()).date == decided(round_).date
    assert any(later < earlier for earlier, later in zip(sizes, sizes[1:]))  # written anew at some point
    assert max(sizes) <= 2 * whole + 200
    records = UnitRecords(folder)
    records.save(units[:3])  # a unit gone: written anew with the others only
    assert len(path.read_bytes().strip().split(b"\n")) == 3 and UnitRecords(folder).key("单位3") == ""


def test_a_kept_form_is_its_form_made_when_read(make_form, campaign, tmp_path):
    """A record's 申请表 makes its Values when first read (cache._KeptForm): it reads one field alone, equals and
    pickles as (content digests) the FormData it stands for, and a record of the wrong shape is refused when
    taken, not when a field is read later."""
    import pickle

    from toolkit.cache import _KeptForm, _plain
    from toolkit.extract.registry import extract

    path = make_form(tmp_path / "1-申请表.xlsx", 传真="", 电话="0311-8780321x")
    form = extract(path.read_bytes(), "1-申请表.xlsx", campaign, file="石家庄/1-申请表.xlsx").form
    assert form.fields["传真"].empty and form.yearly["利润总额"][2020].value == 3650.25
    data = json.loads(json.dumps(_plain(form), ensure_ascii=False))
    kept = _KeptForm.of(data)
    assert kept.text("申报单位") == form.text("申报单位") and "fields" not in vars(kept)  # one field, nothing made
    assert kept.text("传真") == form.text("传真") == "" and kept.text("无此栏目") == ""
    assert content_bytes(kept) == content_bytes(form) and pickle.loads(pickle.dumps(kept)) == form
    assert kept == form and form == kept and kept.number("利润总额", 2020) == 3650.25
    assert kept.fields == form.fields and kept.yearly == form.yearly and kept.warnings == form.warnings
    assert "_data" not in vars(kept)  # both made: the record's data let go
    changed = evolve(_KeptForm.of(data), source="labels")  # (assembly evolves applications, never forms: still)
    assert changed.text("申报单位") == form.text("申报单位") and changed.source == "labels"
    for damage in ({"fields": []}, {"fields": {"申报单位": "文本"}}, {"fields": {"电话": [1, 2, 3]}},
                   {"yearly": {"利润总额": {"二〇二〇": [1.0, "C15"]}}}, {"yearly": {"利润总额": [1.0]}},
                   {"yearly": {"利润总额": {"²": [1.0, "C15"]}}}, {"yearly": {"利润总额": {"9" * 5000: [1.0, "C15"]}}}):
        with pytest.raises(ValueError):
            _KeptForm.of({**data, **damage})


def test_a_temporary_file_in_a_kept_unit_is_listed_in_its_rows(tmp_path, make_form, make_summary, campaign):
    """A temporary file (an open workbook's ~$ lock file) appears in a unit whose files did not change: the unit's
    decision is kept, and the register's 文件清单 lists the file — that group's kept rows are keyed by the unit's
    temporary and still-copying files too."""
    inbox, out = tmp_path / "inbox", tmp_path / "out"
    _tangshan(inbox, make_form, make_summary)
    run(inbox, out, campaign, settle=0, workers=1, now=DAY)
    (inbox / "唐山" / "~$1-唐山华信精密机械有限公司-申请表.xlsx").write_bytes(b"\x00" * 165)
    later = DAY + dt.timedelta(hours=1)
    incremental = run(inbox, out, campaign, settle=0, workers=1, now=later)
    assert incremental.parsed == 0 and [fv.unit for fv in incremental.result.ignored] == ["唐山市工业和信息化局"]
    register = _register(out)
    assert "~$1-唐山华信".encode() in register["xl/worksheets/sheet7.xml"]
    run(inbox, out, campaign, settle=0, workers=1, now=later, force=True)
    assert register == _register(out)


def test_a_torn_appended_record_is_damaged_and_decided_again(demo_inbox, campaign, tmp_path):
    """A run killed while appending a unit's record leaves a torn last line: the unit's record is damaged (not
    taken), the unit is decided afresh and its record put again; the result is the one deciding afresh gives."""
    base, now = demo_inbox
    inbox, out = base / "inbox", tmp_path / "out"
    first = run(inbox, out, campaign, settle=0, workers=1, now=now)
    path = out / ".state" / "cache" / UnitRecords.FILE
    records = UnitRecords(path.parent)
    unit = campaign.unit("保定市工业和信息化局").name
    key = records.key(unit)
    body = _record_body(records.get(unit, key, _paths(first.result, unit)))
    with open(path, "ab") as fh:  # as save appends it, cut short
        fh.write(b"\n" + f"{unit}\t{key}\t".encode() + body[: len(body) // 2])
    torn = UnitRecords(path.parent)
    assert torn.get(unit, key, _paths(first.result, unit)) is None and unit in torn.damaged
    _touch_other(inbox, 7)
    try:
        again = run(inbox, out, campaign, settle=0, workers=1, now=now + dt.timedelta(minutes=1))
    finally:
        (inbox / "其他" / "说明.txt").unlink()
    assert content_bytes(again.result.applications) == content_bytes(first.result.applications)
    assert content_bytes(again.result.units) == content_bytes(first.result.units)
    healed = UnitRecords(path.parent)
    assert healed.get(unit, healed.key(unit), _paths(first.result, unit)) is not None


def test_new_files_are_read_while_kept_decisions_are_decoded(demo_inbox, campaign, tmp_path, monkeypatch):
    """A run with kept decisions starts reading the new files of the units it decides while it decodes the
    kept ones (the first record decoded waits until a worker has read the changed file); a unit whose record
    is damaged and whose files are no longer in the extraction cache has them read after. The result is the
    one deciding every unit afresh gives."""
    import shutil
    import time

    from reader_faults import READ_LOG, read_and_log

    base, now = demo_inbox
    inbox, out = tmp_path / "inbox", tmp_path / "out"
    shutil.copytree(base / "inbox", inbox)
    first = run(inbox, out, campaign, settle=0, workers=1, now=now)
    changed_unit, damaged_unit = first.result.units[0].unit, first.result.units[1].unit
    summary = next(e.version for e in first.result.files if e.version.unit == changed_unit and e.kind == "summary")
    with zipfile.ZipFile(inbox / summary.path, "a") as z:
        z.comment = b"re-sent"  # other bytes: a new version, not in the extraction cache
    records = out / ".state" / "cache" / UnitRecords.FILE
    lines = records.read_bytes().split(b"\n")
    n = next(i for i, line in enumerate(lines) if line.startswith(damaged_unit.encode() + b"\t"))
    lines[n] = lines[n][: len(lines[n]) // 2]  # torn
    records.write_bytes(b"\n".join(lines))
    for path in (out / ".state" / "cache").glob("*"):  # the extraction cache lost, the records kept
        if path.is_file() and path.name != UnitRecords.FILE:
            path.unlink()
    log = tmp_path / READ_LOG  # (beside the inbox)
    log.touch()
    waited, taken = [], {}
    original = UnitRecords.get

    def get(self, unit, key, paths):
        if not waited:  # the first record decoded: the changed file is being read meanwhile
            for _ in range(600):
                if summary.path in log.read_text(encoding="utf-8").split("\n"):
                    break
                time.sleep(0.05)
            waited.append(summary.path in log.read_text(encoding="utf-8").split("\n"))
        found = original(self, unit, key, paths)
        taken[unit] = found is not None
        return found

    monkeypatch.setattr(UnitRecords, "get", get)
    again = run(inbox, out, campaign, settle=0, workers=1, now=now + dt.timedelta(minutes=1), reader=read_and_log)
    assert waited == [True]
    read = log.read_text(encoding="utf-8").split()
    # units with a record under their key: taken, or decided again — the torn one, and those with a withdrawn
    # file, whose content went with the extraction cache (a record names only files it can vouch for)
    assert taken[damaged_unit] is False and changed_unit not in taken and sum(taken.values()) >= 20
    in_inbox = [e.version for e in first.result.files if e.status != "removed"]
    early = {fv.path for fv in in_inbox if fv.unit not in taken}  # (files of no unit too)
    late = {fv.path for fv in in_inbox if taken.get(fv.unit) is False}
    assert summary.path in early and late and len(read) == len(set(read))  # each file read once
    assert set(read[:len(early)]) == early and set(read[len(early):]) == late  # the damaged unit's after
    monkeypatch.setattr(UnitRecords, "get", original)
    fresh = run(inbox, out, campaign, settle=0, workers=1, now=now + dt.timedelta(minutes=1), force=True)
    _same_result(again.result, fresh.result)


def test_early_answers_stop_after_the_answer_awaited_and_leave_the_rest(tmp_path):
    """pipeline._EarlyAnswers: the thread takes answers until stopped, then the answer it was waiting for; the
    caller takes the rest from the same iterator; what the iterator raised is raised by stop()."""
    import threading
    import time

    from toolkit.pipeline import _EarlyAnswers

    gate = threading.Event()

    def answers():
        yield "a"
        gate.wait(30)
        yield "b"
        yield "c"

    early = _EarlyAnswers(answers())
    for _ in range(600):  # until the thread took the first and waits for the second
        if early._taken:
            break
        time.sleep(0.01)
    stopped: list = []
    stopper = threading.Thread(target=lambda: stopped.append(early.stop()))
    stopper.start()
    assert early._stopping.wait(30)  # stop() asked (the thread still waits for the second answer)
    gate.set()
    stopper.join(30)
    assert stopped == [["a", "b"]] and list(early.answers) == ["c"]

    def failing():
        yield "a"
        raise OSError("管道断开")

    with pytest.raises(OSError, match="管道断开"):
        _EarlyAnswers(failing()).stop()


def test_a_records_forms_and_summaries_are_decoded_when_first_read(demo_inbox, campaign, tmp_path):
    """A unit record's applications' 申请表 and 总结材料 (cache._Details) are not decoded when the record is taken:
    the first read of one decodes its unit's; each equals, pickles (content digests) and is copied by
    dataclasses.replace as what deciding afresh made."""
    import dataclasses
    import pickle

    from toolkit.cache import _Details, _KeptForm, _KeptSummary

    base, now = demo_inbox
    first = run(base / "inbox", tmp_path / "out", campaign, settle=0, workers=1, now=now, force=True)
    records = UnitRecords(tmp_path / "out" / ".state" / "cache")
    unit = "保定市工业和信息化局"
    kept = records.get(unit, records.key(unit), _paths(first.result, unit))
    fresh = [a for a in first.result.applications if a.unit == unit]
    apps = [a for a in kept.ordered if a.form is not None and a.summary is not None]
    assert len(apps) >= 2 and all(isinstance(a.form, _KeptForm) and isinstance(a.summary, _KeptSummary)
                                  for a in apps)
    details = {id(vars(a.form)["_details"][0]) for a in apps} | {id(vars(a.summary)["_details"][0]) for a in apps}
    holder = vars(apps[0].form)["_details"][0]
    assert len(details) == 1 and isinstance(holder, _Details) and holder._items is None  # one per unit, undecoded
    texts = {a.enterprise: a.form.text("申报单位") for a in apps}  # (what duplicates across units read)
    assert texts == {a.enterprise: a.form.text("申报单位") for a in fresh if a.enterprise in texts}
    assert holder._items is None  # read from the record's core
    summary = apps[0].summary
    assert summary.title and holder._items is not None  # the first read decodes the unit's details
    assert "_details" not in vars(summary) and "_details" in vars(apps[1].summary)  # each made on its own read
    for a in apps:
        same = next(f for f in fresh if f.enterprise == a.enterprise)
        assert a.summary == same.summary and same.summary == a.summary and a.form == same.form
        assert content_bytes(a.summary) == content_bytes(same.summary) and content_bytes(a.form) == content_bytes(
            same.form)
        assert pickle.loads(pickle.dumps(a.summary)) == same.summary and type(pickle.loads(pickle.dumps(
            a.summary))) is type(same.summary)
        assert a.form.source == same.form.source and a.form.warnings == same.form.warnings
    stripped = apps[1].summary.without_texts(keep=())  # (dataclasses.replace of a kept summary)
    assert stripped == SummaryData(sections={k: dataclasses.replace(s, text="") for k, s in
                                             apps[1].summary.sections.items()}, title=apps[1].summary.title)


@pytest.mark.parametrize("damage", ["torn", "altered", "longer", "no check", "core altered"])
def test_a_record_whose_details_are_not_as_written_is_damaged(demo_inbox, campaign, tmp_path, damage):
    """The record's length and CRC-32 are checked when it is taken: details cut short, altered (one byte, still
    JSON), grown, a body without them, or its core altered (a problem's message reworded) make the record damaged —
    decided again, never decoded later."""
    base, now = demo_inbox
    first = run(base / "inbox", tmp_path / "out", campaign, settle=0, workers=1, now=now, force=True)
    path = tmp_path / "out" / ".state" / "cache" / UnitRecords.FILE
    unit = "保定市工业和信息化局"
    lines = path.read_bytes().split(b"\n")
    n = next(i for i, line in enumerate(lines) if line.startswith(unit.encode() + b"\t"))
    head, key, core, check, details = lines[n].split(b"\t", 4)
    assert UnitRecords(path.parent).get(unit, key.decode(), _paths(first.result, unit)) is not None
    if damage == "torn":
        details = details[:-10]
    elif damage == "altered":
        at = details.index("保定".encode())
        details = details[:at] + "沧州".encode() + details[at + len("保定".encode()):]
    elif damage == "longer":
        details += b" "
    elif damage == "core altered":  # a problem's message reworded: still JSON, still naming the unit's files
        at = core.index("请".encode())
        core = core[:at] + "要".encode() + core[at + len("请".encode()):]
    lines[n] = b"\t".join((head, key, core, check, details) if damage != "no check" else (head, key, core))
    path.write_bytes(b"\n".join(lines))
    records = UnitRecords(path.parent)
    assert records.get(unit, key.decode(), _paths(first.result, unit)) is None and unit in records.damaged


def test_summary_file_entries_are_kept_per_run_of_one_units_files(demo_inbox, campaign, tmp_path):
    """summary.json's file list is made of each unit's run of entries (by path), kept under the unit's content key:
    written with kept parts it is the list written afresh — also when another unit's entry sorts among a unit's
    (two runs of that unit, kept apart) — and a second writing takes every part as kept."""
    import dataclasses
    import itertools

    from toolkit.render import RenderContext, unit_keys
    from toolkit.render import summary as summary_output

    base, now = demo_inbox
    result = run(base / "inbox", tmp_path / "out", campaign, settle=0, workers=1, now=now, force=True).result
    files = list(result.files)
    units = [e.version.unit for e in files]
    between = next(i for i, unit in enumerate(units) if unit and unit != units[0])
    files.insert(1, files.pop(between))  # another unit's entry among the first unit's
    split = dataclasses.replace(result, files=tuple(files))
    context = RenderContext(today=now.date(), opinion_template=b"", kept_parts=tmp_path / "parts", kept_salt="s")
    context = dataclasses.replace(context, unit_keys=unit_keys(split, context))
    fresh = json.loads(summary_output.dumps(summary_output.build_summary(split)))["files"]
    runs = [unit for unit, _ in itertools.groupby(e.version.unit for e in files) if unit]
    assert len(runs) > len(set(runs))  # a unit's files in two runs (the demo has one such unit before the change)
    written = []
    for n in range(2):
        folder = tmp_path / f"run{n}"
        folder.mkdir()
        summary_output.write(split, folder, context)
        assert json.loads((folder / "summary.json").read_text(encoding="utf-8"))["files"] == fresh
        written.append({p.name: p.stat().st_ino for p in (tmp_path / "parts" / "summary").iterdir()})
    assert len(written[0]) == len(split.units) + len(runs)  # each unit's applications, each run of files
    assert written[1] == written[0]  # all taken as kept: none made again, none deleted
    whole = summary_output.dumps(summary_output.build_summary(split)).encode("utf-8")
    written = [(tmp_path / f"run{n}" / "summary.json").read_bytes() for n in range(2)]
    assert written[0] == written[1] == whole


def test_kept_bytes_are_the_kept_part_as_kept_or_the_text_made_in_utf8(tmp_path):
    """kept_bytes gives a kept part's body as it is (no decoding, no encoding again), else the text made, in UTF-8,
    and keeps it; with no key the text is made every time; a text UTF-8 cannot hold (a lone surrogate) raises
    UnicodeEncodeError, as writing it to a UTF-8 file would, and nothing of it is kept."""
    from toolkit.render.kept import KeptParts, kept_bytes

    made = []

    def make(text):
        def made_now():
            made.append(text)
            return text
        return made_now

    first = KeptParts(tmp_path / "parts", "salt")
    assert kept_bytes(first, ("a",), make("河北“甲”\n")) == "河北“甲”\n".encode()
    assert kept_bytes(first, None, make("乙")) == "乙".encode()
    with pytest.raises(UnicodeEncodeError):
        kept_bytes(first, ("b",), make("坏\udcff"))
    first.save()
    again = KeptParts(tmp_path / "parts", "salt")
    assert kept_bytes(again, ("a",), make("不会用到")) == "河北“甲”\n".encode()
    assert kept_bytes(again, None, make("乙")) == "乙".encode()
    assert made == ["河北“甲”\n", "乙", "坏\udcff", "乙"] and (again.hits, again.misses) == (1, 0)
    assert len(list((tmp_path / "parts").iterdir())) == 1


@settings(max_examples=200, deadline=None)
@given(st.lists(st.lists(st.sampled_from(["单位甲", "单位乙", "k1", "", "{}", "a\tb", "x\ty\tz", "\t", "2:0\t[]"]),
                         max_size=5).map("\t".join), max_size=8), st.booleans())
def test_records_are_located_in_the_file_as_split_lines_would_give_them(tmp_path_factory, lines, final_newline):
    """UnitRecords locates each line's unit, key and body in the file as read (no copy of a national file):
    what splitting the lines (at most three fields, a unit's last line standing) gives, whatever the lines."""
    folder = tmp_path_factory.mktemp("located")
    raw = "\n".join(lines).encode("utf-8") + (b"\n" if final_newline else b"")
    (folder / UnitRecords.FILE).write_bytes(raw)
    expected = {}
    for line in raw.split(b"\n"):
        parts = line.split(b"\t", 2)
        if len(parts) == 3:
            expected[parts[0].decode("utf-8", "replace")] = (parts[1].decode("ascii", "replace"), parts[2])
    found = UnitRecords(folder)._load()
    assert {unit: (key, bytes(body)) for unit, (key, body) in found.items()} == expected
