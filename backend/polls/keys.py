"""The poll's signing key at rest, and small in-process key caches.

The private key (PKCS#8 DER) is sealed with AES-256-GCM under a key derived with HKDF-SHA256
from `settings.poll_key_secret` (POLL_KEY_SECRET) and a random per-poll salt; the associated data
is the key's fingerprint, so a sealed key cannot be swapped onto another poll's row. The first
byte says which secret sealed it: 2 = POLL_KEY_SECRET; 1 = JWT_SECRET (polls created before the
dedicated secret existed, still readable). Rotating JWT_SECRET therefore leaves open polls alone;
rotating POLL_KEY_SECRET while a poll is issuing makes its key unusable. Limitation: whoever holds
both the database and that secret can unseal it (the app must, to sign). The sealed key is erased
when voting opens, so after that point no one — operator included — can mint another credential.
"""

from __future__ import annotations

import os
from collections import OrderedDict
from typing import Generic, TypeVar

from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.hkdf import HKDF

from backend.core.settings import Settings
from backend.crypto import blind_rsa

KEY_BITS = 3072
_SEALED_WITH_JWT_SECRET = b"\x01"  # legacy: read, never written
_VERSION = b"\x02"  # sealed with POLL_KEY_SECRET
_SALT_LEN = 16
_NONCE_LEN = 12
_INFO = b"zhucuntong/poll-signing-key/v1"


def new_signing_key() -> rsa.RSAPrivateKey:
    """A fresh RSA-3072 key (0.2-2 s of CPU; call it in a thread). Tests replace this."""
    return blind_rsa.generate_key(KEY_BITS)


def _kek(secret: str, salt: bytes) -> AESGCM:
    key = HKDF(algorithm=hashes.SHA256(), length=32, salt=salt, info=_INFO).derive(secret.encode("utf-8"))
    return AESGCM(key)


def seal(secret: str, private_key: rsa.RSAPrivateKey, fingerprint: str) -> bytes:
    der = private_key.private_bytes(
        serialization.Encoding.DER, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
    )
    salt, nonce = os.urandom(_SALT_LEN), os.urandom(_NONCE_LEN)
    return _VERSION + salt + nonce + _kek(secret, salt).encrypt(nonce, der, fingerprint.encode("ascii"))


def sealing_secret(settings: Settings, blob: bytes) -> str:
    """The secret that sealed `blob`, from its version byte."""
    return settings.jwt_secret if blob[:1] == _SEALED_WITH_JWT_SECRET else settings.poll_key_secret


def unseal(secret: str, blob: bytes, fingerprint: str) -> rsa.RSAPrivateKey:
    if blob[:1] not in (_VERSION, _SEALED_WITH_JWT_SECRET):
        raise ValueError("unknown sealed-key version")
    salt = blob[1 : 1 + _SALT_LEN]
    nonce = blob[1 + _SALT_LEN : 1 + _SALT_LEN + _NONCE_LEN]
    sealed = blob[1 + _SALT_LEN + _NONCE_LEN :]
    der = _kek(secret, salt).decrypt(nonce, sealed, fingerprint.encode("ascii"))
    key = serialization.load_der_private_key(der, password=None)
    if not isinstance(key, rsa.RSAPrivateKey):
        raise ValueError("not an RSA private key")
    return key


K = TypeVar("K")
V = TypeVar("V")


class LRU(Generic[K, V]):
    def __init__(self, size: int) -> None:
        self._size = size
        self._items: OrderedDict[K, V] = OrderedDict()

    def get(self, key: K) -> V | None:
        value = self._items.get(key)
        if value is not None:
            self._items.move_to_end(key)
        return value

    def put(self, key: K, value: V) -> None:
        self._items[key] = value
        self._items.move_to_end(key)
        while len(self._items) > self._size:
            self._items.popitem(last=False)

    def drop(self, key: K) -> None:
        self._items.pop(key, None)


# By key fingerprint. Public keys are public; unsealed private keys stay in this process's memory
# only while their poll issues (dropped when voting opens here; other processes refuse to sign
# after that because the poll's status says so, and their copy ages out of the LRU).
public_keys: LRU[str, rsa.RSAPublicKey] = LRU(512)
private_keys: LRU[str, rsa.RSAPrivateKey] = LRU(64)


def public_key(fingerprint: str, der: bytes) -> rsa.RSAPublicKey:
    key = public_keys.get(fingerprint)
    if key is None:
        key = blind_rsa.public_key_from_der(der)
        public_keys.put(fingerprint, key)
    return key


def private_key(settings: Settings, fingerprint: str, sealed: bytes) -> rsa.RSAPrivateKey:
    key = private_keys.get(fingerprint)
    if key is None:
        key = unseal(sealing_secret(settings, sealed), sealed, fingerprint)
        private_keys.put(fingerprint, key)
    return key
