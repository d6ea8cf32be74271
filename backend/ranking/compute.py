"""The live ranking of a county for a period, computed by the database in one statement
(see `sql.py` for the rules as SQL and `reasons.py` for the reason codes).

`iter_ranking` is an **async iterator** of `RankingRow`s: it streams the statement's rows in
the exports' group order (`sheet_groups.WORKBOOK_ORDER`), then position within the group (ranked rows by rank, then the not rankable
ones by name). `ranking_first_pages` gives the first rows of every group with the group's
counts and quotas (for the GraphQL `ranking`); `ranking_group_page` one keyset page of one group.

Access: county → the whole county; township → its own township's rows, with their county-wide
ranks; village and member users may not see live rankings (they see published rows).
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Date, RowMapping, bindparam, text
from sqlalchemy.ext.asyncio import AsyncSession

from backend.assessment.common import Period, parse_period
from backend.auth.actor import Actor
from backend.core.errors import InvalidInput
from backend.org.access import access_org_unit
from backend.org.county_settings import CountyRules, rules_for
from backend.org.models import OrgKind, Role
from backend.ranking.access import require_ranking_reader
from backend.ranking.groups import GroupKey, parse_group_key
from backend.ranking.models import Grade
from backend.ranking.reasons import reason_text
from backend.ranking.rows import RankingRow
from backend.ranking.sql import Cut, live_statement

MAX_SEARCH = 50


@dataclass(frozen=True, slots=True)
class GroupPage:
    """One group of a ranking as the caller sees it: counts and quotas of the whole group,
    `total_count` rows visible with the caller's filters, and the first of them."""

    group: GroupKey
    rankable_count: int
    not_rankable_count: int
    excellent_quota: int
    good_quota: int
    total_count: int
    rows: list[RankingRow]

    @property
    def has_more(self) -> bool:
        return self.total_count > len(self.rows)


@dataclass(frozen=True, slots=True)
class RankingView:
    county_id: int
    period: str
    township_id: int | None
    rules: CountyRules
    groups: list[GroupPage]


@dataclass(frozen=True, slots=True)
class RowsPage:
    rows: list[RankingRow]
    has_next: bool
    total: int


@dataclass(frozen=True, slots=True)
class LiveScope:
    county_id: int
    township_id: int | None  # the rows the caller may see: None = the whole county


async def live_scope(session: AsyncSession, actor: Actor | None, township_id: int | None) -> LiveScope:
    actor = await require_ranking_reader(session, actor, Role.COUNTY, Role.TOWNSHIP)
    if township_id is not None and township_id != actor.township_id:
        # A township sees its own secretaries' ranking only: another township is not found.
        township = await access_org_unit(session, actor, township_id)
        if township.kind is not OrgKind.TOWNSHIP:
            raise InvalidInput("该组织不是乡镇", field="townshipId")
    if actor.role is Role.TOWNSHIP:
        return LiveScope(actor.county_id, actor.township_id)
    return LiveScope(actor.county_id, township_id)


def clean_search(search: str | None) -> str | None:
    search = (search or "").strip()
    if len(search) > MAX_SEARCH:
        raise InvalidInput(f"搜索内容不能超过 {MAX_SEARCH} 个字", field="search")
    return search or None


def to_row(m: RowMapping, *, live: bool) -> RankingRow:
    """A statement row as a RankingRow; live rows word their reason from the code (and the line
    frozen on the poll), snapshot rows keep the reason they were published with."""
    code = m["reason_code"]
    reason = (
        reason_text(
            code,
            tier_below_pct=m["tier_below_pct"],
            disqualification=m["dq_reason"],
            org_lost=bool(m["org_lost"]),
        )
        if live
        else m["reason"]
    )
    return RankingRow(
        group_key=m["group_key"],
        position=int(m["position"]),
        rank=None if m["rank"] is None else int(m["rank"]),
        secretary_id=int(m["secretary_id"]),
        name=m["name"],
        township_id=int(m["township_id"]),
        township_name=m["township_name"],
        village_id=int(m["village_id"]),
        village_name=m["village_name"],
        target_centi=m["target_centi"],
        satisfaction_num=m["satisfaction_num"],
        satisfaction_den=m["satisfaction_den"],
        total_centi=m["total_centi"],
        rankable=bool(m["rankable"]),
        grade=None if m["grade"] is None else Grade(m["grade"]),
        reason_code=code,
        reason=reason,
    )


def _live_params(period: Period, rules: CountyRules, group: GroupKey | None) -> dict[str, object]:
    params: dict[str, object] = {
        "period": period.text,
        "period_first": period.start,
        "period_last": period.last_day,
        "excellent_pct": rules.excellent_quota_pct,
        "good_pct": rules.good_quota_pct,
    }
    if group is not None:
        params |= {"unit_type": group.unit_type.value, "mode": group.mode.value, "cadre_class": group.cadre_class.value}
    return params


def _statement(
    session: AsyncSession, county_id: int, cut: Cut, params: dict[str, object], group: GroupKey | None
) -> Any:
    sql = live_statement(session.get_bind().dialect.name, county_id, cut, params, group_filter=group is not None)
    return text(sql).bindparams(bindparam("period_first", type_=Date), bindparam("period_last", type_=Date))


async def fetch_live(
    session: AsyncSession,
    county_id: int,
    period: Period,
    rules: CountyRules,
    cut: Cut,
    group: GroupKey | None = None,
) -> Sequence[RowMapping]:
    """The statement's raw rows (with the group columns and the sources: poll_id, rubric_version_id)."""
    params = _live_params(period, rules, group)
    stmt = _statement(session, county_id, cut, params, group)
    return (await session.execute(stmt, params)).mappings().all()


async def iter_ranking(
    session: AsyncSession,
    actor: Actor | None,
    period: str,
    *,
    group_key: str | None = None,
    township_id: int | None = None,
    search: str | None = None,
    limit_per_group: int | None = None,
) -> AsyncIterator[RankingRow]:
    """Stream the live ranking the caller may see, group by group (see the module docstring)."""
    parsed = parse_period(period)
    group = parse_group_key(group_key) if group_key else None
    scope = await live_scope(session, actor, township_id)
    rules = await rules_for(session, scope.county_id)
    cut = Cut(
        township_id=scope.township_id,
        search=clean_search(search),
        per_group=limit_per_group,
        workbook_order=True,  # its one reader is the export
    )
    params = _live_params(parsed, rules, group)
    result = await session.stream(_statement(session, scope.county_id, cut, params, group), params)
    async for m in result.mappings():
        yield to_row(m, live=True)


def group_pages(records: Sequence[RowMapping], *, live: bool) -> list[GroupPage]:
    """Rows of a per-group cut, folded into groups in the fixed group order."""
    pages: dict[str, GroupPage] = {}
    for m in records:
        key = m["group_key"]
        page = pages.get(key)
        if page is None:
            rankable = int(m["rankable_count"])
            page = pages[key] = GroupPage(
                group=parse_group_key(key),
                rankable_count=rankable,
                not_rankable_count=int(m["group_size"]) - rankable,
                excellent_quota=int(m["excellent_quota"]),
                good_quota=int(m["good_quota"]),
                total_count=int(m["visible_count"]),
                rows=[],
            )
        page.rows.append(to_row(m, live=live))
    return sorted(pages.values(), key=lambda p: p.group.order)


async def ranking_first_pages(
    session: AsyncSession,
    actor: Actor | None,
    period: str,
    *,
    township_id: int | None = None,
    group_key: str | None = None,
    search: str | None = None,
    first: int = 20,
) -> RankingView:
    """Every group with its counts, quotas and first `first` visible rows, in one statement."""
    if not 1 <= first <= 100:
        raise InvalidInput("每组条数应在 1 到 100 之间", field="first")
    parsed = parse_period(period)
    group = parse_group_key(group_key) if group_key else None
    scope = await live_scope(session, actor, township_id)
    rules = await rules_for(session, scope.county_id)
    cut = Cut(township_id=scope.township_id, search=clean_search(search), per_group=first)
    records = await fetch_live(session, scope.county_id, parsed, rules, cut, group)
    return RankingView(scope.county_id, parsed.text, scope.township_id, rules, group_pages(records, live=True))


async def ranking_group_page(
    session: AsyncSession,
    actor: Actor | None,
    period: str,
    group_key: str,
    *,
    township_id: int | None = None,
    search: str | None = None,
    first: int = 20,
    after_position: int | None = None,
) -> RowsPage:
    """One keyset page (by position) of one group."""
    if not 1 <= first <= 100:
        raise InvalidInput("每页条数应在 1 到 100 之间", field="first")
    parsed = parse_period(period)
    group = parse_group_key(group_key)
    scope = await live_scope(session, actor, township_id)
    rules = await rules_for(session, scope.county_id)
    cut = Cut(
        township_id=scope.township_id,
        search=clean_search(search),
        after_position=after_position or 0,
        page_size=first + 1,
    )
    records = await fetch_live(session, scope.county_id, parsed, rules, cut, group)
    total = int(records[0]["visible_count"]) if records else 0
    return RowsPage([to_row(m, live=True) for m in records[:first]], len(records) > first, total)
