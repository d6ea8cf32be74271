"""What counts as a server error in a GraphQL answer."""

from __future__ import annotations

import json


def server_errors(status_code: int, text: str) -> list[str]:
    """A 5xx, a body that is not JSON, or any error masked as INTERNAL (backend/graphql/errors.py)."""
    if status_code >= 500:
        return [f"HTTP {status_code}: {text[:300]}"]
    try:
        body = json.loads(text)
    except ValueError:
        return [f"not JSON (HTTP {status_code}): {text[:300]}"]
    errors = (body.get("errors") or []) if isinstance(body, dict) else []
    return [json.dumps(e, ensure_ascii=False) for e in errors if (e.get("extensions") or {}).get("code") == "INTERNAL"]
