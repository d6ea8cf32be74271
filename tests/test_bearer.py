"""backend/auth/bearer.py: the one way every transport turns a bearer token into an actor."""

from __future__ import annotations

from types import SimpleNamespace

import httpx
import pytest
from starlette.requests import Request

from backend.auth.actor import Actor
from backend.auth.bearer import request_actor, require_request_actor
from backend.auth.tokens import issue_access_token
from backend.core.errors import Unauthenticated
from backend.core.settings import Settings
from backend.org.models import Role
from tests.conftest import GraphQLClient
from tests.refusals import refusal
from tests.world import World

ACTOR = Actor(user_id=7, role=Role.VILLAGE, org_unit_id=3, county_id=1, township_id=2, village_id=3)


def _request(settings: Settings, authorization: str | None) -> Request:
    headers = [(b"authorization", authorization.encode())] if authorization is not None else []
    app = SimpleNamespace(state=SimpleNamespace(settings=settings))
    return Request({"type": "http", "method": "GET", "path": "/", "headers": headers, "app": app})


@pytest.mark.parametrize("authorization", [None, "", "Bearer ", "Basic dXNlcjpwYXNz"])
def test_no_bearer_token_is_anonymous(settings: Settings, authorization: str | None) -> None:
    assert request_actor(_request(settings, authorization)) is None
    with pytest.raises(Unauthenticated, match="请先登录"):
        require_request_actor(_request(settings, authorization))


def test_a_good_token_is_its_actor_and_a_bad_one_is_unauthenticated(settings: Settings) -> None:
    token = issue_access_token(settings, ACTOR)
    assert request_actor(_request(settings, f"bearer  {token}")) == ACTOR
    other = settings.with_overrides(jwt_secret="another-secret-" + "y" * 40)
    for bad in ("Bearer nonsense", f"Bearer {issue_access_token(other, ACTOR)}"):
        with pytest.raises(Unauthenticated, match="登录已过期"):
            request_actor(_request(settings, bad))


async def test_every_transport_reads_the_caller_the_same_way(client: httpx.AsyncClient) -> None:
    """A bad token is UNAUTHENTICATED on GraphQL and on each plain route that needs a login."""
    bad = {"authorization": "Bearer nonsense"}
    body = (await client.post("/graphql", json={"query": "{ me { id } }"}, headers=bad)).json()
    assert body["errors"][0]["extensions"]["code"] == "UNAUTHENTICATED"
    for method, path in (
        ("POST", "/media"),
        ("GET", "/exports/ranking.xlsx?period=2026"),
        ("GET", "/exports/assessment.xlsx?period=2026"),
        ("GET", "/exports/attendance.xlsx?month=2026-11"),
        ("GET", "/exports/import-template.xlsx"),
        ("GET", "/exports/one-table-2026.xlsx"),
        ("GET", "/api/one-table/v1?period=2026"),
        ("GET", f"/media/{'a' * 64}"),  # photos may be read anonymously (then refused), never with a bad token
    ):
        response = await client.request(method, path, headers=bad)
        assert (response.status_code, refusal(response)["code"]) == (401, "UNAUTHENTICATED"), path


async def test_a_stale_token_does_not_stand_in_the_way_of_login(gql: GraphQLClient, world: World) -> None:
    """GraphQL decodes the caller only when a field asks for it."""
    body = await gql.execute(
        'mutation { login(phone: "13800000000", password: "x") { errors { code } } }', token="expired"
    )
    assert "errors" not in body
