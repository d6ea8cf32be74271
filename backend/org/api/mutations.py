"""Mutations of the org tree, accounts and secretaries, and the Excel import."""

from __future__ import annotations

from datetime import date

import strawberry
from starlette.datastructures import UploadFile
from strawberry.file_uploads import Upload

from backend.core.errors import InvalidInput
from backend.graphql.context import Info
from backend.graphql.errors import UserError, returns_payload_errors
from backend.graphql.pagination import parse_id
from backend.org import secretaries, users
from backend.org import units as org_units
from backend.org.api.types import CadreClass, Gender, OrgKind, OrgUnit, Role, Secretary, StationMode, UnitType, User
from backend.org.importer.service import ImportResult, import_workbook


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
    async def create_org_unit(self, info: Info, input: CreateOrgUnitInput) -> OrgUnitPayload:
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
    async def create_user(self, info: Info, input: CreateUserInput) -> UserPayload:
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
    async def set_user_active(self, info: Info, id: strawberry.ID, active: bool) -> UserPayload:
        async with info.context.transaction() as session:
            user = await users.set_user_active(session, info.context.actor, parse_id(id), active)
        return UserPayload(user=User.from_model(user))

    @strawberry.mutation(description="County: record a first secretary (optionally with a login).")
    @returns_payload_errors(SecretaryPayload)
    async def create_secretary(self, info: Info, input: CreateSecretaryInput) -> SecretaryPayload:
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


@strawberry.type
class ImportRowError:
    sheet: str
    row: int
    column: str | None
    message: str


@strawberry.type
class ImportCounts:
    townships: int
    villages: int
    secretaries: int
    households: int


@strawberry.type
class ImportPayload:
    ok: bool = False
    dry_run: bool = False
    counts: ImportCounts | None = None
    row_errors: list[ImportRowError] = strawberry.field(default_factory=list)
    errors: list[UserError] = strawberry.field(default_factory=list)

    @classmethod
    def from_result(cls, result: ImportResult) -> ImportPayload:
        return cls(
            ok=result.ok,
            dry_run=result.dry_run,
            counts=ImportCounts(
                townships=result.counts.townships,
                villages=result.counts.villages,
                secretaries=result.counts.secretaries,
                households=result.counts.households,
            ),
            row_errors=[
                ImportRowError(sheet=e.sheet, row=e.row, column=e.column, message=e.message) for e in result.row_errors
            ],
            errors=_refusal(result),
        )


def _refusal(result: ImportResult) -> list[UserError]:
    """A refused file is an expected error like any other mutation's: one coded entry in `errors`
    (IMPORT_INVALID, IMPORT_TOO_LARGE) beside the row report."""
    if result.code is None:
        return []
    return [UserError(code=result.code, message=result.message or "", field="file")]


@strawberry.type
class ImportMutations:
    @strawberry.mutation(
        description="County: import townships, villages, secretaries and household rosters from an "
        ".xlsx workbook. Any row error imports nothing; dryRun only validates."
    )
    @returns_payload_errors(ImportPayload)
    async def import_workbook(self, info: Info, file: Upload, dry_run: bool = False) -> ImportPayload:
        ctx = info.context
        if not isinstance(file, UploadFile):  # a string in the document or in JSON variables
            raise InvalidInput("请以文件形式上传工作簿（multipart 请求）", field="file")
        try:
            data = await file.read(ctx.settings.max_upload_bytes + 1)
        finally:
            await file.close()
        if len(data) > ctx.settings.max_upload_bytes:
            limit_mb = ctx.settings.max_upload_bytes // (1024 * 1024)
            raise InvalidInput(f"文件过大（上限 {limit_mb} MB）", field="file")
        async with ctx.transaction() as session:
            result = await import_workbook(session, ctx.actor, data, dry_run=dry_run)
        return ImportPayload.from_result(result)
