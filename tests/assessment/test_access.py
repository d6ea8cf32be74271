"""Who scores whom (DOMAIN.md section 5): the county scores resident secretaries, the township of
the village scores liaison ones; the county reads those; the secretary reads their own; members
never. Checked in the service, so every path to an assessment is covered."""

from __future__ import annotations

from backend.core.db import SessionFactory
from backend.org.models import StationMode
from tests.assessment.helpers import ASSESSMENT, PERIOD, SCORE, all_in_2025, set_secretary
from tests.conftest import GraphQLClient
from tests.world import World

ITEM = [{"key": "results.demo_base", "occurrences": 1}]


async def _score(gql: GraphQLClient, world: World, village: str, user: str, version: int = 0) -> str | None:
    variables = {
        "input": {
            "secretaryId": str(world.secretaries[village].id),
            "period": PERIOD,
            "version": version,
            "items": ITEM,
        }
    }
    payload = (await gql.execute(SCORE, variables, as_user=user))["data"]["scoreAssessment"]  # type: ignore[index]
    return payload["errors"][0]["code"] if payload["errors"] else None


async def _read(gql: GraphQLClient, world: World, village: str, user: str) -> dict | str:
    body = await gql.execute(ASSESSMENT, {"s": str(world.secretaries[village].id), "p": PERIOD}, as_user=user)
    if body.get("errors"):
        return body["errors"][0]["extensions"]["code"]  # type: ignore[index]
    return body["data"]["assessment"]  # type: ignore[index]


async def test_the_county_scores_resident_secretaries(
    gql: GraphQLClient, world: World, session_factory: SessionFactory
) -> None:
    await all_in_2025(session_factory, world)
    assert await _score(gql, world, "V11", "township") == "FORBIDDEN"  # the township of a resident's village
    assert await _score(gql, world, "V11", "county_b") == "NOT_FOUND"  # another county
    assert await _score(gql, world, "V11", "village") == "FORBIDDEN"
    assert await _score(gql, world, "V11", "member") == "FORBIDDEN"
    assert await _score(gql, world, "V11", "county") is None

    as_county = await _read(gql, world, "V11", "county")
    assert isinstance(as_county, dict) and as_county["canScore"] and as_county["assessorRole"] == "COUNTY"
    assert await _read(gql, world, "V11", "township") == "FORBIDDEN"  # the county's scores of residents
    assert await _read(gql, world, "V11", "county_b") == "NOT_FOUND"
    assert await _read(gql, world, "V11", "member") == "FORBIDDEN"
    assert await _read(gql, world, "V11", "village_v12") == "NOT_FOUND"  # a neighbour's


async def test_the_township_of_the_village_scores_liaison_secretaries(
    gql: GraphQLClient, world: World, session_factory: SessionFactory
) -> None:
    await all_in_2025(session_factory, world)
    await set_secretary(session_factory, world, "V12", mode=StationMode.LIAISON)  # V12 lies in T1
    assert await _score(gql, world, "V12", "county") == "FORBIDDEN"  # the county only reads liaison ones
    assert await _score(gql, world, "V12", "township_t2") == "NOT_FOUND"  # the township of another village
    assert await _score(gql, world, "V12", "township") is None

    as_township = await _read(gql, world, "V12", "township")
    assert isinstance(as_township, dict) and as_township["canScore"] and as_township["assessorRole"] == "TOWNSHIP"
    as_county = await _read(gql, world, "V12", "county")
    assert isinstance(as_county, dict) and not as_county["canScore"] and as_county["target"] == 10
    assert await _read(gql, world, "V12", "township_t2") == "NOT_FOUND"

    refused = await gql.execute(
        SCORE,
        {"input": {"secretaryId": str(world.secretaries["V12"].id), "period": PERIOD, "version": 1, "items": ITEM}},
        as_user="county",
    )
    assert "由所在乡镇党委评分" in refused["data"]["scoreAssessment"]["errors"][0]["message"]


async def test_secretaries_read_their_own_scores_without_proposals(
    gql: GraphQLClient, world: World, session_factory: SessionFactory
) -> None:
    await all_in_2025(session_factory, world)
    before = await _read(gql, world, "V11", "village")
    assert isinstance(before, dict) and before["status"] == "NOT_STARTED" and not before["canScore"]
    assert all(i["proposedPoints"] is None and i["evidence"] is None for i in before["items"])
    await _score(gql, world, "V11", "county")
    after = await _read(gql, world, "V11", "village")
    assert isinstance(after, dict) and after["status"] == "IN_PROGRESS" and after["target"] == 10
    scored = [i for i in after["items"] if i["scored"]]
    assert [(i["key"], i["points"]) for i in scored] == [("results.demo_base", 10)]


async def test_the_assessors_list_shows_each_scope(
    gql: GraphQLClient, world: World, session_factory: SessionFactory
) -> None:
    await all_in_2025(session_factory, world)
    await set_secretary(session_factory, world, "V12", mode=StationMode.LIAISON)
    await _score(gql, world, "V11", "county")
    doc = """query($p: String!, $t: ID, $q: String) { assessments(period: $p, townshipId: $t, search: $q, first: 10) {
      totalCount edges { node { secretary { name } villageName townshipName assessorRole canScore status target
      itemsScored itemsTotal version } } } }"""

    async def rows(user: str, **variables: object) -> list[dict]:
        body = await gql.execute(doc, {"p": PERIOD, **variables}, as_user=user)
        assert "errors" not in body, body
        return [e["node"] for e in body["data"]["assessments"]["edges"]]  # type: ignore[index]

    county = await rows("county")
    assert [r["villageName"] for r in county] == ["V11名", "V12名", "V21名"]
    v11, v12, v21 = county
    assert (v11["status"], v11["target"], v11["itemsScored"], v11["version"]) == ("IN_PROGRESS", 10, 1, 1)
    assert (v12["status"], v12["target"], v12["assessorRole"], v12["canScore"]) == (
        "NOT_STARTED",
        None,
        "TOWNSHIP",
        False,
    )
    assert v12["itemsTotal"] == v11["itemsTotal"] > 30
    assert [r["villageName"] for r in await rows("township")] == ["V12名"]  # its liaison secretary only
    assert (await rows("township"))[0]["canScore"] is True
    assert [r["villageName"] for r in await rows("county", t=world.unit_id("T2"))] == ["V21名"]
    assert [r["villageName"] for r in await rows("county", q="V12")] == ["V12名"]
    assert [r["villageName"] for r in await rows("county_b")] == ["VB名"]  # each county its own
    refused = await gql.execute(doc, {"p": PERIOD, "t": world.unit_id("T2")}, as_user="township")
    assert refused["errors"][0]["extensions"]["code"] == "NOT_FOUND"
    village = await gql.execute(doc, {"p": PERIOD}, as_user="village")
    assert village["errors"][0]["extensions"]["code"] == "FORBIDDEN"
    # secretaries not in post during the period are left out
    assert await rows("county", p="2023") == []
