"""One line of a ranking table, live or published: what the GraphQL types and the Excel exports read."""

from __future__ import annotations

from dataclasses import dataclass

from backend.polls.tally import percent_text
from backend.ranking.models import Grade


@dataclass(frozen=True, slots=True)
class RankingRow:
    group_key: str  # "unit_type:mode:cadre_class", e.g. "township:resident:section_chief"
    position: int  # order within the group: ranked rows by rank, then the not rankable ones
    rank: int | None  # null when not rankable
    secretary_id: int
    name: str
    township_id: int
    township_name: str
    village_id: int
    village_name: str
    target_centi: int | None  # target score in hundredths of a point
    satisfaction_num: int | None  # (very satisfied + satisfied)
    satisfaction_den: int | None  # ballots cast
    total_centi: int | None  # round(target × satisfaction), hundredths
    rankable: bool
    grade: Grade | None
    reason_code: str | None  # why an override applied, or why not rankable (stable code)
    reason: str | None  # the same in Chinese

    @property
    def satisfaction(self) -> float | None:
        """0–1; None without a valid, unsuppressed poll."""
        if self.satisfaction_num is None or not self.satisfaction_den:
            return None
        return self.satisfaction_num / self.satisfaction_den

    @property
    def satisfaction_percent(self) -> str | None:
        """Two decimals, rounded half up exactly, as the poll's tally shows it (e.g. "91.67")."""
        if self.satisfaction_num is None or not self.satisfaction_den:
            return None
        return percent_text(self.satisfaction_num, self.satisfaction_den)
