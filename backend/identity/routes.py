"""GET /auth/oidc/start and GET /auth/oidc/callback: the two browser stops of a login through the
platform. Both answer with a redirect — to the platform, or back to the PWA's /login/oidc with a
one-time ticket or an error code in the fragment (never tokens in a URL; a fragment is not sent to
any server nor written in access logs). Plain top-level redirects, no pop-ups or scripts: what a
super-app's H5 container (a WebView) does as well as a browser.

The entry URL for such a container is /auth/oidc/start?next=/ : with the platform's session already
open in it, the platform answers at once and the PWA opens logged in, with no prompt."""

from __future__ import annotations

from datetime import UTC, datetime
from urllib.parse import urlencode

from starlette.requests import Request
from starlette.responses import RedirectResponse, Response
from starlette.routing import Route

from backend.core.errors import DomainError
from backend.core.public_url import public_base_url
from backend.core.settings import Settings
from backend.identity.flow import ATTEMPT_MINUTES, finish_login, start_login
from backend.identity.provider import IdentityProvider

COOKIE = "zct_oidc"
COOKIE_PATH = "/auth/oidc"
CALLBACK_PATH = "/auth/oidc/callback"
PWA_LANDING = "/login/oidc"


def redirect_uri(settings: Settings, request: Request) -> str:
    return public_base_url(settings, request) + CALLBACK_PATH


def _to_pwa(**fragment: str) -> RedirectResponse:
    response = RedirectResponse(f"{PWA_LANDING}#{urlencode(fragment)}", status_code=303)
    response.headers["cache-control"] = "no-store"
    return response


async def oidc_start(request: Request) -> Response:
    settings: Settings = request.app.state.settings
    provider: IdentityProvider = request.app.state.identity
    try:
        async with request.app.state.session_factory.begin() as session:
            started = await start_login(
                session, provider, redirect_uri(settings, request), request.query_params.get("next"), datetime.now(UTC)
            )
    except DomainError as exc:
        return _to_pwa(error=exc.code)
    response = RedirectResponse(started.authorization_url, status_code=303)
    response.headers["cache-control"] = "no-store"
    response.set_cookie(
        COOKIE,
        started.browser_secret,
        max_age=ATTEMPT_MINUTES * 60,
        path=COOKIE_PATH,
        httponly=True,
        samesite="lax",  # sent on the platform's top-level redirect back, never on cross-site subrequests
        secure=request.url.scheme == "https",
    )
    return response


async def oidc_callback(request: Request) -> Response:
    settings: Settings = request.app.state.settings
    try:
        finished = await finish_login(
            request.app.state.session_factory,
            request.app.state.identity,
            redirect_uri(settings, request),
            request.query_params,
            request.cookies.get(COOKIE),
            datetime.now(UTC),
        )
    except DomainError as exc:
        # the cookie stays: a stray callback with a wrong state must not break the login in progress
        return _to_pwa(error=exc.code)
    response = _to_pwa(ticket=finished.ticket, next=finished.next_path)
    response.delete_cookie(COOKIE, path=COOKIE_PATH)
    return response


def identity_routes() -> list[Route]:
    return [Route("/auth/oidc/start", oidc_start), Route(CALLBACK_PATH, oidc_callback)]
