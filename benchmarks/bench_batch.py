#!/usr/bin/env python3
"""Batch benchmark: one run that generates an inbox and times the naive loop and four toolkit batches.

    python benchmarks/bench_batch.py --applications 1000
    python benchmarks/bench_batch.py --applications 10000 --json /tmp/results-10000.json --keep /tmp/bench-10000

Generation (not measured as a phase; its time is printed apart): N application pairs over the campaign's 26
units, 申请表 in several layouts (official template, re-typed, vertical, .xls) and 总结材料 of about 11,000
characters in six heading styles (see benchmarks/generate.py). One more pair and a replacement 总结材料 are
written outside the inbox for the last two phases.

Measured phases, each in wall-clock seconds:

- naive        in this process, every file of the inbox read once the naive way: pandas.read_excel(path,
               sheet_name=None) (engine openpyxl for .xlsx, xlrd for .xls, which openpyxl cannot open) and
               docx.Document(path) with its paragraph text joined. Extraction only: no checks, no outputs.
- cold         ``python run.py batch --inbox I --outbox O --settle 0 --deadline 2099-12-31`` as a child
               process, on an empty outbox (so an empty state folder): every file read, every output written.
- warm         the same command again, nothing changed.
- one changed  one 总结材料 replaced by a different valid one of the same enterprise, then the command.
- one added    one more pair copied into a unit folder, then the command (a new pair each repetition).

The last two are timed --repeat times (default 3): a single run of a second or two moves with the machine by
a tenth of a second or more. Each repetition is again one file (one pair) the toolkit has never read: the
replacement 总结材料 again with other bytes (another zip comment: the same document, re-saved), and another new
pair (the generator writes one a repetition, in the units that come next: the first is the pair a single run
adds). The table gives the median run's seconds (of an even number, the faster of the middle two) with the
fastest and slowest, and the highest peak memory of the repetitions.

Peak memory of a batch phase is measured three ways. "peak RSS" is the higher of (a) the sum of VmRSS over the
batch process and all its live
descendants, sampled from /proc every 0.05 s (pages shared between forked workers count once per process),
and (b) resource.getrusage(RUSAGE_CHILDREN).ru_maxrss taken by a small launcher process whose only child is the
batch (the largest single process of the tree). The launcher keeps (b) clean: on Linux a child's ru_maxrss
starts from the resident size of the process that forked it, and this process holds pandas. For the naive
phase it is the sampled VmRSS of this process. Because (a) counts a page shared by forked processes (reader
workers, the child writing the register) once per process, the table also gives "peak PSS": the sum of Pss
(/proc/<pid>/smaps_rollup, each shared page divided among the processes sharing it) over the tree — what the tree
really holds in memory —, read at most every 0.5 s, when the tree has grown since the last reading (the kernel
walks every page to answer: read 20 times a second it slowed the run being measured by half).

Before the phases, how much work the machine's cores do together (``parallel_work``: a CPU-bound loop alone and in
as many processes at once as the toolkit starts readers): the cold run reads with those, the naive loop in one.

Ratios: naive/cold and cold/warm. The toolkit's own "用时" (its run() time, without interpreter start-up and
imports) and its counts of files read and unchanged are parsed from the batch output when present; the seconds
of its steps (discover, extract — reading the files, or taking their cached results —, assemble, render and
publish) from the line each run leaves in outbox/logs/runs.jsonl.

Prints a table and writes the figures to JSON (--json, default benchmarks/results-N.json; not committed).
Asserts nothing. Without --keep the working folder is a temporary one, deleted at the end.
"""
from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import platform
import re
import shutil
import subprocess
import sys
import tempfile
import threading
import time
import zipfile
from collections import Counter
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))
sys.path.insert(0, str(REPO / "benchmarks"))

from generate import describe, generate_inbox  # noqa: E402

PHASES = ("naive", "cold", "warm", "changed", "added")
STEPS = ("discover", "extract", "assemble", "render")  # a toolkit run's steps, as runs.jsonl names them
REPEATED = ("changed", "added")  # the phases timed --repeat times
PHASE_LABELS = {"naive": "naive", "cold": "cold", "warm": "warm", "changed": "one changed", "added": "one added"}
DEADLINE = "2099-12-31"
SAMPLE_INTERVAL = 0.05
# reading /proc/<pid>/smaps_rollup makes the kernel walk the process's pages: 13 ms for a 700 MB process. Read for
# the whole tree every SAMPLE_INTERVAL, it took most of a core from the run being measured (a one-file run at
# 10,000 applications: 17.9 s measured, 11.6 s alone), so Pss is read at most every PSS_INTERVAL, when the tree
# has grown since the last Pss reading (and every 4 x PSS_INTERVAL regardless)
PSS_INTERVAL = 0.5
KEEP_MARKER = ".bench-batch"
MIB = 1024 * 1024


# ---------------------------------------------------------------- memory of a process tree

def _proc_kib(pid: int, file: str, field: str) -> int:
    """A "<field>: <n> kB" line of /proc/<pid>/<file>, in KiB (0 when absent or the process is gone)."""
    try:
        with open(f"/proc/{pid}/{file}", encoding="ascii", errors="replace") as fh:
            for line in fh:
                if line.startswith(field):
                    return int(line.split()[1])
    except (OSError, ValueError):
        pass
    return 0


def _rss_kib(pid: int) -> int:
    return _proc_kib(pid, "status", "VmRSS:")


def _children(pid: int) -> list[int]:
    out = []
    try:
        tasks = os.listdir(f"/proc/{pid}/task")
    except OSError:
        return out
    for tid in tasks:
        try:
            with open(f"/proc/{pid}/task/{tid}/children", encoding="ascii") as fh:
                out.extend(int(x) for x in fh.read().split())
        except (OSError, ValueError):
            pass
    return out


def _pss_kib(pid: int) -> int:
    """Proportional set size of ``pid`` in KiB (0 when the kernel has no smaps_rollup or the process is gone)."""
    return _proc_kib(pid, "smaps_rollup", "Pss:")


def tree_rss_kib(root: int, *, pss: bool = True) -> tuple[int, int, int]:
    """(sum of VmRSS in KiB, sum of Pss in KiB — 0 without ``pss`` —, number of processes) over ``root`` and its
    live descendants."""
    total, pss_total, count, stack, seen = 0, 0, 0, [root], set()
    while stack:
        pid = stack.pop()
        if pid in seen:
            continue
        seen.add(pid)
        rss = _rss_kib(pid)
        if rss:
            total += rss
            pss_total += _pss_kib(pid) if pss else 0
            count += 1
        stack.extend(_children(pid))
    return total, pss_total, count


class TreeSampler:
    """Samples the summed VmRSS of a process tree in a thread until stopped; keeps the peak."""

    def __init__(self, pid: int, interval: float = SAMPLE_INTERVAL):
        self.pid, self.interval = pid, interval
        self.peak_kib = 0
        self.peak_pss_kib = 0
        self.peak_processes = 0
        self.samples = 0
        self.pss_samples = 0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._loop, daemon=True)

    def __enter__(self) -> TreeSampler:
        self._thread.start()
        return self

    def __exit__(self, *exc) -> None:
        self._stop.set()
        self._thread.join()

    def _loop(self) -> None:
        last_pss, pss_at_rss = -PSS_INTERVAL, 0
        while True:
            now = time.monotonic()
            # Pss only when the tree has grown past the size of the last Pss sample, and at most every PSS_INTERVAL
            want_pss = now - last_pss >= PSS_INTERVAL
            kib, _, processes = tree_rss_kib(self.pid, pss=False)
            if want_pss and (kib > pss_at_rss or now - last_pss >= 4 * PSS_INTERVAL):
                kib, pss, processes = tree_rss_kib(self.pid)
                self.peak_pss_kib = max(self.peak_pss_kib, pss)
                last_pss, pss_at_rss = now, kib
                self.pss_samples += 1
            self.samples += 1
            self.peak_kib = max(self.peak_kib, kib)
            self.peak_processes = max(self.peak_processes, processes)
            if self._stop.wait(self.interval):
                return


# ---------------------------------------------------------------- phases

def naive_read(files: list[Path]) -> dict:
    """Every file read the naive way in this process; seconds and peak VmRSS of this process."""
    import warnings

    import docx
    import pandas as pd

    warnings.filterwarnings("ignore", message="The xlrd engine is deprecated")
    counts = Counter()
    with TreeSampler(os.getpid()) as sampler:
        started = time.perf_counter()
        for path in files:
            suffix = path.suffix.lower()
            if suffix in (".xlsx", ".xls"):
                pd.read_excel(path, sheet_name=None, engine="openpyxl" if suffix == ".xlsx" else "xlrd")
                counts["workbooks"] += 1
            elif suffix == ".docx":
                "\n".join(p.text for p in docx.Document(path).paragraphs)
                counts["documents"] += 1
        seconds = time.perf_counter() - started
    return {"seconds": seconds, "files": len(files), **counts, "peak_rss_mib": sampler.peak_kib / 1024,
            "peak_pss_mib": sampler.peak_pss_kib / 1024,
            "rss_source": "sampled VmRSS of the benchmark process"}


_TOOLKIT_SECONDS = re.compile(r"用时\s*([\d.]+)\s*秒")
_TOOLKIT_FILES = re.compile(r"文件\s*(\d+)\s*个（新读取\s*(\d+)，未变化\s*(\d+)")


def parse_toolkit_output(text: str) -> dict:
    """The toolkit's own figures from its end-of-run summary, when it prints them."""
    out = {}
    if m := _TOOLKIT_SECONDS.search(text):
        out["toolkit_seconds"] = float(m.group(1))
    if m := _TOOLKIT_FILES.search(text):
        out["toolkit_files"], out["toolkit_parsed"], out["toolkit_unchanged"] = map(int, m.groups())
    out["unchanged_inbox"] = "收件箱无变化" in text
    return out


# Runs one command and reports its wall-clock seconds, exit code and resource.getrusage(RUSAGE_CHILDREN).ru_maxrss.
# The benchmark starts this small launcher, which starts the batch: on Linux a child's ru_maxrss starts from
# the resident size of the process it was forked or spawned from, so a batch started straight from this
# process (pandas and python-docx loaded) would report at least this process's peak.
LAUNCHER = """
import json, resource, subprocess, sys, time
log, cmd = sys.argv[1], sys.argv[2:]
with open(log, "wb") as out:
    started = time.perf_counter()
    proc = subprocess.Popen(cmd, stdout=out, stderr=subprocess.STDOUT)
    print(json.dumps({"pid": proc.pid}), flush=True)
    code = proc.wait()
    seconds = time.perf_counter() - started
print(json.dumps({"seconds": seconds, "exit_code": code,
                  "maxrss_kib": resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss}), flush=True)
"""


def run_batch(inbox: Path, outbox: Path, log: Path) -> dict:
    """``python run.py batch`` as a child process (started by LAUNCHER); wall-clock seconds, exit code, peak RSS
    of its process tree."""
    cmd = [sys.executable, str(REPO / "run.py"), "batch", "--inbox", str(inbox), "--outbox", str(outbox),
           "--settle", "0", "--deadline", DEADLINE]
    launcher = subprocess.Popen([sys.executable, "-I", "-c", LAUNCHER, str(log), *cmd], cwd=REPO,
                                stdout=subprocess.PIPE, text=True)
    first = json.loads(launcher.stdout.readline())
    with TreeSampler(first["pid"]) as sampler:
        last = json.loads(launcher.stdout.readline())
    launcher.wait()
    text = log.read_text(encoding="utf-8", errors="replace")
    sampled, maxrss = sampler.peak_kib / 1024, last["maxrss_kib"] / 1024
    return {"seconds": last["seconds"], "exit_code": last["exit_code"], "peak_rss_mib": max(sampled, maxrss),
            "sampled_tree_rss_mib": sampled, "rusage_children_maxrss_mib": maxrss,
            "peak_pss_mib": sampler.peak_pss_kib / 1024,
            "peak_processes": sampler.peak_processes, "rss_samples": sampler.samples,
            "pss_samples": sampler.pss_samples, "command": " ".join(cmd),
            "log": str(log), **parse_toolkit_output(text)}


def last_run_phases(outbox: Path) -> dict:
    """Seconds of the last run's steps (discover, extract, assemble, render) from outbox/logs/runs.jsonl, where
    every run records them (none for a run that found nothing changed)."""
    log = outbox / "logs" / "runs.jsonl"
    if not log.exists():
        return {}
    lines = log.read_text(encoding="utf-8").splitlines()
    return json.loads(lines[-1]).get("phases", {}) if lines else {}


def summary_facts(summary_path: Path) -> dict:
    """Counts from a run's summary.json: applications, files, statuses, issue codes."""
    try:
        summary = json.loads(summary_path.read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        return {"summary_error": str(exc)}
    apps = summary.get("applications", [])
    return {"applications": len(apps), "files_listed": len(summary.get("files", [])),
            "statuses": dict(Counter(a.get("status") for a in apps)),
            "issue_codes": dict(Counter(i.get("code") for a in apps for i in a.get("issues", [])))}


def _ratio(a: float | None, b: float | None) -> float | None:
    return a / b if a and b else None


def _git_commit() -> str:
    try:
        return subprocess.run(["git", "rev-parse", "HEAD"], check=False, cwd=REPO, capture_output=True, text=True,
                              timeout=10).stdout.strip() or "unknown (not a git checkout)"
    except (OSError, subprocess.SubprocessError):
        return "unknown (git not available)"


def _git_dirty() -> bool | None:
    """Whether toolkit/ or run.py differ from the commit (None when unknown)."""
    try:
        done = subprocess.run(["git", "status", "--porcelain", "--", "toolkit", "run.py"], check=False, cwd=REPO,
                              capture_output=True, text=True, timeout=10)
    except (OSError, subprocess.SubprocessError):
        return None
    return bool(done.stdout.strip()) if done.returncode == 0 else None


# ---------------------------------------------------------------- the run

def prepare_base(keep: str | None) -> Path:
    """The working folder: --keep DIR (empty, or a previous benchmark's, which is cleared) or a temporary one."""
    if not keep:
        return Path(tempfile.mkdtemp(prefix="zlbg-bench-"))
    base = Path(keep)
    if base.exists() and any(base.iterdir()):
        if not (base / KEEP_MARKER).exists():
            sys.exit(f"{base} is not empty and was not made by this benchmark; choose another --keep folder")
        for child in base.iterdir():
            shutil.rmtree(child) if child.is_dir() and not child.is_symlink() else child.unlink()
    base.mkdir(parents=True, exist_ok=True)
    (base / KEEP_MARKER).write_text("bench_batch working folder; safe to delete\n", encoding="utf-8")
    return base


def copy_with_new_bytes(source: Path, target: Path, variant: int) -> None:
    """Copy ``source`` to ``target`` (a new modification time, as a file sent again has); for ``variant`` > 0 a
    zip package (.docx/.xlsx) gets a zip comment naming the variant: the same document, other bytes."""
    shutil.copyfile(source, target)
    if variant and zipfile.is_zipfile(target):
        with zipfile.ZipFile(target, "a") as package:
            package.comment = f"bench_batch variant {variant}".encode("ascii")


def _repeated(runs: list[dict]) -> dict:
    """One phase from its repetitions: the median run's figures (by seconds), its fastest and slowest seconds,
    the highest peak memory, and every run."""
    median = sorted(runs, key=lambda r: r["seconds"])[(len(runs) - 1) // 2]
    highest = {key: max(r[key] for r in runs) for key in ("peak_rss_mib", "peak_pss_mib", "sampled_tree_rss_mib",
                                                          "rusage_children_maxrss_mib")}
    return {**median, "seconds_min": min(r["seconds"] for r in runs), "seconds_max": max(r["seconds"] for r in runs),
            **highest, "runs": runs}


def _spin(loops: int) -> float:
    """Seconds this process takes for ``loops`` turns of a pure-Python loop (CPU only: no memory, no I/O)."""
    started, total = time.perf_counter(), 0
    for i in range(loops):
        total += i * i
    return time.perf_counter() - started


def _spin_together(start, times, loops: int) -> None:
    """One of the processes of parallel_work: waits for the others, then spins and reports its time."""
    start.wait()
    times.put(_spin(loops))


def parallel_work(processes: int, loops: int = 10_000_000) -> dict:
    """How much work ``processes`` processes do together against one alone, on this machine: the same CPU-bound
    loop timed alone, then in ``processes`` processes released together (a barrier: none runs alone while the
    others start). ``speedup`` is processes × alone / the slowest together (2.0 for two idle cores; less when
    another program is busy or a virtual machine's cores share a physical one: then every phase's figures are of
    a slower machine). Measured with as many processes as the toolkit starts readers (workers.default_workers):
    its cold run's gain over the naive loop (one process) is bounded by this."""
    import multiprocessing

    alone = min(_spin(loops) for _ in range(2))
    ctx = multiprocessing.get_context("spawn")
    start, times = ctx.Barrier(processes), ctx.Queue()
    workers = [ctx.Process(target=_spin_together, args=(start, times, loops)) for _ in range(processes)]
    for w in workers:
        w.start()
    together = sorted(times.get() for _ in workers)
    for w in workers:
        w.join()
    return {"processes": processes, "alone_seconds": alone, "together_seconds": together,
            "speedup": processes * alone / max(together)}


def run_benchmark(n: int, workers: int, base: Path, cache_dir: Path, repeat: int = 3) -> dict:
    inbox, outbox, staging = base / "inbox", base / "outbox", base / "staging"
    summaries, logs = base / "summaries", base / "logs"
    summaries.mkdir()
    logs.mkdir()
    started = time.perf_counter()
    load_at_start = os.getloadavg()
    print(f"machine: {os.cpu_count()} cores, Python {platform.python_version()}, N={n} applications; "
          f"generating {2 * n} files with {workers} processes ...", flush=True)
    gen = generate_inbox(inbox, staging, n, workers=workers, cache_dir=cache_dir, extras=repeat)
    print(f"generated: {gen.files} files, {gen.bytes / MIB:.1f} MiB in {gen.seconds:.1f} s "
          f"(.xls templates {gen.xls_templates_seconds:.1f} s, {gen.xls_note})", flush=True)
    files = sorted(p for p in inbox.rglob("*") if p.is_file())
    from toolkit.workers import default_workers

    parallel = parallel_work(default_workers())
    print(f"parallel work: {parallel['processes']} processes together do {parallel['speedup']:.2f} times the work "
          "of one", flush=True)
    phases: dict = {}

    print("naive ...", flush=True)
    phases["naive"] = naive_read(files)

    def batch(name: str, run: int = 0) -> dict:
        print(f"{PHASE_LABELS[name]}{f' ({run + 1}/{repeat})' if name in REPEATED else ''} ...", flush=True)
        figures = run_batch(inbox, outbox, logs / f"{name}{f'-{run + 1}' if run else ''}.log")
        figures["toolkit_phases"] = last_run_phases(outbox)
        latest = outbox / "latest" / "summary.json"
        if latest.exists():
            shutil.copyfile(latest, summaries / f"{name}.json")  # (the last repetition's)
        figures.update(summary_facts(summaries / f"{name}.json"))
        phases[name] = figures
        return figures

    batch("cold")
    batch("warm")
    changed_path = inbox / gen.changed.folder / gen.changed.summary_name
    runs = []
    for run in range(repeat):
        copy_with_new_bytes(gen.replacement_summary, changed_path, run)
        runs.append(batch("changed", run))
    phases["changed"] = _repeated(runs)
    runs = []
    for run, files in enumerate(gen.extras_files):
        for source in files:
            target = inbox / source.relative_to(staging / "added" / str(run))
            target.parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(source, target)  # (its receipt time as the generator gave it)
        runs.append(batch("added", run))
    phases["added"] = _repeated(runs)

    ratios = {"naive/cold": _ratio(phases["naive"]["seconds"], phases["cold"]["seconds"]),
              "cold/warm": _ratio(phases["cold"]["seconds"], phases["warm"]["seconds"])}
    return {
        "applications": n, "cores": os.cpu_count(), "parallel_work": parallel, "generator_workers": workers,
        "toolkit_reader_workers": "chosen by the toolkit (one per core, at most 4 at the time of writing)",
        "python": platform.python_version(), "platform": platform.platform(),
        "git_commit": _git_commit(), "toolkit_uncommitted_changes": _git_dirty(),
        "started_at": dt.datetime.now().astimezone().isoformat(timespec="seconds"),
        "load_average_at_start": load_at_start, "load_average_at_end": os.getloadavg(),
        "generation": {"seconds": gen.seconds, "xls_templates_seconds": gen.xls_templates_seconds,
                       "xls": gen.xls_note, "files": gen.files, "mib": gen.bytes / MIB,
                       "form_layouts": gen.form_layouts, "summary_styles": gen.summary_styles},
        "phases": phases, "ratios": ratios, "repeat": repeat,
        "changed": {**describe(gen.changed), "replaced_file": changed_path.relative_to(inbox).as_posix()},
        "added": [{**d, "files": [d["form"], d["summary"]]} for d in map(describe, gen.extras)],
        "paths": {"base": str(base), "inbox": str(inbox), "outbox": str(outbox), "summaries": str(summaries),
                  "logs": str(logs)},
        "total_seconds": time.perf_counter() - started,
    }


def format_table(result: dict) -> str:
    phases, ratios = result["phases"], result["ratios"]
    gen = result["generation"]
    lines = [f"cores {result['cores']}, N = {result['applications']} applications "
             f"({gen['files']} files, {gen['mib']:.1f} MiB), toolkit commit {result['git_commit']}"
             + (" + uncommitted changes" if result["toolkit_uncommitted_changes"] else ""),
             f"parallel work: {result['parallel_work']['processes']} processes together do "
             f"{result['parallel_work']['speedup']:.2f} times the work of one (a CPU-bound loop: "
             f"{result['parallel_work']['alone_seconds']:.2f} s alone, "
             + "/".join(f"{t:.2f}" for t in result["parallel_work"]["together_seconds"]) + " s together)",
             "load average (1, 5, 15 min) at start " + " ".join(f"{x:.2f}" for x in result["load_average_at_start"])
             + ", at end " + " ".join(f"{x:.2f}" for x in result["load_average_at_end"]),
             f"generation (not a phase): {gen['seconds']:.1f} s; form layouts {gen['form_layouts']}",
             "",
             f"{'phase':<12} {'seconds':>9} {'peak RSS MiB':>13} {'peak PSS MiB':>13} {'toolkit s':>10} {'read':>6}  ratio",
             f"{'-' * 12} {'-' * 9} {'-' * 13} {'-' * 13} {'-' * 10} {'-' * 6}  {'-' * 18}"]
    ratio_of = {"naive": f"naive/cold {ratios['naive/cold']:.2f}" if ratios["naive/cold"] else "",
                "warm": f"cold/warm {ratios['cold/warm']:.2f}" if ratios["cold/warm"] else ""}
    for name in REPEATED:
        p = phases.get(name, {})
        if "runs" in p:
            read = "/".join(str(r.get("toolkit_parsed", "-")) for r in p["runs"])
            ratio_of[name] = (f"median of {len(p['runs'])} (fastest {p['seconds_min']:.2f}, slowest "
                              f"{p['seconds_max']:.2f}); read {read}")
    for name in PHASES:
        p = phases.get(name, {})
        toolkit_s = f"{p['toolkit_seconds']:.1f}" if "toolkit_seconds" in p else "-"
        read = str(p["toolkit_parsed"]) if "toolkit_parsed" in p else ("-" if name != "naive" else str(p["files"]))
        seconds, rss = p.get("seconds", float("nan")), p.get("peak_rss_mib", float("nan"))
        pss = p.get("peak_pss_mib", float("nan"))
        lines.append(f"{PHASE_LABELS[name]:<12} {seconds:>9.2f} {rss:>13.0f} {pss:>13.0f} {toolkit_s:>10} {read:>6}  "
                     f"{ratio_of.get(name, '')}")
    lines += ["", ("the toolkit's steps (seconds, from outbox/logs/runs.jsonl; the rest is starting Python, "
                   "importing, the lock and the state, leaving):"),
              f"{'phase':<12} " + " ".join(f"{step:>9}" for step in (*STEPS, "rest"))]
    for name in PHASES[1:]:
        p = phases.get(name, {})
        steps = p.get("toolkit_phases") or {}
        if "seconds" in p:
            rest = p["seconds"] - sum(steps.values())
            cells = (f"{steps[step]:>9.2f}" if step in steps else f"{'-':>9}" for step in STEPS)
            lines.append(f"{PHASE_LABELS[name]:<12} " + " ".join(cells) + f" {rest:>9.2f}")
    for name in PHASES[1:]:
        p = phases.get(name, {})
        if p.get("exit_code"):
            lines.append(f"!! {PHASE_LABELS[name]} exited with {p['exit_code']}: see {p['log']}")
        lines.append(f"{PHASE_LABELS[name]:<12} applications {p.get('applications')}, statuses {p.get('statuses')}")
    lines.append(f"total {result['total_seconds']:.1f} s (generation included)")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--applications", type=int, required=True, metavar="N", help="application pairs to generate")
    ap.add_argument("--workers", type=int, default=os.cpu_count() or 2, metavar="W",
                    help="generator processes (the toolkit chooses its own reader count); default: cores")
    ap.add_argument("--json", metavar="OUT", help="where to write the figures (default benchmarks/results-N.json)")
    ap.add_argument("--keep", metavar="DIR", help="work in DIR and keep inbox, outbox, logs and summaries there")
    ap.add_argument("--repeat", type=int, default=3, metavar="K",
                    help="times the 'one changed' and 'one added' phases are run (the median is shown); default 3")
    ap.add_argument("--cache-dir", metavar="DIR", default=str(Path.home() / ".cache" / "zlbg-bench"),
                    help="where LibreOffice-converted .xls templates are kept between runs")
    args = ap.parse_args(argv)
    if args.applications < 1:
        ap.error("--applications must be at least 1")
    if args.repeat < 1:
        ap.error("--repeat must be at least 1")
    base = prepare_base(args.keep)
    try:
        result = run_benchmark(args.applications, max(1, args.workers), base, Path(args.cache_dir), args.repeat)
    finally:
        if not args.keep:
            shutil.rmtree(base, ignore_errors=True)
    out = Path(args.json) if args.json else REPO / "benchmarks" / f"results-{args.applications}.json"
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps(result, ensure_ascii=False, indent=2), encoding="utf-8")
    print()
    print(format_table(result))
    print(f"figures written to {out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
