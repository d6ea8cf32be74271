"""The ranking table as .xlsx, one worksheet per group, and its HTTP endpoint.

`GET /exports/ranking.xlsx?period=2026[&snapshotId=..][&groupKey=..][&townshipId=..]` with a bearer
token. With `snapshotId`: a published ranking, read from `ranking_snapshot_rows` in group and
position order, in keyset chunks. Without: the live ranking from `iter_ranking`. Either way the
group worksheets come in `sheet_groups.WORKBOOK_ORDER`, the assessment sheet's order too.
Who: a county user any ranking of its county; a township user the published rankings of its county
(晾晒, every row) and the live rows of its own township. Rows stream into the workbook (see
`backend.core.xlsx_stream`); not-rankable rows follow the ranked ones with their reason.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterator
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession
from starlette.requests import Request
from starlette.responses import Response

from backend.assessment.common import parse_period
from backend.attendance.common import SHANGHAI
from backend.audit.security_log import RowCounter, record_export
from backend.auth.actor import Actor
from backend.auth.bearer import require_request_actor
from backend.core.errors import InvalidInput
from backend.core.xlsx_stream import (
    CELL,
    TITLE,
    Book,
    Style,
    parse_optional_id,
    points,
    write_xlsx,
    xlsx_response,
)
from backend.org.access import UnitAccess, access_org_unit, require_role
from backend.org.models import OrgKind, OrgUnit, Role
from backend.ranking.access import access_ranking_snapshot
from backend.ranking.compute import iter_ranking
from backend.ranking.groups import parse_group_key
from backend.ranking.models import Grade, RankingSnapshot, RankingSnapshotRow
from backend.ranking.rows import RankingRow
from backend.ranking.sheet_groups import group_label, group_order, sheet_name

CHUNK_ROWS = 1000
HEADERS = ("排名", "姓名", "村(社区)", "镇(街道)", "目标考评得分", "满意度", "综合得分", "等次", "说明")
WIDTHS = (6, 10, 16, 16, 13, 10, 11, 10, 48)
GRADE_LABELS = {
    Grade.EXCELLENT: "优秀",
    Grade.GOOD: "良好",
    Grade.COMPETENT: "称职",
    Grade.BASIC_COMPETENT: "基本称职",
    Grade.INCOMPETENT: "不称职",
}
NOT_RANKABLE_HEADING = "以下人员不参与排名（不计入等次比例）"
HEADER = Style(bold=True)
_POINTS = Style(number_format="0.00")
_PERCENT = Style(number_format="0.00%")
_REASON = Style(wrap=True, vertical="center")
ROW_STYLES = (CELL, CELL, CELL, CELL, _POINTS, _PERCENT, _POINTS, CELL, _REASON)  # the columns of HEADERS


@dataclass(frozen=True, slots=True)
class RankingExport:
    """What one export covers, authorized for the caller."""

    county_name: str
    period: str
    township: OrgUnit | None
    group_key: str | None
    snapshot: RankingSnapshot | None

    @property
    def scope_name(self) -> str:
        return self.county_name + (self.township.name if self.township else "")

    @property
    def status(self) -> str:
        if self.snapshot is None:
            return "实时"
        published = self.snapshot.published_at.astimezone(SHANGHAI).strftime("%Y-%m-%d %H:%M")
        return f"已发布 {published}，哈希 {self.snapshot.sha256[:12]}"

    @property
    def title(self) -> str:
        return f"{self.scope_name}{self.period}年度第一书记考评排名定档表（{self.status}）"

    @property
    def filename(self) -> str:
        kind = "实时" if self.snapshot is None else f"已发布{self.snapshot.id}"
        return f"{self.scope_name}-第一书记排名-{self.period}-{kind}.xlsx"


async def authorize_ranking_export(
    session: AsyncSession,
    actor: Actor | None,
    *,
    period: str,
    snapshot_id: int | None = None,
    township_id: int | None = None,
    group_key: str | None = None,
) -> RankingExport:
    """Check the parameters and the caller's right to them; a township user's live export is
    limited to its own township."""
    actor = require_role(actor, Role.COUNTY, Role.TOWNSHIP)
    period = parse_period(period).text
    if group_key is not None:
        group_key = parse_group_key(group_key).key
    snapshot: RankingSnapshot | None = None
    if snapshot_id is not None:
        snapshot = await access_ranking_snapshot(session, actor, snapshot_id)
        if snapshot.period != period:
            raise InvalidInput(f"该排名快照属于 {snapshot.period} 年度", field="period")
    elif actor.role is Role.TOWNSHIP and township_id is None:
        township_id = actor.township_id
    # The live ranking shows a township its own secretaries only (another township is not found);
    # a published one is aired county-wide, so any township of the county may filter it.
    to: UnitAccess = "rank" if snapshot is not None else "see"
    township = (
        None
        if township_id is None
        else await access_org_unit(session, actor, township_id, kind=OrgKind.TOWNSHIP, to=to)
    )
    county = await session.get(OrgUnit, actor.county_id)
    assert county is not None
    return RankingExport(
        county_name=county.name, period=period, township=township, group_key=group_key, snapshot=snapshot
    )


# --- reading ----------------------------------------------------------------------------------

_SNAPSHOT_COLUMNS = (
    RankingSnapshotRow.group_key,
    RankingSnapshotRow.position,
    RankingSnapshotRow.rank,
    RankingSnapshotRow.secretary_id,
    RankingSnapshotRow.name,
    RankingSnapshotRow.township_id,
    RankingSnapshotRow.township_name,
    RankingSnapshotRow.village_id,
    RankingSnapshotRow.village_name,
    RankingSnapshotRow.target_centi,
    RankingSnapshotRow.satisfaction_num,
    RankingSnapshotRow.satisfaction_den,
    RankingSnapshotRow.total_centi,
    RankingSnapshotRow.rankable,
    RankingSnapshotRow.grade,
    RankingSnapshotRow.reason_code,
    RankingSnapshotRow.reason,
)


async def snapshot_row_chunks(
    session: AsyncSession, export: RankingExport, *, chunk_rows: int = CHUNK_ROWS
) -> AsyncIterator[list[RankingRow]]:
    """A published ranking's rows, group by group in the canonical group order and by position
    within a group, `chunk_rows` at a time (keyset on the (snapshot, group, position) index)."""
    snapshot = export.snapshot
    assert snapshot is not None
    if export.group_key is not None:
        keys = [export.group_key]
    else:
        present = await session.scalars(
            select(RankingSnapshotRow.group_key).where(RankingSnapshotRow.snapshot_id == snapshot.id).distinct()
        )
        keys = sorted(present, key=group_order)
    for key in keys:
        after = -1
        while True:
            query = (
                select(*_SNAPSHOT_COLUMNS)
                .where(
                    RankingSnapshotRow.snapshot_id == snapshot.id,
                    RankingSnapshotRow.group_key == key,
                    RankingSnapshotRow.position > after,
                )
                .order_by(RankingSnapshotRow.position)
                .limit(chunk_rows)
            )
            if export.township is not None:
                query = query.where(RankingSnapshotRow.township_id == export.township.id)
            batch = (await session.execute(query)).all()
            if not batch:
                break
            yield [RankingRow(**row._mapping) for row in batch]
            if len(batch) < chunk_rows:
                break
            after = batch[-1].position


async def live_row_chunks(
    session: AsyncSession, actor: Actor, export: RankingExport, *, chunk_rows: int = CHUNK_ROWS
) -> AsyncIterator[list[RankingRow]]:
    """The live ranking, streamed by the ranking service (one statement, a server-side cursor),
    regrouped into chunks."""
    chunk: list[RankingRow] = []
    rows = iter_ranking(
        session,
        actor,
        export.period,
        group_key=export.group_key,
        township_id=export.township.id if export.township else None,
    )
    async for row in rows:
        chunk.append(row)
        if len(chunk) >= chunk_rows:
            yield chunk
            chunk = []
    if chunk:
        yield chunk


# --- writing ----------------------------------------------------------------------------------


def _satisfaction(row: RankingRow) -> float | None:
    if row.satisfaction_num is None or not row.satisfaction_den:
        return None
    return row.satisfaction_num / row.satisfaction_den


def _row_values(row: RankingRow) -> tuple[object, ...]:
    return (
        row.rank,
        row.name,
        row.village_name,
        row.township_name,
        points(row.target_centi),
        _satisfaction(row),
        points(row.total_centi),
        GRADE_LABELS.get(row.grade) if row.grade else None,
        row.reason,
    )


class _GroupSheet:
    """One group's worksheet: title, status line, header, then rows as they come."""

    def __init__(self, book: Book, export: RankingExport, key: str, generated_at: datetime) -> None:
        self.sheet = book.sheet(sheet_name(key), widths=WIDTHS, freeze="A4")
        stamp = generated_at.astimezone(SHANGHAI).strftime("%Y-%m-%d %H:%M")
        self.sheet.line(export.title, len(HEADERS), TITLE)
        self.sheet.line(f"分组：{group_label(key)}    生成时间：{stamp}", len(HEADERS))
        self.sheet.append(HEADERS, HEADER)
        self.write_row = self.sheet.row_writer(ROW_STYLES)
        self.in_not_rankable = False

    def append(self, row: RankingRow) -> None:
        if not row.rankable and not self.in_not_rankable:
            self.in_not_rankable = True
            self.sheet.line(NOT_RANKABLE_HEADING, len(HEADERS))
        self.write_row(_row_values(row))


def write_ranking(book: Book, export: RankingExport, rows: Iterator[RankingRow], generated_at: datetime) -> None:
    """Rows in group then position order; a worksheet per group as its first row arrives."""
    sheet: _GroupSheet | None = None
    current: str | None = None
    for row in rows:
        if row.group_key != current:
            current = row.group_key
            sheet = _GroupSheet(book, export, current, generated_at)
        assert sheet is not None
        sheet.append(row)
    if sheet is None:
        empty = _GroupSheet(book, export, export.group_key or "排名", generated_at)
        empty.sheet.line("暂无排名数据", len(HEADERS))


# --- HTTP -------------------------------------------------------------------------------------


async def ranking_xlsx(request: Request) -> Response:
    actor = require_request_actor(request)
    params = request.query_params
    snapshot_id = parse_optional_id(request, "snapshotId")
    township_id = parse_optional_id(request, "townshipId")
    async with request.app.state.session_factory() as session:
        export = await authorize_ranking_export(
            session,
            actor,
            period=params.get("period", ""),
            snapshot_id=snapshot_id,
            township_id=township_id,
            group_key=params.get("groupKey") or None,
        )
        chunks = (
            snapshot_row_chunks(session, export)
            if export.snapshot is not None
            else live_row_chunks(session, actor, export)
        )
        generated_at = datetime.now(SHANGHAI)
        counter = RowCounter()
        out = await write_xlsx(
            lambda book, rows: write_ranking(book, export, rows, generated_at), counter.through(chunks)
        )
        scope = {
            "scope": export.scope_name,
            "period": export.period,
            "snapshotId": snapshot_id,
            "townshipId": export.township.id if export.township else None,
            "groupKey": export.group_key,
        }
        await record_export(request.app.state.session_factory, actor, export="ranking", scope=scope, rows=counter.rows)
    return xlsx_response(out, export.filename)
