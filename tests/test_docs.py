"""The README's two commands at its top are the ones CI runs and a newcomer types."""
from __future__ import annotations

import re

from conftest import ROOT


def test_readme_starts_with_the_two_commands():
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    blocks = re.findall(r"```bash\n(.*?)\n```", text, re.S)
    assert blocks[0] == "pip install -e . && python run.py demo"
    assert blocks[1] == "pip install -e '.[test]' && python -m pytest -q"
    ci = (ROOT / ".ci" / "run").read_text(encoding="utf-8")
    assert "pip install -q -e '.[test]' && python -m pytest -q" in ci


def _commands():
    """Every registered command and its options, from the parser itself (nothing listed by hand)."""
    import argparse

    from toolkit.cli import build_parser

    parser = build_parser()
    [sub] = [a for a in parser._actions if isinstance(a, argparse._SubParsersAction)]
    for name, command in sub.choices.items():
        options = [a for a in command._actions if a.option_strings and not isinstance(a, argparse._HelpAction)]
        yield name, command, options


def test_readme_documents_every_command_option_and_issue_code():
    from toolkit.messages import CATALOGUE

    text = (ROOT / "README.md").read_text(encoding="utf-8")
    commands = list(_commands())
    assert {name for name, _, _ in commands} >= {"demo", "batch", "watch", "check", "templates"}
    for name, _, options in commands:
        assert f"run.py {name}" in text, name
        for option in options:
            assert any(flag in text for flag in option.option_strings if flag.startswith("--")), (name, option.dest)
    for code in CATALOGUE:
        assert code in text, code


def test_every_command_and_option_has_chinese_help():
    for name, command, options in _commands():
        assert command.description, name
        for option in options:
            assert option.help and re.search(r"[\u4e00-\u9fff]", option.help), (name, option.option_strings)


def test_readme_command_examples_parse():
    """Every `python run.py …` line of the README's bash blocks is a command line the tool accepts — its '…'
    standing for the --inbox/--outbox of the block's first line, as the README says under the block (typed as it
    stands, '…' was refused: '无法识别的参数：…')."""
    import shlex

    from toolkit.cli import build_parser

    text = (ROOT / "README.md").read_text(encoding="utf-8")
    blocks = re.findall(r"^ *```bash\n(.*?)\n *```", text, re.S | re.M)  # (some are indented in a list)
    lines = [line.split("#")[0].strip() for block in blocks for line in block.splitlines()]
    examples = [line for line in lines if line.startswith("python run.py ")]
    assert len(examples) >= 8 and any("…" in line for line in examples)
    first = "--inbox 共享盘/inbox --outbox 共享盘/outbox"
    assert f"`…` 处照写第一行的 `{first}`" in text
    for line in examples:
        args = build_parser().parse_args(shlex.split(line.replace("…", first))[2:])
        assert args.command, line


def test_readme_option_table_names_the_commands_that_take_each_option():
    """The 命令选项 table's 用于 column is what each command accepts: it said --deadline was for batch and watch,
    and `check --help` offers it too."""
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    takes: dict[str, set] = {}
    for name, _, options in _commands():
        for option in options:
            for flag in option.option_strings:
                takes.setdefault(flag, set()).add(name)
    rows = [re.match(r"\| (`--.*?) \| (.*?) \|", line) for line in text.splitlines()]
    rows = [(re.findall(r"`(--[\w-]+)", row.group(1)), set(row.group(2).split("、"))) for row in rows if row]
    assert len(rows) >= 10
    for flags, commands in rows:
        for flag in flags:
            assert commands == {"全部"} or commands == takes.get(flag), (flag, commands, takes.get(flag))
