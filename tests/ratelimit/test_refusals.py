"""Each guarded path refuses past its limit — GraphQL with the payload error RATE_LIMITED and a
Chinese message, the lean routes with HTTP 429 and Retry-After — and refuses before the expensive
work: no password check, no database write, no RSA signature, no ballot verification."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import httpx
import pytest
from sqlalchemy import func, select

from backend.auth import sessions as auth_service
from backend.auth.models import LoginFailure
from backend.auth.tokens import issue_access_token
from backend.core.db import SessionFactory
from backend.core.settings import Settings
from backend.polls import casting, credentials
from tests.polls.helpers import CAST, CAST_PAPER, CREDENTIAL
from tests.ratelimit.conftest import NEIGHBOUR, VILLAGE_NAT, ClientAt
from tests.refusals import refusal
from tests.world import PASSWORD, World

LOGIN = "mutation($p: String!, $w: String!) { login(phone: $p, password: $w) { accessToken errors { code message } } }"
TOO_OFTEN = "操作太频繁，请 60 秒后再试"


def calls_to(monkeypatch: pytest.MonkeyPatch, module: object, name: str) -> list[int]:
    """Counts calls of module.name (one list item per call) while still running it."""
    made: list[int] = []
    original: Callable[..., Any] = getattr(module, name)

    def counting(*args: Any, **kwargs: Any) -> Any:
        made.append(1)
        return original(*args, **kwargs)

    monkeypatch.setattr(module, name, counting)
    return made


async def graphql(http: httpx.AsyncClient, query: str, variables: dict, token: str | None = None) -> dict:
    headers = {"authorization": f"Bearer {token}"} if token else {}
    response = await http.post("/graphql", json={"query": query, "variables": variables}, headers=headers)
    assert response.status_code == 200, response.text
    body = response.json()
    assert "errors" not in body, body
    (payload,) = body["data"].values()
    return payload


def first_error(payload: dict) -> dict | None:
    return payload["errors"][0] if payload["errors"] else None


async def _failures(session_factory: SessionFactory) -> int:
    async with session_factory() as session:
        return int(await session.scalar(select(func.count()).select_from(LoginFailure)) or 0)


async def test_login_is_limited_per_phone_before_the_password_is_checked(
    client_at: ClientAt, world: World, session_factory: SessionFactory, monkeypatch: pytest.MonkeyPatch
) -> None:
    password_checks = calls_to(monkeypatch, auth_service, "verify_password")
    http = client_at(VILLAGE_NAT)
    phone = world.users["county"].phone
    for _ in range(3):  # RATE_LIMIT_LOGIN_PER_PHONE = 3 (below the database lockout's 5)
        assert first_error(await graphql(http, LOGIN, {"p": phone, "w": "wrong-password"}))["code"] == (
            "INVALID_CREDENTIALS"
        )
    refused = await graphql(http, LOGIN, {"p": f" {phone} ", "w": PASSWORD})  # trimmed like the login itself
    assert refused == {"accessToken": None, "errors": [{"code": "RATE_LIMITED", "message": TOO_OFTEN}]}
    assert len(password_checks) == 3
    assert await _failures(session_factory) == 3  # the refused attempt wrote nothing
    other = await graphql(http, LOGIN, {"p": world.users["township"].phone, "w": PASSWORD})
    assert other["accessToken"] and other["errors"] == []


async def test_login_is_limited_per_client_address(client_at: ClientAt, world: World) -> None:
    http = client_at(VILLAGE_NAT)
    for i in range(5):  # RATE_LIMIT_LOGIN_PER_ADDRESS = 5, each with another phone
        payload = await graphql(http, LOGIN, {"p": f"1399999000{i}", "w": "wrong-password"})
        assert first_error(payload)["code"] == "INVALID_CREDENTIALS"
    refused = await graphql(http, LOGIN, {"p": world.users["county"].phone, "w": PASSWORD})
    assert first_error(refused)["code"] == "RATE_LIMITED"
    elsewhere = await graphql(client_at(NEIGHBOUR), LOGIN, {"p": world.users["county"].phone, "w": PASSWORD})
    assert elsewhere["errors"] == [] and elsewhere["accessToken"]


async def test_credentials_are_limited_per_user_from_any_address_before_signing(
    client_at: ClientAt, world: World, limited_settings: Settings, monkeypatch: pytest.MonkeyPatch
) -> None:
    issued = calls_to(monkeypatch, credentials, "request_credential")
    http = client_at(VILLAGE_NAT)
    token = issue_access_token(limited_settings, world.actor("member"))
    variables = {"id": "999999", "b": "AAAA"}
    for _ in range(2):  # RATE_LIMIT_CREDENTIALS_PER_USER = 2; no such poll, but every request counts
        assert first_error(await graphql(http, CREDENTIAL, variables, token))["code"] == "NOT_FOUND"
    refused = await graphql(http, CREDENTIAL, variables, token)
    assert first_error(refused) == {"code": "RATE_LIMITED", "field": None, "message": TOO_OFTEN}
    elsewhere = await graphql(client_at(NEIGHBOUR), CREDENTIAL, variables, token)
    assert first_error(elsewhere) == {"code": "RATE_LIMITED", "field": None, "message": TOO_OFTEN}  # per user
    assert len(issued) == 2
    other = issue_access_token(limited_settings, world.actor("member_v12"))
    assert first_error(await graphql(http, CREDENTIAL, variables, other))["code"] == "NOT_FOUND"


async def test_casting_is_limited_per_client_address_on_every_path_before_verification(
    client_at: ClientAt, monkeypatch: pytest.MonkeyPatch
) -> None:
    verified = [calls_to(monkeypatch, casting, name) for name in ("cast_ballot", "cast_paper_ballot")]
    http = client_at(VILLAGE_NAT)
    ballot = {"id": "999999", "t": "AAAA", "s": "AAAA", "c": "SATISFIED"}
    for _ in range(2):  # RATE_LIMIT_CASTS_PER_ADDRESS = 3
        assert first_error(await graphql(http, CAST, ballot))["code"] != "RATE_LIMITED"
    lean = await http.post("/polls/999999/ballots", json={"code": "XXXX", "choice": "basic"})
    assert lean.status_code != 429
    assert first_error(await graphql(http, CAST, ballot))["code"] == "RATE_LIMITED"
    paper = await graphql(http, CAST_PAPER, {"id": "999999", "code": "XXXX", "c": "BASIC"})
    assert first_error(paper) == {"code": "RATE_LIMITED", "field": None, "message": TOO_OFTEN}
    refused = await http.post("/polls/999999/ballots", content=b"not even JSON")  # refused before the body is read
    assert refused.status_code == 429 and refused.headers["retry-after"] == "60"
    assert refusal(refused) == {"code": "RATE_LIMITED", "message": TOO_OFTEN, "retryAfter": 60}
    assert sum(len(calls) for calls in verified) == 3
    neighbour = await client_at(NEIGHBOUR).post("/polls/999999/ballots", json={"code": "XXXX", "choice": "basic"})
    assert neighbour.status_code != 429

    metrics = (await client_at("127.0.0.1").get("/metrics")).text
    assert 'zhucuntong_rate_limit_refusals_total{limit="cast_address"} 3' in metrics
    assert VILLAGE_NAT not in metrics


async def test_a_ballot_carrying_identity_is_refused_before_it_counts(client_at: ClientAt) -> None:
    """The casting policy's order, the same on both paths: ANONYMOUS_ONLY first, then the limit."""
    http = client_at(VILLAGE_NAT)
    ballot = {"id": "999999", "t": "AAAA", "s": "AAAA", "c": "SATISFIED"}
    for _ in range(3):  # RATE_LIMIT_CASTS_PER_ADDRESS = 3
        identified = await http.post(
            "/graphql", json={"query": CAST, "variables": ballot}, headers={"cookie": "session=1"}
        )
        assert identified.json()["data"]["castBallot"]["errors"][0]["code"] == "ANONYMOUS_ONLY"
        lean = await http.post("/polls/999999/ballots", json={"code": "XXXX"}, headers={"authorization": "Bearer x"})
        assert (lean.status_code, refusal(lean)["code"]) == (400, "ANONYMOUS_ONLY")
    for _ in range(3):
        assert first_error(await graphql(http, CAST, ballot))["code"] != "RATE_LIMITED"
    assert first_error(await graphql(http, CAST, ballot))["code"] == "RATE_LIMITED"
