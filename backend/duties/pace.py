"""Pace: the checklist's items done against the share of the term that has passed.

A secretary *falls behind* when the share of their checklist's items (八个一 by default) they have completed (progress.py's
rules) is below half of the share of their term already passed: halfway through a one-year term
(6 of 12 months) that is fewer than 2 of the 8 duties done. Half, not the whole share, because
duties are not spread evenly over a term (a research report or a training often comes late) — the
line picks out those clearly behind, not everyone who is not ahead.

This is about filed duties against the term's rules only — never logins, time online or any
other use of the app (DOMAIN.md section 8) — and it is shown to the county alone, as a prompt to
help, not as a score.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from backend.duties.progress import DutyProgress
from backend.org.models import SecretaryProfile

BEHIND_SHARE = 0.5  # of the term passed: below this share of it in duties done is "behind"


def term_passed(secretary: SecretaryProfile, today: date) -> float:
    """The share of the term passed by `today`, 0–1 (0 before it starts, 1 after it ends)."""
    length = (secretary.term_end - secretary.term_start).days + 1
    passed = (today - secretary.term_start).days + 1
    return min(1.0, max(0.0, passed / length)) if length > 0 else 1.0


@dataclass(frozen=True)
class Pace:
    progress: DutyProgress
    term_passed: float  # 0–1

    @property
    def done_share(self) -> float:
        total = len(self.progress.duties)
        return self.progress.completed_count / total if total else 1.0

    @property
    def behind(self) -> bool:
        return self.done_share < self.term_passed * BEHIND_SHARE


def pace_of(progress: DutyProgress, today: date) -> Pace:
    return Pace(progress, term_passed(progress.secretary, today))
