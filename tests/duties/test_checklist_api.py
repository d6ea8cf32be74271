"""The county's checklist through GraphQL: the default shown unsaved, the first save materialising
it as version 1 and the edit as version 2, every refusal with its field, stale edits, the evidence
kinds, moving terms, and who may do what."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest
from sqlalchemy import func, select

from backend.core.db import SessionFactory
from backend.duties.models import DutyChecklistMove, DutyChecklistVersion
from tests.conftest import GraphQLClient
from tests.world import World

ERR = "errors { code field message }"
ITEMS = "items { key label kinds kindLabels rule threshold ruleText }"
CHECKLIST = f"{{ dutyChecklist {{ version saved name effectiveFrom createdAt termsUsing {ITEMS} }} }}"
VERSIONS = "{ dutyChecklistVersions { version saved name effectiveFrom termsUsing items { key } } }"
SAVE = (
    "mutation($input: SaveDutyChecklistInput!) { saveDutyChecklist(input: $input) { "
    f"currentVersion {ERR} checklist {{ version saved name effectiveFrom termsUsing {ITEMS} }} }} }}"
)
MOVE = f"mutation($input: MoveTermsInput!) {{ moveTermsToChecklist(input: $input) {{ moved {ERR} }} }}"
KINDS = "{ checklistEvidenceKinds { kind label rules } }"
LATER = "2027-03-01"  # after every term of the world started (2026-03-01)


async def _default_items(gql: GraphQLClient) -> list[dict[str, Any]]:
    body = await gql.execute(CHECKLIST, as_user="county")
    return [
        {k: item[k] for k in ("key", "label", "kinds", "rule", "threshold")}
        for item in body["data"]["dutyChecklist"]["items"]  # type: ignore[index]
    ]


def _ten(items: list[dict[str, Any]]) -> list[dict[str, Any]]:
    edited = [dict(i, threshold=2) if i["key"] == "work_diary" else i for i in items]
    return [
        *edited,
        {"label": "结对帮扶一户困难户", "kinds": ["pairing"], "rule": "ROSTER_COVERAGE", "threshold": 50},
        {"label": "召开村工作例会", "kinds": ["committee_meeting"], "rule": "MONTHLY_COUNT", "threshold": 1},
    ]


async def _save(gql: GraphQLClient, items: list[dict[str, Any]], **overrides: Any) -> dict[str, Any]:
    data = {"basedOnVersion": 1, "name": "十个一", "effectiveFrom": LATER, "items": items} | overrides
    body = await gql.execute(SAVE, {"input": data}, as_user=overrides.pop("as_user", "county"))
    assert "errors" not in body, body
    return body["data"]["saveDutyChecklist"]  # type: ignore[index, no-any-return]


async def test_the_default_is_the_eight_duties_unsaved(gql: GraphQLClient) -> None:
    for role in ("county", "township", "village"):
        body = await gql.execute(CHECKLIST, as_user=role)
        checklist = body["data"]["dutyChecklist"]  # type: ignore[index]
        assert (checklist["version"], checklist["saved"], checklist["name"]) == (1, False, "八个一")
        assert checklist["effectiveFrom"] == "2000-01-01" and checklist["termsUsing"] == 3
    items = checklist["items"]
    assert [i["key"] for i in items] == [
        "household_visits", "work_diary", "service_card", "problem_ledger",
        "research_report", "party_lecture", "tech_training", "startup_project",
    ]  # fmt: skip
    assert [i["threshold"] for i in items] == [100, 4, 100, 1, 1, 1, 1, 1]
    assert items[0]["ruleText"] == "覆盖全村 100% 农户" and items[0]["kindLabels"] == ["走访农户"]
    assert items[1]["ruleText"] == "每个完整月份至少 4 篇" and items[1]["rule"] == "MONTHLY_COUNT"
    assert items[4]["ruleText"] == "通过审核 1 项" and items[3]["kinds"] == ["problem"]


async def test_first_save_materialises_the_default_as_version_1(
    gql: GraphQLClient, session_factory: SessionFactory
) -> None:
    saved = await _save(gql, _ten(await _default_items(gql)))
    assert saved["errors"] == [] and saved["currentVersion"] == 2
    checklist = saved["checklist"]
    assert (checklist["version"], checklist["saved"], checklist["name"]) == (2, True, "十个一")
    assert checklist["termsUsing"] == 0  # every current term started before 2027-03-01: they keep version 1
    assert [i["key"] for i in checklist["items"]][-2:] == ["item_1", "item_2"]
    assert checklist["items"][1]["threshold"] == 2
    versions = (await gql.execute(VERSIONS, as_user="county"))["data"]["dutyChecklistVersions"]  # type: ignore[index]
    assert [(v["version"], v["saved"], v["name"], v["termsUsing"]) for v in versions] == [
        (2, True, "十个一", 0),
        (1, True, "八个一", 3),
    ]
    # a further edit keeps the keys it names and never reuses a key: a new item is item_3
    items = [{k: i[k] for k in ("key", "label", "kinds", "rule", "threshold")} for i in checklist["items"]]
    items = [i for i in items if i["key"] != "item_2"] + [
        {"label": "开展一次谈心谈话", "kinds": ["talk"], "rule": "APPROVED_COUNT", "threshold": 3}
    ]
    third = await _save(gql, items, basedOnVersion=2)
    assert [i["key"] for i in third["checklist"]["items"]][-2:] == ["item_1", "item_3"]
    # the same content again makes no new version
    same = [{k: i[k] for k in ("key", "label", "kinds", "rule", "threshold")} for i in third["checklist"]["items"]]
    again = await _save(gql, same, basedOnVersion=3)
    assert again["checklist"]["version"] == 3
    async with session_factory() as session:
        assert await session.scalar(select(func.count()).select_from(DutyChecklistVersion)) == 3


async def test_a_stale_edit_is_refused_with_the_current_version(gql: GraphQLClient) -> None:
    items = await _default_items(gql)
    await _save(gql, _ten(items))
    stale = await _save(gql, items, basedOnVersion=1, name="八个一")
    assert stale["checklist"] is None and stale["currentVersion"] == 2
    assert [(e["code"], e["field"]) for e in stale["errors"]] == [("STALE_VERSION", "basedOnVersion")]


def _item(**fields: Any) -> dict[str, Any]:
    return {"label": "新的一项", "kinds": ["talk"], "rule": "APPROVED_COUNT", "threshold": 1} | fields


REFUSALS = [
    ("no kinds", [_item(kinds=[])], "items.8.kinds", "须至少选择一种佐证材料"),
    ("unknown kind", [_item(kinds=["karaoke"])], "items.8.kinds", "佐证材料类型未知"),
    ("threshold too high", [_item(threshold=101)], "items.8.threshold", "须在 1 到 100 之间"),
    ("threshold zero", [_item(rule="MONTHLY_COUNT", threshold=0)], "items.8.threshold", "须在 1 到 31 之间"),
    ("monthly above 31", [_item(rule="MONTHLY_COUNT", threshold=32)], "items.8.threshold", "须在 1 到 31 之间"),
    ("duplicate label", [_item(label=" 走访一遍全村农户 ")], "items.8.label", "名称与第 1 项重复"),
    ("label too long", [_item(label="字" * 31)], "items.8.label", "名称须为 1 到 30 个字"),
    ("coverage of diaries", [_item(kinds=["work_diary"], rule="ROSTER_COVERAGE")], "items.8.kinds", "不能以工作日志为佐证"),
    ("monthly problems", [_item(kinds=["problem"], rule="MONTHLY_COUNT")], "items.8.kinds", "不能以问题台账为佐证"),
    ("card of visits", [_item(kinds=["household_visit"], rule="SERVICE_CARD")], "items.8.kinds", "不能以走访农户为佐证"),
    ("ledger of two kinds", [_item(kinds=["problem", "talk"], rule="LEDGER", threshold=1)], "items.8.kinds", "不能以谈心谈话为佐证"),
    ("unknown key", [_item(key="item_99")], "items.8.key", "编号未知"),
]  # fmt: skip


@pytest.mark.parametrize(("extra", "field", "message"), [r[1:] for r in REFUSALS], ids=[r[0] for r in REFUSALS])
async def test_bad_items_are_refused_naming_the_field(
    gql: GraphQLClient, session_factory: SessionFactory, extra: list[dict[str, Any]], field: str, message: str
) -> None:
    refused = await _save(gql, await _default_items(gql) + extra)
    (error,) = refused["errors"]
    assert (error["code"], error["field"]) == ("INVALID_INPUT", field)
    assert message in error["message"] and error["message"].startswith("第 9 项")
    async with session_factory() as session:  # nothing saved, not even the default
        assert await session.scalar(select(func.count()).select_from(DutyChecklistVersion)) == 0


async def test_list_and_name_refusals(gql: GraphQLClient) -> None:
    items = await _default_items(gql)
    empty = await _save(gql, [])
    assert [(e["field"], e["message"]) for e in empty["errors"]] == [("items", "履职清单至少须有一项")]
    many = await _save(gql, items + [_item(label=f"第{n}项") for n in range(13)])
    assert [(e["field"], e["message"]) for e in many["errors"]] == [("items", "履职清单最多 20 项")]
    unnamed = await _save(gql, items, name="  ")
    assert unnamed["errors"][0]["field"] == "name"
    too_long = await _save(gql, items, name="字" * 13)
    assert too_long["errors"][0]["field"] == "name"
    # a date that would change the version of a term already started (2026-03-01) is refused
    early = await _save(gql, _ten(items), effectiveFrom="2026-01-01")
    assert early["errors"][0]["field"] == "effectiveFrom" and "2026-03-01" in early["errors"][0]["message"]


async def test_evidence_kinds_name_the_rules_that_can_count_them(gql: GraphQLClient) -> None:
    body = await gql.execute(KINDS, as_user="county")
    options = {o["kind"]: o for o in body["data"]["checklistEvidenceKinds"]}  # type: ignore[index]
    assert options["household_visit"]["label"] == "走访农户"
    assert options["household_visit"]["rules"] == ["ROSTER_COVERAGE", "MONTHLY_COUNT", "APPROVED_COUNT"]
    assert options["service_card"]["rules"] == ["ROSTER_COVERAGE", "MONTHLY_COUNT", "APPROVED_COUNT", "SERVICE_CARD"]
    assert options["problem"] == {"kind": "problem", "label": "问题台账", "rules": ["LEDGER"]}
    assert options["work_diary"]["rules"] == ["MONTHLY_COUNT", "APPROVED_COUNT"]


async def test_moving_terms(gql: GraphQLClient, world: World, session_factory: SessionFactory) -> None:
    await _save(gql, _ten(await _default_items(gql)))
    this_month = date.today().replace(day=1)
    one = world.secretaries["V11"].id
    body = await gql.execute(
        MOVE,
        {"input": {"version": 2, "fromMonth": this_month.isoformat(), "secretaryIds": [str(one)], "note": "县委通知"}},
        as_user="county",
    )
    assert body["data"] == {"moveTermsToChecklist": {"moved": 1, "errors": []}}, body  # type: ignore[comparison-overlap]
    versions = (await gql.execute(VERSIONS, as_user="county"))["data"]["dutyChecklistVersions"]  # type: ignore[index]
    assert [(v["version"], v["termsUsing"]) for v in versions] == [(2, 1), (1, 2)]
    every = await gql.execute(
        MOVE, {"input": {"version": 2, "fromMonth": this_month.isoformat(), "note": "全县统一"}}, as_user="county"
    )
    assert every["data"]["moveTermsToChecklist"]["moved"] == 3  # type: ignore[index]
    async with session_factory() as session:
        assert await session.scalar(select(func.count()).select_from(DutyChecklistMove)) == 4

    last_month = (this_month.replace(day=1) - date.resolution).replace(day=1)
    refusals: list[tuple[dict[str, Any], str | None]] = [
        ({"fromMonth": last_month.isoformat()}, "fromMonth"),  # a month already counted
        ({"fromMonth": this_month.replace(day=2).isoformat()}, "fromMonth"),
        ({"fromMonth": "2027-04-01", "secretaryIds": [str(one)]}, "secretaryIds"),  # after the term's end
        ({"version": 7}, "version"),
        ({"note": " "}, "note"),
    ]
    for change, field in [*refusals, ({"secretaryIds": [str(world.secretaries["VB"].id)]}, None)]:
        data = {"version": 2, "fromMonth": this_month.isoformat(), "note": "调整"} | change
        refused = await gql.execute(MOVE, {"input": data}, as_user="county")
        errors = refused["data"]["moveTermsToChecklist"]["errors"]  # type: ignore[index]
        expected = ("INVALID_INPUT", field) if field else ("NOT_FOUND", None)  # another county's: as if none
        assert [(e["code"], e["field"]) for e in errors] == [expected], (change, errors)


@pytest.mark.parametrize("role", ["township", "village", "member"])
async def test_only_the_county_edits_or_lists_versions(gql: GraphQLClient, role: str) -> None:
    items = await _default_items(gql)
    body = await gql.execute(
        SAVE, {"input": {"basedOnVersion": 1, "name": "十个一", "effectiveFrom": LATER, "items": items}}, as_user=role
    )
    assert body["data"]["saveDutyChecklist"]["errors"][0]["code"] == "FORBIDDEN"  # type: ignore[index]
    for doc in (VERSIONS, KINDS):
        denied = await gql.execute(doc, as_user=role)
        assert denied["errors"][0]["extensions"]["code"] == "FORBIDDEN", denied  # type: ignore[index]
