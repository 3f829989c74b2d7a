"""Shared fixtures: the campaign, form/summary builders, a demo run made once per session."""
from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from toolkit.campaign import load_campaign
from toolkit.render.forms import write_form, write_summary

ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture(scope="session")
def campaign():
    return load_campaign()


GOOD_VALUES = {
    "申报单位": "河北华信精密机械有限公司", "所属行业": "C34 通用设备制造业", "所在地区": "石家庄市",
    "标杆名称": "河北华信精密机械有限公司实施六西格玛设计的经验", "摘要": "本公司推行六西格玛设计，成效显著。",
    "联系人": "张伟", "电话": "0311-87803218", "手机": "15003116043", "电子邮箱": "zhangwei@163.com", "传真": "",
    "通讯地址": "河北省石家庄市高新区100号",
    "资产总额": {2018: 52000.0, 2019: 56000.0, 2020: 61000.5},
    "主营业收入": {2018: 41000.0, 2019: 43800.0, 2020: 47000.0},
    "其他业务收入": {2018: 900.0, 2019: 1000.0, 2020: 1100.0},
    "利润总额": {2018: 3100.0, 2019: 3300.0, 2020: 3650.25},
    "从业人员": {2018: 1200, 2019: 1250, 2020: 1300},
}


def good_sections(name: str, enterprise: str) -> dict:
    return {"质量标杆名称": name, "摘要": "摘要内容。" * 10, "企业概况": f"{enterprise}成立于1998年。" * 5,
            "管理方法（技术）的推进和应用情况": ["推进情况。" * 50, "应用情况。" * 50],
            "管理方法（技术）的实施效果": "实施效果显著。" * 30, "证实性材料": "见附件。"}


@pytest.fixture
def make_form(campaign):
    def make(path: Path, **overrides) -> Path:
        values = {k: (dict(v) if isinstance(v, dict) else v) for k, v in GOOD_VALUES.items()}
        values.update(overrides)
        path.parent.mkdir(parents=True, exist_ok=True)
        write_form(str(path), campaign, values)
        return path
    return make


@pytest.fixture
def make_summary(campaign):
    def make(path: Path, *, enterprise: str = GOOD_VALUES["申报单位"], name: str = GOOD_VALUES["标杆名称"],
             drop: tuple = (), **sections) -> Path:
        content = good_sections(name, enterprise)
        content.update(sections)
        for key in drop:
            content.pop(key, None)
        path.parent.mkdir(parents=True, exist_ok=True)
        write_summary(str(path), campaign, content, enterprise=enterprise)
        return path
    return make


def run_cli(*args, cwd: Path | None = None, timeout: int = 600) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, str(ROOT / "run.py"), *map(str, args)], cwd=cwd or ROOT,
                          capture_output=True, text=True, timeout=timeout, encoding="utf-8")


@pytest.fixture(scope="session")
def demo_run(tmp_path_factory):
    """`run.py demo` once, in a fresh folder: (inbox, outbox, summary dict, completed process)."""
    base = tmp_path_factory.mktemp("demo")
    inbox, outbox = base / "inbox", base / "outbox"
    proc = run_cli("demo", "--inbox", inbox, "--outbox", outbox, cwd=base)
    assert proc.returncode == 0, proc.stderr
    summary = json.loads((outbox / "latest" / "summary.json").read_text(encoding="utf-8"))
    return inbox, outbox, summary, proc


def zip_of(members: dict) -> bytes:
    """A zip holding ``members`` (name -> text or bytes): the container of .xlsx/.docx/.ods."""
    import io
    import zipfile

    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as zf:
        for name, data in members.items():
            zf.writestr(name, data)
    return buf.getvalue()


def ole(*streams: str, body: bytes = b"") -> bytes:
    """An OLE compound-file head naming ``streams`` (what .xls/.doc and encrypted OOXML look like)."""
    from toolkit.extract.sniff import OLE_MAGIC

    names = b"".join(s.encode("utf-16-le").ljust(64, b"\x00") for s in ("Root Entry", *streams))
    return OLE_MAGIC + b"\x00" * 504 + names.ljust(512, b"\x00") + body


def soffice() -> str | None:
    return shutil.which("soffice") or shutil.which("libreoffice")


def permissions_bind() -> list[str]:
    """The command prefix under which file permissions bind a process (chmod 000 refuses it): none for an ordinary
    user; as root (CI), setpriv without the capabilities that override them (util-linux; the test is skipped
    where it is missing)."""
    import os

    if os.geteuid() != 0:
        return []
    setpriv = shutil.which("setpriv")
    if setpriv is None:
        pytest.skip("running as root without setpriv: file permissions cannot be made to bind")
    return [setpriv, "--bounding-set=-dac_override,-dac_read_search"]


LATEST_LOSSES = ("latest", "latest-emptied", "省级汇总表.xlsx", "回执", "推荐意见", "index.html", "回执/*-回执.xlsx",
                 "推荐意见/*-推荐意见.docx", "单位/*/index.html", "单位/*")


def remove_from_latest(outbox: Path, what: str) -> str:
    """What a clerk deletes of outbox/latest/ (one of LATEST_LOSSES): latest/ itself (the link to its run folder),
    everything in it (a folder deleted through the link: the run folder emptied), the register, a folder of
    per-unit documents, the status page, or (a pattern with *) the first of the files or folders it matches: one
    unit's 回执, its 推荐意见, its page or its folder. Inside latest/ it deletes from the folder latest/ shows as this
    is called (through its link: that run's folder), so a run publishing meanwhile is not deleted from. Returns
    what it deleted, relative to latest/ ('latest' for latest/ itself; '' for everything in it)."""
    latest = outbox / "latest"
    if what == "latest":
        latest.unlink() if latest.is_symlink() else shutil.rmtree(latest)
        return "latest"
    shown = latest.resolve()
    if what == "latest-emptied":
        entries = list(shown.iterdir())
    else:
        entries = sorted(shown.glob(what))[:1] if "*" in what else [shown / what]
        assert entries, f"nothing in latest/ matches {what}"
    for entry in entries:
        shutil.rmtree(entry) if entry.is_dir() else entry.unlink()
    return "" if what == "latest-emptied" else entries[0].relative_to(shown).as_posix()


def latest_files(outbox: Path) -> list[str]:
    """Every file under outbox/latest/, relative to it (empty when latest/ is not there)."""
    latest = outbox / "latest"
    return sorted(str(p.relative_to(latest)) for p in latest.rglob("*") if p.is_file()) if latest.is_dir() else []
