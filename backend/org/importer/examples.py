"""Writes docs/import-template.xlsx (blank) and docs/import-example.xlsx (a small valid county).

Run: python -m backend.org.importer.examples
"""

from __future__ import annotations

import random
from datetime import date, datetime
from pathlib import Path

from openpyxl import Workbook

from backend.core.settings import PROJECT_ROOT
from backend.org.importer.export import workbook_from_records
from backend.org.importer.records import HouseholdRecord, ParsedWorkbook, SecretaryRecord, TownshipRecord, VillageRecord
from backend.org.importer.template import build_template_workbook
from backend.org.models import CadreClass, Gender, StationMode, UnitType

DOCS = PROJECT_ROOT / "docs"
TEMPLATE_PATH = DOCS / "import-template.xlsx"
EXAMPLE_PATH = DOCS / "import-example.xlsx"
# Fixed document timestamps keep regenerated files stable.
_FIXED_TIME = datetime(2026, 1, 1)

_SURNAMES = "王李张刘陈杨赵黄周吴徐孙马朱胡郭何高林罗"
_GIVEN = "建国秀英志强桂兰海燕春梅国庆玉华立新淑芬明亮红霞德华丽娟"


def example_records() -> ParsedWorkbook:
    """2 townships, 4 villages (one a community), 4 secretaries, 40 households."""
    townships = [TownshipRecord("370999101", "东岭镇"), TownshipRecord("370999001", "河口街道")]
    villages = [
        VillageRecord("370999101201", "东岭村", "370999101", False, 36.312, 120.041),
        VillageRecord("370999101202", "石桥村", "370999101", False, 36.287, 120.066),
        VillageRecord("370999001001", "滨河社区", "370999001", True, 36.331, 119.982),
        VillageRecord("370999001202", "柳林村", "370999001", False, None, None),
    ]
    secretaries = [
        _secretary(
            "张建华",
            Gender.MALE,
            "13900000001",
            "市财政局",
            UnitType.MUNICIPAL,
            StationMode.RESIDENT,
            CadreClass.SECTION_CHIEF,
            villages[0].code,
        ),
        _secretary(
            "李秀梅",
            Gender.FEMALE,
            "13900000002",
            "东岭镇人民政府",
            UnitType.TOWNSHIP,
            StationMode.LIAISON,
            CadreClass.DEPUTY_SECTION_AND_BELOW,
            villages[1].code,
        ),
        _secretary(
            "王志强",
            Gender.MALE,
            "13900000003",
            "市农业农村局",
            UnitType.MUNICIPAL,
            StationMode.RESIDENT,
            CadreClass.OTHER_LEADER,
            villages[2].code,
        ),
        _secretary(
            "赵海燕",
            Gender.FEMALE,
            "13900000004",
            "河口街道办事处",
            UnitType.TOWNSHIP,
            StationMode.LIAISON,
            CadreClass.PARTY_GOV_CHIEF,
            villages[3].code,
        ),
    ]
    households = [
        household for village in villages for household in _households(village, count=10, seed=int(village.code[-3:]))
    ]
    return ParsedWorkbook(townships=townships, villages=villages, secretaries=secretaries, households=households)


def _secretary(
    name: str,
    gender: Gender,
    phone: str,
    unit: str,
    unit_type: UnitType,
    mode: StationMode,
    cadre_class: CadreClass,
    village_code: str,
) -> SecretaryRecord:
    start = date(2026, 3, 1)
    end = date(2027, 2, 28) if mode is StationMode.RESIDENT else date(2028, 2, 29)
    return SecretaryRecord(name, gender, phone, unit, unit_type, mode, cadre_class, village_code, start, end)


def _households(village: VillageRecord, *, count: int, seed: int) -> list[HouseholdRecord]:
    rng = random.Random(seed)
    return [
        HouseholdRecord(
            village_code=village.code,
            code=f"{number:04d}",
            head_name=rng.choice(_SURNAMES) + rng.choice(_GIVEN[::2]) + rng.choice(_GIVEN[1::2]),
            member_count=rng.randint(1, 6),
            address=f"{village.name}{rng.randint(1, 5)}组{number}号",
            is_hardship=number == 3,
            phone=f"1{rng.choice('3578')}{rng.randint(0, 999_999_999):09d}" if number % 3 else None,
        )
        for number in range(1, count + 1)
    ]


def _save(workbook: Workbook, path: Path) -> None:
    workbook.properties.created = _FIXED_TIME
    workbook.properties.modified = _FIXED_TIME
    workbook.properties.creator = "驻村通"
    path.parent.mkdir(parents=True, exist_ok=True)
    workbook.save(path)


def main() -> None:
    _save(build_template_workbook(), TEMPLATE_PATH)
    _save(workbook_from_records(example_records()), EXAMPLE_PATH)
    print(f"wrote {TEMPLATE_PATH.relative_to(PROJECT_ROOT)}")
    print(f"wrote {EXAMPLE_PATH.relative_to(PROJECT_ROOT)}")


if __name__ == "__main__":
    main()
