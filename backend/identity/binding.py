"""An external identity → an account here: the county's mapping, else the platform's verified mobile
number (bound on that first login and recorded). Nothing is ever created for an identity that
matches neither: IdentityUnbound."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from backend.audit import trail as audit
from backend.auth.sessions import AccountDisabled
from backend.core.errors import InvalidInput
from backend.core.validation import clean_phone
from backend.identity.errors import IdentityUnbound
from backend.identity.models import BindMethod, ExternalIdentity
from backend.org.models import OrgUnit, User

DISABLED = "账号已停用，请联系上级组织部门"


async def bound_user(session: AsyncSession, issuer: str, subject: str) -> User | None:
    """The account the (issuer, subject) is bound to, if any."""
    user = (
        await session.scalars(
            select(User)
            .join(ExternalIdentity, ExternalIdentity.user_id == User.id)
            .where(ExternalIdentity.issuer == issuer, ExternalIdentity.subject == subject)
        )
    ).one_or_none()
    if user is not None and not user.active:
        raise AccountDisabled(DISABLED)
    return user


def verified_phone(claims: dict[str, Any], phone_claim: str) -> str | None:
    """The mobile number the platform vouches for (`phone_number_verified` true), as stored here."""
    phone = claims.get(phone_claim)
    if not isinstance(phone, str) or claims.get("phone_number_verified") is not True:
        return None
    phone = phone.strip().replace(" ", "").replace("-", "")
    phone = phone.removeprefix("+86")
    if len(phone) == 13 and phone.startswith("86"):
        phone = phone[2:]
    try:
        return clean_phone(phone)
    except InvalidInput:
        return None


async def bind_by_phone(session: AsyncSession, issuer: str, subject: str, phone: str | None, now: datetime) -> User:
    if phone is None:
        raise IdentityUnbound()
    user = (await session.scalars(select(User).where(User.phone == phone))).one_or_none()
    if user is None:
        raise IdentityUnbound()
    if not user.active:
        raise AccountDisabled(DISABLED)
    identity = ExternalIdentity(
        issuer=issuer, subject=subject, user_id=user.id, method=BindMethod.PHONE, created_at=now, created_by=None
    )
    session.add(identity)
    await session.flush()
    unit = await session.get(OrgUnit, user.org_unit_id)
    assert unit is not None
    audit.record(
        session,
        None,
        county_id=unit.county_id or unit.id,
        entity="external_identity",
        entity_id=identity.id,
        action="bind_by_phone",
        detail={"userId": user.id, "issuer": issuer},
    )
    return user
