"""The monthly attendance and allowance sheet as .xlsx, and its HTTP endpoint.

`GET /exports/attendance.xlsx?month=2026-11[&townshipId=..]` with a bearer token: a county user
gets the whole county or one of its townships, a township user its own villages only. The sheet
is written through the exports' streaming helper (`backend.core.xlsx_stream`: a write-only
workbook in a worker thread, saved to a temporary file the response streams), so a large county does
not stall the event loop.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime

from starlette.requests import Request
from starlette.responses import Response

from backend.attendance.allowance import AllowanceRow, AllowanceSheet, allowance_sheet
from backend.attendance.common import SHANGHAI, parse_month
from backend.audit.security_log import record_export
from backend.auth.bearer import require_request_actor
from backend.core.xlsx_stream import TITLE, Book, Style, one_chunk, parse_optional_id, write_xlsx, xlsx_response

HEADERS = (
    "序号",
    "乡镇",
    "村",
    "第一书记",
    "派出单位",
    "驻村方式",
    "驻村天数",
    "补贴标准(元/天)",
    "补贴金额(元)",
    "备注",
)
WIDTHS = (6, 14, 14, 10, 22, 11, 9, 14, 12, 40)
_CELL = Style(vertical="center")
_BOLD = Style(bold=True, vertical="center")
_WRAP = Style(vertical="center", wrap=True)
_NOTE = Style(border=False, vertical="top", wrap=True)


def sheet_filename(sheet: AllowanceSheet) -> str:
    return f"{sheet.scope_name}-驻村考勤补贴表-{sheet.month.key}.xlsx"


def write_sheet(book: Book, sheet: AllowanceSheet, rows: Iterator[AllowanceRow], *, generated_at: datetime) -> None:
    """One worksheet: title, header, one row per secretary, totals, then the counting rule."""
    ws = book.sheet(f"{sheet.month.key}考勤补贴", widths=WIDTHS, freeze="A4")
    last = len(HEADERS)
    ws.line(sheet.title, last, TITLE)
    stamp = generated_at.astimezone(SHANGHAI).strftime("%Y-%m-%d %H:%M")
    ws.line(f"统计月份：{sheet.month.label}    补贴标准：{sheet.rate_yuan_per_day} 元/天    生成时间：{stamp}", last)
    ws.append(HEADERS, _BOLD)
    write_row = ws.row_writer([_CELL] * (last - 1) + [_WRAP])
    for row in rows:
        write_row(
            (
                row.index,
                row.township_name,
                row.village_name,
                row.secretary_name,
                row.dispatch_unit,
                row.mode_label,
                row.stationed_days,
                row.rate_yuan_per_day,
                row.allowance_yuan,
                row.note,
            )
        )
    outside = sheet.total_outside_checkins
    ws.append(
        [
            "合计",
            f"{len(sheet.rows)} 人",
            None,
            None,
            None,
            None,
            sheet.total_days,
            None,
            sheet.total_allowance_yuan,
            "驻村天数合计仅含脱产驻村" + (f"；村外签到共 {outside} 次" if outside else ""),
        ],
        [_BOLD, _CELL, _CELL, _CELL, _CELL, _CELL, _BOLD, _CELL, _BOLD, _WRAP],
    )
    ws.append_blank()
    ws.set_height(ws.rows + 1, 75)
    ws.line(f"说明：{sheet.rule}", last, _NOTE)


async def attendance_xlsx(request: Request) -> Response:
    actor = require_request_actor(request)
    month = parse_month(request.query_params.get("month", ""))
    township_id = parse_optional_id(request, "townshipId")
    async with request.app.state.session_factory() as session:
        sheet = await allowance_sheet(session, actor, month=month, township_id=township_id)
        scope = {"scope": sheet.scope_name, "month": month.key, "townshipId": township_id}
        await record_export(
            request.app.state.session_factory, actor, export="attendance", scope=scope, rows=len(sheet.rows)
        )

    generated_at = datetime.now(SHANGHAI)
    out = await write_xlsx(
        lambda book, rows: write_sheet(book, sheet, rows, generated_at=generated_at), one_chunk(sheet.rows)
    )
    return xlsx_response(out, sheet_filename(sheet))
