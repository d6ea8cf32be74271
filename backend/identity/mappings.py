"""The county's list of bindings (统一身份账号 → 本系统账号): read, bind by the platform's subject,
unbind. County accounts only, their county's accounts only; every change is audited."""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import UTC, datetime

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from backend.audit import trail as audit
from backend.auth.actor import Actor
from backend.core.errors import Duplicate, InvalidInput
from backend.core.pagination import Page, paginate
from backend.core.settings import Settings
from backend.identity.access import access_external_identity, scope_external_identities
from backend.identity.errors import OidcNotConfigured
from backend.identity.models import BindMethod, ExternalIdentity
from backend.org.access import access_user, require_role
from backend.org.models import Role, User

MAX_SUBJECT = 255  # OpenID Connect Core §2: a subject is at most 255 ASCII characters


@dataclass(frozen=True)
class Mapping:
    identity: ExternalIdentity
    user: User


async def list_mappings(
    session: AsyncSession, actor: Actor | None, *, first: int | None, after: str | None
) -> Page[Mapping]:
    actor = require_role(actor, Role.COUNTY)
    stmt = select(ExternalIdentity).where(scope_external_identities(actor))
    page = await paginate(
        session, stmt, [ExternalIdentity.created_at, ExternalIdentity.id], first=first, after=after, descending=True
    )
    user_ids = {identity.user_id for identity in page.items}
    users = {u.id: u for u in await session.scalars(select(User).where(User.id.in_(user_ids)))}
    return replace(page, items=[Mapping(identity, users[identity.user_id]) for identity in page.items])


def clean_subject(subject: str) -> str:
    subject = subject.strip()
    if not subject or len(subject) > MAX_SUBJECT or not subject.isascii() or not subject.isprintable():
        raise InvalidInput("统一身份账号标识应为 1–255 个字符（由统一身份认证平台提供）", field="subject")
    return subject


async def bind(session: AsyncSession, actor: Actor | None, settings: Settings, user_id: int, subject: str) -> Mapping:
    actor = require_role(actor, Role.COUNTY)
    subject = clean_subject(subject)
    if not settings.oidc_enabled:
        raise OidcNotConfigured()
    user = await access_user(session, actor, user_id)
    taken = await session.scalar(
        select(ExternalIdentity.id).where(
            ExternalIdentity.issuer == settings.oidc_issuer, ExternalIdentity.subject == subject
        )
    )
    if taken is not None:
        raise Duplicate("该统一身份账号已关联其他账号，请先解除原关联", field="subject")
    identity = ExternalIdentity(
        issuer=settings.oidc_issuer,
        subject=subject,
        user_id=user.id,
        method=BindMethod.COUNTY,
        created_at=datetime.now(UTC),
        created_by=actor.user_id,
    )
    session.add(identity)
    await session.flush()
    audit.record(
        session,
        actor,
        county_id=actor.county_id,
        entity="external_identity",
        entity_id=identity.id,
        action="bind",
        detail={"userId": user.id, "issuer": identity.issuer, "subject": subject},
    )
    return Mapping(identity, user)


async def unbind(session: AsyncSession, actor: Actor | None, identity_id: int) -> None:
    identity = await access_external_identity(session, actor, identity_id, for_update=True)
    assert actor is not None
    audit.record(
        session,
        actor,
        county_id=actor.county_id,
        entity="external_identity",
        entity_id=identity.id,
        action="unbind",
        detail={"userId": identity.user_id, "issuer": identity.issuer, "subject": identity.subject},
    )
    await session.delete(identity)
    await session.flush()
