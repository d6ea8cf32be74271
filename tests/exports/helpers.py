"""Hand-made data for the export tests: a published ranking snapshot and assessments with their
rubric versions, written straight to the tables (the exports only read them)."""

from __future__ import annotations

import io
from datetime import UTC, datetime
from typing import Any

import httpx
from openpyxl import load_workbook
from openpyxl.workbook import Workbook

from backend.assessment.models import Assessment, AssessmentItemScore, RubricVersion
from backend.core.db import SessionFactory
from backend.org.models import CadreClass, SecretaryProfile, StationMode, UnitType
from backend.ranking.models import Grade, RankingSnapshot, RankingSnapshotRow
from tests.conftest import GraphQLClient
from tests.world import World

MUNICIPAL_GROUP = "municipal:resident:section_chief"  # the world's secretaries
TOWNSHIP_GROUP = "township:liaison:party_gov_chief"
SHA = "0123456789abcdef" * 4
PUBLISHED_AT = datetime(2026, 12, 1, 2, 30, tzinfo=UTC)  # 10:30 in Beijing


async def download(
    client: httpx.AsyncClient, gql: GraphQLClient, user: str | None, path: str, query: str
) -> httpx.Response:
    headers = {"authorization": f"Bearer {await gql.token_for(user)}"} if user else {}
    return await client.get(f"/exports/{path}?{query}", headers=headers)


def open_workbook(response: httpx.Response) -> Workbook:
    assert response.status_code == 200, response.text
    assert response.headers["content-type"] == "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    return load_workbook(io.BytesIO(response.content))


def sheet_values(workbook: Workbook, name: str) -> list[list[Any]]:
    return [list(row) for row in workbook[name].iter_rows(values_only=True)]


def error_code(response: httpx.Response) -> str:
    return str(response.json()["errors"][0]["extensions"]["code"])


def _row(world: World, village: str, group_key: str, position: int, **values: Any) -> dict[str, Any]:
    unit = world.units[village]
    township = next(u for u in world.units.values() if u.id == unit.township_id)
    return {
        "secretary_id": world.secretaries[village].id,
        "group_key": group_key,
        "position": position,
        "name": f"{village}书记",
        "township_id": township.id,
        "township_name": township.name,
        "village_id": unit.id,
        "village_name": unit.name,
        "rank": None,
        "target_centi": None,
        "satisfaction_num": None,
        "satisfaction_den": None,
        "total_centi": None,
        "rankable": True,
        "grade": None,
        "reason": None,
        "reason_code": None,
    } | values


async def hand_made_snapshot(session_factory: SessionFactory, world: World, *, period: str = "2026") -> int:
    """County A's published ranking: in the municipal group V11 (1st, excellent), V21 (2nd,
    competent) and V12 (not rankable: turnout too low); in a township group V12's twin row
    (a made-up secretary id) ranked 1st but fixed at 基本称职 by its satisfaction tier."""
    rows = [
        _row(world, "V11", MUNICIPAL_GROUP, 1, rank=1, target_centi=9550, satisfaction_num=92,
             satisfaction_den=100, total_centi=8786, grade=Grade.EXCELLENT),
        _row(world, "V21", MUNICIPAL_GROUP, 2, rank=2, target_centi=8000, satisfaction_num=9,
             satisfaction_den=10, total_centi=7200, grade=Grade.COMPETENT),
        _row(world, "V12", MUNICIPAL_GROUP, 3, rankable=False, reason_code="turnout_low",
             reason="参评人数不足应参评人数的三分之二，测评无效，不参与排名"),
        _row(world, "V12", TOWNSHIP_GROUP, 1, secretary_id=10_000_001, name="乙书记", rank=1, target_centi=9000,
             satisfaction_num=70, satisfaction_den=100, total_centi=6300, grade=Grade.BASIC_COMPETENT,
             reason_code="satisfaction_basic", reason="群众满意度低于 80%，定为基本称职"),
    ]  # fmt: skip
    async with session_factory.begin() as session:
        snapshot = RankingSnapshot(
            county_id=world.units["A"].id,
            period=period,
            sha256=SHA,
            rubric_versions=[],
            board_heads={},
            rules={},
            row_count=len(rows),
            published_at=PUBLISHED_AT,
        )
        session.add(snapshot)
        await session.flush()
        session.add_all(RankingSnapshotRow(snapshot_id=snapshot.id, **row) for row in rows)
        return snapshot.id


RUBRIC_V1 = [
    {"key": "team_building.study", "part": "BASIC", "group": "team_building", "groupLabel": "班子建设",
     "label": "组织学习干部纪律规定", "kind": "BASE", "basePoints": 10, "perOccurrence": -5},
    {"key": "discipline.six", "part": "DISCIPLINE", "group": "discipline", "groupLabel": "纪律",
     "label": "违反六个严禁", "kind": "DEDUCTION", "perOccurrence": -5},
    {"key": "results.funds", "part": "RESULTS", "group": "results", "groupLabel": "工作实绩",
     "label": "引进物资资金", "kind": "BONUS", "perOccurrence": 5},
    {"key": "org_upgrade.gained", "part": "ORG_UPGRADE", "group": "org_upgrade", "groupLabel": "组织晋位",
     "label": "晋位", "kind": "BONUS", "perOccurrence": 10},
]  # fmt: skip
# Version 2 drops nothing and adds one BASIC item (listed first in its part).
RUBRIC_V2 = [
    {"key": "plan.income", "part": "BASIC", "group": "plan", "groupLabel": "发展规划", "label": "发展规划",
     "kind": "BASE", "basePoints": 10, "perOccurrence": -10},
    *RUBRIC_V1,
]  # fmt: skip


async def hand_made_assessments(session_factory: SessionFactory, world: World, *, period: str = "2026") -> None:
    """Rubric v1 and v2 of county A. V11 assessed with v1 (all items), V21 with v2 (two items so
    far) and moved to a township-dispatched liaison group; V12 not assessed yet."""
    county = world.units["A"].id
    async with session_factory.begin() as session:
        v1 = RubricVersion(county_id=county, period=period, version=1, items=RUBRIC_V1, sha256="1" * 64)
        v2 = RubricVersion(county_id=county, period=period, version=2, items=RUBRIC_V2, sha256="2" * 64)
        session.add_all([v1, v2])
        v21 = await session.get(SecretaryProfile, world.secretaries["V21"].id)
        assert v21 is not None
        v21.unit_type, v21.mode, v21.cadre_class = UnitType.TOWNSHIP, StationMode.LIAISON, CadreClass.PARTY_GOV_CHIEF
        await session.flush()
        plans = {
            "V11": (v1, {"team_building.study": 1000, "discipline.six": -500, "results.funds": 1550,
                         "org_upgrade.gained": 1000}),
            "V21": (v2, {"plan.income": 0, "team_building.study": 500}),
        }  # fmt: skip
        for village, (version, items) in plans.items():
            unit = world.units[village]
            parts = {"BASIC": 0, "DISCIPLINE": 0, "RESULTS": 0, "ORG_UPGRADE": 0}
            for key, centi in items.items():
                parts[next(i["part"] for i in version.items if i["key"] == key)] += centi
            assessment = Assessment(
                county_id=county,
                township_id=unit.township_id,
                village_id=unit.id,
                secretary_id=world.secretaries[village].id,
                period=period,
                rubric_version_id=version.id,
                basic_centi=parts["BASIC"],
                discipline_centi=parts["DISCIPLINE"],
                results_centi=parts["RESULTS"],
                org_upgrade_centi=parts["ORG_UPGRADE"],
                target_centi=max(0, sum(parts.values())),
                items_scored=len(items),
                items_total=len(version.items),
            )
            session.add(assessment)
            await session.flush()
            session.add_all(
                AssessmentItemScore(assessment_id=assessment.id, item_key=key, points_centi=centi)
                for key, centi in items.items()
            )
