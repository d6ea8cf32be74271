"""PUBLIC_BASE_URL: unset, QR codes follow the address the request came to; set, it is used as
is; and the start-up banner says when a configured address cannot be reached as written."""

from __future__ import annotations

import pytest
from starlette.requests import Request

from backend.cli import startup_banner
from backend.core.public_url import check_public_base_url, public_base_url
from backend.core.settings import Settings, SettingsError


def _request(host: str | None, scheme: str = "http", server: tuple[str, int] = ("10.0.0.5", 8080)) -> Request:
    headers = [(b"host", host.encode())] if host is not None else []
    return Request({"type": "http", "scheme": scheme, "path": "/graphql", "headers": headers, "server": server})


def test_unset_follows_the_request() -> None:
    settings = Settings()
    assert settings.public_base_url == ""
    assert public_base_url(settings, _request("192.168.1.20:8080")) == "http://192.168.1.20:8080"
    # the scheme as uvicorn reports it (X-Forwarded-Proto only from a trusted proxy)
    assert public_base_url(settings, _request("zct.example.gov.cn", scheme="https")) == "https://zct.example.gov.cn"
    assert public_base_url(settings, _request("[fd00::5]:8000")) == "http://[fd00::5]:8000"


def test_a_host_header_that_is_not_an_address_is_not_printed() -> None:
    settings = Settings()
    for forged in ("evil.example/path", "a b", "user@evil.example", "", "x" * 300):
        assert public_base_url(settings, _request(forged)) == "http://10.0.0.5:8080", forged
    assert public_base_url(settings, _request(None, server=("::1", 8000))) == "http://[::1]:8000"


def test_set_is_used_as_is() -> None:
    settings = Settings(public_base_url="https://zct.example.gov.cn/")
    assert settings.public_base_url == "https://zct.example.gov.cn"
    assert public_base_url(settings, _request("127.0.0.1:8000")) == "https://zct.example.gov.cn"


@pytest.mark.parametrize("bad", ["zct.example.gov.cn", "ftp://zct.example.gov.cn", "http://"])
def test_a_configured_address_must_be_absolute_http(bad: str) -> None:
    with pytest.raises(SettingsError, match="PUBLIC_BASE_URL"):
        Settings().with_overrides(public_base_url=bad)


@pytest.mark.parametrize(
    ("configured", "host", "port", "warned"),
    [
        ("", "0.0.0.0", 8000, []),  # follows the request: right by construction
        ("", "127.0.0.1", 8000, ["--host 0.0.0.0"]),  # only this machine can open anything
        ("http://127.0.0.1:8000", "0.0.0.0", 8000, ["回环"]),  # the old default while serving the network
        ("http://localhost:8000", "0.0.0.0", 8000, ["回环"]),
        ("http://192.168.1.20:8000", "0.0.0.0", 8080, ["端口 8000"]),  # another port than the server's
        ("http://127.0.0.1:8000", "127.0.0.1", 8080, ["端口 8000"]),
        ("http://192.168.1.20:8000", "127.0.0.1", 8000, ["只监听本机"]),
        ("http://192.168.1.20:8000", "0.0.0.0", 8000, []),
        ("https://192.168.1.20:8000", "0.0.0.0", 8000, ["https"]),
        ("https://zct.example.gov.cn", "0.0.0.0", 8000, []),  # a proxy in front: nothing to tell from here
        ("http://zct.example.gov.cn:9000", "0.0.0.0", 8000, ["端口 9000"]),
    ],
)
def test_the_banner_warns_when_phones_cannot_reach_the_printed_address(
    configured: str, host: str, port: int, warned: list[str]
) -> None:
    warnings = check_public_base_url(configured, host, port)
    assert len(warnings) == len(warned), warnings
    for warning, word in zip(warnings, warned, strict=True):
        assert word in warning


def test_the_banner_says_what_qr_codes_print() -> None:
    lines, warnings = startup_banner(Settings(), "0.0.0.0", 8000)
    assert lines[0] == "驻村通 running on http://0.0.0.0:8000"
    assert any("跟随手机访问的地址" in line for line in lines) and warnings == []
    lines, warnings = startup_banner(Settings(public_base_url="http://127.0.0.1:8000"), "0.0.0.0", 8123)
    assert any("http://127.0.0.1:8000  [PUBLIC_BASE_URL]" in line for line in lines)
    assert len(warnings) == 2  # loopback, and another port
