"""The client address a per-address limit counts.

It is the ASGI client address. Behind the compose Caddy or the k8s ingress, uvicorn's proxy-header
support (`serve` runs with proxy_headers; FORWARDED_ALLOW_IPS names the trusted proxies) has
already replaced it with the address the proxy saw — both proxies overwrite, not append to, an
X-Forwarded-For sent by the client, so it cannot be forged from outside (docs/SECURITY.md).
"""

from __future__ import annotations

import ipaddress

IPV6_SUBJECT_PREFIX = 64  # one phone or household is given a whole /64; counting single addresses is moot


def address_subject(host: str | None) -> str | None:
    """IPv4 as is, IPv6 by its /64, an IPv4-mapped IPv6 as the IPv4; None when there is no address
    (per-address limits then do not apply rather than lumping such clients together)."""
    if not host:
        return None
    try:
        address = ipaddress.ip_address(host)
    except ValueError:
        return host  # e.g. a test client's name; counted as given
    if isinstance(address, ipaddress.IPv6Address):
        if address.ipv4_mapped is not None:
            return str(address.ipv4_mapped)
        return str(ipaddress.IPv6Network((address, IPV6_SUBJECT_PREFIX), strict=False))
    return str(address)
