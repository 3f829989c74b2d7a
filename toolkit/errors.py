"""Exceptions for the environment or a bug. Bad submissions never raise: they become issues."""


class ToolkitError(Exception):
    """Base class: the run itself cannot go on. ``exit_code`` is what the CLI returns."""

    exit_code = 2


class ConfigError(ToolkitError):
    """A campaign file, an option or a path is wrong (exit 2)."""

    exit_code = 2


def os_error_path(exc: OSError) -> str | None:
    """The file or folder an operating-system error is about: its ``filename``, but for a full disk the second
    name when there is one (shutil.copyfile, os.replace and os.link name the source first and the target second,
    and a full disk is the target's: the source may be a file of the published run, sound and on another disk)."""
    first, second = getattr(exc, "filename", None), getattr(exc, "filename2", None)
    return str(second) if second and disk_full(exc) else (str(first) if first else None)


def os_error_place(exc: OSError) -> str:
    """'：<the file or folder>' an operating-system error names (os_error_path), for the end of a clerk's sentence;
    '' when none."""
    path = os_error_path(exc)
    return f"：{path}" if path else ""


def disk_full(exc: OSError) -> bool:
    """Whether the error is a full disk or a used-up quota (ENOSPC, EDQUOT; Windows' ERROR_DISK_FULL, 112)."""
    import errno

    return exc.errno in (errno.ENOSPC, getattr(errno, "EDQUOT", -1)) or getattr(exc, "winerror", None) == 112


def missing_inbox(inbox) -> ConfigError:
    """The ConfigError of an inbox folder that does not exist: where it was looked for, as a full path, and how to
    name another (a relative 'inbox' is looked for in the folder the command was started from)."""
    import os
    from pathlib import Path

    inbox = Path(inbox)
    try:
        cwd = os.getcwd()
    except OSError:  # (the folder the command was started in has been deleted)
        cwd = ""
    full = inbox if inbox.is_absolute() or not cwd else Path(cwd) / inbox
    where = f"（在当前文件夹“{cwd}”中没有“{inbox}”）" if cwd and not inbox.is_absolute() else ""
    return ConfigError(f"收件箱文件夹不存在：{full}{where}。请用 --inbox 指定收件箱所在的文件夹，"
                       "或先进入放收件箱的文件夹再运行")


class LockHeld(ToolkitError):
    """Another run holds the run lock (exit 3)."""

    exit_code = 3


# errno -> what the clerk or operator is told, in their words (POSIX errno names; Windows gives the same errno for
# these through Python's winerror mapping, and its own code for a sharing violation)
_OS_REASONS = {
    "EACCES": "没有访问权限，或文件正被其他程序（如 Excel、WPS、Word）打开占用",
    "EPERM": "没有访问权限",
    "EBUSY": "文件正被其他程序占用",
    "ETXTBSY": "文件正被其他程序占用",
    "ENOSPC": "磁盘空间已满",
    "EDQUOT": "磁盘配额已用完",
    "EROFS": "磁盘或共享文件夹是只读的",
    "ENOENT": "找不到文件或文件夹",
    "ENOTDIR": "路径中有一段不是文件夹",
    "EISDIR": "这是一个文件夹，不是文件",
    "ENAMETOOLONG": "文件路径太长",
    "EIO": "读写出错（磁盘或共享盘故障）",
    "ETIMEDOUT": "共享盘响应超时",
    "EHOSTDOWN": "共享盘所在的服务器无法连接",
    "ENOTCONN": "共享盘已断开",
    "ESTALE": "共享盘连接已失效，需要重新连接",
    "EMFILE": "同时打开的文件太多",
    "ELOOP": "文件夹链接形成了循环",
    "EXDEV": "不能在不同的磁盘之间直接移动文件",
    "ENETUNREACH": "网络不通，无法连接共享盘",
    "ECONNRESET": "共享盘的网络连接被中断",
}
_WINDOWS_REASONS = {32: "文件正被其他程序占用", 33: "文件的一部分被其他程序锁定", 112: "磁盘空间已满",
                    53: "找不到共享盘所在的网络路径", 64: "共享盘的网络连接已断开", 59: "网络出错，无法访问共享盘",
                    67: "找不到共享盘的网络名称", 1231: "无法访问共享盘所在的网络位置"}


def os_reason(exc: OSError) -> str:
    """What an operating-system error means, in Chinese, for a message ('磁盘空间已满'): by its errno (and a Windows
    error code where it says more), never the system's English text ('No space left on device'); '系统错误，代码 N'
    when neither is known."""
    import errno

    winerror = getattr(exc, "winerror", None)
    if winerror in _WINDOWS_REASONS:
        return _WINDOWS_REASONS[winerror]
    name = errno.errorcode.get(exc.errno or 0, "")
    if name in _OS_REASONS:
        return _OS_REASONS[name]
    import logging

    logging.getLogger(__name__).debug("operating-system error %s: %s", exc.errno, exc)  # (its English, for support)
    return f"系统错误，代码 {exc.errno}" if exc.errno else "系统错误"
