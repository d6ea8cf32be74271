"""Zip bombs shaped as .xlsx are refused (IMPORT_TOO_LARGE) before they can inflate: on what the
central directory declares, and — because it can lie — on what the stream actually inflates."""

from __future__ import annotations

import json
import re
import zipfile
from io import BytesIO
from pathlib import Path

import pytest

from backend.core.db import SessionFactory
from backend.core.errors import ErrorCode
from backend.org.importer import archive
from backend.org.importer.parse import NOT_XLSX
from backend.org.importer.records import ImportCounts
from backend.org.importer.service import NO_DATA
from tests.conftest import GraphQLClient
from tests.services.test_importer import make_county, run_import, table_counts
from tests.world import World
from tests.zip_bombs import BOMB_MEMBER, xlsx_bomb, xlsx_with_a_bad_crc, xlsx_with_entries

MB = 1024 * 1024
ROOT = Path(__file__).resolve().parents[2]
EXAMPLE = ROOT / "docs" / "import-example.xlsx"
BOMBS = {
    # 1 GiB of sheet from ≈ 1 MB, declared truthfully: the file.
    "declared-large": (lambda: xlsx_bomb(1024 * MB), archive.TOO_LARGE),
    # The same sheet (256 MiB here) declared as 7 KB: only the stream can tell.
    "lying-central-directory": (lambda: xlsx_bomb(256 * MB, declared=7_000), archive.LARGER_THAN_DECLARED),
    "many-entries": (lambda: xlsx_with_entries(archive.MAX_ENTRIES), archive.TOO_MANY_ENTRIES),
    # 8 MiB from ≈ 8 KB: under the total, but no sheet of real data compresses a thousand times.
    "high-ratio": (lambda: xlsx_bomb(8 * MB), archive.TOO_COMPRESSED),
}


@pytest.mark.parametrize("kind", BOMBS)
async def test_bombs_are_refused_with_import_too_large(session_factory: SessionFactory, kind: str) -> None:
    make, message = BOMBS[kind]
    actor = await make_county(session_factory)
    result = await run_import(session_factory, actor, make(), dry_run=False)
    assert (result.ok, result.code, result.message) == (False, ErrorCode.IMPORT_TOO_LARGE, message)
    assert [(e.row, e.message) for e in result.row_errors] == [(0, message)]
    assert await table_counts(session_factory) == (1, 0, 0)  # the county only


def test_the_bombs_are_what_they_say() -> None:
    """Each crafted file is a zip Python opens, with the declared sizes the test means."""
    sizes = {
        kind: {i.filename: (i.compress_size, i.file_size) for i in zipfile.ZipFile(BytesIO(make())).infolist()}
        for kind, (make, _) in BOMBS.items()
    }
    compressed, declared = sizes["declared-large"][BOMB_MEMBER]
    assert declared > 1000 * MB and compressed < 4 * MB
    compressed, declared = sizes["lying-central-directory"][BOMB_MEMBER]
    assert declared == 7_000 and compressed > 7_000 // 1000
    assert len(sizes["many-entries"]) > archive.MAX_ENTRIES
    compressed, declared = sizes["high-ratio"][BOMB_MEMBER]
    assert declared < archive.MAX_INFLATED_BYTES and declared > archive.MAX_RATIO * compressed


def test_a_lying_member_is_stopped_at_its_first_extra_byte() -> None:
    with archive.GuardedArchive(BytesIO(xlsx_bomb(64 * MB, declared=7_000))) as guarded:
        with guarded.open(BOMB_MEMBER) as member:
            assert len(member.read(7_000)) == 7_000
            with pytest.raises(archive.WorkbookTooLarge):
                member.read(1)


async def test_a_workbook_within_every_limit_is_read(session_factory: SessionFactory) -> None:
    """63 MiB of sheet at 64:1 passes the guard and is read whole (openpyxl reads every sheet
    for its dimensions on opening): what comes back is the importer's verdict on the content, an
    empty template."""
    actor = await make_county(session_factory)
    data = xlsx_bomb(archive.MAX_INFLATED_BYTES - MB, tabs=0.01)
    result = await run_import(session_factory, actor, data, dry_run=True)
    assert (result.code, [(e.row, e.message) for e in result.row_errors]) == (ErrorCode.IMPORT_INVALID, [(0, NO_DATA)])


async def test_all_reads_together_are_capped(session_factory: SessionFactory, monkeypatch: pytest.MonkeyPatch) -> None:
    """Honest members read again and again still stop at the budget (openpyxl re-opens sheets)."""
    actor = await make_county(session_factory)
    monkeypatch.setattr(archive, "READ_BUDGET_BYTES", 64 * 1024)
    result = await run_import(session_factory, actor, EXAMPLE.read_bytes(), dry_run=True)
    assert (result.ok, result.code) == (False, ErrorCode.IMPORT_TOO_LARGE)


async def test_the_example_workbook_still_imports(session_factory: SessionFactory) -> None:
    actor = await make_county(session_factory)
    result = await run_import(session_factory, actor, EXAMPLE.read_bytes())
    assert (result.ok, result.code, result.row_errors) == (True, None, [])
    assert result.counts == ImportCounts(townships=2, villages=4, secretaries=4, households=40)


async def test_a_corrupt_member_still_fails_its_crc(session_factory: SessionFactory) -> None:
    """Letting a member run past its declared size (to see a lie) keeps zipfile's CRC check."""
    actor = await make_county(session_factory)
    result = await run_import(session_factory, actor, xlsx_with_a_bad_crc(), dry_run=True)
    assert (result.code, [e.message for e in result.row_errors]) == (ErrorCode.IMPORT_INVALID, [NOT_XLSX])


async def test_other_compression_methods_are_not_a_workbook(session_factory: SessionFactory) -> None:
    buffer = BytesIO()
    with zipfile.ZipFile(EXAMPLE) as source, zipfile.ZipFile(buffer, "w", zipfile.ZIP_BZIP2) as target:
        for info in source.infolist():
            target.writestr(info.filename, source.read(info))
    actor = await make_county(session_factory)
    result = await run_import(session_factory, actor, buffer.getvalue(), dry_run=True)
    assert (result.code, [e.message for e in result.row_errors]) == (ErrorCode.IMPORT_INVALID, [NOT_XLSX])


async def test_the_import_mutation_answers_a_bomb_with_its_code(gql: GraphQLClient, world: World) -> None:
    document = "mutation($f: Upload!) { importWorkbook(file: $f, dryRun: true) { ok rowErrors { row } errors { code field } } }"
    response = await gql.http.post(
        "/graphql",
        data={"operations": json.dumps({"query": document, "variables": {"f": None}}), "map": '{"0": ["variables.f"]}'},
        files={"0": ("county.xlsx", xlsx_bomb(1024 * MB), "application/octet-stream")},
        headers={"authorization": f"Bearer {await gql.token_for('county')}"},
    )
    assert response.json()["data"]["importWorkbook"] == {
        "ok": False,
        "rowErrors": [{"row": 0}],
        "errors": [{"code": "IMPORT_TOO_LARGE", "field": "file"}],
    }


def test_every_workbook_a_user_sends_is_opened_through_the_guard() -> None:
    """openpyxl's readers appear in backend/ only in the guard: a new path that opened user bytes
    with load_workbook would skip every limit above."""
    reader = re.compile(r"\b(load_workbook|ExcelReader)\b")
    users = {
        path.relative_to(ROOT).as_posix()
        for path in (ROOT / "backend").rglob("*.py")
        if reader.search(path.read_text(encoding="utf-8"))
    }
    assert users == {"backend/org/importer/archive.py"}
