"""GET /metrics: exposed, updated by requests, labelled by route template and bounded operation
names, with DB pool gauges; and never public in production."""

from __future__ import annotations

import httpx
import pytest

from backend.app import create_app
from backend.core.settings import Settings
from backend.observability.metrics import MAX_OPERATION_NAMES
from tests.conftest import SHARED_REDIS, GraphQLClient
from tests.observability.helpers import label_values, scrape, value

HTTP = "zhucuntong_http_requests_total"
GQL = "zhucuntong_graphql_operation_duration_seconds_count"
PRODUCTION = {
    "app_env": "production",
    "jwt_secret": "j" * 40,
    "poll_key_secret": "p" * 40,
    "totp_key_secret": "t" * 40,
    **SHARED_REDIS,
}


async def test_requests_are_counted_by_route_template_and_status_class(client: httpx.AsyncClient) -> None:
    await client.get("/healthz")
    await client.get("/cards/987654.png")  # unauthenticated: a 4xx, but the label is the template
    await client.get("/no/such/path/31337")
    text, samples = await scrape(client)
    assert value(samples, HTTP, route="/healthz", method="GET", status="2xx") == 1
    assert value(samples, HTTP, route="/cards/{secretary_id}.png", method="GET", status="4xx") == 1
    assert "987654" not in text and "31337" not in text
    routes = label_values(samples, HTTP, "route")
    assert routes <= {"/healthz", "/cards/{secretary_id}.png", "/*", "/", "unmatched"}, routes
    assert value(samples, "zhucuntong_http_request_duration_seconds_count", route="/healthz") == 1
    _, again = await scrape(client)
    assert value(again, HTTP, route="/metrics", method="GET", status="2xx") == 1  # the first scrape


async def test_db_pool_gauges_are_exposed(client: httpx.AsyncClient) -> None:
    await client.get("/readyz")
    _, samples = await scrape(client)
    assert value(samples, "zhucuntong_db_pool_size") >= 1
    assert ("zhucuntong_db_pool_checked_out", frozenset()) in samples
    assert value(samples, "zhucuntong_db_pool_checked_out") == 0  # nothing in use between requests


async def test_graphql_latency_by_operation_name_or_root_fields(gql: GraphQLClient) -> None:
    await gql.execute("query Myself { me { id } }", as_user="county")
    await gql.execute("{ me { id } }", as_user="county")
    await gql.execute("query { __typename }")
    await gql.http.post("/graphql", json={"query": "{ nonsense("})
    _, samples = await scrape(gql.http)
    assert value(samples, GQL, operation="Myself") == 1
    assert value(samples, GQL, operation="me") == 1
    assert value(samples, GQL, operation="__typename") == 1
    assert value(samples, GQL, operation="other") == 1  # could not be parsed


async def test_operation_labels_are_capped(gql: GraphQLClient) -> None:
    for n in range(MAX_OPERATION_NAMES + 20):
        await gql.execute(f"query Probe{n} {{ __typename }}")
    _, samples = await scrape(gql.http)
    operations = label_values(samples, GQL, "operation")
    assert len(operations) == MAX_OPERATION_NAMES + 1  # the admitted names and "other"
    assert value(samples, GQL, operation="other") == 20


async def test_production_requires_the_metrics_token(settings: Settings) -> None:
    app = create_app(settings.with_overrides(**PRODUCTION, metrics_token="scrape-secret-0123456789"))
    transport = httpx.ASGITransport(app=app, client=("127.0.0.1", 5000))
    try:
        async with httpx.AsyncClient(transport=transport, base_url="http://t") as http:
            assert (await http.get("/metrics")).status_code == 404
            wrong = await http.get("/metrics", headers={"authorization": "Bearer nope"})
            assert wrong.status_code == 404
            right = await http.get("/metrics", headers={"authorization": "Bearer scrape-secret-0123456789"})
            assert right.status_code == 200 and "zhucuntong_http_requests_total" in right.text
    finally:
        await app.state.engine.dispose()


@pytest.mark.parametrize(
    ("client_host", "headers", "status"),
    [
        ("127.0.0.1", {}, 200),
        ("::1", {}, 200),
        ("203.0.113.9", {}, 404),
        ("127.0.0.1", {"x-forwarded-for": "203.0.113.9"}, 404),  # came through the reverse proxy
    ],
)
async def test_production_without_token_answers_loopback_only(
    settings: Settings, client_host: str, headers: dict[str, str], status: int
) -> None:
    app = create_app(settings.with_overrides(**PRODUCTION))
    transport = httpx.ASGITransport(app=app, client=(client_host, 5000))
    try:
        async with httpx.AsyncClient(transport=transport, base_url="http://t") as http:
            assert (await http.get("/metrics", headers=headers)).status_code == status
    finally:
        await app.state.engine.dispose()


def test_metrics_token_is_read_from_the_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("METRICS_TOKEN", "from-env")
    assert Settings.from_env().metrics_token == "from-env"
