#!/usr/bin/env python3
"""Scale benchmark: a national-size inbox through the toolkit, against a naive pandas + python-docx loop.

Prints figures (seconds, files/s, peak memory, ratios); it is not a test and asserts nothing.

    python benchmarks/bench_scale.py --apps 10000          # the national roll-up size
    python benchmarks/bench_scale.py --apps 2000 --baseline-sample 400
"""
from __future__ import annotations

import argparse
import datetime as dt
import os
import random
import resource
import shutil
import sys
import tempfile
import time
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from toolkit.campaign import load_campaign  # noqa: E402
from toolkit.pipeline import run  # noqa: E402
from toolkit.render.forms import write_form, write_summary  # noqa: E402


def _make_one(args):
    i, unit_folder, base = args
    campaign = load_campaign()
    rng = random.Random(i)
    ent = f"基准测试{i:05d}号制造有限公司"
    name = f"{ent}实施精益生产的经验"
    folder = Path(base) / unit_folder / f"{i:05d}"
    folder.mkdir(parents=True, exist_ok=True)
    rev = rng.uniform(5000, 50000)
    values = {"申报单位": ent, "所属行业": "C34 通用设备制造业", "所在地区": "石家庄市", "标杆名称": name,
              "摘要": "摘要" * 50, "联系人": "张伟", "电话": "0311-87803218", "手机": "15003116043",
              "电子邮箱": "a@b.com", "通讯地址": "石家庄市",
              **{k: {y: round(rev * f, 2) for y in (2018, 2019, 2020)}
                 for k, f in (("资产总额", 1.5), ("主营业收入", 1), ("其他业务收入", 0.02), ("利润总额", 0.08))},
              "从业人员": {y: 500 for y in (2018, 2019, 2020)}}
    write_form(str(folder / f"{ent}-申请表.xlsx"), campaign, values)
    sections = {"质量标杆名称": name, "摘要": "摘要内容。" * 40, "企业概况": f"{ent}成立于1998年。" * 20,
                "管理方法（技术）的推进和应用情况": ["推进情况和做法。" * 60] * 8,
                "管理方法（技术）的实施效果": "效果显著。" * 120, "证实性材料": "见附件。"}
    write_summary(str(folder / f"{ent}-总结材料.docx"), campaign, sections, enterprise=ent)
    return i


def build_inbox(inbox: Path, n: int, workers: int) -> float:
    campaign = load_campaign()
    units = [u.name for u in campaign.units]
    t = time.perf_counter()
    jobs = [(i, units[i % len(units)], str(inbox)) for i in range(n)]
    with ProcessPoolExecutor(max_workers=workers) as pool:
        list(pool.map(_make_one, jobs, chunksize=50))
    return time.perf_counter() - t


def naive_loop(files: list[Path]) -> float:
    """What a clerk's script would do: pandas.read_excel on each form, python-docx on each summary."""
    import pandas as pd
    from docx import Document

    t = time.perf_counter()
    rows = []
    for f in files:
        if f.suffix == ".xlsx":
            df = pd.read_excel(f, sheet_name=0, header=None, engine="openpyxl")
            rows.append({"申报单位": df.iat[2, 1], "利润总额2020": df.iat[14, 4]})
        else:
            doc = Document(f)
            text = "\n".join(p.text for p in doc.paragraphs)
            rows.append({"chars": len(text)})
    pd.DataFrame(rows)
    return time.perf_counter() - t


def peak_mb() -> float:
    usage = max(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss, resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss)
    return usage / 1024


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--apps", type=int, default=10000)
    ap.add_argument("--baseline-sample", type=int, default=1000,
                    help="files the naive loop reads (its time is scaled to the whole inbox)")
    ap.add_argument("--workers", type=int, default=os.cpu_count() or 2)
    ap.add_argument("--keep", metavar="DIR", help="build the inbox here and keep it (reused when present)")
    args = ap.parse_args()
    base = Path(args.keep) if args.keep else Path(tempfile.mkdtemp(prefix="zlbg-bench-"))
    inbox, outbox = base / "inbox", base / "outbox"
    campaign = load_campaign().with_deadline("2099-12-31")
    print(f"machine: {os.cpu_count()} cores; python {sys.version.split()[0]}; apps={args.apps}")
    if not inbox.exists() or sum(1 for _ in inbox.rglob("*.xlsx")) != args.apps:
        shutil.rmtree(inbox, ignore_errors=True)
        secs = build_inbox(inbox, args.apps, args.workers)
        print(f"built inbox: {args.apps * 2} files in {secs:.1f} s")
    shutil.rmtree(outbox, ignore_errors=True)
    files = sorted(p for p in inbox.rglob("*") if p.is_file())
    total_mb = sum(p.stat().st_size for p in files) / 1e6

    t = time.perf_counter()
    cold = run(inbox, outbox, campaign, settle=0, workers=args.workers)
    cold_s = time.perf_counter() - t
    print(f"toolkit cold run:      {cold_s:8.1f} s  ({len(files) / cold_s:7.1f} files/s, {total_mb:.0f} MB, "
          f"{len(cold.summary['applications'])} applications, {cold.parsed} parsed)")
    print("  phases: " + ", ".join(f"{k} {v:.1f} s" for k, v in cold.timings.items()))

    t = time.perf_counter()
    warm = run(inbox, outbox, campaign, settle=0, workers=args.workers)
    warm_s = time.perf_counter() - t
    print(f"toolkit unchanged run: {warm_s:8.2f} s  (unchanged={warm.unchanged}, parsed {warm.parsed})")

    victim = next(p for p in files if p.suffix == ".xlsx")
    os.utime(victim, None)
    data = victim.read_bytes()
    victim.write_bytes(data)  # same content, new mtime: re-hashed, not re-parsed
    extra = victim.with_name("补充-" + victim.name)
    shutil.copy(victim, extra)
    t = time.perf_counter()
    one = run(inbox, outbox, campaign, settle=0, workers=args.workers, now=dt.datetime.now().astimezone())
    one_s = time.perf_counter() - t
    print(f"toolkit one new file:  {one_s:8.1f} s  (parsed {one.parsed}, from cache {one.cached})")
    extra.unlink()

    sample = files[: min(args.baseline_sample, len(files))]
    naive_s = naive_loop(sample)
    naive_total = naive_s * len(files) / len(sample)
    print(f"naive pandas+python-docx loop: {naive_s:.1f} s for {len(sample)} files "
          f"-> {naive_total:.1f} s for all {len(files)} (extraction only, no checks, no outputs)")
    extract_s = cold.timings.get("extract", cold_s)
    print(f"ratio naive/toolkit cold run (all outputs): {naive_total / cold_s:.1f}x ; "
          f"naive/toolkit extraction phase: {naive_total / extract_s:.1f}x ; "
          f"naive/toolkit unchanged: {naive_total / warm_s:.0f}x")
    print(f"peak memory (max of this process and its workers): {peak_mb():.0f} MB")
    if not args.keep:
        shutil.rmtree(base, ignore_errors=True)


if __name__ == "__main__":
    main()
