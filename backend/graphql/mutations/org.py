"""Creating org units and accounts."""

from __future__ import annotations

from datetime import date

import strawberry

from backend.graphql.errors import UserError, returns_payload_errors
from backend.graphql.pagination import parse_id
from backend.graphql.types.enums import CadreClass, Gender, OrgKind, Role, StationMode, UnitType
from backend.graphql.types.org import OrgUnit
from backend.graphql.types.secretary import Secretary
from backend.graphql.types.user import User
from backend.services import org_units, secretaries, users


@strawberry.input
class CreateOrgUnitInput:
    parent_id: strawberry.ID
    kind: OrgKind
    name: str
    code: str
    is_community: bool = False
    center_lat: float | None = None
    center_lng: float | None = None


@strawberry.input
class CreateUserInput:
    phone: str
    name: str
    password: str
    role: Role
    org_unit_id: strawberry.ID


@strawberry.input
class CreateSecretaryInput:
    name: str
    gender: Gender
    phone: str
    dispatch_unit: str
    unit_type: UnitType
    mode: StationMode
    cadre_class: CadreClass
    village_id: strawberry.ID
    term_start: date
    term_end: date
    password: str | None = strawberry.field(
        default=None, description="When given, also creates the secretary's login (VILLAGE role)."
    )


@strawberry.type
class OrgUnitPayload:
    org_unit: OrgUnit | None = None
    errors: list[UserError] = strawberry.field(default_factory=list)


@strawberry.type
class UserPayload:
    user: User | None = None
    errors: list[UserError] = strawberry.field(default_factory=list)


@strawberry.type
class SecretaryPayload:
    secretary: Secretary | None = None
    errors: list[UserError] = strawberry.field(default_factory=list)


@strawberry.type
class OrgMutations:
    @strawberry.mutation(description="County: create a township, or a village under a township.")
    @returns_payload_errors(OrgUnitPayload)
    async def create_org_unit(self, info: strawberry.Info, input: CreateOrgUnitInput) -> OrgUnitPayload:
        new = org_units.NewOrgUnit(
            parent_id=parse_id(input.parent_id, "parentId"),
            kind=input.kind,
            name=input.name,
            code=input.code,
            is_community=input.is_community,
            center_lat=input.center_lat,
            center_lng=input.center_lng,
        )
        async with info.context.transaction() as session:
            unit = await org_units.create_org_unit(session, info.context.actor, new)
        return OrgUnitPayload(org_unit=OrgUnit.from_model(unit))

    @strawberry.mutation(description="County: township/village accounts. Township: member accounts.")
    @returns_payload_errors(UserPayload)
    async def create_user(self, info: strawberry.Info, input: CreateUserInput) -> UserPayload:
        new = users.NewUser(
            phone=input.phone,
            name=input.name,
            password=input.password,
            role=input.role,
            org_unit_id=parse_id(input.org_unit_id, "orgUnitId"),
        )
        async with info.context.transaction() as session:
            user = await users.create_user(session, info.context.actor, new)
        return UserPayload(user=User.from_model(user))

    @strawberry.mutation(description="Enable or disable an account the caller administers.")
    @returns_payload_errors(UserPayload)
    async def set_user_active(self, info: strawberry.Info, id: strawberry.ID, active: bool) -> UserPayload:
        async with info.context.transaction() as session:
            user = await users.set_user_active(session, info.context.actor, parse_id(id), active)
        return UserPayload(user=User.from_model(user))

    @strawberry.mutation(description="County: record a first secretary (optionally with a login).")
    @returns_payload_errors(SecretaryPayload)
    async def create_secretary(self, info: strawberry.Info, input: CreateSecretaryInput) -> SecretaryPayload:
        new = secretaries.NewSecretary(
            name=input.name,
            gender=input.gender,
            phone=input.phone,
            dispatch_unit=input.dispatch_unit,
            unit_type=input.unit_type,
            mode=input.mode,
            cadre_class=input.cadre_class,
            village_id=parse_id(input.village_id, "villageId"),
            term_start=input.term_start,
            term_end=input.term_end,
            password=input.password,
        )
        async with info.context.transaction() as session:
            profile = await secretaries.create_secretary(session, info.context.actor, new)
        return SecretaryPayload(secretary=Secretary.from_model(profile))
