"""Each file is read in a worker process with limits: a file that kills, aborts, exhausts or stalls its
reader costs only itself, and the run goes on and publishes."""
from __future__ import annotations

import datetime as dt
import json
import re
import sys

import pytest

from reader_faults import read_or_fail
from toolkit.campaign import CHINA_TZ
from toolkit.pipeline import run
from toolkit.workers import Limits, ReaderPool

pytestmark = pytest.mark.skipif(sys.platform == "win32", reason="rlimits and signals are POSIX")

FAULTS = ["被杀", "中止", "死循环", "卡住", "巨大内存", "巨大结果", "出错"]
LIMITS = Limits(memory=2 * 1024 ** 3, cpu_seconds=2, wall_seconds=6)


def _inbox(tmp_path, make_form, make_summary, faults):
    unit = tmp_path / "inbox" / "石家庄"
    make_form(unit / "1-华信-申请表.xlsx")
    make_summary(unit / "1-华信-总结材料.docx")
    for fault in faults:
        make_form(unit / f"{fault}-申请表.xlsx")
    return unit


@pytest.mark.parametrize("fault", FAULTS)
def test_one_failing_file_costs_only_itself(tmp_path, make_form, make_summary, campaign, fault):
    unit = _inbox(tmp_path, make_form, make_summary, [fault])
    jobs = [(str(p), f"石家庄/{p.name}") for p in sorted(unit.iterdir())]
    with ReaderPool(campaign, read_or_fail, workers=2, limits=LIMITS) as pool:
        results = dict(pool.map(jobs))
    assert set(results) == {rel for _, rel in jobs}
    bad = results[f"石家庄/{fault}-申请表.xlsx"]
    assert [i.code for i in bad.issues] == ["file.unreadable"], bad.issues
    message = bad.issues[0].message  # the reason in Chinese words, never Python's exception text
    reason = re.match(r"文件无法打开：(.*?)。", message)
    assert reason and re.search(r"[\u4e00-\u9fff]{4}", reason.group(1)), message
    assert not re.search(r"Error|Exception|Traceback|Errno|object at 0x", message), message
    assert results["石家庄/1-华信-申请表.xlsx"].kind == "form"
    assert results["石家庄/1-华信-申请表.xlsx"].form.number("利润总额", 2020) == 3650.25
    assert results["石家庄/1-华信-总结材料.docx"].kind == "summary"


def test_pool_is_rebuilt_and_reads_every_file_after_several_deaths(tmp_path, make_form, make_summary, campaign):
    unit = _inbox(tmp_path, make_form, make_summary, ["被杀", "中止", "被杀2"])
    for n in range(5):
        make_form(unit / f"{n + 2}-正常{n}-申请表.xlsx", 申报单位=f"河北正常{n}有限公司")
    jobs = [(str(p), f"石家庄/{p.name}") for p in sorted(unit.iterdir())]
    with ReaderPool(campaign, read_or_fail, workers=2, limits=LIMITS) as pool:
        results = dict(pool.map(jobs))
        replaced = pool.replaced
    assert replaced == 3
    forms = {r.form.text("申报单位") for r in results.values() if r.kind == "form"}
    assert forms == {"河北华信精密机械有限公司", *(f"河北正常{n}有限公司" for n in range(5))}
    dead = sorted(rel for rel, r in results.items() if r.kind == "other")
    assert dead == ["石家庄/中止-申请表.xlsx", "石家庄/被杀-申请表.xlsx", "石家庄/被杀2-申请表.xlsx"]


def test_messages_say_what_happened(tmp_path, make_form, make_summary, campaign):
    unit = _inbox(tmp_path, make_form, make_summary, ["死循环", "卡住", "被杀"])
    jobs = [(str(p), f"石家庄/{p.name}") for p in sorted(unit.iterdir())]
    with ReaderPool(campaign, read_or_fail, workers=2, limits=LIMITS) as pool:
        results = dict(pool.map(jobs))
    message = lambda name: results[f"石家庄/{name}-申请表.xlsx"].issues[0].message  # noqa: E731
    assert "读取时间超过限制" in message("死循环")
    assert "分钟仍未完成" in message("卡住")
    assert "被系统终止" in message("被杀")


def test_a_worker_killed_mid_file_does_not_stop_the_run(tmp_path, make_form, make_summary, campaign):
    _inbox(tmp_path, make_form, make_summary, ["被杀"])
    report = run(tmp_path / "inbox", tmp_path / "out", campaign, settle=0, workers=2, limits=LIMITS,
                 reader=read_or_fail, now=dt.datetime(2021, 9, 1, 10, 0, tzinfo=CHINA_TZ))
    summary = json.loads((tmp_path / "out" / "latest" / "summary.json").read_text(encoding="utf-8"))
    assert report.run_folder is not None and report.run_folder.exists()
    files = {f["file"]: f for f in summary["files"]}
    assert [i["code"] for i in files["石家庄/被杀-申请表.xlsx"]["issues"]] == ["file.unreadable"]
    apps = {a["enterprise"]: a for a in summary["applications"]}
    assert apps["河北华信精密机械有限公司"]["status"] == "通过"


def test_workers_that_cannot_start_cost_no_file(tmp_path, make_form, make_summary, campaign, monkeypatch):
    """When no worker can start (e.g. a child cannot import the parent's main module), files are read in this
    process with a warning — never all reported unreadable."""
    import toolkit.workers as workers

    def broken(ctx, campaign, limits, read):  # every worker dies before it is ready
        worker = real(ctx, campaign, limits, read)
        worker.process.kill()
        return worker

    real = workers._Worker
    monkeypatch.setattr(workers, "_Worker", broken)
    unit = _inbox(tmp_path, make_form, make_summary, [])
    jobs = [(str(p), f"石家庄/{p.name}") for p in sorted(unit.iterdir())]
    with ReaderPool(campaign, read_or_fail, workers=2, limits=LIMITS) as pool:
        results = dict(pool.map(jobs))
        assert pool.in_process and pool.startup_failures == workers.MAX_STARTUP_FAILURES
    assert results["石家庄/1-华信-申请表.xlsx"].kind == "form"
    assert results["石家庄/1-华信-总结材料.docx"].kind == "summary"


def test_a_run_started_from_standard_input_reads_every_file(tmp_path, make_form, make_summary):
    """`python - < script` has a main module a child cannot import: the run still reads every file."""
    import subprocess
    import sys

    unit = _inbox(tmp_path, make_form, make_summary, [])
    script = (f"from toolkit.campaign import load_campaign\nfrom toolkit.pipeline import run\n"
              f"r = run({str(tmp_path / 'inbox')!r}, {str(tmp_path / 'out')!r}, "
              f"load_campaign().with_deadline('2099-12-31'), settle=0, workers=2)\n"
              f"print(sorted(a['status'] for a in r.summary['applications']))\n")
    proc = subprocess.run([sys.executable, "-"], input=script, capture_output=True, text=True, timeout=300,
                          cwd=str(tmp_path))
    assert proc.returncode == 0, proc.stderr[-2000:]
    assert proc.stdout.strip() == "['通过']"
    assert unit.exists()


def test_watch_keeps_its_reader_workers_between_runs(tmp_path, make_form, make_summary, campaign):
    """A long-lived watcher starts its reader workers once: the next run's new file is read by the same processes."""
    import toolkit.pipeline as pipeline

    unit = _inbox(tmp_path, make_form, make_summary, [])
    run(tmp_path / "inbox", tmp_path / "out", campaign, settle=0, workers=2, keep_workers=True,
        now=dt.datetime(2021, 9, 1, 10, 0, tzinfo=CHINA_TZ))
    [pool] = [p for key, p in pipeline._KEPT_POOLS.items() if key[0] is pipeline.read_file and key[3] == 2]
    before = sorted(w.process.pid for w in pool._workers)
    make_form(unit / "2-恒达-申请表.xlsx", 申报单位="河北恒达轴承有限公司", 标杆名称="河北恒达轴承有限公司推行精益生产的经验")
    report = run(tmp_path / "inbox", tmp_path / "out", campaign, settle=0, workers=2, keep_workers=True,
                 now=dt.datetime(2021, 9, 1, 11, 0, tzinfo=CHINA_TZ))
    assert report.parsed == 1
    assert sorted(w.process.pid for w in pool._workers) == before and all(w.process.is_alive() for w in pool._workers)
    names = {a["enterprise"] for a in report.summary["applications"]}
    assert "河北恒达轴承有限公司" in names
    pool.close()
    pipeline._KEPT_POOLS.clear()


def test_a_prepared_pool_starts_its_workers_together_and_reads_every_file(tmp_path, make_form, make_summary,
                                                                          campaign):
    """prepare() starts the fork server without waiting for it (a run decodes its cache meanwhile); the workers
    are then started together (none left half-started) and read every file; one file starts one worker; closing
    stops them all."""
    unit = _inbox(tmp_path, make_form, make_summary, [])
    jobs = [(str(p), p.name) for p in sorted(unit.iterdir())]
    assert len(jobs) >= 2
    with ReaderPool(campaign, read_or_fail, workers=2, limits=LIMITS) as pool:
        pool.prepare()
        results = dict(pool.map(jobs))
        processes = [w.process for w in pool._workers]
        assert len(processes) == 2 and pool.startup_failures == 0 and not pool._launched
    assert set(results) == {rel for _, rel in jobs}
    assert all(ex.kind in ("form", "summary") for ex in results.values())
    assert not any(p.is_alive() for p in processes)

    with ReaderPool(campaign, read_or_fail, workers=2, limits=LIMITS) as pool:
        pool.prepare()
        assert dict(pool.map(jobs[:1])).keys() == {jobs[0][1]}
        assert len(pool._workers) == 1 and not pool._launched  # one file: one worker
        processes = [w.process for w in pool._workers]
    assert not any(p.is_alive() for p in processes)


@pytest.mark.parametrize("fault", ["被杀", "中止", "卡住"])
def test_files_waiting_behind_a_failing_one_are_read_by_the_next_worker(tmp_path, make_form, make_summary, campaign,
                                                                         fault):
    """A worker is given the next file before it answers the current one (workers.AHEAD); when it dies or is
    killed on a file, only that file is unreadable — the one waiting behind it is read by its replacement. One
    worker, so every file waits behind another."""
    from toolkit.workers import AHEAD

    assert AHEAD >= 2
    unit = _inbox(tmp_path, make_form, make_summary, [fault])
    make_form(unit / "9-恒达-申请表.xlsx", 申报单位="河北恒达轴承有限公司")
    jobs = [(str(unit / f"{fault}-申请表.xlsx"), f"{fault}-申请表.xlsx"),  # fails with the next one queued behind it
            (str(unit / "9-恒达-申请表.xlsx"), "9-恒达-申请表.xlsx"),
            (str(unit / "1-华信-申请表.xlsx"), "1-华信-申请表.xlsx"),
            (str(unit / "1-华信-总结材料.docx"), "1-华信-总结材料.docx")]
    order = []
    with ReaderPool(campaign, read_or_fail, workers=1, limits=LIMITS) as pool:
        for rel, ex in pool.map(jobs):
            order.append((rel, ex))
        assert pool.replaced == 1
    results = dict(order)
    assert sorted(results) == sorted(rel for _, rel in jobs) and len(order) == len(jobs)  # each once
    assert [i.code for i in results[f"{fault}-申请表.xlsx"].issues] == ["file.unreadable"]
    assert results["9-恒达-申请表.xlsx"].kind == "form"
    assert results["9-恒达-申请表.xlsx"].form.text("申报单位") == "河北恒达轴承有限公司"
    assert results["1-华信-申请表.xlsx"].kind == "form" and results["1-华信-总结材料.docx"].kind == "summary"


def test_a_worker_dead_before_its_next_file_is_sent_costs_only_the_file_it_was_reading(
        tmp_path, make_form, make_summary, campaign, monkeypatch):
    """The next file is sent while the worker reads the current one (AHEAD); when the worker has already died on
    that one, sending fails: the file not sent goes back to the queue and the one it died on is reported once,
    unreadable — not read again by the next worker. The parent waits for the death before sending (made certain
    here; on a real share it is a race)."""
    from toolkit.workers import _Worker

    unit = _inbox(tmp_path, make_form, make_summary, ["被杀"])
    jobs = [(str(unit / "被杀-申请表.xlsx"), "被杀-申请表.xlsx"), (str(unit / "1-华信-申请表.xlsx"), "1-华信-申请表.xlsx"),
            (str(unit / "1-华信-总结材料.docx"), "1-华信-总结材料.docx")]
    real_give = _Worker.give
    waited = []

    def give_after_death(self, job):
        if self.jobs and "被杀" in self.jobs[0][1] and not waited:  # the first time only
            self.process.join(timeout=30)  # the worker is dead before the next file goes
            waited.append(self.process.exitcode)
        return real_give(self, job)

    monkeypatch.setattr(_Worker, "give", give_after_death)
    with ReaderPool(campaign, read_or_fail, workers=1, limits=LIMITS) as pool:
        answers = list(pool.map(jobs))
        replaced = pool.replaced
    assert waited and waited[0] is not None  # the death happened before the send, as the test means
    assert sorted(rel for rel, _ in answers) == sorted(rel for _, rel in jobs)  # each file answered once
    results = dict(answers)
    bad = results["被杀-申请表.xlsx"]
    assert [i.code for i in bad.issues] == ["file.unreadable"] and "读取程序" in bad.issues[0].message
    assert replaced == 1  # one death, one new worker: the file it died on was not read again
    assert results["1-华信-申请表.xlsx"].kind == "form" and results["1-华信-总结材料.docx"].kind == "summary"
