"""The streamed workbook plumbing: chunks feed one worker thread; a failure leaves nothing behind."""

from __future__ import annotations

import io
import tempfile
from collections.abc import AsyncIterator, Iterator
from pathlib import Path

import pytest
from openpyxl import load_workbook

from backend.core.errors import InvalidInput
from backend.core.xlsx_stream import Book, one_chunk, write_xlsx


def _write(book: Book, items: Iterator[int]) -> None:
    sheet = book.sheet("数")
    for item in items:
        sheet.append([item, item * item])


async def test_chunks_are_written_in_order_to_a_rewound_file() -> None:
    async def chunks() -> AsyncIterator[list[int]]:
        for start in range(0, 2500, 1000):
            yield list(range(start, min(start + 1000, 2500)))

    out = await write_xlsx(_write, chunks())
    with out:
        rows = list(load_workbook(io.BytesIO(out.read()))["数"].iter_rows(values_only=True))
    assert rows == [(i, i * i) for i in range(2500)]


async def test_a_failure_while_reading_removes_the_spooled_sheets(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.setattr(tempfile, "tempdir", str(tmp_path))  # where the sheets spool their rows
    spooled_while_writing: list[Path] = []

    def write(book: Book, items: Iterator[int]) -> None:
        sheet = book.sheet("数")
        for item in items:
            sheet.append([item, item * item])
            spooled_while_writing.extend(tmp_path.iterdir())

    async def failing() -> AsyncIterator[list[int]]:
        yield [1, 2, 3]
        raise InvalidInput("读到一半出错")

    with pytest.raises(InvalidInput, match="读到一半出错"):
        await write_xlsx(write, failing())
    assert spooled_while_writing  # the test looks where the rows are spooled
    assert list(tmp_path.iterdir()) == []


async def test_text_stays_text_and_sheet_titles_stay_unique() -> None:
    def write(book: Book, items: Iterator[str]) -> None:
        sheet = book.sheet("数")
        for item in items:
            sheet.append([item])
        book.sheet("数")

    out = await write_xlsx(write, one_chunk(["=1+1", "http://example.com", "普通"]))
    with out:
        workbook = load_workbook(io.BytesIO(out.read()))
    cells = list(workbook["数"]["A"])
    assert [(c.value, c.data_type, c.hyperlink) for c in cells] == [
        ("=1+1", "s", None),  # a name that looks like a formula is not run as one
        ("http://example.com", "s", None),
        ("普通", "s", None),
    ]
    assert workbook.sheetnames == ["数", "数(2)"]
