"""Queries of 统一身份认证: the public login-button facts, the county's bindings and rules."""

from __future__ import annotations

from urllib.parse import urlencode

import strawberry

from backend.core.errors import DomainError
from backend.graphql.context import Info
from backend.graphql.pagination import Connection, connection_from_page
from backend.identity import mappings, password_policy
from backend.identity.api.types import ExternalIdentityType, IdentityProvider, IdentitySettings
from backend.identity.provider import IdentityProvider as Provider

POST_LOGOUT_PATH = "/login"


@strawberry.type
class IdentityQueries:
    @strawberry.field(description="Anyone: is login through the province's identity platform offered, and how.")
    async def identity_provider(self, info: Info) -> IdentityProvider:
        settings = info.context.settings
        if not settings.oidc_enabled:
            return IdentityProvider(
                enabled=False, display_name=settings.oidc_display_name, start_url=None, end_session_url=None
            )
        provider: Provider = info.context.request.app.state.identity
        try:
            end_session = (await provider.metadata()).end_session_endpoint
        except DomainError:
            end_session = None  # the platform is down: password-free login still offered, logout stays local
        query = urlencode(
            {
                "client_id": settings.oidc_client_id,
                "post_logout_redirect_uri": info.context.public_base_url + POST_LOGOUT_PATH,
            }
        )
        return IdentityProvider(
            enabled=True,
            display_name=settings.oidc_display_name,
            start_url="/auth/oidc/start",
            end_session_url=f"{end_session}{'&' if '?' in end_session else '?'}{query}" if end_session else None,
        )

    @strawberry.field(description="The county: the bindings of its accounts to platform accounts, newest first.")
    async def external_identities(
        self, info: Info, first: int | None = 20, after: str | None = None
    ) -> Connection[ExternalIdentityType]:
        async with info.context.session() as session:
            page = await mappings.list_mappings(session, info.context.actor, first=first, after=after)
        return connection_from_page(page, ExternalIdentityType.from_mapping)

    @strawberry.field(description="The county: whether its staff may still log in with a password.")
    async def identity_settings(self, info: Info) -> IdentitySettings:
        async with info.context.session() as session:
            enabled = await password_policy.staff_password_login(session, info.context.actor)
        return IdentitySettings(provider_enabled=info.context.settings.oidc_enabled, staff_password_login=enabled)
