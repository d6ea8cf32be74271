"""Access tokens (short-lived JWT carrying role and jurisdiction) and opaque refresh tokens."""

from __future__ import annotations

import hashlib
import secrets
from datetime import UTC, datetime, timedelta
from typing import Any

import jwt

from backend.auth.actor import Actor
from backend.core.settings import Settings
from backend.org.models import Role

ALGORITHM = "HS256"


class InvalidAccessToken(Exception):
    """The bearer token is missing a claim, expired, forged or for another audience."""


def issue_access_token(settings: Settings, actor: Actor, *, now: datetime | None = None) -> str:
    issued = now or datetime.now(UTC)
    claims = {
        "sub": str(actor.user_id),
        "role": actor.role.value,
        "org": actor.org_unit_id,
        "cty": actor.county_id,
        "twp": actor.township_id,
        "vlg": actor.village_id,
        "iss": settings.jwt_issuer,
        "aud": settings.jwt_audience,
        "iat": issued,
        "exp": issued + timedelta(seconds=settings.access_token_ttl),
    }
    return jwt.encode(claims, settings.jwt_secret, algorithm=ALGORITHM)


def decode_access_token(settings: Settings, token: str) -> Actor:
    """The actor of a valid token signed with JWT_SECRET or, during a key rotation, with
    JWT_SECRET_PREVIOUS (new tokens are always signed with JWT_SECRET)."""
    try:
        try:
            claims = _verified_claims(settings, token, settings.jwt_secret)
        except jwt.InvalidSignatureError:
            if not settings.jwt_secret_previous:
                raise
            claims = _verified_claims(settings, token, settings.jwt_secret_previous)
        return Actor(
            user_id=int(claims["sub"]),
            role=Role(claims["role"]),
            org_unit_id=int(claims["org"]),
            county_id=int(claims["cty"]),
            township_id=_optional_int(claims.get("twp")),
            village_id=_optional_int(claims.get("vlg")),
        )
    except (jwt.PyJWTError, KeyError, ValueError, TypeError) as exc:
        raise InvalidAccessToken(str(exc)) from exc


def _verified_claims(settings: Settings, token: str, secret: str) -> dict[str, Any]:
    return jwt.decode(
        token,
        secret,
        algorithms=[ALGORITHM],
        audience=settings.jwt_audience,
        issuer=settings.jwt_issuer,
        options={"require": ["sub", "exp", "iat", "iss", "aud", "role", "org", "cty"]},
    )


def _optional_int(value: Any) -> int | None:
    return None if value is None else int(value)


def new_refresh_token() -> str:
    return secrets.token_urlsafe(32)


def hash_refresh_token(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()
