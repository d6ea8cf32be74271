"""base64url without padding (RFC 4648 section 5; RFC 7515 appendix C): the one encoding of bytes
in text that the poll protocol (tokens, signatures, blinded messages, JWK numbers), the pagination
cursors and the benches use — the same as `bytesToBase64Url` / `base64UrlToBytes` in the PWA.

`decode` accepts the text with or without its padding and raises ValueError (binascii.Error is
one) when it is not base64url; each caller words that refusal for its own input. Like the
standard library's decoder, it skips characters outside the alphabet instead of refusing them.
"""

from __future__ import annotations

import base64


def encode(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode("ascii")


def decode(text: str) -> bytes:
    """The bytes of `text`; ValueError when it is not base64url (or not a str of ASCII)."""
    if not isinstance(text, str):
        raise ValueError("base64url text must be a str")
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))
