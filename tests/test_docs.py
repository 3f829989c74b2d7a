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


def test_readme_documents_every_command_and_issue_code():
    from toolkit.messages import CATALOGUE

    text = (ROOT / "README.md").read_text(encoding="utf-8")
    for command in ("demo", "batch", "watch", "check", "templates"):
        assert f"run.py {command}" in text
    for code in CATALOGUE:
        assert code in text, code
