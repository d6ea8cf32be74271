"""The test OpenID provider (provider/server.mjs, panva's oidc-provider) as a subprocess on a free
port, and the steps a browser takes through it."""

from __future__ import annotations

import json
import os
import select
import shutil
import subprocess
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import urljoin

import httpx

PROVIDER_DIR = Path(__file__).parent / "provider"
CLIENT_ID = "zhucuntong"
CLIENT_SECRET = "test-client-secret-0123456789"
APP_BASE = "http://test"  # the ASGI test client's address, PUBLIC_BASE_URL of the app under test
READY_SECONDS = 30


@dataclass
class LocalProvider:
    issuer: str
    process: subprocess.Popen[str]

    def post(self, path: str, body: dict[str, Any] | None = None) -> dict[str, Any]:
        response = httpx.post(f"{self.issuer}{path}", json=body or {}, timeout=10)
        response.raise_for_status()
        result: dict[str, Any] = response.json()
        return result

    def login_as(self, account: str) -> None:
        self.post("/test/login-as", {"account": account})

    def rotate_keys(self) -> str:
        return str(self.post("/test/rotate")["kid"])

    def tamper_next_id_token(self, claims: dict[str, Any] | None = None, *, foreign_key: bool = False) -> None:
        self.post("/test/tamper", {"claims": claims or {}, "foreignKey": foreign_key})

    async def walk(self, url: str) -> str:
        """A browser (with its own cookies at the provider) following the provider's redirects from
        the authorization URL until they leave it: the callback URL the provider sends back."""
        async with httpx.AsyncClient(timeout=10) as browser:
            for _ in range(10):
                if not url.startswith(self.issuer):
                    return url
                response = await browser.get(url)
                assert response.status_code in (302, 303), (response.status_code, response.text[:500])
                url = urljoin(url, response.headers["location"])
        raise AssertionError("the provider kept redirecting")


def start_provider(redirect_uris: list[str], post_logout_uris: list[str]) -> LocalProvider:
    node = shutil.which("node")
    assert node, "node is required for the identity tests (the test OpenID provider)"
    assert (PROVIDER_DIR / "node_modules" / "oidc-provider").is_dir(), (
        "the test OpenID provider is not installed: run .ci/bootstrap (npm ci in tests/identity/provider)"
    )
    env = {
        **os.environ,
        "PORT": "0",
        "CLIENT_ID": CLIENT_ID,
        "CLIENT_SECRET": CLIENT_SECRET,
        "REDIRECT_URIS": ",".join(redirect_uris),
        "POST_LOGOUT_REDIRECT_URIS": ",".join(post_logout_uris),
        "ACCOUNTS": json.dumps(ACCOUNTS),
    }
    process = subprocess.Popen(
        [node, "server.mjs"], cwd=PROVIDER_DIR, env=env, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True
    )
    assert process.stdout is not None
    deadline = time.monotonic() + READY_SECONDS
    while time.monotonic() < deadline:
        ready, _, _ = select.select([process.stdout], [], [], 0.5)
        if ready:
            line = process.stdout.readline()
            if line.startswith("ISSUER="):
                return LocalProvider(issuer=line.strip().split("=", 1)[1], process=process)
            if not line and process.poll() is not None:
                break
    process.kill()
    process.wait()
    process.stdout.close()
    raise AssertionError("the test OpenID provider did not start")


def stop_provider(provider: LocalProvider) -> None:
    provider.process.terminate()
    try:
        provider.process.wait(timeout=5)
    except subprocess.TimeoutExpired:
        provider.process.kill()
        provider.process.wait()
    if provider.process.stdout is not None:
        provider.process.stdout.close()


# The provider's accounts (subject → claims). The world's county account has 13900000000.
ACCOUNTS: dict[str, dict[str, Any]] = {
    "bound": {"name": "县委组织部", "phone_number": "+8613900000000", "phone_number_verified": True},
    "unbound": {"name": "外县人员", "phone_number": "+8613811112222", "phone_number_verified": True},
    "unverified": {"name": "手机未核验", "phone_number": "+8613900000000", "phone_number_verified": False},
    "mapped": {"name": "由县委组织部关联"},
}
