"""RFC 9474 blind RSA: the Appendix A vectors step by step, round trips, and rejections."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from cryptography.hazmat.primitives.asymmetric import rsa

from backend.crypto import blind_rsa as br

VECTORS_PATH = Path(__file__).with_name("rfc9474_vectors.json")
VECTORS: list[dict[str, Any]] = json.loads(VECTORS_PATH.read_text())["vectors"]
VARIANTS = {v.value: v for v in br.Variant}


def _int(hex_str: str) -> int:
    return int(hex_str, 16)


def _private_key(v: dict[str, Any]) -> rsa.RSAPrivateKey:
    p, q, d, e, n = (_int(v[k]) for k in ("p", "q", "d", "e", "n"))
    assert p * q == n
    pub = rsa.RSAPublicNumbers(e, n)
    numbers = rsa.RSAPrivateNumbers(
        p, q, d, rsa.rsa_crt_dmp1(d, p), rsa.rsa_crt_dmq1(d, q), rsa.rsa_crt_iqmp(p, q), pub
    )
    return numbers.private_key()


@pytest.fixture(params=["python", "gmpy2"])
def arith_backend(request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch) -> str:
    """Runs a test with CPython ints and, when installed, with the gmpy2 accelerator."""
    if request.param == "python":
        monkeypatch.setattr(br, "_gmpy2", None)
    else:
        monkeypatch.setattr(br, "_gmpy2", pytest.importorskip("gmpy2"))
    return request.param


@pytest.fixture(scope="module")
def key() -> rsa.RSAPrivateKey:
    """One fresh 3072-bit key for the module: generating it is slow."""
    return br.generate_key(3072)


@pytest.fixture(scope="module")
def other_key() -> rsa.RSAPrivateKey:
    return br.generate_key(2048)


# --- RFC 9474 Appendix A ---------------------------------------------------------------------


@pytest.mark.parametrize("v", VECTORS, ids=[v["name"] for v in VECTORS])
def test_rfc9474_vector(v: dict[str, Any], arith_backend: str) -> None:
    sk = _private_key(v)
    pk = sk.public_key()
    n = _int(v["n"])
    variant = VARIANTS[v["name"]]
    msg, prefix = bytes.fromhex(v["msg"]), bytes.fromhex(v["msg_prefix"])

    # prepare
    if variant is br.Variant.RANDOMIZED:
        prepared = br.prepare(msg, _randomizer=prefix)
    else:
        assert prefix == b""
        prepared = br.prepare(msg, variant=variant)
    assert prepared.hex() == v["prepared_msg"]

    # EMSA-PSS encoding with the vector's salt
    salt = bytes.fromhex(v["salt"])
    encoded = br.emsa_pss_encode(prepared, n.bit_length() - 1, salt=salt)
    assert encoded.hex() == v["encoded_msg"]

    # blind, with r = inv^-1 mod n
    r = pow(_int(v["inv"]), -1, n)
    blinded, inv = br.blind(pk, prepared, _salt=salt, _r=r)
    assert inv.hex() == v["inv"]
    assert blinded.hex() == v["blinded_msg"]

    # blind_sign (its randomized base blinding must not change the result)
    blind_sig = br.blind_sign(sk, blinded)
    assert blind_sig.hex() == v["blind_sig"]

    # finalize and verify
    sig = br.finalize(pk, prepared, blind_sig, inv)
    assert sig.hex() == v["sig"]
    assert br.verify(pk, prepared, sig)
    assert not br.verify(pk, msg if prefix else msg + b"\x00", sig)


def test_vectors_cover_both_variants() -> None:
    assert {v["name"] for v in VECTORS} == {variant.value for variant in br.Variant}


# --- round trips with fresh keys -------------------------------------------------------------


@pytest.mark.parametrize("variant", list(br.Variant))
def test_round_trip_fresh_key(key: rsa.RSAPrivateKey, variant: br.Variant, arith_backend: str) -> None:
    pk = key.public_key()
    prepared = br.prepare(b"poll:42|ballot-token:7f3a", variant=variant)
    blinded, inv = br.blind(pk, prepared)
    assert len(blinded) == len(inv) == 384
    blind_sig = br.blind_sign(key, blinded)
    sig = br.finalize(pk, prepared, blind_sig, inv)
    assert br.verify(pk, prepared, sig)


def test_randomized_prepare_is_random() -> None:
    a, b = br.prepare(b"m"), br.prepare(b"m")
    assert len(a) == br.RANDOMIZER_LEN + 1 and a[-1:] == b"m"
    assert a != b
    assert br.prepare(b"m", variant=br.Variant.DETERMINISTIC) == b"m"


def test_blinding_is_fresh_each_time(key: rsa.RSAPrivateKey) -> None:
    pk = key.public_key()
    prepared = br.prepare(b"same message", variant=br.Variant.DETERMINISTIC)
    first, second = br.blind(pk, prepared), br.blind(pk, prepared)
    assert first[0] != second[0] and first[1] != second[1]
    sig1 = br.finalize(pk, prepared, br.blind_sign(key, first[0]), first[1])
    sig2 = br.finalize(pk, prepared, br.blind_sign(key, second[0]), second[1])
    assert sig1 != sig2  # random PSS salts
    assert br.verify(pk, prepared, sig1) and br.verify(pk, prepared, sig2)


def test_odd_modulus_length_round_trip() -> None:
    """emBits = modBits - 1 is a multiple of 8 here, so EM is one byte shorter than the modulus."""
    sk = br.generate_key(2049)
    pk = sk.public_key()
    prepared = br.prepare(b"x")
    blinded, inv = br.blind(pk, prepared)
    sig = br.finalize(pk, prepared, br.blind_sign(sk, blinded), inv)
    assert br.verify(pk, prepared, sig)


# --- rejections ------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def signed(key: rsa.RSAPrivateKey) -> tuple[bytes, bytes, bytes, bytes]:
    """(prepared, blind_sig, inv, sig) under the module key."""
    pk = key.public_key()
    prepared = br.prepare(b"satisfied")
    blinded, inv = br.blind(pk, prepared)
    blind_sig = br.blind_sign(key, blinded)
    return prepared, blind_sig, inv, br.finalize(pk, prepared, blind_sig, inv)


def _flip(data: bytes, index: int = -1) -> bytes:
    out = bytearray(data)
    out[index] ^= 0x01
    return bytes(out)


def test_tampered_signature_fails(key: rsa.RSAPrivateKey, signed: tuple[bytes, bytes, bytes, bytes]) -> None:
    prepared, _, _, sig = signed
    pk = key.public_key()
    assert br.verify(pk, prepared, sig)
    assert not br.verify(pk, prepared, _flip(sig))
    assert not br.verify(pk, prepared, _flip(sig, 0))
    assert not br.verify(pk, prepared, sig[:-1])
    assert not br.verify(pk, prepared, b"\x00" + sig)


def test_wrong_message_fails(key: rsa.RSAPrivateKey, signed: tuple[bytes, bytes, bytes, bytes]) -> None:
    prepared, _, _, sig = signed
    pk = key.public_key()
    assert not br.verify(pk, _flip(prepared), sig)
    assert not br.verify(pk, prepared[br.RANDOMIZER_LEN :], sig)  # randomizer dropped
    assert not br.verify(pk, _flip(prepared, 0), sig)  # randomizer changed


def test_wrong_key_fails(
    key: rsa.RSAPrivateKey, other_key: rsa.RSAPrivateKey, signed: tuple[bytes, bytes, bytes, bytes]
) -> None:
    prepared, blind_sig, inv, sig = signed
    assert not br.verify(other_key.public_key(), prepared, sig)
    # Blinded for `key`, signed with another key of the same size: finalize must refuse.
    same_size = br.generate_key(3072)
    pk = key.public_key()
    n = pk.public_numbers().n
    other_n = same_size.public_key().public_numbers().n
    while True:  # values outside either modulus are refused as out of range before any verification
        blinded, inv2 = br.blind(pk, prepared)
        if int.from_bytes(blinded, "big") >= other_n:
            with pytest.raises(br.BlindSignatureError, match="out of range"):
                br.blind_sign(same_size, blinded)
            continue
        wrong_sig = br.blind_sign(same_size, blinded)
        if int.from_bytes(wrong_sig, "big") >= n:
            with pytest.raises(br.BlindSignatureError, match="out of range"):
                br.finalize(pk, prepared, wrong_sig, inv2)
            continue
        break
    with pytest.raises(br.SignatureVerificationError):
        br.finalize(pk, prepared, wrong_sig, inv2)


def test_finalize_rejects_bad_blind_signature(
    key: rsa.RSAPrivateKey, signed: tuple[bytes, bytes, bytes, bytes]
) -> None:
    prepared, blind_sig, inv, _ = signed
    pk = key.public_key()
    with pytest.raises(br.SignatureVerificationError):
        br.finalize(pk, prepared, _flip(blind_sig), inv)
    with pytest.raises(br.SignatureVerificationError):
        br.finalize(pk, _flip(prepared), blind_sig, inv)
    with pytest.raises(br.BlindSignatureError, match="bytes"):
        br.finalize(pk, prepared, blind_sig[1:], inv)
    with pytest.raises(br.BlindSignatureError, match="out of range"):
        br.finalize(pk, prepared, b"\xff" * len(blind_sig), inv)
    with pytest.raises(br.BlindSignatureError, match="out of range"):
        br.finalize(pk, prepared, blind_sig, bytes(len(inv)))


def test_blind_sign_rejects_bad_input(key: rsa.RSAPrivateKey, arith_backend: str) -> None:
    n = key.public_key().public_numbers().n
    k = (n.bit_length() + 7) // 8
    with pytest.raises(br.BlindSignatureError, match="384 bytes"):
        br.blind_sign(key, b"\x01" * (k - 1))
    with pytest.raises(br.BlindSignatureError, match="384 bytes"):
        br.blind_sign(key, b"\x01" * (k + 1))
    with pytest.raises(br.BlindSignatureError, match="out of range"):
        br.blind_sign(key, n.to_bytes(k, "big"))
    with pytest.raises(br.BlindSignatureError, match="out of range"):
        br.blind_sign(key, b"\xff" * k)
    # in range, but not a PSS encoding: the server cannot tell and signs; finalize then fails
    assert len(br.blind_sign(key, (n - 1).to_bytes(k, "big"))) == k


def test_test_hooks_are_validated(key: rsa.RSAPrivateKey) -> None:
    pk = key.public_key()
    n = pk.public_numbers().n
    with pytest.raises(br.BlindSignatureError):
        br.prepare(b"m", _randomizer=b"short")
    with pytest.raises(br.BlindSignatureError):
        br.prepare(b"m", variant=br.Variant.DETERMINISTIC, _randomizer=bytes(32))
    with pytest.raises(br.BlindSignatureError):
        br.blind(pk, b"m", _salt=bytes(47))
    for r in (0, n, n + 1, -1):
        with pytest.raises(br.BlindSignatureError):
            br.blind(pk, b"m", _r=r)
    with pytest.raises(TypeError):
        br.blind(pk, b"m", bytes(48))  # type: ignore[misc]  # hooks are keyword-only


def test_small_keys_refused() -> None:
    with pytest.raises(br.BlindSignatureError):
        br.generate_key(1024)
    small = rsa.generate_private_key(public_exponent=65537, key_size=1024)
    with pytest.raises(br.BlindSignatureError):
        br.blind(small.public_key(), b"m")
    with pytest.raises(br.BlindSignatureError):
        br.blind_sign(small, bytes(128))


# --- key formats and fingerprints ------------------------------------------------------------


def test_key_serialization_round_trips(key: rsa.RSAPrivateKey, signed: tuple[bytes, bytes, bytes, bytes]) -> None:
    prepared, _, _, sig = signed
    pk = key.public_key()
    for restored in (
        br.public_key_from_der(br.public_key_to_der(pk)),
        br.public_key_from_pem(br.public_key_to_pem(pk)),
        br.public_key_from_jwk(br.public_key_to_jwk(pk)),
    ):
        assert restored.public_numbers() == pk.public_numbers()
        assert br.verify(restored, prepared, sig)
    jwk = br.public_key_to_jwk(pk)
    assert jwk["kty"] == "RSA" and jwk["alg"] == "PS384" and jwk["e"] == "AQAB"
    assert "=" not in jwk["n"] and "+" not in jwk["n"] and "/" not in jwk["n"]

    pem = br.private_key_to_pem(key, b"correct horse")
    assert b"ENCRYPTED" in pem
    assert br.private_key_from_pem(pem, b"correct horse").private_numbers() == key.private_numbers()
    assert br.private_key_from_pem(br.private_key_to_pem(key)).private_numbers() == key.private_numbers()


def test_bad_jwk_rejected() -> None:
    for jwk in (
        {"kty": "EC", "n": "AQAB", "e": "AQAB"},
        {"kty": "RSA", "n": "AQAB"},
        {"kty": "RSA", "alg": "RS256", "n": "AQAB", "e": "AQAB"},
    ):
        with pytest.raises(br.BlindSignatureError):
            br.public_key_from_jwk(jwk)


def test_fingerprint(key: rsa.RSAPrivateKey) -> None:
    import hashlib

    pk = key.public_key()
    fp = br.public_key_fingerprint(pk)
    assert fp == hashlib.sha256(br.public_key_to_der(pk)).hexdigest()
    assert len(fp) == 64 and fp == fp.lower()
    short = br.public_key_fingerprint_short(pk)
    assert short == " ".join(fp[i : i + 4] for i in range(0, 32, 4))
    assert len(short.split(" ")) == 8
    assert br.format_fingerprint(fp, groups=16).replace(" ", "") == fp
