"""GraphQL types of the org tree, accounts, secretaries and households."""

from __future__ import annotations

from datetime import date

import strawberry

from backend.core.privacy import mask_phone
from backend.graphql.context import Info
from backend.graphql.loaders import referenced
from backend.org.access import can_see_unit
from backend.org.models import CadreClass as _CadreClass
from backend.org.models import Gender as _Gender
from backend.org.models import Household as HouseholdModel
from backend.org.models import OrgKind as OrgKindValue
from backend.org.models import OrgKind as _OrgKind
from backend.org.models import OrgUnit as OrgUnitModel
from backend.org.models import Role as _Role
from backend.org.models import SecretaryProfile
from backend.org.models import StationMode as _StationMode
from backend.org.models import UnitType as _UnitType
from backend.org.models import User as UserModel

# strawberry.enum marks the domain enum in place and returns it; binding the name to the class
# first keeps the name a type for mypy (a name bound to a call's result is a variable).
Role = _Role
strawberry.enum(Role, name="Role")


OrgKind = _OrgKind
strawberry.enum(OrgKind, name="OrgKind")


Gender = _Gender
strawberry.enum(Gender, name="Gender")


UnitType = _UnitType
strawberry.enum(UnitType, name="UnitType", description="派出单位类型：镇街 / 市直")


StationMode = _StationMode
strawberry.enum(StationMode, name="StationMode", description="驻村方式：脱产驻村 / 非脱产联村")


CadreClass = _CadreClass
strawberry.enum(CadreClass, name="CadreClass", description="干部类别")


@strawberry.type(name="OrgUnit")
class OrgUnit:
    id: strawberry.ID
    kind: OrgKind
    name: str
    code: str
    is_community: bool
    center_lat: float | None
    center_lng: float | None
    _model: strawberry.Private[OrgUnitModel]

    @classmethod
    def from_model(cls, unit: OrgUnitModel) -> OrgUnit:
        return cls(
            id=strawberry.ID(str(unit.id)),
            kind=unit.kind,
            name=unit.name,
            code=unit.code,
            is_community=unit.is_community,
            center_lat=unit.center_lat,
            center_lng=unit.center_lng,
            _model=unit,
        )

    @strawberry.field(description="The parent unit, when the caller may see it.")
    async def parent(self, info: Info) -> OrgUnit | None:
        if self._model.parent_id is None:
            return None
        parent = await info.context.loaders.org_unit.load(self._model.parent_id)
        actor = info.context.actor
        if parent is None or actor is None or not can_see_unit(actor, parent):
            return None
        return OrgUnit.from_model(parent)

    @strawberry.field(description="Villages and communities under this unit.")
    async def village_count(self, info: Info) -> int:
        if self._model.kind is OrgKindValue.VILLAGE:
            return 0
        return await info.context.loaders.village_count.load(self._model.id)

    @strawberry.field(description="Households on the rosters under this unit.")
    async def household_count(self, info: Info) -> int:
        return await info.context.loaders.household_count.load(self._model)

    @strawberry.field(description="The village's first secretary in post (villages only).")
    async def secretary(self, info: Info) -> Secretary | None:
        if self._model.kind is not OrgKindValue.VILLAGE:
            return None
        profile = await info.context.loaders.current_secretary.load(self._model.id)
        return Secretary.from_model(profile) if profile else None


@strawberry.type(name="Secretary")
class Secretary:
    id: strawberry.ID
    name: str
    gender: Gender
    phone: str = strawberry.field(
        description="In full for every signed-in role: it is the public number printed on the village's "
        "service card and public page, so villagers and staff can call their first secretary."
    )
    dispatch_unit: str
    unit_type: UnitType
    mode: StationMode
    cadre_class: CadreClass
    term_start: date
    term_end: date
    has_account: bool
    _village_id: strawberry.Private[int]

    @classmethod
    def from_model(cls, profile: SecretaryProfile) -> Secretary:
        return cls(
            id=strawberry.ID(str(profile.id)),
            name=profile.name,
            gender=profile.gender,
            phone=profile.phone,
            dispatch_unit=profile.dispatch_unit,
            unit_type=profile.unit_type,
            mode=profile.mode,
            cadre_class=profile.cadre_class,
            term_start=profile.term_start,
            term_end=profile.term_end,
            has_account=profile.user_id is not None,
            _village_id=profile.village_id,
        )

    @strawberry.field
    async def village(self, info: Info) -> OrgUnit:
        return OrgUnit.from_model(referenced(await info.context.loaders.org_unit.load(self._village_id)))


@strawberry.type(name="User")
class User:
    id: strawberry.ID
    name: str
    role: Role
    active: bool
    _phone: strawberry.Private[str]
    _org_unit_id: strawberry.Private[int]

    @classmethod
    def from_model(cls, user: UserModel) -> User:
        return cls(
            id=strawberry.ID(str(user.id)),
            name=user.name,
            role=user.role,
            active=user.active,
            _phone=user.phone,
            _org_unit_id=user.org_unit_id,
        )

    @strawberry.field(
        description="The login phone. In full for the account itself and for the county and township staff "
        "who administer accounts (they hand out and reset logins); masked (138****5678) for anyone else."
    )
    def phone(self, info: Info) -> str:
        actor = info.context.actor
        if actor is not None and (actor.user_id == int(self.id) or actor.role in (_Role.COUNTY, _Role.TOWNSHIP)):
            return self._phone
        return mask_phone(self._phone)

    @strawberry.field
    async def org_unit(self, info: Info) -> OrgUnit:
        return OrgUnit.from_model(referenced(await info.context.loaders.org_unit.load(self._org_unit_id)))


@strawberry.type(name="Household")
class Household:
    id: strawberry.ID
    code: str
    head_name: str
    member_count: int
    address: str
    is_hardship: bool

    @classmethod
    def from_model(cls, household: HouseholdModel) -> Household:
        return cls(
            id=strawberry.ID(str(household.id)),
            code=household.code,
            head_name=household.head_name,
            member_count=household.member_count,
            address=household.address,
            is_hardship=household.is_hardship,
        )
