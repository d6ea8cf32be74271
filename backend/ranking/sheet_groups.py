"""Worksheet names and order for the ranking groups (`backend.ranking.groups` owns the
groups and their labels; a worksheet name has its own rules)."""

from __future__ import annotations

import re

from backend.core.errors import InvalidInput
from backend.core.xlsx_stream import SHEET_NAME_MAX
from backend.ranking.groups import ALL_GROUPS, parse_group_key

_SHEET_NAME_FORBIDDEN = re.compile(r"[\[\]:*?/\\']")
_ORDER = {group.key: index for index, group in enumerate(ALL_GROUPS)}


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
