"""The checklist as data: its items, the completion rules the product understands, the evidence
kinds an item may count, and one county's `Checklist` version.

An item in `duty_checklists.items` (JSON) is an object with the keys `key`, `label`, `kinds` (evidence
kinds: `FilingKind` values, or `problem` for the problem ledger), `rule` (a `ChecklistRule` value)
and `threshold` (its meaning depends on the rule, see RULES). Read them with `Checklist.from_row` /
`ChecklistItem.from_json` rather than by hand. How an item is counted is backend/duties/progress.py.
"""

from __future__ import annotations

import enum
import hashlib
import json
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from backend.duties.models import DutyChecklistVersion
from backend.filings.bodies import KIND_LABELS
from backend.filings.models import FilingKind

PROBLEM = "problem"  # the problem ledger's evidence kind (problems are not filings)


class ChecklistRule(enum.StrEnum):
    ROSTER_COVERAGE = "roster_coverage"  # distinct households of counted filings ÷ village roster ≥ target %
    MONTHLY_COUNT = "monthly_count"  # ≥ N counted filings in every full calendar month of the term so far
    APPROVED_COUNT = "approved_count"  # ≥ N approved filings in the term
    SERVICE_CARD = "service_card"  # the card exists and its distribution covers ≥ target % of the roster
    LEDGER = "ledger"  # ≥ N problems in the village ledger (resolution rate shown)


@dataclass(frozen=True)
class RuleSpec:
    low: int
    high: int
    threshold_text: str  # what the threshold is, for refusals: "目标比例（%）"
    kinds: frozenset[str]  # the evidence kinds the rule can count


HOUSEHOLD_KINDS = frozenset(
    {FilingKind.HOUSEHOLD_VISIT, FilingKind.SERVICE_CARD, FilingKind.PAIRING, FilingKind.PAIRING_VISIT}
)
FILING_KINDS = frozenset(k.value for k in FilingKind)
RULES: dict[ChecklistRule, RuleSpec] = {
    ChecklistRule.ROSTER_COVERAGE: RuleSpec(1, 100, "目标覆盖比例（%）", frozenset(str(k) for k in HOUSEHOLD_KINDS)),
    ChecklistRule.MONTHLY_COUNT: RuleSpec(1, 31, "每月篇数", FILING_KINDS),
    ChecklistRule.APPROVED_COUNT: RuleSpec(1, 100, "要求数量", FILING_KINDS),
    ChecklistRule.SERVICE_CARD: RuleSpec(1, 100, "目标发放比例（%）", frozenset({FilingKind.SERVICE_CARD.value})),
    ChecklistRule.LEDGER: RuleSpec(1, 1000, "问题最少条数", frozenset({PROBLEM})),
}
# Rules whose evidence is exactly one kind (the card, the ledger): they cannot count anything else.
SINGLE_KIND = {ChecklistRule.SERVICE_CARD, ChecklistRule.LEDGER}
EVIDENCE_KINDS: tuple[str, ...] = (*(k.value for k in FilingKind), PROBLEM)


def kind_label(kind: str) -> str:
    return "问题台账" if kind == PROBLEM else KIND_LABELS[FilingKind(kind)]


def rules_for_kind(kind: str) -> list[ChecklistRule]:
    """The rules an item counting `kind` may use, in the enum's order."""
    return [rule for rule, spec in RULES.items() if kind in spec.kinds]


@dataclass(frozen=True)
class ChecklistItem:
    key: str
    label: str
    kinds: tuple[str, ...]
    rule: ChecklistRule
    threshold: int

    @property
    def kind_labels(self) -> list[str]:
        return [kind_label(k) for k in self.kinds]

    @property
    def rule_text(self) -> str:
        """The rule in words: "覆盖全村 100% 农户", "每个完整月份至少 4 篇", "通过审核 1 项"."""
        n = self.threshold
        if self.rule is ChecklistRule.ROSTER_COVERAGE:
            return f"覆盖全村 {n}% 农户"
        if self.rule is ChecklistRule.MONTHLY_COUNT:
            return f"每个完整月份至少 {n} {self.unit}"
        if self.rule is ChecklistRule.APPROVED_COUNT:
            return f"通过审核 {n} 项"
        if self.rule is ChecklistRule.SERVICE_CARD:
            return f"生成服务卡并发放到全村 {n}% 农户"
        return f"台账至少 {n} 条问题，并显示解决率"

    @property
    def unit(self) -> str:
        """The measure word of a monthly count: 篇 for diaries and reports, 次 otherwise."""
        return "篇" if set(self.kinds) <= {FilingKind.WORK_DIARY, FilingKind.RESEARCH_REPORT} else "次"

    def to_json(self) -> dict[str, Any]:
        return {
            "key": self.key,
            "label": self.label,
            "kinds": list(self.kinds),
            "rule": self.rule.value,
            "threshold": self.threshold,
        }

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> ChecklistItem:
        return cls(
            key=str(data["key"]),
            label=str(data["label"]),
            kinds=tuple(str(k) for k in data["kinds"]),
            rule=ChecklistRule(data["rule"]),
            threshold=int(data["threshold"]),
        )


def digest(name: str, effective_from: date, items: Sequence[ChecklistItem]) -> str:
    body = {"name": name, "effective_from": effective_from.isoformat(), "items": [i.to_json() for i in items]}
    canonical = json.dumps(body, sort_keys=True, ensure_ascii=False, separators=(",", ":"))
    return hashlib.sha256(canonical.encode()).hexdigest()


@dataclass(frozen=True)
class Checklist:
    """A county's checklist: a saved version, or the built-in default not saved yet (then `saved`
    is false and `version` is 1, the number it will be saved under)."""

    county_id: int
    version: int
    name: str
    effective_from: date
    items: tuple[ChecklistItem, ...]
    saved: bool = True
    created_at: datetime | None = None

    @property
    def sha256(self) -> str:
        return digest(self.name, self.effective_from, self.items)

    @property
    def by_key(self) -> dict[str, ChecklistItem]:
        return {item.key: item for item in self.items}

    @property
    def diary_item(self) -> ChecklistItem | None:
        """The monthly item counting work-diary entries (记好一本工作日志), if the checklist has one:
        the home's diary figure and the rubric's diary proposal read its threshold."""
        return next(
            (i for i in self.items if i.rule is ChecklistRule.MONTHLY_COUNT and FilingKind.WORK_DIARY.value in i.kinds),
            None,
        )

    @classmethod
    def from_row(cls, row: DutyChecklistVersion) -> Checklist:
        return cls(
            county_id=row.county_id,
            version=row.version,
            name=row.name,
            effective_from=row.effective_from,
            items=tuple(ChecklistItem.from_json(i) for i in row.items),
            created_at=row.created_at,
        )
