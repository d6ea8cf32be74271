"""CORS: only the origins in CORS_ORIGINS may call the API from a browser; bearer tokens, no cookies."""

from __future__ import annotations

import httpx
import pytest

from backend.app import create_app
from backend.core.settings import Settings, SettingsError
from tests.conftest import TEST_JWT_SECRET
from tests.refusals import refusal

PORTAL = "https://portal.example.gov.cn"
PREFLIGHT = {"access-control-request-method": "POST", "access-control-request-headers": "authorization,content-type"}


async def _preflight_and_post(settings: Settings, origin: str) -> tuple[httpx.Response, httpx.Response]:
    app = create_app(settings)
    try:
        async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://t") as http:
            preflight = await http.options("/graphql", headers={"origin": origin, **PREFLIGHT})
            post = await http.post("/graphql", json={"query": "{ me { id } }"}, headers={"origin": origin})
            return preflight, post
    finally:
        await app.state.engine.dispose()


async def test_no_origin_is_allowed_by_default(settings: Settings) -> None:
    preflight, post = await _preflight_and_post(settings, PORTAL)
    assert "access-control-allow-origin" not in preflight.headers
    assert "access-control-allow-origin" not in post.headers


async def test_a_listed_origin_is_allowed_and_no_other(settings: Settings) -> None:
    listed = settings.with_overrides(cors_origins=(PORTAL,))
    preflight, post = await _preflight_and_post(listed, PORTAL)
    assert preflight.status_code == 200
    assert preflight.headers["access-control-allow-origin"] == PORTAL
    assert "authorization" in preflight.headers["access-control-allow-headers"].lower()
    assert "access-control-allow-credentials" not in preflight.headers
    assert post.headers["access-control-allow-origin"] == PORTAL
    preflight, post = await _preflight_and_post(listed, "https://evil.example.com")
    assert preflight.status_code == 400
    assert refusal(preflight) == {"code": "CORS_REFUSED", "message": "不允许的跨站请求（origin）"}
    assert "access-control-allow-origin" not in preflight.headers
    assert "access-control-allow-origin" not in post.headers


@pytest.mark.parametrize("origin", ["*", "http://portal.example.gov.cn", "https://*.example.gov.cn"])
def test_production_wants_exact_https_origins(origin: str) -> None:
    settings = Settings(
        app_env="production", jwt_secret=TEST_JWT_SECRET, poll_key_secret="p" * 40, cors_origins=(origin,)
    )
    with pytest.raises(SettingsError):
        settings.validate()
