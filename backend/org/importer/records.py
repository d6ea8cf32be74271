"""Typed records produced by the parser (and by the demo generator) and consumed by the writer."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from backend.org.models import CadreClass, Gender, StationMode, UnitType


@dataclass(frozen=True, slots=True)
class RowError:
    """One problem in the uploaded file. `row` is the Excel row number (1 = header row);
    row 0 means the file as a whole. `column` is the Chinese header, or None."""

    sheet: str
    row: int
    column: str | None
    message: str


@dataclass(frozen=True, slots=True)
class TownshipRecord:
    code: str
    name: str
    row: int = 0


@dataclass(frozen=True, slots=True)
class VillageRecord:
    code: str
    name: str
    township_code: str
    is_community: bool
    center_lat: float | None = None
    center_lng: float | None = None
    row: int = 0


@dataclass(frozen=True, slots=True)
class SecretaryRecord:
    name: str
    gender: Gender
    phone: str
    dispatch_unit: str
    unit_type: UnitType
    mode: StationMode
    cadre_class: CadreClass
    village_code: str
    term_start: date
    term_end: date
    row: int = 0


@dataclass(frozen=True, slots=True)
class HouseholdRecord:
    village_code: str
    code: str
    head_name: str
    member_count: int
    address: str
    is_hardship: bool = False
    phone: str | None = None
    row: int = 0


@dataclass(frozen=True, slots=True)
class ImportCounts:
    townships: int = 0
    villages: int = 0
    secretaries: int = 0
    households: int = 0

    @property
    def total(self) -> int:
        return self.townships + self.villages + self.secretaries + self.households


@dataclass(slots=True)
class ParsedWorkbook:
    """Records of every sheet. `*_codes_seen` also hold codes of rows that had cell errors,
    so that references to them are not reported a second time as "unknown code"."""

    townships: list[TownshipRecord] = field(default_factory=list)
    villages: list[VillageRecord] = field(default_factory=list)
    secretaries: list[SecretaryRecord] = field(default_factory=list)
    households: list[HouseholdRecord] = field(default_factory=list)
    township_codes_seen: set[str] = field(default_factory=set)
    village_codes_seen: set[str] = field(default_factory=set)

    def counts(self) -> ImportCounts:
        return ImportCounts(
            townships=len(self.townships),
            villages=len(self.villages),
            secretaries=len(self.secretaries),
            households=len(self.households),
        )
