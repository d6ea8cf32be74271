"""The door to external identities: a binding belongs to the county of its account, and only the
county (县委组织部) keeps them."""

from __future__ import annotations

from sqlalchemy import ColumnElement, select
from sqlalchemy.ext.asyncio import AsyncSession

from backend.auth.actor import Actor
from backend.identity.models import ExternalIdentity
from backend.org.access import one_in_scope, require_role
from backend.org.models import OrgUnit, Role, User


def scope_external_identities(actor: Actor) -> ColumnElement[bool]:
    """Bindings of the accounts of the actor's county."""
    county_users = (
        select(User.id).join(OrgUnit, OrgUnit.id == User.org_unit_id).where(OrgUnit.county_id == actor.county_id)
    )
    return ExternalIdentity.user_id.in_(county_users)


async def access_external_identity(
    session: AsyncSession, actor: Actor | None, identity_id: int, *, for_update: bool = False
) -> ExternalIdentity:
    actor = require_role(actor, Role.COUNTY)
    stmt = select(ExternalIdentity).where(ExternalIdentity.id == identity_id, scope_external_identities(actor))
    return await one_in_scope(session, stmt, "关联记录不存在", for_update=for_update)
