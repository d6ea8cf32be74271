"""The deployment checks run offline: every validator uses the schemas its package ships."""

from __future__ import annotations

import ipaddress
import socket
from collections.abc import Iterator
from typing import Any

import pytest


def _is_loopback(address: Any) -> bool:
    host = address[0] if isinstance(address, tuple) else address
    if not isinstance(host, str):
        return True  # AF_UNIX paths and the like never leave the machine
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return host == "localhost" or host.startswith("/")


@pytest.fixture(autouse=True)
def no_network(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """Fail any test here that tries to fetch a schema (or anything else) from the network."""
    real_connect = socket.socket.connect

    def guarded_connect(self: socket.socket, address: Any) -> Any:
        if not _is_loopback(address):
            raise AssertionError(f"deployment tests must run offline; tried to connect to {address!r}")
        return real_connect(self, address)

    monkeypatch.setattr(socket.socket, "connect", guarded_connect)
    yield


@pytest.fixture(scope="session")
def app_setting_names() -> set[str]:
    """Every environment variable the app reads (the fields of backend/core/settings.py that
    `Settings.from_env()` reads), plus uvicorn's proxy trust list."""
    from backend.core.settings import Settings

    names = set(Settings.env_names().values())
    assert {"DATABASE_URL", "JWT_SECRET", "MAX_UPLOAD_BYTES"} <= names
    return names | {"FORWARDED_ALLOW_IPS"}
