"""Domain enums exposed on the API (names on the wire, values stored in the database)."""

from __future__ import annotations

import strawberry

from backend.models import enums

Role = strawberry.enum(enums.Role, name="Role")
OrgKind = strawberry.enum(enums.OrgKind, name="OrgKind")
Gender = strawberry.enum(enums.Gender, name="Gender")
UnitType = strawberry.enum(enums.UnitType, name="UnitType", description="派出单位类型：镇街 / 市直")
StationMode = strawberry.enum(enums.StationMode, name="StationMode", description="驻村方式：脱产驻村 / 非脱产联村")
CadreClass = strawberry.enum(enums.CadreClass, name="CadreClass", description="干部类别")
