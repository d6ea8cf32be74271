"""Importing a county's structure from an Excel workbook."""

from __future__ import annotations

import strawberry
from starlette.datastructures import UploadFile
from strawberry.file_uploads import Upload

from backend.errors import InvalidInput
from backend.graphql.errors import UserError, returns_payload_errors
from backend.services.importer import ImportResult, import_workbook


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
    async def import_workbook(self, info: strawberry.Info, file: Upload, dry_run: bool = False) -> ImportPayload:
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
