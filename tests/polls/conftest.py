"""Poll test fixtures: a pool of pre-made RSA-3072 keys (making one costs 0.2-2 s), recorded
paper codes (they exist in clear only inside the returned PDF), and a ready-made poll."""

from __future__ import annotations

import itertools
from collections.abc import Iterator

import pytest
from cryptography.hazmat.primitives.asymmetric import rsa

from backend.crypto import blind_rsa
from backend.polls import keys, paper

_POOL: list[rsa.RSAPrivateKey] = []
_NEXT = itertools.count()


@pytest.fixture(scope="session")
def key_pool() -> list[rsa.RSAPrivateKey]:
    if not _POOL:
        _POOL.extend(blind_rsa.generate_key(3072) for _ in range(4))
    return _POOL


@pytest.fixture(autouse=True)
def fast_poll_keys(key_pool: list[rsa.RSAPrivateKey], monkeypatch: pytest.MonkeyPatch) -> None:
    """Each poll of a test gets a different key of the pool (so wrong-key cases stay real)."""
    monkeypatch.setattr(keys, "new_signing_key", lambda: key_pool[next(_NEXT) % len(key_pool)])


@pytest.fixture
def issued_codes(monkeypatch: pytest.MonkeyPatch) -> Iterator[list[str]]:
    """Every paper code made during the test, in clear, as the printed slips would show them."""
    made: list[str] = []
    original = paper.new_code

    def recording() -> str:
        code = original()
        made.append(code)
        return code

    monkeypatch.setattr(paper, "new_code", recording)
    yield made
