"""The streamed workbook plumbing: chunks feed one worker thread; a failure leaves nothing behind."""

from __future__ import annotations

import io
from collections.abc import AsyncIterator, Iterator

import pytest
from openpyxl import Workbook, load_workbook
from openpyxl.worksheet import _writer

from backend.core.errors import InvalidInput
from backend.core.xlsx_stream import write_xlsx


def _write(workbook: Workbook, items: Iterator[int]) -> None:
    ws = workbook.create_sheet("数")
    for item in items:
        ws.append([item, item * item])


async def test_chunks_are_written_in_order_to_a_rewound_file() -> None:
    async def chunks() -> AsyncIterator[list[int]]:
        for start in range(0, 2500, 1000):
            yield list(range(start, min(start + 1000, 2500)))

    out = await write_xlsx(_write, chunks())
    with out:
        rows = list(load_workbook(io.BytesIO(out.read()))["数"].iter_rows(values_only=True))
    assert rows == [(i, i * i) for i in range(2500)]


async def test_a_failure_while_reading_removes_the_spooled_sheets() -> None:
    spooled_before = list(_writer.ALL_TEMP_FILES)

    async def failing() -> AsyncIterator[list[int]]:
        yield [1, 2, 3]
        raise InvalidInput("读到一半出错")

    with pytest.raises(InvalidInput, match="读到一半出错"):
        await write_xlsx(_write, failing())
    assert _writer.ALL_TEMP_FILES == spooled_before
