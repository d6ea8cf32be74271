"""Accounts: who may create whom, listing, activation."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import or_, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from backend.audit import security_log
from backend.auth.actor import Actor
from backend.auth.passwords import hash_password
from backend.core.errors import Duplicate, Forbidden, InvalidInput
from backend.core.pagination import Page, paginate
from backend.core.validation import check_password, clean_phone, clean_text
from backend.org.access import access_org_unit, access_user, require_role, scope_users
from backend.org.models import OrgKind, OrgUnit, Role, User

# Which roles each role may create, and the kind of org unit the new account must sit on.
_CREATABLE: dict[Role, dict[Role, OrgKind]] = {
    Role.COUNTY: {Role.TOWNSHIP: OrgKind.TOWNSHIP, Role.VILLAGE: OrgKind.VILLAGE},
    Role.TOWNSHIP: {Role.MEMBER: OrgKind.VILLAGE},
}
# Whose accounts each role may enable or disable (inside its jurisdiction).
_MANAGEABLE: dict[Role, set[Role]] = {
    Role.COUNTY: {Role.TOWNSHIP, Role.VILLAGE, Role.MEMBER},
    Role.TOWNSHIP: {Role.MEMBER},
}


@dataclass(frozen=True)
class NewUser:
    phone: str
    name: str
    password: str
    role: Role
    org_unit_id: int


async def create_user(session: AsyncSession, actor: Actor | None, new: NewUser) -> User:
    actor = require_role(actor, Role.COUNTY, Role.TOWNSHIP)
    allowed = _CREATABLE.get(actor.role, {})
    if new.role not in allowed:
        raise Forbidden("您的角色无权创建该类账号")
    unit = await access_org_unit(session, actor, new.org_unit_id)
    if unit.kind is not allowed[new.role]:
        raise InvalidInput("账号所属组织类型与角色不符", field="orgUnitId")
    phone = clean_phone(new.phone)
    user = await insert_user(
        session,
        phone=phone,
        name=clean_text(new.name, "name", "姓名"),
        password_hash=hash_password(check_password(new.password, phone=phone)),
        role=new.role,
        org_unit=unit,
    )
    security_log.account_changed(session, actor, user, security_log.Kind.ACCOUNT_CREATED)
    return user


async def insert_user(
    session: AsyncSession, *, phone: str, name: str, password_hash: str, role: Role, org_unit: OrgUnit
) -> User:
    user = User(phone=phone, name=name, password_hash=password_hash, role=role, org_unit_id=org_unit.id)
    session.add(user)
    try:
        async with session.begin_nested():
            await session.flush()
    except IntegrityError as exc:
        raise Duplicate("该手机号已注册账号", field="phone") from exc
    return user


async def set_user_active(session: AsyncSession, actor: Actor | None, user_id: int, active: bool) -> User:
    actor = require_role(actor, Role.COUNTY, Role.TOWNSHIP)
    user = await access_user(session, actor, user_id)
    if user.id == actor.user_id:
        raise InvalidInput("不能停用自己的账号", field="id")
    if user.role not in _MANAGEABLE.get(actor.role, set()):
        raise Forbidden("您的角色无权管理该类账号")
    if user.active != active:
        kind = security_log.Kind.ACCOUNT_ENABLED if active else security_log.Kind.ACCOUNT_DISABLED
        security_log.account_changed(session, actor, user, kind)
    user.active = active
    await session.flush()
    return user


async def list_users(
    session: AsyncSession,
    actor: Actor | None,
    *,
    org_unit_id: int | None,
    role: Role | None,
    search: str | None,
    first: int | None,
    after: str | None,
) -> Page[User]:
    actor = require_role(actor, Role.COUNTY, Role.TOWNSHIP)
    stmt = select(User).where(scope_users(actor))
    if org_unit_id is not None:
        await access_org_unit(session, actor, org_unit_id)
        stmt = stmt.where(User.org_unit_id == org_unit_id)
    if role is not None:
        stmt = stmt.where(User.role == role)
    if search:
        term = search.strip()
        stmt = stmt.where(or_(User.name.contains(term, autoescape=True), User.phone.startswith(term, autoescape=True)))
    return await paginate(session, stmt, (User.id,), first=first, after=after)
