"""Ranking groups: dispatching unit type × mode × cadre class (16 groups), keyed
"unit_type:mode:cadre_class", and the period a ranking covers."""

from __future__ import annotations

from dataclasses import dataclass

from backend.core.errors import InvalidInput
from backend.org.models import CadreClass, StationMode, UnitType

UNIT_TYPE_LABELS = {UnitType.TOWNSHIP: "镇街派出", UnitType.MUNICIPAL: "市直派出"}
MODE_LABELS = {StationMode.RESIDENT: "脱产驻村", StationMode.LIAISON: "非脱产联村"}
CADRE_LABELS = {
    CadreClass.PARTY_GOV_CHIEF: "党政正职",
    CadreClass.OTHER_LEADER: "非党政正职领导干部",
    CadreClass.SECTION_CHIEF: "正股级",
    CadreClass.DEPUTY_SECTION_AND_BELOW: "副股级及以下",
}


@dataclass(frozen=True, slots=True)
class GroupKey:
    unit_type: UnitType
    mode: StationMode
    cadre_class: CadreClass

    @property
    def key(self) -> str:
        return f"{self.unit_type.value}:{self.mode.value}:{self.cadre_class.value}"

    @property
    def label(self) -> str:
        return f"{UNIT_TYPE_LABELS[self.unit_type]}·{MODE_LABELS[self.mode]}·{CADRE_LABELS[self.cadre_class]}"

    @property
    def order(self) -> tuple[int, int, int]:
        return (
            list(UnitType).index(self.unit_type),
            list(StationMode).index(self.mode),
            list(CadreClass).index(self.cadre_class),
        )


ALL_GROUPS = [GroupKey(u, m, c) for u in UnitType for m in StationMode for c in CadreClass]


def parse_group_key(value: str, field: str = "groupKey") -> GroupKey:
    try:
        unit_type, mode, cadre_class = value.split(":")
        return GroupKey(UnitType(unit_type), StationMode(mode), CadreClass(cadre_class))
    except ValueError as exc:
        raise InvalidInput("分组格式不正确，应为 派出单位类型:驻村方式:干部类别", field=field) from exc
