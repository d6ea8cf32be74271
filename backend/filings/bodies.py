"""What each kind of filing carries in its body, and whether it names a household."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from backend.core.errors import InvalidInput
from backend.filings.models import FilingKind

KIND_LABELS: dict[FilingKind, str] = {
    FilingKind.HOUSEHOLD_VISIT: "走访农户",
    FilingKind.WORK_DIARY: "工作日志",
    FilingKind.SERVICE_CARD: "服务卡发放",
    FilingKind.RESEARCH_REPORT: "调研报告",
    FilingKind.PARTY_LECTURE: "主题党课",
    FilingKind.TECH_TRAINING: "农技培训",
    FilingKind.STARTUP_PROJECT: "创业项目",
    FilingKind.TERM_GOALS: "任期目标",
    FilingKind.PLEDGE: "履职承诺",
    FilingKind.PAIRING: "结对帮扶",
    FilingKind.PAIRING_VISIT: "结对走访",
    FilingKind.COMMITTEE_MEETING: "村工作例会",
    FilingKind.SELF_REPORT: "述职报告",
    FilingKind.TALK: "谈心谈话",
}

# Whom a secretary talked with (谈心谈话对象); the first three must all be covered (DOMAIN.md section 5).
TALK_CATEGORIES: dict[str, str] = {
    "cadre": "村干部",
    "member": "党员",
    "applicant": "入党积极分子",
    "villager": "群众",
}


@dataclass(frozen=True)
class _Field:
    name: str
    label: str
    kind: type = str
    required: bool = True
    max_length: int = 5000
    choices: tuple[tuple[str, str], ...] = ()  # for str fields: the allowed (value, label) pairs


@dataclass(frozen=True)
class _Spec:
    fields: tuple[_Field, ...]
    needs_household: bool = False


_TEXT = 5000
SPECS: dict[FilingKind, _Spec] = {
    FilingKind.HOUSEHOLD_VISIT: _Spec((_Field("notes", "走访情况", required=False),), needs_household=True),
    FilingKind.WORK_DIARY: _Spec((_Field("content", "日志内容"),)),
    FilingKind.SERVICE_CARD: _Spec((), needs_household=True),
    FilingKind.RESEARCH_REPORT: _Spec(
        (_Field("topic", "调研题目", max_length=200), _Field("content", "报告内容", max_length=50000))
    ),
    FilingKind.PARTY_LECTURE: _Spec(
        (
            _Field("topic", "党课主题", max_length=200),
            _Field("place", "地点", max_length=200),
            _Field("attendeeCount", "参加人数", int),
        )
    ),
    FilingKind.TECH_TRAINING: _Spec(
        (
            _Field("topic", "培训主题", max_length=200),
            _Field("trainer", "授课人", max_length=100),
            _Field("attendeeCount", "参加人数", int),
        )
    ),
    FilingKind.STARTUP_PROJECT: _Spec(
        (
            _Field("name", "项目名称", max_length=200),
            _Field("investmentYuan", "投资额（元）", int),
            _Field("beneficiaries", "受益人数", int),
            _Field("milestones", "进度节点", required=False),
            _Field("projectStatus", "项目状态", max_length=100),
        )
    ),
    FilingKind.TERM_GOALS: _Spec((_Field("content", "任期目标"),)),
    FilingKind.PLEDGE: _Spec((_Field("text", "承诺内容", max_length=1000),)),
    FilingKind.PAIRING: _Spec((_Field("reason", "帮扶措施", required=False),), needs_household=True),
    FilingKind.PAIRING_VISIT: _Spec((_Field("notes", "走访情况", required=False),), needs_household=True),
    FilingKind.COMMITTEE_MEETING: _Spec(
        (
            _Field("topic", "会议议题", max_length=200),
            _Field("attendees", "参会人数", int),
            _Field("minutes", "会议记录"),
        )
    ),
    FilingKind.SELF_REPORT: _Spec((_Field("content", "述职内容", max_length=50000),)),
    FilingKind.TALK: _Spec(
        (
            _Field("person", "谈话对象", max_length=50),
            _Field("category", "对象类别", max_length=20, choices=tuple(TALK_CATEGORIES.items())),
            _Field("topic", "谈话主题", max_length=200),
            _Field("requestedByPerson", "是否应约谈话", bool, required=False),
        )
    ),
}


def needs_household(kind: FilingKind) -> bool:
    return SPECS[kind].needs_household


def validate_body(kind: FilingKind, body: Any) -> dict[str, Any]:
    """The body with only known fields, each checked; raises InvalidInput naming the field."""
    if not isinstance(body, dict):
        raise InvalidInput("内容格式不正确", field="body")
    clean: dict[str, Any] = {}
    for spec in SPECS[kind].fields:
        value = body.get(spec.name)
        if value is None or value == "":
            if spec.required:
                raise InvalidInput(f"请填写{spec.label}", field=spec.name)
            continue
        if spec.kind is bool:
            if not isinstance(value, bool):
                raise InvalidInput(f"{spec.label}须为是或否", field=spec.name)
        elif spec.kind is int:
            if isinstance(value, bool) or not isinstance(value, int) or not 0 <= value <= 10**9:
                raise InvalidInput(f"{spec.label}须为非负整数", field=spec.name)
        else:
            if not isinstance(value, str):
                raise InvalidInput(f"{spec.label}须为文字", field=spec.name)
            value = value.strip()
            if len(value) > spec.max_length:
                raise InvalidInput(f"{spec.label}不能超过 {spec.max_length} 个字", field=spec.name)
            if spec.required and not value:
                raise InvalidInput(f"请填写{spec.label}", field=spec.name)
            if spec.choices and value not in dict(spec.choices):
                allowed = "、".join(f"{label}（{choice}）" for choice, label in spec.choices)
                raise InvalidInput(f"{spec.label}须为以下之一：{allowed}", field=spec.name)
        clean[spec.name] = value
    return clean
