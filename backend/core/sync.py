"""The phone-made-id protocol (after ODK Central): the same id with the same content is a safe
retry, the same id with different content is a conflict, an edit names the version it replaces."""

from __future__ import annotations

import hashlib
import json
import uuid
from typing import Any

from backend.core.errors import Conflict, InvalidInput, StaleVersion


def content_hash(content: dict[str, Any]) -> str:
    """A stable hash of what the phone sent (key order and whitespace don't matter)."""
    canonical = json.dumps(content, sort_keys=True, ensure_ascii=False, separators=(",", ":"), default=str)
    return hashlib.sha256(canonical.encode()).hexdigest()


def client_id(value: str, field: str = "id") -> str:
    try:
        return str(uuid.UUID(value))
    except (ValueError, AttributeError, TypeError) as exc:
        raise InvalidInput("记录编号必须是手机生成的 UUID", field=field) from exc


def check_retry(stored_hash: str, new_hash: str) -> None:
    """A create for an id that exists: fine when identical, else a conflict."""
    if stored_hash != new_hash:
        raise Conflict("该记录编号已用于内容不同的另一条记录", field="id")


def check_base_version(current: int, base: int) -> None:
    if current != base:
        raise StaleVersion(f"记录已被更新（当前版本 {current}），请刷新后再改", current_version=current)
