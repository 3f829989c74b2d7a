"""The status page as a browser shows it (headless Chromium, file://): a tile per unit with summary.json's counts,
relative links that resolve on the share, untrusted text shown as text, a screenshot that renders."""
from __future__ import annotations

import datetime as dt
import json
import shutil
import subprocess
from pathlib import Path
from urllib.parse import unquote, urlsplit

import pytest
from lxml import html as lxml_html

from toolkit.campaign import CHINA_TZ
from toolkit.pipeline import run
from toolkit.render.status_page import href, time_left

EARLY = dt.datetime(2021, 9, 1, 10, 0, tzinfo=CHINA_TZ)
HOSTILE = "<script>alert(1)</script>"


def chromium() -> str | None:
    return shutil.which("chromium") or shutil.which("chromium-browser") or shutil.which("google-chrome")


needs_chromium = pytest.mark.skipif(chromium() is None, reason="Chromium not installed (apt-get install chromium)")


def _browser(page: Path, profile: Path, *args: str) -> subprocess.CompletedProcess:
    profile.mkdir(parents=True, exist_ok=True)
    cmd = [chromium(), "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
           "--disable-background-networking", "--disable-component-update", "--disable-sync",
           f"--user-data-dir={profile}", *args, page.resolve().as_uri()]
    return subprocess.run(cmd, capture_output=True, timeout=180, check=False)


def dump_dom(page: Path, profile: Path):
    """The page's DOM after Chromium loaded it, parsed (lxml)."""
    proc = _browser(page, profile, "--dump-dom")
    assert proc.returncode == 0 and proc.stdout, proc.stderr.decode("utf-8", "replace")[-2000:]
    return lxml_html.fromstring(proc.stdout.decode("utf-8"))


def test_time_left_as_of_generation():
    deadline = dt.datetime(2021, 9, 20, 23, 59, 59, tzinfo=CHINA_TZ)
    assert time_left(deadline, "2021-09-17T18:00:00+08:00") == "距截止还有 3 天 5 小时"
    assert time_left(deadline, "2021-09-20T21:30:00+08:00") == "距截止还有 2 小时 29 分钟"
    assert time_left(deadline, "2021-09-20T15:50:00+00:00") == "距截止还有 9 分钟"  # 23:50 China time
    assert time_left(deadline, "2021-09-20T16:00:00+00:00") == "已截止"  # 9月21日 0:00 China time
    assert time_left(deadline, "2021-09-21T09:59:00+08:00") == "已截止"


def test_href_percent_encodes_each_segment():
    assert href("回执", "石家庄市-回执.xlsx") == "%E5%9B%9E%E6%89%A7/%E7%9F%B3%E5%AE%B6%E5%BA%84%E5%B8%82-%E5%9B%9E%E6%89%A7.xlsx"
    assert href("a b#?%.xlsx") == "a%20b%23%3F%25.xlsx"


@needs_chromium
def test_a_tile_per_unit_with_summary_counts(demo_run, tmp_path):
    _, outbox, summary, _ = demo_run
    dom = dump_dom(outbox / "latest" / "index.html", tmp_path / "profile")
    tiles = dom.xpath("//article[@data-unit]")
    assert [t.get("data-unit") for t in tiles] == [u["unit"] for u in summary["units"]]  # 附件2 order
    keys = ("received", "passed", "needs_fix", "over_quota", "late", "withdrawn", "ineligible", "to_handle",
            "file_errors", "quota")
    for tile, unit in zip(tiles, summary["units"]):
        for key in keys:
            assert int(tile.get(f"data-{key.replace('_', '-')}")) == unit[key], (unit["unit"], key)
        shown = {box.get("data-count"): box.xpath("string(b)") for box in tile.xpath(".//*[@data-count]")}
        assert shown["received"] == str(unit["received"]) and shown["to-handle"] == str(unit["to_handle"])
        stamped = ("no" if not unit["stamped_opinion"] else "outdated"
                   if unit["opinion_outdated"] or not unit["opinion_final"] else "yes")
        assert tile.get("data-stamped") == stamped
        assert tile.get("data-opinion") == ("final" if unit["opinion_final"] else "draft")
        text = tile.text_content()
        assert f"还需处理 {unit['to_handle']} 项" in text
        assert all(reason in text for reason in unit["draft_reasons"])
    zhangjiakou = dom.xpath('//article[@data-unit="张家口市工业和信息化局"]')[0].text_content()
    assert "3-张家口燕赵食品有限公司-申请表.xlsx" in zhangjiakou  # the unreadable file is something to do
    assert dom.xpath('string(//*[@id="deadline"])') == "已截止"  # the demo runs on 2021-09-21
    problems = dom.xpath("//section[@data-unit]")
    assert {p.get("data-unit") for p in problems} <= {u["unit"] for u in summary["units"]}
    assert dom.xpath('//*[@id="problems-unassigned"]')  # the demo's file outside every unit folder
    assert not dom.xpath("//script") and not dom.xpath("//link[@rel='stylesheet']")


def test_nothing_left_says_what_the_receipt_says(demo_run):
    """A unit with nothing left to handle: its tile (index.html and its own page) says so in the 回执's words — and
    a unit whose application is 不符合申报条件 (the demo's 保定) is not told '无。' beside that verdict: the tile names
    it, says it is not in the 推荐意见 and where its fixes are, in case a figure was typed wrong."""
    _, outbox, summary, _ = demo_run
    index = lxml_html.fromstring((outbox / "latest" / "index.html").read_bytes())
    done = [u for u in summary["units"] if u["received"] and not u["to_handle"]]
    ineligible = [u for u in done if u["ineligible"]]
    assert ineligible and len(done) > len(ineligible)
    for u in done:
        page = lxml_html.fromstring((outbox / "latest" / "单位" / u["unit"] / "index.html").read_bytes())
        for tile, where in ((index.xpath(f'//article[@data-unit="{u["unit"]}"]')[0], "本页下方“问题清单”"),
                            (page.xpath("//article[@data-unit]")[0], "本页“问题及修改方法”")):
            line = tile.xpath('string(.//p[contains(@class, "done")])')
            if u["ineligible"]:
                firms = [a["enterprise"] for a in summary["applications"]
                         if a["unit"] == u["unit"] and a["status"] == "不符合申报条件"]
                assert line == (f"没有需补正的申报；{len(firms)} 项不符合申报条件（{'、'.join(firms)}），不列入推荐意见，"
                                f"如是填写错误造成的，请按{where}改正后重新报送。"), line
            else:
                assert line == "本单位的申报材料没有需要修改的错误。", line


def _relative_links(dom) -> list[str]:
    return [a.get("href") for a in dom.xpath("//a[@href]")]


@needs_chromium
def test_every_link_resolves_on_the_share(demo_run, tmp_path):
    """Every href of index.html and of every unit page is relative and names an existing file (unit pages: only
    files in their own folder). Chromium reads the top page and a few unit pages; the rest are parsed as written."""
    _, outbox, summary, _ = demo_run
    latest = outbox / "latest"
    pages = [latest / "index.html", *sorted((latest / "单位").glob("*/index.html"))]
    assert len(pages) == 1 + len(summary["units"])
    in_browser = {pages[0], latest / "单位" / "张家口市工业和信息化局" / "index.html",
                  latest / "单位" / "河北省质量文化协会" / "index.html"}
    for n, page in enumerate(pages):
        dom = (dump_dom(page, tmp_path / f"profile-{n}") if page in in_browser
               else lxml_html.fromstring(page.read_bytes()))
        links = _relative_links(dom)
        assert links, page
        for link in links:
            parts = urlsplit(link)
            assert not parts.scheme and not parts.netloc and not link.startswith("/"), link
            target = (page.parent / unquote(parts.path)).resolve()
            assert target.is_file(), (page, link)
            if page != pages[0]:  # a unit's page: only its own folder
                assert target.parent == page.parent.resolve(), (page, link)
        if page != pages[0]:
            unit = page.parent.name
            assert [t.get("data-unit") for t in dom.xpath("//article[@data-unit]")] == [unit]
            assert any(unquote(link) == f"{unit}-回执.xlsx" for link in links)
        else:
            links = {unquote(link) for link in links}
            # written after the background register: its link (made only for a file present) is there
            assert {"省级汇总表.xlsx", "summary.json"} <= links
            for unit in summary["units"]:
                assert f"回执/{unit['unit']}-回执.xlsx" in links
                assert f"单位/{unit['unit']}/index.html" in links
                if unit["received"]:
                    assert f"推荐意见/{unit['unit']}-推荐意见.docx" in links


@needs_chromium
def test_untrusted_text_stays_text(tmp_path, make_form, make_summary, campaign):
    unit = tmp_path / "inbox" / "邯郸"
    make_form(unit / "1-申请表.xlsx", 申报单位=HOSTILE, 标杆名称=f"{HOSTILE}实施六西格玛设计的经验")
    (unit / "<img src=x onerror=alert(2)>.xlsx").write_bytes(b"not a workbook")
    run(tmp_path / "inbox", tmp_path / "out", campaign, settle=0, workers=1, now=EARLY)
    summary = json.loads((tmp_path / "out" / "latest" / "summary.json").read_text(encoding="utf-8"))
    assert HOSTILE in {a["enterprise"] for a in summary["applications"]}
    for n, page in enumerate([tmp_path / "out" / "latest" / "index.html",
                              tmp_path / "out" / "latest" / "单位" / "邯郸市工业和信息化局" / "index.html"]):
        dom = dump_dom(page, tmp_path / f"profile-{n}")
        assert not dom.xpath("//script"), page
        assert not dom.xpath("//img"), page
        assert not [e for e in dom.iter() if any(name.startswith("on") for name in e.attrib)], page
        text = dom.text_content()
        assert HOSTILE in text and "<img src=x onerror=alert(2)>.xlsx" in text, page
        if n == 0:
            assert "距截止还有 19 天 13 小时" in text  # 2021-09-01 10:00 to 2021-09-20 23:59 China time


@needs_chromium
def test_screenshot_renders(demo_run, tmp_path):
    """A PNG of the page as a browser draws it (looked at by hand when the page changes)."""
    _, outbox, _, _ = demo_run
    png = tmp_path / "index.png"
    proc = _browser(outbox / "latest" / "index.html", tmp_path / "profile", "--window-size=1280,2000",
                    f"--screenshot={png}", "--hide-scrollbars")
    assert proc.returncode == 0, proc.stderr.decode("utf-8", "replace")[-2000:]
    data = png.read_bytes()
    assert data.startswith(b"\x89PNG") and len(data) > 50_000  # a blank page is a few kilobytes


# a page in an iframe as wide as a phone (headless Chromium's window is at least 500 px wide); the wrapper reads
# the page's layout (file:// pages are one origin with --allow-file-access-from-files) into <pre id="layout">
PHONE_WRAPPER = """<!DOCTYPE html><html><body style="margin:0"><iframe id="f" src="{src}"
style="border:0;width:{width}px;height:900px"></iframe><pre id="layout"></pre><script>
document.getElementById('f').addEventListener('load', () => {{
  const d = document.getElementById('f').contentDocument;
  const shown = [...d.querySelectorAll('td')].filter(td => td.textContent.trim() && td.getClientRects().length);
  document.getElementById('layout').textContent = JSON.stringify({{
    inner: d.defaultView.innerWidth, scroll: d.documentElement.scrollWidth,
    tables: d.querySelectorAll('table').length,
    headers: [...d.querySelectorAll('th')].filter(th => th.getClientRects().length).length,
    narrowest: Math.min(...shown.map(td => td.getBoundingClientRect().width)),
    labelled: shown.filter(td => getComputedStyle(td, '::before').content.includes(td.dataset.label)).length,
    cells: shown.filter(td => td.dataset.label).length}});
}});
</script></body></html>"""


def page_layout(page: Path, width: int, tmp: Path) -> dict:
    """How Chromium lays out ``page`` in a ``width`` px wide viewport: its width and scrollWidth, the table and
    header cells shown, the narrowest non-empty data cell (px), how many cells are a column's (data-label) and
    how many of these show the label."""
    wrapper = tmp / f"phone-{width}-{page.parent.name}.html"
    wrapper.write_text(PHONE_WRAPPER.format(src=page.resolve().as_uri(), width=width), encoding="utf-8")
    proc = _browser(wrapper, tmp / "profile-phone", "--allow-file-access-from-files", "--window-size=1000,1000",
                    "--virtual-time-budget=5000", "--dump-dom")
    assert proc.returncode == 0, proc.stderr.decode("utf-8", "replace")[-2000:]
    text = lxml_html.fromstring(proc.stdout.decode("utf-8")).xpath('string(//pre[@id="layout"])')
    assert text, "the page did not load in the iframe"
    return json.loads(text)


@needs_chromium
@pytest.mark.parametrize("width", [360, 390, 414])
def test_pages_read_on_a_phone_without_sideways_scrolling(demo_run, tmp_path, width):
    """On a phone (360-414 px) the top page and the unit pages (唐山: problems, four applications, files; 张家口:
    an unreadable file) fit the screen's width, and their tables are stacked: each row a block, each cell as
    wide as the screen's text and labelled with its column's name (before: tables 460 px wide in 390, columns of
    three characters, the 说明 and 修改方法 off the screen)."""
    latest = demo_run[1] / "latest"
    for page in (latest / "index.html", latest / "单位" / "唐山市工业和信息化局" / "index.html",
                 latest / "单位" / "张家口市工业和信息化局" / "index.html"):
        layout = page_layout(page, width, tmp_path)
        assert layout["inner"] == width, layout
        assert layout["scroll"] <= width, (page, layout)
        assert layout["tables"] and layout["headers"] == 0, (page, layout)
        assert layout["narrowest"] >= width * 0.8, (page, layout)
        assert layout["labelled"] == layout["cells"] > 0, (page, layout)  # (a group's heading is not a column)


@needs_chromium
def test_pages_keep_their_tables_on_a_wide_screen(demo_run, tmp_path):
    """At 1280 px the same pages show ordinary tables: a header row each, cells side by side."""
    latest = demo_run[1] / "latest"
    for page in (latest / "index.html", latest / "单位" / "唐山市工业和信息化局" / "index.html"):
        layout = page_layout(page, 1280, tmp_path)
        assert layout["scroll"] <= 1280 and layout["headers"] >= layout["tables"] * 5, (page, layout)
        assert layout["narrowest"] < 200 and layout["labelled"] == 0, (page, layout)
