"""A file still being copied is never read: it is listed as pending and read by the next run."""
from __future__ import annotations

import datetime as dt
import json
import threading

from toolkit.campaign import CHINA_TZ
from toolkit.journal import Journal
from toolkit.pipeline import run, state_dir


class SlowCopy:
    """Write ``src`` to ``dest`` as a copy over a slow share does: half at once, then a byte every ``tick`` seconds
    for as long as the ``with`` block lasts (however long the run inside it takes), the rest when it ends."""

    def __init__(self, src: bytes, dest, *, tick: float = 0.05):
        self.src, self.dest, self.tick = src, dest, tick
        self.started, self._finish = threading.Event(), threading.Event()
        self.thread = threading.Thread(target=self._copy)

    def _copy(self) -> None:
        with open(self.dest, "wb") as fh:
            pos = len(self.src) // 2
            fh.write(self.src[:pos])
            fh.flush()
            self.started.set()
            while not self._finish.wait(self.tick) and pos < len(self.src) - 1:
                fh.write(self.src[pos:pos + 1])
                fh.flush()
                pos += 1
            fh.write(self.src[pos:])

    def __enter__(self) -> SlowCopy:
        self.thread.start()
        assert self.started.wait(30), "the copy did not start"
        return self

    def __exit__(self, *exc) -> None:
        self._finish.set()
        self.thread.join()


BEFORE_DEADLINE = dt.datetime(2021, 9, 1, 10, 0, tzinfo=CHINA_TZ)


def _summary(outbox):
    return json.loads((outbox / "latest" / "summary.json").read_text(encoding="utf-8"))


def test_file_still_copying_is_pending_then_read_once(tmp_path, make_form, make_summary, campaign):
    unit = tmp_path / "inbox" / "邯郸市工业和信息化局"
    make_summary(unit / "1-华信-总结材料.docx")
    form_bytes = make_form(tmp_path / "src" / "f.xlsx").read_bytes()
    dest = unit / "1-华信-申请表.xlsx"
    with SlowCopy(form_bytes, dest):  # still growing throughout the first run
        run(tmp_path / "inbox", tmp_path / "out", campaign, settle=0.5, max_wait=1.0, workers=1, now=BEFORE_DEADLINE)
    first = _summary(tmp_path / "out")
    files = {f["file"]: f for f in first["files"]}
    pending = files["邯郸市工业和信息化局/1-华信-申请表.xlsx"]
    assert pending["status"] == "pending" and pending["issues"] == [] and pending["sha256"] == ""
    assert Journal.load(state_dir(tmp_path / "out")).versions("邯郸市工业和信息化局/1-华信-申请表.xlsx") == []
    # the summary alone waits for its form: nothing half-read became an application of its own
    assert [a["status"] for a in first["applications"]] == ["需补正"]

    # the copy has finished: the run waits for the file to be quiet for ``settle`` seconds, then reads it
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
    with SlowCopy(make_form(tmp_path / "src" / "f.xlsx").read_bytes(), unit / "申请表.xlsx"):
        report = run(tmp_path / "inbox", tmp_path / "out", campaign, settle=0.5, max_wait=0.8, workers=1,
                     now=BEFORE_DEADLINE)
    text = end_of_run(report, campaign, inbox=tmp_path / "inbox", outbox=tmp_path / "out")
    assert "正在复制，下次运行时读取：1 个文件（邯郸/申请表.xlsx）" in text
