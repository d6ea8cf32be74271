"""The rubric as data: the formula for each kind of item with its caps, the default rubric's totals,
validation of a county's edits, and immutable versions."""

from __future__ import annotations

from dataclasses import replace

import pytest
from sqlalchemy import select

from backend.assessment.models import RubricVersion
from backend.assessment.rubric import (
    DEFAULT_ITEMS,
    ItemKind,
    Part,
    RubricItem,
    RubricItemDraft,
    digest,
    occurrences_for,
    sums,
    validate_items,
)
from backend.audit.models import AuditEvent
from backend.core.db import SessionFactory
from backend.core.errors import InvalidInput
from tests.conftest import GraphQLClient
from tests.world import World


def item(kind: ItemKind, base: int, per: int, cap: int | None) -> RubricItem:
    return RubricItem("g.x", Part.BASIC, "g", "组", "项", kind, base, per, cap, "次")


@pytest.mark.parametrize(
    ("base", "per", "cap", "expected"),
    [
        # "10; else −10": base 10, per −10, cap defaults to base: done 10, not done 0, never below 0
        (1000, -1000, None, {0: 1000, 1: 0, 2: 0}),
        # "15; −5 per violation": 15, 10, 5, 0, 0 …
        (1500, -500, None, {0: 1500, 1: 1000, 3: 0, 4: 0}),
        # "10; −5 if no study" with a floor of 5 (cap 5)
        (1000, -500, 500, {0: 1000, 1: 500, 2: 500}),
        # the county lets the item go below zero (cap above base)
        (400, -300, 1000, {0: 400, 2: -200, 5: -600}),
        # hundredths stay exact: 8 − 0.25 × 3 = 7.25
        (800, -25, None, {3: 725}),
    ],
)
def test_base_items(base: int, per: int, cap: int | None, expected: dict[int, int]) -> None:
    rubric_item = item(ItemKind.BASE, base, per, cap)
    assert {k: rubric_item.points_for(k) for k in expected} == expected
    assert rubric_item.max_centi == base
    assert rubric_item.min_centi == base - (base if cap is None else cap)


def test_bonus_items_with_and_without_cap() -> None:
    capped = item(ItemKind.BONUS, 0, 300, 300)  # "+3 a member review system"
    assert [capped.points_for(k) for k in (0, 1, 2)] == [0, 300, 300]
    assert (capped.min_centi, capped.max_centi) == (0, 300)
    open_ended = item(ItemKind.BONUS, 0, 4000, None)  # "+40 per class-1 project"
    assert open_ended.points_for(3) == 12000
    assert (open_ended.min_centi, open_ended.max_centi) == (0, None)


def test_deduction_items_with_and_without_cap() -> None:
    capped = item(ItemKind.DEDUCTION, 0, -100, 500)  # "−1…−5 for unresolved conflict"
    assert [capped.points_for(k) for k in (0, 3, 5, 9)] == [0, -300, -500, -500]
    assert (capped.min_centi, capped.max_centi) == (-500, 0)
    open_ended = item(ItemKind.DEDUCTION, 0, -1000, None)  # "−10 per serious violation"
    assert open_ended.points_for(4) == -4000
    assert (open_ended.min_centi, open_ended.max_centi) == (None, 0)


def test_occurrences_are_inferred_from_points_when_the_formula_gives_them() -> None:
    pairing = next(i for i in DEFAULT_ITEMS if i.key == "pairing.paired")  # 8, −3 per missing household
    assert occurrences_for(pairing, 500) == 1
    assert occurrences_for(pairing, 200) == 2
    assert occurrences_for(pairing, 0) == 3  # the floor: the first count that reaches it
    assert occurrences_for(pairing, 600) is None  # a judgement between steps
    jobs = next(i for i in DEFAULT_ITEMS if i.key == "pairing.jobs")
    assert occurrences_for(jobs, 1500) == 3


def test_default_rubric_totals() -> None:
    by_part = {part: sum(i.base_centi for i in DEFAULT_ITEMS if i.part is part) for part in Part}
    assert by_part == {Part.BASIC: 6000, Part.DISCIPLINE: 4000, Part.RESULTS: 0, Part.ORG_UPGRADE: 0}
    assert len({i.key for i in DEFAULT_ITEMS}) == len(DEFAULT_ITEMS)
    rubric = _rubric(DEFAULT_ITEMS)
    perfect = {i.key: i.points_for(0) for i in DEFAULT_ITEMS}
    parts, target, scored = sums(rubric, perfect)
    assert target == 100_00 and scored == len(DEFAULT_ITEMS)
    assert parts[Part.BASIC] + parts[Part.DISCIPLINE] == 100_00
    with_bonus = {**perfect, "results.project_class1": 4000, "pairing.jobs": 1000}
    assert sums(rubric, with_bonus)[1] == 150_00  # bonuses take it above 100
    disgraced = {**perfect, "discipline.prohibitions_serious": -20000, "org_upgrade.lost": -3000}
    parts, target, _ = sums(rubric, disgraced)
    assert parts[Part.DISCIPLINE] < 0 and target == 0  # never below 0


def test_every_default_item_is_valid_and_round_trips() -> None:
    drafts = [_draft(i) for i in DEFAULT_ITEMS]
    assert validate_items(drafts) == DEFAULT_ITEMS
    assert all(RubricItem.from_json(i.to_json()) == i for i in DEFAULT_ITEMS)
    assert {i.key for i in DEFAULT_ITEMS if i.evidence} == {
        "research.diary",
        "research.report",
        "meetings.committee",
        "talks.coverage",
        "talks.requests",
        "pairing.paired",
        "pairing.visited",
        "org_upgrade.gained",
        "org_upgrade.lost",
    }


@pytest.mark.parametrize(
    ("change", "field", "message"),
    [
        ({"key": "Bad Key"}, "items[1].key", "编号须为小写英文字母"),
        ({"key": DEFAULT_ITEMS[0].key}, "items[1].key", "与第 1 项重复"),
        ({"label": "  "}, "items[1].label", "名称不能为空"),
        ({"group_label": ""}, "items[1].groupLabel", "分组名称不能为空"),
        ({"part": "elsewhere"}, "items[1].part", "所属部分未知"),
        ({"kind": "penalty"}, "items[1].kind", "计分方式未知"),
        ({"per_occurrence": 5}, "items[1].perOccurrence", "须为负数"),
        ({"base_points": 0}, "items[1].basePoints", "基础分须大于 0"),
        ({"base_points": 120}, "items[1].basePoints", "不超过 100 分"),
        ({"per_occurrence": -0.125}, "items[1].perOccurrence", "最多保留两位小数"),
        ({"cap": -1}, "items[1].cap", "封顶分须大于 0"),
        ({"evidence": "gossip"}, "items[1].evidence", "系统佐证「gossip」未知"),
    ],
)
def test_invalid_items_name_the_field(change: dict[str, object], field: str, message: str) -> None:
    drafts = [_draft(DEFAULT_ITEMS[i]) for i in (0, 2, 1)]  # the second one is a BASE item
    drafts[1] = replace(drafts[1], **change)  # type: ignore[arg-type]
    with pytest.raises(InvalidInput) as raised:
        validate_items(drafts)
    assert raised.value.field == field
    assert message in raised.value.message and raised.value.message.startswith("第 2 项")


def test_bonus_and_deduction_signs() -> None:
    bonus = next(i for i in DEFAULT_ITEMS if i.kind is ItemKind.BONUS)
    deduction = next(i for i in DEFAULT_ITEMS if i.kind is ItemKind.DEDUCTION)
    with pytest.raises(InvalidInput, match="加分项的每次分值须为正数"):
        validate_items([replace(_draft(bonus), per_occurrence=-3)])
    with pytest.raises(InvalidInput, match="扣分项的每次分值须为负数"):
        validate_items([replace(_draft(deduction), per_occurrence=3)])
    with pytest.raises(InvalidInput, match="基础分须为 0"):
        validate_items([replace(_draft(bonus), base_points=5)])
    with pytest.raises(InvalidInput, match="至少须有一项"):
        validate_items([])


# --- over the API -------------------------------------------------------------------------------

RUBRIC = """query($p: String!) { rubric(period: $p) { period version saved sha256 baseTotal
  parts { part label basePoints } items { key part kind basePoints perOccurrence cap evidence } } }"""
UPDATE = """mutation($input: UpdateRubricInput!) { updateRubric(input: $input) {
  rubric { version saved items { key basePoints } } currentVersion errors { code field message } } }"""
VERSIONS = """query($p: String!) { rubricVersions(period: $p) { version sha256 } }"""


def rubric_input(items: list[dict[str, object]]) -> list[dict[str, object]]:
    keep = ("key", "part", "group", "groupLabel", "label", "kind", "basePoints", "perOccurrence", "cap", "unit")
    return [{k: i[k] for k in keep if k in i} | {"evidence": i.get("evidence")} for i in items]


async def _full_items(gql: GraphQLClient, period: str) -> list[dict[str, object]]:
    doc = """query($p: String!) { rubric(period: $p) { items { key part group groupLabel label kind basePoints
      perOccurrence cap unit evidence } } }"""
    body = await gql.execute(doc, {"p": period}, as_user="county")
    return body["data"]["rubric"]["items"]  # type: ignore[index]


async def test_every_county_starts_from_the_default_unsaved(gql: GraphQLClient, world: World) -> None:
    for user in ("county", "township", "village", "county_b"):
        body = await gql.execute(RUBRIC, {"p": "2026"}, as_user=user)
        rubric = body["data"]["rubric"]
        assert rubric["saved"] is False and rubric["version"] == 1 and rubric["baseTotal"] == 100
        assert rubric["sha256"] == digest(DEFAULT_ITEMS)
        assert [p["basePoints"] for p in rubric["parts"]] == [60, 40, 0, 0]
    member = await gql.execute(RUBRIC, {"p": "2026"}, as_user="member")
    assert member["errors"][0]["extensions"]["code"] == "FORBIDDEN"
    bad = await gql.execute(RUBRIC, {"p": "明年"}, as_user="county")
    assert bad["errors"][0]["extensions"]["code"] == "INVALID_INPUT"


async def test_update_saves_versions_and_refuses_stale_edits(
    gql: GraphQLClient, world: World, session_factory: SessionFactory
) -> None:
    items = rubric_input(await _full_items(gql, "2026"))
    items[0]["basePoints"] = 12
    items[0]["cap"] = 6
    first = await gql.execute(
        UPDATE, {"input": {"period": "2026", "basedOnVersion": 1, "items": items}}, as_user="county"
    )
    payload = first["data"]["updateRubric"]
    # the default was saved as version 1 by this first write, the edit as version 2
    assert payload["errors"] == [] and payload["rubric"]["version"] == 2 and payload["rubric"]["saved"]
    assert payload["rubric"]["items"][0]["basePoints"] == 12
    versions = (await gql.execute(VERSIONS, {"p": "2026"}, as_user="county"))["data"]["rubricVersions"]
    assert [v["version"] for v in versions] == [2, 1] and versions[1]["sha256"] == digest(DEFAULT_ITEMS)

    items[0]["basePoints"] = 11
    stale = await gql.execute(
        UPDATE, {"input": {"period": "2026", "basedOnVersion": 1, "items": items}}, as_user="county"
    )
    assert stale["data"]["updateRubric"]["errors"][0]["code"] == "STALE_VERSION"
    assert stale["data"]["updateRubric"]["errors"][0]["field"] == "basedOnVersion"
    assert stale["data"]["updateRubric"]["currentVersion"] == 2

    third = await gql.execute(
        UPDATE, {"input": {"period": "2026", "basedOnVersion": 2, "items": items}}, as_user="county"
    )
    assert third["data"]["updateRubric"]["rubric"]["version"] == 3
    again = await gql.execute(
        UPDATE, {"input": {"period": "2026", "basedOnVersion": 3, "items": items}}, as_user="county"
    )
    assert again["data"]["updateRubric"]["rubric"]["version"] == 3  # nothing changed: no new version

    # another county still has the default; the township reads its county's latest
    other = (await gql.execute(RUBRIC, {"p": "2026"}, as_user="county_b"))["data"]["rubric"]
    assert other["saved"] is False and other["sha256"] == digest(DEFAULT_ITEMS)
    township = (await gql.execute(RUBRIC, {"p": "2026"}, as_user="township"))["data"]["rubric"]
    assert township["version"] == 3 and township["items"][0]["basePoints"] == 11

    async with session_factory() as session:
        events = (
            await session.scalars(select(AuditEvent).where(AuditEvent.entity == "rubric").order_by(AuditEvent.id))
        ).all()
    assert [(e.action, e.version) for e in events] == [("created", 1), ("updated", 2), ("updated", 3)]
    assert events[1].detail["changed"] == [DEFAULT_ITEMS[0].key]


async def test_invalid_edit_names_the_field(gql: GraphQLClient, world: World, session_factory: SessionFactory) -> None:
    items = rubric_input(await _full_items(gql, "2026"))
    items[4]["label"] = ""
    body = await gql.execute(
        UPDATE, {"input": {"period": "2026", "basedOnVersion": 1, "items": items}}, as_user="county"
    )
    error = body["data"]["updateRubric"]["errors"][0]
    assert error["code"] == "INVALID_INPUT" and error["field"] == "items[4].label"
    assert error["message"].startswith("第 5 项") and "名称不能为空" in error["message"]
    async with session_factory() as session:
        assert (await session.scalars(select(RubricVersion))).all() == []  # nothing saved


async def test_a_new_period_starts_from_the_latest_earlier_version(gql: GraphQLClient, world: World) -> None:
    items = rubric_input(await _full_items(gql, "2025"))
    items[0]["label"] = "县里改过的第一项"
    await gql.execute(UPDATE, {"input": {"period": "2025", "basedOnVersion": 1, "items": items}}, as_user="county")
    next_year = (await gql.execute(RUBRIC, {"p": "2026"}, as_user="county"))["data"]["rubric"]
    assert next_year["saved"] is False and next_year["version"] == 1
    labels = await _full_items(gql, "2026")
    assert labels[0]["label"] == "县里改过的第一项"
    earlier_year = (await gql.execute(RUBRIC, {"p": "2024"}, as_user="county"))["data"]["rubric"]
    assert earlier_year["sha256"] == digest(DEFAULT_ITEMS)  # only earlier periods are copied


def _draft(i: RubricItem) -> RubricItemDraft:
    return RubricItemDraft(
        key=i.key,
        part=i.part.value,
        group=i.group,
        group_label=i.group_label,
        label=i.label,
        kind=i.kind.value,
        base_points=i.base_centi / 100,
        per_occurrence=i.per_centi / 100,
        cap=None if i.cap_centi is None else i.cap_centi / 100,
        unit=i.unit,
        evidence=i.evidence.value if i.evidence else None,
    )


def _rubric(items: tuple[RubricItem, ...]):  # type: ignore[no-untyped-def]
    from backend.assessment.rubric import Rubric

    return Rubric(county_id=1, period="2026", version=1, items=items, saved=False)
