"""Refuse oversized documents and variable lists before parsing, validation or coercion.

The token limit already bounds what a document can say; these bound what it can carry: the
document's length (each distinct text stays in the parser cache) and any list in the variables
(graphql-core would coerce every item, and a service would only then count them).
"""

from __future__ import annotations

from collections.abc import Iterator

from graphql import GraphQLError
from strawberry.extensions import SchemaExtension

from backend.polls.roster import MAX_ROSTER

MAX_DOCUMENT_CHARS = 100_000  # the PWA's longest document is a few KB; data travels in variables
MAX_LIST_ITEMS = MAX_ROSTER  # the longest list a real request sends: a poll's roster


def longest_list_exceeds(value: object, limit: int) -> bool:
    """Whether any list nested anywhere in `value` (JSON: dicts, lists, scalars) has more than `limit` items."""
    pending = [value]
    while pending:
        current = pending.pop()
        if isinstance(current, list):
            if len(current) > limit:
                return True
            pending.extend(item for item in current if isinstance(item, list | dict))
        elif isinstance(current, dict):
            pending.extend(item for item in current.values() if isinstance(item, list | dict))
    return False


class RequestSizeLimits(SchemaExtension):
    def on_parse(self) -> Iterator[None]:
        context = self.execution_context
        if context.query is not None and len(context.query) > MAX_DOCUMENT_CHARS:
            raise GraphQLError(
                f"查询语句过长（上限 {MAX_DOCUMENT_CHARS} 个字符），请把数据放在变量中",
                extensions={"code": "DOCUMENT_TOO_LARGE"},
            )
        if context.variables and longest_list_exceeds(context.variables, MAX_LIST_ITEMS):
            raise GraphQLError(f"列表过长：每个列表最多 {MAX_LIST_ITEMS} 项", extensions={"code": "LIST_TOO_LONG"})
        yield
