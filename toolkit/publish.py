"""Write one run's outputs into outbox/runs/<timestamp>/ and switch outbox/latest/ to it atomically."""
from __future__ import annotations

import datetime as dt
import json
import logging
import os
import re
import shutil
import time
from pathlib import Path

from .assemble import Assembled
from .render.opinion import build_opinion_template, render_opinion
from .render.ranking_sheet import write_ranking_sheet
from .render.receipt import write_receipt
from .render.register import write_register
from .render.summary import build_summary

log = logging.getLogger(__name__)

REGISTER = "省级汇总表.xlsx"
SUMMARY = "summary.json"
LATEST = "latest"
RUNS = "runs"


def safe_filename(name: str) -> str:
    return re.sub(r'[\\/:*?"<>|\x00-\x1f]', "_", name).strip() or "未命名"


def render_all(folder: Path, result: Assembled, *, today: dt.date) -> dict:
    """Every output of a run into ``folder``; returns summary.json's content."""
    folder.mkdir(parents=True, exist_ok=True)
    campaign = result.campaign
    write_register(folder / REGISTER, result)
    template = build_opinion_template(campaign)
    for sub in ("推荐意见", "推荐排序表", "回执"):
        (folder / sub).mkdir(exist_ok=True)
    apps_of, files_of, issues_of = {}, {}, {}  # grouped once: a national roll-up has 10,000s of each
    for app in result.applications:
        apps_of.setdefault(app.unit, []).append(app)
    for entry in result.files:
        files_of.setdefault(entry.version.unit, []).append(entry)
    for unit, enterprise, issue in result.issue_rows():
        issues_of.setdefault(unit, []).append((enterprise, issue))
    for status in result.units:
        apps = apps_of.get(status.unit, [])
        name = safe_filename(status.unit)
        write_receipt(folder / "回执" / f"{name}-回执.xlsx", result, status, apps=apps,
                      files=files_of.get(status.unit, []), issues=issues_of.get(status.unit, []))
        if apps:
            render_opinion(folder / "推荐意见" / f"{name}-推荐意见.docx", campaign, status.unit, apps,
                           date=today, template=template)
            write_ranking_sheet(folder / "推荐排序表" / f"{name}-推荐排序表.xlsx", campaign, status.unit, apps)
    summary = build_summary(result)
    # indented for people when small; compact (json's fast C encoder) for national roll-ups
    indent = 1 if len(summary["applications"]) <= 2000 else None
    (folder / SUMMARY).write_text(json.dumps(summary, ensure_ascii=False, indent=indent), encoding="utf-8")
    return summary


def new_run_folder(outbox: Path, now: dt.datetime) -> tuple[Path, Path]:
    """(temporary folder to write into, final folder name)."""
    runs = outbox / RUNS
    runs.mkdir(parents=True, exist_ok=True)
    for leftover in runs.glob(".*.partial"):  # a run killed mid-write, long enough ago to be dead
        try:
            if time.time() - leftover.stat().st_mtime > 3600:
                shutil.rmtree(leftover, ignore_errors=True)
        except OSError:
            pass
    stamp = now.strftime("%Y%m%d-%H%M%S")
    final = runs / stamp
    n = 1
    while final.exists():
        n += 1
        final = runs / f"{stamp}-{n}"
    tmp = runs / f".{final.name}.partial"
    if tmp.exists():
        shutil.rmtree(tmp, ignore_errors=True)
    return tmp, final


def switch_latest(outbox: Path, run_folder: Path) -> None:
    """Make outbox/latest show ``run_folder``: an atomic symlink swap where possible, else a copy swap.

    Either way, latest/ is never a half-written mix: a reader sees the old set or the new one.
    """
    latest = outbox / LATEST
    target = Path(RUNS) / run_folder.name
    tmp_link = outbox / f".{LATEST}.{os.getpid()}.new"
    try:
        if tmp_link.is_symlink() or tmp_link.exists():
            tmp_link.unlink()
        os.symlink(target, tmp_link, target_is_directory=True)
        if latest.exists() and not latest.is_symlink():
            # an earlier copy-made latest/: move it aside first
            aside = outbox / f".{LATEST}.old-{os.getpid()}"
            os.replace(latest, aside)
            shutil.rmtree(aside, ignore_errors=True)
        os.replace(tmp_link, latest)
        return
    except (OSError, NotImplementedError):
        if tmp_link.is_symlink():
            tmp_link.unlink()
    # no symlinks (e.g. Windows without privilege, some SMB shares): copy, then two renames
    staging = outbox / f".{LATEST}.{os.getpid()}.staging"
    shutil.rmtree(staging, ignore_errors=True)
    shutil.copytree(run_folder, staging)
    aside = outbox / f".{LATEST}.{os.getpid()}.old"
    if latest.is_symlink():
        latest.unlink()
    elif latest.exists():
        os.replace(latest, aside)
    os.replace(staging, latest)
    shutil.rmtree(aside, ignore_errors=True)


def publish(outbox: Path, result: Assembled, *, now: dt.datetime) -> tuple[Path, dict]:
    tmp, final = new_run_folder(outbox, now)
    summary = render_all(tmp, result, today=now.date())
    os.replace(tmp, final)
    switch_latest(outbox, final)
    return final, summary
