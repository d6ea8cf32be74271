"""Loading the demo county 青禾县 into an (empty) database in the caller's transaction."""

from __future__ import annotations

import logging
from dataclasses import dataclass
from typing import TYPE_CHECKING

from faker import Faker
from sqlalchemy import insert, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from backend.auth.passwords import hash_password
from backend.core.errors import Duplicate
from backend.demo.accounts import (
    COUNTY_ADMIN_PHONE,
    DEMO_PASSWORD,
    DemoAccount,
    member_accounts,
    staff_accounts,
)
from backend.demo.county import build_demo_county
from backend.demo.places import COUNTY_CENTER, COUNTY_CODE, COUNTY_NAME
from backend.duties.checklist import ensure_saved
from backend.hooks import install_process_hooks
from backend.org.counties import create_county
from backend.org.importer.existing import load_org_index
from backend.org.importer.records import ParsedWorkbook
from backend.org.importer.validate import validate_workbook
from backend.org.importer.writer import write_workbook
from backend.org.models import OrgKind, OrgUnit, Role, SecretaryProfile, User

if TYPE_CHECKING:
    from backend.demo.bulk import Counts
    from backend.demo.polls import DemoPolls

logger = logging.getLogger(__name__)


@dataclass(frozen=True, slots=True)
class DemoSummary:
    county_id: int
    county_name: str
    townships: int
    villages: int
    secretaries: int
    households: int
    accounts: int
    password: str  # the shared demo password, for printing by the CLI
    # filled in by seed_demo_database (the activity, the polls) for describe()
    activity: Counts | None = None
    polls: DemoPolls | None = None
    public_base_url: str = ""


async def database_is_empty(session: AsyncSession) -> bool:
    """True when no org unit exists yet (a fresh installation)."""
    return (await session.execute(select(OrgUnit.id).limit(1))).first() is None


async def load_demo(session: AsyncSession, *, seed: int = 2026) -> DemoSummary:
    """Create 青禾县 with townships, villages, secretaries, households and demo logins.
    Flushes but does not commit. Raises Duplicate when the demo accounts already exist."""
    install_process_hooks()  # the demo's audit events are chained like any other (no app here)
    await _refuse_if_loaded(session)
    demo = build_demo_county(seed)
    county = await _create_county(session)
    await ensure_saved(session, None, county.id)  # its checklist: the built-in 八个一, saved as version 1
    await _write_records(session, county.id, demo.records)
    accounts = await _create_accounts(session, county.id, demo.records, seed)
    await session.flush()
    counts = demo.records.counts()
    logger.info("demo county loaded: %s", counts)
    return DemoSummary(
        county_id=county.id,
        county_name=county.name,
        townships=counts.townships,
        villages=counts.villages,
        secretaries=counts.secretaries,
        households=counts.households,
        accounts=accounts,
        password=DEMO_PASSWORD,
    )


async def _refuse_if_loaded(session: AsyncSession) -> None:
    existing = await session.scalar(select(User.id).where(User.phone == COUNTY_ADMIN_PHONE))
    if existing is not None:
        raise Duplicate("演示数据已存在（演示管理员账号已被使用）")


async def _create_county(session: AsyncSession) -> OrgUnit:
    return await create_county(
        session, COUNTY_NAME, COUNTY_CODE, center_lat=COUNTY_CENTER[0], center_lng=COUNTY_CENTER[1]
    )


async def _write_records(session: AsyncSession, county_id: int, records: ParsedWorkbook) -> None:
    errors = validate_workbook(records, await load_org_index(session, county_id))
    if errors:  # a bug in the generator, not a user error
        raise RuntimeError(f"demo data failed import validation: {errors[:5]}")
    await write_workbook(session, county_id, records)


async def _create_accounts(session: AsyncSession, county_id: int, records: ParsedWorkbook, seed: int) -> int:
    index = await load_org_index(session, county_id)
    township_ids = index.ids_of(OrgKind.TOWNSHIP)
    village_ids = index.ids_of(OrgKind.VILLAGE)
    staff = staff_accounts(county_id, [(township_ids[t.code], t.name) for t in records.townships])
    secretaries = [DemoAccount(s.phone, s.name, Role.VILLAGE, village_ids[s.village_code]) for s in records.secretaries]
    faker = Faker("zh_CN")
    faker.seed_instance(seed + 1)
    members = member_accounts([village_ids[v.code] for v in records.villages], [faker.name() for _ in range(10)])
    accounts = [*staff, *secretaries, *members]
    await _insert_users(session, accounts)
    await _link_secretaries(session, county_id)
    return len(accounts)


async def _insert_users(session: AsyncSession, accounts: list[DemoAccount]) -> None:
    password_hash = hash_password(DEMO_PASSWORD)  # once: argon2 is deliberately slow
    rows = [
        {
            "phone": account.phone,
            "name": account.name,
            "password_hash": password_hash,
            "role": account.role,
            "org_unit_id": account.org_unit_id,
        }
        for account in accounts
    ]
    await session.execute(insert(User), rows)


async def _link_secretaries(session: AsyncSession, county_id: int) -> None:
    """Each secretary profile gets the VILLAGE login with the same phone in the same village."""
    result = await session.execute(
        select(SecretaryProfile.id, User.id)
        .join(
            User,
            (User.phone == SecretaryProfile.phone)
            & (User.org_unit_id == SecretaryProfile.village_id)
            & (User.role == Role.VILLAGE),
        )
        .where(SecretaryProfile.county_id == county_id)
    )
    links = [{"id": profile_id, "user_id": user_id} for profile_id, user_id in result]
    if links:
        await session.execute(update(SecretaryProfile), links)
