"""A small, fixed world for API tests: two counties, townships, villages, one user per role.

County A: townships T1 (villages V11, V12) and T2 (village V21). County B: township TB (village VB).
Users: a county, township, village (first secretary) and member account in A's first line
(A / T1 / V11), plus their twins in the other places so "other jurisdiction" is always concrete.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from functools import lru_cache

from argon2 import PasswordHasher
from sqlalchemy.ext.asyncio import AsyncSession

from backend.auth.actor import Actor
from backend.complaints.models import Complaint, ComplaintKind, ComplaintState, ComplaintTopic
from backend.filings.models import Filing, FilingKind, FilingStatus
from backend.org.models import (
    CadreClass,
    Gender,
    Household,
    OrgKind,
    OrgUnit,
    Role,
    SecretaryProfile,
    StationMode,
    UnitType,
    User,
)
from backend.problems.models import Problem, ProblemSource, ProblemStatus

PASSWORD = "Test1234pw"


@lru_cache(maxsize=1)
def password_hash() -> str:
    """Cheap argon2 parameters (verification reads them from the hash) keep the suite fast."""
    return PasswordHasher(time_cost=1, memory_cost=1024, parallelism=1).hash(PASSWORD)


@dataclass
class World:
    units: dict[str, OrgUnit] = field(default_factory=dict)
    users: dict[str, User] = field(default_factory=dict)
    secretaries: dict[str, SecretaryProfile] = field(default_factory=dict)
    complaints: dict[str, str] = field(default_factory=dict)  # sender's key → complaint id (COMPLAINT_SENDERS)

    def unit_id(self, key: str) -> str:
        return str(self.units[key].id)

    def user_id(self, key: str) -> str:
        return str(self.users[key].id)

    def actor(self, key: str) -> Actor:
        user = self.users[key]
        unit = next(u for u in self.units.values() if u.id == user.org_unit_id)
        return Actor(
            user_id=user.id,
            role=user.role,
            org_unit_id=unit.id,
            county_id=unit.county_id or unit.id,
            township_id=unit.township_id,
            village_id=unit.id if unit.kind is OrgKind.VILLAGE else None,
        )


async def _unit(session: AsyncSession, world: World, key: str, kind: OrgKind, parent: str | None) -> None:
    parent_unit = world.units[parent] if parent else None
    unit = OrgUnit(
        kind=kind,
        name=f"{key}名",
        code=key,
        parent_id=parent_unit.id if parent_unit else None,
        center_lat=36.3,
        center_lng=120.0,
    )
    if parent_unit is not None:
        unit.county_id = parent_unit.county_id
        unit.township_id = parent_unit.id if kind is OrgKind.VILLAGE else None
    session.add(unit)
    await session.flush()
    if kind is OrgKind.COUNTY:
        unit.county_id = unit.id
    if kind is OrgKind.TOWNSHIP:
        unit.township_id = unit.id
    world.units[key] = unit


async def _user(session: AsyncSession, world: World, key: str, role: Role, unit: str, phone: str) -> None:
    user = User(
        phone=phone, name=f"{key}用户", password_hash=password_hash(), role=role, org_unit_id=world.units[unit].id
    )
    session.add(user)
    await session.flush()
    world.users[key] = user


async def build_world(session: AsyncSession) -> World:
    world = World()
    tree = [
        ("A", OrgKind.COUNTY, None),
        ("T1", OrgKind.TOWNSHIP, "A"),
        ("T2", OrgKind.TOWNSHIP, "A"),
        ("V11", OrgKind.VILLAGE, "T1"),
        ("V12", OrgKind.VILLAGE, "T1"),
        ("V21", OrgKind.VILLAGE, "T2"),
        ("B", OrgKind.COUNTY, None),
        ("TB", OrgKind.TOWNSHIP, "B"),
        ("VB", OrgKind.VILLAGE, "TB"),
    ]
    for key, kind, parent in tree:
        await _unit(session, world, key, kind, parent)
    accounts = [
        ("county", Role.COUNTY, "A"),
        ("township", Role.TOWNSHIP, "T1"),
        ("village", Role.VILLAGE, "V11"),
        ("member", Role.MEMBER, "V11"),
        ("county_b", Role.COUNTY, "B"),
        ("township_t2", Role.TOWNSHIP, "T2"),
        ("village_v12", Role.VILLAGE, "V12"),
        ("member_v12", Role.MEMBER, "V12"),
        ("member_v21", Role.MEMBER, "V21"),
        ("member_vb", Role.MEMBER, "VB"),
        ("village_v21", Role.VILLAGE, "V21"),
        ("village_vb", Role.VILLAGE, "VB"),
    ]
    for i, (key, role, unit) in enumerate(accounts):
        await _user(session, world, key, role, unit, f"1390000{i:04d}")
    for key, village in (("village", "V11"), ("village_v12", "V12"), ("village_v21", "V21"), ("village_vb", "VB")):
        user = world.users[key]
        profile = SecretaryProfile(
            name=f"{village}书记",
            gender=Gender.FEMALE,
            phone=user.phone,
            dispatch_unit="县农业农村局",
            unit_type=UnitType.MUNICIPAL,
            mode=StationMode.RESIDENT,
            cadre_class=CadreClass.SECTION_CHIEF,
            village_id=world.units[village].id,
            county_id=world.units[village].county_id,
            term_start=date(2026, 3, 1),
            term_end=date(2027, 2, 28),
            user_id=user.id,
        )
        session.add(profile)
        world.secretaries[village] = profile
    for village in ("V11", "V12", "V21", "VB"):
        for n in range(3):
            session.add(
                Household(
                    village_id=world.units[village].id,
                    code=f"{village}-{n:03d}",
                    head_name=f"{village}户主{n}",
                    member_count=3,
                    address="一组",
                )
            )
    await session.flush()
    await _filings(session, world)
    await _problems(session, world)
    await _complaints(session, world)
    return world


FILING_IDS = {
    "V11": "00000000-0000-4000-8000-000000000011",
    "V12": "00000000-0000-4000-8000-000000000012",
    "V21": "00000000-0000-4000-8000-000000000021",
    "VB": "00000000-0000-4000-8000-0000000000b1",
}


RETURNED_FILING_IDS = {village: filing_id[:-3] + "f" + filing_id[-2:] for village, filing_id in FILING_IDS.items()}


def stored_filing(
    secretary: SecretaryProfile,
    village: OrgUnit,
    *,
    kind: FilingKind = FilingKind.WORK_DIARY,
    status: FilingStatus = FilingStatus.SUBMITTED,
    at: datetime | None = None,
    occurred_on: date | None = None,
    filing_id: str | None = None,
    title: str = "日志",
    body: dict[str, object] | None = None,
    household_id: int | None = None,
    created_by: int | None = None,
) -> Filing:
    """A filing row as the sync service would have stored it (received at `at`, now by default),
    for tests that need filings in the database without going through the API."""
    at = at or datetime.now(UTC)
    return Filing(
        id=filing_id or str(uuid.uuid4()),
        kind=kind,
        status=status,
        content_hash="0" * 64,
        secretary_id=secretary.id,
        village_id=village.id,
        township_id=village.township_id,
        county_id=village.county_id,
        household_id=household_id,
        title=title,
        body=body or {},
        occurred_on=occurred_on or at.date(),
        recorded_at=at,
        received_at=at,
        submitted_at=None if status is FilingStatus.DRAFT else at,
        created_by=secretary.user_id if created_by is None else created_by,
    )


async def _filings(session: AsyncSession, world: World) -> None:
    """Per secretary: one submitted work-diary filing (to review) and one returned (to edit)."""
    now = datetime.now(UTC)
    entries = [(v, i, FilingStatus.SUBMITTED) for v, i in FILING_IDS.items()]
    entries += [(v, i, FilingStatus.RETURNED) for v, i in RETURNED_FILING_IDS.items()]
    for village, filing_id, status in entries:
        session.add(
            stored_filing(
                world.secretaries[village],
                world.units[village],
                status=status,
                at=now,
                filing_id=filing_id,
                title=f"{village}日志",
                body={"content": "走访了解民情"},
            )
        )


# One open problem per village, reported by that village's member (the ledger's permission checks).
PROBLEM_IDS = {
    "V11": "00000000-0000-4000-9000-000000000011",
    "V12": "00000000-0000-4000-9000-000000000012",
    "V21": "00000000-0000-4000-9000-000000000021",
    "VB": "00000000-0000-4000-9000-0000000000b1",
}
PROBLEM_REPORTERS = {"V11": "member", "V12": "member_v12", "V21": "member_v21", "VB": "member_vb"}


async def _problems(session: AsyncSession, world: World) -> None:
    for village, problem_id in PROBLEM_IDS.items():
        unit = world.units[village]
        session.add(
            Problem(
                id=problem_id,
                village_id=unit.id,
                township_id=unit.township_id,
                county_id=unit.county_id,
                secretary_id=world.secretaries[village].id,
                source=ProblemSource.VILLAGER,
                reporter_user_id=world.users[PROBLEM_REPORTERS[village]].id,
                title=f"{village}路灯不亮",
                description="",
                status=ProblemStatus.OPEN,
                content_hash="0" * 64,
                version=1,
            )
        )
    await session.flush()


async def add_village_with_secretary(
    session: AsyncSession,
    township: OrgUnit,
    *,
    name: str,
    code: str,
    secretary_name: str,
    phone: str,
    unit_type: UnitType = UnitType.TOWNSHIP,
    mode: StationMode = StationMode.LIAISON,
    cadre_class: CadreClass = CadreClass.DEPUTY_SECTION_AND_BELOW,
    dispatch_unit: str = "县局",
    term: tuple[date, date] = (date(2026, 1, 1), date(2027, 12, 31)),
) -> tuple[OrgUnit, SecretaryProfile]:
    """One more village of `township` with its first secretary (tests that grow the world)."""
    village = OrgUnit(
        kind=OrgKind.VILLAGE,
        name=name,
        code=code,
        parent_id=township.id,
        county_id=township.county_id,
        township_id=township.id,
    )
    session.add(village)
    await session.flush()
    profile = SecretaryProfile(
        name=secretary_name,
        gender=Gender.MALE,
        phone=phone,
        dispatch_unit=dispatch_unit,
        unit_type=unit_type,
        mode=mode,
        cadre_class=cadre_class,
        village_id=village.id,
        county_id=township.county_id,
        term_start=term[0],
        term_end=term[1],
    )
    session.add(profile)
    await session.flush()
    return village, profile


# One complaint sent with an account (not anonymously) by each of these users; the member's is
# about their township T1.
COMPLAINT_SENDERS = ("county", "township", "village", "member", "member_v12", "member_vb")


async def _complaints(session: AsyncSession, world: World) -> None:
    for n, key in enumerate(COMPLAINT_SENDERS):
        user = world.users[key]
        unit = next(u for u in world.units.values() if u.id == user.org_unit_id)
        complaint = Complaint(
            tracking_number=f"WRLD{'23456789'[n] * 4}XYZW",
            county_id=unit.county_id or unit.id,
            kind=ComplaintKind.COMPLAINT,
            topic=ComplaintTopic.DUPLICATE_REPORTING,
            about_unit_id=world.units["T1"].id if key == "member" else None,
            text=f"{key}：同一数据要求重复填报",
            anonymous=False,
            sender_user_id=user.id,
            state=ComplaintState.RECEIVED,
        )
        session.add(complaint)
        await session.flush()
        world.complaints[key] = str(complaint.id)
