"""Query bombs, huge lists and oversized bodies are refused with a code before any real work.

Depth 11, 20 aliases and 2,100 tokens are in tests/test_graphql_hygiene.py and photos over 5 MB
in tests/media/; here the same limits against bombs a thousand times bigger, plus the limits
this file's part added: variables lists (LIST_TOO_LONG), document length (DOCUMENT_TOO_LARGE),
1 MB JSON bodies on /graphql (PAYLOAD_TOO_LARGE), declared or streamed.
"""

from __future__ import annotations

import json
from collections.abc import AsyncIterator

import httpx
import pytest

from backend.core.http import MAX_GRAPHQL_JSON_BYTES
from backend.core.settings import Settings
from backend.graphql.limits import MAX_DOCUMENT_CHARS, MAX_LIST_ITEMS, longest_list_exceeds
from tests.conftest import GraphQLClient
from tests.world import World

MB = 1024 * 1024
ROLL_CALL = """mutation($ids: [ID!]!) {
  startRollCall(input: {id: "00000000-0000-4000-a000-000000000001", secretaryIds: $ids}) { errors { code field } } }"""
IMPORT = "mutation($f: Upload!) { importWorkbook(file: $f, dryRun: true) { ok errors { code field message } } }"


def _codes(body: dict) -> list[str]:
    return [e["extensions"]["code"] for e in body.get("errors") or []]


def depth_bomb(depth: int) -> str:
    return "{ me { orgUnit { " + "parent { " * depth + "id" + " }" * depth + " } } }"


def alias_bomb(count: int) -> str:
    return "{ " + " ".join(f"a{i}: me {{ id }}" for i in range(count)) + " }"


def token_bomb(count: int) -> str:
    return "{ me { " + " ".join(["id"] * count) + " } }"


@pytest.mark.parametrize(
    ("document", "code", "says"),
    [
        pytest.param(depth_bomb(1000), "GRAPHQL_PARSE_FAILED", "nested too deeply", id="depth-1000"),
        pytest.param(depth_bomb(30), "GRAPHQL_VALIDATION_FAILED", "depth", id="depth-30"),
        pytest.param(alias_bomb(300), "GRAPHQL_VALIDATION_FAILED", "aliases", id="aliases-300"),
        pytest.param(alias_bomb(10_000), "DOCUMENT_TOO_LARGE", "查询语句过长", id="aliases-10000"),
        pytest.param(token_bomb(30_000), "GRAPHQL_PARSE_FAILED", "2000 tokens", id="tokens-30000"),
        pytest.param(token_bomb(100_000), "DOCUMENT_TOO_LARGE", "查询语句过长", id="tokens-100000"),
    ],
)
async def test_query_bombs_are_refused_without_data(
    gql: GraphQLClient, world: World, document: str, code: str, says: str
) -> None:
    body = await gql.execute(document, as_user="county")
    assert body.get("data") is None
    assert _codes(body) == [code]
    assert says in body["errors"][0]["message"]


async def test_a_long_document_is_refused_before_parsing(gql: GraphQLClient, world: World) -> None:
    padded = "{ me { id } }" + "#" * MAX_DOCUMENT_CHARS  # one comment: zero tokens, so only length can catch it
    body = await gql.execute(padded, as_user="county")
    assert _codes(body) == ["DOCUMENT_TOO_LARGE"]
    assert "查询语句过长" in body["errors"][0]["message"]


@pytest.mark.parametrize("count", [MAX_LIST_ITEMS + 1, 100_000])
async def test_a_huge_list_in_variables_is_refused(gql: GraphQLClient, world: World, count: int) -> None:
    body = await gql.execute(ROLL_CALL, {"ids": [world.secretaries["V11"].id] * count}, as_user="township")
    assert body.get("data") is None
    assert _codes(body) == ["LIST_TOO_LONG"]
    assert "列表过长" in body["errors"][0]["message"]


async def test_a_list_at_the_bound_reaches_the_service(gql: GraphQLClient, world: World) -> None:
    """5,000 items pass the transport limit; the roll call's own rule (≤ 500 people) answers."""
    body = await gql.execute(ROLL_CALL, {"ids": [str(n) for n in range(MAX_LIST_ITEMS)]}, as_user="township")
    assert body["data"]["startRollCall"]["errors"][0] == {"code": "INVALID_INPUT", "field": "secretaryIds"}


def test_nested_lists_are_found() -> None:
    assert longest_list_exceeds({"a": [{"b": {"c": list(range(11))}}]}, 10)
    assert not longest_list_exceeds({"a": [list(range(10))] * 10}, 10)
    assert not longest_list_exceeds(None, 0)


def _json_body(size: int) -> bytes:
    filler = "x" * size
    return json.dumps({"query": "{ me { id } }", "variables": {"pad": filler}}).encode()


async def test_a_json_body_over_one_megabyte_is_refused_by_its_length(client: httpx.AsyncClient) -> None:
    response = await client.post(
        "/graphql", content=_json_body(MAX_GRAPHQL_JSON_BYTES), headers={"content-type": "application/json"}
    )
    assert response.status_code == 413
    assert response.json()["errors"][0] == {"message": "请求体过大", "extensions": {"code": "PAYLOAD_TOO_LARGE"}}


async def test_a_streamed_json_body_is_cut_off_after_one_megabyte(client: httpx.AsyncClient) -> None:
    sent = 0

    async def chunks() -> AsyncIterator[bytes]:  # no Content-Length: chunked
        nonlocal sent
        yield b'{"query": "{ me { id } }", "variables": {"pad": "'
        for _ in range(50 * 16):  # 50 MB if read to the end
            sent += 64 * 1024
            yield b"x" * (64 * 1024)
        yield b'"}}'

    response = await client.post("/graphql", content=chunks(), headers={"content-type": "application/json"})
    assert response.status_code == 413
    assert response.json()["errors"][0]["extensions"]["code"] == "PAYLOAD_TOO_LARGE"
    assert sent <= MAX_GRAPHQL_JSON_BYTES + 128 * 1024


async def test_a_just_small_enough_json_body_is_served(client: httpx.AsyncClient) -> None:
    response = await client.post(
        "/graphql", content=_json_body(MAX_GRAPHQL_JSON_BYTES - 1024), headers={"content-type": "application/json"}
    )
    assert response.status_code == 200
    assert response.json() == {"data": {"me": None}}


async def _upload(gql: GraphQLClient, data: bytes) -> httpx.Response:
    token = await gql.token_for("county")
    return await gql.http.post(
        "/graphql",
        data={
            "operations": json.dumps({"query": IMPORT, "variables": {"f": None}}),
            "map": json.dumps({"0": ["variables.f"]}),
        },
        files={"0": ("county.xlsx", data, "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")},
        headers={"authorization": f"Bearer {token}"},
    )


async def test_a_workbook_upload_may_exceed_the_json_limit(gql: GraphQLClient, world: World) -> None:
    response = await _upload(gql, b"PK" + bytes(2 * MB))  # not a real workbook: the importer says so
    assert response.status_code == 200
    assert response.json()["data"]["importWorkbook"]["ok"] is False


async def test_a_fifty_megabyte_upload_is_refused(gql: GraphQLClient, world: World, settings: Settings) -> None:
    response = await _upload(gql, bytes(50 * MB))
    assert response.status_code == 413
    assert response.json()["errors"][0]["extensions"]["code"] == "PAYLOAD_TOO_LARGE"
    assert settings.max_upload_bytes < 50 * MB
