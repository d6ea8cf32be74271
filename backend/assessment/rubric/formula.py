"""How a rubric item scores (DOMAIN.md section 5), exact in hundredths of a point.

Points for `occurrences = k`:
- BASE: max(base + per × k, base − cap); cap defaults to base, so the item never goes below 0
  unless the county says so. "10; else −10" is base 10, per −10, k = 1 when not done.
- BONUS: min(per × k, cap); no cap when null.
- DEDUCTION: max(per × k, −cap); per is negative; no cap when null.

The target score is max(0, the sum of the four parts). The functions take any object with an
item's numbers (`Scorable`: a `RubricItem`, or a test's stand-in), so the formula depends on
nothing else in the rubric.
"""

from __future__ import annotations

import enum
from collections.abc import Iterable
from typing import Protocol

from backend.assessment.common import MAX_OCCURRENCES, format_points


class ItemKind(enum.StrEnum):
    BASE = "base"  # points to keep, lost per occurrence
    BONUS = "bonus"  # points added per occurrence
    DEDUCTION = "deduction"  # points taken per occurrence


class Scorable(Protocol):
    """The numbers of an item that the formula reads."""

    @property
    def kind(self) -> ItemKind: ...
    @property
    def base_centi(self) -> int: ...
    @property
    def per_centi(self) -> int: ...
    @property
    def cap_centi(self) -> int | None: ...
    @property
    def unit(self) -> str: ...


def effective_cap(item: Scorable) -> int | None:
    """The cap in force: a BASE item's defaults to its base points."""
    return item.base_centi if item.kind is ItemKind.BASE and item.cap_centi is None else item.cap_centi


def points_for(item: Scorable, occurrences: int) -> int:
    """The formula, exact in hundredths."""
    raw = item.per_centi * occurrences
    cap = effective_cap(item)
    if item.kind is ItemKind.BASE:
        assert cap is not None
        return max(item.base_centi + raw, item.base_centi - cap)
    if item.kind is ItemKind.BONUS:
        return raw if cap is None else min(raw, cap)
    return raw if cap is None else max(raw, -cap)


def min_centi(item: Scorable) -> int | None:
    """The lowest points the item can give (None: no limit)."""
    cap = effective_cap(item)
    if item.kind is ItemKind.BASE:
        assert cap is not None
        return item.base_centi - cap
    if item.kind is ItemKind.BONUS:
        return 0
    return None if cap is None else -cap


def max_centi(item: Scorable) -> int | None:
    """The highest points the item can give (None: no limit)."""
    if item.kind is ItemKind.BASE:
        return item.base_centi
    if item.kind is ItemKind.BONUS:
        return item.cap_centi
    return 0


def occurrences_for(item: Scorable, centi: int) -> int | None:
    """The least occurrences for which the formula gives exactly `centi`, if any."""
    if item.kind is ItemKind.BASE:
        lost = item.base_centi - centi
    else:
        lost = -centi if item.kind is ItemKind.DEDUCTION else centi
    if lost < 0:
        return None
    k = -(-lost // abs(item.per_centi))  # ceil: exact, or the first count that reaches a cap or floor
    return k if k <= MAX_OCCURRENCES and points_for(item, k) == centi else None


def target_centi(part_sums: Iterable[int]) -> int:
    """The target score: the parts added up, never below 0."""
    return max(0, sum(part_sums))


def describe_formula(item: Scorable) -> str:
    """A one-line Chinese description of how the item scores, for exports and screens."""
    per = format_points(abs(item.per_centi))
    unit = item.unit or "次"
    if item.kind is ItemKind.BASE:
        floor = min_centi(item) or 0
        return f"基础分 {format_points(item.base_centi)}，每{unit}扣 {per} 分，最低 {format_points(floor)} 分"
    cap = effective_cap(item)
    limit = "不封顶" if cap is None else f"最多{'加' if item.kind is ItemKind.BONUS else '扣'} {format_points(cap)} 分"
    return f"每{unit}{'加' if item.kind is ItemKind.BONUS else '扣'} {per} 分，{limit}"
