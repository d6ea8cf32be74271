"""The caller of a request, from `Authorization: Bearer <access token>`: the one place every
transport (GraphQL, media, polls, exports, cards) turns a bearer token into an Actor.

No header (or another scheme) is anonymity: None. A header with a bad token — expired, forged, for
another audience — is an error (UNAUTHENTICATED), not anonymity, so that the app knows to refresh
its session instead of treating the user as logged out. Tokens are read from the header only,
never from the URL (where they would end up in logs and history) or a cookie.
"""

from __future__ import annotations

from starlette.requests import HTTPConnection

from backend.auth.actor import Actor
from backend.auth.tokens import InvalidAccessToken, decode_access_token
from backend.core.errors import Unauthenticated
from backend.core.settings import Settings

EXPIRED_MESSAGE = "登录已过期，请重新登录"


def bearer_token(authorization: str | None) -> str | None:
    """The token of an `Authorization: Bearer <token>` header value, or None."""
    if not authorization:
        return None
    scheme, _, token = authorization.partition(" ")
    return (token.strip() or None) if scheme.lower() == "bearer" else None


def carries_identity(request: HTTPConnection) -> bool:
    """Whether the request came with anything that may identify its sender: an Authorization
    header of any scheme (a bad or foreign token included) or a Cookie. Ballots must come with
    neither (ANONYMOUS_ONLY, backend/polls/casting.py)."""
    return "authorization" in request.headers or "cookie" in request.headers


def request_actor(request: HTTPConnection) -> Actor | None:
    """The caller of a request (or WebSocket), or None when it sent no bearer token."""
    token = bearer_token(request.headers.get("authorization"))
    if token is None:
        return None
    settings: Settings = request.app.state.settings
    try:
        return decode_access_token(settings, token)
    except InvalidAccessToken as exc:
        raise Unauthenticated(EXPIRED_MESSAGE) from exc


def require_request_actor(request: HTTPConnection) -> Actor:
    """The caller, who must be logged in (UNAUTHENTICATED otherwise)."""
    actor = request_actor(request)
    if actor is None:
        raise Unauthenticated()
    return actor
