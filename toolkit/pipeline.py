"""One run: discover -> extract (cached) -> assemble -> publish. batch, watch and demo all call ``run``."""
from __future__ import annotations

import contextlib
import datetime as dt
import gc
import hashlib
import itertools
import json
import logging
import os
import shutil
import time
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Callable

from . import __version__
from . import assemble as assembly
from .assemble import assemble
from .cache import (
    ExtractCache,
    UnitRecords,
    campaign_fingerprint,
    toolkit_digest,
    unit_key,
)
from .campaign import CHINA_TZ, Campaign
from .clock import human_time, now_iso
from .discover import discover, recent, refusal, scan_inbox
from .errors import ConfigError, missing_inbox, os_reason
from .extract.sniff import IMAGE, PDF, sniff
from .extract.version import EXTRACTOR_VERSION
from .journal import Journal, RunLock, write_json_atomic
from .keys import BENCHMARK, CHECKED_SECTION_TEXTS, ENTERPRISE
from .messages import file_problem
from .model import (
    APPLICATION_DOC,
    FORM,
    RANKING,
    Application,
    Assembled,
    Extracted,
    FileVersion,
    Report,
)
from .model import SUMMARY as SUMMARY_KIND
from .normalize import normalize_filename
from .publish import LATEST, SUMMARY, missing_from_latest, output_entries, publish
from .render import RenderContext, render_all, unit_keys
from .render import preload as preload_renderers
from .rules.deadline import late_edit_warning
from .rules.pairing import compared_fields
from .rules.ranking import sheet_issues as ranking_sheet_issues
from .templates import (
    check_opinion_template,
    default_templates_folder,
    opinion_template,
)
from .units import resolve_unit
from .validate import validate
from .workers import DEFAULT_LIMITS, Limits, ReaderPool, default_workers

log = logging.getLogger(__name__)

STATE_DIR = ".state"
_PHASE_NAMES = {"discover": "查找文件", "extract": "读取文件", "assemble": "审核汇总", "render": "生成输出"}


@dataclass
class RunReport:
    """What a run did. ``summary`` is summary.json's content, read from latest/ on first use (a run keeps no copy:
    nothing of the toolkit reads it back); ``brief`` the headline figures the console shows and the audit log
    records (``run_brief``; an unchanged run has the last run's)."""

    run_folder: Path | None
    latest: Path
    summary_data: dict | None = field(default=None, repr=False)  # use ``summary``
    files: int = 0
    parsed: int = 0
    cached: int = 0
    seconds: float = 0.0
    unchanged: bool = False
    timings: dict = field(default_factory=dict)  # phase -> seconds
    notices: list = field(default_factory=list)  # what the run noticed about its own state (Chinese)
    result: Assembled | None = field(default=None, repr=False)
    brief: dict = field(default_factory=dict)  # counts by status, units, stamps, issues (see run_brief)

    @property
    def summary(self) -> dict:
        if self.summary_data is None:
            self.summary_data = json.loads((self.latest / SUMMARY).read_text(encoding="utf-8"))
        return self.summary_data


def _changed_since_listed(fv: FileVersion) -> bool:
    """Whether the file at ``fv.abspath`` is no longer the one discovery listed and hashed — another size or
    modification time, or gone: replaced (a copy, a save) while the run read it, so what was read may be the new
    bytes under the old version's hash. A file that cannot be looked at now (a folder without permission) is taken
    as unchanged: its reader said what it could; so is one discovery could not hash (no size or time kept)."""
    if not fv.sha256:
        return False
    try:
        st = os.stat(fv.abspath)
    except FileNotFoundError:
        return True
    except OSError:
        return False
    return st.st_size != fv.size or st.st_mtime != fv.mtime


def state_dir(outbox: Path) -> Path:
    return outbox / STATE_DIR


def missing_outputs(outbox: Path, state: Path | None = None, *, last: dict | None = None) -> list[str]:
    """What outbox/latest/ lacks of the outputs the last published run wrote (every folder and file of its run
    folder, kept in last_run.json: publish.output_entries; summary.json alone when none are kept), as
    publish.missing_from_latest gives them: ['latest'], ['latest/省级汇总表.xlsx', 'latest/回执/x-回执.xlsx'] … —
    empty when latest/ is complete. The one check by which a run over an unchanged inbox publishes again (a clerk
    deleted latest/, a folder or a single file of it) and a watcher's periodic rescan starts one. ``last``:
    last_run.json as already read, else read from ``state`` (default outbox/.state). Never walks latest/: a stat
    an output (a few hundred at 10,000 applications), cheap beside a listing of 20,000 files."""
    last = _read_last(Path(state) if state else state_dir(Path(outbox))) if last is None else last
    return missing_from_latest(Path(outbox), last.get("outputs") or [SUMMARY])


def _republished(missing: list[str]) -> str:
    """What the end of a run says when it published everything again because latest/ lacked ``missing``
    (missing_outputs: 'latest', 'latest/回执/x-回执.xlsx' …), in the clerk's words: the first three named."""
    if missing == [LATEST]:
        return "输出文件夹中的最新结果（latest）不在了（可能被误删或移走），本次已重新生成全部输出。"
    names = "、".join(f"“{name.removeprefix(LATEST + '/')}”" for name in missing[:3])
    more = f"等 {len(missing)} 项" if len(missing) > 3 else ""
    return f"最新结果（latest）中缺少{names}{more}（可能被误删），本次已重新生成全部输出。"


def _inbox_in_a_unit(inbox: Path, scanned, campaign: Campaign) -> list[str]:
    """What the end of a run says when the inbox given is itself a unit's folder ('--inbox 共享盘/inbox/沧州'): every
    file in it lies at the inbox's top (``scanned``: scan_inbox's (path, …) entries), no unit's, and each
    application is told only that its file is not in a unit's folder — this names the folder to give instead (the
    newcomer's try). [] otherwise."""
    if not any("/" not in entry[0] for entry in scanned):
        return []
    where = Path(os.path.abspath(inbox))
    unit = resolve_unit(where.name, campaign)
    if unit is None:
        return []
    return [(f"收件箱“{inbox}”像是推荐单位“{unit.name}”的文件夹，直接放在其中的文件都归不到推荐单位："
             f"--inbox 应写它的上一级文件夹（各推荐单位文件夹所在的文件夹），即“{where.parent}”。")]


def read_file(path: str, rel: str, campaign: Campaign, limits: Limits = DEFAULT_LIMITS) -> Extracted:
    """What one submitted file holds (runs in a reader worker). ``path`` is where to read it, ``rel`` the
    inbox-relative name used in messages; ``limits`` gives the sizes above which a file is only sniffed
    from its head or refused. Never raises for a bad file.

    A 总结材料's sections come with their headings, 字数, images and tables, and with the texts the checks read
    only (keys.CHECKED_SECTION_TEXTS): the rest, most of a file's result, is neither sent back by the worker, nor
    cached, nor held by the run."""
    ex = _read_file(path, rel, campaign, limits)
    if ex.summary is not None:
        summary = ex.summary.without_texts(keep=CHECKED_SECTION_TEXTS)
        if summary is not ex.summary:
            ex = replace(ex, summary=summary)
    return ex


def _read_file(path: str, rel: str, campaign: Campaign, limits: Limits) -> Extracted:
    # (the readers: imported by the workers' fork server; a run's own process reads only when no worker starts)
    from .extract.registry import extract

    name = normalize_filename(Path(rel).name)  # what kind of file its name says, read as typed variants
    why = refusal(path)  # a pipe would be waited on forever, a device read without end, a broken link said so
    if why:
        return refused_file(rel, why)
    try:
        size = Path(path).stat().st_size
        if size > limits.head_only_above:  # scans and photos of 证实性材料 can be huge: no need to load them
            with open(path, "rb") as fh:
                head = fh.read(8192)
            if sniff(head, name).type in (PDF, IMAGE):
                return extract(head, name, campaign, file=rel)
            if size > limits.max_document:
                return file_problem("file.unsupported", rel,
                                    reason=f"文件太大（{size // (1024 * 1024)} MB），无法作为申请表或总结材料读取。"
                                           "请压缩其中的图片（Word：文件→压缩图片）后重新提交。")
        data = Path(path).read_bytes()
    except OSError as exc:
        return unreadable_file(rel, exc)
    return extract(data, name, campaign, file=rel)


def refused_file(rel: str, reason: str) -> Extracted:
    """What an inbox entry that is not opened yields (discover.Scan.refused: a link out of the inbox, to nothing or
    to itself, a pipe or a device): file.unreadable with ``reason`` (in Chinese) and how to submit the file itself."""
    return file_problem("file.unreadable", rel, reason=reason,
                        fix="请把申请表或总结材料文件本身（不是链接或快捷方式）复制到本单位文件夹，删除这一项后重新汇总。")


def unreadable_file(rel: str, exc: OSError) -> Extracted:
    """What a file the operating system would not let us read yields: file.unreadable with the reason in Chinese
    (errors.os_reason) and, the file itself being likely sound, how to let it be read — not 'open it and save it
    again'."""
    return file_problem("file.unreadable", rel, reason=f"无法读取文件（{os_reason(exc)}）",
                        fix="文件本身可能没有问题：请关闭正在打开它的程序（如 Excel、WPS、Word），或请管理员检查共享文件夹的"
                            "访问权限，然后重新汇总。")


_KEPT_POOLS: dict = {}  # reader pools kept between the runs of one long-lived process (watch)
_PRIMED: set = set()  # state folders whose results this process has decoded and decided (watch)


@contextlib.contextmanager
def _readers(campaign: Campaign, workers: int | None, limits: Limits | None, reader: Callable, *, files: int,
             keep_workers: bool = False):
    """The reader pool for ``files`` files to read, prepared (ReaderPool.prepare: the fork server starts and
    imports the readers while the caller goes on — a run decodes its cached results meanwhile). With
    ``keep_workers`` (watch) the pool this process keeps, and keeps up for its next run; otherwise a pool of at
    most one worker per file, closed on leaving."""
    pool = (_kept_pool(campaign, workers, limits, reader) if keep_workers
            else ReaderPool(campaign, reader, workers=min(workers or default_workers(), max(1, files)), limits=limits))
    with contextlib.nullcontext(pool) if keep_workers else pool:
        if files:
            pool.prepare()
        yield pool


def _extract_all(jobs: list[tuple[str, str]], campaign: Campaign, workers: int | None,
                 limits: Limits | None = None, reader: Callable = read_file, *, keep_workers: bool = False):
    """Yield (rel, Extracted) for every (abspath, rel) job, each file read in a limited worker process."""
    with _readers(campaign, workers, limits, reader, files=len(jobs), keep_workers=keep_workers) as pool:
        yield from pool.map(jobs)


def _kept_pool(campaign: Campaign, workers: int | None, limits: Limits | None, reader: Callable) -> ReaderPool:
    """The reader pool this process keeps for runs with these settings (watch), made on first use."""
    key = (reader, repr(limits), hashlib.sha256(repr(campaign).encode("utf-8")).hexdigest(), workers)
    pool = _KEPT_POOLS.get(key)
    if pool is None:
        pool = _KEPT_POOLS[key] = ReaderPool(campaign, reader, workers=workers or default_workers(), limits=limits)
    return pool


def _keep_on_time_versions(files: list, extracted: dict, journal: Journal, cache: ExtractCache,
                           campaign: Campaign) -> list:
    """A file overwritten after the deadline (even just re-saved by Excel) counts as the version received
    on time, when that version was read before (its extraction is cached); the late edit gets a warning."""
    out = []
    for fv in files:
        if dt.datetime.fromisoformat(fv.first_seen) <= campaign.deadline:
            out.append(fv)
            continue
        on_time = [v for v in journal.versions(fv.path)
                   if dt.datetime.fromisoformat(v["first_seen"]) <= campaign.deadline]
        earlier = cache.get(on_time[-1]["sha256"], fv.path) if on_time else None
        if earlier is None:
            out.append(fv)
            continue
        v = on_time[-1]
        note = late_edit_warning(fv, campaign, standing=f"仍按截止前（{human_time(v['first_seen'])}）收到的版本处理")
        extracted[fv.path] = replace(earlier, issues=(*earlier.issues, note))
        out.append(replace(fv, sha256=v["sha256"], size=v["size"], first_seen=v["first_seen"]))
    return out


YOUNG = 2.0  # seconds: a file modified more recently may still be being copied, whatever --settle says


def _settings_key(campaign: Campaign, template_digest: str) -> str:
    """A digest of what a run's result depends on besides the inbox: the opinion template (one edited in Word
    re-renders the opinions), every campaign setting (limits, regions, titles, deadline, units), the toolkit's
    version and its code (toolkit_digest: code replaced without a new version number makes its outputs again over
    an unchanged inbox), the extractor's version. Part of both the listing digest and the fingerprint."""
    text = f"{template_digest}\0{campaign!r}\0{__version__}\0{toolkit_digest()}\0{EXTRACTOR_VERSION}"
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def _listing_key(scanned: list, settings: str, settle: float) -> str:
    """A digest of the inbox as listed — every file's inbox path, size, modification time (ns) and file id — and
    of the run's ``settings`` (_settings_key); '' when a file could not be stat'ed or was modified less than
    ``settle`` (at least YOUNG) seconds ago, so such a listing never stands for an unchanged inbox."""
    now = time.time()
    h = hashlib.sha256(f"{settings}\n".encode())
    for rel, _abspath, st in scanned:
        if st is None or recent(now - st.st_mtime, max(settle, YOUNG)):
            return ""
        h.update(f"{rel}\0{st.st_size}\0{st.st_mtime_ns}\0{st.st_ino}\n".encode("utf-8", "surrogateescape"))
    return h.hexdigest()


def _unit_inputs(files: list, removed: list, campaign: Campaign, settings: str) -> dict[str, tuple[str, set]]:
    """Unit -> (the key its decision is kept under, the paths of its files and removed files), for every unit of
    the campaign none of whose files came after the deadline (a late edit may stand for its on-time version: such
    a unit is always decided again). The key (cache.unit_key) is of the code, ``settings``, its file versions and
    the ``removed`` files, those whose results assembly reads."""
    by_unit: dict[str, list] = {}
    gone: dict[str, list] = {}
    late = set()
    for fv in files:
        by_unit.setdefault(fv.unit, []).append(fv)
        if dt.datetime.fromisoformat(fv.first_seen) > campaign.deadline:
            late.add(fv.unit)
    for fv in removed:
        gone.setdefault(fv.unit, []).append(fv)
    out = {}
    for unit in campaign.units:
        if unit.name not in late:
            own, away = by_unit.get(unit.name, []), gone.get(unit.name, [])
            out[unit.name] = (unit_key(unit.name, own, away, settings), {fv.path for fv in (*own, *away)})
    return out


class _EarlyAnswers:
    """A reader pool's answers (ReaderPool.map's iterator) taken by a thread while this process decodes the units'
    kept decisions (the thread waits on the workers' pipes, holding no lock): ``stop()`` ends the thread after the
    answer it waits for, and returns the answers it took; the rest are ``answers``' (the same iterator). At
    10,000 applications the workers start and read a changed file in the time the decisions take to decode."""

    def __init__(self, answers):
        import threading

        self.answers = answers
        self._taken: list = []
        self._error: BaseException | None = None
        self._stopping = threading.Event()
        self._thread = threading.Thread(target=self._take, name="early reading", daemon=True)
        self._thread.start()

    def _take(self) -> None:
        try:
            for answer in self.answers:
                self._taken.append(answer)
                if self._stopping.is_set():
                    return
        except BaseException as exc:  # noqa: BLE001 - raised again in the caller's thread by stop()
            self._error = exc

    def stop(self) -> list:
        """The answers taken (the thread ended); raises what the pool raised while it took them."""
        self._stopping.set()
        self._thread.join()
        if self._error is not None:
            raise self._error
        return self._taken


def _fingerprint(versions, settings: str, ignored, pending=(), notices=()) -> str:
    """A digest of the run's inputs as the journal knows them — each file version (content, first seen, unit,
    removal), ignored and pending files, what the run noticed about the share (a folder it could not open) — and
    of its ``settings`` (_settings_key)."""
    h = hashlib.sha256(f"{settings}\n".encode())
    for notice in notices:
        h.update(f"notice\0{notice}\n".encode())
    for fv in versions:  # removed_at: a file moved out of the inbox (a withdrawal) is a change by itself
        h.update(f"{fv.path}\0{fv.sha256}\0{fv.first_seen}\0{fv.unit}\0{fv.removed_at}\n".encode("utf-8"))
    for fv in ignored:
        h.update(f"{fv.path}\0{fv.sha256}\0{fv.size}\n".encode("utf-8"))
    for fv in pending:
        h.update(f"pending\0{fv.path}\0{fv.size}\n".encode("utf-8"))
    return h.hexdigest()


def run(inbox: Path, outbox: Path, campaign: Campaign, *, now: dt.datetime | None = None,
        progress: Callable[[int, int], None] | None = None, settle: float = 2.0, workers: int | None = None,
        force: bool = False, limits: Limits | None = None, reader: Callable = read_file,
        max_wait: float = 30.0, templates: Path | None = None, pdf: bool = False,
        state: Path | None = None, keep_workers: bool = False, keep_runs: int | None = None) -> RunReport:
    """One complete pass. Raises ConfigError (bad paths) or LockHeld; never fails on submissions.

    Each new file is read by ``reader(path, rel, campaign, limits)`` (default ``read_file``) in a worker
    process under ``limits`` (toolkit.workers); a worker that dies costs only the file it was reading.
    Files still changing ``settle`` seconds after their last change are waited for up to ``max_wait``
    seconds, then left for the next run (status ``pending``). Opinions are rendered from ``templates``/推荐意见.docx
    (default: templates/ beside the inbox, else the toolkit's own; ConfigError when it is missing or broken).
    The journal, the caches (extraction results, units' decisions: toolkit.cache) and the run lock live in ``state``
    (default outbox/.state; --state-dir puts them on local disk). A batch run takes the kept decision of every unit
    whose files are unchanged (cache.UnitRecords) instead of decoding and deciding it; ``force`` decides every unit.
    ``keep_workers`` keeps the reader workers for the next run of this process (watch). ``keep_runs``: after
    publishing, only that many newest run folders are kept in outbox/runs (publish.prune_runs); None keeps all.
    """
    started = time.perf_counter()
    inbox, outbox = Path(inbox), Path(outbox)
    if not inbox.is_dir():
        raise missing_inbox(inbox)
    if outbox.resolve() == inbox.resolve() or inbox.resolve() in outbox.resolve().parents:
        raise ConfigError("输出文件夹不能位于收件箱内（收件箱只读）")
    template = opinion_template(Path(templates) if templates else default_templates_folder(inbox), campaign,
                                check=False)
    outbox.mkdir(parents=True, exist_ok=True)
    now = (now or dt.datetime.now().astimezone()).astimezone(CHINA_TZ)  # folder names, dates: China time
    state = Path(state) if state else state_dir(outbox)
    with RunLock(state), _collector_paused(long_lived=keep_workers) as resume_collection, \
            contextlib.ExitStack() as stack:
        t = time.perf_counter()
        scanned = scan_inbox(inbox)
        last = _read_last(state)
        latest = outbox / LATEST
        settings = _settings_key(campaign, hashlib.sha256(template).hexdigest())
        # what this run is asked to write: a run asking for PDFs does not repeat one that did not, nor the reverse
        asked = f"{settings}\0pdf={bool(pdf)}"
        listing = _listing_key(scanned, asked, settle)
        # a watcher's first idle moment is not skipped: it starts its readers, decodes the cached results and
        # decides every unit (kept in this process), so the run a new file starts reads that file, decides its unit
        primed = not keep_workers or str(state.resolve()) in _PRIMED
        missing = missing_outputs(outbox, last=last)  # latest/ complete, else all of it published again
        published = not missing
        # said at the end of the run (the console's, not the outputs'): why all was made again when a clerk deleted
        # an output; that the inbox given is a unit's folder
        said = _inbox_in_a_unit(inbox, scanned, campaign)
        if missing and last:
            log.info("输出文件夹中缺少 %s，本次重新生成全部输出。", "、".join(missing))
            said.insert(0, _republished(missing))

        def unchanged_report(files: int, notices: list, cached: int | None = None) -> RunReport:
            return RunReport(run_folder=None, latest=latest, files=files,
                             cached=files if cached is None else cached, unchanged=True,
                             seconds=time.perf_counter() - started, notices=notices, brief=last.get("brief", {}))

        if not force and primed and published and listing and last.get("listing") == listing:
            # every file as the last run listed it (same names, sizes, modification times, file ids), none of
            # them young, same template and campaign: nothing to read, not even the journal
            return unchanged_report(last.get("files", 0), said)
        # a run with work to do, it seems: the helper imports pandas now, while this process is small (a watcher
        # imports it itself, once, when idle)
        helper = None if keep_workers else stack.enter_context(_render_helper())
        journal = Journal.load(state)
        found = discover(inbox, campaign, journal, now=now, settle=settle, max_wait=max_wait, scanned=scanned)
        journal.save()
        # a file left for the next run, or one that could not be read (no permission, locked by another program:
        # readable again with the same size, time and id): this listing must not make the next run a no-op
        if found.pending or any(not fv.sha256 for fv in found.files) or getattr(scanned, "unlisted", ()):
            listing = ""  # (and a folder that could not be opened: runs go on looking, and saying so)
        timings = {"discover": time.perf_counter() - t}
        fingerprint = _fingerprint([*found.files, *found.removed], asked, found.ignored, found.pending,
                                   journal.problems)
        unchanged = not force and published and last.get("fingerprint") == fingerprint
        if unchanged and listing and listing != last.get("listing"):  # same contents, re-saved or touched
            write_json_atomic(state / "last_run.json", {**last, "listing": listing, "files": len(found.files)})
        if unchanged and primed:
            return unchanged_report(len(found.files), [*said, *journal.problems])
        if keep_workers:
            _PRIMED.add(str(state.resolve()))
            _kept_pool(campaign, workers, limits, reader).warm_up()
        checked = settings  # (the template's and the code's digests are part of the settings)
        if not unchanged and last.get("template_checked") != checked:  # (checked by the last run that published)
            check_opinion_template(template, templates or "推荐意见.docx")
        t = time.perf_counter()
        cache = _cache(state, campaign, keep=keep_workers)
        if found.held:  # a version standing while a new one is copied over it is never read now: cached, or left out
            found = replace(found, files=[fv for fv in found.files
                                          if fv.path not in found.held or cache.has(fv.sha256, fv.path)])
        # units whose files are as when they were last decided: their decisions are taken as kept, and their
        # files' cached results are not even decoded (a watcher's own memo is quicker still: it reads none)
        records = UnitRecords(state / "cache")
        # removed files count only with what they held (a withdrawal is recognised from it): those whose cached
        # result decodes (few: read here whether their unit is decided or kept)
        held = {fv.path: hit for fv in found.removed if (hit := cache.get(fv.sha256, fv.path)) is not None}
        gone = [fv for fv in found.removed if fv.path in held]
        inputs = _unit_inputs(found.files, gone, campaign, settings)
        keys = {unit: key for unit, (key, _paths) in inputs.items()}
        # units whose record has their key now (taken below, unless damaged); the files of the others not in the
        # extraction cache are read while the records are decoded
        recorded = set() if force or keep_workers else {unit for unit, key in keys.items() if records.key(unit) == key}
        todo = [fv for fv in found.files if fv.unit not in recorded and fv.path not in found.refused
                and not cache.has(fv.sha256, fv.path)]
        # entries never opened (a link out of the inbox or to nothing, a pipe): what they yield is why
        extracted: dict[str, Extracted] = {fv.path: refused_file(fv.path, found.refused[fv.path])
                                           for fv in found.files if fv.path in found.refused}
        total = len(found.files)
        with _readers(campaign, workers, limits, reader, files=len(todo), keep_workers=keep_workers) as readers:
            jobs = [(fv.abspath, fv.path) for fv in todo]
            early = _EarlyAnswers(readers.map(jobs)) if recorded and todo else None
            try:
                decided = {unit: kept for unit in recorded
                           if (kept := records.get(unit, keys[unit], inputs[unit][1])) is not None}
            finally:
                answered = early.stop() if early else []
            given = set(decided)
            reading = {fv.path for fv in todo}
            for fv in found.files:  # the cached results of the units decided here (decoded while the workers read)
                if fv.unit not in decided and fv.path not in reading and fv.path not in extracted:
                    hit = cache.get(fv.sha256, fv.path)
                    if hit is not None:
                        extracted[fv.path] = hit
                    else:  # a unit whose record was damaged, its file no longer cached
                        todo.append(fv)
            done = total - len(todo)
            if progress:
                progress(done, total)
            by_path = {fv.path: fv for fv in todo}
            answers = early.answers if early else readers.map(jobs)
            late = [(fv.abspath, fv.path) for fv in todo if fv.path not in reading]  # (added above)
            changed = []  # files replaced while they were read: what was read is not the version hashed
            for rel, ex in itertools.chain(answered, answers, readers.map(late) if late else ()):
                if _changed_since_listed(by_path[rel]):
                    changed.append(by_path[rel])
                else:
                    extracted[rel] = ex
                    cache.put(by_path[rel].sha256, rel, ex)
                if cache.unsaved >= 500:  # a run killed midway keeps most of what it read
                    cache.flush()
                done += 1
                if progress:
                    progress(done, total)
        cache.flush()
        if changed:  # left for the next run, as a file still being copied is (never cached under the old hash)
            again = {fv.path for fv in changed}
            found = replace(found, files=[fv for fv in found.files if fv.path not in again],
                            pending=[*found.pending, *(replace(fv, sha256="") for fv in changed)])
            listing = ""
        removed = gone  # files gone from the inbox: what they held, from the cache, for withdrawn applications
        for fv in gone:
            if fv.unit not in decided:  # (a kept decision has it already)
                extracted[fv.path] = held[fv.path]
        timings["extract"] = time.perf_counter() - t
        t = time.perf_counter()
        files = _keep_on_time_versions(found.files, extracted, journal, cache, campaign)
        cache.close()
        result = assemble(campaign, files, extracted, generated_at=now_iso(now), ignored=found.ignored,
                          pending=found.pending, removed=removed, memo=assembly.UNIT_MEMO if keep_workers else None,
                          decided=decided, notices=tuple(journal.problems))

        def keep_decisions() -> None:
            """Keep the decisions made here (not kept as made now, or kept damaged; forced: all) for the next run,
            then let them and the records go: done while the register's child writes (render_all's
            ``meanwhile``), off the run's longest path."""
            nonlocal records, decided
            for unit, key in keys.items():
                if unit not in given and (force or records.key(unit) != key or unit in records.damaged):
                    records.put(unit, key, decided[unit])
            records.save(keys)
            records = decided = None

        del inputs
        # what the files yielded is in the result now (a batch run keeps nothing else of it: the long texts of
        # 总结材料, most of a national run's memory, are freed before rendering)
        del extracted, cache, held
        resume_collection()
        timings["assemble"] = time.perf_counter() - t
        if unchanged:  # primed: nothing to publish
            keep_decisions()
            preload_renderers()
            return unchanged_report(total, [*said, *journal.problems], cached=total - len(todo))
        t = time.perf_counter()
        # (none from an incomplete latest/: a unit whose 推荐意见 were deleted by hand must not be taken as kept)
        previous = (latest.resolve() if latest.exists() else None) if last.get("unit_keys") and published else None
        kept_parts = state / "cache" / "parts"
        if force:  # every output made afresh, every part of it too
            shutil.rmtree(kept_parts, ignore_errors=True)
        context = RenderContext(today=now.date(), opinion_template=template, pdf=pdf, generated_at=now_iso(now),
                                previous=previous, previous_keys=last.get("unit_keys", {}) if not force else {},
                                kept_parts=kept_parts, kept_salt=settings, helper=helper)
        # before the register's child starts: unchanged units' parts of outputs are kept under these keys
        context = replace(context, unit_keys=unit_keys(result, context, keys))
        notices = [*said, *journal.problems]
        folder = publish(outbox, lambda target: render_all(target, result, context, meanwhile=keep_decisions),
                         now=now, notices=notices, keep_runs=keep_runs)
        brief = run_brief(result)
        timings["render"] = time.perf_counter() - t
        log.debug("各阶段用时：%s", "，".join(f"{_PHASE_NAMES.get(k, k)} {v:.2f} 秒" for k, v in timings.items()))
        write_json_atomic(state / "last_run.json", {"fingerprint": fingerprint, "run": folder.name,
                                                    "at": now_iso(now), "brief": brief,
                                                    "unit_keys": context.unit_keys, "listing": listing,
                                                    "files": total, "template_checked": checked,
                                                    "outputs": output_entries(folder)})
        return RunReport(run_folder=folder, latest=latest, files=total, parsed=len(todo),
                         cached=total - len(todo), seconds=time.perf_counter() - started, timings=timings,
                         result=result, notices=notices, brief=brief)


@contextlib.contextmanager
def _render_helper():
    """The run's render helper (render.helper.Helper: forked now, it imports pandas while the run reads and
    decides), stopped on leaving; None where there is no fork."""
    from .render.helper import Helper

    helper = Helper.start()
    try:
        yield helper
    finally:
        if helper is not None:
            helper.stop()


@contextlib.contextmanager
def _collector_paused(*, long_lived: bool = False):
    """CPython's cyclic garbage collector paused for a run's reading and assembly; yields the function that
    resumes it. The extraction results and the model have no reference cycles, so the collector finds nothing
    there, yet at 10,000 applications its full collections walked the growing heap again and again: about 2 s of
    a one-file run (decoding 20,000 cached results took 4.0-4.6 s with it, 2.9-3.3 s without). Resuming freezes
    what exists (gc.freeze: the result is never walked again while outputs are written, by this process or the
    forked child writing the register); at the end the frozen objects are handed back (gc.unfreeze) and the
    collector is left as it was found.

    The frozen objects go back into the oldest generation, and with them the cycles the run left as garbage (the
    documents and workbooks read and written: python-docx, openpyxl and lxml objects refer to each other). Only a
    full collection looks there, and CPython starts one by itself only after many collections of the younger
    generations, which a watcher's runs, paused for most of their allocations, hardly make: a `run.py watch`
    grew by about 4 MB a run (150 MB to 770 MB in 170 runs of a 13-minute soak at 60 applications). So a
    ``long_lived`` process (watch) collects once at the end of each run, after publishing; a batch run, which ends
    with the run, does not."""
    enabled = gc.isenabled()
    gc.disable()

    def resume() -> None:
        gc.freeze()
        if enabled:
            gc.enable()

    try:
        yield resume
    finally:
        gc.unfreeze()
        if enabled:
            gc.enable()
            if long_lived:
                gc.collect()


def _cache(state: Path, campaign: Campaign, *, keep: bool = False) -> ExtractCache:
    """The extraction cache of this code and campaign in the state folder (``keep``: decoded results kept for
    the process's next runs — watch)."""
    return ExtractCache(state / "cache", f"{EXTRACTOR_VERSION}-{campaign_fingerprint(campaign)}", keep=keep)


SHOWN = 5  # units or files named on the console before "……"


def run_brief(result: Assembled) -> dict:
    """The run's headline figures from its result (an Assembled): applications, counts by status, units that sent
    something, stamped opinions, issue counts (all issues; those of applications; those only on files), units over
    quota, and the ignored, pending and unassigned files — at most ``SHOWN`` of each named. What the console's
    end of run shows (report.end_of_run) and the audit log records; kept in last_run.json for an unchanged run, so
    neither ever reads a national run's summary.json back."""
    statuses: dict = {}
    for app in result.applications:
        statuses[app.status] = statuses.get(app.status, 0) + 1
    app_issues = [i for a in result.applications for i in a.issues]
    in_apps = {_issue_key(i) for i in app_issues}
    file_only = [i for e in result.files for i in e.issues if _issue_key(i) not in in_apps]
    # (what takes a place, as quota.exceeded counts it: not late, 不符合申报条件 or withdrawn)
    over = [[u.unit, u.received - u.late - u.ineligible - u.withdrawn, u.quota] for u in result.units if u.over_quota]
    pending = [fv.path for fv in result.pending]
    unassigned = [e.version.path for e in result.files if e.status == "unassigned"]
    return {"applications": len(result.applications), "statuses": statuses,
            "submitted": sum(1 for u in result.units if u.received), "units": len(result.units),
            "stamped": sum(1 for u in result.units if u.stamped_opinion),
            **result.severity_counts,
            "application_errors": sum(1 for i in app_issues if i.is_error),
            "application_warnings": sum(1 for i in app_issues if not i.is_error),
            "file_errors": sum(1 for i in file_only if i.is_error),
            "file_warnings": sum(1 for i in file_only if not i.is_error),
            "ignored": len(result.ignored),
            "over_quota": len(over), "over_quota_shown": over[:SHOWN],
            "pending": len(pending), "pending_shown": pending[:SHOWN],
            "unassigned": len(unassigned), "unassigned_shown": unassigned[:SHOWN]}


def _issue_key(issue) -> tuple:
    return issue.code, issue.file, issue.location, issue.message


def _read_last(state: Path) -> dict:
    try:
        return json.loads((state / "last_run.json").read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}


def check_files(paths: list[Path], campaign: Campaign) -> list[tuple[Path, Extracted, Report]]:
    """A clerk's pre-flight check of single files: each file read (in a limited worker), then every application
    rule of toolkit.validate on each form it holds and on its summary (pairs across files: ``check_pairs``); of a
    推荐排序表, its 成文日期 (assemble.opinion_date).

    Returns (path, what the file yielded, a Report of its issues) per path, in the order given.
    """
    out = []
    read = dict(_extract_all([(str(path), str(path)) for path in paths], campaign, None))
    for path in paths:
        rel = str(path)
        ex = read[rel]
        issues = list(ex.issues)
        fv = FileVersion(path=rel, unit="", folder="", sha256="", size=0, mtime=0, first_seen="")
        forms = ex.all_forms or (None,)
        if ex.kind == RANKING:  # its 成文日期 and its ranks as a run reads them (its order needs the applications)
            issues.extend(i for i in assembly.opinion_date(ex, rel, campaign)[1] if i not in issues)
            issues.extend(i for i in ranking_sheet_issues(ex.ranking, rel) if i not in issues)
        if ex.form is not None or ex.summary is not None:
            for form in forms:  # a Word 申请书 is checked whole: its table against its own sections (mismatch)
                benchmark = (form.text(BENCHMARK) if form else "") or (
                    ex.summary.benchmark_name if ex.summary else "")
                app = Application(unit="", enterprise=form.text(ENTERPRISE) if form else "", benchmark_name=benchmark,
                                  form=form, form_file=fv if form else None, summary=ex.summary,
                                  summary_file=fv if ex.summary else None)
                issues.extend(i for i in validate(app, campaign).issues if i not in issues)
        out.append((path, ex, Report(tuple(issues))))
    return out


def check_pairs(results: list[tuple[Path, Extracted, Report]], campaign: Campaign
                ) -> tuple[list[tuple[Path, Path, Report, list[Path], tuple[str, ...]]], list[Path]]:
    """The 申请表 (Word 申请书 included) and 总结材料 among ``check_files``'s results paired as a run pairs the files of
    one unit's folder (assemble.pair_files: by enterprise and content, then by sub-folder or rank prefix; the folder
    holding them counts as an enterprise's sub-folder) and each pair checked as one application: ([(申请表, 总结材料,
    the issues only the pair has, other versions not checked, the fields compared: rules.pairing.compared_fields)],
    the 申请表 and 总结材料 left without a partner — a
    run would report them pair.missing-*). The version of a file that counts is the last modified, whatever the
    deadline (check is not a run). A Word 申请书 holding both is checked whole by check_files. Paths are as
    given."""
    by_path: dict[str, Path] = {}
    versions, extracted = [], {}
    given = [(path, ex) for path, ex, _report in results
             if (ex.kind in (FORM, APPLICATION_DOC) and ex.form is not None)
             or (ex.kind == SUMMARY_KIND and ex.summary is not None)]
    sides = {"summary" if ex.kind == SUMMARY_KIND else "form" for _path, ex in given}
    if len(sides) < 2:  # no 申请表 or no 总结材料: nothing to pair
        return [], []
    where = {path: Path(os.path.abspath(path)) for path, _ex in given}  # '..' resolved, links not followed
    try:  # the folder holding them counts as an enterprise's sub-folder of a unit's folder
        root = Path(os.path.commonpath([str(p.parent) for p in where.values()])).parent
    except ValueError:  # different drives (Windows): each file in a folder of its own
        root = None
    for n, (path, ex) in enumerate(given):
        try:
            rel = "检查/" + (where[path].relative_to(root).as_posix() if root is not None else f"{n}/{path.name}")
            mtime = path.stat().st_mtime
        except (OSError, ValueError):
            rel, mtime = f"检查/{n}/{path.name}", 0.0
        if rel in by_path:  # the same file given twice
            continue
        first_seen = dt.datetime.fromtimestamp(mtime, CHINA_TZ).isoformat()
        versions.append(FileVersion(path=rel, unit="", folder="检查", sha256="", size=0, mtime=mtime,
                                    first_seen=first_seen))
        extracted[rel] = ex
        by_path[rel] = path
    reports = {path: report for path, _ex, report in results}
    pairs, paired = [], set()
    undated = replace(campaign, deadline=dt.datetime.max.replace(tzinfo=CHINA_TZ))  # the last version counts
    for app in assembly.pair_files(undated, versions, extracted):
        if app.form_file is not None and app.summary_file is not None and app.form_file.path == app.summary_file.path:
            paired.add(by_path[app.form_file.path])  # a Word 申请书 holding both: checked whole by check_files
            continue
        if app.form_file is None or app.summary_file is None:
            continue
        form_path, summary_path = by_path[app.form_file.path], by_path[app.summary_file.path]
        older = [by_path[f.path] for f in app.superseded]
        paired.update((form_path, summary_path, *older))
        alone = {(i.code, i.field, i.message) for p in (form_path, summary_path) for i in reports[p].issues}
        found = tuple(i for i in validate(app, campaign).issues if (i.code, i.field, i.message) not in alone)
        pairs.append((form_path, summary_path, Report(found), older, compared_fields(app)))
    unpaired = [path for path in dict.fromkeys(path for path, _ex in given) if path not in paired]
    return pairs, unpaired
