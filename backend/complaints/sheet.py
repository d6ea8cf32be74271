"""The county's yearly summary of complaints and suggestions as .xlsx, and its HTTP endpoint.

`GET /exports/complaints-2026.xlsx` with a bearer token, the county only: a summary sheet (by
topic and kind, by state) and a list sheet. The list names the sender only when one was sent with
an account and not anonymously; it never holds a call-back number.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterator
from datetime import datetime

from starlette.requests import Request
from starlette.responses import Response

from backend.attendance.common import SHANGHAI
from backend.audit.security_log import record_export
from backend.auth.bearer import require_request_actor
from backend.complaints.models import ComplaintKind, ComplaintState, ComplaintTopic
from backend.complaints.service import KIND_LABELS, STATE_LABELS, TOPIC_LABELS, YearRow, format_tracking, year_rows
from backend.core.errors import InvalidInput
from backend.core.xlsx_stream import TITLE, Book, Style, one_chunk, write_xlsx, xlsx_response

LIST_HEADERS = (
    "序号",
    "查询编号",
    "提交时间",
    "类别",
    "主题",
    "所涉单位",
    "内容",
    "提交方式",
    "提交人",
    "状态",
    "答复",
    "答复时间",
)
LIST_WIDTHS = (6, 16, 17, 6, 13, 14, 50, 12, 10, 8, 50, 17)
_BOLD = Style(bold=True, vertical="center")
_CELL = Style(vertical="center")
_WRAP = Style(vertical="top", wrap=True)


def sheet_filename(year: int) -> str:
    return f"投诉建议年度汇总-{year}.xlsx"


def _stamp(at: datetime | None) -> str:
    return at.astimezone(SHANGHAI).strftime("%Y-%m-%d %H:%M") if at else ""


def _sender(row: YearRow) -> str:
    if row.complaint.public_village_id is not None:
        return "匿名" if row.complaint.anonymous else "无账号（留了电话）"
    return "匿名" if row.complaint.anonymous else (row.sender_name or "（账号已删除）")


def write_summary(book: Book, year: int, rows: list[YearRow], generated_at: datetime) -> None:
    ws = book.sheet("汇总", widths=(16, 10, 10, 10))
    ws.line(f"{year} 年投诉建议汇总", 4, TITLE)
    ws.line(f"共 {len(rows)} 件    生成时间：{generated_at.strftime('%Y-%m-%d %H:%M')}", 4)
    ws.append_blank()
    by = Counter((r.complaint.topic, r.complaint.kind) for r in rows)
    ws.append(("主题", KIND_LABELS[ComplaintKind.COMPLAINT], KIND_LABELS[ComplaintKind.SUGGESTION], "合计"), _BOLD)
    for topic in ComplaintTopic:
        complaints, suggestions = by[(topic, ComplaintKind.COMPLAINT)], by[(topic, ComplaintKind.SUGGESTION)]
        ws.append((TOPIC_LABELS[topic], complaints, suggestions, complaints + suggestions), _CELL)
    kinds = Counter(r.complaint.kind for r in rows)
    ws.append(("合计", kinds[ComplaintKind.COMPLAINT], kinds[ComplaintKind.SUGGESTION], len(rows)), _BOLD)
    ws.append_blank()
    states = Counter(r.complaint.state for r in rows)
    ws.append(("办理状态", "件数"), _BOLD)
    for state in ComplaintState:
        ws.append((STATE_LABELS[state], states[state]), _CELL)
    anonymous = sum(1 for r in rows if r.complaint.anonymous)
    public = sum(1 for r in rows if r.complaint.public_village_id is not None)
    ws.append_blank()
    ws.append(("其中匿名", anonymous), _CELL)
    ws.append(("其中无账号（公开页）", public), _CELL)


def write_list(book: Book, rows: Iterator[YearRow]) -> None:
    ws = book.sheet("明细", widths=LIST_WIDTHS, freeze="A2")
    ws.append(LIST_HEADERS, _BOLD)
    write_row = ws.row_writer([_CELL] * 6 + [_WRAP, _CELL, _CELL, _CELL, _WRAP, _CELL])
    for index, row in enumerate(rows, start=1):
        c = row.complaint
        write_row(
            (
                index,
                format_tracking(c.tracking_number),
                _stamp(c.created_at),
                KIND_LABELS[c.kind],
                TOPIC_LABELS[c.topic],
                row.about_name or "",
                c.text,
                "公开页（无账号）" if c.public_village_id is not None else "登录后提交",
                _sender(row),
                STATE_LABELS[c.state],
                c.reply or "",
                _stamp(c.replied_at),
            )
        )


def parse_year(raw: str) -> int:
    if not raw.isdigit() or len(raw) != 4:
        raise InvalidInput("年份不正确", field="year")
    return int(raw)


async def complaints_xlsx(request: Request) -> Response:
    actor = require_request_actor(request)
    year = parse_year(str(request.path_params["year"]))
    async with request.app.state.session_factory() as session:
        rows = await year_rows(session, actor, year)
        await record_export(
            request.app.state.session_factory, actor, export="complaints", scope={"year": year}, rows=len(rows)
        )
    generated_at = datetime.now(SHANGHAI)

    def write(book: Book, chunk: Iterator[YearRow]) -> None:
        write_summary(book, year, rows, generated_at)
        write_list(book, chunk)

    out = await write_xlsx(write, one_chunk(rows))
    return xlsx_response(out, sheet_filename(year))
