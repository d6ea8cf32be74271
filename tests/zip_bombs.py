"""Crafted .xlsx zip bombs for the importer's tests and bench/refusals.py.

Each is a real workbook (the import template) whose first worksheet (说明: the importer reads no
data from it, but openpyxl reads every sheet for its dimensions on opening) is swapped for a sheet
that inflates to `inflated` bytes from a tiny deflate stream. The zip is written by hand so the
central directory can say what the test wants: the true sizes, or a lie (sizes much smaller than
what the stream inflates to). The repeated part is compressed once and its deflate segment
repeated, so a 1 GiB bomb takes a quarter of a second to build (its CRC-32).
"""

from __future__ import annotations

import random
import struct
import zipfile
import zlib
from dataclasses import dataclass, replace
from io import BytesIO

from backend.org.importer.export import workbook_bytes
from backend.org.importer.template import build_template_workbook

BOMB_MEMBER = "xl/worksheets/sheet1.xml"
_HEAD = (
    b'<?xml version="1.0" encoding="UTF-8"?>'
    b'<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>'
    b'<row r="1"><c r="A1" t="inlineStr"><is><t>\xe4\xb9\xa1\xe9\x95\x87\xe4\xbb\xa3\xe7\xa0\x81</t></is></c></row>'
)
_TAIL = b"</sheetData></worksheet>"
# 1 MiB of blanks after the header row, compressed once: valid XML at deflate's best ratio
# (≈ 1,000:1). The XML parser keeps a text run whole, so without a guard memory grows with it
# (before the guard: 256 MiB of it took parse_workbook from 60 MB to 316 MB).
_CHUNK = b" " * (1024 * 1024)


@dataclass(frozen=True)
class _Member:
    name: str
    raw: bytes  # the deflate stream
    crc: int
    compressed: int
    declared: int  # uncompressed size written in both headers


def _deflated(data: bytes) -> bytes:
    compressor = zlib.compressobj(9, zlib.DEFLATED, -15)
    return compressor.compress(data) + compressor.flush()


def _chunk(tabs: float) -> bytes:
    """The blanks, with a share `tabs` of them tabs at fixed random places: 1 % brings deflate's
    ratio down to ≈ 64:1, under the guard's 100."""
    blanks = bytearray(_CHUNK)
    rng = random.Random(7)
    for _ in range(int(len(blanks) * tabs)):
        blanks[rng.randrange(len(blanks))] = 9
    return bytes(blanks)


def _bomb_member(inflated: int, declared: int | None, tabs: float) -> _Member:
    """A sheet of ≈ `inflated` bytes: a header row, the 1 MiB chunk repeated, the end. After
    Z_FULL_FLUSH a deflate segment depends on nothing before it, so one segment can be repeated."""
    body = _chunk(tabs)
    compressor = zlib.compressobj(9, zlib.DEFLATED, -15)
    head = compressor.compress(_HEAD) + compressor.flush(zlib.Z_FULL_FLUSH)
    chunk = compressor.compress(body) + compressor.flush(zlib.Z_FULL_FLUSH)
    tail = compressor.compress(_TAIL) + compressor.flush()
    repeats = max(1, (inflated - len(_HEAD) - len(_TAIL)) // len(body))
    raw = head + chunk * repeats + tail
    size = len(_HEAD) + len(body) * repeats + len(_TAIL)
    crc = zlib.crc32(_HEAD)
    for _ in range(repeats):
        crc = zlib.crc32(body, crc)
    crc = zlib.crc32(_TAIL, crc)
    return _Member(BOMB_MEMBER, raw, crc, len(raw), size if declared is None else declared)


def _plain_member(name: str, data: bytes) -> _Member:
    raw = _deflated(data)
    return _Member(name, raw, zlib.crc32(data), len(raw), len(data))


def _zip(members: list[_Member]) -> bytes:
    """Local headers, data, central directory, end record; a declared size of 4 GiB or more goes
    in a ZIP64 extra field (0xFFFFFFFF in the 32-bit one), as zip tools write it."""
    out = BytesIO()
    central = BytesIO()
    for member in members:
        name = member.name.encode()
        offset = out.tell()
        zip64 = member.declared >= 0xFFFFFFFF
        extra = struct.pack("<HHQ", 1, 8, member.declared) if zip64 else b""
        version = 45 if zip64 else 20
        sizes = (member.crc, member.compressed, 0xFFFFFFFF if zip64 else member.declared)
        local = struct.pack("<IHHHHHIIIHH", 0x04034B50, version, 0x800, 8, 0, 0x21, *sizes, len(name), len(extra))
        out.write(local + name + extra)
        out.write(member.raw)
        entry = struct.pack(
            "<IHHHHHHIIIHHHHHII",
            0x02014B50,
            version,
            version,
            0x800,
            8,
            0,
            0x21,
            *sizes,
            len(name),
            len(extra),
            0,
            0,
            0,
            0,
            offset,
        )
        central.write(entry + name + extra)
    directory = central.getvalue()
    start = out.tell()
    out.write(directory)
    out.write(struct.pack("<IHHHHIIH", 0x06054B50, 0, 0, len(members), len(members), len(directory), start, 0))
    return out.getvalue()


def _template_members() -> list[_Member]:
    with zipfile.ZipFile(BytesIO(workbook_bytes(build_template_workbook()))) as archive:
        return [_plain_member(info.filename, archive.read(info)) for info in archive.infolist()]


def xlsx_bomb(inflated: int, *, declared: int | None = None, tabs: float = 0.0) -> bytes:
    """The template with its first sheet inflating to ≈ `inflated` bytes; the central directory
    declares `declared` bytes for it when given (a lie), else the truth. `tabs`: see `_chunk`."""
    bomb = _bomb_member(inflated, declared, tabs)
    return _zip([bomb if member.name == BOMB_MEMBER else member for member in _template_members()])


def xlsx_with_entries(count: int) -> bytes:
    """The template plus `count` tiny extra members (each under a hundred bytes)."""
    extra = [_plain_member(f"customXml/item{i}.xml", b"<a/>") for i in range(count)]
    return _zip([*_template_members(), *extra])


def xlsx_with_a_bad_crc() -> bytes:
    """The template with its first sheet's CRC-32 off by one: a corrupt file, not a bomb."""
    members = _template_members()
    return _zip([replace(m, crc=m.crc ^ 1) if m.name == BOMB_MEMBER else m for m in members])
