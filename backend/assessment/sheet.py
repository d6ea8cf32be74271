"""The full target-assessment sheet for the department meeting as .xlsx, and its HTTP endpoint.

`GET /exports/assessment.xlsx?period=2026[&townshipId=..]` with a bearer token: a county user gets
the whole county or one of its townships, a township user the liaison secretaries of its own
township (the ones it scores; the county's scores of resident secretaries are not the township's
to read, as in the assessment API). One worksheet per
ranking group; one row per secretary (name, village, township), then every rubric item's points
grouped by part with the part subtotal after each part, the target score and the scoring progress.
A secretary not yet assessed has empty score cells. Columns are the items of the rubric versions the
period's assessments were scored with (the latest version's order first); each secretary's cells
hold the items of their own assessment's version. Rows are read in keyset chunks and streamed into
the workbook (see `backend.core.xlsx_stream`).
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterator, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from sqlalchemy import ColumnElement, and_, or_, select, tuple_
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import aliased
from starlette.requests import Request
from starlette.responses import Response

from backend.assessment.common import Period, parse_period
from backend.assessment.models import Assessment, AssessmentItemScore, RubricVersion
from backend.attendance.common import SHANGHAI
from backend.audit.security_log import RowCounter, record_export
from backend.auth.actor import Actor
from backend.auth.bearer import require_request_actor
from backend.core.xlsx_stream import (
    CELL,
    TITLE,
    Book,
    Merge,
    RowWriter,
    Sheet,
    Style,
    parse_optional_id,
    points,
    write_xlsx,
    xlsx_response,
)
from backend.org.access import access_org_unit, require_role
from backend.org.models import OrgKind, OrgUnit, Role, SecretaryProfile, StationMode
from backend.ranking.groups import GroupKey, parse_group_key
from backend.ranking.sheet_groups import WORKBOOK_ORDER, group_label, sheet_name

CHUNK_ROWS = 500
PARTS = {
    "BASIC": "基本工作目标",
    "DISCIPLINE": "工作规范与纪律",
    "RESULTS": "工作实绩",
    "ORG_UPGRADE": "组织晋位升级",
}
_PART_COLUMNS = {
    "BASIC": Assessment.basic_centi,
    "DISCIPLINE": Assessment.discipline_centi,
    "RESULTS": Assessment.results_centi,
    "ORG_UPGRADE": Assessment.org_upgrade_centi,
}
LEADING_HEADERS = ("姓名", "村(社区)", "镇(街道)")
TRAILING_HEADERS = ("目标考评得分", "评分进度")
HEADER = Style(bold=True, horizontal="center", vertical="center")
ITEM_HEADER = Style(bold=True, horizontal="center", vertical="center", wrap=True)
POINTS = Style(number_format="0.00")
SUBTOTAL = Style(bold=True, number_format="0.00")


@dataclass(frozen=True, slots=True)
class ItemColumn:
    key: str
    part: str
    label: str


@dataclass(frozen=True, slots=True)
class AssessmentExport:
    """What one export covers, authorized for the caller."""

    county_id: int
    county_name: str
    period: Period
    township: OrgUnit | None
    liaison_only: bool = False  # a township reads only the liaison secretaries it scores

    @property
    def scope_name(self) -> str:
        return self.county_name + (self.township.name if self.township else "")

    @property
    def title(self) -> str:
        return f"{self.scope_name}{self.period.text}年度第一书记组织工作目标考评汇总表"

    @property
    def filename(self) -> str:
        return f"{self.scope_name}-第一书记目标考评表-{self.period.text}.xlsx"


@dataclass(frozen=True, slots=True)
class AssessmentLine:
    """One secretary's row; `assessed` is False (and every score empty) before the first score."""

    group_key: str
    name: str
    village_name: str
    township_name: str
    assessed: bool
    item_centi: dict[str, int] = field(default_factory=dict)
    part_centi: dict[str, int] = field(default_factory=dict)
    target_centi: int | None = None
    items_scored: int = 0
    items_total: int = 0


async def authorize_assessment_export(
    session: AsyncSession, actor: Actor | None, *, period: str, township_id: int | None = None
) -> AssessmentExport:
    actor = require_role(actor, Role.COUNTY, Role.TOWNSHIP)
    parsed = parse_period(period)
    if actor.role is Role.TOWNSHIP and township_id is None:
        township_id = actor.township_id  # a township reads its own (liaison) secretaries only
    township = (
        None if township_id is None else await access_org_unit(session, actor, township_id, kind=OrgKind.TOWNSHIP)
    )
    county = await session.get(OrgUnit, actor.county_id)
    assert county is not None
    return AssessmentExport(
        county_id=county.id,
        county_name=county.name,
        period=parsed,
        township=township,
        liaison_only=actor.role is Role.TOWNSHIP,
    )


# --- the columns ------------------------------------------------------------------------------


def _text(item: dict[str, Any], *names: str) -> str:
    for name in names:
        value = item.get(name)
        if isinstance(value, str) and value:
            return value
    return ""


def item_columns(versions: Sequence[Sequence[dict[str, Any]]]) -> list[ItemColumn]:
    """The union of the versions' items (newest version first, its order kept; a key's newest
    label wins), ordered by part. Items are read by their documented keys only."""
    seen: dict[str, ItemColumn] = {}
    for items in versions:
        for item in items:
            key = _text(item, "key")
            if not key or key in seen:
                continue
            part = _text(item, "part").upper()
            group = _text(item, "groupLabel", "group_label")
            label = _text(item, "label") or key
            seen[key] = ItemColumn(key=key, part=part, label=f"{group}·{label}" if group else label)
    part_order = {part: index for index, part in enumerate(PARTS)}
    return sorted(seen.values(), key=lambda column: part_order.get(column.part, len(PARTS)))


async def load_item_columns(session: AsyncSession, export: AssessmentExport) -> list[ItemColumn]:
    """Columns from the rubric versions used this period plus the latest one (newest first)."""
    used = select(Assessment.rubric_version_id).where(
        Assessment.county_id == export.county_id, Assessment.period == export.period.text
    )
    latest = (
        select(RubricVersion.id)
        .where(RubricVersion.county_id == export.county_id, RubricVersion.period == export.period.text)
        .order_by(RubricVersion.version.desc())
        .limit(1)
        .scalar_subquery()
    )
    versions = await session.scalars(
        select(RubricVersion.items)
        .where(or_(RubricVersion.id.in_(used), RubricVersion.id == latest))
        .order_by(RubricVersion.version.desc())
    )
    return item_columns([items for items in versions if isinstance(items, list)])


def _parts_of(columns: Sequence[ItemColumn]) -> list[tuple[str, list[ItemColumn]]]:
    """Every known part (even without items, for its subtotal), then any unknown part."""
    parts: dict[str, list[ItemColumn]] = {part: [] for part in PARTS}
    for column in columns:
        parts.setdefault(column.part, []).append(column)
    return [(part, items) for part, items in parts.items() if part in PARTS or items]


# --- reading ----------------------------------------------------------------------------------


def _group_filter(group: GroupKey) -> ColumnElement[bool]:
    return and_(
        SecretaryProfile.unit_type == group.unit_type,
        SecretaryProfile.mode == group.mode,
        SecretaryProfile.cadre_class == group.cadre_class,
    )


async def assessment_line_chunks(
    session: AsyncSession, export: AssessmentExport, *, chunk_rows: int = CHUNK_ROWS
) -> AsyncIterator[list[AssessmentLine]]:
    """Secretaries in scope whose term overlaps the period (or who were assessed in it), group by
    group, ordered by township, village and name; keyset chunks, each with one query for the
    chunk's item scores."""
    village = aliased(OrgUnit)
    township = aliased(OrgUnit)
    order = (township.name, village.name, SecretaryProfile.name, SecretaryProfile.id)
    base = (
        select(
            SecretaryProfile.name,
            village.name.label("village_name"),
            township.name.label("township_name"),
            SecretaryProfile.id,
            Assessment.id.label("assessment_id"),
            *(column.label(part) for part, column in _PART_COLUMNS.items()),
            Assessment.target_centi,
            Assessment.items_scored,
            Assessment.items_total,
        )
        .join(village, village.id == SecretaryProfile.village_id)
        .join(township, township.id == village.township_id)
        .outerjoin(
            Assessment,
            and_(Assessment.secretary_id == SecretaryProfile.id, Assessment.period == export.period.text),
        )
        .where(
            SecretaryProfile.county_id == export.county_id,
            or_(
                and_(
                    SecretaryProfile.term_start <= export.period.last_day,
                    SecretaryProfile.term_end >= export.period.start,
                ),
                Assessment.id.is_not(None),
            ),
        )
        .order_by(*order)
        .limit(chunk_rows)
    )
    if export.township is not None:
        base = base.where(village.township_id == export.township.id)
    if export.liaison_only:
        base = base.where(SecretaryProfile.mode == StationMode.LIAISON)
    for group in (parse_group_key(key) for key in WORKBOOK_ORDER):  # the ranking export's order too
        query = base.where(_group_filter(group))
        while True:
            batch = (await session.execute(query)).all()
            if not batch:
                break
            yield await _lines(session, group.key, batch)
            if len(batch) < chunk_rows:
                break
            last = batch[-1]
            query = base.where(
                _group_filter(group),
                tuple_(*order) > tuple_(last.township_name, last.village_name, last.name, last.id),
            )


async def _lines(session: AsyncSession, key: str, batch: Sequence[Any]) -> list[AssessmentLine]:
    assessment_ids = [row.assessment_id for row in batch if row.assessment_id is not None]
    scores: dict[int, dict[str, int]] = {}
    if assessment_ids:
        result = await session.execute(
            select(
                AssessmentItemScore.assessment_id, AssessmentItemScore.item_key, AssessmentItemScore.points_centi
            ).where(AssessmentItemScore.assessment_id.in_(assessment_ids))
        )
        for assessment_id, item_key, points_centi in result:
            scores.setdefault(assessment_id, {})[item_key] = points_centi
    lines = []
    for row in batch:
        assessed = row.assessment_id is not None
        lines.append(
            AssessmentLine(
                group_key=key,
                name=row.name,
                village_name=row.village_name,
                township_name=row.township_name,
                assessed=assessed,
                item_centi=scores.get(row.assessment_id, {}) if assessed else {},
                part_centi={part: getattr(row, part) for part in _PART_COLUMNS} if assessed else {},
                target_centi=row.target_centi,
                items_scored=row.items_scored or 0,
                items_total=row.items_total or 0,
            )
        )
    return lines


# --- writing ----------------------------------------------------------------------------------


class _Layout:
    """The column layout shared by every worksheet of one export."""

    def __init__(self, columns: Sequence[ItemColumn]) -> None:
        self.parts = _parts_of(columns)
        self.width = len(LEADING_HEADERS) + sum(len(items) + 1 for _, items in self.parts) + len(TRAILING_HEADERS)
        styles = [CELL] * len(LEADING_HEADERS)
        for _, items in self.parts:
            styles += [POINTS] * len(items) + [SUBTOTAL]
        self.row_styles = (*styles, SUBTOTAL, CELL)  # the target, the progress

    def header_rows(self, sheet: Sheet) -> None:
        """Two header rows: the part over its items and subtotal, then the item labels."""
        top: list[object] = list(LEADING_HEADERS)
        bottom: list[object] = [None] * len(LEADING_HEADERS)
        bottom_styles = [HEADER] * len(LEADING_HEADERS)
        merges = [Merge(i + 1, i + 1, rows=2) for i in range(len(LEADING_HEADERS))]
        for part, items in self.parts:
            label = PARTS.get(part, part or "其他")
            start = len(top) + 1
            for item in items:
                top.append(label)
                bottom.append(item.label)
                bottom_styles.append(ITEM_HEADER)
            top.append(label)
            bottom.append(f"{label}小计")
            bottom_styles.append(HEADER)
            if len(top) > start:
                merges.append(Merge(start, len(top)))
        for h in TRAILING_HEADERS:
            top.append(h)
            bottom.append(None)
            bottom_styles.append(HEADER)
            merges.append(Merge(len(top), len(top), rows=2))
        sheet.append(top, HEADER, merges=merges)
        sheet.append(bottom, bottom_styles)

    def values(self, line: AssessmentLine) -> list[object]:
        out: list[object] = [line.name, line.village_name, line.township_name]
        for part, items in self.parts:
            out.extend(points(line.item_centi.get(item.key)) for item in items)
            out.append(points(line.part_centi.get(part)))
        if line.assessed:
            out += [points(line.target_centi), f"{line.items_scored}/{line.items_total}"]
        else:
            out += [None, "未评"]
        return out


def _new_sheet(book: Book, export: AssessmentExport, layout: _Layout, key: str, generated_at: datetime) -> Sheet:
    widths = [16.0] * len(LEADING_HEADERS) + [12.0] * (layout.width - len(LEADING_HEADERS))
    sheet = book.sheet(sheet_name(key), widths=widths, freeze="D5")
    stamp = generated_at.astimezone(SHANGHAI).strftime("%Y-%m-%d %H:%M")
    sheet.line(export.title, layout.width, TITLE)
    sheet.line(f"分组：{group_label(key)}    生成时间：{stamp}    单位：分", layout.width)
    layout.header_rows(sheet)
    return sheet


def write_assessment(
    book: Book,
    export: AssessmentExport,
    columns: Sequence[ItemColumn],
    lines: Iterator[AssessmentLine],
    generated_at: datetime,
) -> None:
    layout = _Layout(columns)
    sheet: Sheet | None = None
    write_row: RowWriter | None = None
    current: str | None = None
    for line in lines:
        if line.group_key != current:
            current = line.group_key
            sheet = _new_sheet(book, export, layout, current, generated_at)
            write_row = sheet.row_writer(layout.row_styles)
        assert write_row is not None
        write_row(layout.values(line))
    if sheet is None:
        empty = _new_sheet(book, export, layout, "考评", generated_at)
        empty.line("暂无第一书记", layout.width)


# --- HTTP -------------------------------------------------------------------------------------


async def assessment_xlsx(request: Request) -> Response:
    actor = require_request_actor(request)
    township_id = parse_optional_id(request, "townshipId")
    async with request.app.state.session_factory() as session:
        export = await authorize_assessment_export(
            session, actor, period=request.query_params.get("period", ""), township_id=township_id
        )
        columns = await load_item_columns(session, export)
        generated_at = datetime.now(SHANGHAI)
        counter = RowCounter()
        out = await write_xlsx(
            lambda book, lines: write_assessment(book, export, columns, lines, generated_at),
            counter.through(assessment_line_chunks(session, export)),
        )
        scope = {
            "scope": export.scope_name,
            "period": export.period.text,
            "townshipId": export.township.id if export.township else None,
        }
        await record_export(
            request.app.state.session_factory, actor, export="assessment", scope=scope, rows=counter.rows
        )
    return xlsx_response(out, export.filename)
