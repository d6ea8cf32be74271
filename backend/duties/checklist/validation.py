"""Validation of a county's edited checklist (docs/DUTIES.md "The checklist as data").

`validate_checklist` returns checked items or refuses with INVALID_INPUT naming the field
(`items.3.kinds`) and, in the message, the item ("第 4 项「名称」：…"). Keys are stable: an edited
item names the key it had, a new item (no key) gets `item_<n>` with n never used in the county.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from backend.core.errors import InvalidInput
from backend.duties.checklist.items import (
    EVIDENCE_KINDS,
    PROBLEM,
    RULES,
    SINGLE_KIND,
    ChecklistItem,
    ChecklistRule,
    kind_label,
)

MAX_ITEMS = 20
MAX_LABEL = 30
MAX_NAME = 12
MAX_KINDS = len(EVIDENCE_KINDS)
_NEW_KEY = re.compile(r"^item_(\d+)$")


@dataclass(frozen=True)
class ChecklistItemDraft:
    """An item as the county sends it; `key` None for a new item."""

    key: str | None
    label: str
    kinds: Sequence[str]
    rule: ChecklistRule
    threshold: int


def check_name(name: str) -> str:
    trimmed = (name or "").strip()
    if not 1 <= len(trimmed) <= MAX_NAME:
        raise InvalidInput(f"清单名称须为 1 到 {MAX_NAME} 个字（如“八个一”）", field="name")
    return trimmed


def next_key_number(known_keys: Iterable[str]) -> int:
    """The n of the next `item_<n>`: one past every such key the county ever used."""
    numbers = [int(m.group(1)) for k in known_keys if (m := _NEW_KEY.match(k))]
    return max(numbers, default=0) + 1


def validate_checklist(drafts: Sequence[ChecklistItemDraft], known_keys: Iterable[str]) -> tuple[ChecklistItem, ...]:
    """Checked items, or InvalidInput naming the field and the item. `known_keys`: every key the
    county's versions (and the default) ever had — an input key must be one of them."""
    if not drafts:
        raise InvalidInput("履职清单至少须有一项", field="items")
    if len(drafts) > MAX_ITEMS:
        raise InvalidInput(f"履职清单最多 {MAX_ITEMS} 项", field="items")
    known = set(known_keys)
    number = next_key_number(known)
    labels: dict[str, int] = {}
    keys: dict[str, int] = {}
    items = []
    for index, draft in enumerate(drafts):
        item = _validate_item(index, draft, known)
        if item.label in labels:
            raise _fail(index, draft, "label", f"名称与第 {labels[item.label] + 1} 项重复")
        labels[item.label] = index
        if item.key:
            if item.key in keys:
                raise _fail(index, draft, "key", f"与第 {keys[item.key] + 1} 项是同一项（编号重复）")
            keys[item.key] = index
        items.append(item)
    result = []
    for item in items:
        if not item.key:
            item = ChecklistItem(f"item_{number}", item.label, item.kinds, item.rule, item.threshold)
            number += 1
        result.append(item)
    return tuple(result)


def _fail(index: int, draft: ChecklistItemDraft, field: str, message: str) -> InvalidInput:
    name = (draft.label or "").strip()
    where = f"第 {index + 1} 项" + (f"「{name[:MAX_LABEL]}」" if name else "")
    return InvalidInput(f"{where}：{message}", field=f"items.{index}.{field}")


def _validate_item(index: int, draft: ChecklistItemDraft, known: set[str]) -> ChecklistItem:
    key = (draft.key or "").strip()
    if draft.key is not None and key not in known:
        raise _fail(index, draft, "key", "编号未知：新增的项不填编号，修改的项保留原编号")
    label = (draft.label or "").strip()
    if not 1 <= len(label) <= MAX_LABEL:
        raise _fail(index, draft, "label", f"名称须为 1 到 {MAX_LABEL} 个字")
    kinds = [k.strip() for k in draft.kinds]
    if not kinds:
        raise _fail(index, draft, "kinds", "须至少选择一种佐证材料")
    unknown = [k for k in kinds if k not in EVIDENCE_KINDS]
    if unknown:
        raise _fail(index, draft, "kinds", f"佐证材料类型未知：{'、'.join(u[:20] for u in unknown[:3])}")
    if len(set(kinds)) != len(kinds):
        raise _fail(index, draft, "kinds", "佐证材料类型重复")
    rule = ChecklistRule(draft.rule)
    spec = RULES[rule]
    refused = [k for k in kinds if k not in spec.kinds]
    if refused:
        names = "、".join(kind_label(k) for k in refused)
        raise _fail(index, draft, "kinds", f"{_RULE_NAMES[rule]}不能以{names}为佐证（{_RULE_KINDS[rule]}）")
    if rule in SINGLE_KIND and len(kinds) != 1:
        raise _fail(index, draft, "kinds", f"{_RULE_NAMES[rule]}只能以{_RULE_KINDS[rule]}")
    if not spec.low <= draft.threshold <= spec.high:
        raise _fail(index, draft, "threshold", f"{spec.threshold_text}须在 {spec.low} 到 {spec.high} 之间")
    return ChecklistItem(key, label, tuple(kinds), rule, draft.threshold)


_RULE_NAMES: dict[ChecklistRule, str] = {
    ChecklistRule.ROSTER_COVERAGE: "农户覆盖率规则",
    ChecklistRule.MONTHLY_COUNT: "每月篇数规则",
    ChecklistRule.APPROVED_COUNT: "审核通过数量规则",
    ChecklistRule.SERVICE_CARD: "便民服务卡规则",
    ChecklistRule.LEDGER: "问题台账规则",
}
_RULE_KINDS: dict[ChecklistRule, str] = {
    ChecklistRule.ROSTER_COVERAGE: "只计走访农户、服务卡发放、结对帮扶、结对走访等对应到户的材料",
    ChecklistRule.MONTHLY_COUNT: "问题台账不按月计数",
    ChecklistRule.APPROVED_COUNT: "问题台账不经审核",
    ChecklistRule.SERVICE_CARD: f"{kind_label('service_card')}为佐证",
    ChecklistRule.LEDGER: f"{kind_label(PROBLEM)}为佐证",
}
