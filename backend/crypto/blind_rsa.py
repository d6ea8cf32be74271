"""RSA blind signatures, RFC 9474: RSABSSA-SHA384-PSS-Randomized (and -Deterministic).

Roles and flow (one credential)::

    client: prepared = prepare(msg)                      # Randomized: 32 random bytes || msg
    client: blinded, inv = blind(pk, prepared)           # EMSA-PSS(SHA-384, salt 48) then * r^e mod n
    server: blind_sig = blind_sign(sk, blinded)          # raw RSA, checked: s^e == m mod n
    client: sig = finalize(pk, prepared, blind_sig, inv) # * r^-1 mod n, then a PSS verification
    anyone: verify(pk, prepared, sig)                    # a standard RSASSA-PSS verification

The signature is an ordinary RSASSA-PSS signature (SHA-384, MGF1-SHA-384, salt length 48)
over `prepared`, so the credential shown later is the pair (prepared, sig). The two variants
differ only in `prepare`: Randomized prepends 32 fresh random bytes (RFC 9474 section 4.1),
Deterministic signs the message as it is. We use Randomized.

What the server-side operations leak, and what they do not
-----------------------------------------------------------
* Blindness: the server sees only `blinded = m * r^e mod n` with r uniform in [1, n), which is
  uniformly distributed over the units mod n whatever m is. Nothing in the exchange (blinded
  message, blind signature) can be linked to the final (prepared, sig) pair; this does not
  depend on how this module computes, only on the client's r staying secret. Linking through
  metadata (the time a credential is obtained vs. used, IP addresses) is a protocol concern
  outside this module.
* Timing of `blind_sign`: the private-key operation is a CRT exponentiation (RFC 8017 5.2.1).
  - With gmpy2 installed (`BACKEND == "gmpy2"`), both half exponentiations use GMP's
    mpz_powm_sec, which is designed to take the same time and memory-access pattern whatever
    the base and the exponent are. It is also ~7x faster than CPython's `pow`.
  - Without it (`BACKEND == "python"`), CPython's `pow` is used, and it is NOT constant-time:
    its running time depends on the operands and on the bit pattern of dP and dQ. The exponent
    is the same on every call, so what its pattern leaks is a constant time offset, not
    something that varies with input.
  - Either way the reductions c mod p, c mod q and the recombination are plain Python ints
    (variable-time), so the value exponentiated is base-blinded: c = m * u^e mod n for a fresh
    random u, removed afterwards. Per-call timing is then not correlated with the
    attacker-chosen blinded message (the Kocher / Brumley-Boneh kind of chosen-input attack).
  Not mitigated: cache and micro-architectural side channels to a co-resident attacker (shared
  host, same VM) on the Python-int parts, and power analysis. Python ints holding d, p, q and
  their CRT parts live in the garbage-collected heap and cannot be zeroed. If the threat model
  includes a local attacker, move the private-key operation to an HSM.
* Fault attacks on CRT: every signature is checked (s^e == m mod n, as RFC 9474 section 4.3
  requires) before it leaves `blind_sign`, so a faulty computation never discloses a factor.
* A signing oracle: `blind_sign` raw-RSA-signs any value in [0, n). Therefore the key MUST be
  used for nothing else (no decryption, no other signatures; see RFC 9474's security
  considerations), and the caller must authenticate and rate-limit who gets a blind signature
  (e.g. one per voter per poll): every call gives away exactly one valid signature on a message
  of the caller's choice. Use one key per poll so a credential cannot be replayed elsewhere.
* Client side (`prepare`, `blind`, `finalize`): r and inv are the only secrets; whoever learns
  them can link the credential to the voter. They are not constant-time either (Python ints
  here, BigInt in the PWA), which only matters to an attacker on the voter's own device.
* Verification uses OpenSSL via `cryptography` and handles public data only.

Test-vector hooks: `prepare(_randomizer=...)` and `blind(_salt=..., _r=...)` fix the random
values, as RFC 9474 Appendix A does. They are keyword-only, underscore-named, validated, and
meant for tests only; production callers never pass them.
"""

from __future__ import annotations

import enum
import hashlib
import math
import secrets
from typing import Any

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import padding, rsa

from backend.crypto import b64url

try:  # optional accelerator: GMP, with a constant-time exponentiation for the private key
    import gmpy2 as _gmpy2
except ImportError:  # pragma: no cover - depends on the environment
    _gmpy2 = None

__all__ = [
    "BACKEND",
    "HASH_LEN",
    "MIN_MODULUS_BITS",
    "RANDOMIZER_LEN",
    "SALT_LEN",
    "BlindSignatureError",
    "SignatureVerificationError",
    "Variant",
    "blind",
    "blind_sign",
    "emsa_pss_encode",
    "finalize",
    "format_fingerprint",
    "generate_key",
    "prepare",
    "private_key_from_pem",
    "private_key_to_pem",
    "public_key_fingerprint",
    "public_key_fingerprint_short",
    "public_key_from_der",
    "public_key_from_jwk",
    "public_key_from_pem",
    "public_key_to_der",
    "public_key_to_jwk",
    "public_key_to_pem",
    "verify",
]

HASH_LEN = 48  # SHA-384
SALT_LEN = 48  # RSABSSA-SHA384-PSS-*: sLen = hLen
RANDOMIZER_LEN = 32  # the message prefix of the Randomized variant
MIN_MODULUS_BITS = 2048
PUBLIC_EXPONENT = 65537

BACKEND = "gmpy2" if _gmpy2 is not None else "python"

_PSS = padding.PSS(mgf=padding.MGF1(hashes.SHA384()), salt_length=SALT_LEN)


class BlindSignatureError(ValueError):
    """Invalid input to, or failure of, a blind-signature operation."""


class SignatureVerificationError(BlindSignatureError):
    """A (blind) signature does not verify under the given public key."""


class Variant(enum.StrEnum):
    RANDOMIZED = "RSABSSA-SHA384-PSS-Randomized"
    DETERMINISTIC = "RSABSSA-SHA384-PSS-Deterministic"


# ---------------------------------------------------------------------------------------------
# Keys


def generate_key(bits: int = 3072) -> rsa.RSAPrivateKey:
    """A fresh signing key (e = 65537). Use it for blind signatures only (see module docstring)."""
    if bits < MIN_MODULUS_BITS:
        raise BlindSignatureError(f"modulus must be at least {MIN_MODULUS_BITS} bits")
    return rsa.generate_private_key(public_exponent=PUBLIC_EXPONENT, key_size=bits)


def public_key_to_der(public_key: rsa.RSAPublicKey) -> bytes:
    """DER SubjectPublicKeyInfo; WebCrypto imports it with importKey('spki', ...)."""
    return public_key.public_bytes(serialization.Encoding.DER, serialization.PublicFormat.SubjectPublicKeyInfo)


def public_key_from_der(der: bytes) -> rsa.RSAPublicKey:
    return _require_rsa_public(serialization.load_der_public_key(der))


def public_key_to_pem(public_key: rsa.RSAPublicKey) -> str:
    pem = public_key.public_bytes(serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo)
    return pem.decode("ascii")


def public_key_from_pem(pem: str | bytes) -> rsa.RSAPublicKey:
    data = pem.encode("ascii") if isinstance(pem, str) else pem
    return _require_rsa_public(serialization.load_pem_public_key(data))


def public_key_to_jwk(public_key: rsa.RSAPublicKey) -> dict[str, str]:
    """RFC 7517/7518 JWK. `alg: PS384` matches WebCrypto's {name: 'RSA-PSS', hash: 'SHA-384'}."""
    numbers = public_key.public_numbers()
    return {"kty": "RSA", "alg": "PS384", "n": _b64url_uint(numbers.n), "e": _b64url_uint(numbers.e)}


def public_key_from_jwk(jwk: dict[str, Any]) -> rsa.RSAPublicKey:
    if jwk.get("kty") != "RSA" or not isinstance(jwk.get("n"), str) or not isinstance(jwk.get("e"), str):
        raise BlindSignatureError("not an RSA public JWK")
    if "alg" in jwk and jwk["alg"] != "PS384":
        raise BlindSignatureError("JWK alg must be PS384")
    try:
        n, e = _uint_from_b64url(jwk["n"]), _uint_from_b64url(jwk["e"])
        return rsa.RSAPublicNumbers(e, n).public_key()
    except ValueError as exc:
        raise BlindSignatureError(f"invalid RSA public JWK: {exc}") from exc


def private_key_to_pem(private_key: rsa.RSAPrivateKey, password: bytes | None = None) -> bytes:
    """PKCS#8 PEM, encrypted with the best available scheme when a password is given."""
    encryption: serialization.KeySerializationEncryption = (
        serialization.BestAvailableEncryption(password) if password else serialization.NoEncryption()
    )
    return private_key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, encryption)


def private_key_from_pem(pem: bytes, password: bytes | None = None) -> rsa.RSAPrivateKey:
    key = serialization.load_pem_private_key(pem, password=password)
    if not isinstance(key, rsa.RSAPrivateKey):
        raise BlindSignatureError("not an RSA private key")
    return key


def public_key_fingerprint(public_key: rsa.RSAPublicKey) -> str:
    """SHA-256 over the DER SubjectPublicKeyInfo, 64 lowercase hex characters."""
    return hashlib.sha256(public_key_to_der(public_key)).hexdigest()


def format_fingerprint(fingerprint: str, groups: int = 8) -> str:
    """The first `groups` groups of 4 hex characters, for reading aloud or printing on paper.

    8 groups = 128 bits of the SHA-256 fingerprint: ample against a forged look-alike key.
    """
    if not 1 <= groups <= len(fingerprint) // 4:
        raise BlindSignatureError("bad number of fingerprint groups")
    return " ".join(fingerprint[4 * i : 4 * i + 4] for i in range(groups))


def public_key_fingerprint_short(public_key: rsa.RSAPublicKey) -> str:
    """E.g. '3f2a 9c01 ...' (8 groups of 4 hex characters), the same as the PWA shows."""
    return format_fingerprint(public_key_fingerprint(public_key))


# ---------------------------------------------------------------------------------------------
# Protocol (RFC 9474 section 4)


def prepare(msg: bytes, *, variant: Variant = Variant.RANDOMIZED, _randomizer: bytes | None = None) -> bytes:
    """Section 4.1. Randomized: 32 fresh random bytes || msg; Deterministic: msg unchanged."""
    if variant is Variant.DETERMINISTIC:
        if _randomizer is not None:
            raise BlindSignatureError("the Deterministic variant takes no randomizer")
        return bytes(msg)
    if _randomizer is None:
        _randomizer = secrets.token_bytes(RANDOMIZER_LEN)
    elif len(_randomizer) != RANDOMIZER_LEN:
        raise BlindSignatureError(f"randomizer must be {RANDOMIZER_LEN} bytes")
    return _randomizer + msg


def blind(
    public_key: rsa.RSAPublicKey,
    prepared_msg: bytes,
    *,
    _salt: bytes | None = None,
    _r: int | None = None,
) -> tuple[bytes, bytes]:
    """Section 4.2: returns (blinded_msg, inv), both modulus-length byte strings. Keep inv secret."""
    n, e = _public_numbers(public_key)
    k = _byte_len(n)
    encoded = emsa_pss_encode(prepared_msg, n.bit_length() - 1, salt=_salt)
    m = int.from_bytes(encoded, "big")
    if math.gcd(m, n) != 1:
        raise BlindSignatureError("invalid input: encoded message is not coprime with the modulus")
    if _r is None:
        r = secrets.randbelow(n - 1) + 1  # uniform in [1, n)
    elif not 1 <= _r < n:
        raise BlindSignatureError("r out of range")
    else:
        r = _r
    try:
        inv = _inverse(r, n)
    except ValueError as exc:  # r shares a factor with n: astronomically unlikely
        raise BlindSignatureError("blinding error: r is not invertible") from exc
    z = m * _pow(r, e, n) % n
    return _i2osp(z, k), _i2osp(inv, k)


def blind_sign(private_key: rsa.RSAPrivateKey, blinded_msg: bytes) -> bytes:
    """Section 4.3: raw RSA signature of the blinded message, checked before it is returned.

    Raises BlindSignatureError when the input is not a modulus-length integer below n.
    """
    priv = private_key.private_numbers()
    n, e = priv.public_numbers.n, priv.public_numbers.e
    k = _byte_len(n)
    if n.bit_length() < MIN_MODULUS_BITS:
        raise BlindSignatureError(f"modulus must be at least {MIN_MODULUS_BITS} bits")
    if len(blinded_msg) != k:
        raise BlindSignatureError(f"blinded message must be {k} bytes, got {len(blinded_msg)}")
    m = int.from_bytes(blinded_msg, "big")
    if m >= n:
        raise BlindSignatureError("blinded message out of range (not below the modulus)")

    # Base blinding against input-correlated timing (see the module docstring).
    u = secrets.randbelow(n - 2) + 2
    try:
        u_inv = _inverse(u, n)
    except ValueError as exc:  # u shares a factor with n: astronomically unlikely
        raise BlindSignatureError("signing failure") from exc
    c = m * _pow(u, e, n) % n
    # RSASP1 with the CRT (RFC 8017 section 5.2.1, case 2).
    s1 = _pow_secret(c % priv.p, priv.dmp1, priv.p)
    s2 = _pow_secret(c % priv.q, priv.dmq1, priv.q)
    h = priv.iqmp * (s1 - s2) % priv.p
    s = (s2 + priv.q * h) * u_inv % n

    if _pow(s, e, n) != m:  # RSAVP1 check: never release a faulty signature
        raise BlindSignatureError("signing failure")
    return _i2osp(s, k)


def finalize(public_key: rsa.RSAPublicKey, prepared_msg: bytes, blind_sig: bytes, inv: bytes) -> bytes:
    """Section 4.4: unblinds and verifies; raises SignatureVerificationError if it does not verify."""
    n, _ = _public_numbers(public_key)
    k = _byte_len(n)
    if len(blind_sig) != k or len(inv) != k:
        raise BlindSignatureError(f"blind signature and inverse must be {k} bytes")
    z, r_inv = int.from_bytes(blind_sig, "big"), int.from_bytes(inv, "big")
    if z >= n or not 1 <= r_inv < n:
        raise BlindSignatureError("blind signature or inverse out of range")
    sig = _i2osp(z * r_inv % n, k)
    if not verify(public_key, prepared_msg, sig):
        raise SignatureVerificationError("blind signature does not verify under this public key")
    return sig


def verify(public_key: rsa.RSAPublicKey, prepared_msg: bytes, signature: bytes) -> bool:
    """RSASSA-PSS verification: SHA-384, MGF1-SHA-384, salt length 48 (OpenSSL via cryptography)."""
    n, _ = _public_numbers(public_key)
    if len(signature) != _byte_len(n):
        return False
    try:
        public_key.verify(signature, prepared_msg, _PSS, hashes.SHA384())
    except InvalidSignature:
        return False
    return True


# ---------------------------------------------------------------------------------------------
# EMSA-PSS-ENCODE (RFC 8017 section 9.1.1) with SHA-384 and MGF1-SHA-384


def emsa_pss_encode(msg: bytes, em_bits: int, *, salt: bytes | None = None) -> bytes:
    """The encoded message EM (ceil(em_bits / 8) bytes). `salt` is a test hook (48 bytes)."""
    em_len = (em_bits + 7) // 8
    if salt is None:
        salt = secrets.token_bytes(SALT_LEN)
    elif len(salt) != SALT_LEN:
        raise BlindSignatureError(f"salt must be {SALT_LEN} bytes")
    if em_len < HASH_LEN + SALT_LEN + 2:
        raise BlindSignatureError("encoding error: modulus too small")
    m_hash = hashlib.sha384(msg).digest()
    h = hashlib.sha384(b"\x00" * 8 + m_hash + salt).digest()
    db = b"\x00" * (em_len - SALT_LEN - HASH_LEN - 2) + b"\x01" + salt
    masked_db = bytearray(a ^ b for a, b in zip(db, _mgf1_sha384(h, em_len - HASH_LEN - 1), strict=True))
    masked_db[0] &= 0xFF >> (8 * em_len - em_bits)
    return bytes(masked_db) + h + b"\xbc"


def _mgf1_sha384(seed: bytes, length: int) -> bytes:
    out = b"".join(hashlib.sha384(seed + i.to_bytes(4, "big")).digest() for i in range(-(-length // HASH_LEN)))
    return out[:length]


# ---------------------------------------------------------------------------------------------
# Helpers


def _pow(base: int, exp: int, mod: int) -> int:
    """Modular exponentiation on public values (variable-time is fine)."""
    return int(_gmpy2.powmod(base, exp, mod)) if _gmpy2 is not None else pow(base, exp, mod)


def _pow_secret(base: int, exp: int, mod: int) -> int:
    """Modular exponentiation with a secret exponent; constant-time only with gmpy2 (odd mod)."""
    return int(_gmpy2.powmod_sec(base, exp, mod)) if _gmpy2 is not None else pow(base, exp, mod)


def _inverse(x: int, mod: int) -> int:
    """x^-1 mod `mod`; ValueError when there is none."""
    if _gmpy2 is None:
        return pow(x, -1, mod)
    try:
        return int(_gmpy2.invert(x, mod))
    except ZeroDivisionError as exc:
        raise ValueError("not invertible") from exc


def _public_numbers(public_key: rsa.RSAPublicKey) -> tuple[int, int]:
    if not isinstance(public_key, rsa.RSAPublicKey):
        raise BlindSignatureError("an RSA public key is required")
    numbers = public_key.public_numbers()
    if numbers.n.bit_length() < MIN_MODULUS_BITS:
        raise BlindSignatureError(f"modulus must be at least {MIN_MODULUS_BITS} bits")
    return numbers.n, numbers.e


def _require_rsa_public(key: object) -> rsa.RSAPublicKey:
    if not isinstance(key, rsa.RSAPublicKey):
        raise BlindSignatureError("not an RSA public key")
    return key


def _byte_len(n: int) -> int:
    return (n.bit_length() + 7) // 8


def _i2osp(x: int, length: int) -> bytes:
    return x.to_bytes(length, "big")


def _b64url_uint(x: int) -> str:
    return b64url.encode(x.to_bytes(_byte_len(x), "big"))


def _uint_from_b64url(s: str) -> int:
    raw = b64url.decode(s)
    if not raw:
        raise ValueError("empty integer")
    return int.from_bytes(raw, "big")
