"""A zip archive in a unit's folder: an error until its files are put beside it (unpacked, as its message asks),
then listed and no longer an error — the clerk need not also delete it. Real zips written and a real batch run."""
from __future__ import annotations

import datetime as dt
import hashlib
import io
import json
import zipfile

import pytest

from toolkit.campaign import CHINA_TZ, load_campaign
from toolkit.extract.opc import Package
from toolkit.extract.registry import archive_members
from toolkit.pipeline import run

DAY = dt.datetime(2021, 9, 10, 10, 0, tzinfo=CHINA_TZ)
UNIT = "石家庄市工业和信息化局"
FIRM = "河北华信精密机械有限公司"
FILES = ["1-河北华信精密机械有限公司-申请表.xlsx", "1-河北华信精密机械有限公司-总结材料.docx"]


def _zip(members: dict[str, bytes], *, gbk: bool = False) -> bytes:
    """A zip of ``members`` (name -> bytes); with ``gbk``, names stored in GBK without the UTF-8 flag, as the zip
    tool of Chinese Windows writes them (written with ASCII stand-ins of the same length, then swapped)."""
    buffer = io.BytesIO()
    stand_ins = {}
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("河北华信/" if not gbk else "dir/", b"")
        for n, (name, data) in enumerate(members.items()):
            if gbk:
                raw = ("河北华信/" + name).encode("gbk")
                stand_in = f"{n:02d}".encode() + b"x" * (len(raw) - 2)
                stand_ins[stand_in] = raw
                archive.writestr(stand_in.decode(), data)
            else:
                archive.writestr("河北华信/" + name, data)
    data = buffer.getvalue()
    for stand_in, raw in stand_ins.items():
        data = data.replace(stand_in, raw)
    return data


def _unit(tmp_path, make_form, make_summary) -> tuple:
    staging = tmp_path / "staging"
    make_form(staging / FILES[0], 所在地区="石家庄市")
    make_summary(staging / FILES[1])
    return staging, {name: (staging / name).read_bytes() for name in FILES}


def _run(tmp_path) -> dict:
    run(tmp_path / "inbox", tmp_path / "out", load_campaign(), settle=0, workers=1, now=DAY)
    return json.loads((tmp_path / "out" / "latest" / "summary.json").read_text(encoding="utf-8"))


@pytest.mark.parametrize("gbk", [False, True], ids=["UTF-8 names", "GBK names (Windows)"])
def test_archive_members_are_named_as_written(gbk):
    data = _zip({"申请表.xlsx": b"abc", "__MACOSX/._申请表.xlsx": b"x", "Thumbs.db": b"y"}, gbk=gbk)
    raw = zipfile.ZipFile(io.BytesIO(data)).infolist()
    assert all(bool(i.flag_bits & 0x800) is not gbk for i in raw if not i.filename.isascii() or gbk)
    with Package(data) as package:
        assert archive_members(package) == (("申请表.xlsx", hashlib.sha256(b"abc").hexdigest()),)


def _archive_entry(summary: dict) -> dict:
    return next(f for f in summary["files"] if f["file"].endswith(".zip"))


@pytest.mark.parametrize("gbk", [False, True], ids=["UTF-8 names", "GBK names (Windows)"])
def test_an_unpacked_archive_left_beside_its_files_is_no_error(tmp_path, make_form, make_summary, gbk):
    _staging, members = _unit(tmp_path, make_form, make_summary)
    folder = tmp_path / "inbox" / "石家庄"
    folder.mkdir(parents=True)
    (folder / "华信申报材料.zip").write_bytes(_zip(members, gbk=gbk))
    summary = _run(tmp_path)
    entry = _archive_entry(summary)
    assert entry["status"] == "rejected" and [i["code"] for i in entry["issues"]] == ["file.unsupported"]
    message = entry["issues"][0]["message"]
    assert "解压" in message and "另存为" not in message
    for name, data in members.items():  # the clerk unpacks it into a sub-folder, and leaves the zip
        (folder / "河北华信" / name).parent.mkdir(exist_ok=True)
        (folder / "河北华信" / name).write_bytes(data)
    summary = _run(tmp_path)
    entry = _archive_entry(summary)
    assert entry["status"] == "unpacked" and entry["issues"] == []
    [app] = summary["applications"]
    assert app["status"] == "通过"
    [unit] = [u for u in summary["units"] if u["unit"] == UNIT]
    assert unit["file_errors"] == 0 and unit["opinion_final"], unit


def test_an_archive_with_a_file_not_yet_unpacked_names_it(tmp_path, make_form, make_summary):
    _staging, members = _unit(tmp_path, make_form, make_summary)
    folder = tmp_path / "inbox" / "石家庄"
    folder.mkdir(parents=True)
    (folder / "材料.zip").write_bytes(_zip({**members, "证实性材料.pdf": b"%PDF-1.4 stamped"}))
    for name, data in members.items():
        (folder / name).write_bytes(data)
    entry = _archive_entry(_run(tmp_path))
    assert entry["status"] == "rejected"
    [issue] = entry["issues"]
    assert issue["severity"] == "error" and "证实性材料.pdf" in issue["message"]
    assert FILES[0] not in issue["message"] and "1个文件在本单位文件夹中没有内容相同的文件" in issue["message"]


def test_an_unpacked_file_edited_since_is_named_and_the_archive_may_be_deleted(tmp_path, make_form, make_summary):
    """The enterprise corrected the 申请表 after the clerk unpacked it: its content is no longer the archive's, so
    the archive stays an error naming it, and says it may simply be deleted."""
    _staging, members = _unit(tmp_path, make_form, make_summary)
    folder = tmp_path / "inbox" / "石家庄"
    folder.mkdir(parents=True)
    (folder / "材料.zip").write_bytes(_zip(members))
    make_form(folder / FILES[0], 所在地区="石家庄市", 联系人="李四改")
    (folder / FILES[1]).write_bytes(members[FILES[1]])
    entry = _archive_entry(_run(tmp_path))
    assert entry["status"] == "rejected"
    [issue] = entry["issues"]
    assert FILES[0] in issue["message"] and FILES[1] not in issue["message"] and "可以直接删除压缩包" in issue["message"]


def test_another_enterprises_files_of_the_same_names_do_not_unpack_an_archive(tmp_path, make_form, make_summary):
    """Enterprises keep the template's names: a zip holding 远大's '申请表.xlsx' and '总结材料.docx' is not unpacked
    by 华信's files of those names in their sub-folder — it stays an error (before: cleared by name, and 远大's
    application vanished without a word)."""
    folder = tmp_path / "inbox" / "石家庄"
    make_form(folder / "华信" / "申请表.xlsx", 所在地区="石家庄市")
    make_summary(folder / "华信" / "总结材料.docx")
    staging = tmp_path / "staging"
    other = "石家庄远大机械有限公司"
    make_form(staging / "申请表.xlsx", 申报单位=other, 标杆名称=f"{other}实施精益生产的经验", 所在地区="石家庄市")
    make_summary(staging / "总结材料.docx", enterprise=other, name=f"{other}实施精益生产的经验")
    (folder / "远大申报材料.zip").write_bytes(_zip({n: (staging / n).read_bytes() for n in ("申请表.xlsx", "总结材料.docx")}))
    summary = _run(tmp_path)
    entry = _archive_entry(summary)
    assert entry["status"] == "rejected" and [i["severity"] for i in entry["issues"]] == ["error"]
    [unit] = [u for u in summary["units"] if u["unit"] == UNIT]
    assert unit["file_errors"] == 1 and not unit["opinion_final"]


def test_an_archive_whose_members_differ_only_in_case_lists_them_all():
    """Names in a zip archive are case-sensitive ('照片.jpg' and '照片.JPG' are two photos, as a phone or a Linux
    folder keeps them): only an Office package's part names are not (ECMA-376-2 §9.1.1.1). The check for a part
    held twice (opc.Package) refused such an archive, so its members went unlisted and it could never be cleared
    by unpacking it."""
    data = _zip({"照片.jpg": b"one", "照片.JPG": b"two"})
    with Package(data) as package:
        assert archive_members(package) == (("照片.jpg", hashlib.sha256(b"one").hexdigest()),
                                            ("照片.JPG", hashlib.sha256(b"two").hexdigest()))
