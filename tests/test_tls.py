"""TLS only in production (backend/core/tls.py): nothing but health checks is answered in the clear."""

from __future__ import annotations

import httpx
import pytest

from backend.app import create_app
from backend.core.settings import Settings, SettingsError
from tests.conftest import SHARED_REDIS, TEST_JWT_SECRET
from tests.refusals import refusal


def _production(settings: Settings, **changes: object) -> Settings:
    return settings.with_overrides(
        app_env="production",
        jwt_secret=TEST_JWT_SECRET,
        poll_key_secret="p" * 40,
        totp_key_secret="t" * 40,
        **SHARED_REDIS,
        **changes,
    )


async def test_production_refuses_credentials_over_plain_http(settings: Settings) -> None:
    app = create_app(_production(settings))
    login = {"query": 'mutation { login(phone: "13800000000", password: "x") { errors { code } } }'}
    try:
        async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://zct.example") as http:
            refused = await http.post("/graphql", json=login)
            assert refused.status_code == 403
            assert refusal(refused) == {"code": "TLS_REQUIRED", "message": "请通过 HTTPS 加密连接访问"}
            assert refused.headers["x-content-type-options"] == "nosniff"  # still one of our refusals
            page = await http.get("/village?tab=1")
            assert page.status_code == 308
            assert page.headers["location"] == "https://zct.example/village?tab=1"
            assert (await http.get("/healthz")).status_code == 200  # the kubelet's probe, on the pod address
        async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="https://zct.example") as http:
            answered = await http.post("/graphql", json=login)
            assert answered.status_code == 200
            assert answered.headers["strict-transport-security"].startswith("max-age=31536000")
    finally:
        await app.state.rate_limits.close()  # the login above counted in Redis
        await app.state.engine.dispose()


async def test_development_and_an_explicit_opt_out_answer_plain_http(settings: Settings) -> None:
    for answering in (settings, _production(settings, require_tls=False)):
        app = create_app(answering)
        try:
            async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://t") as http:
                assert (await http.post("/graphql", json={"query": "{ __typename }"})).status_code == 200
        finally:
            await app.state.engine.dispose()


def test_production_wants_an_https_public_address() -> None:
    with pytest.raises(SettingsError, match="PUBLIC_BASE_URL"):
        Settings(
            app_env="production",
            jwt_secret=TEST_JWT_SECRET,
            poll_key_secret="p" * 40,
            totp_key_secret="t" * 40,
            redis_url="redis://r:6379/0",
            public_base_url="http://zct.example.gov.cn",
        ).validate()
