"""Logging in through the province's identity platform against a real OpenID provider: the happy
path, and each check refusing what it must (state, code, ID token, ticket)."""

from __future__ import annotations

import time
from urllib.parse import parse_qs, urlsplit

import httpx
from sqlalchemy import func, select

from backend.audit.models import AuditEvent
from backend.core.db import SessionFactory
from backend.identity.models import BindMethod, ExternalIdentity
from backend.org.models import User
from tests.identity.flows import callback, complete, me, platform_login, start
from tests.identity.provider_process import LocalProvider
from tests.world import World


async def test_login_through_the_platform_gives_working_tokens(
    client: httpx.AsyncClient, oidc_provider: LocalProvider, world: World, session_factory: SessionFactory
) -> None:
    landed = await platform_login(client, oidc_provider, next_path="/rankings")
    assert landed.path == "/login/oidc" and landed.fragment["next"] == "/rankings" and landed.ticket
    payload = await complete(client, landed.ticket)
    assert payload["errors"] == [] and payload["refreshToken"]
    assert payload["user"] == {"id": world.user_id("county"), "role": "COUNTY"}
    assert await me(client, str(payload["accessToken"])) == {"id": world.user_id("county"), "role": "COUNTY"}
    async with session_factory() as session:
        identity = (await session.scalars(select(ExternalIdentity))).one()
        events = (await session.scalars(select(AuditEvent).where(AuditEvent.entity == "external_identity"))).all()
    # bound by the platform-verified phone (the provider's userinfo), and recorded
    assert (identity.subject, identity.user_id, identity.method) == (
        "bound",
        world.users["county"].id,
        BindMethod.PHONE,
    )
    assert identity.issuer == oidc_provider.issuer and identity.created_by is None
    assert [(e.action, e.detail["userId"]) for e in events] == [("bind_by_phone", world.users["county"].id)]
    async with session_factory() as session:
        logins = (await session.scalars(select(AuditEvent).where(AuditEvent.entity == "security"))).all()
    assert [(e.action, e.actor_user_id, e.detail) for e in logins] == [
        ("login", world.users["county"].id, {"method": "identity_platform"})
    ]  # in the security log once, as a login through the platform
    # the next login finds the binding; the refresh token works like a password login's
    again = await complete(client, str((await platform_login(client, oidc_provider)).ticket))
    assert again["errors"] == []
    refreshed = await client.post(
        "/graphql",
        json={
            "query": "mutation($t: String!) { refreshToken(refreshToken: $t) { accessToken errors { code } } }",
            "variables": {"t": again["refreshToken"]},
        },
    )
    assert refreshed.json()["data"]["refreshToken"]["errors"] == []


async def test_the_authorization_request_uses_pkce_state_and_nonce(
    client: httpx.AsyncClient, oidc_provider: LocalProvider, world: World
) -> None:
    url = await start(client, next_path="https://evil.example/")
    params = {k: v[0] for k, v in parse_qs(urlsplit(url).query).items()}
    assert url.startswith(f"{oidc_provider.issuer}/auth?")
    assert params["code_challenge_method"] == "S256" and len(params["code_challenge"]) == 43
    assert len(params["state"]) >= 43 and len(params["nonce"]) >= 43 and params["state"] != params["nonce"]
    assert params["redirect_uri"] == "http://test/auth/oidc/callback"
    assert params["scope"] == "openid profile phone" and params["response_type"] == "code"
    cookie = next(c for c in client.cookies.jar if c.name == "zct_oidc")
    assert cookie.path == "/auth/oidc" and cookie.has_nonstandard_attr("HttpOnly")
    landed = await callback(client, await oidc_provider.walk(url))
    assert landed.fragment["next"] == "/"  # another site is never where a login lands


async def test_a_wrong_or_missing_state_gives_no_session(
    client: httpx.AsyncClient, oidc_provider: LocalProvider, world: World
) -> None:
    callback_url = await oidc_provider.walk(await start(client))
    code = parse_qs(urlsplit(callback_url).query)["code"][0]
    for query in (f"code={code}&state=not-the-state", f"code={code}"):
        response = await client.get(f"/auth/oidc/callback?{query}")
        assert response.headers["location"] == "/login/oidc#error=OIDC_STATE_INVALID"
    # the right state still works once: the wrong ones did not spend it
    assert (await callback(client, callback_url)).ticket


async def test_a_replayed_callback_and_a_replayed_code_are_refused(
    client: httpx.AsyncClient, oidc_provider: LocalProvider, world: World
) -> None:
    callback_url = await oidc_provider.walk(await start(client))
    assert (await callback(client, callback_url)).ticket
    assert (await callback(client, callback_url)).error == "OIDC_STATE_INVALID"  # the state is spent
    # the used code with a fresh state of this browser: the provider refuses the code
    code = parse_qs(urlsplit(callback_url).query)["code"][0]
    fresh_state = parse_qs(urlsplit(await start(client)).query)["state"][0]
    response = await client.get(f"/auth/oidc/callback?code={code}&state={fresh_state}")
    assert response.headers["location"] == "/login/oidc#error=OIDC_FAILED"


async def test_a_callback_opened_in_another_browser_is_refused(
    app: object, client: httpx.AsyncClient, oidc_provider: LocalProvider, world: World
) -> None:
    """Login CSRF: a callback URL sent to someone else does not log them in as its sender."""
    callback_url = await oidc_provider.walk(await start(client))
    transport = httpx.ASGITransport(app=app)  # type: ignore[arg-type]
    async with httpx.AsyncClient(transport=transport, base_url="http://test") as other_browser:
        assert (await callback(other_browser, callback_url)).error == "OIDC_STATE_INVALID"


async def test_the_platform_refusing_the_login_is_said(
    client: httpx.AsyncClient, oidc_provider: LocalProvider, world: World
) -> None:
    state = parse_qs(urlsplit(await start(client)).query)["state"][0]
    response = await client.get(f"/auth/oidc/callback?error=access_denied&state={state}")
    assert response.headers["location"] == "/login/oidc#error=OIDC_FAILED"


async def test_id_tokens_failing_a_check_give_no_ticket(
    client: httpx.AsyncClient, oidc_provider: LocalProvider, world: World, session_factory: SessionFactory
) -> None:
    """Each signed with the provider's own current key, except the last: only one claim is wrong."""
    now = int(time.time())
    wrong = [
        {"aud": "another-client"},
        {"aud": ["zhucuntong", "another-client"]},  # several audiences without azp naming this client
        {"iss": "https://another-platform.example"},
        {"exp": now - 3600, "iat": now - 7200},  # expired an hour ago (past the minute of leeway)
        {"iat": now + 3600},  # issued in the future
        {"nonce": "another-login"},
    ]
    for claims in wrong:
        oidc_provider.tamper_next_id_token(claims)
        landed = await platform_login(client, oidc_provider)
        assert landed.error == "ID_TOKEN_INVALID", claims
    oidc_provider.tamper_next_id_token(foreign_key=True)  # a key the provider never published
    assert (await platform_login(client, oidc_provider)).error == "ID_TOKEN_INVALID"
    async with session_factory() as session:
        assert await session.scalar(select(func.count()).select_from(ExternalIdentity)) == 0
    # untampered, the same login works
    assert (await platform_login(client, oidc_provider)).ticket


async def test_a_key_rotation_at_the_provider_is_followed(
    app: object, client: httpx.AsyncClient, oidc_provider: LocalProvider, world: World
) -> None:
    jwks_reads = []
    real = httpx.AsyncHTTPTransport()

    class Counting(httpx.AsyncBaseTransport):
        async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
            if request.url.path == "/jwks":
                jwks_reads.append(str(request.url))
            return await real.handle_async_request(request)

    app.state.identity.transport = Counting()  # type: ignore[attr-defined]
    try:
        assert (await platform_login(client, oidc_provider)).ticket
        assert (await platform_login(client, oidc_provider)).ticket
        assert len(jwks_reads) == 1  # kept between logins
        oidc_provider.rotate_keys()
        landed = await platform_login(client, oidc_provider)
        assert landed.ticket, landed
        assert len(jwks_reads) == 2  # the new kid was not known: read once more, then verified
    finally:
        await real.aclose()


async def test_an_unbound_identity_is_told_and_nothing_is_created(
    client: httpx.AsyncClient, oidc_provider: LocalProvider, world: World, session_factory: SessionFactory
) -> None:
    async with session_factory() as session:
        users_before = await session.scalar(select(func.count()).select_from(User))
    for account in ("unbound", "unverified"):  # no such phone here; the phone not verified by the platform
        oidc_provider.login_as(account)
        landed = await platform_login(client, oidc_provider)
        assert landed.error == "IDENTITY_UNBOUND", account
    async with session_factory() as session:
        assert await session.scalar(select(func.count()).select_from(User)) == users_before
        assert await session.scalar(select(func.count()).select_from(ExternalIdentity)) == 0


async def test_a_ticket_works_once(client: httpx.AsyncClient, oidc_provider: LocalProvider, world: World) -> None:
    ticket = str((await platform_login(client, oidc_provider)).ticket)
    assert (await complete(client, ticket))["errors"] == []
    replay = await complete(client, ticket)
    assert replay["accessToken"] is None
    assert [e["code"] for e in replay["errors"]] == ["LOGIN_TICKET_INVALID"]  # type: ignore[attr-defined, index]
    assert [e["code"] for e in (await complete(client, "made-up"))["errors"]] == ["LOGIN_TICKET_INVALID"]  # type: ignore[attr-defined, index]
