"""What the assessment modules share: periods, exact points in hundredths, and who may read or
score whose assessment (DOMAIN.md section 5: the county scores resident secretaries, the township
of the village scores liaison ones)."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date
from decimal import Decimal, InvalidOperation

from backend.auth.actor import Actor
from backend.core.errors import InvalidInput
from backend.org.models import OrgUnit, Role, SecretaryProfile, StationMode

MAX_ABS_CENTI = 100_000  # 1,000 points: no item or input goes beyond this
MAX_OCCURRENCES = 10_000
MAX_NOTE = 1000

_PERIOD = re.compile(r"^\d{4}$")


@dataclass(frozen=True)
class Period:
    """An assessment period: a calendar year, written as poll periods are ("2026")."""

    text: str
    year: int

    @property
    def start(self) -> date:
        return date(self.year, 1, 1)

    @property
    def end(self) -> date:
        """The first day after the period."""
        return date(self.year + 1, 1, 1)

    @property
    def last_day(self) -> date:
        return date(self.year, 12, 31)


def parse_period(value: str, field: str = "period") -> Period:
    text = (value or "").strip()
    if not _PERIOD.match(text) or not 2000 <= int(text) <= 2100:
        raise InvalidInput("考评周期须为年份，例如 2026", field=field)
    return Period(text, int(text))


def to_centi(value: float | int | Decimal, field: str, label: str = "分值") -> int:
    """Points (as the API carries them) to exact hundredths; refuses a third decimal place."""
    try:
        exact = Decimal(str(value)) * 100
    except (InvalidOperation, ValueError) as exc:
        raise InvalidInput(f"{label}格式不正确", field=field) from exc
    if not exact.is_finite() or exact != exact.to_integral_value():
        raise InvalidInput(f"{label}最多保留两位小数", field=field)
    centi = int(exact)
    if abs(centi) > MAX_ABS_CENTI:
        raise InvalidInput(f"{label}超出允许范围（±{MAX_ABS_CENTI // 100} 分）", field=field)
    return centi


def points(centi: int | None) -> float | None:
    """Hundredths to points for the API (a Float; two decimals are exact enough to show)."""
    return None if centi is None else centi / 100


def format_points(centi: int) -> str:
    """Hundredths as a Chinese-facing number: 10, 7.5, -0.25."""
    sign = "-" if centi < 0 else ""
    whole, frac = divmod(abs(centi), 100)
    return f"{sign}{whole}" if frac == 0 else f"{sign}{whole}.{frac:02d}".rstrip("0")


def clean_note(note: str | None, field: str) -> str:
    text = (note or "").strip()
    if len(text) > MAX_NOTE:
        raise InvalidInput(f"说明不能超过 {MAX_NOTE} 个字", field=field)
    return text


@dataclass(frozen=True)
class Subject:
    """The secretary being assessed, with the places that decide who assesses them."""

    secretary: SecretaryProfile
    village: OrgUnit

    @property
    def county_id(self) -> int:
        return self.secretary.county_id

    @property
    def township_id(self) -> int:
        assert self.village.township_id is not None
        return self.village.township_id

    @property
    def assessor_role(self) -> Role:
        return assessor_role(self.secretary.mode)

    def in_post_during(self, period: Period) -> bool:
        return self.secretary.term_start < period.end and self.secretary.term_end >= period.start


def assessor_role(mode: StationMode) -> Role:
    """Resident (脱产驻村) secretaries are scored by the county, liaison ones by the township."""
    return Role.COUNTY if mode is StationMode.RESIDENT else Role.TOWNSHIP


def can_score(actor: Actor, subject: Subject) -> bool:
    if subject.assessor_role is Role.COUNTY:
        return actor.role is Role.COUNTY and actor.county_id == subject.county_id
    return actor.role is Role.TOWNSHIP and actor.township_id == subject.township_id


def can_read(actor: Actor, subject: Subject) -> bool:
    """The assessor; the county for every secretary of its county (it reads the liaison ones the
    townships score); the secretary their own. Townships do not read the county's scores of
    resident secretaries, and members read no assessment."""
    if can_score(actor, subject):
        return True
    if actor.role is Role.COUNTY:
        return actor.county_id == subject.county_id
    if actor.role is Role.VILLAGE:
        return subject.secretary.user_id is not None and subject.secretary.user_id == actor.user_id
    return False
