"""A login through the platform, start to finish (authorization code flow with PKCE).

`start_login` keeps the login's secrets server-side — a row keyed by the hash of `state`, holding
the nonce, the PKCE verifier and where to go afterwards — and ties the row to this browser with
the hash of a random value the browser keeps in an HttpOnly cookie. `finish_login` takes the row
back exactly once (a second callback with the same state finds nothing), checks the browser's
cookie (a callback URL sent to someone else does not log *them* in: login CSRF), exchanges the
code, verifies the ID token and binds the identity; it hands back a one-time ticket, never tokens.

Why a row and not a signed cookie carrying all of it: single use is enforced in one place across
all app processes (a replayed callback fails even on another process), the verifier never leaves
the server, and the cookie stays a meaningless random value.
"""

from __future__ import annotations

import hashlib
import secrets
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any, cast

from sqlalchemy import CursorResult, delete, select
from sqlalchemy.ext.asyncio import AsyncSession

from backend.core.db import SessionFactory
from backend.identity import binding, client, tickets
from backend.identity.errors import IdTokenInvalid, OidcFailed, StateInvalid
from backend.identity.id_token import verify_id_token
from backend.identity.models import OidcLoginAttempt
from backend.identity.provider import IdentityProvider

ATTEMPT_MINUTES = 10
MAX_NEXT = 200


def _hash(value: str) -> str:
    return hashlib.sha256(value.encode()).hexdigest()


def local_path(next_path: str | None) -> str:
    """Where to land after the login: a path of this app only (never another site), else "/"."""
    if (
        not next_path
        or len(next_path) > MAX_NEXT
        or not next_path.startswith("/")
        or next_path.startswith(("//", "/\\"))
        or any(c in next_path for c in "\\\r\n\t")
    ):
        return "/"
    return next_path


@dataclass(frozen=True)
class Started:
    authorization_url: str
    browser_secret: str  # for the cookie


async def start_login(
    session: AsyncSession, provider: IdentityProvider, redirect_uri: str, next_path: str | None, now: datetime
) -> Started:
    metadata = await provider.metadata()
    state, nonce, browser = secrets.token_urlsafe(32), secrets.token_urlsafe(32), secrets.token_urlsafe(32)
    verifier = client.new_code_verifier()
    await session.execute(delete(OidcLoginAttempt).where(OidcLoginAttempt.expires_at < now))
    session.add(
        OidcLoginAttempt(
            state_hash=_hash(state),
            browser_hash=_hash(browser),
            nonce=nonce,
            code_verifier=verifier,
            next_path=local_path(next_path),
            created_at=now,
            expires_at=now + timedelta(minutes=ATTEMPT_MINUTES),
        )
    )
    url = await client.authorization_url(provider, metadata, redirect_uri, state=state, nonce=nonce, verifier=verifier)
    return Started(authorization_url=url, browser_secret=browser)


@dataclass(frozen=True)
class Finished:
    ticket: str
    next_path: str


async def finish_login(
    session_factory: SessionFactory,
    provider: IdentityProvider,
    redirect_uri: str,
    params: Mapping[str, str],
    browser_secret: str | None,
    now: datetime,
) -> Finished:
    """The callback's work, in three steps: take the attempt (committed: a state is spent even when
    what follows fails), talk to the platform (no transaction open meanwhile), bind and issue."""
    state = params.get("state") or ""
    if not state or len(state) > 200:
        raise StateInvalid()
    async with session_factory.begin() as session:
        attempt = await _take_attempt(session, state)
    if attempt.expires_at <= now:
        raise StateInvalid("登录请求已过期，请重新登录")
    if not browser_secret or not secrets.compare_digest(_hash(browser_secret), attempt.browser_hash):
        raise StateInvalid("登录请求不是从本浏览器发起的，请重新登录")
    if params.get("error") or not params.get("code"):
        raise OidcFailed()  # the platform's refusal (access_denied, login_required, …)
    metadata = await provider.metadata()
    if params.get("iss") not in (None, metadata.issuer):
        raise OidcFailed()  # RFC 9207: the response came from another platform (mix-up)
    token = await client.exchange_code(
        provider, metadata, redirect_uri, code=params["code"], verifier=attempt.code_verifier
    )
    claims = await verify_id_token(provider, token["id_token"], nonce=attempt.nonce, now=now)
    issuer, subject = provider.settings.oidc_issuer, str(claims["sub"])
    async with session_factory.begin() as session:
        user = await binding.bound_user(session, issuer, subject)
        if user is not None:
            return Finished(await tickets.issue_ticket(session, user, now), attempt.next_path)
    claims = await _with_userinfo(provider, metadata, claims, token)
    phone = binding.verified_phone(claims, provider.settings.oidc_phone_claim)
    async with session_factory.begin() as session:
        user = await binding.bind_by_phone(session, issuer, subject, phone, now)
        return Finished(await tickets.issue_ticket(session, user, now), attempt.next_path)


async def _take_attempt(session: AsyncSession, state: str) -> OidcLoginAttempt:
    digest = _hash(state)
    attempt = (
        await session.scalars(select(OidcLoginAttempt).where(OidcLoginAttempt.state_hash == digest))
    ).one_or_none()
    if attempt is None:
        raise StateInvalid()
    taken = cast(
        CursorResult[Any], await session.execute(delete(OidcLoginAttempt).where(OidcLoginAttempt.state_hash == digest))
    )
    if taken.rowcount != 1:
        raise StateInvalid()  # another request took it at the same moment
    return attempt


async def _with_userinfo(
    provider: IdentityProvider, metadata: Any, claims: dict[str, Any], token: dict[str, Any]
) -> dict[str, Any]:
    """The phone claims from userinfo when the ID token does not carry them (a platform may keep
    them there); userinfo must speak of the same subject (Core §5.3.2)."""
    if provider.settings.oidc_phone_claim in claims or not isinstance(token.get("access_token"), str):
        return claims
    extra = await client.userinfo(provider, metadata, token["access_token"])
    if not extra:
        return claims
    if extra.get("sub") != claims["sub"]:
        raise IdTokenInvalid()
    return {**extra, **claims}
