"""GET /exports/import-template.xlsx: the blank import template, offered on the import screen."""

from __future__ import annotations

from urllib.parse import unquote

import httpx
import pytest

from backend.org.importer.parse import parse_workbook
from backend.org.importer.template import INSTRUCTIONS_SHEET, SHEETS
from tests.conftest import GraphQLClient
from tests.exports.helpers import download, error_code, open_workbook, sheet_values
from tests.world import World


async def test_a_county_user_downloads_the_template_the_importer_reads(
    client: httpx.AsyncClient, gql: GraphQLClient, world: World
) -> None:
    response = await download(client, gql, "county", "import-template.xlsx", "")
    workbook = open_workbook(response)
    filename = unquote(response.headers["content-disposition"].split("filename*=UTF-8''", 1)[1])
    assert filename == "第一书记导入模板.xlsx"
    assert response.headers["cache-control"] == "no-store"
    assert workbook.sheetnames == [INSTRUCTIONS_SHEET, *(spec.name for spec in SHEETS)]
    for spec in SHEETS:  # one rule for the columns: the headers are the importer's own
        assert sheet_values(workbook, spec.name)[0] == [column.header for column in spec.columns]
    parsed, errors = parse_workbook(response.content)
    assert errors == [] and parsed.counts().total == 0  # blank, and nothing for the parser to object to


@pytest.mark.parametrize("user", ["township", "village", "member"])
async def test_only_those_who_may_import_get_it(
    client: httpx.AsyncClient, gql: GraphQLClient, world: World, user: str
) -> None:
    response = await download(client, gql, user, "import-template.xlsx", "")
    assert (response.status_code, error_code(response)) == (403, "FORBIDDEN")


async def test_anonymous_is_refused(client: httpx.AsyncClient, gql: GraphQLClient, world: World) -> None:
    response = await download(client, gql, None, "import-template.xlsx", "")
    assert (response.status_code, error_code(response)) == (401, "UNAUTHENTICATED")
