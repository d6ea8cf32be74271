"""Worksheet names and order for the ranking groups (`backend.ranking.groups` owns the
groups and their labels; a worksheet name has its own rules).

`WORKBOOK_ORDER` is the one order of the group worksheets in every export that has them (the
ranking table, live or published, and the assessment sheet): the canonical order of the 16 groups
(`ALL_GROUPS`: unit type, then mode, then cadre class), so a reader finds group N on the same tab
in both workbooks. Python sorts with `group_order`; the live ranking's statement orders its rows
with `workbook_order_sql`."""

from __future__ import annotations

import re

from backend.core.errors import InvalidInput
from backend.core.xlsx_stream import SHEET_NAME_MAX
from backend.ranking.groups import ALL_GROUPS, parse_group_key

_SHEET_NAME_FORBIDDEN = re.compile(r"[\[\]:*?/\\']")
WORKBOOK_ORDER: tuple[str, ...] = tuple(group.key for group in ALL_GROUPS)
_ORDER = {key: index for index, key in enumerate(WORKBOOK_ORDER)}


def group_label(key: str) -> str:
    """`township:resident:party_gov_chief` → 镇街派出·脱产驻村·党政正职; an unknown key as it is."""
    try:
        return parse_group_key(key).label
    except InvalidInput:
        return key


def sheet_name(key: str) -> str:
    """A valid worksheet name for a group: no []:*?/\\' and at most 31 characters."""
    return _SHEET_NAME_FORBIDDEN.sub("_", group_label(key))[:SHEET_NAME_MAX] or "分组"


def group_order(key: str) -> tuple[int, str]:
    """Sort key: the canonical order of the 16 groups, unknown keys after them."""
    return (_ORDER.get(key, len(_ORDER)), key)


def workbook_order_sql(column: str) -> str:
    """An SQL expression ranking `column` (a group key) in `WORKBOOK_ORDER`, unknown keys last.
    The keys are enum values (letters, `_` and `:`), written as literals."""
    whens = " ".join(f"WHEN '{key}' THEN {index}" for index, key in enumerate(WORKBOOK_ORDER))
    return f"CASE {column} {whens} ELSE {len(WORKBOOK_ORDER)} END"
