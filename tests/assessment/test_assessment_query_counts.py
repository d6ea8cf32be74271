"""The assessors' list and one assessment with its evidence issue a fixed number of SQL queries,
however many secretaries, scores and filings there are (no N+1)."""

from __future__ import annotations

from datetime import date

from starlette.applications import Starlette

from backend.core.db import SessionFactory
from backend.filings.models import FilingKind
from backend.org.models import CadreClass, StationMode, UnitType
from tests.assessment.helpers import ASSESSMENT, PERIOD, SCORE, add_filings, all_in_2025, perfect_record
from tests.conftest import GraphQLClient
from tests.test_query_counts import count_queries
from tests.world import World, add_village_with_secretary

LIST = """query($p: String!) { assessments(period: $p, first: 50) { totalCount pageInfo { hasNextPage endCursor }
  edges { node { secretary { name mode village { name } } villageName townshipName assessorRole canScore status
  target itemsScored itemsTotal version } } } }"""


async def _count(app: Starlette, gql: GraphQLClient, doc: str, variables: dict, user: str = "county") -> int:
    with count_queries(app) as statements:
        body = await gql.execute(doc, variables, as_user=user)
    assert "errors" not in body, body
    return len(statements)


async def _more_secretaries(session_factory: SessionFactory, world: World, n: int) -> list[int]:
    ids = []
    async with session_factory.begin() as session:
        for i in range(n):
            township = world.units["T1" if i % 2 else "T2"]
            _, profile = await add_village_with_secretary(
                session,
                township,
                name=f"加村{i}",
                code=f"X{i}",
                secretary_name=f"加书记{i}",
                phone=f"1370000{i:04d}",
                unit_type=UnitType.MUNICIPAL,
                mode=StationMode.RESIDENT,
                cadre_class=CadreClass.SECTION_CHIEF,
                dispatch_unit="县财政局",
                term=(date(2025, 1, 1), date(2025, 12, 31)),
            )
            ids.append(profile.id)
    return ids


async def test_the_assessors_list_has_a_fixed_query_count(
    app: Starlette, gql: GraphQLClient, world: World, session_factory: SessionFactory
) -> None:
    await all_in_2025(session_factory, world)
    small = await _count(app, gql, LIST, {"p": PERIOD})
    added = await _more_secretaries(session_factory, world, 24)
    for secretary_id in added[:6]:
        variables = {
            "input": {
                "secretaryId": str(secretary_id),
                "period": PERIOD,
                "version": 0,
                "items": [{"key": "results.demo_base", "occurrences": 1}],
            }
        }
        assert (await gql.execute(SCORE, variables, as_user="county"))["data"]["scoreAssessment"]["errors"] == []
    large = await _count(app, gql, LIST, {"p": PERIOD})
    body = await gql.execute(LIST, {"p": PERIOD}, as_user="county")
    assert body["data"]["assessments"]["totalCount"] == 27
    assert sum(e["node"]["status"] == "IN_PROGRESS" for e in body["data"]["assessments"]["edges"]) == 6
    # count, page, rubric (the saved version or the template) and the secretaries' villages
    assert small == large <= 4, (small, large)


async def test_an_assessment_with_its_evidence_has_a_fixed_query_count(
    app: Starlette, gql: GraphQLClient, world: World, session_factory: SessionFactory
) -> None:
    await all_in_2025(session_factory, world)
    variables = {"s": str(world.secretaries["V11"].id), "p": PERIOD}
    await add_filings(session_factory, world, "V11", FilingKind.WORK_DIARY, [date(2025, 1, 2)])
    small = await _count(app, gql, ASSESSMENT, variables)  # one filing behind the proposals
    await perfect_record(session_factory, world, "V11")  # ~120 filings behind the proposals
    await add_filings(session_factory, world, "V11", FilingKind.WORK_DIARY, [date(2025, 7, d) for d in range(1, 29)])
    large = await _count(app, gql, ASSESSMENT, variables)
    assert small == large <= 9, (small, large)
