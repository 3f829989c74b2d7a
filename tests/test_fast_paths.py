"""The paths that make large runs fast give the same results as the plain ones: the extraction cache's
decoded results kept per process, content keys independent of object sharing, and background outputs written
by a forked child (and written again here when the child fails)."""
from __future__ import annotations

import dataclasses
import datetime as dt
import os
import time

import openpyxl
import pytest
from hypothesis import given
from hypothesis import strategies as st

from toolkit.cache import ExtractCache
from toolkit.model import Extracted, FormData, Issue, Section, SummaryData, Value
from toolkit.pipeline import run
from toolkit.render import Output, RenderContext, content_bytes, render_all
from toolkit.render import outputs as registered_outputs
from toolkit.render.register import REGISTER, SHEETS, write_register


def _extracted(enterprise: str, *, shared: bool) -> Extracted:
    note = Issue(code="field.invalid", severity="warning", file="a.xlsx", location="B3", message="提示")
    other = note if shared else dataclasses.replace(note)
    form = FormData(fields={"申报单位": Value(value=enterprise, text=enterprise, location="B2")}, yearly={},
                    source="labels", warnings=(note,))
    summary = SummaryData(sections={"企业概况": Section(key="企业概况", title="二、企业概况", text=f"{enterprise}成立于1998年。",
                                                     chars=14)}, title="总结")
    return Extracted(kind="form", form=form, summary=summary, issues=(other,))


def test_content_bytes_depend_on_content_not_on_shared_objects():
    shared, copied = _extracted("河北甲有限公司", shared=True), _extracted("河北甲有限公司", shared=False)
    assert shared.issues[0] is shared.form.warnings[0] and copied.issues[0] is not copied.form.warnings[0]
    assert content_bytes(shared) == content_bytes(copied)
    assert content_bytes(shared) != content_bytes(_extracted("河北乙有限公司", shared=True))
    assert content_bytes((1, "a", {"k": 2.5})) != content_bytes((1, "a", {"k": 2.25}))
    # every field of a slotted model object counts (they are pickled field by field)
    for obj in (Value(value=1.5, text="1.5", location="B3"), shared.issues[0],
                Section(key="摘要", title="一、摘要", text="内容", chars=2)):
        for f in dataclasses.fields(obj):
            current = getattr(obj, f.name)
            other = (not current if isinstance(current, bool) else current + 1 if isinstance(current, (int, float))
                     else f"{current}·")
            assert content_bytes(obj) != content_bytes(dataclasses.replace(obj, **{f.name: other})), f.name


def test_cache_round_trip_memo_and_rewrite(tmp_path, monkeypatch):
    monkeypatch.setattr(ExtractCache, "DECODED", {})
    first = ExtractCache(tmp_path, "v1", keep=True)
    value = _extracted("河北甲有限公司", shared=True)
    first.put("ab" * 32, "石家庄/1-申请表.xlsx", value)
    first.flush()
    # another process (no memo) decodes the line from the file, equal to what was put
    monkeypatch.setattr(ExtractCache, "DECODED", {})
    again = ExtractCache(tmp_path, "v1", keep=True)
    got = again.get("ab" * 32, "石家庄/1-申请表.xlsx")
    assert got == value and again.hits == 1
    assert again.get("ab" * 32, "保定/1-申请表.xlsx") is None  # another path: another message names it
    # the same process: the decoded result is kept, the line is not decoded twice; another state's cache
    # (another folder) does not take it from this one's memory
    assert ExtractCache(tmp_path, "v1", keep=True).get("ab" * 32, "石家庄/1-申请表.xlsx") is got
    assert ExtractCache(tmp_path / "other", "v1", keep=True).get("ab" * 32, "石家庄/1-申请表.xlsx") is None
    # new code (another key): its result is appended; once old lines outnumber current ones, they are dropped
    newer = ExtractCache(tmp_path, "v2", keep=True)
    assert newer.get("ab" * 32, "石家庄/1-申请表.xlsx") is None
    newer.put("cd" * 32, "保定/1-申请表.xlsx", value)
    newer.put("ef" * 32, "保定/2-申请表.xlsx", value)
    newer.flush()
    lines = (tmp_path / ExtractCache.FILE).read_bytes().splitlines()
    assert len(lines) == 2 and all(line.split(b"\t")[0].endswith(b"-v2") for line in lines)
    # a torn last line (a run killed while appending) is a miss, never an error
    with open(tmp_path / ExtractCache.FILE, "ab") as fh:
        fh.write(b"12" * 32 + b"-0000000000-v2")
    monkeypatch.setattr(ExtractCache, "DECODED", {})
    fresh = ExtractCache(tmp_path, "v2", keep=True)
    assert fresh.get("cd" * 32, "保定/1-申请表.xlsx") == value
    assert fresh.get("12" * 32, "x") is None


@pytest.fixture
def assembled(tmp_path, make_form, make_summary, campaign):
    for folder, firm in (("石家庄", "河北石家庄示范制造有限公司"), ("保定", "河北保定示范制造有限公司")):
        make_form(tmp_path / "inbox" / folder / "1-申请表.xlsx", 申报单位=firm, 标杆名称=f"{firm}推行精益生产的经验")
        make_summary(tmp_path / "inbox" / folder / "1-总结材料.docx", enterprise=firm, name=f"{firm}推行精益生产的经验")
    report = run(tmp_path / "inbox", tmp_path / "out", campaign, settle=0, workers=1)
    return report


def _register_rows(path):
    book = openpyxl.load_workbook(path, read_only=True)
    return {name: [row for row in book[name].iter_rows(values_only=True)] for name in SHEETS}


@pytest.mark.skipif(not hasattr(os, "fork"), reason="background outputs need fork (not on Windows)")
def test_background_register_is_written_again_when_its_child_fails(tmp_path, assembled, monkeypatch):
    published = assembled.latest / REGISTER
    expected = _register_rows(published)
    context = RenderContext(today=dt.date(2021, 9, 20), opinion_template=b"")
    parent = os.getpid()
    calls = []

    def failing_in_child(write):
        def wrapped(result, folder, ctx):
            calls.append(os.getpid())
            if os.getpid() != parent:
                (tmp_path / "child-ran").touch()
                os._exit(3)  # the child dies without a word
            return write(result, folder, ctx)
        return wrapped

    register = next(o for o in registered_outputs() if o.name == "省级汇总表")
    assert register.background
    only = (Output(register.name, failing_in_child(register.write), background=True),
            Output("等待", lambda result, folder, ctx: [], waits=True))
    monkeypatch.setattr("toolkit.render.outputs", lambda: only)
    target = tmp_path / "again"
    written = render_all(target, assembled.result, context)
    assert written == [target / REGISTER]
    assert (tmp_path / "child-ran").exists()  # a child was started and failed
    assert calls == [parent]  # the parent wrote it again
    assert _register_rows(target / REGISTER) == expected


@pytest.mark.skipif(not hasattr(os, "fork"), reason="background outputs need fork (not on Windows)")
def test_the_status_page_is_written_while_the_registers_child_still_writes(tmp_path, assembled, monkeypatch):
    """index.html does not wait for the register's child (it only links to the register, which the run writes
    before publishing): the child, holding back until the page is there (10 s at most), sees it; the page links
    to the register, which is in the folder when render_all returns."""
    from toolkit.render.status_page import INDEX, href

    context = RenderContext(today=dt.date(2021, 9, 20), opinion_template=b"")
    parent = os.getpid()
    outputs = {o.name: o for o in registered_outputs()}

    def after_the_page(write):
        def wrapped(result, folder, ctx):
            if os.getpid() != parent:
                for _ in range(200):
                    if (folder / INDEX).exists():
                        break
                    time.sleep(0.05)
                (tmp_path / "page-seen").write_text(str((folder / INDEX).exists()), encoding="utf-8")
            return write(result, folder, ctx)
        return wrapped

    register, page = outputs["省级汇总表"], outputs["状态页"]
    only = (Output(register.name, after_the_page(register.write), background=True, shared=register.shared),
            Output(page.name, page.write, waits=page.waits))
    monkeypatch.setattr("toolkit.render.outputs", lambda: only)
    target = tmp_path / "run"
    written = render_all(target, assembled.result, context)
    assert (tmp_path / "page-seen").read_text(encoding="utf-8") == "True"
    assert set(written) == {target / INDEX, target / REGISTER} and (target / REGISTER).is_file()
    assert f'href="{href(REGISTER)}"' in (target / INDEX).read_text(encoding="utf-8")


@pytest.mark.skipif(not hasattr(os, "fork"), reason="background outputs need fork (not on Windows)")
def test_background_register_equals_one_written_in_process(tmp_path, assembled, monkeypatch):
    context = RenderContext(today=dt.date(2021, 9, 20), opinion_template=b"")
    register = next(o for o in registered_outputs() if o.name == "省级汇总表")
    monkeypatch.setattr("toolkit.render.outputs", lambda: (register,))
    written = render_all(tmp_path / "bg", assembled.result, context)
    assert written == [tmp_path / "bg" / REGISTER]
    write_register(tmp_path / "inline.xlsx", assembled.result)
    assert _register_rows(tmp_path / "bg" / REGISTER) == _register_rows(tmp_path / "inline.xlsx")


def _computed_part(log: str, name: str, applications: int) -> dict:
    """A shared part's job (module level: pickled by reference to the helper): notes the pid computing it."""
    with open(log, "a") as fh:
        fh.write(f"{os.getpid()}\n")
    return {"name": name, "big": "统计" * 100_000, "applications": applications}


def _shared_outputs(tmp_path, parent: int, *, fail_in_child: str = "", names=("甲", "乙"), job: bool = False) -> tuple:
    """Background outputs writing <name>.txt with the shared part they were handed and the pid that wrote it;
    each shared part (a value, or with ``job`` a helper.Job) records the pid computing it (in
    ``tmp_path``/<name>-shared.txt). Unless one fails, the last one's child waits (10 s at most) until the first
    one's child has its part: so it gets it while the second child lives."""
    from toolkit.render.helper import Job

    def shared(name):
        def compute(result, context):
            part = Job(_computed_part, (str(tmp_path / f"{name}-shared.txt"), name, len(result.applications)))
            return part if job else part()
        return compute

    def write(name):
        def wrapped(result, folder, ctx):
            if name == fail_in_child and os.getpid() != parent:
                os._exit(3)
            given = ctx.shared()
            (tmp_path / f"{name}-received").touch()
            waited = "-"
            if name == names[-1] and not fail_in_child and os.getpid() != parent:
                for _ in range(200):
                    if (tmp_path / f"{names[0]}-received").exists():
                        waited = "received"
                        break
                    time.sleep(0.05)
            folder.mkdir(parents=True, exist_ok=True)
            (folder / f"{name}.txt").write_text(f"{given['name']} {len(given['big'])} {given['applications']} "
                                                f"{os.getpid()} {waited}", encoding="utf-8")
            return [folder / f"{name}.txt"]
        return wrapped

    return tuple(Output(name, write(name), background=True, shared=shared(name)) for name in names) + (
        Output("等待", lambda result, folder, ctx: [], waits=True),)


@pytest.mark.skipif(not hasattr(os, "fork"), reason="background outputs need fork (not on Windows)")
@pytest.mark.parametrize("fail_in_child", ["", "甲"], ids=["children write", "a child fails"])
@pytest.mark.parametrize("how", ["value", "job", "job, no helper", "job, helper gone"])
def test_background_outputs_get_their_shared_parts(tmp_path, assembled, monkeypatch, fail_in_child, how):
    """Each background output's shared part (Output.shared) is handed to its child (two children, each one's
    pipes closed in the other; a part larger than a pipe's buffer): a value computed in the run's process, or a
    Job computed by the run's helper (render.helper) — one job per helper, so the second output's is computed
    here — or here when there is no helper or it is gone (it fails to take it). A child that fails is written
    again here, its part computed here."""
    from toolkit.render.helper import Helper

    parent = os.getpid()
    monkeypatch.setattr("toolkit.render.outputs", lambda: _shared_outputs(tmp_path, parent, job=how != "value",
                                                                          fail_in_child=fail_in_child))
    helper = Helper.start(modules=()) if how in ("job", "job, helper gone") else None
    if how == "job, helper gone":
        os.kill(helper.pid, 9)
        os.waitpid(helper.pid, 0)
    context = RenderContext(today=dt.date(2021, 9, 20), opinion_template=b"", helper=helper)
    target = tmp_path / "out"
    try:
        written = render_all(target, assembled.result, context)
    finally:
        if helper is not None:
            helper.stop()
    assert written == [target / "甲.txt", target / "乙.txt"]
    apps = len(assembled.result.applications)
    for name in ("甲", "乙"):
        computed = [int(pid) for pid in (tmp_path / f"{name}-shared.txt").read_text().split()]
        given, size, count, writer, waited = (target / f"{name}.txt").read_text(encoding="utf-8").split()
        assert (given, size, count) == (name, "200000", str(apps))
        assert waited == ("received" if name == "乙" and not fail_in_child else "-")
        assert (int(writer) == parent) == (name == fail_in_child)  # a child wrote it, unless it failed
        by_helper = how == "job" and name == "甲"
        assert computed[0] == (helper.pid if by_helper else parent)  # never by the child writing the output
        assert computed[1:] == ([parent] if name == fail_in_child else [])  # written here: computed here


def _slow_part(log: str, name: str, applications: int, parent: int) -> dict:
    """A job that hangs anywhere but in ``parent`` (the run's process)."""
    if os.getpid() != parent:
        time.sleep(120)
    return _computed_part(log, name, applications)


@pytest.mark.skipif(not hasattr(os, "fork"), reason="background outputs need fork (not on Windows)")
def test_a_silent_helper_is_given_up_and_the_output_written_here(tmp_path, assembled, monkeypatch):
    """A helper that sends nothing for HELPER_WAIT seconds is given up on: the child gets nothing and fails, and
    the output is written in the run's process, its part computed there."""
    from toolkit.render.helper import Helper, Job

    parent = os.getpid()
    log = tmp_path / "甲-shared.txt"
    outputs = _shared_outputs(tmp_path, parent, names=("甲",))
    slow = dataclasses.replace(outputs[0], shared=lambda result, context: Job(
        _slow_part, (str(log), "甲", len(result.applications), parent)))
    monkeypatch.setattr("toolkit.render.outputs", lambda: (slow,))
    monkeypatch.setattr("toolkit.render.helper.HELPER_WAIT", 0.5)
    helper = Helper.start(modules=())
    try:
        written = render_all(tmp_path / "out", assembled.result, RenderContext(
            today=dt.date(2021, 9, 20), opinion_template=b"", helper=helper))
    finally:
        helper.stop()
    assert written == [tmp_path / "out" / "甲.txt"]
    writer = (tmp_path / "out" / "甲.txt").read_text(encoding="utf-8").split()[3]
    assert int(writer) == parent and log.read_text().split() == [str(parent)]  # written and computed here


@pytest.mark.skipif(not hasattr(os, "fork"), reason="background outputs need fork (not on Windows)")
def test_a_shared_part_that_fails_fails_the_output_and_leaves_no_child(tmp_path, assembled, monkeypatch):
    """A shared part that cannot be computed fails the run's rendering with what computing it raised, and leaves
    no child behind."""
    parent = os.getpid()
    outputs = _shared_outputs(tmp_path, parent, names=("甲",))

    def broken(result, context):
        raise ValueError("统计出错")

    monkeypatch.setattr("toolkit.render.outputs", lambda: (dataclasses.replace(outputs[0], shared=broken),))
    children = []
    original = os.fork

    def fork():
        pid = original()
        children.append(pid)
        return pid

    monkeypatch.setattr(os, "fork", fork)
    with pytest.raises(ValueError, match="统计出错"):
        render_all(tmp_path / "out", assembled.result, RenderContext(today=dt.date(2021, 9, 20),
                                                                     opinion_template=b""))
    assert len(children) == 1
    with pytest.raises(ChildProcessError):
        os.waitpid(children[0], os.WNOHANG)  # reaped


@pytest.mark.skipif(not hasattr(os, "fork"), reason="the helper needs fork (not on Windows)")
def test_a_helper_imports_its_modules_computes_one_job_and_is_reaped(tmp_path):
    """render.helper.Helper: it imports its modules before it takes a job (here a module whose import notes it),
    computes one job, and ends; a second job is not taken; a helper given none is stopped and reaped."""
    import sys

    from toolkit.render.helper import Helper, Job

    (tmp_path / "helper_probe.py").write_text("import os\nopen(os.environ['PROBE'], 'a').write('imported\\n')\n")
    sys.path.insert(0, str(tmp_path))
    try:
        os.environ["PROBE"] = str(tmp_path / "probe.txt")
        helper = Helper.start(modules=("helper_probe",))
        for _ in range(600):
            if (tmp_path / "probe.txt").exists():
                break
            time.sleep(0.05)
        assert (tmp_path / "probe.txt").read_text() == "imported\n"  # before any job
        results = helper.take(Job(_computed_part, (str(tmp_path / "pids.txt"), "甲", 3)))
        chunks = []
        while chunk := os.read(results, 1 << 16):
            chunks.append(chunk)
        os.close(results)
        import pickle

        assert pickle.loads(b"".join(chunks))["applications"] == 3
        assert int((tmp_path / "pids.txt").read_text()) == helper.pid
        assert helper.take(Job(_computed_part, (str(tmp_path / "pids.txt"), "乙", 4))) is None  # one job
        helper.stop()
        idle = Helper.start(modules=())
        idle.stop()
        for pid in (helper.pid, idle.pid):
            with pytest.raises(ChildProcessError):
                os.waitpid(pid, os.WNOHANG)  # reaped
    finally:
        sys.path.remove(str(tmp_path))
        os.environ.pop("PROBE", None)


def test_unit_memo_decides_only_changed_units_again(tmp_path, make_form, make_summary, campaign, monkeypatch):
    from toolkit import assemble as assembly
    from toolkit import pipeline
    from toolkit.pipeline import run as run_pipeline

    units = {"石家庄": "河北石家庄示范制造有限公司", "保定": "河北保定示范制造有限公司", "冶金协会": "河北冶金示范钢铁有限公司"}
    for folder, firm in units.items():
        make_form(tmp_path / "inbox" / folder / "1-申请表.xlsx", 申报单位=firm, 标杆名称=f"{firm}推行精益生产的经验")
        make_summary(tmp_path / "inbox" / folder / "1-总结材料.docx", enterprise=firm, name=f"{firm}推行精益生产的经验")
    monkeypatch.setattr(assembly, "UNIT_MEMO", assembly.UnitMemo())
    monkeypatch.setattr(ExtractCache, "DECODED", {})
    monkeypatch.setattr(pipeline, "_KEPT_POOLS", {})
    memo = assembly.UNIT_MEMO
    out = tmp_path / "out"
    batch = run_pipeline(tmp_path / "inbox", out, campaign, settle=0, workers=1)  # a batch run memoises nothing
    assert memo.misses == memo.hits == 0 and not ExtractCache.DECODED
    first = run_pipeline(tmp_path / "inbox", out, campaign, settle=0, workers=1, keep_workers=True, force=True)
    decided = memo.misses
    assert decided == len(campaign.units) and memo.hits == 0
    firm = units["保定"]
    make_form(tmp_path / "inbox" / "保定" / "1-申请表.xlsx", 申报单位=firm, 标杆名称=f"{firm}推行精益生产的经验",
              电话="0312-5551234")
    try:
        second = run_pipeline(tmp_path / "inbox", out, campaign, settle=0, workers=1, keep_workers=True)
    finally:
        for pool in pipeline._KEPT_POOLS.values():
            pool.close()
    assert memo.misses == decided + 1  # only 保定 decided again
    assert memo.hits == len(campaign.units) - 1
    # what the memo gives equals deciding every unit afresh
    monkeypatch.setattr(assembly, "UNIT_MEMO", assembly.UnitMemo())
    fresh = run_pipeline(tmp_path / "inbox", out, campaign, settle=0, workers=1, force=True)  # same journal
    assert assembly.UNIT_MEMO.hits == 0
    assert content_bytes(second.result.applications) == content_bytes(fresh.result.applications)
    assert content_bytes(second.result.units) == content_bytes(fresh.result.units)
    assert content_bytes(second.result.files) == content_bytes(fresh.result.files)
    assert first.result.applications != second.result.applications
    assert content_bytes(batch.result.applications) == content_bytes(first.result.applications)


def test_a_watchers_first_idle_run_primes_what_the_next_run_needs(tmp_path, make_form, make_summary, campaign,
                                                                  monkeypatch):
    """A watcher (keep_workers) started on an unchanged inbox publishes nothing, but starts its readers, decodes
    the cached results and decides every unit; the run a new file starts then decides only that file's unit."""
    from toolkit import assemble as assembly
    from toolkit import pipeline

    firms = {"石家庄": "河北石家庄示范制造有限公司", "保定": "河北保定示范制造有限公司"}
    for folder, firm in firms.items():
        make_form(tmp_path / "inbox" / folder / "1-申请表.xlsx", 申报单位=firm, 标杆名称=f"{firm}推行精益生产的经验")
        make_summary(tmp_path / "inbox" / folder / "1-总结材料.docx", enterprise=firm, name=f"{firm}推行精益生产的经验")
    out = tmp_path / "out"
    pipeline.run(tmp_path / "inbox", out, campaign, settle=0, workers=1)  # a batch run made the state
    # a new watcher process: nothing decoded, decided or started yet
    monkeypatch.setattr(ExtractCache, "DECODED", {})
    monkeypatch.setattr(assembly, "UNIT_MEMO", assembly.UnitMemo())
    monkeypatch.setattr(pipeline, "_PRIMED", set())
    monkeypatch.setattr(pipeline, "_KEPT_POOLS", {})
    try:
        idle = pipeline.run(tmp_path / "inbox", out, campaign, settle=0, workers=1, keep_workers=True)
        assert idle.unchanged and idle.run_folder is None
        [memo] = ExtractCache.DECODED.values()
        assert len(memo) == 4 and assembly.UNIT_MEMO.misses == len(campaign.units)
        [pool] = pipeline._KEPT_POOLS.values()
        assert len(pool._workers) == 1 and not pool.in_process  # the reader is up before any file comes
        again = pipeline.run(tmp_path / "inbox", out, campaign, settle=0, workers=1, keep_workers=True)
        assert again.unchanged and assembly.UNIT_MEMO.misses == len(campaign.units)  # primed once only
        firm = "河北保定第二制造有限公司"
        make_form(tmp_path / "inbox" / "保定" / "2-申请表.xlsx", 申报单位=firm, 标杆名称=f"{firm}推行精益生产的经验")
        make_summary(tmp_path / "inbox" / "保定" / "2-总结材料.docx", enterprise=firm, name=f"{firm}推行精益生产的经验")
        added = pipeline.run(tmp_path / "inbox", out, campaign, settle=0, workers=1, keep_workers=True)
        assert added.parsed == 2 and added.run_folder is not None
        assert assembly.UNIT_MEMO.misses == len(campaign.units) + 1  # only 保定 decided again
        assert [a["enterprise"] for a in added.summary["applications"] if a["unit"] == "保定市工业和信息化局"] == [
            "河北保定示范制造有限公司", firm]
    finally:
        for pool in pipeline._KEPT_POOLS.values():
            pool.close()


def test_a_result_appended_after_a_torn_line_is_kept(tmp_path, monkeypatch):
    monkeypatch.setattr(ExtractCache, "DECODED", {})
    value = _extracted("河北甲有限公司", shared=False)
    (tmp_path / ExtractCache.FILE).write_bytes(b"ab" * 32 + b"-0000000000-v1\t{\"kind\":")  # killed mid-append
    cache = ExtractCache(tmp_path, "v1", keep=True)
    cache.put("cd" * 32, "保定/1-申请表.xlsx", value)
    cache.flush()
    monkeypatch.setattr(ExtractCache, "DECODED", {})
    assert ExtractCache(tmp_path, "v1", keep=True).get("cd" * 32, "保定/1-申请表.xlsx") == value


def test_preload_imports_every_outputs_modules():
    import subprocess
    import sys

    code = ("import sys; from toolkit.render import preload; preload(); "
            "print(all(m in sys.modules for m in ('docx', 'docxtpl', 'xlsxwriter', 'pandas')))")
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120, check=False)
    assert done.stdout.strip() == "True", done.stderr


def test_an_inbox_listed_exactly_as_last_time_is_unchanged_without_reading_the_journal(
        tmp_path, make_form, make_summary, campaign, monkeypatch):
    import time as clock

    from toolkit import journal as journal_module
    from toolkit import pipeline

    firm = "河北石家庄示范制造有限公司"
    form = make_form(tmp_path / "inbox" / "石家庄" / "1-申请表.xlsx", 申报单位=firm, 标杆名称=f"{firm}推行精益生产的经验")
    make_summary(tmp_path / "inbox" / "石家庄" / "1-总结材料.docx", enterprise=firm, name=f"{firm}推行精益生产的经验")
    old = clock.time() - 60
    for path in (tmp_path / "inbox").rglob("*.*"):
        os.utime(path, (old, old))  # not young: copied a minute ago
    out = tmp_path / "out"
    first = pipeline.run(tmp_path / "inbox", out, campaign, settle=0, workers=1)
    assert first.run_folder is not None
    loads = []
    real_load = journal_module.Journal.load.__func__

    def counting_load(cls, state):
        loads.append(state)
        return real_load(cls, state)

    monkeypatch.setattr(journal_module.Journal, "load", classmethod(counting_load))
    again = pipeline.run(tmp_path / "inbox", out, campaign, settle=0, workers=1)
    assert again.unchanged and not loads and again.files == 2 and again.brief == first.brief
    # the same contents saved again (a new modification time): the journal is read, nothing is published,
    # and the new listing is remembered for the next run
    os.utime(form, (old + 5, old + 5))
    touched = pipeline.run(tmp_path / "inbox", out, campaign, settle=0, workers=1)
    assert touched.unchanged and len(loads) == 1
    assert pipeline.run(tmp_path / "inbox", out, campaign, settle=0, workers=1).unchanged and len(loads) == 1
    # a file modified just now may still be being copied: never taken as unchanged from its listing alone
    os.utime(form, None)
    assert pipeline.run(tmp_path / "inbox", out, campaign, settle=0, workers=1).unchanged and len(loads) == 2
    # the files removed (moved out: a withdrawal): read in full, and the application is withdrawn, not kept as
    # it was (removing the files that sort last used to leave the run's fingerprint as it was)
    for path in (tmp_path / "inbox" / "石家庄").iterdir():
        path.unlink()
    (tmp_path / "inbox" / "保定").mkdir()
    make_form(tmp_path / "inbox" / "保定" / "1-申请表.xlsx")  # the inbox is not empty (a share that failed to mount)
    os.utime(tmp_path / "inbox" / "保定" / "1-申请表.xlsx", (old, old))
    gone = pipeline.run(tmp_path / "inbox", out, campaign, settle=0, workers=1)
    assert not gone.unchanged and len(loads) == 3
    assert {a["unit"]: a["status"] for a in gone.summary["applications"]}["石家庄市工业和信息化局"] == "已撤回"
    # forced: everything again, whatever the listing
    assert not pipeline.run(tmp_path / "inbox", out, campaign, settle=0, workers=1, force=True).unchanged


def test_new_code_makes_its_outputs_again_over_an_unchanged_inbox(tmp_path, make_form, make_summary, campaign,
                                                                    monkeypatch):
    """The toolkit's code replaced without a new version number (toolkit_digest changes, __version__ does not):
    the next run over the same inbox publishes outputs made by the new code — every unit's 回执 written again, none
    copied from the last run: that of a unit whose pair came after the deadline too (it has no kept decision, so
    its documents' key is a digest of its content, which new code does not change) — its opinion template checked
    again; then it is unchanged again."""
    import time as clock

    from toolkit import cache, pipeline
    from toolkit.campaign import CHINA_TZ
    from toolkit.render import receipt

    def send(folder: str, firm: str):
        make_form(tmp_path / "inbox" / folder / "1-申请表.xlsx", 申报单位=firm, 标杆名称=f"{firm}推行精益生产的经验")
        make_summary(tmp_path / "inbox" / folder / "1-总结材料.docx", enterprise=firm, name=f"{firm}推行精益生产的经验")
        for path in (tmp_path / "inbox" / folder).iterdir():
            os.utime(path, (clock.time() - 60, clock.time() - 60))

    out = tmp_path / "out"
    written = []
    real_receipt = receipt.write_receipt
    monkeypatch.setattr(receipt, "write_receipt", lambda target, *a: (written.append(target), real_receipt(target, *a)))

    def batch(day: int):
        written.clear()
        now = dt.datetime(2021, 9, day, 10, 0, tzinfo=CHINA_TZ)
        return pipeline.run(tmp_path / "inbox", out, campaign, settle=0, workers=1, now=now)

    send("石家庄", "河北石家庄示范制造有限公司")
    batch(10)  # before the deadline (20 September)
    send("保定", "河北保定示范制造有限公司")
    first = batch(25)  # 保定's pair received after the deadline: its unit is decided afresh by every run
    assert sorted(a["status"] for a in first.summary["applications"]) == ["通过", "逾期"]
    assert batch(25).unchanged and not written
    checks = []
    for module in (pipeline, cache):
        monkeypatch.setattr(module, "toolkit_digest", lambda: "new code")
    monkeypatch.setattr(pipeline, "check_opinion_template", lambda *a, **k: checks.append(a))
    upgraded = batch(25)
    assert not upgraded.unchanged and upgraded.run_folder not in (None, first.run_folder) and len(checks) == 1
    assert len(written) == len(campaign.units)  # none copied from the last run: made by the new code
    assert upgraded.summary["applications"] == first.summary["applications"]
    assert batch(25).unchanged and len(checks) == 1 and not written


def test_asking_for_pdfs_over_an_unchanged_inbox_publishes_again(tmp_path, make_form, campaign, monkeypatch):
    """--pdf added (or dropped) over an unchanged inbox is a run with work to do (it was taken as unchanged, and
    the PDFs a clerk asked for never came): the PDF output is asked with the option as given, then the inbox is
    unchanged again for the same option."""
    import time as clock

    from toolkit import pipeline
    from toolkit.render import pdf

    make_form(tmp_path / "inbox" / "石家庄" / "1-申请表.xlsx")
    old = clock.time() - 60
    os.utime(tmp_path / "inbox" / "石家庄" / "1-申请表.xlsx", (old, old))
    asked = []
    monkeypatch.setattr(pdf, "write", lambda result, folder, context: asked.append(context.pdf) or [])

    def batch(with_pdf: bool):
        return pipeline.run(tmp_path / "inbox", tmp_path / "out", campaign, settle=0, workers=1, pdf=with_pdf)

    assert not batch(False).unchanged and asked == [False]
    assert batch(False).unchanged
    assert not batch(True).unchanged and asked == [False, True]
    assert batch(True).unchanged and asked == [False, True]
    assert not batch(False).unchanged and asked == [False, True, False]


def test_a_removed_file_changes_the_runs_fingerprint(campaign):
    """Files moved out of the inbox (a withdrawal) are a change by themselves, even when they sort last (their
    lines used to hash exactly as when they were present)."""
    from toolkit.model import FileVersion
    from toolkit.pipeline import _fingerprint

    a = FileVersion(path="石家庄/1-总结材料.docx", unit="石家庄市工业和信息化局", folder="石家庄", sha256="a" * 64, size=1,
                    mtime=1.0, first_seen="2021-09-01T10:00:00+08:00")
    b = dataclasses.replace(a, path="石家庄/1-申请表.xlsx", sha256="b" * 64)
    gone = dataclasses.replace(b, removed_at="2021-09-03T10:00:00+08:00")
    assert _fingerprint([a, b], "settings", []) != _fingerprint([a, gone], "settings", [])
    assert _fingerprint([a, b], "settings", []) == _fingerprint([a, b], "settings", [])


def test_summary_json_has_a_line_per_application_and_loads_back_equal(tmp_path):
    """summary.json written with json's C encoder piece by piece: json.loads gives the content back exactly
    (nested issues, Chinese text, quotes, line breaks, None, booleans, floats), a line per unit, application and
    file, a line per top-level field; empty lists and dicts stay on their field's line. Lists given as iterators
    (how the output streams a run's result) give the same text as lists."""
    import io
    import json

    from toolkit.render.summary import dump, dumps

    apps = [{"enterprise": f"河北\"引号\"公司{i}", "rank": i, "passed": i % 2 == 0, "revenue": 1234.5 + i,
             "issues": [{"code": "field.invalid", "message": "第一行\n第二行\t制表", "location": None}]}
            for i in range(5)]
    summary = {"campaign": "hebei-2021", "run": {"host": "主机", "user": "u"}, "units": [{"unit": "甲"}, {"unit": "乙"}],
               "applications": apps, "files": [], "ignored": {}, "counts": {"applications": 5}}
    text = dumps(summary)
    assert json.loads(text) == summary
    lines = text.splitlines()
    app_lines = [line for line in lines if line.lstrip().startswith('{"enterprise"')]
    assert [json.loads(line.strip().rstrip(",")) for line in app_lines] == apps  # one application a line
    assert ' "files": [],' in lines and ' "ignored": {},' in lines
    # braces, 7 field lines, and each non-empty list's items plus its closing bracket
    assert lines[0] == "{" and lines[-1] == "}" and len(lines) == 2 + 7 + (2 + 1) + (5 + 1)
    streamed = io.BytesIO()
    dump({k: iter(v) if isinstance(v, list) else v for k, v in summary.items()}, streamed)
    assert streamed.getvalue() == text.encode("utf-8")


def test_summary_json_is_streamed_from_the_result_and_equals_its_content(assembled, tmp_path):
    """The output writes summary.json from the result element by element; the file equals build_summary's
    content laid out by dumps, and the run keeps no copy of it (the report reads it back on demand)."""
    import json

    from toolkit.render.summary import SUMMARY, build_summary, dumps
    from toolkit.render.summary import write as write_summary

    assert assembled.summary_data is None  # not kept by the run: summary is read from latest/ when asked for
    context = RenderContext(today=dt.date(2021, 9, 20), opinion_template=b"")
    write_summary(assembled.result, tmp_path, context)
    text = (tmp_path / SUMMARY).read_text(encoding="utf-8")
    content = build_summary(assembled.result)
    assert text == dumps(content)
    assert json.loads(text) == content
    assert len(content["applications"]) == 2 and len(content["units"]) == 26 and content["files"]
    published = json.loads((assembled.latest / SUMMARY).read_text(encoding="utf-8"))
    assert {k: v for k, v in published.items() if k != "run"} == {k: v for k, v in content.items() if k != "run"}


def test_results_past_assembly_carry_no_long_section_texts(tmp_path, make_form, make_summary, campaign):
    """The checks read the 总结材料's texts; the result keeps each section's heading, 字数, images and tables and
    the 质量标杆名称 (benchmark_name), and drops the other texts — no output shows them."""
    firm = "河北石家庄示范制造有限公司"
    make_form(tmp_path / "inbox" / "石家庄" / "1-申请表.xlsx", 申报单位=firm, 标杆名称=f"{firm}推行精益生产的经验")
    make_summary(tmp_path / "inbox" / "石家庄" / "1-总结材料.docx", enterprise=firm, name=f"{firm}推行精益生产的经验")
    result = run(tmp_path / "inbox", tmp_path / "out", campaign, settle=0, workers=1).result
    [app] = result.applications
    sections = app.summary.sections
    assert sections["企业概况"].text == "" and sections["企业概况"].chars > 0
    assert sections["摘要"].text == "" and sections["摘要"].title
    assert app.summary.benchmark_name == f"{firm}推行精益生产的经验"
    assert not any(i.code.startswith("pair.") for i in app.issues)  # paired by its 企业概况 before the drop


def test_cache_encoding_is_asdict_with_short_values_and_decodes_back(tmp_path, make_form, make_summary, campaign):
    """to_dict (no deep copies) gives the JSON dataclasses.asdict gives, each Value as its short list
    (cache.value_list), for real extracted 申请表 (yearly values keyed by int years) and 总结材料, and decodes
    back to an equal result."""
    import json
    from dataclasses import asdict

    from toolkit.cache import from_dict, to_dict, value_list
    from toolkit.pipeline import read_file

    value_names = {"value", "text", "location", "ok", "empty", "note"}

    def short_values(data):
        if isinstance(data, dict):
            if set(data) == value_names:
                return value_list(Value(**data))
            return {k: short_values(v) for k, v in data.items()}
        if isinstance(data, (list, tuple)):
            return [short_values(v) for v in data]
        return data

    firm = "河北石家庄示范制造有限公司"
    paths = [make_form(tmp_path / "1-申请表.xlsx", 申报单位=firm, 标杆名称=f"{firm}推行精益生产的经验"),
             make_summary(tmp_path / "1-总结材料.docx", enterprise=firm, name=f"{firm}推行精益生产的经验")]
    import openpyxl
    wb = openpyxl.Workbook()  # a 推荐排序表 with a 成文日期 above the table and a 落款 row under it
    for row in (["成文日期", "2021年9月18日"], ["推荐顺序", "申报单位"], [1, firm], [None], ["落款日期", "2021-09-20"]):
        wb.active.append(row)
    wb.save(tmp_path / "推荐排序表.xlsx")
    paths.append(tmp_path / "推荐排序表.xlsx")
    extracted = [read_file(str(p), p.name, campaign) for p in paths] + [_extracted(firm, shared=True)]
    assert extracted[0].form.yearly and extracted[1].summary.sections and len(extracted[2].ranking_dates) == 2
    for ex in extracted:
        encoded = json.dumps(to_dict(ex), ensure_ascii=False, sort_keys=True)
        assert encoded == json.dumps(short_values(asdict(ex)), ensure_ascii=False, sort_keys=True)
        assert from_dict(json.loads(encoded)) == ex
    assert any(len(value_list(v)) == 2 for v in extracted[0].form.fields.values())  # the usual text field is short


VALUES = st.builds(
    Value,
    value=st.none() | st.booleans() | st.integers(-10**12, 10**12) | st.floats(allow_nan=False) | st.text(max_size=8),
    text=st.text(max_size=8) | st.just("1"), location=st.text(max_size=6), ok=st.booleans(), empty=st.booleans(),
    note=st.text(max_size=4))


@given(st.lists(VALUES, max_size=6), st.data())
def test_any_value_survives_the_cache_as_json(values, data):
    """Whatever a Value holds — numbers and text that look alike (1 and "1"), empty text, flags, notes —
    value_list through JSON and value_of give an equal Value of the same value type; a list of another
    shape is refused (a miss), never misread."""
    import json

    from toolkit.cache import value_list, value_of

    for v in values:
        back = value_of(json.loads(json.dumps(value_list(v), ensure_ascii=False)))
        assert back == v and type(back.value) is type(v.value)
    typed_text = data.draw(st.text(max_size=8))
    same = Value(typed_text, typed_text, "B3")
    assert value_of(value_list(same)) == same and len(value_list(same)) == 2
    for other in ({"value": 1}, [1], [1, "B3", "1"], "x"):
        with pytest.raises((ValueError, TypeError)):
            value_of(other)


@pytest.mark.parametrize("enabled", [True, False])
def test_the_collector_rests_while_results_are_assembled_and_is_left_as_found(
        tmp_path, make_form, make_summary, campaign, monkeypatch, enabled):
    """Reading and assembly run with the cyclic collector paused; rendering with it as the caller had it; after
    the run nothing is left frozen and the collector is as it was (a watcher runs for months)."""
    import gc

    from toolkit import pipeline
    from toolkit.render import summary as summary_output

    seen = {}
    real_assemble, real_write = pipeline.assemble, summary_output.write

    def assemble(*args, **kwargs):
        seen["assembling"] = gc.isenabled()
        return real_assemble(*args, **kwargs)

    def write(result, folder, context):
        seen["rendering"] = gc.isenabled()
        seen["frozen"] = gc.get_freeze_count()
        return real_write(result, folder, context)

    monkeypatch.setattr(pipeline, "assemble", assemble)
    monkeypatch.setattr(summary_output, "write", write)
    firm = "河北石家庄示范制造有限公司"
    make_form(tmp_path / "inbox" / "石家庄" / "1-申请表.xlsx", 申报单位=firm, 标杆名称=f"{firm}推行精益生产的经验")
    make_summary(tmp_path / "inbox" / "石家庄" / "1-总结材料.docx", enterprise=firm, name=f"{firm}推行精益生产的经验")
    frozen_before = gc.get_freeze_count()
    (gc.enable if enabled else gc.disable)()
    try:
        report = run(tmp_path / "inbox", tmp_path / "out", campaign, settle=0, workers=1)
        after = gc.isenabled()
    finally:
        gc.enable()
    assert len(report.result.applications) == 1
    assert seen["assembling"] is False
    assert seen["rendering"] is enabled and seen["frozen"] > frozen_before  # the result frozen, not walked again
    assert after is enabled and gc.get_freeze_count() == frozen_before == 0


def test_files_are_read_with_only_the_section_texts_the_checks_read(tmp_path, make_form, make_summary, campaign):
    """read_file (what a reader worker returns, what is cached) keeps the texts of 质量标杆名称, 摘要 and 企业概况
    and drops the others, keeping every section's heading, 字数, images and tables as the reader found them; a run
    pairs and checks from such results, read fresh or from the cache, alike."""
    from toolkit.extract.registry import extract
    from toolkit.keys import CHECKED_SECTION_TEXTS
    from toolkit.pipeline import read_file

    firm = "河北石家庄示范制造有限公司"
    form = make_form(tmp_path / "inbox" / "石家庄" / "1-申请表.xlsx", 申报单位=firm, 标杆名称=f"{firm}推行精益生产的经验")
    path = make_summary(tmp_path / "inbox" / "石家庄" / "1-总结材料.docx", enterprise=firm,
                        name=f"{firm}推行精益生产的经验")
    full = extract(path.read_bytes(), path.name, campaign, file="石家庄/1-总结材料.docx").summary
    lean = read_file(str(path), "石家庄/1-总结材料.docx", campaign).summary
    assert len(full.sections) == len(lean.sections) == len(campaign.sections)
    for key, section in full.sections.items():
        kept = lean.sections[key]
        assert (kept.title, kept.chars, kept.images, kept.tables, kept.location) == (
            section.title, section.chars, section.images, section.tables, section.location)
        assert section.text and kept.text == (section.text if key in CHECKED_SECTION_TEXTS else "")
    assert lean.benchmark_name == full.benchmark_name == f"{firm}推行精益生产的经验"
    assert read_file(str(form), "石家庄/1-申请表.xlsx", campaign).form is not None
    reports = [run(tmp_path / "inbox", tmp_path / "out", campaign, settle=0, workers=1, force=True)
               for _ in range(2)]  # the second from the cache
    assert reports[0].parsed == 2 and reports[1].parsed == 0
    for report in reports:
        [app] = report.result.applications
        assert app.form_file is not None and app.summary_file is not None  # paired by its 企业概况
        assert not [i for i in app.issues if i.code.startswith(("pair.", "section.", "name."))], app.issues


@pytest.mark.skipif(not hasattr(os, "fork"), reason="the helper needs fork (not on Windows)")
def test_a_helper_that_does_not_read_its_job_is_not_waited_for(tmp_path):
    """A job larger than a pipe holds, given to a helper still importing (or stuck): take gives up after its wait
    and returns None (the caller computes the job), and the helper is stopped and reaped."""
    import sys

    from toolkit.render.helper import Helper, Job

    (tmp_path / "slow_import.py").write_text("import time\ntime.sleep(60)\n")
    sys.path.insert(0, str(tmp_path))
    try:
        helper = Helper.start(modules=("slow_import",))
        assert helper.take(Job(len, (b"x" * 1_000_000,)), wait=0.5) is None  # (waiting, it would be taken)
        helper.stop()
        with pytest.raises(ChildProcessError):
            os.waitpid(helper.pid, os.WNOHANG)
    finally:
        sys.path.remove(str(tmp_path))
