"""JSON log lines (one object per line) with the request id, and masking of phones and tokens."""

from __future__ import annotations

import json
import logging
import re
import sys
from datetime import UTC, datetime
from typing import TextIO

from backend.observability.context import current_request

_PHONE = re.compile(r"(?:(?<!\d)(?:\+|00)?86[- ]?|(?<!\d))1[3-9]\d{9}(?!\d)")  # with or without +86
_BEARER = re.compile(r"(?i)\bbearer\s+[A-Za-z0-9._~+/=-]+")
_JWT = re.compile(r"\beyJ[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]*")
_SECRET_PARAM = re.compile(r"(?i)\b(token|access_token|refresh_token|password|secret)=([^&\s\"']+)")

# Attributes every LogRecord has; anything else came in through `extra=` and is emitted as a field.
_STANDARD = frozenset(vars(logging.makeLogRecord({}))) | {"message", "asctime", "request_id", "color_message"}


def mask(text: str) -> str:
    """Phone numbers → 1**********, bearer tokens and JWTs → [token], secret query params → [masked]."""
    text = _PHONE.sub("1**********", text)
    text = _BEARER.sub("Bearer [token]", text)
    text = _JWT.sub("[token]", text)
    return _SECRET_PARAM.sub(r"\1=[masked]", text)


class MaskSecrets(logging.Filter):
    """Rewrites the message and every string `extra` field of a record, in place, before output."""

    def filter(self, record: logging.LogRecord) -> bool:
        record.msg = mask(record.getMessage())
        record.args = None
        for key, value in list(vars(record).items()):
            if key not in _STANDARD and isinstance(value, str):
                setattr(record, key, mask(value))
        return True


class RequestIdFilter(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        info = current_request.get()
        record.request_id = info.request_id if info is not None else None
        return True


class JsonFormatter(logging.Formatter):
    """Message and fields are masked by MaskSecrets (a handler filter); the traceback is masked here."""

    def format(self, record: logging.LogRecord) -> str:
        line: dict[str, object] = {
            "time": datetime.fromtimestamp(record.created, UTC).isoformat(timespec="milliseconds"),
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage(),
            "request_id": getattr(record, "request_id", None),
        }
        for key, value in vars(record).items():
            if key not in _STANDARD:
                line[key] = value
        if record.exc_info:
            line["exception"] = mask(self.formatException(record.exc_info))
        return json.dumps(line, ensure_ascii=False, default=lambda value: mask(str(value)))


def json_handler(stream: TextIO | None = None) -> logging.Handler:
    handler = logging.StreamHandler(stream or sys.stderr)
    handler.addFilter(RequestIdFilter())
    handler.addFilter(MaskSecrets())
    handler.setFormatter(JsonFormatter())
    return handler


def configure_json_logging(level: int = logging.INFO) -> None:
    """Replace the root handlers by one JSON handler; uvicorn's loggers propagate to it."""
    root = logging.getLogger()
    for handler in list(root.handlers):
        root.removeHandler(handler)
    root.addHandler(json_handler())
    root.setLevel(level)
    for name in ("uvicorn", "uvicorn.error", "uvicorn.access"):
        logger = logging.getLogger(name)
        logger.handlers.clear()
        logger.propagate = True
    logging.getLogger("alembic").setLevel(logging.WARNING)
