"""Mutations of 统一身份认证: redeeming the login ticket, and the county's bindings and rules."""

from __future__ import annotations

from datetime import UTC, datetime

import strawberry

from backend.auth.api.mutations import AuthPayload, OkPayload
from backend.graphql.context import Info
from backend.graphql.errors import UserError, returns_payload_errors
from backend.graphql.pagination import parse_id
from backend.identity import mappings, password_policy, tickets
from backend.identity.api.types import ExternalIdentityType, IdentitySettings


@strawberry.type
class ExternalIdentityPayload:
    identity: ExternalIdentityType | None = None
    errors: list[UserError] = strawberry.field(default_factory=list)


@strawberry.type
class IdentitySettingsPayload:
    settings: IdentitySettings | None = None
    errors: list[UserError] = strawberry.field(default_factory=list)


@strawberry.type
class IdentityMutations:
    @strawberry.mutation(
        description="Anyone: exchange the one-time ticket of a login through the identity platform (given to "
        "/login/oidc, valid a minute, once) for the same tokens `login` gives."
    )
    @returns_payload_errors(AuthPayload)
    async def complete_external_login(self, info: Info, ticket: str) -> AuthPayload:
        async with info.context.transaction() as session:
            result = await tickets.redeem_ticket(session, info.context.settings, ticket, datetime.now(UTC))
        return AuthPayload.from_session(result, info.context.settings)

    @strawberry.mutation(description="County: bind a platform account (its subject) to an account of the county.")
    @returns_payload_errors(ExternalIdentityPayload)
    async def bind_external_identity(self, info: Info, user_id: strawberry.ID, subject: str) -> ExternalIdentityPayload:
        async with info.context.transaction() as session:
            mapping = await mappings.bind(
                session, info.context.actor, info.context.settings, parse_id(user_id, "userId"), subject
            )
        return ExternalIdentityPayload(identity=ExternalIdentityType.from_mapping(mapping))

    @strawberry.mutation(description="County: remove a binding (the account logs in with the platform no more).")
    @returns_payload_errors(OkPayload)
    async def unbind_external_identity(self, info: Info, id: strawberry.ID) -> OkPayload:
        async with info.context.transaction() as session:
            await mappings.unbind(session, info.context.actor, parse_id(id))
        return OkPayload(ok=True)

    @strawberry.mutation(
        description="County: allow (true) or refuse (false) password login for county and township accounts; "
        "refused while no identity platform is configured."
    )
    @returns_payload_errors(IdentitySettingsPayload)
    async def set_staff_password_login(self, info: Info, enabled: bool) -> IdentitySettingsPayload:
        settings = info.context.settings
        async with info.context.transaction() as session:
            value = await password_policy.set_staff_password_login(session, info.context.actor, settings, enabled)
        return IdentitySettingsPayload(
            settings=IdentitySettings(provider_enabled=settings.oidc_enabled, staff_password_login=value)
        )
