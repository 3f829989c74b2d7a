"""Readers that fail the way real readers fail, for the worker-isolation tests (sent to worker processes)."""
from __future__ import annotations

import multiprocessing
import os
import signal
import time

from toolkit.pipeline import read_file


def read_or_fail(path, rel, campaign, limits):
    """Read normally, except files whose name says how to fail: killed, aborted, spinning, sleeping, bloated.

    The failures happen only in a worker process: called in the test process itself (a pool that fell back to
    reading in-process) it raises instead, so the test fails rather than the test runner being killed."""
    faulty = any(word in rel for word in ("被杀", "中止", "死循环", "卡住", "巨大内存", "巨大结果", "出错"))
    if faulty and multiprocessing.parent_process() is None:
        raise RuntimeError(f"fault reader called outside a worker process for {rel}")
    if "出错" in rel:
        raise KeyError("a reader's bug")  # its name is for the log, never the clerk's message
    if "被杀" in rel:
        os.kill(os.getpid(), signal.SIGKILL)  # as the OOM killer or an operator would
    if "中止" in rel:
        os.abort()  # as a native library does on a failed allocation
    if "死循环" in rel:
        while True:
            pass
    if "卡住" in rel:
        time.sleep(3600)
    if "巨大内存" in rel:
        blocks = [bytearray(256 * 1024 * 1024) for _ in range(64)]  # 16 GiB: over any worker's limit
        return len(blocks)
    if "巨大结果" in rel:
        from toolkit.model import OTHER, Extracted, Issue

        return Extracted(kind=OTHER, issues=tuple(Issue("file.unreadable", "error", rel, f"{n:06d}" * 200)
                                                  for n in range(50_000)))  # 60 MB of distinct text
    return read_file(path, rel, campaign, limits)


READ_LOG = "read.log"  # beside the inbox: each file read by read_and_log is noted there


def read_and_log(path, rel, campaign, limits):
    """Read normally, noting ``rel`` on a line of READ_LOG beside the inbox (a fork server started earlier does not
    see the test's environment)."""
    inbox = os.path.dirname(str(path)[: -len(rel)].rstrip("/\\"))
    with open(os.path.join(inbox, READ_LOG), "a", encoding="utf-8") as fh:
        fh.write(rel + "\n")
    return read_file(path, rel, campaign, limits)


REPLACEMENTS = "replacements"  # beside the inbox: a file there, at a path within the inbox's, replaces it when read


def read_after_replacing(path, rel, campaign, limits):
    """Read ``rel`` after moving its replacement (REPLACEMENTS/<rel> beside the inbox, when there) over it — a copy
    landing on the share while the run reads: the bytes read are not those discovery hashed."""
    beside = os.path.dirname(str(path)[: -len(rel)].rstrip("/\\"))  # (the inbox's parent)
    replacement = os.path.join(beside, REPLACEMENTS, *rel.split("/"))
    if os.path.exists(replacement):
        os.replace(replacement, path)
    return read_file(path, rel, campaign, limits)
