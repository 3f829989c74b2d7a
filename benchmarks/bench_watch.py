#!/usr/bin/env python3
"""Watch latency benchmark: how long after a copy ends does outbox/latest/summary.json list the new application?

Builds an inbox of 1,000 applications (2,000 files, varied enterprises over the 26 units), warms the state
with one batch run, then starts ``run.py watch`` as a real subprocess (polling every second, and the native
observer), copies a new 申请表 + 总结材料 pair in, and times from the end of the copy until latest/summary.json
lists the new application. Several trials per variant; prints min / median / max against the 5 s target,
and where the time goes (the watcher's own waits against the run's phases). Asserts nothing.

    python benchmarks/bench_watch.py                     # 1,000 applications, 5 trials per variant
    python benchmarks/bench_watch.py --apps 200 --trials 3 --keep /tmp/zlbg-watch-bench
"""
from __future__ import annotations

import argparse
import json
import os
import random
import re
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import time
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from toolkit.campaign import load_campaign
from toolkit.pipeline import run
from toolkit.render.forms import write_form, write_summary

TARGET = 5.0  # seconds

_PLACES = ["华信", "冀东", "太行", "燕赵", "渤海", "长城", "恒达", "中泰", "宏宇", "金石", "新元", "瑞丰", "博远"]
_TRADES = [("C34 通用设备制造业", "精密机械"), ("C26 化学原料和化学制品制造业", "化工"),
           ("C31 黑色金属冶炼和压延加工业", "钢铁"), ("C13 农副食品加工业", "食品"),
           ("C39 计算机、通信和其他电子设备制造业", "电子"), ("C27 医药制造业", "制药")]
_METHODS = ["六西格玛设计", "精益生产", "卓越绩效模式", "全面质量管理", "质量追溯体系", "零缺陷管理"]


def _make_pair(args) -> tuple[str, str]:
    """Write application ``i`` (form + summary) into ``folder``; return (enterprise, folder)."""
    i, folder, region = args
    campaign = load_campaign()
    rng = random.Random(i)
    trade, word = _TRADES[i % len(_TRADES)]
    enterprise = f"河北{_PLACES[i % len(_PLACES)]}{word}{i:05d}有限公司"
    name = f"{enterprise}实施{rng.choice(_METHODS)}的经验"
    rev = rng.uniform(3000, 80000)
    values = {"申报单位": enterprise, "所属行业": trade, "所在地区": region, "标杆名称": name,
              "摘要": "本公司推行先进质量管理方法，成效显著。" * 8, "联系人": "张伟", "电话": "0311-87803218",
              "手机": "15003116043", "电子邮箱": "quality@example.com", "通讯地址": f"河北省{region}",
              **{k: {y: round(rev * f * (1 + 0.05 * (y - 2018)), 2) for y in (2018, 2019, 2020)}
                 for k, f in (("资产总额", 1.4), ("主营业收入", 1), ("其他业务收入", 0.03), ("利润总额", 0.07))},
              "从业人员": {y: rng.randint(120, 5000) for y in (2018, 2019, 2020)}}
    out = Path(folder)
    out.mkdir(parents=True, exist_ok=True)
    write_form(str(out / f"{enterprise}-申请表.xlsx"), campaign, values)
    sections = {"质量标杆名称": name, "摘要": "摘要内容。" * 40, "企业概况": f"{enterprise}成立于1998年。" * 20,
                "管理方法（技术）的推进和应用情况": ["推进情况和做法。" * 60] * 6,
                "管理方法（技术）的实施效果": "效果显著。" * 120, "证实性材料": "见附件。"}
    write_summary(str(out / f"{enterprise}-总结材料.docx"), campaign, sections, enterprise=enterprise)
    return enterprise, folder


def _region(unit) -> str:
    """A city unit's own city ('衡水市工业和信息化局' -> '衡水市'); associations' members in the capital."""
    if unit.kind == "city" and "市" in unit.name:
        return unit.name[:unit.name.index("市") + 1]
    return "石家庄市"


def build_inbox(inbox: Path, n: int, workers: int) -> float:
    """n applications spread over the 26 units (a sub-folder per enterprise); returns seconds taken."""
    units = load_campaign().units
    t = time.perf_counter()
    jobs = [(i, str(inbox / units[i % len(units)].name / f"{i:05d}"), _region(units[i % len(units)]))
            for i in range(n)]
    with ProcessPoolExecutor(max_workers=workers) as pool:
        list(pool.map(_make_pair, jobs, chunksize=25))
    return time.perf_counter() - t


class Watcher:
    """``run.py watch`` as a subprocess; its stdout (end-of-run summaries) and log kept in files."""

    def __init__(self, base: Path, inbox: Path, outbox: Path, options: list[str], name: str):
        self.out, self.err = base / f"{name}.stdout", base / f"{name}.stderr"
        cmd = [sys.executable, str(ROOT / "run.py"), "watch", "--inbox", str(inbox), "--outbox", str(outbox),
               "--deadline", "2099-12-31", *options]
        with open(self.out, "wb") as out, open(self.err, "wb") as err:
            self.proc = subprocess.Popen(cmd, cwd=ROOT, stdout=out, stderr=err,
                                         env={**os.environ, "PYTHONUNBUFFERED": "1"})

    def stdout(self) -> str:
        return self.out.read_text(encoding="utf-8", errors="replace")

    def log(self) -> str:
        return self.err.read_text(encoding="utf-8", errors="replace")

    def run_seconds(self) -> list[float]:
        """The '用时 X 秒' of every finished run, in order."""
        return [float(x) for x in re.findall(r"用时 ([\d.]+) 秒", self.stdout())]

    def stop(self) -> int:
        self.proc.send_signal(signal.SIGTERM)
        try:
            return self.proc.wait(timeout=300)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            return self.proc.wait()


def wait_until_listed(outbox: Path, enterprise: str, timeout: float) -> float | None:
    """Seconds (perf_counter) at which latest/summary.json first lists ``enterprise``; None on timeout.
    The summary is parsed only when latest/ switches to another run folder."""
    latest = outbox / "latest"
    deadline = time.perf_counter() + timeout
    seen_target = None
    while time.perf_counter() < deadline:
        try:
            target = os.readlink(latest) if latest.is_symlink() else str((latest / "summary.json").stat().st_mtime_ns)
        except OSError:
            target = None
        if target is not None and target != seen_target:
            now = time.perf_counter()
            seen_target = target
            try:
                summary = json.loads((latest / "summary.json").read_text(encoding="utf-8"))
            except (OSError, ValueError):
                seen_target = None
                continue
            if any(a.get("enterprise") == enterprise for a in summary.get("applications", [])):
                return now
        time.sleep(0.02)
    return None


def trial_variant(name: str, options: list[str], base: Path, inbox: Path, outbox: Path, staging: Path,
                  trials: int, first_id: int, units) -> tuple[list[float], list[float]]:
    """Latencies (s) of ``trials`` new pairs under one watcher, and the run seconds of the runs that listed them."""
    w = Watcher(base, inbox, outbox, options, name)
    latencies, run_secs = [], []
    try:
        t = time.perf_counter()
        while not w.run_seconds() and w.proc.poll() is None and time.perf_counter() - t < 300:
            time.sleep(0.1)
        print(f"  [{name}] watcher up, first (unchanged) run after {time.perf_counter() - t:.1f} s")
        time.sleep(2.5)  # let the native observer settle its watches, the poller take its first snapshot
        for k in range(trials):
            i = first_id + k
            unit = units[i % len(units)]
            enterprise, folder = _make_pair((i, str(staging / f"{i:05d}"), _region(unit)))
            dest = inbox / unit.name / f"new-{i:05d}"
            dest.mkdir(parents=True, exist_ok=True)
            done_before = len(w.run_seconds())
            for f in sorted(Path(folder).iterdir()):
                shutil.copy(f, dest / f.name)  # like a copy onto the share: the files get a new mtime
            copied = time.perf_counter()
            listed = wait_until_listed(outbox, enterprise, timeout=180)
            if listed is None:
                print(f"  [{name}] trial {k + 1}: not listed after 180 s")
                continue
            latencies.append(listed - copied)
            time.sleep(0.3)
            secs = w.run_seconds()[done_before:]
            run_secs.append(secs[-1] if secs else float("nan"))
            print(f"  [{name}] trial {k + 1}: listed {latencies[-1]:.2f} s after the copy ended "
                  f"(runs since the copy: {len(secs)}, the last took {run_secs[-1]:.2f} s)")
            time.sleep(1.0)
    finally:
        code = w.stop()
        print(f"  [{name}] watcher stopped with exit code {code}")
    return latencies, run_secs


def profile_one_run(inbox: Path, outbox: Path, staging: Path, campaign, i: int, units, settle: float) -> dict:
    """Where a run's time goes when one pair was added: the pipeline's own phase timings (seconds)."""
    unit = units[i % len(units)]
    _, folder = _make_pair((i, str(staging / f"{i:05d}"), _region(unit)))
    dest = inbox / unit.name / f"new-{i:05d}"
    dest.mkdir(parents=True, exist_ok=True)
    for f in sorted(Path(folder).iterdir()):
        shutil.copy(f, dest / f.name)
    time.sleep(settle)  # what the watcher's quiet period gives: the files are old enough not to be waited for
    t = time.perf_counter()
    report = run(inbox, outbox, campaign, settle=settle)
    total = time.perf_counter() - t
    return {"total": total, **report.timings, "parsed": report.parsed}


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--apps", type=int, default=1000)
    ap.add_argument("--trials", type=int, default=5, help="new pairs copied in per variant")
    ap.add_argument("--workers", type=int, default=os.cpu_count() or 2)
    ap.add_argument("--quiet", type=float, default=2.0, help="passed to watch --quiet")
    ap.add_argument("--settle", type=float, default=2.0, help="passed to watch --settle")
    ap.add_argument("--keep", metavar="DIR", help="build the inbox here and keep it (reused when present)")
    args = ap.parse_args()
    base = Path(args.keep) if args.keep else Path(tempfile.mkdtemp(prefix="zlbg-watch-bench-"))
    inbox, outbox, staging = base / "inbox", base / "outbox", base / "staging"
    campaign = load_campaign().with_deadline("2099-12-31")
    units = campaign.units
    print(f"machine: {os.cpu_count()} cores; python {sys.version.split()[0]}; apps={args.apps}; base={base}")
    if not inbox.exists() or sum(1 for _ in inbox.rglob("*.xlsx")) != args.apps:
        shutil.rmtree(inbox, ignore_errors=True)
        secs = build_inbox(inbox, args.apps, args.workers)
        print(f"built inbox: {args.apps * 2} files in {secs:.1f} s")
    shutil.rmtree(outbox, ignore_errors=True)
    shutil.rmtree(staging, ignore_errors=True)
    t = time.perf_counter()
    cold = run(inbox, outbox, campaign, settle=0, workers=args.workers)
    print(f"warm-up batch: {time.perf_counter() - t:.1f} s ({cold.parsed} files read, "
          f"{len(cold.summary['applications'])} applications); phases: "
          + ", ".join(f"{k} {v:.2f} s" for k, v in cold.timings.items()))

    common = ["--quiet", f"{args.quiet:g}", "--settle", f"{args.settle:g}"]
    variants = [("poll 1 s", ["--poll", "1", *common]), ("native events", common)]
    results = {}
    next_id = 100000
    for name, options in variants:
        results[name] = trial_variant(name.replace(" ", "-"), options, base, inbox, outbox, staging, args.trials,
                                      next_id, units)
        next_id += args.trials

    print(f"\nlatency from the end of the copy to latest/summary.json listing the new application "
          f"({args.apps} applications in the inbox; watch --quiet {args.quiet:g} --settle {args.settle:g}):")
    print(f"{'variant':<15}{'trials':>7}{'min s':>9}{'median s':>10}{'max s':>9}{'run s (median)':>16}"
          f"{'waits s (median)':>18}  within {TARGET:g} s?")
    for name, (lat, secs) in results.items():
        if not lat:
            print(f"{name:<15}{0:>7}  (no trial listed the new application)")
            continue
        waits = [a - b for a, b in zip(lat, secs)]
        verdict = "yes" if max(lat) <= TARGET else ("median only" if statistics.median(lat) <= TARGET else "no")
        print(f"{name:<15}{len(lat):>7}{min(lat):>9.2f}{statistics.median(lat):>10.2f}{max(lat):>9.2f}"
              f"{statistics.median(secs):>16.2f}{statistics.median(waits):>18.2f}  {verdict}")
    print("  run s: the run's own '用时' (discover + extract + assemble + render + publish);"
          " waits s: the rest (observer delay, quiet period, process hand-offs)")

    prof = profile_one_run(inbox, outbox, staging, campaign, next_id, units, args.settle)
    print("\none run after adding a pair, in-process (seconds): "
          + ", ".join(f"{k} {v:.2f}" if isinstance(v, float) else f"{k} {v}" for k, v in prof.items()))
    if not args.keep:
        shutil.rmtree(base, ignore_errors=True)


if __name__ == "__main__":
    main()
