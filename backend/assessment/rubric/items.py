"""A rubric as data: its items, the parts they belong to, and one county's rubric for a period.

An item in `rubric_versions.items` (JSON) is an object with the keys `key`, `part`, `group`,
`group_label`, `label`, `kind`, `base_centi`, `per_centi`, `cap_centi` (null: the default), `unit`
and `evidence` (null when the system proposes nothing); points are hundredths of a point. Read
them with `Rubric.from_row` / `RubricItem.from_json` rather than by hand. How an item scores is
`formula.py`.
"""

from __future__ import annotations

import enum
import hashlib
import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from backend.assessment.models import RubricVersion
from backend.assessment.rubric import formula
from backend.assessment.rubric.formula import ItemKind


class Part(enum.StrEnum):
    BASIC = "basic"  # 基本工作目标
    DISCIPLINE = "discipline"  # 工作规范与纪律
    RESULTS = "results"  # 工作实绩 (bonus only)
    ORG_UPGRADE = "org_upgrade"  # 组织晋位升级


PART_LABELS: dict[Part, str] = {
    Part.BASIC: "基本工作目标",
    Part.DISCIPLINE: "工作规范与纪律",
    Part.RESULTS: "工作实绩",
    Part.ORG_UPGRADE: "组织晋位升级",
}


class EvidenceKey(enum.StrEnum):
    """What the system can propose an item's occurrences from (see evidence.py)."""

    DIARY = "diary"  # work_diary filings: full months of the term this year below N entries
    RESEARCH_REPORT = "research_report"  # approved research_report filings this year
    COMMITTEE_MEETINGS = "committee_meetings"  # committee_meeting filings: weeks / months without one
    TALKS = "talks"  # talk filings: categories (cadres, members, applicants) not talked with
    TALK_REQUESTS = "talk_requests"  # talk filings made at the person's request
    PAIRING = "pairing"  # pairing filings: households missing from the required number
    PAIRING_VISITS = "pairing_visits"  # pairing_visit filings: paired households not visited this year
    ORG_GAINED = "org_gained"  # org_class_records: classes gained against the latest earlier period
    ORG_LOST = "org_lost"  # org_class_records: classes lost


@dataclass(frozen=True)
class RubricItem:
    key: str
    part: Part
    group: str
    group_label: str
    label: str
    kind: ItemKind
    base_centi: int
    per_centi: int
    cap_centi: int | None
    unit: str
    evidence: EvidenceKey | None = None

    @property
    def effective_cap(self) -> int | None:
        return formula.effective_cap(self)

    def points_for(self, occurrences: int) -> int:
        """The formula, exact in hundredths."""
        return formula.points_for(self, occurrences)

    @property
    def min_centi(self) -> int | None:
        """The lowest points the item can give (None: no limit)."""
        return formula.min_centi(self)

    @property
    def max_centi(self) -> int | None:
        """The highest points the item can give (None: no limit)."""
        return formula.max_centi(self)

    def to_json(self) -> dict[str, Any]:
        return {
            "key": self.key,
            "part": self.part.value,
            "group": self.group,
            "group_label": self.group_label,
            "label": self.label,
            "kind": self.kind.value,
            "base_centi": self.base_centi,
            "per_centi": self.per_centi,
            "cap_centi": self.cap_centi,
            "unit": self.unit,
            "evidence": self.evidence.value if self.evidence else None,
        }

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> RubricItem:
        return cls(
            key=data["key"],
            part=Part(data["part"]),
            group=data["group"],
            group_label=data["group_label"],
            label=data["label"],
            kind=ItemKind(data["kind"]),
            base_centi=int(data["base_centi"]),
            per_centi=int(data["per_centi"]),
            cap_centi=None if data.get("cap_centi") is None else int(data["cap_centi"]),
            unit=data.get("unit") or "",
            evidence=EvidenceKey(data["evidence"]) if data.get("evidence") else None,
        )


def canonical_json(items: Sequence[RubricItem]) -> str:
    return json.dumps([i.to_json() for i in items], sort_keys=True, ensure_ascii=False, separators=(",", ":"))


def digest(items: Sequence[RubricItem]) -> str:
    return hashlib.sha256(canonical_json(items).encode()).hexdigest()


@dataclass(frozen=True)
class Rubric:
    """A county's rubric for a period: a saved version, or the template not saved yet (then
    `saved` is false and `version` is 1, the number it will be saved under)."""

    county_id: int
    period: str
    version: int
    items: tuple[RubricItem, ...]
    saved: bool
    id: int | None = None
    created_at: datetime | None = None
    created_by: int | None = None

    @property
    def sha256(self) -> str:
        return digest(self.items)

    @property
    def by_key(self) -> dict[str, RubricItem]:
        return {item.key: item for item in self.items}

    @property
    def base_total_centi(self) -> int:
        """What a secretary with every BASE item done and nothing else scores (100 by default)."""
        return sum(i.base_centi for i in self.items if i.kind is ItemKind.BASE)

    @classmethod
    def from_row(cls, row: RubricVersion) -> Rubric:
        return cls(
            county_id=row.county_id,
            period=row.period,
            version=row.version,
            items=tuple(RubricItem.from_json(i) for i in row.items),
            saved=True,
            id=row.id,
            created_at=row.created_at,
            created_by=row.created_by,
        )


def sums(rubric: Rubric, scores: Mapping[str, int]) -> tuple[dict[Part, int], int, int]:
    """Part sums, target (never below 0) and the number of rubric items scored."""
    by_part = dict.fromkeys(Part, 0)
    scored = 0
    for item in rubric.items:
        if item.key in scores:
            by_part[item.part] += scores[item.key]
            scored += 1
    return by_part, formula.target_centi(by_part.values()), scored
