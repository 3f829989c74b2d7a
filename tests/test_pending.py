"""A file still being copied is never read: it is listed as pending and read by the next run."""
from __future__ import annotations

import datetime as dt
import json
import threading
import time

from toolkit.campaign import CHINA_TZ
from toolkit.journal import Journal
from toolkit.pipeline import run, state_dir


def _slow_copy(src: bytes, dest, *, seconds: float, steps: int = 20) -> threading.Thread:
    """Write ``src`` to ``dest`` in ``steps`` pieces over ``seconds``, as a copy over a slow share does."""
    def copy():
        piece = max(1, len(src) // steps)
        with open(dest, "wb") as fh:
            for i in range(0, len(src), piece):
                fh.write(src[i:i + piece])
                fh.flush()
                time.sleep(seconds / steps)
    thread = threading.Thread(target=copy)
    thread.start()
    return thread


BEFORE_DEADLINE = dt.datetime(2021, 9, 1, 10, 0, tzinfo=CHINA_TZ)


def _summary(outbox):
    return json.loads((outbox / "latest" / "summary.json").read_text(encoding="utf-8"))


def test_file_still_copying_is_pending_then_read_once(tmp_path, make_form, make_summary, campaign):
    unit = tmp_path / "inbox" / "邯郸市工业和信息化局"
    make_summary(unit / "1-华信-总结材料.docx")
    form_bytes = make_form(tmp_path / "src" / "f.xlsx").read_bytes()
    dest = unit / "1-华信-申请表.xlsx"
    copier = _slow_copy(form_bytes, dest, seconds=4.0)
    try:
        time.sleep(0.3)
        run(tmp_path / "inbox", tmp_path / "out", campaign, settle=0.5, max_wait=1.0, workers=1, now=BEFORE_DEADLINE)
    finally:
        copier.join()
    first = _summary(tmp_path / "out")
    files = {f["file"]: f for f in first["files"]}
    pending = files["邯郸市工业和信息化局/1-华信-申请表.xlsx"]
    assert pending["status"] == "pending" and pending["issues"] == [] and pending["sha256"] == ""
    assert Journal.load(state_dir(tmp_path / "out")).versions("邯郸市工业和信息化局/1-华信-申请表.xlsx") == []
    # the summary alone waits for its form: nothing half-read became an application of its own
    assert [a["status"] for a in first["applications"]] == ["需补正"]

    time.sleep(0.6)
    run(tmp_path / "inbox", tmp_path / "out", campaign, settle=0.5, max_wait=1.0, workers=1, now=BEFORE_DEADLINE)
    second = _summary(tmp_path / "out")
    files = {f["file"]: f for f in second["files"]}
    assert files["邯郸市工业和信息化局/1-华信-申请表.xlsx"]["status"] == "current"
    assert [(a["enterprise"], a["status"], a["versions"]) for a in second["applications"]] == [
        ("河北华信精密机械有限公司", "通过", 1)]
    versions = Journal.load(state_dir(tmp_path / "out")).versions("邯郸市工业和信息化局/1-华信-申请表.xlsx")
    assert len(versions) == 1 and versions[0]["size"] == len(form_bytes)


def test_console_names_the_pending_file(tmp_path, make_form, campaign):
    from toolkit.report import end_of_run

    unit = tmp_path / "inbox" / "邯郸"
    unit.mkdir(parents=True)
    copier = _slow_copy(make_form(tmp_path / "src" / "f.xlsx").read_bytes(), unit / "申请表.xlsx", seconds=3.0)
    try:
        time.sleep(0.3)
        report = run(tmp_path / "inbox", tmp_path / "out", campaign, settle=0.5, max_wait=0.8, workers=1, now=BEFORE_DEADLINE)
    finally:
        copier.join()
    text = end_of_run(report, campaign, inbox=tmp_path / "inbox", outbox=tmp_path / "out")
    assert "正在复制，下次运行时读取：1 个文件（邯郸/申请表.xlsx）" in text
