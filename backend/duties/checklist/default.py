"""The built-in checklist: the eight duties (八个一, DOMAIN.md section 2) with their default
thresholds. A county that never saved a checklist uses it (as version 1, not saved); migration 0017
saved it for every county that existed then, with the thresholds of its settings at the time."""

from __future__ import annotations

from datetime import date

from backend.duties.checklist.items import PROBLEM, ChecklistItem, ChecklistRule
from backend.filings.models import FilingKind

DEFAULT_NAME = "八个一"
DEFAULT_EFFECTIVE_FROM = date(2000, 1, 1)
# (key, label, kinds, rule, default threshold); the keys are stable: progress, exports and the PWA name them.
_EIGHT: tuple[tuple[str, str, tuple[str, ...], ChecklistRule, int], ...] = (
    ("household_visits", "走访一遍全村农户", (FilingKind.HOUSEHOLD_VISIT.value,), ChecklistRule.ROSTER_COVERAGE, 100),
    ("work_diary", "记好一本工作日志", (FilingKind.WORK_DIARY.value,), ChecklistRule.MONTHLY_COUNT, 4),
    ("service_card", "发放一张便民服务卡", (FilingKind.SERVICE_CARD.value,), ChecklistRule.SERVICE_CARD, 100),
    ("problem_ledger", "建立一本问题台账", (PROBLEM,), ChecklistRule.LEDGER, 1),
    ("research_report", "形成一篇调研报告", (FilingKind.RESEARCH_REPORT.value,), ChecklistRule.APPROVED_COUNT, 1),
    ("party_lecture", "讲好一堂主题党课", (FilingKind.PARTY_LECTURE.value,), ChecklistRule.APPROVED_COUNT, 1),
    ("tech_training", "开展一次农技培训", (FilingKind.TECH_TRAINING.value,), ChecklistRule.APPROVED_COUNT, 1),
    ("startup_project", "领办一个创业项目", (FilingKind.STARTUP_PROJECT.value,), ChecklistRule.APPROVED_COUNT, 1),
)
DEFAULT_KEYS: tuple[str, ...] = tuple(key for key, *_ in _EIGHT)


def default_items(thresholds: dict[str, int] | None = None) -> tuple[ChecklistItem, ...]:
    """The eight items; `thresholds` (by key) overrides the defaults (migration 0017 passes a
    county's former settings)."""
    chosen = thresholds or {}
    return tuple(
        ChecklistItem(key, label, kinds, rule, chosen.get(key, threshold))
        for key, label, kinds, rule, threshold in _EIGHT
    )


DEFAULT_ITEMS = default_items()
