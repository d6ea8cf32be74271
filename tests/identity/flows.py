"""A login through the platform as the tests drive it: the app (ASGI client) ↔ the provider."""

from __future__ import annotations

from dataclasses import dataclass
from urllib.parse import parse_qs, urlsplit

import httpx

from tests.identity.provider_process import LocalProvider

COMPLETE = """mutation($t: String!) { completeExternalLogin(ticket: $t) {
  accessToken refreshToken expiresIn user { id role } errors { code message } } }"""


@dataclass(frozen=True)
class Landing:
    """Where the callback sent the browser: /login/oidc#ticket=…&next=… or #error=…"""

    path: str
    fragment: dict[str, str]

    @property
    def ticket(self) -> str | None:
        return self.fragment.get("ticket")

    @property
    def error(self) -> str | None:
        return self.fragment.get("error")


def landing(response: httpx.Response) -> Landing:
    assert response.status_code == 303, response.text
    location = urlsplit(response.headers["location"])
    return Landing(location.path, {k: v[0] for k, v in parse_qs(location.fragment).items()})


async def start(client: httpx.AsyncClient, next_path: str = "/") -> str:
    """GET /auth/oidc/start: the authorization URL at the provider."""
    response = await client.get("/auth/oidc/start", params={"next": next_path})
    assert response.status_code == 303, response.text
    return response.headers["location"]


async def callback(client: httpx.AsyncClient, callback_url: str) -> Landing:
    parts = urlsplit(callback_url)
    assert f"{parts.scheme}://{parts.netloc}" == "http://test", callback_url
    return landing(await client.get(f"{parts.path}?{parts.query}"))


async def platform_login(client: httpx.AsyncClient, provider: LocalProvider, next_path: str = "/") -> Landing:
    return await callback(client, await provider.walk(await start(client, next_path)))


async def complete(client: httpx.AsyncClient, ticket: str) -> dict[str, object]:
    response = await client.post("/graphql", json={"query": COMPLETE, "variables": {"t": ticket}})
    payload: dict[str, object] = response.json()["data"]["completeExternalLogin"]
    return payload


async def me(client: httpx.AsyncClient, access_token: str) -> dict[str, object]:
    response = await client.post(
        "/graphql", json={"query": "{ me { id role } }"}, headers={"authorization": f"Bearer {access_token}"}
    )
    result: dict[str, object] = response.json()["data"]["me"]
    return result
