"""The current request, as seen by logging and the GraphQL extension (one ContextVar)."""

from __future__ import annotations

import re
import uuid
from contextvars import ContextVar
from dataclasses import dataclass

_SANE_REQUEST_ID = re.compile(r"^[A-Za-z0-9._:-]{8,64}$")


@dataclass
class RequestInfo:
    request_id: str
    operation: str | None = None  # GraphQL operation label, set by the extension
    silent: bool = False  # a poll-casting request: never logged


current_request: ContextVar[RequestInfo | None] = ContextVar("current_request", default=None)


def request_id_from(header: str | None) -> str:
    """The caller's X-Request-ID when it is a plain token of 8–64 safe characters; else a new one."""
    if header and _SANE_REQUEST_ID.match(header):
        return header
    return uuid.uuid4().hex


def silence_current_request() -> None:
    info = current_request.get()
    if info is not None:
        info.silent = True
