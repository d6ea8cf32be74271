"""Security headers on every kind of response, HSTS only over TLS, and no cookies anywhere.

tests/test_health.py checks nosniff and frame-ancestors on /healthz; the proxy's HSTS is in
tests/deploy/test_compose.py; CORS in tests/test_cors.py.
"""

from __future__ import annotations

import httpx
import pytest
from starlette.applications import Starlette

from backend.core.http import HSTS
from tests.world import PASSWORD, World


def _directives(csp: str) -> dict[str, list[str]]:
    parsed = {}
    for directive in csp.split(";"):
        name, *values = directive.split()
        parsed[name] = values
    return parsed


async def _responses(client: httpx.AsyncClient) -> dict[str, httpx.Response]:
    return {
        "graphql": await client.post("/graphql", json={"query": "{ me { id } }"}),
        "graphql error": await client.post("/graphql", json={"query": "{ nope }"}),
        "413": await client.post(
            "/graphql", content=b"x" * (2 * 1024 * 1024), headers={"content-type": "application/json"}
        ),
        "404": await client.get("/cards/1.pdf"),
        "health": await client.get("/healthz"),
    }


async def test_every_response_carries_the_security_headers(client: httpx.AsyncClient) -> None:
    for kind, response in (await _responses(client)).items():
        headers = response.headers
        assert headers["x-content-type-options"] == "nosniff", kind
        assert headers["x-frame-options"] == "DENY", kind
        csp = _directives(headers["content-security-policy"])
        assert csp["frame-ancestors"] == ["'none'"], kind
        assert csp["script-src"] == ["'self'"], kind  # no 'unsafe-inline', no 'unsafe-eval', no hosts
        assert csp["default-src"] == ["'self'"], kind
        assert csp["base-uri"] == ["'self'"] and csp["form-action"] == ["'self'"], kind
        assert "strict-transport-security" not in headers, f"{kind}: HSTS over plain HTTP"


@pytest.mark.parametrize(("scheme", "sends_hsts"), [("https", True), ("http", False)])
async def test_hsts_only_when_the_request_came_over_tls(app: Starlette, scheme: str, sends_hsts: bool) -> None:
    """Behind a trusted proxy uvicorn takes the scheme from X-Forwarded-Proto; the ASGI scope shows it."""
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url=f"{scheme}://zct.example") as http:
        response = await http.get("/healthz")
    assert response.headers.get("strict-transport-security") == (HSTS if sends_hsts else None)
    assert "max-age=31536000" in HSTS


async def test_no_response_sets_a_cookie(world: World, client: httpx.AsyncClient) -> None:
    """Bearer tokens only: with no cookie there is nothing for Secure/HttpOnly/SameSite to protect,
    and nothing a cross-site form could ride on."""
    login = """mutation($p: String!, $w: String!) { login(phone: $p, password: $w) { refreshToken errors { code } } }"""
    logged_in = await client.post(
        "/graphql", json={"query": login, "variables": {"p": world.users["county"].phone, "w": PASSWORD}}
    )
    assert logged_in.json()["data"]["login"]["errors"] == []
    for response in [logged_in, *(await _responses(client)).values()]:
        assert "set-cookie" not in response.headers
