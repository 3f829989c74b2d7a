"""Rendering as a step: every output is one module with one function from the assembled result to files.

A new output is one module with ``write(result, folder, context) -> list[Path]`` plus one line in ``OUTPUTS``;
publishing (toolkit.publish) only writes the run folder and switches latest/.
"""
from __future__ import annotations

import datetime as dt
import functools
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from ..model import Assembled


@dataclass(frozen=True)
class RenderContext:
    """What outputs need beside the result: the day documents are dated (China time), the opinion template
    (a docxtpl .docx, bytes), and what the pipeline knows of the last run."""

    today: dt.date
    opinion_template: bytes
    pdf: bool = False  # also write a PDF beside each 推荐意见 and 回执 (LibreOffice; --pdf)
    generated_at: str = ""  # ISO, China time
    previous: Path | None = None  # the last run's folder, whose unchanged units' documents are reused
    previous_keys: dict = field(default_factory=dict)  # unit -> content key of its documents in ``previous``
    unit_keys: dict = field(default_factory=dict)  # unit -> content key of its documents in this run (unit_keys())
    reuse: frozenset = frozenset()  # units whose documents were copied from ``previous`` (set by render_all)
    kept_parts: Path | None = None  # where outputs keep each unit's part between runs (kept.KeptParts)
    kept_salt: str = ""  # a digest of the code and settings kept parts (and unit_keys) are made with
    shared: Callable[[], object] | None = None  # the output's shared part (Output.shared), when it has one
    helper: object = None  # the run's helper process (render.helper.Helper), for a shared part's Job

    def renders(self, unit: str) -> bool:
        """Whether the per-unit documents of ``unit`` are written in this run (not reused)."""
        return unit not in self.reuse

    def part_key(self, kind: str, unit: str) -> tuple | None:
        """The key ``unit``'s ``kind`` of part of an output is kept under (kept.kept_bytes, kept.kept_text): the kind,
        the unit and its content key; None when the unit has no content key (then the part is made and not kept)."""
        return (kind, unit, self.unit_keys[unit]) if unit in self.unit_keys else None


@dataclass(frozen=True)
class Output:
    """One output: what people call it, and the function writing it into a run folder.

    ``background``: written by a forked child process while the next outputs are written (on systems with
    fork), because it reads only the result and the context (and its own kept parts, in a folder of its own)
    and no other output reads it (index.html only links to it) — the province-wide register is the longest
    single output of a large run. ``waits``: every background output is finished before this one starts (for an
    output that would read what they wrote; none of the registered outputs does). ``preload``: modules a
    background output imports, which a long-lived process (watch) imports once at an idle moment
    (``preload()``), so that its children have them; a batch run's child imports them itself,
    while the run's process goes on (pandas alone takes 0.2-0.5 s). ``shared(result, context)``: a part of a
    background output handed to the child through a pipe by pickle (between the run's own processes only) while
    it writes the rest — its value, or a helper.Job the run's helper computes (else the run's process);
    ``write`` asks for it with ``context.shared()`` when it needs it (written in the run's process, it is
    computed there) — the register's 统计 tables, whose pandas the helper imported while the run read and decided.
    """

    name: str
    write: Callable[[Assembled, Path, RenderContext], list]
    background: bool = False
    waits: bool = False
    preload: tuple = ()
    shared: Callable[[Assembled, RenderContext], object] | None = None


def safe_filename(name: str) -> str:
    """A unit or enterprise name usable as a file name on Windows and Linux shares."""
    return re.sub(r'[\\/:*?"<>|\x00-\x1f]', "_", name).strip() or "未命名"


def outputs() -> tuple[Output, ...]:
    """The registered outputs, in the order they are written. The foreground outputs' modules are imported when
    first written (_imported_when_called): a run forks the register's child before importing python-docx and
    docxtpl for the others (40-50 ms off the child's start)."""
    from . import register

    return (Output("省级汇总表", register.write, background=True, preload=("pandas", "xlsxwriter"),
                   shared=register.kept_statistics),
            Output("回执", _imported_when_called("receipt", "write")),
            Output("推荐意见", _imported_when_called("opinion", "write")),
            Output("推荐排序表", _imported_when_called("ranking_sheet", "write")),
            Output("summary.json", _imported_when_called("summary", "write")),
            # after 回执 and 推荐意见 (beside which it writes), before the unit folders
            Output("PDF", _imported_when_called("pdf", "write")),
            # copies each unit's documents (PDFs included)
            Output("单位文件夹", _imported_when_called("unit_folders", "write")),
            # they link to 单位/<unit>/ copies only
            Output("单位状态页", _imported_when_called("status_page", "write_unit_pages")),
            # last: it links to everything above (the register, which its child may still be writing, included)
            Output("状态页", _imported_when_called("status_page", "write_index")))


def _imported_when_called(module: str, function: str) -> Callable:
    """``function`` of the render module ``module``, the module imported on the first call."""

    def call(*args, **kwargs):
        import importlib

        return getattr(importlib.import_module(f"{__name__}.{module}"), function)(*args, **kwargs)

    call.__qualname__ = f"{module}.{function}"
    call.module = f"{__name__}.{module}"
    return call


def preload() -> None:
    """Import every output's modules now (a watcher's idle moment), so its first run after a file lands does not
    pay for importing python-docx, docxtpl, xlsxwriter and pandas (the foreground outputs' modules too, which a
    batch run imports when it first writes them)."""
    import importlib

    for output in outputs():
        for module in (*output.preload, *([output.write.module] if hasattr(output.write, "module") else [])):
            importlib.import_module(module)


REGISTER = "省级汇总表.xlsx"  # the province-wide register, at the top of a run folder (render.register writes it)
UNIT_DOCUMENTS = ("回执", "推荐意见", "推荐排序表")  # the per-unit documents, each in a folder of that name
DOCUMENT_SUFFIXES = (".xlsx", ".docx", ".pdf")


def document_path(folder: Path, unit: str, kind: str, suffix: str) -> Path:
    """Where ``unit``'s ``kind`` document (回执, 推荐意见 …) is in a run folder: <kind>/<unit>-<kind><suffix>."""
    return folder / kind / f"{safe_filename(unit)}-{kind}{suffix}"


def existing_documents(folder: Path, unit: str) -> list[Path]:
    """``unit``'s per-unit documents present in ``folder`` (every kind, every suffix, PDFs included)."""
    paths = (document_path(folder, unit, kind, suffix) for kind in UNIT_DOCUMENTS for suffix in DOCUMENT_SUFFIXES)
    return [path for path in paths if path.is_file()]


def unit_documents(result: Assembled, folder: Path, context: RenderContext, kind: str, suffix: str, *,
                   every_unit: bool = False):
    """(unit, UnitView, target path) for each unit whose ``kind`` document (回执, 推荐意见 …) this run writes:
    units with applications (or ``every_unit``), except those reused from the last run. Creates the folder."""
    (folder / kind).mkdir(parents=True, exist_ok=True)
    for unit, view in result.by_unit.items():
        if context.renders(unit) and (every_unit or view.applications):
            yield unit, view, document_path(folder, unit, kind, suffix)


def unit_keys(result: Assembled, context: RenderContext, decision_keys: dict | None = None) -> dict[str, str]:
    """Unit -> a digest of everything its per-unit documents and its parts of the province-wide outputs are made
    from (its status, applications, files and issues; the opinion template; whether PDFs are asked for; the
    toolkit's version, and its code and settings as ``context.kept_salt`` gives them: new code makes the documents
    of every unit again, of a unit decided afresh — a pair received after the deadline — too). Equal keys mean
    equal documents, so a run reuses the last run's documents of every unit whose key did not change, and the
    parts of outputs kept under it (kept.KeptParts).

    ``decision_keys``: unit -> the key its decision was made under (cache.unit_key: the code, the settings and
    every field of its files); for those units the digest is of that key plus what assembly's province-wide
    steps (8-9: duplicates across units, statuses, the unit's counts) gave them — the unit's status and its
    applications' statuses and issues; a file's entry takes its problems and enterprise from its unit's own
    applications. The same content as digesting all of it, in a twelfth of the time (0.04 against 0.48 s at
    10,000 applications). Units not in ``decision_keys`` are digested in full."""
    import hashlib

    from .. import __version__

    template = hashlib.sha256(context.opinion_template).hexdigest()
    decision_keys = decision_keys or {}
    keys = {}
    for unit, view in result.by_unit.items():
        h = hashlib.sha256(f"{__version__}\0{template}\0{context.pdf}\0{context.kept_salt}\0".encode())
        if unit in decision_keys:
            h.update(f"decided\0{decision_keys[unit]}\0".encode())
            province_wide = (view.status, [(a.status, a.listed_in_opinion, a.issues) for a in view.applications])
            h.update(content_bytes(province_wide))
        else:
            h.update(content_bytes((view.status, view.applications, view.files, view.issues)))
        if view.pending:  # (listed in its 回执 and page: a file being copied now, read when it is whole)
            h.update(content_bytes([(fv.path, fv.size) for fv in view.pending]))
        keys[unit] = h.hexdigest()
    return keys


def content_bytes(value) -> bytes:
    """``value`` (frozen model objects, tuples, dicts, strings, numbers; no sets) as bytes that depend on its
    content only: a pickle without its memo, so an object referred to twice is written twice and equal values
    give equal bytes whether or not they share objects (results decoded from the cache share none, results
    fresh from a reader do). About twice as fast as repr() for a national-size result."""
    import io
    import pickle

    buffer = io.BytesIO()
    pickler = pickle.Pickler(buffer, protocol=5)
    pickler.fast = True  # no memo: content, not object identity (there are no cycles in the model)
    pickler.dispatch_table = _reducers()
    pickler.dump(value)
    return buffer.getvalue()


@functools.cache
def _reducers() -> dict:
    """copyreg's dispatch table plus a reducer for each slotted model class: its class and field values in field
    order, read by one C-level getter. (A frozen slotted dataclass otherwise pickles through dataclasses'
    __getstate__, written in Python: it doubled the time of a national run's unit keys.)"""
    import copyreg
    import dataclasses
    import operator

    from .. import model

    table = dict(copyreg.dispatch_table)
    for cls in vars(model).values():
        if isinstance(cls, type) and dataclasses.is_dataclass(cls) and "__slots__" in vars(cls):
            names = [f.name for f in dataclasses.fields(cls)]
            getter = operator.attrgetter(*names) if len(names) > 1 else (lambda obj, n=names[0]: (getattr(obj, n),))
            table[cls] = lambda obj, cls=cls, getter=getter: (cls, getter(obj))
    return table


def _reuse_unchanged(folder: Path, keys: dict, context: RenderContext) -> frozenset:
    """Copy the last run's documents of units whose key is unchanged; return those units."""
    import shutil

    if context.previous is None or not context.previous.is_dir():
        return frozenset()
    reused = set()
    for unit, key in keys.items():
        if context.previous_keys.get(unit) != key:
            continue
        sources = existing_documents(context.previous, unit)
        if not any(s.parent.name == "回执" and s.suffix == ".xlsx" for s in sources):
            continue  # nothing to reuse: render it
        for source in sources:
            target = folder / source.parent.name / source.name
            target.parent.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(source, target)
        reused.add(unit)
    return frozenset(reused)


def render_all(folder: Path, result: Assembled, context: RenderContext,
               meanwhile: Callable[[], None] | None = None) -> list[Path]:
    """Every registered output of ``result`` into ``folder``; returns the files written.

    Background outputs (``Output.background``) are started first, each in a forked child (its shared part,
    ``Output.shared``, sent to it); then the other outputs are written in order. A background
    output whose child fails is written again in this process, so a child's failure costs time, never an output.
    ``meanwhile()``: the caller's own work (a run keeping its decisions), done once the children are started.
    The per-unit documents of units whose key (``context.unit_keys``) equals the previous run's
    (``context.previous_keys``) are copied from ``context.previous`` instead of rendered (``context.reuse``)."""
    import dataclasses

    folder.mkdir(parents=True, exist_ok=True)
    written: list[Path] = []
    running: list = []
    try:
        foreground = []
        for output in outputs():
            child = _start_child(output, result, folder, context, running) if output.background else None
            if child is not None:
                running.append(child)
            else:
                foreground.append(output)
        for child in running:
            child.send_shared(result, context)
        if meanwhile is not None:
            meanwhile()
        context = dataclasses.replace(context, reuse=_reuse_unchanged(folder, context.unit_keys, context))
        for output in foreground:
            if output.waits:
                written.extend(_join_all(running, result, folder, context))
            written.extend(_write(output, result, folder, context))
        written.extend(_join_all(running, result, folder, context))
    finally:
        for child in running:  # an exception above: leave no child behind
            child.kill()
    return written


def _write(output: Output, result: Assembled, folder: Path, context: RenderContext) -> list[Path]:
    """``output`` written in this process, its shared part (Output.shared) computed here when its write asks for
    it (a Job included)."""
    import dataclasses

    from .helper import value_of

    if output.shared is not None:
        context = dataclasses.replace(context, shared=lambda: value_of(output.shared(result, context)))
    return output.write(result, folder, context)


@dataclass
class _Child:
    """A background output being written by a forked child: its pid, the pipe it reports its files on, and for a
    shared part (Output.shared) the pipe's end it is sent on (-1: none, or handed to the thread sending it)."""

    output: Output
    pid: int
    pipe: int
    feed: int = -1
    sender: object = None  # threading.Thread

    def send_shared(self, result: Assembled, context: RenderContext) -> None:
        """Have the shared part sent to the child (_send_shared), once every child is forked (a child forked
        later would hold this pipe's end open, and this child wait for its end). Raises what computing it here
        raises."""
        if self.feed >= 0:
            fd, self.feed = self.feed, -1
            self.sender = _send_shared(self.output, result, context, fd)

    def kill(self) -> None:
        import os
        import signal

        try:
            os.kill(self.pid, signal.SIGKILL)
            os.waitpid(self.pid, 0)
        except (OSError, ChildProcessError):
            pass
        for fd in (self.pipe, self.feed):
            if fd >= 0:
                try:
                    os.close(fd)
                except OSError:
                    pass
        # (not joined: its writes fail now that the child is gone, and a wait on a silent helper ends when the run
        # stops the helper)

    def join(self) -> list[Path] | None:
        """The files the child wrote, or None when it failed (non-zero exit, killed, nothing reported)."""
        import json
        import os

        from .helper import read_all

        try:
            reported = read_all(self.pipe)
        finally:
            os.close(self.pipe)
        _, status = os.waitpid(self.pid, 0)
        if self.sender is not None:
            self.sender.join()
        if not os.WIFEXITED(status) or os.WEXITSTATUS(status) != 0:
            return None
        try:
            return [Path(p) for p in json.loads(reported.decode("utf-8"))]
        except ValueError:
            return None


def _start_child(output: Output, result: Assembled, folder: Path, context: RenderContext,
                 running: list) -> _Child | None:
    """Fork a child writing ``output`` (``running``: the children started before, whose pipes it closes), for an
    output with a shared part (Output.shared) with a pipe it reads the part from when it needs it (sent by
    _Child.send_shared). None where fork is not available (Windows) or fails."""
    import dataclasses
    import json
    import os

    from .helper import fork_with_pipes, write_all

    forked = fork_with_pipes(2 if output.shared is not None else 1)
    if forked is None:
        return None
    pid, (read, write, *feed) = forked
    if pid == 0:  # the child: write the output, report its files, leave without running any clean-up of the parent
        code = 1
        try:
            import gc

            gc.disable()  # a short-lived child: no collection walks (and copies) the parent's pages
            helper = context.helper
            for fd in (read, *feed[1:], *(fd for child in running for fd in (child.pipe, child.feed) if fd >= 0),
                       *((helper.jobs, helper.results) if helper is not None else ())):
                if fd >= 0:
                    os.close(fd)
            given = dataclasses.replace(context, shared=lambda: _receive(feed[0])) if feed else context
            paths = output.write(result, folder, given)
            write_all(write, json.dumps([str(p) for p in paths]).encode("utf-8"))
            code = 0
        except BaseException:  # noqa: BLE001 - the parent writes it again and reports whatever goes wrong
            code = 1
        finally:
            os._exit(code)
    os.close(write)
    if feed:
        os.close(feed[0])
    return _Child(output=output, pid=pid, pipe=read, feed=feed[1] if feed else -1)


def _send_shared(output: Output, result: Assembled, context: RenderContext, fd: int):
    """Start the thread sending ``output``'s shared part on ``fd`` (then closed): the value its helper job gives
    (forwarded as it comes; a helper silent for HELPER_WAIT seconds is given up on, and the output written here)
    or the value computed here (a Job the helper cannot take is computed here). Raises what computing it here
    raises (``fd`` closed: the child fails)."""
    import os
    import pickle
    import select
    import threading

    from .helper import HELPER_WAIT, Job, value_of, write_all

    try:
        shared = output.shared(result, context)
        source = (context.helper.take(shared, HELPER_WAIT) if isinstance(shared, Job) and context.helper is not None
                  else None)
        data = b""
        if source is None:
            data = pickle.dumps(value_of(shared), protocol=pickle.HIGHEST_PROTOCOL)
    except BaseException:
        os.close(fd)
        raise

    def send() -> None:
        try:
            if source is not None:
                while select.select([source], [], [], HELPER_WAIT)[0] and (chunk := os.read(source, 1 << 16)):
                    write_all(fd, chunk)
            else:
                write_all(fd, data)
        except (OSError, ValueError):  # the child is gone (or select cannot watch the pipe): written here
            pass
        finally:
            os.close(fd)
            if source is not None:
                os.close(source)

    sender = threading.Thread(target=send, name=f"{output.name} shared part", daemon=True)
    try:
        sender.start()
    except BaseException:
        os.close(fd)
        if source is not None:
            os.close(source)
        raise
    return sender



def _receive(fd: int):
    """The shared part sent on ``fd`` (a pickle; the pipe closed when done). Raises RuntimeError when nothing came
    (it could not be computed)."""
    import os
    import pickle

    from .helper import read_all

    data = read_all(fd)
    os.close(fd)
    if not data:
        raise RuntimeError("the shared part of the output never came")
    return pickle.loads(data)


def _join_all(running: list, result: Assembled, folder: Path, context: RenderContext) -> list[Path]:
    """Wait for every running child; an output whose child failed is written here instead."""
    written = []
    while running:
        child = running.pop(0)
        paths = child.join()
        written.extend(paths if paths is not None else _write(child.output, result, folder, context))
    return written
