"""The second factor in GraphQL: one's own authenticator (status, enrol, confirm, disable, recovery
codes), the forced enrolment of a login challenge, the county's reset and its requirement."""

from __future__ import annotations

from datetime import datetime

import strawberry
from sqlalchemy.ext.asyncio import AsyncSession

from backend.auth.api import mutations as clock
from backend.auth.api.mutations import AuthPayload
from backend.auth.second_factor import enrolment
from backend.auth.second_factor import login as second_step
from backend.auth.second_factor.policy import KEY as REQUIRED_KEY
from backend.auth.second_factor.policy import effective
from backend.core.password_rules import RULES
from backend.graphql.context import Info
from backend.graphql.errors import UserError, returns_payload_errors
from backend.graphql.pagination import parse_id
from backend.org.access import access_user, require_actor, require_role
from backend.org.api.types import User as UserType
from backend.org.county_settings import update_rules
from backend.org.models import CountySettings, Role, User


@strawberry.type(description="账号安全: the caller's second factor, and what their county requires.")
class SecondFactorStatus:
    enabled: bool
    confirmed_at: datetime | None
    recovery_codes_left: int
    required: bool = strawberry.field(description="This account may not log in without enrolling.")
    totp_required_for_county: bool = strawberry.field(description="The county requires it of county accounts.")
    follows_deployment_default: bool = strawberry.field(
        description="The county never decided: the deployment's default applies (required in production)."
    )
    password_rules: list[str] = strawberry.field(description="The password rules, in words, for the screen.")


@strawberry.type
class TotpEnrolmentPayload:
    secret: str | None = strawberry.field(default=None, description="Base32, for typing in by hand.")
    otpauth_uri: str | None = None
    qr_code: str | None = strawberry.field(default=None, description="The otpauth URI as an SVG data URI.")
    errors: list[UserError] = strawberry.field(default_factory=list)


@strawberry.type
class RecoveryCodesPayload:
    recovery_codes: list[str] | None = strawberry.field(default=None, description="Shown once; only hashes stay.")
    # Set when the enrolment ended a login challenge: the session it was waiting for.
    auth: AuthPayload | None = None
    errors: list[UserError] = strawberry.field(default_factory=list)


@strawberry.type
class SecondFactorOkPayload:
    ok: bool = False
    user: UserType | None = None
    errors: list[UserError] = strawberry.field(default_factory=list)


async def _own_user(session: AsyncSession, info: Info) -> User:
    actor = require_actor(info.context.actor)
    return await access_user(session, actor, actor.user_id)


@strawberry.type
class SecondFactorQueries:
    @strawberry.field(description="County and township users: their authenticator and the county's rule.")
    async def my_second_factor(self, info: Info) -> SecondFactorStatus:
        async with info.context.session() as session:
            user = await _own_user(session, info)
            found = await enrolment.status(session, info.context.settings, user)
            actor = require_actor(info.context.actor)
            saved = await session.get(CountySettings, actor.county_id)
        values = saved.values if saved else {}
        return SecondFactorStatus(
            enabled=found.enabled,
            confirmed_at=found.confirmed_at,
            recovery_codes_left=found.recovery_codes_left,
            required=found.required,
            totp_required_for_county=effective(info.context.settings, values),
            follows_deployment_default=REQUIRED_KEY not in values,
            password_rules=list(RULES),
        )


@strawberry.type
class SecondFactorMutations:
    @strawberry.mutation(
        description="Start enrolling an authenticator: signed in (county, township), or with an enrolment "
        "challenge from login."
    )
    @returns_payload_errors(TotpEnrolmentPayload)
    async def begin_totp_enrolment(self, info: Info, challenge: str | None = None) -> TotpEnrolmentPayload:
        ctx = info.context
        async with ctx.transaction() as session:
            if challenge:
                found = await second_step.begin_enrolment(session, ctx.settings, challenge, clock.now())
            else:
                found = await enrolment.begin(session, ctx.settings, await _own_user(session, info), clock.now())
        return TotpEnrolmentPayload(secret=found.secret, otpauth_uri=found.otpauth_uri, qr_code=found.qr_svg)

    @strawberry.mutation(
        description="Activate the authenticator with its first code; returns the 10 recovery codes (once) "
        "and, with a challenge, the session."
    )
    @returns_payload_errors(RecoveryCodesPayload)
    async def confirm_totp_enrolment(self, info: Info, code: str, challenge: str | None = None) -> RecoveryCodesPayload:
        ctx = info.context
        async with ctx.transaction() as session:
            if challenge:
                ended = await second_step.confirm_enrolment(session, ctx.settings, challenge, code, clock.now())
                return RecoveryCodesPayload(
                    recovery_codes=ended.recovery_codes, auth=AuthPayload.from_session(ended.session, ctx.settings)
                )
            user = await _own_user(session, info)
            shown = await enrolment.confirm(session, ctx.settings, user, code, clock.now())
        return RecoveryCodesPayload(recovery_codes=shown)

    @strawberry.mutation(description="Turn one's authenticator off, with a current code or the password.")
    @returns_payload_errors(SecondFactorOkPayload)
    async def disable_totp(
        self, info: Info, code: str | None = None, password: str | None = None
    ) -> SecondFactorOkPayload:
        ctx = info.context
        async with ctx.transaction() as session:
            user = await _own_user(session, info)
            await enrolment.disable(session, ctx.settings, user, clock.now(), code=code, password=password)
        return SecondFactorOkPayload(ok=True)

    @strawberry.mutation(description="New recovery codes (the old ones stop working), with a current code.")
    @returns_payload_errors(RecoveryCodesPayload)
    async def regenerate_recovery_codes(self, info: Info, code: str) -> RecoveryCodesPayload:
        ctx = info.context
        async with ctx.transaction() as session:
            user = await _own_user(session, info)
            shown = await enrolment.regenerate_recovery_codes(session, ctx.settings, user, code, clock.now())
        return RecoveryCodesPayload(recovery_codes=shown)

    @strawberry.mutation(
        description="County: reset the authenticator of a county or township account that lost it (with a "
        "reason, audited); its sessions end."
    )
    @returns_payload_errors(SecondFactorOkPayload)
    async def reset_second_factor(self, info: Info, user_id: strawberry.ID, reason: str) -> SecondFactorOkPayload:
        async with info.context.transaction() as session:
            user = await enrolment.reset(session, info.context.actor, parse_id(user_id, "userId"), reason, clock.now())
        return SecondFactorOkPayload(ok=True, user=UserType.from_model(user))

    @strawberry.mutation(description="County: must county accounts log in with an authenticator (audited)?")
    @returns_payload_errors(SecondFactorOkPayload)
    async def set_totp_required_for_county(self, info: Info, required: bool) -> SecondFactorOkPayload:
        actor = require_role(info.context.actor, Role.COUNTY)
        async with info.context.transaction() as session:
            await update_rules(session, actor, {REQUIRED_KEY: int(required)}, decided=True)
        return SecondFactorOkPayload(ok=True)
