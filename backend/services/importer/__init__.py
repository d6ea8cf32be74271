"""Bulk import of a county's townships, villages, first secretaries and households from .xlsx.

The template is documented in docs/IMPORT.md; `template.py` is its single source in code.
"""

from backend.services.importer.records import (
    HouseholdRecord,
    ImportCounts,
    ParsedWorkbook,
    RowError,
    SecretaryRecord,
    TownshipRecord,
    VillageRecord,
)
from backend.services.importer.service import ImportResult, import_workbook

__all__ = [
    "HouseholdRecord",
    "ImportCounts",
    "ImportResult",
    "ParsedWorkbook",
    "RowError",
    "SecretaryRecord",
    "TownshipRecord",
    "VillageRecord",
    "import_workbook",
]
