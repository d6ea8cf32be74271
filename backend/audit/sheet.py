"""The county's security log as .xlsx (安全审计记录), and its HTTP endpoint.

`GET /exports/security-events.xlsx[?from=2026-11-01][&to=2026-11-30][&kinds=login_failed,locked][&userId=..]`
with a bearer token, the county only: one worksheet — title, the filter and generation time,
the header, one row per event newest first (the same as the screen). The export is itself a
security event, recorded with its filter and row count.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime

from starlette.requests import Request
from starlette.responses import Response

from backend.attendance.common import SHANGHAI
from backend.audit.security_events import (
    EventFilter,
    SecurityEventView,
    parse_day,
    parse_kinds,
    security_event_chunks,
)
from backend.audit.security_log import LABELS, Kind, RowCounter, record_export
from backend.auth.bearer import require_request_actor
from backend.core.xlsx_stream import TITLE, Book, Style, parse_optional_id, write_xlsx, xlsx_response
from backend.org.access import require_role
from backend.org.models import OrgUnit, Role

HEADERS = ("序号", "时间", "类型", "结果", "操作人", "涉及账号", "说明", "链序号")
WIDTHS = (8, 17, 14, 6, 12, 12, 60, 9)
_BOLD = Style(bold=True, vertical="center")
_CELL = Style(vertical="center")
_WRAP = Style(vertical="center", wrap=True)


def sheet_filename(county_name: str, flt: EventFilter) -> str:
    span = f"-{flt.since or ''}至{flt.until or ''}" if flt.since or flt.until else ""
    return f"{county_name}-安全审计记录{span}.xlsx"


def kind_labels(flt: EventFilter) -> list[str]:
    return [LABELS[kind] for kind in Kind if kind in flt.kinds]  # in the order the screen offers them


def filter_text(flt: EventFilter) -> str:
    kinds = "、".join(kind_labels(flt)) or "全部"
    since = flt.since.isoformat() if flt.since else "最早"
    until = flt.until.isoformat() if flt.until else "至今"
    person = f"    人员编号：{flt.user_id}" if flt.user_id else ""
    return f"类型：{kinds}    日期：{since} 至 {until}{person}"


def write_events(
    book: Book, title: str, flt: EventFilter, rows: Iterator[SecurityEventView], generated_at: datetime
) -> None:
    ws = book.sheet("安全审计记录", widths=WIDTHS, freeze="A4")
    last = len(HEADERS)
    ws.line(title, last, TITLE)
    ws.line(f"{filter_text(flt)}    生成时间：{generated_at.strftime('%Y-%m-%d %H:%M')}", last)
    ws.append(HEADERS, _BOLD)
    write_row = ws.row_writer([_CELL] * 6 + [_WRAP, _CELL])
    index = 0
    for index, event in enumerate(rows, start=1):
        write_row(
            (
                index,
                event.at.astimezone(SHANGHAI).strftime("%Y-%m-%d %H:%M:%S"),
                event.kind_label,
                event.outcome_label,
                event.actor_name or "",
                event.subject_name or "",
                event.summary,
                event.seq,
            )
        )
    if index == 0:
        ws.line("所选条件下没有安全事件", last)


def request_filter(request: Request) -> EventFilter:
    params = request.query_params
    kinds = [k for k in params.get("kinds", "").split(",") if k]
    return EventFilter(
        kinds=parse_kinds(kinds),
        since=parse_day(params.get("from"), "from"),
        until=parse_day(params.get("to"), "to"),
        user_id=parse_optional_id(request, "userId"),
    )


async def security_events_xlsx(request: Request) -> Response:
    actor = require_role(require_request_actor(request), Role.COUNTY)
    flt = request_filter(request)
    async with request.app.state.session_factory() as session:
        county = await session.get(OrgUnit, actor.county_id)
        assert county is not None
        generated_at = datetime.now(SHANGHAI)
        title = f"{county.name}安全审计记录"
        counter = RowCounter()
        out = await write_xlsx(
            lambda book, rows: write_events(book, title, flt, rows, generated_at),
            counter.through(security_event_chunks(session, actor, flt)),
        )
        scope = {
            "from": flt.since.isoformat() if flt.since else None,
            "to": flt.until.isoformat() if flt.until else None,
            "kinds": kind_labels(flt) or None,
            "userId": flt.user_id,
        }
        await record_export(
            request.app.state.session_factory, actor, export="security_events", scope=scope, rows=counter.rows
        )
    return xlsx_response(out, sheet_filename(county.name, flt))
