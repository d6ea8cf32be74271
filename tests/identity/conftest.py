"""The identity tests run the app against a real OpenID provider (provider/server.mjs)."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from backend.core.settings import Settings
from tests.identity.provider_process import (
    APP_BASE,
    CLIENT_ID,
    CLIENT_SECRET,
    LocalProvider,
    start_provider,
    stop_provider,
)


@pytest.fixture(scope="session")
def oidc_provider() -> Iterator[LocalProvider]:
    provider = start_provider([f"{APP_BASE}/auth/oidc/callback"], [f"{APP_BASE}/login"])
    yield provider
    stop_provider(provider)


@pytest.fixture
def settings(settings: Settings, oidc_provider: LocalProvider) -> Settings:
    oidc_provider.login_as("bound")
    return settings.with_overrides(
        oidc_issuer=oidc_provider.issuer,
        oidc_client_id=CLIENT_ID,
        oidc_client_secret=CLIENT_SECRET,
        public_base_url=APP_BASE,
    )
