"""An outbox re-send with the same client id and different content is counted as a conflict."""

from __future__ import annotations

from tests.conftest import GraphQLClient
from tests.filings.test_filings import SUBMIT, diary
from tests.observability.helpers import scrape, value
from tests.world import World

CONFLICTS = "zhucuntong_outbox_conflicts_total"


async def test_conflicting_resend_is_counted_and_a_plain_retry_is_not(gql: GraphQLClient, world: World) -> None:
    entry = diary()
    for _ in range(2):  # a safe retry of the same content
        result = (await gql.execute(SUBMIT, {"input": entry}, as_user="village"))["data"]["submitFiling"]
        assert result["errors"] == []
    _, before = await scrape(gql.http)
    assert value(before, CONFLICTS, operation="submitFiling") == 0

    changed = {**entry, "title": "另一条"}
    result = (await gql.execute(SUBMIT, {"input": changed}, as_user="village"))["data"]["submitFiling"]
    assert result["errors"][0]["code"] == "CONFLICT"
    _, after = await scrape(gql.http)
    assert value(after, CONFLICTS, operation="submitFiling") == 1
