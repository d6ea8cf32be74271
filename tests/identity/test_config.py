"""What the app says about the platform (the login button, logout), the settings' checks, and the
frame-ancestors of the staff super-app's H5 container."""

from __future__ import annotations

from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import httpx
import pytest

from backend.app import create_app
from backend.core.settings import Settings, SettingsError
from tests.identity.provider_process import CLIENT_ID, LocalProvider

PROVIDER = "{ identityProvider { enabled displayName startUrl endSessionUrl } }"
PRODUCTION = {
    "app_env": "production",
    "jwt_secret": "j" * 40,
    "poll_key_secret": "p" * 40,
    "totp_key_secret": "t" * 40,
    "redis_url": "redis://127.0.0.1:6379/0",
}


async def test_the_login_button_and_the_logout_url(client: httpx.AsyncClient, oidc_provider: LocalProvider) -> None:
    body = (await client.post("/graphql", json={"query": PROVIDER})).json()["data"]["identityProvider"]
    assert body["enabled"] is True and body["displayName"] == "政务统一身份认证"
    assert body["startUrl"] == "/auth/oidc/start"
    end = urlsplit(body["endSessionUrl"])
    assert f"{end.scheme}://{end.netloc}{end.path}" == f"{oidc_provider.issuer}/session/end"
    assert parse_qs(end.query) == {"client_id": [CLIENT_ID], "post_logout_redirect_uri": ["http://test/login"]}
    # the provider accepts it: it ends its session and comes back to the app's login screen
    async with httpx.AsyncClient(timeout=10) as browser:
        confirm = await browser.get(body["endSessionUrl"])
        assert confirm.status_code == 200 and "<form" in confirm.text


async def test_without_a_platform_there_is_no_button(tmp_path: Path, settings: Settings) -> None:
    plain = create_app(settings.with_overrides(oidc_issuer="", oidc_client_id="", oidc_client_secret=""))
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=plain), base_url="http://test") as http:
        body = (await http.post("/graphql", json={"query": PROVIDER})).json()["data"]["identityProvider"]
        assert body == {"enabled": False, "displayName": "政务统一身份认证", "startUrl": None, "endSessionUrl": None}
        started = await http.get("/auth/oidc/start")
        assert started.headers["location"] == "/login/oidc#error=OIDC_NOT_CONFIGURED"
    await plain.state.engine.dispose()


@pytest.mark.parametrize(
    ("changes", "refusal"),
    [
        ({"oidc_issuer": "http://idp.example.gov.cn", "oidc_client_secret": "s" * 32}, "https://"),
        ({"oidc_issuer": "https://idp.example.gov.cn", "oidc_client_secret": ""}, "OIDC_CLIENT_SECRET"),
        ({"frame_ancestors": "*"}, "FRAME_ANCESTORS"),
        ({"frame_ancestors": "https://*.example.gov.cn"}, "FRAME_ANCESTORS"),
    ],
)
def test_production_refuses_unsafe_identity_settings(changes: dict[str, str], refusal: str) -> None:
    values = {**PRODUCTION, "oidc_client_id": "zct", **changes}
    with pytest.raises(SettingsError, match=refusal):
        Settings(**values).validate()  # type: ignore[arg-type]


def test_production_accepts_a_platform_and_a_container() -> None:
    Settings(
        **PRODUCTION,  # type: ignore[arg-type]
        oidc_issuer="https://idp.example.gov.cn/",
        oidc_client_id="zct",
        oidc_client_secret="s" * 32,
        frame_ancestors="https://h5.staff.example.gov.cn",
    ).validate()


def test_a_platform_needs_a_client_id_and_openid() -> None:
    for changes in ({"oidc_client_id": ""}, {"oidc_scopes": "profile phone"}):
        with pytest.raises(SettingsError, match="OIDC_CLIENT_ID"):
            Settings(**{"oidc_issuer": "https://idp.example.gov.cn", "oidc_client_id": "zct", **changes}).validate()  # type: ignore[arg-type]
    with pytest.raises(SettingsError, match="FRAME_ANCESTORS"):
        Settings(frame_ancestors="https://a.example; script-src *").validate()


async def test_frame_ancestors_name_the_container(settings: Settings) -> None:
    embedded = create_app(settings.with_overrides(frame_ancestors="https://h5.staff.example.gov.cn  https://b.example"))
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=embedded), base_url="http://test") as http:
        headers = (await http.get("/healthz")).headers
    await embedded.state.engine.dispose()
    assert "frame-ancestors https://h5.staff.example.gov.cn https://b.example;" in headers["content-security-policy"]
    assert "x-frame-options" not in headers  # it cannot name an origin; CSP frame-ancestors does


def test_the_self_assessment_reads_the_identity_setup() -> None:
    from dataclasses import replace

    from backend.compliance.obligations import Status, assess
    from backend.org.county_settings import DEFAULT_RULES
    from backend.tables import metadata

    def status(settings: Settings, staff_password_login: int) -> Status:
        rules = replace(DEFAULT_RULES, staff_password_login=staff_password_login)
        return next(f.status for f in assess(settings, rules, metadata) if f.key == "unified_identity")

    platform = Settings(oidc_issuer="https://idp.example.gov.cn", oidc_client_id="zct")
    assert status(Settings(), 1) is Status.NOT_MET
    assert status(platform, 1) is Status.PARTIAL
    assert status(platform, 0) is Status.MET
