"""POST /media and GET /media/{sha256}[/thumb]: who may upload and read, idempotency, limits,
metadata stripping, disk full. Runs on SQLite and PostgreSQL (TEST_DB)."""

from __future__ import annotations

import asyncio
import errno
import hashlib
import io
import random
import uuid
from collections.abc import AsyncIterator
from datetime import UTC, date, datetime
from pathlib import Path

import httpx
import pytest
from PIL import Image
from sqlalchemy import func, select
from starlette.applications import Starlette

from backend.audit.models import AuditEvent
from backend.core.db import SessionFactory
from backend.core.settings import Settings
from backend.filings.models import Filing, FilingKind, FilingPhoto, FilingStatus
from backend.media.access import access_media
from backend.media.images import THUMB_MAX_BYTES
from backend.media.models import Media
from backend.media.service import store_photo
from backend.media.storage import LocalDiskStorage
from backend.service_card.models import ServiceCard
from tests.conftest import GraphQLClient
from tests.refusals import refusal
from tests.world import World

MB = 1024 * 1024


@pytest.fixture
def settings(settings: Settings, tmp_path: Path) -> Settings:
    """Photos of each test go to its own directory, never the repository's var/media."""
    return settings.with_overrides(media_dir=tmp_path / "media")


def photo(fmt: str = "JPEG", size: tuple[int, int] = (640, 480), seed: int = 3, **params: object) -> bytes:
    rng = random.Random(seed)
    image = Image.new("RGB", size, (rng.randrange(256), rng.randrange(256), rng.randrange(256)))
    buffer = io.BytesIO()
    image.save(buffer, fmt, **params)
    return buffer.getvalue()


def noisy_jpeg(size: tuple[int, int] = (1600, 1200), seed: int = 5) -> bytes:
    rng = random.Random(seed)
    buffer = io.BytesIO()
    Image.frombytes("RGB", size, rng.randbytes(size[0] * size[1] * 3)).save(buffer, "JPEG", quality=85)
    return buffer.getvalue()


def gps_exif() -> bytes:
    exif = Image.Exif()
    exif[0x010F] = "SecretCam"
    exif.get_ifd(0x8769)[0x9003] = "2026:06:15 14:05:30"
    exif.get_ifd(0x8769)[0x9011] = "+08:00"
    gps = exif.get_ifd(0x8825)
    gps[1], gps[2], gps[3], gps[4] = "N", (36.0, 18.0, 0.0), "E", (120.0, 30.0, 36.0)
    return exif.tobytes()


class Api:
    def __init__(self, client: httpx.AsyncClient, gql: GraphQLClient) -> None:
        self.client = client
        self.gql = gql

    async def headers(self, as_user: str | None) -> dict[str, str]:
        return {"authorization": f"Bearer {await self.gql.token_for(as_user)}"} if as_user else {}

    async def upload(self, data: bytes, as_user: str | None = "village", **kwargs: object) -> httpx.Response:
        headers = await self.headers(as_user)
        return await self.client.post(
            "/media", content=data, headers={**headers, "content-type": "application/octet-stream"}, **kwargs
        )

    async def get(self, path: str, as_user: str | None = "village", **headers: str) -> httpx.Response:
        return await self.client.get(path, headers={**(await self.headers(as_user)), **headers})


@pytest.fixture
def api(client: httpx.AsyncClient, gql: GraphQLClient) -> Api:
    return Api(client, gql)


async def media_count(session_factory: SessionFactory) -> int:
    async with session_factory() as session:
        return int(await session.scalar(select(func.count()).select_from(Media)) or 0)


async def attach_to_filing(session_factory: SessionFactory, world: World, sha256: str, village: str = "V11") -> None:
    unit = world.units[village]
    secretary = world.secretaries[village]
    async with session_factory.begin() as session:
        filing = Filing(
            id=str(uuid.uuid4()),
            kind=FilingKind.PARTY_LECTURE,
            status=FilingStatus.SUBMITTED,
            content_hash="0" * 64,
            secretary_id=secretary.id,
            village_id=unit.id,
            township_id=unit.township_id,
            county_id=unit.county_id,
            title="主题党课",
            body={},
            occurred_on=date(2026, 6, 15),
            recorded_at=datetime(2026, 6, 15, 8, tzinfo=UTC),
            created_by=secretary.user_id,
        )
        session.add(filing)
        await session.flush()
        session.add(FilingPhoto(filing_id=filing.id, position=0, media_sha256=sha256))


# --- upload -----------------------------------------------------------------------------------


@pytest.mark.parametrize("fmt", ["JPEG", "PNG", "WEBP"])
async def test_secretary_uploads_real_photo(api: Api, fmt: str, session_factory: SessionFactory) -> None:
    data = photo(fmt)
    response = await api.upload(data)
    assert response.status_code == 201, response.text
    body = response.json()
    sha = hashlib.sha256(data).hexdigest()
    assert body == {
        "sha256": sha,
        "width": 640,
        "height": 480,
        "mime": "image/jpeg",
        "takenAt": None,
        "lat": None,
        "lng": None,
        "url": f"/media/{sha}",
        "thumbUrl": f"/media/{sha}/thumb",
    }
    stored = await api.get(body["url"])
    assert stored.status_code == 200
    assert stored.headers["content-type"] == "image/jpeg"
    with Image.open(io.BytesIO(stored.content)) as image:
        assert image.format == "JPEG" and image.size == (640, 480)
    assert await media_count(session_factory) == 1


async def test_multipart_field_file_is_accepted(api: Api, client: httpx.AsyncClient) -> None:
    data = photo("PNG")
    response = await client.post(
        "/media",
        files={"file": ("IMG_0001.png", data, "image/png")},
        headers=await api.headers("village"),
    )
    assert response.status_code == 201, response.text
    assert response.json()["sha256"] == hashlib.sha256(data).hexdigest()
    missing = await client.post(
        "/media", files={"other": ("a.png", data, "image/png")}, headers=await api.headers("village")
    )
    assert missing.status_code == 400 and refusal(missing)["code"] == "INVALID_INPUT"


async def test_exif_time_and_gps_go_to_the_row_and_not_into_the_file(
    api: Api, settings: Settings, session_factory: SessionFactory
) -> None:
    data = photo("JPEG", exif=gps_exif())
    response = await api.upload(data)
    assert response.status_code == 201, response.text
    body = response.json()
    assert body["takenAt"] == "2026-06-15T06:05:30Z"
    assert body["lat"] == pytest.approx(36.3) and body["lng"] == pytest.approx(120.51)
    async with session_factory() as session:
        media = await session.get(Media, body["sha256"])
    assert media is not None
    assert media.taken_at == datetime(2026, 6, 15, 6, 5, 30, tzinfo=UTC)
    assert (media.exif_lat, media.exif_lng) == (pytest.approx(36.3), pytest.approx(120.51))
    assert media.county_id == int(api.gql.world.unit_id("A"))  # type: ignore[union-attr]
    for key in (media.stored_key, media.thumb_key):
        on_disk = (settings.media_dir / key).read_bytes()
        assert key.split("/")[-1] == hashlib.sha256(on_disk).hexdigest() + ".jpg"  # content-addressed
        with Image.open(io.BytesIO(on_disk)) as image:
            assert not image.getexif()
            assert "exif" not in image.info and "icc_profile" not in image.info
        assert b"SecretCam" not in on_disk and b"Exif\x00" not in on_disk
    served = await api.get(body["url"])
    assert served.content == (settings.media_dir / media.stored_key).read_bytes()


async def test_same_bytes_twice_make_one_row(api: Api, session_factory: SessionFactory) -> None:
    data = photo("JPEG")
    first, second = await api.upload(data), await api.upload(data)
    assert (first.status_code, second.status_code) == (201, 200)
    assert first.json() == second.json()
    assert await media_count(session_factory) == 1
    async with session_factory() as session:
        uploads = await session.scalar(select(func.count()).select_from(AuditEvent).where(AuditEvent.entity == "media"))
    assert uploads == 1


async def test_concurrent_identical_uploads_make_one_row(api: Api, session_factory: SessionFactory) -> None:
    data = photo("JPEG", seed=11)
    responses = await asyncio.gather(api.upload(data), api.upload(data), api.upload(data))
    assert sorted(r.status_code for r in responses) == [200, 200, 201]
    assert len({r.json()["sha256"] for r in responses}) == 1
    assert await media_count(session_factory) == 1


async def test_repeat_upload_does_not_reprocess(api: Api, app: Starlette, monkeypatch: pytest.MonkeyPatch) -> None:
    data = photo("JPEG")
    assert (await api.upload(data)).status_code == 201

    def must_not_run(_data: bytes) -> None:
        raise AssertionError("reprocessed")

    monkeypatch.setattr("backend.media.service.process_photo", must_not_run)
    assert (await api.upload(data)).status_code == 200


async def test_repeat_upload_heals_lost_files(api: Api, settings: Settings) -> None:
    data = photo("JPEG")
    body = (await api.upload(data)).json()
    for path in settings.media_dir.rglob("*.jpg"):
        path.unlink()
    assert refusal(await api.get(body["url"]))["code"] == "MEDIA_MISSING"
    assert (await api.upload(data)).status_code == 200
    assert (await api.get(body["url"])).status_code == 200


@pytest.mark.parametrize(
    ("name", "data"),
    [
        ("notes.jpg", b"this is a text file named like a photo\n" * 10),
        ("half.jpg", noisy_jpeg((400, 300))[:5000]),
        ("anim.gif", photo("GIF")),
        ("logo.svg", b'<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>'),
    ],
)
async def test_not_a_real_photo_is_refused(
    api: Api, client: httpx.AsyncClient, session_factory: SessionFactory, name: str, data: bytes
) -> None:
    raw = await api.upload(data)
    form = await client.post("/media", files={"file": (name, data, "image/jpeg")}, headers=await api.headers("village"))
    for response in (raw, form):
        assert response.status_code == 415, response.text
        error = refusal(response)
        assert error["code"] == "MEDIA_UNSUPPORTED"
        assert "JPEG" in error["message"]
    assert await media_count(session_factory) == 0


async def test_over_five_megabytes_is_refused_by_declared_length(api: Api) -> None:
    data = b"\xff\xd8\xff\xe0" + bytes(5 * MB)
    response = await api.upload(data)
    assert response.status_code == 413
    assert refusal(response)["code"] == "MEDIA_TOO_LARGE"
    assert "5 MB" in refusal(response)["message"]


async def test_over_five_megabytes_streamed_is_refused_before_the_end(api: Api, client: httpx.AsyncClient) -> None:
    sent = 0

    async def body() -> AsyncIterator[bytes]:
        nonlocal sent
        chunk = b"\xff\xd8\xff\xe0" + bytes(64 * 1024 - 4)
        for _ in range(200):  # 12.5 MB if read to the end
            sent += len(chunk)
            yield chunk

    response = await client.post("/media", content=body(), headers=await api.headers("village"))
    assert response.status_code == 413
    assert refusal(response)["code"] == "MEDIA_TOO_LARGE"
    assert sent <= 5 * MB + 128 * 1024  # stopped reading right after the limit


async def test_empty_body_is_bad_input(api: Api) -> None:
    response = await api.upload(b"")
    assert response.status_code == 400 and refusal(response)["code"] == "INVALID_INPUT"


async def test_thumbnail_of_noisy_photo_fits_budget(api: Api) -> None:
    body = (await api.upload(noisy_jpeg())).json()
    assert (body["width"], body["height"]) == (1600, 1200)
    thumb = await api.get(body["thumbUrl"])
    assert thumb.status_code == 200 and thumb.headers["content-type"] == "image/jpeg"
    assert len(thumb.content) <= THUMB_MAX_BYTES <= 30 * 1024
    with Image.open(io.BytesIO(thumb.content)) as image:
        assert max(image.size) <= 320


@pytest.mark.parametrize(
    ("user", "status", "code"),
    [
        ("township", 403, "FORBIDDEN"),
        ("county", 403, "FORBIDDEN"),
        (None, 401, "UNAUTHENTICATED"),
    ],
)
async def test_only_first_secretaries_and_members_upload(
    api: Api, session_factory: SessionFactory, user: str | None, status: int, code: str
) -> None:
    response = await api.upload(photo("JPEG"), as_user=user)
    assert response.status_code == status
    assert refusal(response)["code"] == code
    assert await media_count(session_factory) == 0


async def test_a_member_uploads_the_photo_of_a_report_and_only_they_see_it(api: Api) -> None:
    """Members upload too (a problem report's photo, tests/ledger/test_problem_photos.py); until a
    report shows it, only they can see it."""
    response = await api.upload(photo("JPEG", seed=9), as_user="member")
    assert response.status_code == 201, response.text
    url = response.json()["url"]
    assert (await api.get(url, as_user="member")).status_code == 200
    for outsider in ("village", "township", "member_v12", None):
        assert (await api.get(url, as_user=outsider)).status_code == 404


async def test_bad_token_is_unauthenticated(client: httpx.AsyncClient) -> None:
    response = await client.post("/media", content=photo(), headers={"authorization": "Bearer nonsense"})
    assert response.status_code == 401
    assert response.headers["www-authenticate"] == "Bearer"
    assert refusal(response)["code"] == "UNAUTHENTICATED"


async def test_disk_full_is_507_and_leaves_no_row(
    api: Api, app: Starlette, session_factory: SessionFactory, tmp_path: Path
) -> None:
    class FullDisk(LocalDiskStorage):
        """Any store whose write fails for lack of space, with a plain OSError."""

        async def put(self, key: str, data: bytes) -> None:
            raise OSError(errno.ENOSPC, "No space left on device")

    app.state.media_storage = FullDisk(tmp_path / "full")
    response = await api.upload(photo("JPEG"))
    assert response.status_code == 507
    error = refusal(response)
    assert error["code"] == "STORAGE_FULL"
    assert "手机" in error["message"]  # tells the user the record waits on the phone
    assert await media_count(session_factory) == 0
    async with session_factory() as session:
        assert await session.scalar(select(func.count()).select_from(AuditEvent)) == 0


async def test_disk_full_from_the_real_disk_store(
    api: Api, session_factory: SessionFactory, monkeypatch: pytest.MonkeyPatch
) -> None:
    def no_space(*_args: object) -> None:
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr("backend.media.storage.os.replace", no_space)
    response = await api.upload(photo("PNG"))
    assert response.status_code == 507 and refusal(response)["code"] == "STORAGE_FULL"
    assert await media_count(session_factory) == 0


# --- reading ----------------------------------------------------------------------------------


async def test_reading_is_limited_to_uploader_and_jurisdiction(
    api: Api, world: World, session_factory: SessionFactory
) -> None:
    body = (await api.upload(photo("JPEG"))).json()
    url, thumb = body["url"], body["thumbUrl"]

    async def status(user: str | None) -> int:
        return (await api.get(url, as_user=user)).status_code

    # Not yet on any filing: only the uploader. Whoever may not see it finds nothing there, as for
    # a photo that was never uploaded.
    assert await status("village") == 200
    assert await status("township") == 404
    for outsider in ("village_v12", "member", "county_b", "township_t2"):
        assert await status(outsider) == 404
    assert await status(None) == 404

    await attach_to_filing(session_factory, world, body["sha256"], "V11")
    for staff in ("township", "county"):
        assert await status(staff) == 200
        assert (await api.get(thumb, as_user=staff)).status_code == 200
    for outsider in ("village_v12", "member", "county_b", "township_t2", "member_vb"):
        response = await api.get(url, as_user=outsider)
        assert response.status_code == 404
        never_uploaded = await api.get(url.replace(body["sha256"], "0" * 64), as_user=outsider)
        assert refusal(response) == refusal(never_uploaded)  # one answer: nothing is revealed
        assert (await api.get(thumb, as_user=outsider)).status_code == 404
    assert await status(None) == 404


async def test_service_card_photo_is_public(api: Api, world: World, session_factory: SessionFactory) -> None:
    body = (await api.upload(photo("JPEG"))).json()
    async with session_factory.begin() as session:
        session.add(ServiceCard(secretary_id=world.secretaries["V11"].id, snapshot={}, photo_sha256=body["sha256"]))
    for user in (None, "member_vb", "county_b"):
        assert (await api.get(body["url"], as_user=user)).status_code == 200


async def test_served_photo_headers_and_revalidation(api: Api) -> None:
    body = (await api.upload(photo("WEBP"))).json()
    response = await api.get(body["url"])
    assert response.headers["cache-control"] == "private, max-age=31536000, immutable"
    assert response.headers["x-content-type-options"] == "nosniff"
    assert response.headers["content-type"] == "image/jpeg"
    assert "content-encoding" not in response.headers
    etag = response.headers["etag"]
    again = await api.get(body["url"], **{"if-none-match": etag})
    assert again.status_code == 304 and again.content == b""
    # Revalidation is still authorised: an outsider learns nothing from a matching ETag.
    assert (await api.get(body["url"], as_user="village_v12", **{"if-none-match": etag})).status_code == 404


@pytest.mark.parametrize("path", ["/media/not-a-hash", "/media/" + "0" * 64, "/media/" + "A" * 64 + "/thumb"])
async def test_unknown_or_malformed_hash_is_404(api: Api, path: str) -> None:
    response = await api.get(path)
    assert response.status_code == 404


async def test_access_token_in_the_url_is_not_accepted(api: Api, gql: GraphQLClient) -> None:
    body = (await api.upload(photo("JPEG"))).json()
    token = await gql.token_for("village")
    response = await api.get(f"{body['url']}?access_token={token}", as_user=None)
    assert response.status_code == 404


# --- service layer directly -------------------------------------------------------------------


async def test_store_photo_service_is_idempotent(world: World, session_factory: SessionFactory, tmp_path: Path) -> None:
    storage = LocalDiskStorage(tmp_path / "svc")
    data = photo("PNG")
    async with session_factory.begin() as session:
        first = await store_photo(session, storage, world.actor("village"), data)
    async with session_factory.begin() as session:
        second = await store_photo(session, storage, world.actor("village"), data)
        assert second.sha256 == first.sha256
        assert await access_media(session, world.actor("village"), first.sha256) is not None
    assert await storage.exists(first.stored_key) and await storage.exists(first.thumb_key)
