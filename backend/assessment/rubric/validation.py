"""Validation of a county's edited rubric (docs/ASSESSMENT.md "The rubric as data").

The county sends points as numbers and enums as their values; `validate_items` returns checked
items in hundredths or refuses with INVALID_INPUT naming the field (`items[3].perOccurrence`) and,
in the message, the item ("第 4 项「名称」：…").
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

from backend.assessment.common import to_centi
from backend.assessment.rubric.formula import ItemKind
from backend.assessment.rubric.items import EvidenceKey, Part, RubricItem
from backend.core.errors import InvalidInput

MAX_ITEMS = 200
MAX_BASE_CENTI = 100_00
MAX_PER_CENTI = 100_00
MAX_CAP_CENTI = 1000_00
_KEY = re.compile(r"^[a-z][a-z0-9_]*(\.[a-z0-9_]+)*$")
_GROUP = re.compile(r"^[a-z][a-z0-9_]*$")


@dataclass(frozen=True)
class RubricItemDraft:
    """An item as the county sends it: points as numbers, enums as their values."""

    key: str
    part: str
    group: str
    group_label: str
    label: str
    kind: str
    base_points: float
    per_occurrence: float
    cap: float | None
    unit: str
    evidence: str | None = None


def validate_items(drafts: Sequence[RubricItemDraft]) -> tuple[RubricItem, ...]:
    """Checked items, or InvalidInput naming the field (`items[3].perOccurrence`) and the item."""
    if not drafts:
        raise InvalidInput("考评细则至少须有一项", field="items")
    if len(drafts) > MAX_ITEMS:
        raise InvalidInput(f"考评细则最多 {MAX_ITEMS} 项", field="items")
    seen: dict[str, int] = {}
    items = []
    for index, draft in enumerate(drafts):
        item = _validate_item(index, draft)
        if item.key in seen:
            raise InvalidInput(
                f"第 {index + 1} 项：编号「{item.key}」与第 {seen[item.key] + 1} 项重复", field=f"items[{index}].key"
            )
        seen[item.key] = index
        items.append(item)
    return tuple(items)


def _validate_item(index: int, draft: RubricItemDraft) -> RubricItem:
    def fail(field: str, message: str) -> InvalidInput:
        name = (draft.label or "").strip() or (draft.key or "").strip()
        where = f"第 {index + 1} 项" + (f"「{name[:20]}」" if name else "")
        return InvalidInput(f"{where}：{message}", field=f"items[{index}].{field}")

    key = (draft.key or "").strip()
    if not key or len(key) > 64 or not _KEY.match(key):
        raise fail("key", "编号须为小写英文字母、数字、下划线，以点分隔（如 team_building.study），不超过 64 位")
    try:
        part = Part(draft.part)
    except ValueError:
        raise fail("part", "所属部分未知") from None
    try:
        kind = ItemKind(draft.kind)
    except ValueError:
        raise fail("kind", "计分方式未知") from None
    group = (draft.group or "").strip()
    if not group or len(group) > 40 or not _GROUP.match(group):
        raise fail("group", "分组编号须为小写英文字母、数字、下划线，不超过 40 位")
    group_label = (draft.group_label or "").strip()
    if not group_label or len(group_label) > 50:
        raise fail("groupLabel", "分组名称不能为空，且不超过 50 个字")
    label = (draft.label or "").strip()
    if not label or len(label) > 200:
        raise fail("label", "名称不能为空，且不超过 200 个字")
    unit = (draft.unit or "").strip()
    if len(unit) > 20:
        raise fail("unit", "单位不超过 20 个字")
    evidence = None
    if draft.evidence:
        try:
            evidence = EvidenceKey(draft.evidence)
        except ValueError:
            raise fail("evidence", f"系统佐证「{draft.evidence}」未知") from None
    base = _centi(draft.base_points, index, "basePoints", "基础分")
    per = _centi(draft.per_occurrence, index, "perOccurrence", "每次分值")
    cap = None if draft.cap is None else _centi(draft.cap, index, "cap", "封顶分")
    if kind is ItemKind.BASE:
        if not 0 < base <= MAX_BASE_CENTI:
            raise fail("basePoints", f"基础分须大于 0 且不超过 {MAX_BASE_CENTI // 100} 分")
        if not -MAX_PER_CENTI <= per < 0:
            raise fail("perOccurrence", f"基础分项的每次分值须为负数（扣分），且不低于 -{MAX_PER_CENTI // 100} 分")
    else:
        if base != 0:
            raise fail("basePoints", "加分项、扣分项的基础分须为 0")
        if kind is ItemKind.BONUS and not 0 < per <= MAX_PER_CENTI:
            raise fail("perOccurrence", f"加分项的每次分值须为正数，且不超过 {MAX_PER_CENTI // 100} 分")
        if kind is ItemKind.DEDUCTION and not -MAX_PER_CENTI <= per < 0:
            raise fail("perOccurrence", f"扣分项的每次分值须为负数，且不低于 -{MAX_PER_CENTI // 100} 分")
    if cap is not None and not 0 < cap <= MAX_CAP_CENTI:
        raise fail("cap", f"封顶分须大于 0 且不超过 {MAX_CAP_CENTI // 100} 分（不封顶请留空）")
    return RubricItem(key, part, group, group_label, label, kind, base, per, cap, unit, evidence)


def _centi(value: float | None, index: int, field: str, label: str) -> int:
    if value is None:
        raise InvalidInput(f"第 {index + 1} 项：请填写{label}", field=f"items[{index}].{field}")
    try:
        return to_centi(value, f"items[{index}].{field}", label)
    except InvalidInput as exc:
        raise InvalidInput(f"第 {index + 1} 项：{exc.message}", field=exc.field) from exc
