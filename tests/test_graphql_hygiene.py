"""Schema drift, error masking, query limits, pagination and production settings."""

from __future__ import annotations

from pathlib import Path

import httpx
import pytest

from backend.app import create_app
from backend.core.settings import PROJECT_ROOT, Settings, SettingsError
from backend.graphql.schema import build_schema, schema
from backend.org import units as org_units
from tests.conftest import SHARED_REDIS, TEST_JWT_SECRET, GraphQLClient
from tests.world import World


def test_schema_graphql_is_in_step_with_the_code() -> None:
    checked_in = (PROJECT_ROOT / "schema.graphql").read_text().strip()
    assert checked_in == str(schema).strip(), (
        "schema.graphql drifted: run `.venv/bin/strawberry export-schema "
        "backend.graphql.schema:schema > schema.graphql`"
    )


async def test_internal_exceptions_are_masked(
    gql: GraphQLClient, world: World, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    async def explode(*_args: object, **_kwargs: object) -> None:
        raise RuntimeError("secret database detail: password=hunter2")

    monkeypatch.setattr(org_units, "list_townships", explode)
    body = await gql.execute("{ townships { totalCount } }", as_user="county")
    error = body["errors"][0]
    assert error["message"] == "服务器内部错误，请稍后重试"
    assert error["extensions"] == {"code": "INTERNAL"}
    assert "hunter2" not in str(body)
    assert "secret database detail" in caplog.text  # logged server-side for operators


async def test_domain_errors_carry_their_code(gql: GraphQLClient, world: World) -> None:
    body = await gql.execute('{ orgUnit(id: "999999") { id } }', as_user="county")
    assert body["errors"][0]["extensions"]["code"] == "NOT_FOUND"
    assert body["errors"][0]["message"] == "组织不存在"


async def test_mutation_input_errors_name_the_field(gql: GraphQLClient, world: World) -> None:
    doc = """mutation($o: ID!) { createUser(input: {phone: "12345", name: "张三", password: "Passw0rd!",
             role: VILLAGE, orgUnitId: $o}) { user { id } errors { code field message } } }"""
    body = await gql.execute(doc, {"o": world.unit_id("V11")}, as_user="county")
    assert body["data"]["createUser"]["errors"] == [
        {"code": "INVALID_INPUT", "field": "phone", "message": "手机号格式不正确，应为 11 位大陆手机号"}
    ]


async def test_query_depth_is_limited(gql: GraphQLClient, world: World) -> None:
    nested = "{ me { orgUnit { parent { parent { parent { parent { parent { parent { parent { parent { parent { id } } } } } } } } } } } }"
    body = await gql.execute(nested, as_user="county")
    assert "exceeds maximum operation depth" in body["errors"][0]["message"]
    assert body.get("data") is None


async def test_aliases_are_limited(gql: GraphQLClient, world: World) -> None:
    aliases = " ".join(f"a{i}: me {{ id }}" for i in range(20))
    body = await gql.execute(f"{{ {aliases} }}", as_user="county")
    assert "aliases" in body["errors"][0]["message"].lower()


async def test_tokens_are_limited(gql: GraphQLClient, world: World) -> None:
    fields = " ".join(["id"] * 2100)
    body = await gql.execute(f"{{ me {{ {fields} }} }}", as_user="county")
    assert "token" in body["errors"][0]["message"].lower()


async def test_cursor_pagination_walks_every_row_once(gql: GraphQLClient, world: World) -> None:
    doc = """query($v: ID!, $after: String) { households(villageId: $v, first: 2, after: $after) {
             totalCount pageInfo { hasNextPage endCursor } edges { node { code } } } }"""
    seen: list[str] = []
    after = None
    while True:
        page = (await gql.execute(doc, {"v": world.unit_id("V11"), "after": after}, as_user="village"))["data"][
            "households"
        ]
        seen += [e["node"]["code"] for e in page["edges"]]
        assert page["totalCount"] == 3
        if not page["pageInfo"]["hasNextPage"]:
            break
        after = page["pageInfo"]["endCursor"]
    assert seen == ["V11-000", "V11-001", "V11-002"]


@pytest.mark.parametrize("args", ["first: 0", "first: 101", 'after: "%%%"'])
async def test_bad_page_arguments_are_input_errors(gql: GraphQLClient, world: World, args: str) -> None:
    body = await gql.execute(f"{{ villages({args}) {{ totalCount }} }}", as_user="county")
    assert body["errors"][0]["extensions"]["code"] == "INVALID_INPUT"


def test_production_refuses_the_default_secret() -> None:
    with pytest.raises(SettingsError):
        create_app(Settings(app_env="production"))
    with pytest.raises(SettingsError):
        Settings(app_env="production", jwt_secret="short").validate()


async def test_production_turns_off_introspection_and_graphiql(settings: Settings) -> None:
    production = settings.with_overrides(
        app_env="production",
        jwt_secret=TEST_JWT_SECRET,
        poll_key_secret="p" * 40,
        totp_key_secret="t" * 40,
        **SHARED_REDIS,
    )
    app = create_app(production)
    try:
        async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="https://t") as http:
            body = (await http.post("/graphql", json={"query": "{ __schema { types { name } } }"})).json()
            assert "introspection" in body["errors"][0]["message"].lower()
            ide = await http.get("/graphql", headers={"accept": "text/html"})
            assert ide.status_code != 200 or "graphiql" not in ide.text.lower()
    finally:
        await app.state.engine.dispose()
    assert "__schema" not in str(build_schema(production))  # the SDL itself stays exportable


async def test_spa_fallback_serves_index_for_client_routes(settings: Settings, tmp_path: Path) -> None:
    dist = tmp_path / "dist"
    (dist / "assets").mkdir(parents=True)
    (dist / "index.html").write_text("<!doctype html><title>驻村通</title>")
    (dist / "assets" / "app.js").write_text("console.log(1)")
    app = create_app(settings.with_overrides(pwa_dist=dist))
    try:
        async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://t") as http:
            assert "驻村通" in (await http.get("/county/townships/3")).text
            asset = await http.get("/assets/app.js")
            assert "immutable" in asset.headers["cache-control"]
            assert (await http.get("/assets/missing.js")).status_code == 404
    finally:
        await app.state.engine.dispose()
