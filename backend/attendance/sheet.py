"""The monthly attendance and allowance sheet as .xlsx, and its HTTP endpoint.

`GET /exports/attendance.xlsx?month=2026-11[&townshipId=..]` with a bearer token: a county user
gets the whole county or one of its townships, a township user its own villages only. The sheet
is written with openpyxl's write-only mode (rows go straight to the file, nothing is held per cell)
in a worker thread, so a large county does not stall the event loop.
"""

from __future__ import annotations

import io
from datetime import datetime
from urllib.parse import quote

import anyio.to_thread
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Alignment, Border, Font, Side
from openpyxl.worksheet._write_only import WriteOnlyWorksheet
from openpyxl.worksheet.cell_range import CellRange
from starlette.requests import Request
from starlette.responses import Response

from backend.attendance.allowance import AllowanceSheet, allowance_sheet
from backend.attendance.common import SHANGHAI, parse_month
from backend.auth.bearer import require_request_actor
from backend.core.errors import InvalidInput

XLSX_MIME = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
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
_THIN = Side(style="thin")
_BORDER = Border(left=_THIN, right=_THIN, top=_THIN, bottom=_THIN)


def sheet_filename(sheet: AllowanceSheet) -> str:
    return f"{sheet.scope_name}-驻村考勤补贴表-{sheet.month.key}.xlsx"


def _cell(ws: WriteOnlyWorksheet, value: object, *, bold: bool = False, wrap: bool = False) -> WriteOnlyCell:
    cell = WriteOnlyCell(ws, value=value)
    cell.border = _BORDER
    if bold:
        cell.font = Font(bold=True)
    cell.alignment = Alignment(vertical="center", wrap_text=wrap)
    return cell


def write_sheet(sheet: AllowanceSheet, out: io.BufferedIOBase | io.BytesIO, *, generated_at: datetime) -> None:
    """One worksheet: title, header, one row per secretary, totals, then the counting rule."""
    workbook = Workbook(write_only=True)
    ws = workbook.create_sheet(title=f"{sheet.month.key}考勤补贴")
    for column, width in zip("ABCDEFGHIJ", WIDTHS, strict=True):
        ws.column_dimensions[column].width = width
    ws.freeze_panes = "A4"
    last = len(HEADERS)
    title = WriteOnlyCell(ws, value=sheet.title)
    title.font = Font(bold=True, size=14)
    title.alignment = Alignment(horizontal="center")
    ws.append([title])
    ws.merged_cells.add(CellRange(min_col=1, min_row=1, max_col=last, max_row=1))
    stamp = generated_at.astimezone(SHANGHAI).strftime("%Y-%m-%d %H:%M")
    ws.append([f"统计月份：{sheet.month.label}    补贴标准：{sheet.rate_yuan_per_day} 元/天    生成时间：{stamp}"])
    ws.merged_cells.add(CellRange(min_col=1, min_row=2, max_col=last, max_row=2))
    ws.append([_cell(ws, h, bold=True) for h in HEADERS])
    for row in sheet.rows:
        ws.append(
            [
                _cell(ws, row.index),
                _cell(ws, row.township_name),
                _cell(ws, row.village_name),
                _cell(ws, row.secretary_name),
                _cell(ws, row.dispatch_unit),
                _cell(ws, row.mode_label),
                _cell(ws, row.stationed_days),
                _cell(ws, row.rate_yuan_per_day),
                _cell(ws, row.allowance_yuan),
                _cell(ws, row.note, wrap=True),
            ]
        )
    outside = sheet.total_outside_checkins
    ws.append(
        [
            _cell(ws, "合计", bold=True),
            _cell(ws, f"{len(sheet.rows)} 人"),
            _cell(ws, None),
            _cell(ws, None),
            _cell(ws, None),
            _cell(ws, None),
            _cell(ws, sheet.total_days, bold=True),
            _cell(ws, None),
            _cell(ws, sheet.total_allowance_yuan, bold=True),
            _cell(ws, "驻村天数合计仅含脱产驻村" + (f"；村外签到共 {outside} 次" if outside else ""), wrap=True),
        ]
    )
    notes_row = len(sheet.rows) + 5
    ws.append([])
    note = WriteOnlyCell(ws, value=f"说明：{sheet.rule}")
    note.alignment = Alignment(wrap_text=True, vertical="top")
    ws.row_dimensions[notes_row].height = 75
    ws.append([note])
    ws.merged_cells.add(CellRange(min_col=1, min_row=notes_row, max_col=last, max_row=notes_row))
    workbook.save(out)


def content_disposition(filename: str) -> str:
    """An ASCII fallback plus the UTF-8 name (RFC 6266 / RFC 5987)."""
    fallback = "".join(c if c.isascii() and c.isalnum() or c in "-_." else "_" for c in filename)
    return f"attachment; filename=\"{fallback}\"; filename*=UTF-8''{quote(filename, safe='')}"


async def attendance_xlsx(request: Request) -> Response:
    actor = require_request_actor(request)
    month = parse_month(request.query_params.get("month", ""))
    raw_township = request.query_params.get("townshipId")
    township_id: int | None = None
    if raw_township:
        if not raw_township.isdigit() or int(raw_township) <= 0:
            raise InvalidInput("编号格式不正确", field="townshipId")
        township_id = int(raw_township)
    async with request.app.state.session_factory() as session:
        sheet = await allowance_sheet(session, actor, month=month, township_id=township_id)

    buffer = io.BytesIO()
    generated_at = datetime.now(SHANGHAI)
    await anyio.to_thread.run_sync(lambda: write_sheet(sheet, buffer, generated_at=generated_at))
    return Response(
        buffer.getvalue(),
        media_type=XLSX_MIME,
        headers={"content-disposition": content_disposition(sheet_filename(sheet)), "cache-control": "no-store"},
    )
