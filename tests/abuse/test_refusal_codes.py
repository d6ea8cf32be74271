"""Every refusal carries a JSON body with a stable code: requests to /graphql that are not one
GraphQL request (Strawberry's view answered them in plain text), a rejected import (its payload
had row messages and an empty `errors`), and the routing layer's 404/405 on the plain routes."""

from __future__ import annotations

import json
from io import BytesIO

import httpx
import pytest
from openpyxl import Workbook

from tests.conftest import GraphQLClient
from tests.refusals import refusal
from tests.world import World

JSON = {"content-type": "application/json"}
ME = "{ me { id } }"
IMPORT = "mutation($f: Upload!) { importWorkbook(file: $f, dryRun: true) { ok rowErrors { row } errors { code field message } } }"


def graphql_code(response: httpx.Response, status: int) -> str:
    assert response.status_code == status, response.text
    assert response.headers["content-type"] == "application/json"
    errors = response.json()["errors"]
    assert len(errors) == 1 and errors[0]["message"]
    return str(errors[0]["extensions"]["code"])


@pytest.mark.parametrize(
    ("body", "code"),
    [
        pytest.param(json.dumps([{"query": ME}, {"query": ME}]).encode(), "BATCH_NOT_SUPPORTED", id="batched-array"),
        pytest.param(
            b'{"query": "{ me { id } }", "variables": {"x": ' + b"[" * 100_000 + b"]" * 100_000 + b"}}",
            "INVALID_JSON",
            id="nested-past-the-recursion-limit",
        ),
        pytest.param(b'{"query": "', "INVALID_JSON", id="truncated"),
        pytest.param(b'{"query": "\xff"}', "INVALID_JSON", id="not-utf-8"),  # was a 500
        pytest.param(b'"{ me { id } }"', "BAD_REQUEST", id="a-string-not-an-object"),  # was a 500
        pytest.param(b'{"variables": {}}', "BAD_REQUEST", id="no-query"),
        pytest.param(b'{"query": 1}', "BAD_REQUEST", id="query-not-a-string"),
    ],
)
async def test_a_body_that_is_not_one_graphql_request_is_refused_with_a_code(
    client: httpx.AsyncClient, body: bytes, code: str
) -> None:
    response = await client.post("/graphql", content=body, headers=JSON)
    assert graphql_code(response, 400) == code


async def test_an_unsupported_content_type_is_refused_with_a_code(client: httpx.AsyncClient) -> None:
    response = await client.post("/graphql", content=ME, headers={"content-type": "text/plain"})
    assert graphql_code(response, 400) == "BAD_REQUEST"


@pytest.mark.parametrize("document", [ME, 'mutation { logout(refreshToken: "x") { ok } }'], ids=["query", "mutation"])
async def test_an_operation_sent_with_get_is_refused_with_405(client: httpx.AsyncClient, document: str) -> None:
    response = await client.get("/graphql", params={"query": document})
    assert graphql_code(response, 405) == "METHOD_NOT_ALLOWED"
    assert response.headers["allow"] == "POST"


async def test_a_rejected_import_carries_import_invalid_beside_its_row_report(gql: GraphQLClient, world: World) -> None:
    payload = (await _upload(gql, _township_sheet(["T1", None]))).json()["data"]["importWorkbook"]
    assert payload["ok"] is False
    assert payload["rowErrors"] == [{"row": 2}]  # the row report is kept
    assert payload["errors"] == [
        {
            "code": "IMPORT_INVALID",
            "field": "file",
            "message": "工作簿中有 1 处错误，未导入任何数据：请按逐行说明修改后重新上传",
        }
    ]


async def test_an_unreadable_workbook_carries_import_invalid(gql: GraphQLClient, world: World) -> None:
    payload = (await _upload(gql, b"PK\x03\x04 not a workbook")).json()["data"]["importWorkbook"]
    assert [e["code"] for e in payload["errors"]] == ["IMPORT_INVALID"]
    assert payload["errors"][0]["message"].startswith("文件无法读取")


@pytest.mark.parametrize(
    ("method", "path", "status"),
    [
        ("GET", "/no/such/file.js", 404),
        ("PUT", "/graphql", 405),
        ("PUT", "/media", 405),
        ("GET", "/polls/1/ballots", 405),
        ("POST", "/exports/ranking.xlsx", 405),
        ("POST", "/cards/1.png", 405),
    ],
)
async def test_routing_refusals_carry_a_code_in_the_one_shape(
    client: httpx.AsyncClient, method: str, path: str, status: int
) -> None:
    response = await client.request(method, path)
    assert response.status_code == status
    assert response.headers["content-type"] == "application/json"
    assert refusal(response)["code"] == {404: "NOT_FOUND", 405: "METHOD_NOT_ALLOWED"}[status]


async def _upload(gql: GraphQLClient, data: bytes) -> httpx.Response:
    token = await gql.token_for("county")
    return await gql.http.post(
        "/graphql",
        data={"operations": json.dumps({"query": IMPORT, "variables": {"f": None}}), "map": '{"0": ["variables.f"]}'},
        files={"0": ("county.xlsx", data, "application/octet-stream")},
        headers={"authorization": f"Bearer {token}"},
    )


def _township_sheet(*rows: list[object]) -> bytes:
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = "乡镇"
    for row in (["乡镇代码", "乡镇名称"], *rows):
        sheet.append(row)
    buffer = BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()
