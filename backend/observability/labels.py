"""Label values with bounded cardinality: route templates, status classes, operation names."""

from __future__ import annotations

import re

from starlette.routing import BaseRoute, Mount, Route
from starlette.types import Scope

from backend.core.errors import ErrorCode

OTHER = "other"
UNMATCHED = "unmatched"
_METHODS = frozenset({"GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"})
_CONVERTER = re.compile(r"\{(\w+):\w+\}")
_NAME = re.compile(r"^[A-Za-z_][A-Za-z0-9_,]{0,127}$")  # "," joins root field names
_ERROR_CODES = frozenset(code.value for code in ErrorCode)


def route_template(scope: Scope) -> str:
    """`/polls/{poll_id}/ballots`, never `/polls/7/ballots`: the matched route's path, converters dropped."""
    route: BaseRoute | None = scope.get("route")
    if isinstance(route, Route):
        return _CONVERTER.sub(r"{\1}", route.path)
    if isinstance(route, Mount):
        return f"{route.path}/*"
    return UNMATCHED


def status_class(status: int) -> str:
    return f"{status // 100}xx"


def method(name: str) -> str:
    return name if name in _METHODS else OTHER


def error_code(value: object) -> str:
    return value if isinstance(value, str) and value in _ERROR_CODES else OTHER


class BoundedNames:
    """Accepts the first `cap` distinct well-formed names; anything else becomes "other"."""

    def __init__(self, cap: int) -> None:
        self._cap = cap
        self._seen: set[str] = set()

    def __call__(self, name: str | None) -> str:
        if not name or not _NAME.match(name):
            return OTHER
        if name in self._seen:
            return name
        if len(self._seen) >= self._cap:
            return OTHER
        self._seen.add(name)
        return name
