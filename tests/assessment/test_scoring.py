"""Scoring item by item: proposals from the world's filings, confirmation and override (audited),
optimistic versions, part sums and the target, and rubric edits that leave scores alone."""

from __future__ import annotations

from datetime import date
from typing import Any

from sqlalchemy import select

from backend.assessment.models import Assessment, AssessmentItemScore
from backend.assessment.rubric import DEFAULT_ITEMS, ItemKind
from backend.audit.models import AuditEvent
from backend.core.db import SessionFactory
from backend.filings.models import FilingKind, FilingStatus
from backend.org.models import StationMode
from tests.assessment.helpers import (
    ASSESSMENT,
    PERIOD,
    SCORE,
    add_filings,
    all_in_2025,
    perfect_record,
    set_secretary,
)
from tests.conftest import GraphQLClient
from tests.world import World


async def view(gql: GraphQLClient, world: World, village: str, user: str = "county") -> dict[str, Any]:
    body = await gql.execute(ASSESSMENT, {"s": str(world.secretaries[village].id), "p": PERIOD}, as_user=user)
    assert "errors" not in body, body
    return body["data"]["assessment"]  # type: ignore[index,return-value]


async def score(
    gql: GraphQLClient, world: World, village: str, version: int, items: list[dict[str, Any]], user: str = "county"
) -> dict[str, Any]:
    variables = {
        "input": {
            "secretaryId": str(world.secretaries[village].id),
            "period": PERIOD,
            "version": version,
            "items": items,
        }
    }
    body = await gql.execute(SCORE, variables, as_user=user)
    assert "errors" not in body, body
    return body["data"]["scoreAssessment"]  # type: ignore[index,return-value]


def by_key(assessment: dict[str, Any]) -> dict[str, dict[str, Any]]:
    return {i["key"]: i for i in assessment["items"]}


async def test_proposals_come_from_the_secretarys_filings(
    gql: GraphQLClient, world: World, session_factory: SessionFactory
) -> None:
    await all_in_2025(session_factory, world)
    # Diary: four entries in January and February only; March falls short with three.
    days = [date(2025, m, d) for m in (1, 2) for d in (2, 9, 16, 23)] + [date(2025, 3, d) for d in (2, 9, 16)]
    diary = await add_filings(session_factory, world, "V11", FilingKind.WORK_DIARY, days, status=FilingStatus.SUBMITTED)
    await add_filings(  # returned and draft entries don't count
        session_factory, world, "V11", FilingKind.WORK_DIARY, [date(2025, 3, 30)], status=FilingStatus.RETURNED
    )
    submitted_report = await add_filings(
        session_factory, world, "V11", FilingKind.RESEARCH_REPORT, [date(2025, 5, 5)], status=FilingStatus.SUBMITTED
    )
    meetings = await add_filings(session_factory, world, "V11", FilingKind.COMMITTEE_MEETING, [date(2025, 1, 6)])
    talks = await add_filings(
        session_factory,
        world,
        "V11",
        FilingKind.TALK,
        [date(2025, 4, 1)],
        body={"person": "张三", "category": "member", "topic": "入党", "requestedByPerson": False},
    )
    await add_filings(
        session_factory, world, "V12", FilingKind.RESEARCH_REPORT, [date(2025, 5, 5)]
    )  # another secretary

    items = by_key(await view(gql, world, "V11"))
    diary_item = items["research.diary"]
    assert diary_item["proposedOccurrences"] == 10  # 12 full months, 2 with four entries
    assert diary_item["proposedPoints"] == 0  # 4 − 10 × 1, floored at 0
    assert set(diary_item["evidence"]["filingIds"]) == set(diary)
    assert "2025年3月" in diary_item["evidence"]["summary"] and "12 个完整月份" in diary_item["evidence"]["summary"]
    assert [f["kind"] for f in diary_item["evidence"]["filings"]] == ["WORK_DIARY"] * len(diary)
    assert diary_item["evidence"]["filings"][0]["occurredOn"] == "2025-01-02"  # oldest first

    report = items["research.report"]  # submitted but not approved: not yet
    assert (report["proposedOccurrences"], report["proposedPoints"]) == (1, 0)
    assert report["evidence"]["filingIds"] == [] and submitted_report[0] not in report["evidence"]["filingIds"]

    committee = items["meetings.committee"]  # resident: weekly; 51 full weeks in 2025, one held
    assert (committee["proposedOccurrences"], committee["proposedPoints"]) == (50, 0)
    assert committee["evidence"]["filingIds"] == meetings

    coverage = items["talks.coverage"]  # members only: cadres and applicants missing
    assert (coverage["proposedOccurrences"], coverage["proposedPoints"]) == (2, 1)
    assert "尚未与村干部、入党积极分子谈心谈话" in coverage["evidence"]["summary"]
    assert coverage["evidence"]["filingIds"] == talks
    requests = items["talks.requests"]  # no request on record: shown, nothing proposed
    assert requests["proposedPoints"] is None and "请评分人核实" in requests["evidence"]["summary"]

    paired = items["pairing.paired"]
    assert (paired["proposedOccurrences"], paired["proposedPoints"]) == (2, 2)  # 8 − 2 × 3
    assert items["pairing.visited"]["proposedPoints"] == 0
    assert items["org_upgrade.gained"]["proposedPoints"] is None  # no class recorded
    assert items["team_building.study"]["proposedPoints"] is None and items["team_building.study"]["evidence"] is None


async def test_a_perfect_secretary_scores_100_bonuses_exceed_it_and_it_never_goes_below_0(
    gql: GraphQLClient, world: World, session_factory: SessionFactory
) -> None:
    await all_in_2025(session_factory, world)
    await perfect_record(session_factory, world, "V11")
    before = await view(gql, world, "V11")
    assert before["status"] == "NOT_STARTED" and before["version"] == 0 and before["id"] is None
    evidence_items = {k: i for k, i in by_key(before).items() if i["item"]["evidence"]}
    full = {k: i["item"]["maxPoints"] if i["item"]["kind"] == "BASE" else 0 for k, i in evidence_items.items()}
    assert {k: i["proposedPoints"] for k, i in evidence_items.items()} == full

    # confirm every proposal; everything else done, no bonus, no deduction
    items = [{"key": i.key} if i.evidence else {"key": i.key, "occurrences": 0} for i in DEFAULT_ITEMS]
    result = await score(gql, world, "V11", 0, items)
    assert result["errors"] == []
    assessment = result["assessment"]
    assert assessment["target"] == 100 and assessment["status"] == "COMPLETE"
    assert (assessment["basic"], assessment["discipline"], assessment["results"], assessment["orgUpgrade"]) == (
        60,
        40,
        0,
        0,
    )
    assert assessment["itemsScored"] == assessment["itemsTotal"] == len(DEFAULT_ITEMS)
    assert not any(i["overridden"] for i in assessment["items"])

    result = await score(
        gql,
        world,
        "V11",
        assessment["version"],
        [{"key": "results.project_class2", "occurrences": 1}, {"key": "pairing.jobs", "points": 10}],
    )
    assert result["errors"] == [] and result["assessment"]["target"] == 140 and result["assessment"]["results"] == 30
    jobs = by_key(result["assessment"])["pairing.jobs"]
    assert (jobs["occurrences"], jobs["overridden"]) == (2, False)  # 10 points = 2 jobs by the formula

    result = await score(
        gql,
        world,
        "V11",
        result["assessment"]["version"],
        [{"key": "discipline.prohibitions_serious", "occurrences": 20}],
    )
    assessment = result["assessment"]
    assert assessment["discipline"] == -150 and assessment["target"] == 0  # never below 0
    async with session_factory() as session:
        row = await session.scalar(select(Assessment).where(Assessment.secretary_id == world.secretaries["V11"].id))
    assert row is not None
    assert (row.basic_centi, row.discipline_centi, row.results_centi, row.org_upgrade_centi) == (6000, -15000, 3000, 0)
    assert row.target_centi == 0 and row.version == 3


async def test_an_override_needs_a_note_and_is_audited(
    gql: GraphQLClient, world: World, session_factory: SessionFactory
) -> None:
    await all_in_2025(session_factory, world)
    missing_note = await score(gql, world, "V11", 0, [{"key": "research.report", "points": 4}])
    assert missing_note["errors"][0]["code"] == "INVALID_INPUT"
    assert missing_note["errors"][0]["field"] == "items[0].note"
    assert "系统建议分（0 分）" in missing_note["errors"][0]["message"]

    note = "报告纸质版已报县委组织部，系统未录入"
    result = await score(gql, world, "V11", 0, [{"key": "research.report", "points": 4, "note": note}])
    item = by_key(result["assessment"])["research.report"]
    assert (item["points"], item["proposedPoints"], item["overridden"], item["note"]) == (4, 0, True, note)
    diary = by_key(result["assessment"])["research.diary"]  # unscored items keep their live proposal
    assert (diary["scored"], diary["proposedPoints"]) == (False, 0)

    # a judgement on an item without evidence that the formula does not give also needs a note
    judgement = await score(gql, world, "V11", 1, [{"key": "team_building.study", "points": 7}])
    assert judgement["errors"][0]["field"] == "items[0].note"
    ok = await score(gql, world, "V11", 1, [{"key": "team_building.study", "points": 7, "note": "学习不够深入"}])
    assert ok["errors"] == [] and by_key(ok["assessment"])["team_building.study"]["overridden"] is True
    confirm = await score(gql, world, "V11", 2, [{"key": "team_building.training", "occurrences": 1}])
    assert by_key(confirm["assessment"])["team_building.training"]["overridden"] is False

    async with session_factory() as session:
        events = (
            await session.scalars(select(AuditEvent).where(AuditEvent.entity == "assessment").order_by(AuditEvent.id))
        ).all()
        stored = await session.get(AssessmentItemScore, (int(result["assessment"]["id"]), "research.report"))
    assert [e.action for e in events] == ["created", "override", "scored", "override", "scored"]
    override = events[1].detail
    assert override["key"] == "research.report"
    assert (override["proposed_centi"], override["proposed_occurrences"], override["points_centi"]) == (0, 1, 400)
    assert override["note"] == note
    assert events[3].detail["proposed_centi"] is None and events[3].detail["formula_centi"] == 1000
    assert stored is not None and stored.evidence is not None
    assert stored.evidence["summary"] == "本年度尚无审核通过的调研报告" and stored.proposed_centi == 0


async def test_inputs_are_checked_against_the_item(
    gql: GraphQLClient, world: World, session_factory: SessionFactory
) -> None:
    await all_in_2025(session_factory, world)
    cases = [
        ([{"key": "no.such"}], "items[0].key"),
        ([{"key": "team_building.study"}], "items[0].occurrences"),  # no proposal to confirm
        ([{"key": "team_building.study", "points": 11, "note": "x"}], "items[0].points"),  # above its 10
        ([{"key": "team_building.study", "points": 4, "note": "x"}], "items[0].points"),  # below its floor of 5
        ([{"key": "results.demo_base", "points": -10, "note": "x"}], "items[0].points"),  # a bonus is never negative
        ([{"key": "results.demo_base", "points": 1.005, "note": "x"}], "items[0].points"),
        ([{"key": "results.demo_base", "occurrences": -1}], "items[0].occurrences"),
        (
            [{"key": "results.demo_base", "occurrences": 1}, {"key": "results.demo_base", "occurrences": 2}],
            "items[1].key",
        ),
        ([], "items"),
    ]
    for items, field in cases:
        result = await score(gql, world, "V11", 0, items)
        assert result["errors"][0]["code"] == "INVALID_INPUT", (items, result)
        assert result["errors"][0]["field"] == field, (items, result)
    assert (await view(gql, world, "V11"))["status"] == "NOT_STARTED"  # nothing was written
    outside = await gql.execute(
        SCORE,
        {
            "input": {
                "secretaryId": str(world.secretaries["V11"].id),
                "period": "2023",
                "version": 0,
                "items": [{"key": "results.demo_base", "occurrences": 1}],
            }
        },
        as_user="county",
    )
    assert outside["data"]["scoreAssessment"]["errors"][0]["field"] == "period"  # not in post in 2023


async def test_a_stale_version_is_refused_with_the_current_one(
    gql: GraphQLClient, world: World, session_factory: SessionFactory
) -> None:
    await all_in_2025(session_factory, world)
    first = await score(gql, world, "V11", 0, [{"key": "results.demo_base", "occurrences": 1}])
    assert first["assessment"]["version"] == 1
    racing = await score(gql, world, "V11", 0, [{"key": "results.demo_base", "occurrences": 3}])
    assert racing["errors"][0]["code"] == "STALE_VERSION" and racing["currentVersion"] == 1
    assert racing["errors"][0]["field"] == "version"
    second = await score(gql, world, "V11", 1, [{"key": "results.demo_base", "occurrences": 2}])
    assert second["errors"] == [] and second["assessment"]["version"] == 2 and second["assessment"]["results"] == 20
    old = await score(gql, world, "V11", 1, [{"key": "venue.equipment", "occurrences": 1}])
    assert old["errors"][0]["code"] == "STALE_VERSION" and old["currentVersion"] == 2
    assert (await view(gql, world, "V11"))["target"] == 20


async def test_a_rubric_edited_mid_year_leaves_scores_made_unchanged(
    gql: GraphQLClient, world: World, session_factory: SessionFactory
) -> None:
    await all_in_2025(session_factory, world)
    made = await score(
        gql,
        world,
        "V11",
        0,
        [{"key": "development_plan.annual", "occurrences": 0}, {"key": "results.demo_base", "occurrences": 1}],
    )
    assert made["assessment"]["target"] == 15 and made["assessment"]["rubricVersion"] == 1

    doc = """query($p: String!) { rubric(period: $p) { version items { key part group groupLabel label kind
      basePoints perOccurrence cap unit evidence } } }"""
    rubric = (await gql.execute(doc, {"p": PERIOD}, as_user="county"))["data"]["rubric"]
    assert rubric["version"] == 1
    edited = [dict(i) for i in rubric["items"]]
    for i in edited:
        if i["key"] == "development_plan.annual":
            i["basePoints"], i["perOccurrence"] = 7, -7
        if i["key"] == "results.demo_base":
            i["perOccurrence"] = 15
    update = """mutation($input: UpdateRubricInput!) { updateRubric(input: $input) { rubric { version } errors { code } } }"""
    body = await gql.execute(
        update, {"input": {"period": PERIOD, "basedOnVersion": 1, "items": edited}}, as_user="county"
    )
    assert body["data"]["updateRubric"]["rubric"]["version"] == 2

    kept = await view(gql, world, "V11")
    assert kept["rubricVersion"] == 1 and kept["target"] == 15
    assert by_key(kept)["development_plan.annual"]["item"]["basePoints"] == 5
    more = await score(gql, world, "V11", kept["version"], [{"key": "results.demo_base", "occurrences": 2}])
    assert more["assessment"]["target"] == 25 and more["assessment"]["rubricVersion"] == 1  # still 10 per base

    fresh = await score(
        gql,
        world,
        "V12",
        0,
        [{"key": "development_plan.annual", "occurrences": 0}, {"key": "results.demo_base", "occurrences": 1}],
    )
    assert fresh["assessment"]["rubricVersion"] == 2 and fresh["assessment"]["target"] == 22


async def test_liaison_secretaries_meet_monthly(
    gql: GraphQLClient, world: World, session_factory: SessionFactory
) -> None:
    await all_in_2025(session_factory, world)
    await set_secretary(session_factory, world, "V12", mode=StationMode.LIAISON)
    await add_filings(
        session_factory, world, "V12", FilingKind.COMMITTEE_MEETING, [date(2025, m, 15) for m in range(1, 11)]
    )
    items = by_key(await view(gql, world, "V12", user="township"))
    committee = items["meetings.committee"]
    assert (committee["proposedOccurrences"], committee["proposedPoints"]) == (2, 6)  # November and December missed
    assert "每月一次" in committee["evidence"]["summary"]


def test_every_evidence_item_is_a_base_bonus_or_deduction_that_a_proposal_can_fill() -> None:
    kinds = {i.key: i.kind for i in DEFAULT_ITEMS if i.evidence}
    assert kinds["org_upgrade.gained"] is ItemKind.BONUS and kinds["org_upgrade.lost"] is ItemKind.DEDUCTION


async def test_concurrent_first_scores_make_one_assessment(
    gql: GraphQLClient, world: World, session_factory: SessionFactory
) -> None:
    import asyncio

    await all_in_2025(session_factory, world)
    results = await asyncio.gather(
        *[score(gql, world, "V11", 0, [{"key": "results.demo_base", "occurrences": n}]) for n in range(1, 6)]
    )
    succeeded = [r for r in results if not r["errors"]]
    refused = [r for r in results if r["errors"]]
    assert len(succeeded) == 1 and succeeded[0]["assessment"]["version"] == 1
    assert all(r["errors"][0]["code"] == "STALE_VERSION" and r["currentVersion"] == 1 for r in refused)
    async with session_factory() as session:
        rows = (await session.scalars(select(Assessment))).all()
    assert len(rows) == 1 and rows[0].target_centi == succeeded[0]["assessment"]["target"] * 100
