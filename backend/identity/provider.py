"""The identity platform as this app sees it: its discovery document and its signing keys, cached.

Discovery (`<issuer>/.well-known/openid-configuration`) is read once an hour; the JWKS is kept
until an ID token names a key id (`kid`) it does not hold — the platform rotated its keys — and is
then read again once for that token. One `IdentityProvider` per app process (app.state.identity).
"""

from __future__ import annotations

import asyncio
import time
from dataclasses import dataclass
from typing import Any

import httpx
from joserfc.errors import JoseError
from joserfc.jwk import KeySet

from backend.core.settings import Settings
from backend.identity.errors import OidcNotConfigured, OidcUnavailable

DISCOVERY_TTL_SECONDS = 3600
TIMEOUT = httpx.Timeout(10.0)


@dataclass(frozen=True)
class ProviderMetadata:
    issuer: str
    authorization_endpoint: str
    token_endpoint: str
    jwks_uri: str
    userinfo_endpoint: str | None
    end_session_endpoint: str | None

    @classmethod
    def parse(cls, document: dict[str, Any], issuer: str) -> ProviderMetadata:
        # OpenID Connect Discovery 1.0 §4.3: the document must name the issuer it was fetched for.
        if document.get("issuer") != issuer:
            raise OidcUnavailable()
        try:
            return cls(
                issuer=issuer,
                authorization_endpoint=str(document["authorization_endpoint"]),
                token_endpoint=str(document["token_endpoint"]),
                jwks_uri=str(document["jwks_uri"]),
                userinfo_endpoint=document.get("userinfo_endpoint"),
                end_session_endpoint=document.get("end_session_endpoint"),
            )
        except KeyError:
            raise OidcUnavailable() from None


class IdentityProvider:
    def __init__(self, settings: Settings, transport: httpx.AsyncBaseTransport | None = None) -> None:
        self.settings = settings
        self.transport = transport
        self._metadata: ProviderMetadata | None = None
        self._metadata_read_at = 0.0
        self._keys: KeySet | None = None
        self._lock = asyncio.Lock()

    def http(self) -> httpx.AsyncClient:
        return httpx.AsyncClient(timeout=TIMEOUT, transport=self.transport)

    async def metadata(self) -> ProviderMetadata:
        if not self.settings.oidc_enabled:
            raise OidcNotConfigured()
        if self._metadata is None or time.monotonic() - self._metadata_read_at > DISCOVERY_TTL_SECONDS:
            url = f"{self.settings.oidc_issuer}/.well-known/openid-configuration"
            self._metadata = ProviderMetadata.parse(await self._get_json(url), self.settings.oidc_issuer)
            self._metadata_read_at = time.monotonic()
        return self._metadata

    async def keys_for(self, kid: str | None) -> KeySet:
        """The platform's keys, read again once when they do not hold `kid` (a rotation)."""
        async with self._lock:
            if self._keys is None or not _holds(self._keys, kid):
                self._keys = await self._read_keys()
            return self._keys

    async def _read_keys(self) -> KeySet:
        document = await self._get_json((await self.metadata()).jwks_uri)
        try:
            return KeySet.import_key_set(document)  # type: ignore[arg-type]
        except (JoseError, ValueError, TypeError, KeyError):
            raise OidcUnavailable() from None

    async def _get_json(self, url: str) -> dict[str, Any]:
        try:
            async with self.http() as http:
                response = await http.get(url, headers={"accept": "application/json"})
                response.raise_for_status()
                document = response.json()
        except (httpx.HTTPError, ValueError):
            raise OidcUnavailable() from None
        if not isinstance(document, dict):
            raise OidcUnavailable()
        return document


def _holds(keys: KeySet, kid: str | None) -> bool:
    return kid is None or any(key.kid == kid for key in keys.keys)
