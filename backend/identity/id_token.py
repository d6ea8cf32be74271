"""The ID token's checks (OpenID Connect Core §3.1.3.7), done by joserfc: the signature with one of
the platform's published keys, and iss, aud (this client), exp, iat and the nonce of this login."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from joserfc import jwt
from joserfc.errors import JoseError
from joserfc.jws import extract_compact

from backend.identity.errors import IdTokenInvalid
from backend.identity.provider import IdentityProvider

# Asymmetric only: an HS256 token would be "signed" with the client secret, "none" with nothing.
ALGORITHMS = ("RS256", "PS256", "ES256")
LEEWAY_SECONDS = 60  # clock skew between the platform and this server


async def verify_id_token(provider: IdentityProvider, id_token: str, *, nonce: str, now: datetime) -> dict[str, Any]:
    """The verified claims, or IdTokenInvalid."""
    settings = provider.settings
    try:
        kid = extract_compact(id_token.encode()).headers().get("kid")
    except (JoseError, ValueError, UnicodeError):
        raise IdTokenInvalid() from None
    keys = await provider.keys_for(kid if isinstance(kid, str) else None)
    registry = jwt.JWTClaimsRegistry(
        now=int(now.timestamp()),
        leeway=LEEWAY_SECONDS,
        iss={"essential": True, "value": settings.oidc_issuer},
        aud={"essential": True, "value": settings.oidc_client_id},
        sub={"essential": True},
        exp={"essential": True},
        iat={"essential": True},
        nonce={"essential": True, "value": nonce},
    )
    try:
        token = jwt.decode(id_token, keys, algorithms=list(ALGORITHMS))
        registry.validate(token.claims)
    except (JoseError, ValueError):
        raise IdTokenInvalid() from None
    claims = token.claims
    audiences = claims["aud"] if isinstance(claims["aud"], list) else [claims["aud"]]
    if len(audiences) > 1 and claims.get("azp") != settings.oidc_client_id:
        raise IdTokenInvalid()  # §3.1.3.7 (4, 5): several audiences need azp naming this client
    return claims
