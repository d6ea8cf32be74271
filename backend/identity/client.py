"""The OAuth 2.0 side, done by Authlib: the authorization URL (with PKCE S256, state and nonce), the
code exchange and the userinfo request."""

from __future__ import annotations

import warnings
from typing import Any

import authlib.deprecate  # noqa: F401  # its warning filter first, so that ours below takes precedence
import httpx
from authlib.common.security import generate_token

with warnings.catch_warnings():
    # Authlib 1.9 notes at import that it prefers the `httpx2` package to `httpx`; both work.
    warnings.simplefilter("ignore", DeprecationWarning)
    from authlib.integrations.httpx_client import AsyncOAuth2Client, OAuthError

from backend.identity.errors import OidcFailed, OidcUnavailable
from backend.identity.provider import TIMEOUT, IdentityProvider, ProviderMetadata


def new_code_verifier() -> str:
    return str(generate_token(64))  # RFC 7636 §4.1: 43–128 characters of the unreserved set


def _client(provider: IdentityProvider, redirect_uri: str) -> AsyncOAuth2Client:
    settings = provider.settings
    return AsyncOAuth2Client(
        client_id=settings.oidc_client_id,
        client_secret=settings.oidc_client_secret,
        scope=settings.oidc_scopes,
        redirect_uri=redirect_uri,
        code_challenge_method="S256",
        token_endpoint_auth_method="client_secret_basic",
        timeout=TIMEOUT,
        transport=provider.transport,
    )


async def authorization_url(
    provider: IdentityProvider, metadata: ProviderMetadata, redirect_uri: str, *, state: str, nonce: str, verifier: str
) -> str:
    async with _client(provider, redirect_uri) as client:
        url, _ = client.create_authorization_url(
            metadata.authorization_endpoint, state=state, nonce=nonce, code_verifier=verifier
        )
    return str(url)


async def exchange_code(
    provider: IdentityProvider, metadata: ProviderMetadata, redirect_uri: str, *, code: str, verifier: str
) -> dict[str, Any]:
    """The token response (id_token, access_token, …); OidcFailed when the platform refuses the code
    (used before, another client's, a wrong verifier), OidcUnavailable when it cannot be reached."""
    async with _client(provider, redirect_uri) as client:
        try:
            token = await client.fetch_token(metadata.token_endpoint, code=code, code_verifier=verifier)
        except OAuthError:
            raise OidcFailed() from None
        except (httpx.HTTPError, ValueError):
            raise OidcUnavailable() from None
    if not isinstance(token.get("id_token"), str):
        raise OidcFailed("统一身份认证平台未返回身份凭证")
    return dict(token)


async def userinfo(provider: IdentityProvider, metadata: ProviderMetadata, access_token: str) -> dict[str, Any]:
    """Claims the platform gives only at its userinfo endpoint (a phone number, often)."""
    if not metadata.userinfo_endpoint:
        return {}
    try:
        async with provider.http() as http:
            response = await http.get(metadata.userinfo_endpoint, headers={"authorization": f"Bearer {access_token}"})
            response.raise_for_status()
            claims = response.json()
    except (httpx.HTTPError, ValueError):
        raise OidcUnavailable() from None
    return claims if isinstance(claims, dict) else {}
