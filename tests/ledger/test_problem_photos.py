"""A problem may carry photos (optional): uploaded first to /media by whoever reports it, then
named by hash in fileProblem / reportProblem; whoever may read the problem sees them."""

from __future__ import annotations

import hashlib
import io
import random
import uuid
from pathlib import Path
from typing import Any

import httpx
import pytest
from PIL import Image

from backend.core.settings import Settings
from tests.conftest import GraphQLClient
from tests.world import World

REPORT = """mutation($input: ReportProblemInput!) { reportProblem(input: $input) {
  problem { id photos { sha256 thumbUrl } } errors { code field } } }"""
FILE = """mutation($input: FileProblemInput!) { fileProblem(input: $input) {
  problem { id photos { sha256 } } errors { code field } } }"""
ONE = "query($id: ID!) { problem(id: $id) { id photos { sha256 url } } }"


@pytest.fixture
def settings(settings: Settings, tmp_path: Path) -> Settings:
    return settings.with_overrides(media_dir=tmp_path / "media")


def jpeg(seed: int) -> bytes:
    rng = random.Random(seed)
    buffer = io.BytesIO()
    Image.new("RGB", (200, 150), (rng.randrange(256), rng.randrange(256), rng.randrange(256))).save(buffer, "JPEG")
    return buffer.getvalue()


async def _upload(client: httpx.AsyncClient, gql: GraphQLClient, user: str, seed: int) -> str:
    token = await gql.token_for(user)
    response = await client.post("/media", content=jpeg(seed), headers={"authorization": f"Bearer {token}"})
    assert response.status_code == 201, response.text
    return str(response.json()["sha256"])


async def _status(client: httpx.AsyncClient, gql: GraphQLClient, sha: str, user: str | None) -> int:
    headers = {"authorization": f"Bearer {await gql.token_for(user)}"} if user else {}
    return (await client.get(f"/media/{sha}/thumb", headers=headers)).status_code


def _payload(body: dict[str, Any], field: str) -> dict[str, Any]:
    assert not body.get("errors"), body
    return body["data"][field]


async def test_a_members_report_carries_its_photo_for_the_ledger(
    gql: GraphQLClient, client: httpx.AsyncClient, world: World
) -> None:
    sha = await _upload(client, gql, "member", 1)
    problem_id = str(uuid.uuid4())
    payload = _payload(
        await gql.execute(
            REPORT, {"input": {"id": problem_id, "title": "水渠堵了", "photos": [sha]}}, as_user="member"
        ),
        "reportProblem",
    )
    assert payload["errors"] == [] and payload["problem"]["photos"] == [
        {"sha256": sha, "thumbUrl": f"/media/{sha}/thumb"}
    ]
    for reader in ("member", "village", "township", "county"):
        seen = _payload(await gql.execute(ONE, {"id": problem_id}, as_user=reader), "problem")
        assert seen["photos"] == [{"sha256": sha, "url": f"/media/{sha}"}]
        assert await _status(client, gql, sha, reader) == 200
    for outsider in (None, "member_v12", "village_v12", "county_b"):
        assert await _status(client, gql, sha, outsider) == 404


async def test_the_secretary_files_a_problem_with_photos(
    gql: GraphQLClient, client: httpx.AsyncClient, world: World
) -> None:
    shas = [await _upload(client, gql, "village", seed) for seed in (2, 3)]
    payload = _payload(
        await gql.execute(
            FILE, {"input": {"id": str(uuid.uuid4()), "title": "危房", "photos": shas}}, as_user="village"
        ),
        "fileProblem",
    )
    assert payload["errors"] == [] and [p["sha256"] for p in payload["problem"]["photos"]] == shas


@pytest.mark.parametrize(
    ("photos", "code"),
    [
        (["other"], "MEDIA_MISSING"),  # uploaded by someone else
        (["missing"], "MEDIA_MISSING"),
        (["own", "own"], "INVALID_INPUT"),
        (["a", "b", "c", "d"], "INVALID_INPUT"),  # at most three
    ],
)
async def test_only_ones_own_uploads_and_a_few(
    gql: GraphQLClient, client: httpx.AsyncClient, world: World, photos: list[str], code: str
) -> None:
    named = {
        "own": await _upload(client, gql, "member", 4),
        "other": await _upload(client, gql, "village", 5),
        "missing": hashlib.sha256(b"never uploaded").hexdigest(),
    }
    shas = [named.get(p, p * 64) for p in photos]
    body = await gql.execute(
        REPORT, {"input": {"id": str(uuid.uuid4()), "title": "路灯", "photos": shas}}, as_user="member"
    )
    error = _payload(body, "reportProblem")["errors"][0]
    assert (error["code"], error["field"]) == (code, "photos")
