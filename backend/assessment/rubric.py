"""The target-assessment rubric as data (DOMAIN.md section 5): the default items, the points
formula, validation of a county's edits, and the immutable versions a county saves per period.

An item in `rubric_versions.items` (JSON) is an object with the keys `key`, `part`, `group`,
`group_label`, `label`, `kind`, `base_centi`, `per_centi`, `cap_centi` (null: the default), `unit`
and `evidence` (null when the system proposes nothing); points are hundredths of a point. Read
them with `Rubric.from_row` / `RubricItem.from_json` rather than by hand.

Points for `occurrences = k` (all integers, so exact):
- BASE: max(base + per × k, base − cap); cap defaults to base, so the item never goes below 0
  unless the county says so. "10; else −10" is base 10, per −10, k = 1 when not done.
- BONUS: min(per × k, cap); no cap when null.
- DEDUCTION: max(per × k, −cap); per is negative; no cap when null.
"""

from __future__ import annotations

import enum
import hashlib
import json
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from backend.assessment.common import MAX_ABS_CENTI, Period, format_points, parse_period, to_centi
from backend.assessment.models import RubricVersion
from backend.audit import trail as audit
from backend.auth.actor import Actor
from backend.core.errors import InvalidInput, StaleVersion
from backend.org.access import STAFF_ROLES, require_role
from backend.org.models import Role


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


class ItemKind(enum.StrEnum):
    BASE = "base"  # points to keep, lost per occurrence
    BONUS = "bonus"  # points added per occurrence
    DEDUCTION = "deduction"  # points taken per occurrence


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


MAX_ITEMS = 200
MAX_BASE_CENTI = 100_00
MAX_PER_CENTI = 100_00
MAX_CAP_CENTI = 1000_00
_KEY = re.compile(r"^[a-z][a-z0-9_]*(\.[a-z0-9_]+)*$")
_GROUP = re.compile(r"^[a-z][a-z0-9_]*$")


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
        return self.base_centi if self.kind is ItemKind.BASE and self.cap_centi is None else self.cap_centi

    def points_for(self, occurrences: int) -> int:
        """The formula, exact in hundredths."""
        raw = self.per_centi * occurrences
        cap = self.effective_cap
        if self.kind is ItemKind.BASE:
            assert cap is not None
            return max(self.base_centi + raw, self.base_centi - cap)
        if self.kind is ItemKind.BONUS:
            return raw if cap is None else min(raw, cap)
        return raw if cap is None else max(raw, -cap)

    @property
    def min_centi(self) -> int | None:
        """The lowest points the item can give (None: no limit)."""
        cap = self.effective_cap
        if self.kind is ItemKind.BASE:
            assert cap is not None
            return self.base_centi - cap
        if self.kind is ItemKind.BONUS:
            return 0
        return None if cap is None else -cap

    @property
    def max_centi(self) -> int | None:
        """The highest points the item can give (None: no limit)."""
        if self.kind is ItemKind.BASE:
            return self.base_centi
        if self.kind is ItemKind.BONUS:
            return self.cap_centi
        return 0

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


# --- the default rubric (Jiaozhou rules, DOMAIN.md section 5) ----------------------------------


def _base(key: str, label: str, points: int, per: int, unit: str, *, cap: int | None = None, evidence=None):  # type: ignore[no-untyped-def]
    return (key, label, ItemKind.BASE, points * 100, per * 100, None if cap is None else cap * 100, unit, evidence)


def _bonus(key: str, label: str, per: int, unit: str, *, cap: int | None = None, evidence=None):  # type: ignore[no-untyped-def]
    return (key, label, ItemKind.BONUS, 0, per * 100, None if cap is None else cap * 100, unit, evidence)


def _deduction(key: str, label: str, per: int, unit: str, *, cap: int | None = None, evidence=None):  # type: ignore[no-untyped-def]
    return (key, label, ItemKind.DEDUCTION, 0, -per * 100, None if cap is None else cap * 100, unit, evidence)


_NOT_DONE = "未完成"  # the unit of "10; else −10" items: one occurrence = not done

_DEFAULT: list[tuple[Part, str, str, list[tuple[Any, ...]]]] = [
    (
        Part.BASIC,
        "team_building",
        "班子建设",
        [
            _base("team_building.study", "组织学习干部作风纪律规定（未组织学习扣5分）", 10, -5, _NOT_DONE, cap=5),
            _deduction("team_building.unity", "班子团结，存在严重矛盾未解决的视情况扣1–5分", 1, "分", cap=5),
            _base("team_building.training", "年内组织党员干部集中培训一次（未开展扣10分）", 10, -10, _NOT_DONE),
            _bonus("team_building.study_tour", "组织外出考察学习或技能培训（每次加5分）", 5, "次"),
            _bonus(
                "team_building.new_secretary", "为软弱涣散村引进群众认可的新任村党组织书记（加20分）", 20, "人", cap=20
            ),
        ],
    ),
    (
        Part.BASIC,
        "development_plan",
        "发展规划",
        [
            _base("development_plan.income", "制定村集体增收和农民增收发展规划（未制定扣10分）", 10, -10, _NOT_DONE),
            _base("development_plan.annual", "制定具体的年度工作计划（未制定扣5分）", 5, -5, _NOT_DONE),
        ],
    ),
    (
        Part.BASIC,
        "rule_keeping",
        "规范运行",
        [
            _base(
                "rule_keeping.procedure",
                "重大事项按“四议一审两公开”决策、发展党员程序记录完整（每违规一次扣5分）",
                15,
                -5,
                "次",
            ),
            _base("rule_keeping.democracy_day", "每月开展“民主日”活动（每缺一个月扣1分）", 10, -1, "个月"),
            _bonus("rule_keeping.member_review", "建立党员年度评议制度（加3分）", 3, "项", cap=3),
            _bonus("rule_keeping.member_credit", "建立党员信用评级制度（加3分）", 3, "项", cap=3),
        ],
    ),
    (
        Part.BASIC,
        "venue",
        "阵地建设",
        [
            _bonus("venue.equipment", "新购置办公设备（加6分）", 6, "项", cap=6),
            _bonus("venue.investment", "投入村级阵地建设（每1万元加5分）", 5, "万元"),
        ],
    ),
    (
        Part.BASIC,
        "service",
        "便民服务",
        [_bonus("service.agency_point", "设立便民代办服务点（加3分）", 3, "个", cap=3)],
    ),
    (
        Part.DISCIPLINE,
        "research",
        "驻村调研",
        [
            _base(
                "research.diary",
                "坚持记民情日记，每月达到规定篇数（每缺一个月扣1分）",
                4,
                -1,
                "个月",
                evidence=EvidenceKey.DIARY,
            ),
            _base(
                "research.report",
                "每年形成一篇高质量调研报告（未形成扣4分）",
                4,
                -4,
                _NOT_DONE,
                evidence=EvidenceKey.RESEARCH_REPORT,
            ),
        ],
    ),
    (
        Part.DISCIPLINE,
        "meetings",
        "工作例会",
        [
            _base(
                "meetings.committee",
                "按要求召开村工作例会（脱产驻村每周一次、非脱产联村每月一次；每缺一次扣1分）",
                8,
                -1,
                "次",
                evidence=EvidenceKey.COMMITTEE_MEETINGS,
            )
        ],
    ),
    (
        Part.DISCIPLINE,
        "village_meetings",
        "参加村级会议",
        [_base("village_meetings.attendance", "按要求参加村级会议（每缺一次扣2分）", 8, -2, "次")],
    ),
    (
        Part.DISCIPLINE,
        "talks",
        "谈心谈话",
        [
            _base(
                "talks.coverage",
                "与村干部、党员、入党积极分子普遍谈心谈话（每缺一类扣2分）",
                5,
                -2,
                "类",
                evidence=EvidenceKey.TALKS,
            ),
            _base(
                "talks.requests",
                "主动接受党员群众约谈（未做到扣3分）",
                3,
                -3,
                _NOT_DONE,
                evidence=EvidenceKey.TALK_REQUESTS,
            ),
        ],
    ),
    (
        Part.DISCIPLINE,
        "pairing",
        "结对帮扶",
        [
            _base("pairing.paired", "结对帮扶困难户（每少一户扣3分）", 8, -3, "户", evidence=EvidenceKey.PAIRING),
            _deduction(
                "pairing.visited", "走访结对帮扶户（每户未走访扣2分）", 2, "户", evidence=EvidenceKey.PAIRING_VISITS
            ),
            _bonus("pairing.student_aid", "帮助困难学生获得助学（加4分）", 4, "项", cap=4),
            _bonus("pairing.jobs", "帮助困难群众就业（每人加5分）", 5, "人"),
            _bonus("pairing.income_projects", "为结对户引进增收项目（每个加8分）", 8, "个"),
            _bonus("pairing.relief", "帮助申请救助（每次加3分）", 3, "次"),
        ],
    ),
    (
        Part.DISCIPLINE,
        "discipline",
        "纪律要求",
        [
            _deduction("discipline.prohibitions", "违反“六个严禁”（每次扣5分）", 5, "次"),
            _deduction("discipline.prohibitions_serious", "违反“六个严禁”情节严重（每次扣10分）", 10, "次"),
            _deduction("discipline.complaints", "因工作方法不当被群众投诉并查实（每次扣5分）", 5, "次"),
            _deduction(
                "discipline.complaints_serious", "因工作方法不当被群众投诉并查实、情节严重（每次扣10分）", 10, "次"
            ),
        ],
    ),
    (
        Part.RESULTS,
        "funding",
        "争取资金物资",
        [
            _bonus("results.materials", "争取物资、资金用于村级建设（每1万元加5分）", 5, "万元"),
            _bonus("results.policy_funds", "争取政策性资金（每1万元加2分）", 2, "万元"),
        ],
    ),
    (
        Part.RESULTS,
        "projects",
        "引进项目",
        [
            _bonus("results.project_class1", "引进一类工业或农业项目（每个加40分）", 40, "个"),
            _bonus("results.project_class2", "引进二类工业或农业项目（每个加30分）", 30, "个"),
            _bonus("results.project_class3", "引进三类工业或农业项目（每个加20分）", 20, "个"),
            _bonus("results.project_class4", "引进四类工业或农业项目（每个加10分）", 10, "个"),
        ],
    ),
    (
        Part.RESULTS,
        "demo_bases",
        "示范基地",
        [_bonus("results.demo_base", "建立示范基地（每个加10分）", 10, "个")],
    ),
    (
        Part.ORG_UPGRADE,
        "org_class",
        "组织晋位升级",
        [
            _bonus(
                "org_upgrade.gained",
                "村党组织晋升等次（由B、C、D级晋升，每升一级加10分）",
                10,
                "级",
                evidence=EvidenceKey.ORG_GAINED,
            ),
            _deduction(
                "org_upgrade.lost",
                "村党组织降低等次（由A、B、C级下降，每降一级扣10分）",
                10,
                "级",
                evidence=EvidenceKey.ORG_LOST,
            ),
        ],
    ),
]

DEFAULT_ITEMS: tuple[RubricItem, ...] = tuple(
    RubricItem(
        key=key,
        part=part,
        group=group,
        group_label=group_label,
        label=label,
        kind=kind,
        base_centi=base,
        per_centi=per,
        cap_centi=cap,
        unit=unit,
        evidence=evidence,
    )
    for part, group, group_label, entries in _DEFAULT
    for key, label, kind, base, per, cap, unit, evidence in entries
)


# --- validation of an edited rubric -------------------------------------------------------------


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


def describe_formula(item: RubricItem) -> str:
    """A one-line Chinese description of how the item scores, for exports and screens."""
    per = format_points(abs(item.per_centi))
    unit = item.unit or "次"
    if item.kind is ItemKind.BASE:
        floor = item.min_centi or 0
        return f"基础分 {format_points(item.base_centi)}，每{unit}扣 {per} 分，最低 {format_points(floor)} 分"
    cap = item.effective_cap
    limit = "不封顶" if cap is None else f"最多{'加' if item.kind is ItemKind.BONUS else '扣'} {format_points(cap)} 分"
    return f"每{unit}{'加' if item.kind is ItemKind.BONUS else '扣'} {per} 分，{limit}"


# --- versions -----------------------------------------------------------------------------------


async def latest_saved(session: AsyncSession, county_id: int, period: str) -> Rubric | None:
    row = (
        await session.scalars(
            select(RubricVersion)
            .where(RubricVersion.county_id == county_id, RubricVersion.period == period)
            .order_by(RubricVersion.version.desc())
            .limit(1)
        )
    ).first()
    return Rubric.from_row(row) if row else None


async def county_rubric(session: AsyncSession, county_id: int, period: Period) -> Rubric:
    """The latest saved version for the period; else the template the first write will save as
    version 1: the county's latest version of the latest earlier period, else the default. One query."""
    row = (
        await session.scalars(
            select(RubricVersion)
            .where(RubricVersion.county_id == county_id, RubricVersion.period <= period.text)
            .order_by(RubricVersion.period.desc(), RubricVersion.version.desc())
            .limit(1)
        )
    ).first()
    if row is not None and row.period == period.text:
        return Rubric.from_row(row)
    items = tuple(RubricItem.from_json(i) for i in row.items) if row else DEFAULT_ITEMS
    return Rubric(county_id=county_id, period=period.text, version=1, items=items, saved=False)


async def rubrics_by_id(session: AsyncSession, ids: Iterable[int]) -> dict[int, Rubric]:
    wanted = set(ids)
    if not wanted:
        return {}
    rows = await session.scalars(select(RubricVersion).where(RubricVersion.id.in_(wanted)))
    return {row.id: Rubric.from_row(row) for row in rows}


async def ensure_saved(session: AsyncSession, actor: Actor | None, county_id: int, period: Period) -> Rubric:
    """The current rubric, saved: the first write of a period saves the template as version 1."""
    current = await county_rubric(session, county_id, period)
    if current.saved:
        return current
    saved = await _insert_version(session, actor, county_id, period, 1, current.items, action="created")
    if saved is None:  # another request saved version 1 first
        raced = await latest_saved(session, county_id, period.text)
        assert raced is not None
        return raced
    return saved


async def _insert_version(
    session: AsyncSession,
    actor: Actor | None,
    county_id: int,
    period: Period,
    version: int,
    items: Sequence[RubricItem],
    *,
    action: str,
    detail: dict[str, Any] | None = None,
) -> Rubric | None:
    """Insert a version in a savepoint; None when that version number is already taken."""
    row = RubricVersion(
        county_id=county_id,
        period=period.text,
        version=version,
        items=[i.to_json() for i in items],
        sha256=digest(items),
        created_by=actor.user_id if actor else None,
    )
    try:
        async with session.begin_nested():
            session.add(row)
            await session.flush()
    except IntegrityError:
        return None
    audit.record(
        session,
        actor,
        county_id=county_id,
        entity="rubric",
        entity_id=row.id,
        action=action,
        version=version,
        detail={"period": period.text, "sha256": row.sha256, **(detail or {})},
    )
    await session.flush()
    return Rubric.from_row(row)


async def rubric_for(session: AsyncSession, actor: Actor | None, period: str) -> Rubric:
    """Staff: the caller's county's rubric for the period (the template when none is saved)."""
    actor = require_role(actor, *STAFF_ROLES)
    return await county_rubric(session, actor.county_id, parse_period(period))


async def rubric_versions(session: AsyncSession, actor: Actor | None, period: str) -> list[Rubric]:
    """County: every saved version for the period, newest first."""
    actor = require_role(actor, Role.COUNTY)
    parsed = parse_period(period)
    rows = await session.scalars(
        select(RubricVersion)
        .where(RubricVersion.county_id == actor.county_id, RubricVersion.period == parsed.text)
        .order_by(RubricVersion.version.desc())
    )
    return [Rubric.from_row(row) for row in rows]


async def update_rubric(
    session: AsyncSession,
    actor: Actor | None,
    period: str,
    based_on_version: int,
    drafts: Sequence[RubricItemDraft],
) -> Rubric:
    """County: save an edited rubric as a new version. Assessments already made keep the version
    they were made with. STALE_VERSION when `based_on_version` is not the latest."""
    actor = require_role(actor, Role.COUNTY)
    parsed = parse_period(period)
    items = validate_items(drafts)
    current = await ensure_saved(session, actor, actor.county_id, parsed)
    if based_on_version != current.version:
        raise _stale(current.version)
    if digest(items) == current.sha256:
        return current  # nothing changed: no new version
    before, after = current.by_key, {i.key: i for i in items}
    changes = {
        "added": sorted(after.keys() - before.keys()),
        "removed": sorted(before.keys() - after.keys()),
        "changed": sorted(k for k in after.keys() & before.keys() if after[k] != before[k]),
    }
    saved = await _insert_version(
        session, actor, actor.county_id, parsed, current.version + 1, items, action="updated", detail=changes
    )
    if saved is None:
        latest = await session.scalar(
            select(func.max(RubricVersion.version)).where(
                RubricVersion.county_id == actor.county_id, RubricVersion.period == parsed.text
            )
        )
        raise _stale(int(latest or current.version))
    return saved


def _stale(current: int) -> StaleVersion:
    exc = StaleVersion(f"考评细则已被他人修改（当前版本 {current}），请刷新后再改", current_version=current)
    exc.field = "basedOnVersion"
    return exc


__all__ = [
    "DEFAULT_ITEMS",
    "MAX_ABS_CENTI",
    "PART_LABELS",
    "EvidenceKey",
    "ItemKind",
    "Part",
    "Rubric",
    "RubricItem",
    "RubricItemDraft",
    "county_rubric",
    "describe_formula",
    "digest",
    "ensure_saved",
    "rubric_for",
    "rubric_versions",
    "rubrics_by_id",
    "update_rubric",
    "validate_items",
]
