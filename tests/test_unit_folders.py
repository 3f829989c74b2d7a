"""单位/<unit>/ holds that unit's own documents and nothing of any other unit, so a share can give each unit its
folder; province-wide files stay at the top."""
from __future__ import annotations

from toolkit.render import safe_filename


def test_each_unit_folder_holds_only_its_own_documents(demo_run):
    _, outbox, summary, _ = demo_run
    latest = outbox / "latest"
    units = [u["unit"] for u in summary["units"]]
    folders = sorted(p.name for p in (latest / "单位").iterdir())
    assert folders == sorted(safe_filename(u) for u in units)
    others = {safe_filename(u) for u in units}
    for unit in units:
        name = safe_filename(unit)
        listed = sorted(p.name for p in (latest / "单位" / name).rglob("*") if p.is_file())
        assert f"{name}-回执.xlsx" in listed, unit
        for file in listed:
            assert file.startswith(f"{name}-") or file == "index.html", (unit, file)
            assert not any(o != name and o in file for o in others), (unit, file)
            if file.endswith(".html"):
                text = (latest / "单位" / name / file).read_text(encoding="utf-8")
                assert not any(o != name and f"{o}-回执" in text for o in others), (unit, file)
        received = next(u["received"] for u in summary["units"] if u["unit"] == unit)
        assert (f"{name}-推荐意见.docx" in listed) == bool(received)
    top = sorted(p.name for p in latest.iterdir() if p.is_file())
    assert "省级汇总表.xlsx" in top and "summary.json" in top
    # the unit's copy is the same document as the province's
    unit = safe_filename(units[0])
    assert (latest / "单位" / unit / f"{unit}-回执.xlsx").read_bytes() == (latest / "回执" / f"{unit}-回执.xlsx").read_bytes()
