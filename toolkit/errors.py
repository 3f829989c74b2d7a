"""Exceptions for the environment or a bug. Bad submissions never raise: they become issues."""


class ToolkitError(Exception):
    """Base class: the run itself cannot go on. ``exit_code`` is what the CLI returns."""

    exit_code = 2


class ConfigError(ToolkitError):
    """A campaign file, an option or a path is wrong (exit 2)."""

    exit_code = 2


class LockHeld(ToolkitError):
    """Another run holds the run lock (exit 3)."""

    exit_code = 3
