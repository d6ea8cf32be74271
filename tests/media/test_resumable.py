"""Resumable photo uploads (tus 1.0, backend/media/resumable.py): a photo cut at 90 % continues
from where the server got to, not from zero; offsets, names and sizes are checked; another account
cannot see or continue someone's upload; stale uploads are pruned. Runs on SQLite and PostgreSQL."""

from __future__ import annotations

import base64
import errno
import hashlib
from datetime import timedelta
from pathlib import Path

import httpx
import pytest
from sqlalchemy import func, select
from starlette.applications import Starlette
from starlette.types import Message

from backend.auth.actor import Actor
from backend.core.db import SessionFactory
from backend.core.orm import utcnow
from backend.core.settings import Settings
from backend.media.models import Media, PartialUpload, PartialUploadPart
from backend.media.resumable import MAX_PARTIAL_PER_USER, OffsetMismatch, _append, prune_partial_uploads
from backend.media.storage import LocalDiskStorage
from tests.conftest import GraphQLClient
from tests.media.test_media_api import noisy_jpeg
from tests.refusals import refusal
from tests.world import World

TUS = {"tus-resumable": "1.0.0"}
STREAM = {**TUS, "content-type": "application/offset+octet-stream"}


@pytest.fixture
def settings(settings: Settings, tmp_path: Path) -> Settings:
    return settings.with_overrides(media_dir=tmp_path / "media")


def metadata(sha256: str) -> str:
    return (
        "sha256 " + base64.b64encode(sha256.encode()).decode() + ",filetype " + base64.b64encode(b"image/jpeg").decode()
    )


async def auth(gql: GraphQLClient, user: str = "village") -> dict[str, str]:
    return {"authorization": f"Bearer {await gql.token_for(user)}"}


async def partial_rows(session_factory: SessionFactory) -> tuple[int, int]:
    async with session_factory() as session:
        uploads = await session.scalar(select(func.count()).select_from(PartialUpload))
        parts = await session.scalar(select(func.count()).select_from(PartialUploadPart))
    return int(uploads or 0), int(parts or 0)


async def stored(session_factory: SessionFactory, sha256: str) -> bool:
    async with session_factory() as session:
        return await session.get(Media, sha256) is not None


async def cut_after(app: Starlette, path: str, headers: dict[str, str], body: bytes, sent: int) -> None:
    """The request declares all of `body`; `sent` bytes of it arrive, in 8 KB pieces, then the link drops."""
    pieces: list[Message] = [
        {"type": "http.request", "body": body[i : min(i + 8192, sent)], "more_body": True} for i in range(0, sent, 8192)
    ]
    pieces.append({"type": "http.disconnect"})

    async def receive() -> Message:
        return pieces.pop(0) if len(pieces) > 1 else pieces[0]

    async def send(message: Message) -> None:
        pass

    raw = [(k.lower().encode(), v.encode()) for k, v in {**headers, "content-length": str(len(body))}.items()]
    scope = {
        "type": "http",
        "asgi": {"version": "3.0"},
        "http_version": "1.1",
        "method": "POST",
        "scheme": "http",
        "path": path,
        "raw_path": path.encode(),
        "query_string": b"",
        "root_path": "",
        "headers": raw,
        "client": ("127.0.0.1", 50000),
        "server": ("test", 80),
    }
    await app(scope, receive, send)


async def test_creation_with_the_bytes_stores_the_photo_in_one_request(
    client: httpx.AsyncClient, gql: GraphQLClient, world: World, session_factory: SessionFactory
) -> None:
    data = noisy_jpeg((800, 600))
    sha = hashlib.sha256(data).hexdigest()
    headers = {**await auth(gql), **STREAM, "upload-length": str(len(data)), "upload-metadata": metadata(sha)}
    response = await client.post("/uploads", content=data, headers=headers)
    assert response.status_code == 201, response.text
    assert response.headers["location"] == f"/uploads/{sha}"
    assert response.headers["upload-offset"] == str(len(data))
    assert response.headers["tus-resumable"] == "1.0.0"
    assert await stored(session_factory, sha)
    assert await partial_rows(session_factory) == (0, 0)  # the parts went with the completion
    head = await client.head(f"/uploads/{sha}", headers=await auth(gql))
    assert head.status_code == 200
    assert head.headers["upload-offset"] == head.headers["upload-length"]  # nothing left to send
    assert (await client.get(f"/media/{sha}", headers=await auth(gql))).status_code == 200


async def test_a_cut_at_90_percent_continues_from_where_the_server_got_to(
    app: Starlette, client: httpx.AsyncClient, gql: GraphQLClient, world: World, session_factory: SessionFactory
) -> None:
    data = noisy_jpeg((1000, 800))
    assert len(data) > 200_000
    sha = hashlib.sha256(data).hexdigest()
    headers = {**await auth(gql), **STREAM, "upload-length": str(len(data)), "upload-metadata": metadata(sha)}
    arrived = len(data) * 9 // 10
    await cut_after(app, "/uploads", headers, data, arrived)
    assert not await stored(session_factory, sha)

    head = await client.head(f"/uploads/{sha}", headers={**await auth(gql), **TUS})
    assert head.status_code == 200
    assert int(head.headers["upload-length"]) == len(data)
    offset = int(head.headers["upload-offset"])
    assert offset == arrived  # everything that arrived before the cut was kept

    rest = data[offset:]
    patch = await client.patch(
        f"/uploads/{sha}", content=rest, headers={**await auth(gql), **STREAM, "upload-offset": str(offset)}
    )
    assert patch.status_code == 204, patch.text
    assert patch.headers["upload-offset"] == str(len(data))
    assert await stored(session_factory, sha)
    assert await partial_rows(session_factory) == (0, 0)


async def test_a_patch_at_another_offset_is_refused_with_where_to_continue(
    client: httpx.AsyncClient, gql: GraphQLClient, world: World, session_factory: SessionFactory
) -> None:
    data = noisy_jpeg((600, 400))
    sha = hashlib.sha256(data).hexdigest()
    create = {**await auth(gql), **TUS, "upload-length": str(len(data)), "upload-metadata": metadata(sha)}
    assert (await client.post("/uploads", headers=create)).status_code == 201  # created, no bytes yet
    first = await client.patch(
        f"/uploads/{sha}", content=data[:1000], headers={**await auth(gql), **STREAM, "upload-offset": "0"}
    )
    assert first.status_code == 204 and first.headers["upload-offset"] == "1000"
    again = await client.patch(
        f"/uploads/{sha}", content=data[:1000], headers={**await auth(gql), **STREAM, "upload-offset": "0"}
    )
    assert again.status_code == 409
    assert refusal(again)["code"] == "UPLOAD_OFFSET_MISMATCH"
    assert "1000" in refusal(again)["message"]
    assert await partial_rows(session_factory) == (1, 1)  # the refused bytes were not added


async def test_two_requests_racing_on_one_offset_add_one_part(
    client: httpx.AsyncClient, gql: GraphQLClient, world: World, session_factory: SessionFactory
) -> None:
    data = noisy_jpeg((600, 400))
    sha = hashlib.sha256(data).hexdigest()
    create = {**await auth(gql), **TUS, "upload-length": str(len(data)), "upload-metadata": metadata(sha)}
    assert (await client.post("/uploads", headers=create)).status_code == 201
    actor: Actor = world.actor("village")
    assert await _append(session_factory, actor, sha, 0, data[:500]) == 500
    with pytest.raises(OffsetMismatch):  # the other request read offset 0 before the first one moved it
        await _append(session_factory, actor, sha, 0, data[:700])
    assert await partial_rows(session_factory) == (1, 1)


async def test_bytes_that_do_not_match_their_name_are_dropped(
    client: httpx.AsyncClient, gql: GraphQLClient, world: World, session_factory: SessionFactory
) -> None:
    data = noisy_jpeg((600, 400))
    named = hashlib.sha256(b"another photo").hexdigest()
    headers = {**await auth(gql), **STREAM, "upload-length": str(len(data)), "upload-metadata": metadata(named)}
    response = await client.post("/uploads", content=data, headers=headers)
    assert response.status_code == 400
    assert refusal(response)["field"] == "Upload-Metadata"
    assert not await stored(session_factory, named)
    assert await partial_rows(session_factory) == (0, 0)


@pytest.mark.parametrize(
    ("change", "status", "code"),
    [
        ({"tus-resumable": ""}, 400, "INVALID_INPUT"),
        ({"upload-length": "abc"}, 400, "INVALID_INPUT"),
        ({"upload-length": "0"}, 400, "INVALID_INPUT"),
        ({"upload-length": str(6 * 1024 * 1024)}, 413, "MEDIA_TOO_LARGE"),
        ({"upload-metadata": "filetype aW1hZ2UvanBlZw=="}, 400, "INVALID_INPUT"),
        ({"upload-metadata": "sha256 bm90LWEtaGFzaA=="}, 400, "INVALID_INPUT"),
    ],
)
async def test_bad_creations_are_refused_before_anything_is_kept(
    client: httpx.AsyncClient,
    gql: GraphQLClient,
    world: World,
    session_factory: SessionFactory,
    change: dict[str, str],
    status: int,
    code: str,
) -> None:
    sha = hashlib.sha256(b"x").hexdigest()
    headers = {**await auth(gql), **TUS, "upload-length": "1000", "upload-metadata": metadata(sha), **change}
    response = await client.post("/uploads", headers={k: v for k, v in headers.items() if v})
    assert response.status_code == status, response.text
    assert refusal(response)["code"] == code
    assert await partial_rows(session_factory) == (0, 0)


async def test_more_bytes_than_declared_are_refused(
    client: httpx.AsyncClient, gql: GraphQLClient, world: World, session_factory: SessionFactory
) -> None:
    data = noisy_jpeg((600, 400))
    sha = hashlib.sha256(data).hexdigest()
    headers = {**await auth(gql), **STREAM, "upload-length": "100", "upload-metadata": metadata(sha)}
    response = await client.post("/uploads", content=data, headers=headers)
    assert response.status_code == 400
    assert refusal(response)["field"] == "Upload-Length"
    assert not await stored(session_factory, sha)


async def test_only_uploaders_and_only_their_own_uploads(
    client: httpx.AsyncClient, gql: GraphQLClient, world: World, session_factory: SessionFactory
) -> None:
    data = noisy_jpeg((600, 400))
    sha = hashlib.sha256(data).hexdigest()
    create = {**TUS, "upload-length": str(len(data)), "upload-metadata": metadata(sha)}
    assert (await client.post("/uploads", headers=create)).status_code == 401
    assert (await client.post("/uploads", headers={**await auth(gql, "county"), **create})).status_code == 403
    assert (await client.post("/uploads", headers={**await auth(gql), **create})).status_code == 201
    # another secretary knows the name but neither sees nor continues the upload
    other = await auth(gql, "village_v12")
    assert (await client.head(f"/uploads/{sha}", headers={**other, **TUS})).status_code == 404
    patch = await client.patch(f"/uploads/{sha}", content=data, headers={**other, **STREAM, "upload-offset": "0"})
    assert patch.status_code == 404
    assert await partial_rows(session_factory) == (1, 0)
    assert (await client.head(f"/uploads/{'0' * 64}", headers={**await auth(gql), **TUS})).status_code == 404
    assert (await client.head("/uploads/not-a-hash", headers={**await auth(gql), **TUS})).status_code == 404


async def test_uploads_under_way_are_capped_per_account(
    client: httpx.AsyncClient, gql: GraphQLClient, world: World, session_factory: SessionFactory
) -> None:
    headers = {**await auth(gql), **TUS, "upload-length": "1000"}
    for n in range(MAX_PARTIAL_PER_USER):
        sha = hashlib.sha256(str(n).encode()).hexdigest()
        assert (await client.post("/uploads", headers={**headers, "upload-metadata": metadata(sha)})).status_code == 201
    one_more = hashlib.sha256(b"one more").hexdigest()
    refused = await client.post("/uploads", headers={**headers, "upload-metadata": metadata(one_more)})
    assert refused.status_code == 409 and refusal(refused)["code"] == "INVALID_STATE"
    # starting one of them over is not one more
    again = hashlib.sha256(b"0").hexdigest()
    assert (await client.post("/uploads", headers={**headers, "upload-metadata": metadata(again)})).status_code == 201


async def test_options_names_the_protocol(client: httpx.AsyncClient) -> None:
    response = await client.options("/uploads")
    assert response.status_code == 204
    assert response.headers["tus-version"] == "1.0.0"
    assert set(response.headers["tus-extension"].split(",")) == {"creation", "creation-with-upload"}
    assert int(response.headers["tus-max-size"]) == 5 * 1024 * 1024


async def test_uploads_untouched_for_a_day_are_pruned(
    client: httpx.AsyncClient, gql: GraphQLClient, world: World, session_factory: SessionFactory
) -> None:
    data = noisy_jpeg((600, 400))
    sha = hashlib.sha256(data).hexdigest()
    create = {**await auth(gql), **TUS, "upload-length": str(len(data)), "upload-metadata": metadata(sha)}
    assert (await client.post("/uploads", headers=create)).status_code == 201
    await client.patch(
        f"/uploads/{sha}", content=data[:100], headers={**await auth(gql), **STREAM, "upload-offset": "0"}
    )
    async with session_factory.begin() as session:
        assert await prune_partial_uploads(session) == 0  # touched just now
    async with session_factory.begin() as session:
        assert await prune_partial_uploads(session, utcnow() + timedelta(hours=25)) == 1
    assert await partial_rows(session_factory) == (0, 0)


async def test_a_photo_not_stored_at_the_end_is_not_reported_complete(
    app: Starlette,
    client: httpx.AsyncClient,
    gql: GraphQLClient,
    world: World,
    session_factory: SessionFactory,
    tmp_path: Path,
) -> None:
    class FullDisk(LocalDiskStorage):
        async def put(self, key: str, data: bytes) -> None:
            raise OSError(errno.ENOSPC, "No space left on device")

    app.state.media_storage = FullDisk(tmp_path / "full")
    data = noisy_jpeg((600, 400))
    sha = hashlib.sha256(data).hexdigest()
    headers = {**await auth(gql), **STREAM, "upload-length": str(len(data)), "upload-metadata": metadata(sha)}
    response = await client.post("/uploads", content=data, headers=headers)
    assert response.status_code == 507 and refusal(response)["code"] == "STORAGE_FULL"
    assert not await stored(session_factory, sha)
    assert await partial_rows(session_factory) == (0, 0)
    head = await client.head(f"/uploads/{sha}", headers={**await auth(gql), **TUS})
    assert head.status_code == 404  # so the phone sends it again, rather than believing it complete
