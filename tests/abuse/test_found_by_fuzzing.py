"""Regression tests for the server errors the fuzzers (and probing the HTTP envelope) found.

Each used to answer 500 or a masked INTERNAL error; each is the request's fault and now says so.
"""

from __future__ import annotations

import httpx
import pytest

from tests.conftest import GraphQLClient
from tests.world import World

BEYOND_BIGINT = "9" * 25
IMPORT = "mutation($f: Upload!) { importWorkbook(file: $f, dryRun: true) { ok errors { code field message } } }"


@pytest.mark.parametrize("file", ["not-a-file", "data:application/octet-stream;base64,UEsDBA=="])
async def test_a_string_where_a_file_belongs_is_an_input_error(gql: GraphQLClient, world: World, file: str) -> None:
    """test_schemathesis.py: a string for `Upload` failed inside the resolver (`str` has no `read`)."""
    body = await gql.execute(IMPORT, {"f": file}, as_user="county")
    assert body["data"]["importWorkbook"]["errors"] == [
        {"code": "INVALID_INPUT", "field": "file", "message": "请以文件形式上传工作簿（multipart 请求）"}
    ]


@pytest.mark.parametrize("value", [1e300, 2**70, "ten"])
async def test_a_bad_variable_is_a_validation_error_not_internal(
    gql: GraphQLClient, world: World, value: object
) -> None:
    """test_variables_fuzz.py: graphql-core keeps the scalar's exception, so these were masked as INTERNAL."""
    body = await gql.execute("query($n: Int) { villages(first: $n) { totalCount } }", {"n": value}, as_user="county")
    assert body["errors"][0]["extensions"] == {"code": "GRAPHQL_VALIDATION_FAILED"}
    assert "$n" in body["errors"][0]["message"]


@pytest.mark.parametrize("poll_id", [BEYOND_BIGINT, 2**63])
async def test_an_id_beyond_bigint_is_an_input_error(gql: GraphQLClient, world: World, poll_id: object) -> None:
    """test_variables_fuzz.py: the number reached the database driver, which cannot bind it."""
    body = await gql.execute("query($id: ID!) { poll(id: $id) { id } }", {"id": poll_id}, as_user="county")
    assert body["errors"][0]["extensions"] == {"code": "INVALID_INPUT"}


@pytest.mark.parametrize(
    "path", [f"/polls/{BEYOND_BIGINT}/board.json", f"/cards/{BEYOND_BIGINT}.pdf", f"/cards/{BEYOND_BIGINT}.png"]
)
async def test_a_route_id_beyond_bigint_is_not_found(client: httpx.AsyncClient, path: str) -> None:
    assert (await client.get(path)).status_code == 404


@pytest.mark.parametrize("path", ["/graphql", "/polls/1/ballots"])
async def test_json_nested_too_deeply_is_a_bad_request(client: httpx.AsyncClient, path: str) -> None:
    """json.loads raised RecursionError, a 500; within the 1 MB limit a body can nest 500,000 deep."""
    nested = b'{"query": "{ me { id } }", "variables": {"x": ' + b"[" * 100_000 + b"]" * 100_000 + b"}}"
    response = await client.post(path, content=nested, headers={"content-type": "application/json"})
    assert response.status_code == 400
