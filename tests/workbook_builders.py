"""Builders for spreadsheet test files: the 附件1-like 申请表 as openpyxl workbooks, zip surgery on their parts,
and .xls files written record by record (OLE2 compound file, BIFF8/5/4 streams) so each reader path is exercised
on bytes built here, not on committed binaries."""
from __future__ import annotations

import io
import struct
import zipfile

ENTERPRISE = "河北恒瑞精工机械有限公司"
FIELDS = {
    "申报单位": ENTERPRISE, "所属行业": "C34 通用设备制造业", "所在地区": "石家庄市",
    "标杆名称": "河北恒瑞精工机械有限公司实施六西格玛设计的经验",
    "摘要": "公司自2017年导入六西格玛设计，建立DFSS项目推进体系，产品一次交检合格率由97.1%提升到99.3%。",
    "联系人": "赵一鸣", "电话": "0311-86660001", "手机": "13900000001", "电子邮箱": "zhaoym@hengrui-example.cn",
    "传真": "0311-86660002", "通讯地址": "石家庄市高新区示例路1号",
}
YEARS = (2018, 2019, 2020)
YEARLY = {
    "资产总额": ("资产总额（万元）", (52000.0, 56000.0, 61000.5)),
    "主营业收入": ("主营业收入（万元）", (41000.0, 43800.0, 47000.0)),
    "其他业务收入": ("其他业务收入（万元）", (900.0, 1000.0, 1100.0)),
    "利润总额": ("利润总额（万元）", (3100.0, 3300.0, 3650.25)),
    "从业人员": ("从业人员（人）", (1200, 1250, 1300)),
}


def form_cells(fields: dict | None = None, yearly: dict | None = None, year_header=float) -> dict:
    """The 申请表 as {(row, col): value} (0-based): labels in column A/B, values right, years across row 11."""
    f = dict(FIELDS, **(fields or {}))
    y = dict(YEARLY, **(yearly or {}))
    cells = {(0, 0): "2021年河北省工业企业质量标杆申请表",
             (2, 0): "申报单位", (2, 1): f["申报单位"],
             (3, 0): "所属行业", (3, 1): f["所属行业"], (3, 3): "所在地区", (3, 4): f["所在地区"],
             (4, 0): "标杆名称", (4, 1): f["标杆名称"], (5, 0): "摘  要", (5, 1): f["摘要"],
             (6, 0): "联系人", (6, 1): f["联系人"], (6, 2): "电话", (6, 3): f["电话"], (6, 4): "手机",
             (6, 5): f["手机"], (7, 0): "电子邮箱", (7, 1): f["电子邮箱"], (7, 3): "传真", (7, 4): f["传真"],
             (8, 0): "通讯地址", (8, 1): f["通讯地址"], (10, 0): "基本情况", (10, 1): "年度"}
    for i, year in enumerate(YEARS):
        cells[(10, 2 + i)] = year_header(year)
    for j, (label, values) in enumerate(y.values()):
        cells[(11 + j, 1)] = label
        for i, v in enumerate(values):
            cells[(11 + j, 2 + i)] = float(v)
    return cells


def form_workbook(cells: dict | None = None, title: str = "申请表"):
    """An openpyxl Workbook holding ``cells`` (default: the complete form) on one sheet."""
    from openpyxl import Workbook

    wb = Workbook()
    ws = wb.active
    ws.title = title
    put(ws, form_cells() if cells is None else cells)
    return wb


def put(ws, cells: dict) -> None:
    for (r, c), v in cells.items():
        ws.cell(row=r + 1, column=c + 1, value=v)
    for rng in ("B3:F3", "B5:F5", "B6:F6", "B9:F9"):
        ws.merge_cells(rng)


def save(wb) -> bytes:
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


def ranking_sheet(path, rows: list) -> None:
    """A unit's 推荐排序表 at ``path``: 推荐顺序, 申报单位, 标杆名称, 备注, then ``rows`` (备注 may say 撤回)."""
    from openpyxl import Workbook

    wb = Workbook()
    wb.active.append(["推荐顺序", "申报单位", "标杆名称", "备注"])
    for row in rows:
        wb.active.append(row)
    wb.save(path)


def zip_members(data: bytes) -> dict:
    with zipfile.ZipFile(io.BytesIO(data)) as zf:
        return {i.filename: zf.read(i.filename) for i in zf.infolist()}


def zip_bytes(members: dict) -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as zf:
        for name, data in members.items():
            zf.writestr(name, data if isinstance(data, bytes) else data.encode("utf-8"))
    return buf.getvalue()


def edit_part(data: bytes, part: str, edit) -> bytes:
    """The package with ``part`` replaced by edit(text)."""
    members = zip_members(data)
    members[part] = edit(members[part].decode("utf-8")).encode("utf-8")
    return zip_bytes(members)


# ---------------------------------------------------------------- .xls (compound file, BIFF records)

SECTOR = 512
FREESECT, ENDOFCHAIN, FATSECT, NOSTREAM = 0xFFFFFFFF, 0xFFFFFFFE, 0xFFFFFFFD, 0xFFFFFFFF


def _cfb_key(name: str):
    return (len(name), name.upper())  # sibling order in a compound file: shorter names first, then case-insensitive


def cfb(tree: dict) -> bytes:
    """A compound file (OLE2, version 3) from ``tree``: {name: bytes (a stream) or dict (a storage)}.

    Every stream is padded to 4096 bytes or more so that it lives in regular sectors (no mini stream), as
    Excel does with the Workbook stream. Each storage's children form a simple binary search tree in
    compound-file order: the middle child is the entry point, smaller names chain to the left, larger to the right.
    """
    entries = [["Root Entry", 5, b"", []]]  # [name, type, data, child indexes]

    def add(name, node):
        idx = len(entries)
        if isinstance(node, dict):
            entries.append([name, 1, b"", []])
            entries[idx][3] = [add(k, v) for k, v in sorted(node.items(), key=lambda kv: _cfb_key(kv[0]))]
        else:
            data = bytes(node)
            if len(data) < 4096:
                data += b"\x00" * (4096 - len(data))
            entries.append([name, 2, data, []])
        return idx

    entries[0][3] = [add(k, v) for k, v in sorted(tree.items(), key=lambda kv: _cfb_key(kv[0]))]
    left, right, child = {}, {}, {}
    for i, e in enumerate(entries):
        kids = e[3]
        if not kids:
            continue
        mid = len(kids) // 2
        child[i] = kids[mid]
        for a, b in zip(kids[mid:], kids[mid + 1:]):
            right[a] = b
        for a, b in zip(kids[mid:0:-1], kids[mid - 1::-1]):
            left[a] = b

    # sector layout: [FAT sectors][stream sectors ...][directory sectors]
    stream_secs = [(len(e[2]) + SECTOR - 1) // SECTOR if e[1] == 2 else 0 for e in entries]
    dir_secs = (len(entries) + 3) // 4
    n_fat = 1
    while n_fat * 128 < n_fat + sum(stream_secs) + dir_secs:
        n_fat += 1
    if n_fat > 109:
        raise ValueError("too big for this small writer")
    fat = [FATSECT] * n_fat
    starts = []
    for e, n in zip(entries, stream_secs):
        if n == 0:
            starts.append(ENDOFCHAIN if e[1] == 5 else 0)
            continue
        first = len(fat)
        fat.extend(range(first + 1, first + n))
        fat.append(ENDOFCHAIN)
        starts.append(first)
    dir_start = len(fat)
    fat.extend(range(dir_start + 1, dir_start + dir_secs))
    fat.append(ENDOFCHAIN)
    fat.extend([FREESECT] * (n_fat * 128 - len(fat)))

    def dir_entry(i):
        name, typ, data, _kids = entries[i]
        raw = name.encode("utf-16-le") + b"\x00\x00"
        return (raw.ljust(64, b"\x00") + struct.pack("<HBB", len(raw), typ, 1)
                + struct.pack("<III", left.get(i, NOSTREAM), right.get(i, NOSTREAM), child.get(i, NOSTREAM))
                + b"\x00" * 16 + struct.pack("<I", 0) + b"\x00" * 16
                + struct.pack("<IQ", starts[i], len(data) if typ == 2 else 0))

    empty = b"\x00" * 64 + struct.pack("<HBB", 0, 0, 0) + struct.pack("<III", NOSTREAM, NOSTREAM, NOSTREAM) \
        + b"\x00" * 48
    header = bytearray(SECTOR)
    header[0:8] = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
    struct.pack_into("<HHHHH", header, 24, 0x003E, 0x0003, 0xFFFE, 9, 6)
    struct.pack_into("<IIIIIIIII", header, 40, 0, n_fat, dir_start, 0, 4096, ENDOFCHAIN, 0, ENDOFCHAIN, 0)
    struct.pack_into("<109I", header, 76, *(list(range(n_fat)) + [FREESECT] * (109 - n_fat)))

    out = io.BytesIO()
    out.write(bytes(header))
    out.write(struct.pack(f"<{len(fat)}I", *fat))
    for e in entries:
        if e[1] == 2:
            out.write(e[2] + b"\x00" * ((-len(e[2])) % SECTOR))
    out.write(b"".join(dir_entry(i) for i in range(len(entries))) + empty * (dir_secs * 4 - len(entries)))
    return out.getvalue()


def rec(rid: int, body: bytes = b"") -> bytes:
    """One BIFF record: type, length, body."""
    return struct.pack("<HH", rid, len(body)) + body


def xlu(text: str) -> bytes:
    """A BIFF8 Unicode string (2-byte length, flags, UTF-16LE)."""
    return struct.pack("<HB", len(text), 1) + text.encode("utf-16-le")


def short_xlu(text: str) -> bytes:
    return struct.pack("<BB", len(text), 1) + text.encode("utf-16-le")


BOF8_GLOBALS = rec(0x0809, struct.pack("<HHHHII", 0x0600, 0x0005, 0x1F4B, 0x07CD, 0x000080C9, 0x00000206))
BOF8_SHEET = rec(0x0809, struct.pack("<HHHHII", 0x0600, 0x0010, 0x1F4B, 0x07CD, 0x000080C9, 0x00000206))
EOF = rec(0x000A)


def _xf(font=0, fmt=0, style=False) -> bytes:
    # XF (BIFF8, 20 bytes): font, number format, flags (style XF, or cell XF with parent 0); alignment, borders zeroed
    flags = 0xFFF5 if style else 0x0001
    return rec(0x00E0, struct.pack("<HHH", font, fmt, flags) + b"\x20\x00" + b"\x00" * 12)


def biff8_globals(sheet_names: list, sst: list, sheet_offsets: list) -> bytes:
    font = rec(0x0031, struct.pack("<HHHHHBBBB", 220, 0, 0x7FFF, 400, 0, 0, 0, 0x86, 0) + short_xlu("宋体"))
    body = [BOF8_GLOBALS, rec(0x0042, struct.pack("<H", 1200)),  # CODEPAGE: UTF-16
            rec(0x003D, struct.pack("<HHHHHHHHH", 0, 0, 0x4000, 0x2000, 0x38, 0, 0, 1, 0x258)),  # WINDOW1
            font, font, font, font, font]
    body += [_xf(style=True)] * 15 + [_xf()]  # 15 style XFs + the default cell XF (index 15)
    for name, off in zip(sheet_names, sheet_offsets):
        body.append(rec(0x0085, struct.pack("<IBB", off, 0, 0) + short_xlu(name)))  # BOUNDSHEET8
    if sst:
        sst_body = struct.pack("<II", len(sst), len(sst)) + b"".join(xlu(s) for s in sst)
        if len(sst_body) > 8224:
            raise ValueError("SST too long for one record in this small writer")
        body.append(rec(0x00FC, sst_body))
    body.append(EOF)
    return b"".join(body)


def biff8_sheet(cells: dict, sst_index: dict) -> bytes:
    """A worksheet substream. ``cells``: {(row, col): str | float} (0-based)."""
    rows = [r for r, _ in cells] or [0]
    cols = [c for _, c in cells] or [0]
    out = [BOF8_SHEET,
           rec(0x0200, struct.pack("<IIHHH", min(rows), max(rows) + 1, min(cols), max(cols) + 1, 0))]  # DIMENSIONS
    for (r, c), v in sorted(cells.items()):
        if isinstance(v, str):
            out.append(rec(0x00FD, struct.pack("<HHHI", r, c, 15, sst_index[v])))  # LABELSST
        else:
            out.append(rec(0x0203, struct.pack("<HHHd", r, c, 15, float(v))))  # NUMBER
    out.append(rec(0x023E, struct.pack("<HHHH", 0x06B6, 0, 0, 0x40) + b"\x00" * 10))  # WINDOW2
    out.append(EOF)
    return b"".join(out)


def biff8_workbook_stream(sheets: dict) -> bytes:
    """The Workbook stream of a BIFF8 .xls: ``sheets`` = {sheet name: {(row, col): value}}."""
    sst = []
    for cells in sheets.values():
        for v in cells.values():
            if isinstance(v, str) and v not in sst:
                sst.append(v)
    index = {s: i for i, s in enumerate(sst)}
    names = list(sheets)
    subs = [biff8_sheet(sheets[n], index) for n in names]
    glob = biff8_globals(names, sst, [0] * len(names))  # same length with the real offsets
    offsets, pos = [], len(glob)
    for s in subs:
        offsets.append(pos)
        pos += len(s)
    return biff8_globals(names, sst, offsets) + b"".join(subs)


def xls_bytes(sheets: dict, extra_storages: dict | None = None) -> bytes:
    """A complete .xls: the Workbook stream of ``sheets`` (and any extra storages) in a compound file."""
    tree = {"Workbook": biff8_workbook_stream(sheets)}
    tree.update(extra_storages or {})
    return cfb(tree)
