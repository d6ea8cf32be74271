"""A TOTP secret at rest: AES-256-GCM under a key derived with HKDF-SHA256 from TOTP_KEY_SECRET and a
random per-row salt; the associated data names the user, so a sealed secret cannot be moved onto
another account's row. Same construction as the poll signing keys (backend/polls/keys.py), its own
secret and `info`. Whoever holds both the database and TOTP_KEY_SECRET can unseal (the app must)."""

from __future__ import annotations

import hashlib
import hmac
import os

from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.hkdf import HKDF

_VERSION = b"\x01"
_SALT_LEN = 16
_NONCE_LEN = 12
_SEAL_INFO = b"zhucuntong/totp-secret/v1"
_RECOVERY_INFO = b"zhucuntong/recovery-codes/v1"


def _derive(secret: str, salt: bytes | None, info: bytes) -> bytes:
    return HKDF(algorithm=hashes.SHA256(), length=32, salt=salt, info=info).derive(secret.encode("utf-8"))


def _aad(user_id: int) -> bytes:
    return f"user:{user_id}".encode("ascii")


def seal(secret: str, totp_secret: str, user_id: int) -> bytes:
    salt, nonce = os.urandom(_SALT_LEN), os.urandom(_NONCE_LEN)
    sealed = AESGCM(_derive(secret, salt, _SEAL_INFO)).encrypt(nonce, totp_secret.encode("ascii"), _aad(user_id))
    return _VERSION + salt + nonce + sealed


def unseal(secret: str, blob: bytes, user_id: int) -> str:
    if blob[:1] != _VERSION:
        raise ValueError("unknown sealed-secret version")
    salt = blob[1 : 1 + _SALT_LEN]
    nonce = blob[1 + _SALT_LEN : 1 + _SALT_LEN + _NONCE_LEN]
    plain = AESGCM(_derive(secret, salt, _SEAL_INFO)).decrypt(nonce, blob[1 + _SALT_LEN + _NONCE_LEN :], _aad(user_id))
    return plain.decode("ascii")


def recovery_hash(secret: str, salt: str, code: str) -> str:
    """HMAC-SHA256 under a key derived from TOTP_KEY_SECRET, over the code's own salt and the code."""
    key = _derive(secret, None, _RECOVERY_INFO)
    return hmac.new(key, f"{salt}:{code}".encode("ascii"), hashlib.sha256).hexdigest()
