"""The address phones reach the app at: what QR codes (service cards, paper slips) print.

`PUBLIC_BASE_URL` set: used as is. Unset (the default): the address the request came to — the
scheme and the `Host` header as the server received them. The scheme is the one uvicorn reports,
which follows `X-Forwarded-Proto` only from the proxies `FORWARDED_ALLOW_IPS` trusts (`serve`
runs with proxy headers on); `X-Forwarded-Host` is never read, because nothing vouches for it
(Caddy and ingress-nginx pass the client's own `Host` through). So a secretary who opens the app
at http://192.168.1.20:8080 prints cards whose QR opens http://192.168.1.20:8080/v/<village>.

`check_public_base_url` is what the start-up banner of `serve`/`up` warns about: a configured
address that phones cannot reach as written.
"""

from __future__ import annotations

import ipaddress
import re
from urllib.parse import urlsplit

from starlette.requests import HTTPConnection

from backend.core.settings import Settings

# A host name, an IPv4 address or a bracketed IPv6 address, with an optional port: anything else
# in a Host header (a path, spaces, user info) is not an address to print.
_HOST = re.compile(r"^(\[[0-9A-Fa-f:.]+\]|[A-Za-z0-9](?:[A-Za-z0-9.-]{0,251}[A-Za-z0-9])?)(:\d{1,5})?$")
FALLBACK = "http://127.0.0.1:8000"
_LOOPBACK_NAMES = {"localhost", "localhost.localdomain", "ip6-localhost"}


def public_base_url(settings: Settings, request: HTTPConnection | None) -> str:
    """PUBLIC_BASE_URL when set; else scheme://host[:port] of the request (no trailing slash)."""
    if settings.public_base_url:
        return settings.public_base_url
    if request is None:
        return FALLBACK
    scheme = request.url.scheme if request.url.scheme in ("http", "https") else "http"
    host = request.headers.get("host", "").strip()
    if not _HOST.fullmatch(host):
        server = request.scope.get("server")
        if not server:
            return FALLBACK
        host = _join(str(server[0]), int(server[1]))
    return f"{scheme}://{host}"


def _join(host: str, port: int) -> str:
    return f"[{host}]:{port}" if ":" in host else f"{host}:{port}"


def is_loopback(host: str) -> bool:
    if host.lower() in _LOOPBACK_NAMES:
        return True
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False


def _is_ip(host: str) -> bool:
    try:
        ipaddress.ip_address(host.strip("[]"))
    except ValueError:
        return False
    return True


def check_public_base_url(configured: str, bind_host: str, bind_port: int) -> list[str]:
    """Why phones could not open the printed address, for a server listening on bind_host:bind_port
    (empty when nothing is wrong that can be told from here). Chinese first, English after."""
    if not configured:
        if is_loopback(bind_host):
            return [
                f"只在本机 {bind_host} 上提供服务：手机扫码打不开。要让手机访问，请用 --host 0.0.0.0 启动 "
                f"(serving on loopback only: phones cannot open the QR codes; start with --host 0.0.0.0)"
            ]
        return []
    parts = urlsplit(configured)
    host = parts.hostname or ""
    try:
        port = parts.port or (443 if parts.scheme == "https" else 80)
    except ValueError:
        return [f"PUBLIC_BASE_URL 的端口无效 (PUBLIC_BASE_URL has an invalid port): {configured}"]
    warnings: list[str] = []
    if is_loopback(host) and not is_loopback(bind_host):
        warnings.append(
            f"PUBLIC_BASE_URL 指向本机回环地址 {host}，手机扫码打不开；请改为手机能访问的地址，或不设置以跟随访问地址 "
            f"(PUBLIC_BASE_URL points at loopback {host}: phones cannot reach it; set the address phones use, "
            f"or leave it unset to follow the request)"
        )
    elif is_loopback(bind_host) and not is_loopback(host) and port == bind_port:
        warnings.append(
            f"服务只监听本机 {bind_host}，而 PUBLIC_BASE_URL 是 {configured}：手机连不上。请用 --host 0.0.0.0 启动 "
            f"(listening on loopback {bind_host} only, but PUBLIC_BASE_URL is {configured}: start with --host 0.0.0.0)"
        )
    direct = is_loopback(host) or _is_ip(host) or host == bind_host or parts.port is not None
    if direct and port != bind_port:
        warnings.append(
            f"PUBLIC_BASE_URL 的端口 {port} 与服务端口 {bind_port} 不同（除非前面有反向代理转发，否则手机打不开）"
            f"(PUBLIC_BASE_URL port {port} differs from the server's port {bind_port}: "
            f"unreachable unless a proxy forwards it)"
        )
    elif direct and parts.scheme == "https":
        warnings.append(
            f"PUBLIC_BASE_URL 是 https，但本服务在 {bind_port} 端口只提供 http (PUBLIC_BASE_URL is https, "
            f"but this server speaks plain http on port {bind_port}: unreachable unless a TLS proxy serves it)"
        )
    return warnings
