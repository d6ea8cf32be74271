"""First-secretary records: listing in jurisdiction, creating (with an optional login)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date

from sqlalchemy import or_, select
from sqlalchemy.ext.asyncio import AsyncSession

from backend.audit import security_log
from backend.auth.actor import Actor
from backend.auth.passwords import hash_password
from backend.core.errors import InvalidInput
from backend.core.pagination import Page, paginate
from backend.core.validation import check_password, clean_phone, clean_text
from backend.org.access import access_org_unit, require_role, scope_secretaries
from backend.org.models import CadreClass, Gender, OrgKind, OrgUnit, Role, SecretaryProfile, StationMode, UnitType
from backend.org.users import insert_user

_ORDER = (SecretaryProfile.id,)


@dataclass(frozen=True)
class NewSecretary:
    name: str
    gender: Gender
    phone: str
    dispatch_unit: str
    unit_type: UnitType
    mode: StationMode
    cadre_class: CadreClass
    village_id: int
    term_start: date
    term_end: date
    password: str | None = None


async def create_secretary(session: AsyncSession, actor: Actor | None, new: NewSecretary) -> SecretaryProfile:
    actor = require_role(actor, Role.COUNTY)
    village = await access_org_unit(session, actor, new.village_id, kind=OrgKind.VILLAGE)
    if new.term_end <= new.term_start:
        raise InvalidInput("任期结束日期须晚于开始日期", field="termEnd")
    profile = SecretaryProfile(
        name=clean_text(new.name, "name", "姓名"),
        gender=new.gender,
        phone=clean_phone(new.phone),
        dispatch_unit=clean_text(new.dispatch_unit, "dispatchUnit", "派出单位", max_length=100),
        unit_type=new.unit_type,
        mode=new.mode,
        cadre_class=new.cadre_class,
        village_id=village.id,
        county_id=actor.county_id,
        term_start=new.term_start,
        term_end=new.term_end,
    )
    if new.password is not None:
        user = await insert_user(
            session,
            phone=profile.phone,
            name=profile.name,
            password_hash=hash_password(check_password(new.password, phone=profile.phone)),
            role=Role.VILLAGE,
            org_unit=village,
        )
        profile.user_id = user.id
        security_log.account_changed(session, actor, user, security_log.Kind.ACCOUNT_CREATED)
    session.add(profile)
    await session.flush()
    return profile


async def list_secretaries(
    session: AsyncSession,
    actor: Actor | None,
    *,
    township_id: int | None,
    village_id: int | None,
    search: str | None,
    first: int | None,
    after: str | None,
) -> Page[SecretaryProfile]:
    actor = require_role(actor, Role.COUNTY, Role.TOWNSHIP, Role.VILLAGE)
    stmt = select(SecretaryProfile).where(scope_secretaries(actor))
    if township_id is not None:
        await access_org_unit(session, actor, township_id)
        stmt = stmt.where(SecretaryProfile.village_id.in_(select(OrgUnit.id).where(OrgUnit.township_id == township_id)))
    if village_id is not None:
        await access_org_unit(session, actor, village_id, kind=OrgKind.VILLAGE)
        stmt = stmt.where(SecretaryProfile.village_id == village_id)
    if search:
        term = search.strip()
        stmt = stmt.where(
            or_(
                SecretaryProfile.name.contains(term, autoescape=True),
                SecretaryProfile.dispatch_unit.contains(term, autoescape=True),
            )
        )
    return await paginate(session, stmt, _ORDER, first=first, after=after)


async def my_profile(session: AsyncSession, actor: Actor | None) -> SecretaryProfile | None:
    actor = require_role(actor, Role.VILLAGE)
    return (
        await session.scalars(
            select(SecretaryProfile)
            .where(SecretaryProfile.user_id == actor.user_id)
            .order_by(SecretaryProfile.term_start.desc())
            .limit(1)
        )
    ).first()


async def current_secretaries(
    session: AsyncSession, village_ids: Sequence[int], today: date
) -> dict[int, SecretaryProfile]:
    """Each village's first secretary in post today (else the latest appointed), one query."""
    rows = (
        await session.scalars(
            select(SecretaryProfile)
            .where(SecretaryProfile.village_id.in_(village_ids))
            .order_by(SecretaryProfile.village_id, SecretaryProfile.term_start)
        )
    ).all()
    chosen: dict[int, SecretaryProfile] = {}
    for profile in rows:
        held = chosen.get(profile.village_id)
        in_post = profile.term_start <= today <= profile.term_end
        if held is None or in_post or not (held.term_start <= today <= held.term_end):
            chosen[profile.village_id] = profile
    return chosen
