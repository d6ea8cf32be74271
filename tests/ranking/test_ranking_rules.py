"""The live ranking's rules on small hand-checked cases (DOMAIN.md section 6)."""

from __future__ import annotations

from datetime import date

import pytest

from backend.assessment.models import OrgClass
from backend.core.db import SessionFactory
from backend.core.errors import Forbidden, InvalidInput, NotFound
from backend.org.models import CountySettings
from backend.polls.models import PollStatus
from backend.ranking.compute import iter_ranking, ranking_first_pages
from backend.ranking.models import Grade
from backend.ranking.rows import RankingRow
from tests.ranking.helpers import (
    GROUP,
    PERIOD,
    add_secretary,
    assess,
    disqualify,
    open_to_townships,
    org_class,
    poll,
    ranked_secretary,
)
from tests.world import World


async def live(session_factory: SessionFactory, world: World, user: str = "county", **kw: object) -> list[RankingRow]:
    async with session_factory() as session:
        return [r async for r in iter_ranking(session, world.actor(user), PERIOD, group_key=GROUP, **kw)]


def by_name(rows: list[RankingRow]) -> dict[str, RankingRow]:
    return {r.name: r for r in rows}


async def test_total_is_target_times_satisfaction_rounded_half_up(
    session_factory: SessionFactory, world: World
) -> None:
    async with session_factory.begin() as session:
        await ranked_secretary(session, world, "甲", 95, 92, 100)  # 95 × 0.92 = 87.40
        await ranked_secretary(session, world, "乙", 90.01, 1, 2)  # 45.005 → 45.01
        await ranked_secretary(session, world, "丙", 100, 2, 3)  # 66.666… → 66.67
    rows = by_name(await live(session_factory, world))
    assert (rows["甲"].total_centi, rows["乙"].total_centi, rows["丙"].total_centi) == (8740, 4501, 6667)
    assert [rows[n].rank for n in ("甲", "丙", "乙")] == [1, 2, 3]


@pytest.mark.parametrize(("n", "excellent", "good"), [(1, 0, 0), (3, 0, 0), (4, 1, 1), (10, 3, 3)])
async def test_quotas_are_floored(
    session_factory: SessionFactory, world: World, n: int, excellent: int, good: int
) -> None:
    async with session_factory.begin() as session:
        for i in range(n):
            await ranked_secretary(session, world, f"书记{i:02d}", 99 - i)
        await add_secretary(session, world, "未测评")  # not rankable: outside the count
    async with session_factory() as session:
        view = await ranking_first_pages(session, world.actor("county"), PERIOD, group_key=GROUP, first=50)
    (group,) = view.groups
    assert (group.rankable_count, group.not_rankable_count) == (n, 1)
    assert (group.excellent_quota, group.good_quota) == (excellent, good)
    grades = [r.grade for r in group.rows if r.rankable]
    assert grades == [Grade.EXCELLENT] * excellent + [Grade.GOOD] * good + [Grade.COMPETENT] * (n - excellent - good)
    assert [r.rank for r in group.rows] == [*range(1, n + 1), None]


async def test_quota_percentages_come_from_county_settings(session_factory: SessionFactory, world: World) -> None:
    async with session_factory.begin() as session:
        session.add(
            CountySettings(county_id=world.units["A"].id, values={"excellent_quota_pct": 20, "good_quota_pct": 50})
        )
        for i in range(5):
            await ranked_secretary(session, world, f"书记{i}", 99 - i)
    rows = await live(session_factory, world)
    assert [r.grade for r in rows] == [Grade.EXCELLENT, Grade.GOOD, Grade.GOOD, Grade.COMPETENT, Grade.COMPETENT]


async def test_ties_go_to_satisfaction_then_target_then_name(session_factory: SessionFactory, world: World) -> None:
    async with session_factory.begin() as session:
        await ranked_secretary(session, world, "满意度低", 90, 90, 100)  # 81.00
        await ranked_secretary(session, world, "满意度高", 81, 100, 100)  # 81.00, higher satisfaction
        await ranked_secretary(session, world, "目标分低", 90, 30, 90)  # 30.00 (1/3)
        await ranked_secretary(session, world, "目标分高", 90.01, 10, 30)  # 30.00, same 1/3, higher target
        await ranked_secretary(session, world, "a书记", 50, 1, 2)  # 25.00
        await ranked_secretary(session, world, "B书记", 50, 2, 4)  # 25.00: code point order puts B before a
        await ranked_secretary(session, world, "乙", 40, 1, 2)  # 20.00: 乙 U+4E59 before 甲 U+7532
        await ranked_secretary(session, world, "甲", 40, 1, 2)
    rows = await live(session_factory, world)
    assert [r.name for r in rows] == ["满意度高", "满意度低", "目标分高", "目标分低", "B书记", "a书记", "乙", "甲"]
    assert [r.rank for r in rows] == list(range(1, 9))


async def test_the_order_uses_the_rounded_total(session_factory: SessionFactory, world: World) -> None:
    """Two different exact products that round to the same total are a tie in total: the higher
    satisfaction goes first although the other's exact product is higher (docs/ASSESSMENT.md)."""
    async with session_factory.begin() as session:
        await ranked_secretary(session, world, "精确积高", 100.01, 2, 3)  # 66.6733… → 66.67
        await ranked_secretary(session, world, "满意度高", 66.67, 100, 100)  # 66.67 exactly
        await ranked_secretary(session, world, "合计高", 66.68, 100, 100)  # 66.68
    rows = await live(session_factory, world)
    assert [(r.name, r.total_centi) for r in rows] == [("合计高", 6668), ("满意度高", 6667), ("精确积高", 6667)]
    assert [r.rank for r in rows] == [1, 2, 3]


async def test_overrides_and_a_passed_on_excellent_place(session_factory: SessionFactory, world: World) -> None:
    """n = 10: three excellent and three good places; ranks by total regardless of overrides."""
    async with session_factory.begin() as session:
        s1 = await ranked_secretary(session, world, "S01", 99, 100, 100)
        await disqualify(session, s1, "严重违反纪律")
        await ranked_secretary(session, world, "S02", 98, 100, 100, core=79.99)  # barred by override 3
        await ranked_secretary(session, world, "S03", 97, 100, 100)
        await ranked_secretary(session, world, "S04", 96, 100, 100, tier="basic_competent")
        await ranked_secretary(session, world, "S05", 95, 100, 100)
        await ranked_secretary(session, world, "S06", 94, 100, 100)
        await ranked_secretary(session, world, "S07", 93, 100, 100)
        await ranked_secretary(session, world, "S08", 92, 100, 100)
        await ranked_secretary(session, world, "S09", 91, 100, 100, tier="incompetent")
        await ranked_secretary(session, world, "S10", 90, 100, 100, core=80)  # exactly 80: not barred
    rows = await live(session_factory, world)
    got = [(r.name, r.rank, r.grade, r.reason_code) for r in rows]
    assert got == [
        ("S01", 1, Grade.INCOMPETENT, "disqualified"),
        ("S02", 2, Grade.GOOD, "barred_core_score"),
        ("S03", 3, Grade.EXCELLENT, None),
        ("S04", 4, Grade.BASIC_COMPETENT, "satisfaction_basic"),
        ("S05", 5, Grade.EXCELLENT, None),
        ("S06", 6, Grade.EXCELLENT, None),
        ("S07", 7, Grade.GOOD, None),
        ("S08", 8, Grade.GOOD, None),
        ("S09", 9, Grade.INCOMPETENT, "satisfaction_incompetent"),
        ("S10", 10, Grade.COMPETENT, None),
    ]
    assert rows[0].reason == "一票否决，定为不称职：严重违反纪律"
    assert rows[3].reason == "群众满意度低于 70%，定为基本称职"


async def test_org_class_lost_bars_excellent(session_factory: SessionFactory, world: World) -> None:
    async with session_factory.begin() as session:
        await ranked_secretary(session, world, "降档村", 99, village="V12")
        await ranked_secretary(session, world, "升档村", 98, village="V21")
        for i in range(2):
            await ranked_secretary(session, world, f"其他{i}", 90 - i, village="V11")
        await org_class(session, world, "V12", "2024", OrgClass.C)  # an older record is not compared
        await org_class(session, world, "V12", "2025", OrgClass.A)
        await org_class(session, world, "V12", PERIOD, OrgClass.B)
        await org_class(session, world, "V21", "2025", OrgClass.C)
        await org_class(session, world, "V21", PERIOD, OrgClass.B)
    rows = by_name(await live(session_factory, world))
    assert (rows["降档村"].grade, rows["降档村"].reason_code) == (Grade.GOOD, "barred_org_lost")
    assert (rows["升档村"].grade, rows["升档村"].reason_code) == (Grade.EXCELLENT, None)


async def test_withdrawn_disqualification_is_not_applied(session_factory: SessionFactory, world: World) -> None:
    async with session_factory.begin() as session:
        secretary = await ranked_secretary(session, world, "撤销", 99)
        await disqualify(session, secretary, "误报", withdrawn=True)
    (row,) = await live(session_factory, world)
    assert (row.grade, row.reason_code) == (Grade.COMPETENT, None)


async def test_not_rankable_rows_are_listed_after_the_ranked_with_reasons(
    session_factory: SessionFactory, world: World
) -> None:
    async with session_factory.begin() as session:
        await ranked_secretary(session, world, "正常", 90)
        no_poll = await add_secretary(session, world, "无测评")
        await assess(session, world, no_poll, 99)
        low = await add_secretary(session, world, "参评不足")
        await assess(session, world, low, 99)
        await poll(session, world, low, None, None, valid=False)
        few = await add_secretary(session, world, "票数过少")
        await assess(session, world, few, 99)
        await poll(session, world, few, None, None)  # valid, satisfaction suppressed (< 5 ballots)
        voting = await add_secretary(session, world, "测评中")
        await poll(session, world, voting, None, None, status=PollStatus.VOTING)
        unscored = await add_secretary(session, world, "未考评")
        await poll(session, world, unscored, 90, 100)
        await add_secretary(session, world, "往年", term=(date(2024, 1, 1), date(2025, 12, 31)))  # not in post
    rows = await live(session_factory, world)
    assert [(r.name, r.rank, r.rankable, r.grade, r.reason_code) for r in rows] == [
        ("正常", 1, True, Grade.COMPETENT, None),
        ("参评不足", None, False, None, "turnout_low"),
        ("无测评", None, False, None, "no_poll"),
        ("未考评", None, False, None, "not_assessed"),
        ("测评中", None, False, None, "poll_not_closed"),
        ("票数过少", None, False, None, "suppressed"),
    ]
    assert [r.position for r in rows] == list(range(1, 7))
    assert all(r.reason for r in rows[1:])


async def test_township_sees_its_own_rows_with_county_ranks(session_factory: SessionFactory, world: World) -> None:
    async with session_factory.begin() as session:
        await ranked_secretary(session, world, "二镇第一", 99, village="V21")
        await ranked_secretary(session, world, "一镇第二", 98, village="V11")
        await ranked_secretary(session, world, "一镇第三", 97, village="V12")
    with pytest.raises(Forbidden, match="尚未向镇街开放"):  # closed to townships by default
        await live(session_factory, world, "township")
    async with session_factory.begin() as session:
        await open_to_townships(session, world)
    rows = await live(session_factory, world, "township")
    assert [(r.name, r.rank) for r in rows] == [("一镇第二", 2), ("一镇第三", 3)]
    found = await live(session_factory, world, "county", search="第三")
    assert [(r.name, r.rank) for r in found] == [("一镇第三", 3)]


async def test_live_rankings_refuse_secretaries_members_and_other_townships(
    session_factory: SessionFactory, world: World
) -> None:
    for user in ("village", "member"):
        with pytest.raises(Forbidden):
            await live(session_factory, world, user)
    async with session_factory.begin() as session:
        await open_to_townships(session, world)
    with pytest.raises(NotFound):  # another township, another county: as if there were none
        await live(session_factory, world, "township", township_id=world.units["T2"].id)
    with pytest.raises(NotFound):
        await live(session_factory, world, "county", township_id=world.units["TB"].id)


@pytest.mark.parametrize(("kw", "field"), [({"period": "2026年"}, "period"), ({"group_key": "a:b"}, "groupKey")])
async def test_bad_arguments_name_the_field(
    session_factory: SessionFactory, world: World, kw: dict[str, str], field: str
) -> None:
    args = {"period": PERIOD, "group_key": GROUP} | kw
    async with session_factory() as session:
        with pytest.raises(InvalidInput) as caught:
            [r async for r in iter_ranking(session, world.actor("county"), args["period"], group_key=args["group_key"])]
    assert caught.value.field == field
