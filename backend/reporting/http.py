"""The one table's HTTP endpoints, the county only (bearer token):

- `GET /exports/one-table-2026.xlsx[?month=2026-11]`: the table as .xlsx, one worksheet, the
  header row = the provenance list's headers, then a sheet "数据来源" with the provenance list.
- `GET /api/one-table/v1?period=2026[&month=2026-11]`: the same rows as JSON for the provincial
  platform (docs/ONE_TABLE.md, docs/one-table.schema.json).
"""

from __future__ import annotations

from collections.abc import Iterator

from starlette.requests import Request
from starlette.responses import JSONResponse, Response

from backend.attendance.common import SHANGHAI
from backend.audit.security_log import record_export
from backend.auth.bearer import require_request_actor
from backend.core.xlsx_stream import TITLE, Book, Style, one_chunk, write_xlsx, xlsx_response
from backend.reporting.one_table import COLUMNS, HEADERS, JsonValue, OneTable, one_table

_BOLD = Style(bold=True, vertical="center")
_CELL = Style(vertical="center")
_WRAP = Style(vertical="center", wrap=True)


def sheet_filename(table: OneTable) -> str:
    return f"{table.county_name}-一张表-{table.period.text}.xlsx"


def write_table(book: Book, table: OneTable, rows: Iterator[dict[str, JsonValue]]) -> None:
    last = len(COLUMNS)
    ws = book.sheet("一张表", widths=[max(8, min(24, len(c.header) * 2 + 2)) for c in COLUMNS], freeze="A4")
    ws.line(table.title, last, TITLE)
    stamp = table.generated_at.astimezone(SHANGHAI).strftime("%Y-%m-%d %H:%M")
    ws.line(f"考评年度：{table.period.text}    驻村天数统计：{table.days_label}    生成时间：{stamp}", last)
    ws.append(HEADERS, _BOLD)
    write_row = ws.row_writer([_CELL] * (last - 1) + [_WRAP])
    for row in rows:
        write_row([c.cell(row[c.key]) for c in COLUMNS])
    sources = book.sheet("数据来源", widths=(22, 14, 44, 44))
    sources.append(("列", "来自", "计算", "填报（不再重复填报）"), _BOLD)
    for c in COLUMNS:
        sources.append((c.header, c.source.domain, c.source.service, c.source.record), _WRAP)


def _month(request: Request) -> str | None:
    return request.query_params.get("month") or None


async def one_table_xlsx(request: Request) -> Response:
    actor = require_request_actor(request)
    period = str(request.path_params["period"])
    async with request.app.state.session_factory() as session:
        table = await one_table(session, actor, period, month=_month(request))
        scope = {"period": table.period.text, "month": _month(request)}
        await record_export(
            request.app.state.session_factory, actor, export="one_table", scope=scope, rows=len(table.rows)
        )
    out = await write_xlsx(lambda book, rows: write_table(book, table, rows), one_chunk(table.rows))
    return xlsx_response(out, sheet_filename(table))


async def one_table_json(request: Request) -> Response:
    actor = require_request_actor(request)
    period = request.query_params.get("period", "")
    async with request.app.state.session_factory() as session:
        table = await one_table(session, actor, period, month=_month(request))
        scope = {"period": table.period.text, "month": _month(request)}
        await record_export(
            request.app.state.session_factory, actor, export="one_table_api", scope=scope, rows=len(table.rows)
        )
    return JSONResponse(table.as_json(), headers={"cache-control": "no-store"})
