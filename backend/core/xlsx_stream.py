"""Shared plumbing of the streamed .xlsx exports (ranking, assessment sheet).

A request is authenticated with the bearer token (`backend.auth.bearer`), its query parameters are
checked, and only then is the workbook written: openpyxl's write-only mode in ONE worker thread,
fed row chunks that are read from the database on the event loop (`anyio.from_thread`), so neither
the rows nor the cells are ever all in memory. openpyxl spools each worksheet to a temporary file; the finished workbook is
saved to an anonymous temporary file on disk (`tempfile.TemporaryFile`) which the response then
streams in 64 KiB pieces and closes. Any error is raised before the first byte of the file (and
answered by the one error handler, `backend.core.http_errors`), so a client never receives half a
workbook.
"""

from __future__ import annotations

import contextlib
import os
import tempfile
from collections.abc import AsyncIterable, AsyncIterator, Callable, Iterator, Sequence
from copy import copy
from typing import IO, Any, TypeVar

import anyio.from_thread
import anyio.to_thread
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Alignment, Border, Font, Side
from openpyxl.worksheet._write_only import WriteOnlyWorksheet
from openpyxl.worksheet.cell_range import CellRange
from starlette.requests import Request
from starlette.responses import StreamingResponse

from backend.attendance.sheet import content_disposition
from backend.core.errors import InvalidInput

XLSX_MIME = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
READ_CHUNK_BYTES = 64 * 1024
_THIN = Side(style="thin")
BORDER = Border(left=_THIN, right=_THIN, top=_THIN, bottom=_THIN)

T = TypeVar("T")


# --- the request ------------------------------------------------------------------------------


def parse_optional_id(request: Request, name: str) -> int | None:
    raw = request.query_params.get(name)
    if not raw:
        return None
    if not raw.isdigit() or int(raw) <= 0 or len(raw) > 18:
        raise InvalidInput("编号格式不正确", field=name)
    return int(raw)


# --- writing ----------------------------------------------------------------------------------


async def write_xlsx(write: Callable[[Workbook, Iterator[T]], None], chunks: AsyncIterable[Sequence[T]]) -> IO[bytes]:
    """Run `write(workbook, items)` in a worker thread while `chunks` are read on the event loop,
    one chunk at a time; return the saved workbook as a temporary file rewound to its start."""
    iterator: AsyncIterator[Sequence[T]] = aiter(chunks)

    async def next_chunk() -> Sequence[T] | None:
        try:
            return await anext(iterator)
        except StopAsyncIteration:
            return None

    def items() -> Iterator[T]:
        while (chunk := anyio.from_thread.run(next_chunk)) is not None:
            yield from chunk

    out = tempfile.TemporaryFile(prefix="zct-export-", suffix=".xlsx")

    def run() -> None:
        workbook = Workbook(write_only=True)
        try:
            write(workbook, items())
            workbook.save(out)
        except BaseException:
            _discard_spooled_sheets(workbook)
            raise

    try:
        await anyio.to_thread.run_sync(run)
    except BaseException:
        out.close()
        raise
    finally:
        if hasattr(iterator, "aclose"):
            await iterator.aclose()
    out.seek(0)
    return out


def _discard_spooled_sheets(workbook: Workbook) -> None:
    """openpyxl spools each write-only worksheet to a named temporary file that only a successful
    save removes; after a failure, remove them here rather than at process exit."""
    for ws in workbook.worksheets:
        writer = getattr(ws, "_writer", None)
        if writer is not None:
            with contextlib.suppress(Exception):
                ws.close()  # finishes the sheet's row writer, as a save would
                writer.cleanup()


def xlsx_response(out: IO[bytes], filename: str) -> StreamingResponse:
    """Stream a saved workbook file and close it afterwards."""
    size = os.fstat(out.fileno()).st_size

    async def body() -> AsyncIterator[bytes]:
        try:
            while piece := await anyio.to_thread.run_sync(out.read, READ_CHUNK_BYTES):
                yield piece
        finally:
            out.close()

    return StreamingResponse(
        body(),
        media_type=XLSX_MIME,
        headers={
            "content-disposition": content_disposition(filename),
            "content-length": str(size),
            "cache-control": "no-store",
        },
    )


# --- cells ------------------------------------------------------------------------------------


def cell(
    ws: WriteOnlyWorksheet, value: object, *, bold: bool = False, wrap: bool = False, number_format: str | None = None
) -> WriteOnlyCell:
    out = WriteOnlyCell(ws, value=value)
    out.border = BORDER
    if bold:
        out.font = Font(bold=True)
    if wrap:
        out.alignment = Alignment(vertical="center", wrap_text=True)
    if number_format:
        out.number_format = number_format
    return out


class CellMaker:
    """Bordered cells for one worksheet's data rows. openpyxl resolves a style on every assignment
    (hashing the Border/Font objects into the workbook's style tables); here each distinct style
    is resolved once and its index array copied, which halves the time of a large sheet."""

    def __init__(self, ws: WriteOnlyWorksheet) -> None:
        self.ws = ws
        self._styles: dict[tuple[bool, bool, str | None], Any] = {}

    def __call__(
        self, value: object, *, bold: bool = False, wrap: bool = False, number_format: str | None = None
    ) -> WriteOnlyCell:
        key = (bold, wrap, number_format)
        style = self._styles.get(key)
        if style is None:
            style = self._styles[key] = cell(self.ws, None, bold=bold, wrap=wrap, number_format=number_format)._style
        out = WriteOnlyCell(self.ws, value=value)
        out._style = copy(style)
        return out


def merged_line(ws: WriteOnlyWorksheet, row: int, last_column: int, text: str, *, size: int | None = None) -> None:
    """A line of text across the whole table (title, status, notes)."""
    line = WriteOnlyCell(ws, value=text)
    if size:
        line.font = Font(bold=True, size=size)
        line.alignment = Alignment(horizontal="center")
    ws.append([line])
    if last_column > 1:
        ws.merged_cells.add(CellRange(min_col=1, min_row=row, max_col=last_column, max_row=row))


def points(centi: int | None) -> float | None:
    """Hundredths of a point as points for a numeric cell."""
    return None if centi is None else centi / 100
