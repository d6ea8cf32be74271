"""What each home shows: the tasks of its role, taken from the same services as the lists behind
them, and only from the caller's own place."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

from sqlalchemy import update

from backend.attendance.models import RollCallTarget
from backend.core.db import SessionFactory
from backend.duties.pace import BEHIND_SHARE, term_passed
from backend.filings.models import Filing, FilingKind, FilingStatus
from backend.homes import county, secretary, township
from backend.homes.polls import PollTask, running_polls
from backend.polls.models import PollStatus
from backend.problems.ledger import open_problems
from backend.problems.models import ProblemStatus
from tests.conftest import GraphQLClient
from tests.homes.helpers import add_roster, checkin, poll, problem, roll_call, snapshot
from tests.progress.helpers import filing
from tests.world import RETURNED_FILING_IDS, World, add_village_with_secretary

NOW = datetime(2026, 7, 15, 2, 0, tzinfo=UTC)  # 10:00 in Beijing
TODAY = NOW.date()  # the world's terms run 2026-03-01 … 2027-02-28


async def test_the_secretary_sees_own_roll_calls_returned_filings_diary_and_next_duty(
    session_factory: SessionFactory, world: World
) -> None:
    async with session_factory.begin() as session:
        mine = roll_call(world, "T1", started=NOW - timedelta(minutes=10))
        over = roll_call(world, "T1", started=NOW - timedelta(hours=3))
        others = roll_call(world, "T1", started=NOW - timedelta(minutes=5))
        session.add_all([mine, over, others])
        await session.flush()
        session.add(RollCallTarget(roll_call_id=mine.id, secretary_id=world.secretaries["V11"].id))
        session.add(RollCallTarget(roll_call_id=over.id, secretary_id=world.secretaries["V11"].id))
        session.add(RollCallTarget(roll_call_id=others.id, secretary_id=world.secretaries["V12"].id))
        await session.execute(
            update(Filing)
            .where(Filing.id == RETURNED_FILING_IDS["V11"])
            .values(review_comment="请补充走访照片", reviewed_at=NOW)
        )
        diary = [  # July: two counted, one returned (not counted), one in June
            (date(2026, 7, 1), FilingStatus.SUBMITTED),
            (date(2026, 7, 9), FilingStatus.APPROVED),
            (date(2026, 7, 10), FilingStatus.RETURNED),
            (date(2026, 6, 30), FilingStatus.SUBMITTED),
        ]
        session.add_all(filing(world, "V11", FilingKind.WORK_DIARY, s, occurred_on=d) for d, s in diary)
    async with session_factory() as session:
        home = await secretary.secretary_home(session, world.actor("village"), today=TODAY, now=NOW)
    assert [v.roll_call.id for v in home.roll_calls] == [mine.id]  # not the one past its deadline, nor V12's
    assert home.roll_calls[0].answered_count == 0
    returned = home.returned.items
    assert home.returned.total == 2  # the world's returned diary and the one above
    assert {f.id: f.review_comment for f in returned}[RETURNED_FILING_IDS["V11"]] == "请补充走访照片"
    assert (home.diary_this_month, home.diary_required) == (2, 4)
    assert home.next_duty is not None and home.next_duty.key == "household_visits"  # first not complete
    assert (home.village.name, home.township_name, home.household_count) == ("V11名", "T1名", 3)


async def test_the_secretary_home_is_the_secretarys_alone(gql: GraphQLClient, world: World) -> None:
    body = await gql.execute("{ secretaryHome { villageName } }", as_user="village_v12")
    assert body["data"]["secretaryHome"]["villageName"] == "V12名"
    for role in ("county", "township", "member"):
        body = await gql.execute("{ secretaryHome { villageName } }", as_user=role)
        assert body["errors"][0]["extensions"]["code"] == "FORBIDDEN"


async def test_the_township_sees_its_own_queue_oldest_first_with_names(
    session_factory: SessionFactory, world: World
) -> None:
    async with session_factory.begin() as session:
        old = filing(world, "V12", FilingKind.PARTY_LECTURE, FilingStatus.SUBMITTED)
        old.submitted_at = datetime(2026, 1, 2, tzinfo=UTC)
        session.add(old)
        session.add(filing(world, "V21", FilingKind.PARTY_LECTURE, FilingStatus.SUBMITTED))  # T2's
    async with session_factory() as session:
        head = await township.review_head(session, world.actor("township"))
    assert head.total == 3  # V11's and V12's from the world, and the old one
    first = head.oldest[0]
    assert (first.filing.id, first.secretary_name, first.village_name) == (old.id, "V12书记", "V12名")
    assert {i.village_name for i in head.oldest} <= {"V11名", "V12名"}


async def test_poll_steps_follow_the_phases(session_factory: SessionFactory, world: World) -> None:
    """The task is what the poll's readiness allows without a warning (polls/readiness.py)."""
    plan = [  # (status, roster, credentials, paper, ballots) → step
        (PollStatus.DRAFT, 0, 0, 0, 0, PollTask.IMPORT_ROSTER),
        (PollStatus.DRAFT, 6, 0, 0, 0, PollTask.START_ISSUING),
        (PollStatus.ISSUING, 6, 2, 1, 0, PollTask.ISSUING),  # 3 can vote: fewer than two thirds
        (PollStatus.ISSUING, 6, 3, 1, 0, PollTask.OPEN_VOTING),  # 4 can vote: two thirds
        (PollStatus.VOTING, 6, 4, 2, 3, PollTask.VOTING),
        (PollStatus.VOTING, 6, 4, 2, 4, PollTask.CLOSE),  # 4 of 6 is two thirds
        (PollStatus.CLOSED, 6, 4, 2, 0, None),
    ]
    async with session_factory.begin() as session:
        ids = {}
        for n, (status, size, cred, paper, ballots, step) in enumerate(plan):
            village, profile = await add_village_with_secretary(
                session, world.units["T1"], name=f"测评村{n}", code=f"PV{n}", secretary_name=f"测评书记{n}", phone="1"
            )
            p = poll(profile, village, status)
            session.add(p)
            await session.flush()
            await add_roster(session, p, size, credentials=cred, paper=paper, ballots=ballots)
            ids[p.id] = step
        other = poll(world.secretaries["V21"], world.units["V21"], PollStatus.DRAFT)  # T2's
        session.add(other)
    async with session_factory() as session:
        found = await running_polls(session, world.actor("township"))
    assert {p.id: p.step for p in found.polls} == {i: s for i, s in ids.items() if s is not None}
    assert [p.ready for p in found.polls] == sorted((p.ready for p in found.polls), reverse=True)  # ready first
    waiting = {p.step for p in found.polls if not p.ready}
    assert waiting == {PollTask.ISSUING, PollTask.VOTING}  # the township waits for people, not for itself
    assert found.by_status == {PollStatus.DRAFT: 2, PollStatus.ISSUING: 2, PollStatus.VOTING: 2, PollStatus.CLOSED: 1}
    voting = [p for p in found.polls if p.status is PollStatus.VOTING]
    assert sorted(p.turnout for p in voting) == [0.5, 0.6667]


async def test_problems_past_the_age_line_are_overdue(session_factory: SessionFactory, world: World) -> None:
    reporter = world.users["member"].id
    v11, v12, v21 = world.units["V11"], world.units["V12"], world.units["V21"]
    day = timedelta(days=1)
    start = datetime.combine(TODAY, datetime.min.time(), UTC)
    async with session_factory.begin() as session:
        session.add_all(
            [
                problem(v12, reporter, created=start - 45 * day, status=ProblemStatus.OPEN),  # the oldest
                problem(v11, reporter, created=start - 31 * day, status=ProblemStatus.IN_PROGRESS),
                problem(v11, reporter, created=start - 29 * day, status=ProblemStatus.OPEN),  # not yet 30 days
                problem(v11, reporter, created=start - 60 * day, status=ProblemStatus.RESOLVED),
                problem(v21, reporter, created=start - 90 * day, status=ProblemStatus.OPEN),  # T2's
            ]
        )
    async with session_factory() as session:
        mine = await open_problems(session, world.actor("township"), TODAY)
        whole = await open_problems(session, world.actor("county"), TODAY)
    # the world's two open problems (one per village of T1, new) count as unresolved only
    assert (mine.age_days, mine.unresolved, mine.overdue) == (30, 5, 2)
    assert [name for _, name in mine.oldest_overdue] == ["V12名", "V11名"]
    assert (whole.unresolved, whole.overdue) == (7, 3)


async def test_the_overdue_filter_lists_exactly_what_the_home_counts(
    gql: GraphQLClient, world: World, session_factory: SessionFactory
) -> None:
    async with session_factory.begin() as session:
        created = datetime.now(UTC) - timedelta(days=40)
        old = problem(world.units["V12"], world.users["member"].id, created=created, status=ProblemStatus.OPEN)
        session.add(old)
    listed = await gql.execute(
        "query($t: ID) { problems(townshipId: $t, overdue: true) { totalCount edges { node { id } } } }",
        {"t": world.unit_id("T1")},
        as_user="county",
    )
    assert [e["node"]["id"] for e in listed["data"]["problems"]["edges"]] == [old.id]
    counted = await gql.execute("{ townshipToday { problems { overdue unresolved } } }", as_user="township")
    assert counted["data"]["townshipToday"]["problems"] == {"overdue": 1, "unresolved": 3}
    unresolved = await gql.execute("{ problems(unresolved: true) { totalCount } }", as_user="township")
    assert unresolved["data"]["problems"]["totalCount"] == 3


async def test_the_county_sees_duties_by_township_and_who_falls_behind(
    session_factory: SessionFactory, world: World
) -> None:
    async with session_factory.begin() as session:
        # V12's secretary has done four of the eight by mid-July (40 % of the term): not behind
        for kind in (FilingKind.RESEARCH_REPORT, FilingKind.PARTY_LECTURE, FilingKind.TECH_TRAINING):
            session.add(filing(world, "V12", kind, FilingStatus.APPROVED))
    async with session_factory() as session:
        duties = await county.county_duties(session, world.actor("county"), today=TODAY)
    t1, t2 = duties.townships
    assert (t1.township_name, t1.secretary_count, t1.due, t2.township_name) == ("T1名", 2, 16, "T2名")
    behind = {b.pace.progress.secretary.name for b in duties.behind}
    assert behind == {"V11书记", "V21书记"} and (t1.behind_count, t2.behind_count) == (1, 1)
    assert all(b.township_name in {"T1名", "T2名"} for b in duties.behind)  # county B is not here


def test_the_pace_line_is_half_the_term_passed() -> None:
    from backend.org.models import SecretaryProfile

    s = SecretaryProfile(term_start=date(2026, 1, 1), term_end=date(2026, 12, 31))
    assert term_passed(s, date(2025, 12, 1)) == 0.0
    assert round(term_passed(s, date(2026, 7, 2)), 2) == 0.5
    assert term_passed(s, date(2027, 3, 1)) == 1.0
    assert BEHIND_SHARE == 0.5


async def test_the_county_sees_last_months_few_days_as_information(
    session_factory: SessionFactory, world: World
) -> None:
    from backend.org.models import StationMode

    june = [date(2026, 6, d) for d in range(1, 31) if date(2026, 6, d).weekday() < 5]  # 22 workdays
    async with session_factory.begin() as session:
        for village, days in (("V11", june[:11]), ("V12", june[:10])):  # half, and just under half
            for d in days:
                at = datetime.combine(d, datetime.min.time(), UTC) + timedelta(hours=2)
                session.add(checkin(world.secretaries[village], world.units[village], at))
        liaison = world.secretaries["V21"]
        await session.execute(
            update(type(liaison)).where(type(liaison).id == liaison.id).values(mode=StationMode.LIAISON)
        )
    async with session_factory() as session:
        notes = await county.attendance_notes(session, world.actor("county"), today=TODAY)
    assert notes.month.key == "2026-06" and notes.secretary_count == 3
    assert [(r.village_name, r.stationed_days, r.expected_days) for r in notes.few_days] == [
        ("V21名", 0, 1),  # a liaison secretary with no visit in June
        ("V12名", 10, 22),
    ]


async def test_the_county_sees_whether_this_years_ranking_is_published(
    session_factory: SessionFactory, world: World
) -> None:
    async with session_factory() as session:
        before = await county.ranking_status(session, world.actor("county"), today=TODAY)
    async with session_factory.begin() as session:
        session.add(snapshot(world.units["A"], "2025"))
        session.add(snapshot(world.units["B"], "2026"))  # another county's
    async with session_factory() as session:
        still = await county.ranking_status(session, world.actor("county"), today=TODAY)
    async with session_factory.begin() as session:
        published = snapshot(world.units["A"], "2026")
        session.add(published)
    async with session_factory() as session:
        after = await county.ranking_status(session, world.actor("county"), today=TODAY)
    assert (before.period, before.latest, still.latest) == ("2026", None, None)
    assert after.latest is not None and after.latest.id == published.id


def test_what_a_month_asks_so_far() -> None:
    from backend.attendance.allowance import expected_days
    from backend.attendance.common import Month
    from backend.org.models import SecretaryProfile, StationMode

    term = {"term_start": date(2026, 3, 11), "term_end": date(2027, 3, 10)}
    resident = SecretaryProfile(mode=StationMode.RESIDENT, **term)
    liaison = SecretaryProfile(mode=StationMode.LIAISON, **term)
    march, june = Month(2026, 3), Month(2026, 6)
    assert expected_days(resident, june, date(2026, 7, 1)) == 22  # every workday of June
    assert expected_days(resident, june, date(2026, 6, 8)) == 5  # Mon 1 … Fri 5, before Monday the 8th
    assert expected_days(resident, june, date(2026, 6, 1)) == 0  # nothing asked on the first day yet
    assert expected_days(resident, march, date(2026, 4, 1)) == 15  # from the term's start, 11 March
    assert expected_days(liaison, june, date(2026, 6, 30)) == 0  # one visit a month: judged once it is over
    assert expected_days(liaison, june, date(2026, 7, 1)) == 1
    assert expected_days(liaison, Month(2026, 2), date(2026, 7, 1)) == 0  # before the term
