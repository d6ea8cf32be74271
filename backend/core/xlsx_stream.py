"""Shared plumbing of the streamed .xlsx exports (ranking, assessment sheet, attendance sheet).

A request is authenticated with the bearer token (`backend.auth.bearer`), its query parameters are
checked, and only then is the workbook written: in ONE worker thread, fed row chunks that are read from the database on the
event loop (`anyio.from_thread`), so neither the rows nor the cells are ever all in memory. The
finished workbook is saved to an anonymous temporary file on disk (`tempfile.TemporaryFile`) which
the response then streams in 64 KiB pieces and closes. Any error is raised before the first byte
of the file (and answered by the one error handler, `backend.core.http_errors`), so a client never
receives half a workbook.

The exports write through `Book`, `Sheet` and `RowWriter` below and never touch the library: it is
XlsxWriter in its `constant_memory` mode, public API only. Each row is flushed to a temporary file of
its worksheet as soon as the next row starts, text is written inline (no shared-strings table kept
until the end), and `close()` assembles the workbook and removes the temporary files. The one rule
of that mode: rows are written in order, and a merge is declared in the row where it starts (see
`Sheet.append`). Chosen on the figures of docs/PERFORMANCE.md ("Exports"): half the time of
openpyxl's write-only mode for the same sheets, the same flat memory.
"""

from __future__ import annotations

import contextlib
import os
import tempfile
from collections.abc import AsyncIterable, AsyncIterator, Callable, Iterator, Sequence
from dataclasses import dataclass
from typing import IO, Any, Literal, TypeVar
from urllib.parse import quote

import anyio.from_thread
import anyio.to_thread
import xlsxwriter
from starlette.requests import Request
from starlette.responses import StreamingResponse

from backend.core.errors import InvalidInput

XLSX_MIME = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
READ_CHUNK_BYTES = 64 * 1024
SHEET_NAME_MAX = 31  # Excel's limit
_WORKBOOK_OPTIONS = {
    "constant_memory": True,
    # Text stays text: a name such as "=HYPERLINK(…)" or "http://…" is not turned into a formula or a link.
    "strings_to_formulas": False,
    "strings_to_urls": False,
}

T = TypeVar("T")


# --- the request ------------------------------------------------------------------------------


def parse_optional_id(request: Request, name: str) -> int | None:
    raw = request.query_params.get(name)
    if not raw:
        return None
    if not raw.isdigit() or int(raw) <= 0 or len(raw) > 18:
        raise InvalidInput("编号格式不正确", field=name)
    return int(raw)


# --- the workbook -----------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Style:
    """How a cell looks; each distinct Style is one format of the workbook, made on first use."""

    bold: bool = False
    size: float | None = None  # font size; None: the workbook's default
    border: bool = True  # a thin border on every side
    wrap: bool = False
    horizontal: Literal["center"] | None = None
    vertical: Literal["center", "top"] | None = None
    number_format: str = "General"

    def format_properties(self) -> dict[str, object]:
        """The style as XlsxWriter format properties."""
        properties: dict[str, object] = {}
        if self.bold:
            properties["bold"] = True
        if self.size is not None:
            properties["font_size"] = self.size
        if self.border:
            properties["border"] = 1
        if self.wrap:
            properties["text_wrap"] = True
        if self.horizontal is not None:
            properties["align"] = self.horizontal
        if self.vertical is not None:
            properties["valign"] = "vcenter" if self.vertical == "center" else self.vertical
        if self.number_format != "General":
            properties["num_format"] = self.number_format
        return properties


@dataclass(frozen=True, slots=True)
class Merge:
    """Cells merged from the row they start in: columns first..last (from 1), `rows` rows down."""

    first_column: int
    last_column: int
    rows: int = 1


CELL = Style()  # a bordered table cell
TEXT = Style(border=False)  # text outside the table (status lines, notes)
TITLE = Style(bold=True, size=14, border=False, horizontal="center")


class Book:
    """A workbook written once into `out`, sheet by sheet and row by row."""

    def __init__(self, out: IO[bytes]) -> None:
        self._workbook = xlsxwriter.Workbook(out, _WORKBOOK_OPTIONS)
        self._formats: dict[Style, Any] = {}
        self._titles: set[str] = set()

    def sheet(self, title: str, *, widths: Sequence[float] = (), freeze: str | None = None) -> Sheet:
        """A new worksheet; `widths` of its first columns (in characters), `freeze` the first
        scrolling cell ("A4"). A title already taken gets a number, as Excel would."""
        unique, number = title[:SHEET_NAME_MAX], 1
        while unique.casefold() in self._titles:
            number += 1
            suffix = f"({number})"
            unique = title[: SHEET_NAME_MAX - len(suffix)] + suffix
        self._titles.add(unique.casefold())
        ws = self._workbook.add_worksheet(unique)
        for column, width in enumerate(widths):
            ws.set_column(column, column, width)
        if freeze:
            ws.freeze_panes(freeze)
        return Sheet(self, ws)

    def format(self, style: Style) -> Any:
        found = self._formats.get(style)
        if found is None:
            found = self._formats[style] = self._workbook.add_format(style.format_properties())
        return found

    def save(self) -> None:
        """Assemble the workbook into `out`."""
        self._workbook.close()

    def discard(self) -> None:
        """After a failure: close the workbook anyway (into `out`, about to be thrown away), which
        removes the temporary file of every worksheet now."""
        with contextlib.suppress(Exception):
            self._workbook.close()


class Sheet:
    """One worksheet, written top to bottom. `rows` counts the rows written so far."""

    def __init__(self, book: Book, ws: Any) -> None:  # ws: an XlsxWriter worksheet
        self._book = book
        self._ws = ws
        self.rows = 0

    def append(
        self, values: Sequence[object], style: Style | Sequence[Style] = CELL, *, merges: Sequence[Merge] = ()
    ) -> None:
        """One row: every value in `style`, or each in its own. `merges` start in this row and may
        reach down into rows not written yet (the cells below are written with those rows)."""
        styles = [style] * len(values) if isinstance(style, Style) else style
        row = self.rows
        for merge in merges:
            # Declared without a format, the range pads nothing: the cells keep the formats written next.
            self._ws.merge_range(row, merge.first_column - 1, row + merge.rows - 1, merge.last_column - 1, None)
        for column, (value, each) in enumerate(zip(values, styles, strict=True)):
            self._ws.write(row, column, value, self._book.format(each))
        self.rows += 1

    def append_blank(self) -> None:
        self.rows += 1

    def row_writer(self, styles: Sequence[Style]) -> RowWriter:
        """For many rows of one look (see RowWriter)."""
        return RowWriter(self, [self._book.format(style) for style in styles])

    def line(self, text: str, last_column: int, style: Style = TEXT) -> None:
        """A line of text across the table's columns (title, status, notes), merged."""
        self.append([text], style, merges=[Merge(1, last_column)] if last_column > 1 else ())

    def set_height(self, row: int, height: float) -> None:
        """The height of row `row` (from 1), before that row is written."""
        self._ws.set_row(row - 1, height)

    def _write_row(self, values: Sequence[object], formats: Sequence[Any]) -> None:
        write, row = self._ws.write, self.rows
        for column, (value, cell_format) in enumerate(zip(values, formats, strict=True)):
            write(row, column, value, cell_format)
        self.rows += 1


class RowWriter:
    """Writes rows of one look, the formats of its columns looked up once."""

    def __init__(self, sheet: Sheet, formats: list[Any]) -> None:
        self._sheet = sheet
        self._formats = formats

    def __call__(self, values: Sequence[object]) -> None:
        self._sheet._write_row(values, self._formats)


# --- writing ----------------------------------------------------------------------------------


async def write_xlsx(write: Callable[[Book, Iterator[T]], None], chunks: AsyncIterable[Sequence[T]]) -> IO[bytes]:
    """Run `write(book, items)` in a worker thread while `chunks` are read on the event loop,
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
        book = Book(out)
        try:
            write(book, items())
            book.save()
        except BaseException:
            book.discard()
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


async def one_chunk(items: Sequence[T]) -> AsyncIterator[Sequence[T]]:
    """`items` already in memory, as the single chunk of `write_xlsx`."""
    yield items


def content_disposition(filename: str) -> str:
    """An ASCII fallback plus the UTF-8 name (RFC 6266 / RFC 5987)."""
    fallback = "".join(c if c.isascii() and c.isalnum() or c in "-_." else "_" for c in filename)
    return f"attachment; filename=\"{fallback}\"; filename*=UTF-8''{quote(filename, safe='')}"


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


def points(centi: int | None) -> float | None:
    """Hundredths of a point as points for a numeric cell."""
    return None if centi is None else centi / 100
