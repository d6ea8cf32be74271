"""Progress, the rubric's diary proposal and the one table under two configurations — the default
八个一 and a 十个一 (pairing coverage and monthly village meetings added, 2 diaries a month instead
of 4) — which version a term uses, and an explicit move mid-term that leaves the months already
counted as they were."""

from __future__ import annotations

import io
from datetime import date

import httpx
from openpyxl import load_workbook
from sqlalchemy import select

from backend.assessment.access import access_assessment
from backend.assessment.common import parse_period
from backend.assessment.evidence import proposals_for
from backend.assessment.rubric import EvidenceKey
from backend.core.db import SessionFactory
from backend.duties import progress
from backend.duties.checklist import DEFAULT_KEYS, ChecklistItemDraft, move_terms, save_checklist
from backend.filings.models import Filing, FilingKind, FilingStatus
from backend.homes.secretary import secretary_home
from backend.org.models import Household
from backend.reporting.one_table import KEYS, one_table
from tests.conftest import GraphQLClient
from tests.duties.checklists import MEETING_ITEM, PAIRING_ITEM, move, save_version, ten_items
from tests.progress.helpers import filing
from tests.world import World, add_village_with_secretary

TODAY = date(2026, 7, 15)  # the world's terms start 2026-03-01: March … June are the full months
TEN_KEYS = [*DEFAULT_KEYS, PAIRING_ITEM.key, MEETING_ITEM.key]


async def _seed(session_factory: SessionFactory, world: World, diaries: dict[int, int], meetings: list[int]) -> None:
    """V11: `diaries[month]` diary entries in each month of 2026, a village meeting in each month of
    `meetings`, two of its three households paired (one pairing returned: not counted)."""
    async with session_factory.begin() as session:
        homes = list(
            await session.scalars(
                select(Household.id).where(Household.village_id == world.units["V11"].id).order_by(Household.id)
            )
        )
        rows: list[Filing] = [
            filing(world, "V11", FilingKind.WORK_DIARY, FilingStatus.SUBMITTED, occurred_on=date(2026, month, day + 1))
            for month, count in diaries.items()
            for day in range(count)
        ]
        rows += [
            filing(world, "V11", FilingKind.COMMITTEE_MEETING, FilingStatus.APPROVED, occurred_on=date(2026, m, 10))
            for m in meetings
        ]
        rows += [
            filing(world, "V11", FilingKind.PAIRING, FilingStatus.APPROVED, household_id=homes[0]),
            filing(world, "V11", FilingKind.PAIRING, FilingStatus.SUBMITTED, household_id=homes[1]),
            filing(world, "V11", FilingKind.PAIRING, FilingStatus.RETURNED, household_id=homes[2]),
        ]
        session.add_all(rows)


async def _v11(session_factory: SessionFactory, world: World, today: date) -> progress.DutyProgress:
    async with session_factory() as session:
        return await progress.duty_progress(session, world.actor("county"), world.secretaries["V11"].id, today=today)


async def test_default_and_ten_count_the_same_filings_by_their_own_rules(
    session_factory: SessionFactory, world: World
) -> None:
    await _seed(session_factory, world, {3: 2, 4: 2, 5: 4, 6: 2}, meetings=[3, 4, 6])
    eight = await _v11(session_factory, world, TODAY)
    assert [d.key for d in eight.duties] == list(DEFAULT_KEYS)
    assert (eight.checklist_name, eight.checklist_version) == ("八个一", 1)
    diary = eight.duties[1]
    assert (diary.complete, diary.numerator, diary.denominator) == (False, 1, 4)  # 4 a month: only May
    assert diary.detail == "1/4 个完整月份达到每月 4 篇" and diary.kinds == ("work_diary",)

    async with session_factory.begin() as session:
        await save_version(session, world.units["A"].id, 1, ten_items(diary_per_month=2), name="十个一")
    ten = await _v11(session_factory, world, TODAY)
    assert [d.key for d in ten.duties] == TEN_KEYS and (ten.checklist_name, ten.checklist_version) == ("十个一", 1)
    by_key = {d.key: d for d in ten.duties}
    diary = by_key["work_diary"]
    assert (diary.complete, diary.numerator, diary.denominator) == (True, 4, 4)  # 2 a month: every month
    pairing = by_key[PAIRING_ITEM.key]  # 2 of 3 households (the returned pairing does not count) ≥ 50 %
    assert (pairing.complete, pairing.numerator, pairing.denominator, pairing.percent) == (True, 2, 3, 66.7)
    assert pairing.label == "结对帮扶一户困难户" and pairing.detail == "2/3 户已结对"
    meeting = by_key[MEETING_ITEM.key]  # none in May
    assert (meeting.complete, meeting.numerator, meeting.denominator) == (False, 3, 4)
    assert meeting.detail == "3/4 个完整月份达到每月 1 次"
    # the other eight are judged as before
    assert [d.complete for d in ten.duties if d.key not in ("work_diary",)][:7] == [
        d.complete for d in eight.duties if d.key != "work_diary"
    ]
    assert ten.completed_count == eight.completed_count + 2  # the diary and the pairing

    async with session_factory() as session:
        home = await secretary_home(session, world.actor("village"), today=TODAY)
        township = await progress.township_progress(session, world.actor("township"), None, today=TODAY)
    assert (home.diary_required, home.next_duty.key if home.next_duty else None) == (2, "household_visits")
    assert [key for key, _ in township.columns] == TEN_KEYS and township.checklist_names == ["十个一"]
    assert all(len(p.duties) == 10 for p in township.secretaries)


async def test_a_term_keeps_the_version_it_started_with(session_factory: SessionFactory, world: World) -> None:
    county = world.units["A"].id
    async with session_factory.begin() as session:
        await save_version(session, county, 1, ten_items()[:8])
        await save_version(session, county, 2, ten_items(), name="十个一", effective_from=date(2026, 5, 1))
        _, late = await add_village_with_secretary(
            session,
            world.units["T1"],
            name="新村",
            code="NEW",
            secretary_name="新书记",
            phone="13711110000",
            term=(date(2026, 6, 1), date(2028, 5, 31)),
        )
    async with session_factory() as session:
        township = await progress.township_progress(session, world.actor("township"), None, today=TODAY)
    by_name = {p.secretary.name: p for p in township.secretaries}
    assert (by_name["V11书记"].checklist_name, len(by_name["V11书记"].duties)) == ("八个一", 8)  # started 2026-03-01
    assert (by_name["新书记"].checklist_name, len(by_name["新书记"].duties)) == ("十个一", 10)  # started after 05-01
    assert [key for key, _ in township.columns] == TEN_KEYS  # the newest version's order covers both
    assert township.checklist_names == ["八个一", "十个一"]  # in the order of the secretaries (by village)
    assert late.id == by_name["新书记"].secretary.id


async def test_a_move_mid_term_leaves_the_months_already_counted(session_factory: SessionFactory, world: World) -> None:
    # diaries: 4, 2, 4, 2 in March … June, then 2 in July and August; meetings in July only
    await _seed(session_factory, world, {3: 4, 4: 2, 5: 4, 6: 2, 7: 2, 8: 2}, meetings=[7])
    before = (await _v11(session_factory, world, TODAY)).duties[1]
    assert (before.numerator, before.denominator) == (2, 4)  # March and May meet 4 a month
    drafts = [
        ChecklistItemDraft(None if i.key.startswith("item_") else i.key, i.label, i.kinds, i.rule, i.threshold)
        for i in ten_items(diary_per_month=2)
    ]
    async with session_factory.begin() as session:
        saved = await save_checklist(
            session,
            world.actor("county"),
            based_on_version=1,
            name="十个一",
            effective_from=date(2027, 3, 1),
            drafts=drafts,
            today=TODAY,
        )
        assert saved.version == 2  # the default was saved as version 1 first
        moved = await move_terms(
            session,
            world.actor("county"),
            version=2,
            from_month=date(2026, 7, 1),
            secretary_ids=[world.secretaries["V11"].id],
            note="县委组织部通知：自7月起按十个一",
            today=TODAY,
        )
    assert moved == 1
    # at the move, nothing counted changes: March … June are still judged by version 1
    same = (await _v11(session_factory, world, TODAY)).duties
    assert [(d.numerator, d.denominator, d.complete) for d in same if d.key == "work_diary"] == [(2, 4, False)]
    after = await _v11(session_factory, world, date(2026, 9, 15))
    assert (after.checklist_name, after.checklist_version) == ("十个一", 2)
    by_key = {d.key: d for d in after.duties}
    # March … June by version 1 (4 a month: 2 met), July and August by version 2 (2 a month: both met)
    assert (by_key["work_diary"].numerator, by_key["work_diary"].denominator) == (4, 6)
    # the meeting item counts only from the move's month: July met, August not
    assert (by_key["item_2"].numerator, by_key["item_2"].denominator) == (1, 2)
    untouched = await _v11_other(session_factory, world, date(2026, 9, 15))
    assert (untouched.checklist_name, len(untouched.duties)) == ("八个一", 8)  # V12 was not moved


async def _v11_other(session_factory: SessionFactory, world: World, today: date) -> progress.DutyProgress:
    async with session_factory() as session:
        return await progress.duty_progress(session, world.actor("county"), world.secretaries["V12"].id, today=today)


async def test_the_diary_proposal_follows_the_checklist(session_factory: SessionFactory, world: World) -> None:
    await _seed(session_factory, world, {3: 2, 4: 2, 5: 4, 6: 1}, meetings=[])

    async def diary() -> tuple[int, str] | None:
        async with session_factory() as session:
            subject, _ = await access_assessment(session, world.actor("county"), world.secretaries["V11"].id, "2026")
            found = await proposals_for(session, [subject], parse_period("2026"), {EvidenceKey.DIARY}, today=TODAY)
        proposal = found[subject.secretary.id].get(EvidenceKey.DIARY)
        return (proposal.occurrences, proposal.summary) if proposal else None

    eight = await diary()
    assert eight is not None and eight[0] == 3 and "每月 4 篇" in eight[1]  # March, April, June short of 4
    async with session_factory.begin() as session:
        await save_version(session, world.units["A"].id, 1, ten_items(diary_per_month=2), name="十个一")
    ten = await diary()
    assert ten is not None and ten[0] == 1 and "每月 2 篇" in ten[1]  # only June short of 2
    async with session_factory.begin() as session:  # a checklist without a diary item proposes nothing
        await save_version(session, world.units["A"].id, 2, (PAIRING_ITEM,), name="一个一")
    assert await diary() is None


async def test_the_one_table_names_the_list_and_what_is_not_done(session_factory: SessionFactory, world: World) -> None:
    await _seed(session_factory, world, {3: 2, 4: 2, 5: 2, 6: 2}, meetings=[3, 4, 5, 6])

    async def v11_row() -> dict[str, object]:
        async with session_factory() as session:
            table = await one_table(session, world.actor("county"), "2026", today=TODAY)
        return next(r for r in table.rows if r["name"] == "V11书记")

    eight = await v11_row()
    assert (eight["duty_list"], eight["duties_total"]) == ("八个一", 8)
    assert "记好一本工作日志" in str(eight["duties_incomplete"])
    async with session_factory.begin() as session:
        await save_version(session, world.units["A"].id, 1, ten_items(diary_per_month=2), name="十个一")
    ten = await v11_row()
    assert (ten["duty_list"], ten["duties_total"]) == ("十个一", 10)
    assert ten["duties_completed"] == int(eight["duties_completed"]) + 3  # type: ignore[call-overload]
    incomplete = str(ten["duties_incomplete"]).split("；")
    assert "记好一本工作日志" not in incomplete and "召开村工作例会" not in incomplete
    assert incomplete == [label for label in str(eight["duties_incomplete"]).split("；") if label != "记好一本工作日志"]


async def test_the_xlsx_export_and_the_township_list_follow_the_checklist(
    client: httpx.AsyncClient, gql: GraphQLClient, session_factory: SessionFactory, world: World
) -> None:
    county = world.units["A"].id
    async with session_factory.begin() as session:
        await save_version(session, county, 1, ten_items()[:8])
        await save_version(session, county, 2, ten_items(), name="十个一", effective_from=date(2026, 1, 1))
        await move(session, county, world.secretaries["V12"].id, 1, date(2026, 3, 1))  # V12 keeps 八个一
    token = await gql.token_for("county")
    response = await client.get("/exports/one-table-2026.xlsx", headers={"authorization": f"Bearer {token}"})
    assert response.status_code == 200, response.text
    rows = [list(r) for r in load_workbook(io.BytesIO(response.content))["一张表"].iter_rows(values_only=True)]
    cells = {r[1]: dict(zip(KEYS, r, strict=True)) for r in rows[3:]}
    assert (cells["V11书记"]["duty_list"], cells["V11书记"]["duties_total"]) == ("十个一", 10)
    assert (cells["V12书记"]["duty_list"], cells["V12书记"]["duties_total"]) == ("八个一", 8)
    assert "召开村工作例会" in str(cells["V11书记"]["duties_incomplete"])

    body = await gql.execute(
        "{ townshipProgress { dutyKeys dutyLabels checklistNames summaries { secretaryName complete figure totalCount }"
        " secretaries { checklistName checklistVersion duties { key kinds rule } } } }",
        as_user="township",
    )
    township = body["data"]["townshipProgress"]  # type: ignore[index]
    assert township["dutyKeys"] == TEN_KEYS and township["dutyLabels"][-2:] == ["结对帮扶一户困难户", "召开村工作例会"]
    assert township["checklistNames"] == ["十个一", "八个一"]
    summaries = {s["secretaryName"]: s for s in township["summaries"]}
    assert summaries["V12书记"]["totalCount"] == 8 and summaries["V12书记"]["complete"][-2:] == [None, None]
    assert summaries["V12书记"]["figure"][-2:] == [None, None] and None not in summaries["V12书记"]["figure"][:8]
    assert summaries["V11书记"]["totalCount"] == 10 and None not in summaries["V11书记"]["complete"]
    v11 = next(s for s in township["secretaries"] if s["checklistName"] == "十个一")
    assert v11["checklistVersion"] == 2
    assert v11["duties"][-1] == {"key": "item_2", "kinds": ["committee_meeting"], "rule": "MONTHLY_COUNT"}
    assert v11["duties"][3] == {"key": "problem_ledger", "kinds": ["problem"], "rule": "LEDGER"}
