"""Rows for the home tests, written straight to the database: what the homes list, in any number."""

from __future__ import annotations

import uuid
from datetime import UTC, date, datetime, timedelta

from sqlalchemy.ext.asyncio import AsyncSession

from backend.attendance.models import CheckIn, RollCall, RollCallReason, RollCallTarget
from backend.filings.models import FilingKind, FilingStatus
from backend.org.models import Household, OrgUnit, SecretaryProfile, StationMode
from backend.polls.models import PaperCode, Poll, PollStatus, PollVoter, StagedBallot, VoterCategory
from backend.problems.models import Problem, ProblemSource, ProblemStatus
from backend.ranking.models import RankingSnapshot
from tests.world import World, add_village_with_secretary, stored_filing

SECRETARY_HOME = """{ secretaryHome { villageId villageName townshipName householdCount
  secretary { id name dispatchUnit mode termStart termEnd }
  openRollCalls { id deadline note answered } returnedCount
  returned { id kind title reviewComment reviewedAt } diary { month count required }
  dutiesDone dutiesTotal nextDuty { key label complete numerator denominator percent detail } } }"""
TOWNSHIP_TODAY = """{ townshipToday {
  review { total oldest { id kind title secretaryName villageName submittedAt } }
  rollCalls { id startedAt deadline note answeredCount totalCount }
  polls { id title period status secretaryName villageName rosterSize issued ballotsCast turnout step ready }
  problems { ageDays unresolved overdue oldestOverdue { id title status villageName createdAt } } } }"""
COUNTY_OVERVIEW = """{ countyOverview {
  townships { townshipId townshipName secretaryCount completedShare behindCount } completedShare
  behind { secretaryId secretaryName villageName townshipId townshipName completedCount totalCount termPassed }
  attendance { month secretaryCount fewDaysCount
    fewDays { secretaryId secretaryName villageName townshipName mode stationedDays expectedDays } }
  polls { draft issuing voting closed inProgress { id secretaryName villageName status rosterSize ballotsCast turnout } }
  problems { ageDays unresolved overdue oldestOverdue { id villageName } }
  ranking { period published snapshotId publishedAt } } }"""


def roll_call(world: World, township: str, *, started: datetime, minutes: int = 60) -> RollCall:
    unit = world.units[township]
    return RollCall(
        id=str(uuid.uuid4()),
        township_id=unit.id,
        county_id=unit.county_id,
        started_by=world.users["township"].id,
        started_at=started,
        deadline_at=started + timedelta(minutes=minutes),
        reason=RollCallReason.SPOT_CHECK,
        note="请到村签到",
    )


def checkin(profile: SecretaryProfile, village: OrgUnit, at: datetime, *, inside: bool = True) -> CheckIn:
    return CheckIn(
        id=str(uuid.uuid4()),
        secretary_id=profile.id,
        village_id=village.id,
        township_id=village.township_id,
        county_id=village.county_id,
        at=at,
        lat=36.3,
        lng=120.0,
        distance_m=10.0 if inside else 5000.0,
        inside_geofence=inside,
        content_hash="x",
    )


def problem(village: OrgUnit, reporter: int, *, created: datetime, status: ProblemStatus) -> Problem:
    return Problem(
        id=str(uuid.uuid4()),
        village_id=village.id,
        township_id=village.township_id,
        county_id=village.county_id,
        secretary_id=None,
        source=ProblemSource.VILLAGER,
        reporter_user_id=reporter,
        title=f"问题{created:%m%d}",
        description="",
        status=status,
        content_hash="0" * 64,
        version=1,
        created_at=created,
        updated_at=created,
    )


def poll(profile: SecretaryProfile, village: OrgUnit, status: PollStatus, *, period: str = "2026") -> Poll:
    return Poll(
        county_id=village.county_id,
        township_id=village.township_id,
        village_id=village.id,
        secretary_id=profile.id,
        period=period,
        title=f"{profile.name}满意度测评",
        status=status,
        key_fingerprint="0" * 64,
        public_key_der=b"\x00",
    )


async def add_roster(
    session: AsyncSession, p: Poll, size: int, *, credentials: int = 0, paper: int = 0, ballots: int = 0
) -> None:
    """`size` voters, the first `credentials` with a credential and the next `paper` with a slip
    (and its code's hash, as issuing writes it); `ballots` staged ballots (voting)."""
    for n in range(size):
        session.add(
            PollVoter(
                poll_id=p.id,
                name=f"选民{n}",
                category=VoterCategory.PARTY_MEMBER,
                credential_issued=n < credentials,
                paper_issued=credentials <= n < credentials + paper,
            )
        )
    for n in range(paper):
        session.add(PaperCode(poll_id=p.id, code_hash=f"{p.id:08d}{n:056x}"))
    for n in range(ballots):
        session.add(StagedBallot(poll_id=p.id, receipt=f"{p.id:08d}{n:056d}", choice="satisfied"))


def snapshot(county: OrgUnit, period: str) -> RankingSnapshot:
    return RankingSnapshot(
        county_id=county.id,
        period=period,
        sha256="0" * 64,
        rubric_versions=[],
        board_heads={},
        rules={},
        row_count=0,
    )


async def grow(session: AsyncSession, world: World, n: int, *, tag: str, now: datetime) -> None:
    """More of everything every home lists, in `n`s: villages of T1 with secretaries (resident and
    liaison), filings of each status, check-ins last month, running roll calls naming them all,
    polls in each phase with rosters and ballots, problems old and new; more returned filings,
    diary entries and open roll calls for the first secretary (V11); and a published ranking."""
    township = world.units["T1"]
    v11, own = world.units["V11"], world.secretaries["V11"]
    last_month = (now.replace(day=1) - timedelta(days=1)).replace(day=10, hour=2)
    calls = [roll_call(world, "T1", started=now - timedelta(minutes=k)) for k in range(n)]
    session.add_all(calls)
    await session.flush()
    for k in range(n):
        village, profile = await add_village_with_secretary(
            session,
            township,
            name=f"增村{tag}{k}",
            code=f"H{tag}{k}",
            secretary_name=f"增书记{tag}{k}",
            phone=f"1377{tag}{k:06d}"[:11],
            mode=StationMode.RESIDENT if k % 2 else StationMode.LIAISON,
            term=(date(2026, 3, 1), date(2027, 2, 28)),
        )
        session.add(Household(village_id=village.id, code=f"H{tag}{k}", head_name="户主", address=""))
        for status in (FilingStatus.SUBMITTED, FilingStatus.RETURNED, FilingStatus.APPROVED):
            session.add(
                stored_filing(
                    profile,
                    village,
                    status=status,
                    at=now - timedelta(days=k + 1),
                    created_by=world.users["township"].id,
                )
            )
        session.add(checkin(profile, village, last_month))
        for call in calls:
            session.add(RollCallTarget(roll_call_id=call.id, secretary_id=profile.id))
        for status in (PollStatus.DRAFT, PollStatus.ISSUING, PollStatus.VOTING):
            p = poll(profile, village, status, period=f"{2026 + list(PollStatus).index(status)}")
            session.add(p)
            await session.flush()
            await add_roster(session, p, 6, credentials=3, paper=2, ballots=4 if status is PollStatus.VOTING else 0)
        reporter = world.users["member"].id
        session.add(problem(village, reporter, created=now - timedelta(days=40 + k), status=ProblemStatus.OPEN))
        session.add(problem(village, reporter, created=now - timedelta(days=1), status=ProblemStatus.IN_PROGRESS))
        # the first secretary's own: returned filings, diary entries this month, roll calls naming them
        session.add(stored_filing(own, v11, status=FilingStatus.RETURNED, at=now - timedelta(hours=k + 1)))
        session.add(stored_filing(own, v11, kind=FilingKind.WORK_DIARY, at=now, occurred_on=now.date()))
        session.add(RollCallTarget(roll_call_id=calls[k].id, secretary_id=own.id))
    session.add(snapshot(world.units["A"], str(now.year)))
    await session.flush()


def utc_now() -> datetime:
    return datetime.now(UTC)
