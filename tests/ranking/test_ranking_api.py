"""The ranking over GraphQL: fields, paging, publishing, snapshots by role, chart data, and a
fixed number of SQL statements however many rows the ranking has."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from starlette.applications import Starlette

from backend.attendance.models import CheckIn
from backend.core.db import SessionFactory
from tests.conftest import GraphQLClient
from tests.permission_matrix import ROLES
from tests.ranking.helpers import GROUP, PERIOD, disqualify, open_to_townships, ranked_secretary
from tests.test_query_counts import count_queries
from tests.world import World

RANKING = """query($g: String, $first: Int, $t: ID) {
  ranking(period: "2026", groupKey: $g, first: $first, townshipId: $t) {
    period live excellentQuotaPct goodQuotaPct
    groups { groupKey label unitType mode cadreClass rankableCount notRankableCount excellentQuota goodQuota
      totalCount hasMore endCursor
      rows { secretaryId name rank position townshipName villageName targetScore satisfaction
        satisfactionPercent total rankable grade reasonCode reason } } } }"""
GROUP_PAGE = """query($after: String, $g: String!) {
  rankingGroup(period: "2026", groupKey: $g, first: 2, after: $after) {
    totalCount pageInfo { hasNextPage endCursor } edges { node { name rank } } } }"""
PUBLISH = 'mutation { publishRanking(input: {period: "2026"}) { snapshot { id rowCount sha256 } errors { code } } }'
SNAPSHOT = """query($id: ID!) { rankingSnapshot(id: $id, first: 100) { live snapshot { id period }
  groups { groupKey rows { name grade total } } } }"""


async def _five(session_factory: SessionFactory, world: World) -> None:
    async with session_factory.begin() as session:
        first = await ranked_secretary(session, world, "一", 95, 92, 100)
        for i, name in enumerate("二三四五"):
            await ranked_secretary(session, world, name, 90 - i, 55, 60, village="V21" if i % 2 else "V12")
        await disqualify(session, first, "群体上访")


async def test_ranking_fields(gql: GraphQLClient, session_factory: SessionFactory, world: World) -> None:
    await _five(session_factory, world)
    body = await gql.execute(RANKING, {"g": GROUP, "first": 3}, as_user="county")
    assert "errors" not in body, body
    ranking = body["data"]["ranking"]
    assert (ranking["live"], ranking["excellentQuotaPct"], ranking["goodQuotaPct"]) == (True, 30, 30)
    (group,) = ranking["groups"]
    assert group["label"] == "镇街派出·非脱产联村·党政正职"
    assert (group["unitType"], group["mode"], group["cadreClass"]) == ("TOWNSHIP", "LIAISON", "PARTY_GOV_CHIEF")
    assert (group["rankableCount"], group["excellentQuota"], group["goodQuota"], group["totalCount"]) == (5, 1, 1, 5)
    assert group["hasMore"] is True and len(group["rows"]) == 3
    top, second, _ = group["rows"]
    assert top == {
        "secretaryId": top["secretaryId"],
        "name": "一",
        "rank": 1,
        "position": 1,
        "townshipName": "T1名",
        "villageName": "V11名",
        "targetScore": 95.0,
        "satisfaction": 0.92,
        "satisfactionPercent": "92.00",
        "total": 87.4,
        "rankable": True,
        "grade": "INCOMPETENT",
        "reasonCode": "disqualified",
        "reason": "一票否决，定为不称职：群体上访",
    }
    assert (second["name"], second["satisfactionPercent"], second["total"], second["grade"]) == (
        "二",
        "91.67",
        82.5,  # 90 × 55/60 = 82.5
        "EXCELLENT",
    )


async def test_ranking_group_pages_by_position(
    gql: GraphQLClient, session_factory: SessionFactory, world: World
) -> None:
    await _five(session_factory, world)
    names, after = [], None
    for _ in range(3):
        body = await gql.execute(GROUP_PAGE, {"after": after, "g": GROUP}, as_user="county")
        page = body["data"]["rankingGroup"]
        assert page["totalCount"] == 5
        names += [(e["node"]["name"], e["node"]["rank"]) for e in page["edges"]]
        after = page["pageInfo"]["endCursor"]
        if not page["pageInfo"]["hasNextPage"]:
            break
    assert names == [("一", 1), ("二", 2), ("三", 3), ("四", 4), ("五", 5)]
    bad = await gql.execute(GROUP_PAGE, {"after": "not-a-cursor", "g": GROUP}, as_user="county")
    assert bad["errors"][0]["extensions"]["code"] == "INVALID_INPUT"


async def test_township_gets_its_own_rows_with_county_ranks(
    gql: GraphQLClient, session_factory: SessionFactory, world: World
) -> None:
    await _five(session_factory, world)
    closed = await gql.execute(RANKING, {"g": GROUP, "first": 10}, as_user="township")
    assert closed["errors"][0]["extensions"]["code"] == "FORBIDDEN"
    async with session_factory.begin() as session:
        await open_to_townships(session, world)
    body = await gql.execute(RANKING, {"g": GROUP, "first": 10}, as_user="township")
    (group,) = body["data"]["ranking"]["groups"]
    assert [(r["name"], r["rank"]) for r in group["rows"]] == [("一", 1), ("二", 2), ("四", 4)]
    assert (group["totalCount"], group["rankableCount"]) == (3, 5)


async def test_publish_then_read_the_snapshot(
    gql: GraphQLClient, session_factory: SessionFactory, world: World
) -> None:
    await _five(session_factory, world)
    published = (await gql.execute(PUBLISH, as_user="county"))["data"]["publishRanking"]
    assert published["errors"] == [] and published["snapshot"]["rowCount"] == 5 + 3
    snapshot_id = published["snapshot"]["id"]
    closed = await gql.execute(SNAPSHOT, {"id": snapshot_id}, as_user="township")
    assert closed["errors"][0]["extensions"]["code"] == "FORBIDDEN"
    async with session_factory.begin() as session:
        await open_to_townships(session, world)
    body = await gql.execute(SNAPSHOT, {"id": snapshot_id}, as_user="township")
    ranking = body["data"]["rankingSnapshot"]
    assert ranking["live"] is False and ranking["snapshot"] == {"id": snapshot_id, "period": PERIOD}
    groups = {g["groupKey"]: g for g in ranking["groups"]}
    assert [r["name"] for r in groups[GROUP]["rows"]] == ["一", "二", "三", "四", "五"]
    trend = await gql.execute(
        "{ rankingTrend { period rankableCount averageTotal grades { grade count } } }", as_user="county"
    )
    (point,) = trend["data"]["rankingTrend"]
    assert (point["period"], point["rankableCount"]) == (PERIOD, 5)
    counts = {g["grade"]: g["count"] for g in point["grades"]}
    assert (counts["EXCELLENT"], counts["GOOD"], counts["INCOMPETENT"], counts["COMPETENT"]) == (1, 1, 1, 2)
    refused = (await gql.execute(PUBLISH, as_user="township"))["data"]["publishRanking"]
    assert refused["errors"][0]["code"] == "FORBIDDEN"


@pytest.mark.parametrize("own", [True, False], ids=["own", "other"])
@pytest.mark.parametrize("role", ROLES)
async def test_snapshot_permission_matrix(
    gql: GraphQLClient, session_factory: SessionFactory, world: World, role: str, own: bool
) -> None:
    """County A's and county B's snapshots; staff read their own county's, nobody the other's."""
    ids = {}
    for county in ("county", "county_b"):
        ids[county] = (await gql.execute(PUBLISH, as_user=county))["data"]["publishRanking"]["snapshot"]["id"]
    body = await gql.execute(SNAPSHOT, {"id": ids["county" if own else "county_b"]}, as_user=role)
    if role == "township":  # the county has not opened the ranking to townships (the default)
        assert body["errors"][0]["extensions"]["code"] == "FORBIDDEN", body
    elif own and role != "member":
        assert "errors" not in body, body
        rows = [r for g in body["data"]["rankingSnapshot"]["groups"] for r in g["rows"]]
        assert len(rows) == (1 if role == "village" else 3)
    elif role == "member":  # members read no ranking at all
        assert body["errors"][0]["extensions"]["code"] == "FORBIDDEN", body
    else:  # another county's snapshot: the same answer as one that does not exist
        assert body["errors"][0]["extensions"]["code"] == "NOT_FOUND", body


async def test_chart_data(gql: GraphQLClient, session_factory: SessionFactory, world: World) -> None:
    await _five(session_factory, world)
    async with session_factory.begin() as session:
        v12 = world.units["V12"]
        secretary = world.secretaries["V12"]
        for i, day in enumerate((1, 1, 2)):  # two distinct days inside the geofence
            session.add(
                CheckIn(
                    id=f"00000000-0000-4000-a000-00000000000{i}",
                    secretary_id=secretary.id,
                    village_id=v12.id,
                    township_id=v12.township_id,
                    county_id=v12.county_id,
                    at=datetime(2026, 6, day, 2, 0, tzinfo=UTC),
                    lat=36.3,
                    lng=120.0,
                    inside_geofence=True,
                    content_hash="0" * 64,
                )
            )
    body = await gql.execute(
        """{ townshipComparison(period: "2026") { townshipName secretaryCount averageSatisfaction averageTotal
             averageStationedDays dutyCompletedShare }
           rankingDistribution(period: "2026") { buckets { label count } grades { grade count } notRankable } }""",
        as_user="county",
    )
    assert "errors" not in body, body
    t1, t2 = body["data"]["townshipComparison"]
    # T1: 一 (87.40, 0.92), 二 (82.50), 四 (80.67) and the world's V11 and V12 secretaries (no poll).
    assert (t1["townshipName"], t1["secretaryCount"], t1["averageTotal"]) == (
        "T1名",
        5,
        round((8740 + 8250 + 8067) / 3 / 100, 2),
    )
    assert t1["averageSatisfaction"] == round((0.92 + 55 / 60 + 55 / 60) / 3, 4)
    assert t1["averageStationedDays"] == round(2 / 5, 2)
    assert 0 <= t1["dutyCompletedShare"] <= 1
    assert (t2["townshipName"], t2["secretaryCount"]) == ("T2名", 3)
    distribution = body["data"]["rankingDistribution"]
    assert {b["label"]: b["count"] for b in distribution["buckets"]}["80–90 分"] == 4
    assert distribution["notRankable"] == 3


async def test_ranking_query_count_is_fixed(
    app: Starlette, gql: GraphQLClient, session_factory: SessionFactory, world: World
) -> None:
    async def statements() -> int:
        with count_queries(app) as seen:
            body = await gql.execute(RANKING, {"first": 20}, as_user="county")
        assert "errors" not in body, body
        return len(seen)

    await _five(session_factory, world)
    small = await statements()
    async with session_factory.begin() as session:
        for i in range(30):
            await ranked_secretary(session, world, f"加{i}", 70 + i % 20, village=("V11", "V12", "V21")[i % 3])
    large = await statements()
    assert small == large == 2, (small, large)  # county settings, the ranking statement


async def test_trend_reads_aired_rows_of_the_callers_county_only(
    gql: GraphQLClient, session_factory: SessionFactory, world: World
) -> None:
    await _five(session_factory, world)
    await gql.execute(PUBLISH, as_user="county")
    async with session_factory.begin() as session:
        await open_to_townships(session, world)
    trend = "query($t: ID) { rankingTrend(townshipId: $t) { period rankableCount } }"
    other_township = await gql.execute(trend, {"t": world.unit_id("T2")}, as_user="township")
    assert other_township["data"]["rankingTrend"] == [{"period": PERIOD, "rankableCount": 2}]  # 三, 五 in V21
    other_county = await gql.execute(trend, {"t": world.unit_id("TB")}, as_user="county")
    assert other_county["errors"][0]["extensions"]["code"] == "NOT_FOUND"
    own = await gql.execute('{ townshipComparison(period: "2026") { townshipName } }', as_user="township")
    assert own["data"]["townshipComparison"] == [{"townshipName": "T1名"}]
