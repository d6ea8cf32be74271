"""What the demo's activity is planned from: the loaded county as plain values (secretaries with
their villages, rosters and logins, the townships' and members' logins, the county's rules), and
the service calls the plan is made of. Each action is one call a person would make through the
API — the secretary submitting a filing, the township returning it — with the server time it is
made at; `backend.demo.bulk` writes what those calls write, `tests/services/test_demo_activity.py`
replays them through the services themselves and compares."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, datetime

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from backend.attendance.checkins import NewCheckIn
from backend.attendance.roll_calls import NewRollCall
from backend.auth.actor import Actor
from backend.demo.actors import county_actor, township_actors
from backend.demo.scenes import Scene
from backend.filings.review import ReviewDecision
from backend.filings.submit import FilingDraft
from backend.org.county_settings import CountyRules, rules_for
from backend.org.models import Household, OrgKind, OrgUnit, Role, SecretaryProfile, StationMode, User
from backend.problems.ledger import NewProblem, StatusChange


@dataclass(frozen=True, slots=True)
class HouseholdRef:
    id: int
    head_name: str
    member_count: int
    is_hardship: bool


@dataclass(frozen=True, slots=True)
class Village:
    id: int
    name: str
    township_id: int
    township_name: str
    township_index: int  # the township's place in the county's order (0 = the first)
    center: tuple[float, float] | None


@dataclass(frozen=True, slots=True)
class Secretary:
    index: int  # 0-based, in id order (the n-th demo secretary, phone 1381000000n+1)
    id: int
    name: str
    phone: str
    dispatch_unit: str
    mode: StationMode
    term_start: date
    term_end: date
    village: Village
    actor: Actor  # the secretary's VILLAGE login
    households: tuple[HouseholdRef, ...]

    @property
    def resident(self) -> bool:
        return self.mode is StationMode.RESIDENT


@dataclass(frozen=True)
class World:
    county_id: int
    county: Actor
    townships: dict[int, Actor]  # township id → its administrator
    secretaries: list[Secretary]
    members: dict[int, list[Actor]]  # village id → member logins there, by phone
    rules: CountyRules
    public_base_url: str


async def load_world(session: AsyncSession, county_id: int, public_base_url: str) -> World:
    townships = await township_actors(session, county_id)
    units = {
        u.id: u
        for u in await session.scalars(
            select(OrgUnit).where(OrgUnit.county_id == county_id, OrgUnit.kind.in_([OrgKind.TOWNSHIP, OrgKind.VILLAGE]))
        )
    }
    township_order = {tid: i for i, tid in enumerate(sorted(t for t, u in units.items() if u.kind is OrgKind.TOWNSHIP))}
    households: dict[int, list[HouseholdRef]] = defaultdict(list)
    rows = await session.execute(
        select(Household.village_id, Household.id, Household.head_name, Household.member_count, Household.is_hardship)
        .join(OrgUnit, OrgUnit.id == Household.village_id)
        .where(OrgUnit.county_id == county_id)
        .order_by(Household.village_id, Household.id)
    )
    for village_id, household_id, head_name, member_count, is_hardship in rows.tuples():
        households[village_id].append(HouseholdRef(household_id, head_name, member_count, is_hardship))
    members: dict[int, list[Actor]] = defaultdict(list)
    users = await session.execute(
        select(User.id, User.role, User.org_unit_id, User.phone)
        .where(User.org_unit_id.in_(list(units)), User.role.in_([Role.VILLAGE, Role.MEMBER]))
        .order_by(User.phone)
    )
    logins: dict[int, int] = {}
    for user_id, role, unit_id, _phone in users.tuples():
        unit = units[unit_id]
        actor = Actor(user_id, role, unit_id, county_id, unit.township_id, unit_id)
        if role is Role.MEMBER:
            members[unit_id].append(actor)
        else:
            logins[user_id] = unit_id
    secretaries = []
    profiles = await session.scalars(
        select(SecretaryProfile).where(SecretaryProfile.county_id == county_id).order_by(SecretaryProfile.id)
    )
    for index, profile in enumerate(profiles):
        unit = units[profile.village_id]
        assert unit.township_id is not None and profile.user_id is not None
        center = (
            (unit.center_lat, unit.center_lng) if unit.center_lat is not None and unit.center_lng is not None else None
        )
        village = Village(
            unit.id, unit.name, unit.township_id, units[unit.township_id].name, township_order[unit.township_id], center
        )
        secretaries.append(
            Secretary(
                index=index,
                id=profile.id,
                name=profile.name,
                phone=profile.phone,
                dispatch_unit=profile.dispatch_unit,
                mode=profile.mode,
                term_start=profile.term_start,
                term_end=profile.term_end,
                village=village,
                actor=Actor(profile.user_id, Role.VILLAGE, unit.id, county_id, unit.township_id, unit.id),
                households=tuple(households[unit.id]),
            )
        )
    return World(
        county_id=county_id,
        county=await county_actor(session, county_id),
        townships=townships,
        secretaries=secretaries,
        members=dict(members),
        rules=await rules_for(session, county_id),
        public_base_url=public_base_url,
    )


# --- the calls the plan is made of ---------------------------------------------------------------
# `at` is the server's clock when the call arrives (the `now` the services take).


@dataclass(frozen=True, slots=True)
class UploadPhoto:
    at: datetime
    actor: Actor
    data: bytes  # what the phone uploads
    base: tuple[Scene, int]  # which pooled picture it shows (the same pixels as that one)


@dataclass(frozen=True, slots=True)
class SubmitFiling:
    at: datetime
    actor: Actor
    draft: FilingDraft


@dataclass(frozen=True, slots=True)
class ReviewFiling:
    at: datetime
    actor: Actor
    filing_id: str
    decision: ReviewDecision
    comment: str | None = None


@dataclass(frozen=True, slots=True)
class EditFiling:
    at: datetime
    actor: Actor
    draft: FilingDraft
    base_version: int


@dataclass(frozen=True, slots=True)
class GenerateCard:
    at: datetime
    actor: Actor
    photo_sha256: str | None


@dataclass(frozen=True, slots=True)
class CreateProblem:
    """A member reports (role MEMBER) or the secretary files (role VILLAGE) a problem."""

    at: datetime
    actor: Actor
    new: NewProblem


@dataclass(frozen=True, slots=True)
class MoveProblem:
    at: datetime
    actor: Actor
    change: StatusChange


@dataclass(frozen=True, slots=True)
class CheckIn:
    at: datetime  # when it reaches the server; new.at is the phone's time
    actor: Actor
    new: NewCheckIn


@dataclass(frozen=True, slots=True)
class StartRollCall:
    at: datetime
    actor: Actor
    new: NewRollCall


Action = (
    UploadPhoto
    | SubmitFiling
    | ReviewFiling
    | EditFiling
    | GenerateCard
    | CreateProblem
    | MoveProblem
    | CheckIn
    | StartRollCall
)


@dataclass
class Plan:
    """Actions in the order they happen."""

    actions: list[Action] = field(default_factory=list)

    def sorted(self) -> list[Action]:
        return sorted(self.actions, key=lambda a: a.at)
