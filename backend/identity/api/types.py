"""GraphQL types of 统一身份认证."""

from __future__ import annotations

from datetime import datetime

import strawberry

from backend.identity.mappings import Mapping
from backend.identity.models import BindMethod
from backend.org.api.types import User

strawberry.enum(BindMethod, name="BindMethod", description="How an external identity was bound: phone or county")


@strawberry.type(description="Whether and where users can log in through the province's identity platform.")
class IdentityProvider:
    enabled: bool
    display_name: str = strawberry.field(description="The platform's name, for the login button")
    start_url: str | None = strawberry.field(description="Where the login button goes (a plain link)")
    end_session_url: str | None = strawberry.field(
        description="Where to send the browser after logging out here, to end the platform's session too "
        "(null: the platform offers none, or could not be reached)"
    )


@strawberry.type(name="ExternalIdentity", description="A platform account bound to an account here.")
class ExternalIdentityType:
    id: strawberry.ID
    subject: str = strawberry.field(description="The platform's identifier of the person (sub)")
    method: BindMethod
    created_at: datetime
    user: User

    @classmethod
    def from_mapping(cls, mapping: Mapping) -> ExternalIdentityType:
        return cls(
            id=strawberry.ID(str(mapping.identity.id)),
            subject=mapping.identity.subject,
            method=mapping.identity.method,
            created_at=mapping.identity.created_at,
            user=User.from_model(mapping.user),
        )


@strawberry.type(description="The county's login rules for its staff.")
class IdentitySettings:
    provider_enabled: bool = strawberry.field(description="An identity platform is configured (OIDC_ISSUER)")
    staff_password_login: bool = strawberry.field(
        description="County and township accounts may log in with a password (else only through the platform)"
    )
