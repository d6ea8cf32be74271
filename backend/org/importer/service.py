"""The public entry point: parse, validate and (unless dry run) write an uploaded workbook."""

from __future__ import annotations

import asyncio
import logging
from dataclasses import dataclass, field

from sqlalchemy.ext.asyncio import AsyncSession

from backend.auth.actor import Actor
from backend.core.errors import ErrorCode
from backend.org.access import require_role
from backend.org.importer.archive import WorkbookTooLarge
from backend.org.importer.existing import load_org_index
from backend.org.importer.parse import parse_workbook
from backend.org.importer.records import ImportCounts, RowError
from backend.org.importer.template import sort_errors
from backend.org.importer.validate import validate_workbook
from backend.org.importer.writer import write_workbook
from backend.org.models import Role

logger = logging.getLogger(__name__)

MAX_REPORTED_ERRORS = 1000
NO_DATA = "文件中没有可导入的数据行"


@dataclass(frozen=True, slots=True)
class ImportResult:
    """`counts` are rows imported (or, on a dry run, that would be imported); all zero when
    the file has any error, because then nothing is imported. A refused file also says why in
    one `code` (IMPORT_INVALID: row errors or unreadable; IMPORT_TOO_LARGE: a zip bomb) and one
    sentence for people."""

    ok: bool
    dry_run: bool
    counts: ImportCounts = field(default_factory=ImportCounts)
    row_errors: list[RowError] = field(default_factory=list)
    code: ErrorCode | None = None
    message: str | None = None


async def import_workbook(session: AsyncSession, actor: Actor | None, data: bytes, *, dry_run: bool) -> ImportResult:
    """Import townships, villages, first secretaries and households into the actor's county.

    All or nothing: any row error means nothing is written. Writes happen in the caller's
    transaction (flushed, never committed here). Re-importing the same file updates in place.
    """
    actor = require_role(actor, Role.COUNTY)
    try:
        # openpyxl is CPU-bound; keep the event loop free for other requests meanwhile.
        parsed, errors = await asyncio.to_thread(parse_workbook, data)
    except WorkbookTooLarge as exc:
        logger.info("import refused: county=%s code=%s", actor.county_id, exc.code)
        return _refused(dry_run, [RowError("", 0, None, exc.message)], exc.code, exc.message)
    if not _has_file_level_error(errors):
        existing = await load_org_index(session, actor.county_id)
        errors = sort_errors([*errors, *validate_workbook(parsed, existing)])
    if not errors and parsed.counts().total == 0:
        errors = [RowError("", 0, None, NO_DATA)]
    if errors:
        logger.info("import rejected: county=%s errors=%d", actor.county_id, len(errors))
        return _refused(dry_run, _reportable(errors), ErrorCode.IMPORT_INVALID, _summary(errors))
    if dry_run:
        return ImportResult(ok=True, dry_run=True, counts=parsed.counts())
    counts = await write_workbook(session, actor.county_id, parsed)
    await session.flush()
    logger.info("import written: county=%s counts=%s", actor.county_id, counts)
    return ImportResult(ok=True, dry_run=False, counts=counts)


def _refused(dry_run: bool, row_errors: list[RowError], code: ErrorCode, message: str) -> ImportResult:
    return ImportResult(ok=False, dry_run=dry_run, row_errors=row_errors, code=code, message=message)


def _summary(errors: list[RowError]) -> str:
    """A file-level error (unreadable, no sheet, no data) is its own summary."""
    if len(errors) == 1 and errors[0].row == 0:
        return errors[0].message
    return f"工作簿中有 {len(errors)} 处错误，未导入任何数据：请按逐行说明修改后重新上传"


def _has_file_level_error(errors: list[RowError]) -> bool:
    """An unreadable file or a missing header: row checks would only add noise."""
    return any(error.row <= 1 for error in errors)


def _reportable(errors: list[RowError]) -> list[RowError]:
    if len(errors) <= MAX_REPORTED_ERRORS:
        return errors
    note = RowError("", 0, None, f"共 {len(errors)} 处错误，仅列出前 {MAX_REPORTED_ERRORS} 处")
    return [note, *errors[:MAX_REPORTED_ERRORS]]
