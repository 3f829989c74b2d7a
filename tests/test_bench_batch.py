"""benchmarks/bench_batch.py at N=6, as a real subprocess: correctness of what it generates and runs, never time.

Keys left out when two summary.json files are compared:

- ``generated_at`` (top level): when the run happened; the only run-identity key summary.json has (no host or
  user; those are in outbox/logs/runs.jsonl).
- ``first_seen`` (files) and ``received_at`` (applications): when the toolkit first saw a file version. The
  incremental run saw the replaced 总结材料 when it ran; a fresh state folder takes an existing file's
  modification time (the moment it was copied in), a second or so earlier.
- ``versions`` (applications): how many versions of the application's files the journal has seen. The
  incremental run's journal holds the original 总结材料 and its replacement (2); a fresh state folder has seen
  only the replacement (1).

The benchmark replaces the 总结材料 of an application in a unit ranked by file-name prefixes, so its later
receipt time cannot move its rank; nothing else is excluded.
"""
from __future__ import annotations

import json
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import ROOT, run_cli, soffice

N = 6
PHASES = ("naive", "cold", "warm", "changed", "added")
RUN_IDENTITY_KEYS = {"generated_at"}
RECEIPT_TIME_KEYS = {"first_seen", "received_at"}
HISTORY_KEYS = {"versions"}


def _without(value, keys: set):
    if isinstance(value, dict):
        return {k: _without(v, keys) for k, v in value.items() if k not in keys}
    if isinstance(value, list):
        return [_without(v, keys) for v in value]
    return value


def _batch(inbox: Path, outbox: Path) -> dict:
    done = run_cli("batch", "--inbox", inbox, "--outbox", outbox, "--settle", "0", "--deadline", "2099-12-31",
                   timeout=300)
    assert done.returncode == 0, done.stdout + done.stderr
    return json.loads((outbox / "latest" / "summary.json").read_text(encoding="utf-8"))


@pytest.fixture(scope="module")
def bench(tmp_path_factory):
    base = tmp_path_factory.mktemp("bench-batch")
    keep, results = base / "keep", base / "results.json"
    done = subprocess.run([sys.executable, str(ROOT / "benchmarks" / "bench_batch.py"), "--applications", str(N),
                           "--workers", "1", "--keep", str(keep), "--json", str(results),
                           "--cache-dir", str(base / "xls-cache")],
                          check=False, cwd=ROOT, capture_output=True, text=True, timeout=600)
    return {"done": done, "keep": keep, "results": results, "base": base}


def _summary(bench, phase: str) -> dict:
    return json.loads((bench["keep"] / "summaries" / f"{phase}.json").read_text(encoding="utf-8"))


def _result(bench) -> dict:
    return json.loads(bench["results"].read_text(encoding="utf-8"))


def test_script_exits_zero_and_reports_every_phase(bench):
    done = bench["done"]
    assert done.returncode == 0, done.stdout + done.stderr
    result = _result(bench)
    assert result["applications"] == N
    assert set(result["phases"]) == set(PHASES)
    for name in PHASES:
        phase = result["phases"][name]
        assert isinstance(phase["seconds"], float) and phase["seconds"] >= 0
        assert phase["peak_rss_mib"] > 0
    for name in PHASES[1:]:
        assert result["phases"][name]["exit_code"] == 0
        # Pss read from the first sample on, far less often than RSS (each reading costs the kernel a page walk)
        phase = result["phases"][name]
        assert phase["pss_samples"] >= 1 and phase["peak_pss_mib"] > 0
        assert phase["pss_samples"] <= phase["rss_samples"]
    # 'one changed' and 'one added' timed three times, each time a file (a pair) never read before
    assert result["repeat"] == 3
    for name, read in (("changed", [1, 1, 1]), ("added", [2, 2, 2])):
        phase = result["phases"][name]
        assert [r["toolkit_parsed"] for r in phase["runs"]] == read and all(r["exit_code"] == 0 for r in phase["runs"])
        seconds = sorted(r["seconds"] for r in phase["runs"])
        assert (phase["seconds_min"], phase["seconds"], phase["seconds_max"]) == tuple(seconds)
        assert phase["peak_rss_mib"] == max(r["peak_rss_mib"] for r in phase["runs"])
        assert f"median of 3 (fastest {seconds[0]:.2f}, slowest {seconds[2]:.2f})" in done.stdout
    assert result["phases"]["naive"]["files"] == 2 * N
    parallel = result["parallel_work"]  # what the toolkit's readers can do together here, printed with the table
    from toolkit.workers import default_workers
    assert parallel["processes"] == default_workers() and len(parallel["together_seconds"]) == parallel["processes"]
    assert all(t > 0 for t in parallel["together_seconds"]) and parallel["alone_seconds"] > 0
    assert f"processes together do {parallel['speedup']:.2f} times the work of one" in done.stdout
    assert set(result["ratios"]) == {"naive/cold", "cold/warm"}
    # where each run's time went, step by step, from the line the run left in runs.jsonl; an unchanged run has none
    steps = {"discover", "extract", "assemble", "render"}
    for name in ("cold", "changed", "added"):
        phase = result["phases"][name]
        assert set(phase["toolkit_phases"]) == steps, name
        assert 0 < sum(phase["toolkit_phases"].values()) < phase["seconds"]
    assert result["phases"]["warm"]["toolkit_phases"] == {}
    cold = result["phases"]["cold"]
    rest = cold["seconds"] - sum(cold["toolkit_phases"].values())
    row = re.search(r"\ncold((?: +[\d.]+){5})\n", done.stdout.split("the toolkit's steps")[1])
    assert row and [float(x) for x in row.group(1).split()] == pytest.approx(
        [*(cold["toolkit_phases"][step] for step in ("discover", "extract", "assemble", "render")), rest], abs=0.006)
    for label in ("naive", "cold", "warm", "one changed", "one added"):
        assert f"\n{label} " in done.stdout


def test_generated_inbox_reads_as_valid_applications_in_every_layout(bench):
    result = _result(bench)
    layouts = set(result["generation"]["form_layouts"])
    assert {"template", "retyped", "vertical"} <= layouts
    if soffice():
        assert {"xls-retyped", "xls-vertical"} <= layouts, result["generation"]["xls"]
    assert len(result["generation"]["summary_styles"]) == 6
    cold = _summary(bench, "cold")
    assert len(cold["applications"]) == N
    assert len(cold["files"]) == 2 * N
    assert len({a["enterprise"] for a in cold["applications"]}) == N
    assert len({a["unit"] for a in cold["applications"]}) == N  # the first applications go to different units
    for app in cold["applications"]:
        errors = [i for i in app["issues"] if i["severity"] == "error"]
        assert not errors, (app["enterprise"], errors)
        assert app["status"] == "通过"
        assert all(v > 0 for v in app["fields"]["利润总额"].values())
        chars = {key: section["chars"] for key, section in app["sections"].items()}
        assert 6000 < chars["管理方法（技术）的推进和应用情况"] <= 8000
        assert sum(chars.values()) > 9000


def test_warm_summary_equals_cold_apart_from_run_identity(bench):
    cold, warm = _summary(bench, "cold"), _summary(bench, "warm")
    assert _without(warm, RUN_IDENTITY_KEYS) == _without(cold, RUN_IDENTITY_KEYS)


def test_each_one_added_run_adds_one_new_application(bench):
    result = _result(bench)
    added = _summary(bench, "added")  # (the last repetition's)
    assert len(added["applications"]) == N + 3 and len(result["added"]) == 3
    assert {a["enterprise"] for a in added["applications"]} >= {pair["enterprise"] for pair in result["added"]}
    assert {f["file"] for f in added["files"]} >= {rel for pair in result["added"] for rel in pair["files"]}
    assert len({pair["enterprise"] for pair in result["added"]}) == 3


def test_one_changed_run_equals_a_fresh_cold_run_over_the_same_inbox(bench, tmp_path):
    result = _result(bench)
    replaced = result["changed"]["replaced_file"]
    cold, changed = _summary(bench, "cold"), _summary(bench, "changed")
    sha = {phase: {f["file"]: f["sha256"] for f in s["files"]}[replaced] for phase, s in (("cold", cold),
                                                                                            ("changed", changed))}
    assert sha["cold"] != sha["changed"]  # the phase replaced the file with a different one
    inbox = tmp_path / "inbox"
    shutil.copytree(bench["keep"] / "inbox", inbox)  # modification times kept
    for rel in (rel for pair in result["added"] for rel in pair["files"]):  # the inbox as 'one changed' saw it
        (inbox / rel).unlink()
    fresh = _batch(inbox, tmp_path / "outbox")
    excluded = RUN_IDENTITY_KEYS | RECEIPT_TIME_KEYS | HISTORY_KEYS
    assert _without(changed, excluded) == _without(fresh, excluded)
