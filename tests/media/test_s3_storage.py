"""S3Storage against a real S3-protocol server (moto's server, see conftest.py), the upload API
with MEDIA_STORAGE=s3, the choice of store from the settings, and "full" refusals answered
over HTTP by a scripted endpoint speaking MinIO's error codes (moto has no quotas)."""

from __future__ import annotations

import hashlib
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import httpx
import pytest
from starlette.applications import Starlette

from backend.app import create_app
from backend.core.db import SessionFactory
from backend.core.settings import Settings, SettingsError
from backend.media.errors import StorageFull
from backend.media.models import Media
from backend.media.s3 import MediaStorageError, MediaStoreUnreachable, S3Storage
from backend.media.storage import LocalDiskStorage, content_key
from backend.media.storage_factory import media_storage_from_settings
from tests.conftest import GraphQLClient
from tests.live_server import free_port
from tests.media.conftest import (
    S3_ACCESS_KEY_ID,
    S3_REGION,
    S3_SECRET_ACCESS_KEY,
    S3Server,
    s3_client,
)
from tests.media.test_media_api import Api, media_count, photo
from tests.refusals import refusal

KEY = content_key(b"photo bytes", "jpg")


def storage_for(server: S3Server, bucket: str, prefix: str = "") -> S3Storage:
    return S3Storage(server.client, bucket, prefix)


def object_names(server: S3Server, bucket: str) -> set[str]:
    listing = server.client.list_objects_v2(Bucket=bucket)
    return {item["Key"] for item in listing.get("Contents", [])}


# --- the three calls ---------------------------------------------------------------------------


async def test_put_get_exists_round_trip(s3_server: S3Server, s3_bucket: str) -> None:
    storage = storage_for(s3_server, s3_bucket)
    assert not await storage.exists(KEY)
    await storage.put(KEY, b"photo bytes")
    assert await storage.exists(KEY)
    assert await storage.get(KEY) == b"photo bytes"
    head = s3_server.client.head_object(Bucket=s3_bucket, Key=KEY)
    assert head["ContentType"] == "image/jpeg"
    assert head["ContentLength"] == len(b"photo bytes")


async def test_put_of_an_existing_key_is_harmless(s3_server: S3Server, s3_bucket: str) -> None:
    storage = storage_for(s3_server, s3_bucket)
    await storage.put(KEY, b"photo bytes")
    await storage.put(KEY, b"photo bytes")
    assert await storage.get(KEY) == b"photo bytes"
    assert object_names(s3_server, s3_bucket) == {KEY}


async def test_missing_key_is_none_and_not_existing(s3_server: S3Server, s3_bucket: str) -> None:
    storage = storage_for(s3_server, s3_bucket)
    assert await storage.get(KEY) is None
    assert await storage.exists(KEY) is False


@pytest.mark.parametrize("prefix", ["media", "media/", "/media/"])
async def test_keys_live_under_the_prefix(s3_server: S3Server, s3_bucket: str, prefix: str) -> None:
    storage = storage_for(s3_server, s3_bucket, prefix=prefix)
    await storage.put(KEY, b"photo bytes")
    assert object_names(s3_server, s3_bucket) == {f"media/{KEY}"}
    assert await storage.get(KEY) == b"photo bytes"
    assert await storage_for(s3_server, s3_bucket).get(KEY) is None  # not at the bucket's root


async def test_unsafe_keys_are_refused_before_any_request(s3_server: S3Server, s3_bucket: str) -> None:
    storage = storage_for(s3_server, s3_bucket)
    for key in ("../escape.jpg", "/abs.jpg", "ab/../cd.jpg", ""):
        with pytest.raises(ValueError, match="invalid storage key"):
            await storage.put(key, b"x")


async def test_missing_bucket_is_a_clear_error(s3_server: S3Server) -> None:
    storage = storage_for(s3_server, "no-such-bucket")
    with pytest.raises(MediaStorageError, match=r"PutObject s3://no-such-bucket/.*NoSuchBucket"):
        await storage.put(KEY, b"photo bytes")
    with pytest.raises(MediaStorageError, match="GetObject.*NoSuchBucket"):
        await storage.get(KEY)


async def test_unreachable_endpoint_is_a_clear_error() -> None:
    client = s3_client(f"http://127.0.0.1:{free_port()}", connect_timeout=1, attempts=1)
    storage = S3Storage(client, "media")
    with pytest.raises(MediaStoreUnreachable, match="HeadObject s3://media/.* failed: Could not connect"):
        await storage.exists(KEY)


# --- "full" answers, over HTTP ----------------------------------------------------------------


class RefusingS3(BaseHTTPRequestHandler):
    """Answers every request as a full MinIO would; `status` and `code` set per server."""

    protocol_version = "HTTP/1.1"  # so botocore's `Expect: 100-continue` is answered at once
    status = 507
    code = "XMinioStorageFull"

    def do_PUT(self) -> None:
        self.rfile.read(int(self.headers.get("content-length", "0")))
        body = (
            f'<?xml version="1.0" encoding="UTF-8"?><Error><Code>{self.code}</Code>'
            f"<Message>refused for the test</Message><RequestId>1</RequestId></Error>"
        ).encode()
        self.send_response(self.status)
        self.send_header("content-type", "application/xml")
        self.send_header("content-length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *_args: object) -> None:
        pass


@pytest.fixture
def refusing_s3(request: pytest.FixtureRequest) -> Iterator[S3Storage]:
    status, code = request.param
    handler = type("Handler", (RefusingS3,), {"status": status, "code": code})
    server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)
    thread.start()
    try:
        yield S3Storage(s3_client(f"http://127.0.0.1:{server.server_address[1]}", attempts=1), "media")
    finally:
        server.shutdown()
        server.server_close()
        thread.join()


FULL_ANSWERS = [
    (507, "XMinioStorageFull"),  # MinIO, drives full
    (400, "XMinioAdminBucketQuotaExceeded"),  # MinIO, hard bucket quota
    (403, "QuotaExceeded"),  # Ceph RGW user or bucket quota
    (400, "EntityTooLarge"),  # a server-side object size cap
    (507, "SomethingElse"),  # any 507 Insufficient Storage
]


@pytest.mark.parametrize("refusing_s3", FULL_ANSWERS, indirect=True)
async def test_full_answers_become_storage_full(refusing_s3: S3Storage) -> None:
    with pytest.raises(StorageFull):
        await refusing_s3.put(KEY, b"photo bytes")


@pytest.mark.parametrize("refusing_s3", [(403, "AccessDenied")], indirect=True)
async def test_other_refusals_are_not_storage_full(refusing_s3: S3Storage) -> None:
    with pytest.raises(MediaStorageError, match="HTTP 403 AccessDenied"):
        await refusing_s3.put(KEY, b"photo bytes")


@pytest.mark.parametrize("refusing_s3", [(507, "XMinioStorageFull")], indirect=True)
async def test_full_bucket_answers_507_through_the_api(
    refusing_s3: S3Storage, api: Api, app: Starlette, session_factory: SessionFactory
) -> None:
    app.state.media_storage = refusing_s3
    response = await api.upload(photo("JPEG"))
    assert response.status_code == 507
    assert refusal(response)["code"] == "STORAGE_FULL"
    assert await media_count(session_factory) == 0


@pytest.mark.parametrize("refusing_s3", [(503, "SlowDown")], indirect=True)
async def test_a_store_outage_answers_503_try_again_through_the_api(
    refusing_s3: S3Storage, api: Api, app: Starlette, session_factory: SessionFactory
) -> None:
    app.state.media_storage = refusing_s3
    response = await api.upload(photo("JPEG"))
    assert response.status_code == 503
    assert refusal(response)["code"] == "SERVICE_UNAVAILABLE"
    assert response.headers["retry-after"]
    assert await media_count(session_factory) == 0


# --- the upload API with MEDIA_STORAGE=s3 ---------------------------------------------------------


@pytest.fixture
def settings(settings: Settings, s3_server: S3Server, s3_bucket: str, tmp_path: Path) -> Settings:
    return settings.with_overrides(
        media_dir=tmp_path / "unused-disk",
        media_storage="s3",
        s3_endpoint_url=s3_server.endpoint_url,
        s3_bucket=s3_bucket,
        s3_region=S3_REGION,
        s3_access_key_id=S3_ACCESS_KEY_ID,
        s3_secret_access_key=S3_SECRET_ACCESS_KEY,
        s3_prefix="media/",
    )


@pytest.fixture
def api(client: httpx.AsyncClient, gql: GraphQLClient) -> Api:
    return Api(client, gql)


async def test_upload_and_read_through_s3(
    api: Api, app: Starlette, settings: Settings, s3_server: S3Server, session_factory: SessionFactory
) -> None:
    assert isinstance(app.state.media_storage, S3Storage)
    data = photo("PNG")
    response = await api.upload(data)
    assert response.status_code == 201, response.text
    sha = response.json()["sha256"]
    assert sha == hashlib.sha256(data).hexdigest()
    async with session_factory() as session:
        media = await session.get(Media, sha)
    assert media is not None
    assert object_names(s3_server, settings.s3_bucket) == {f"media/{media.stored_key}", f"media/{media.thumb_key}"}

    client = s3_server.client
    for path, key in ((f"/media/{sha}", media.stored_key), (f"/media/{sha}/thumb", media.thumb_key)):
        served = await api.get(path)
        assert served.status_code == 200 and served.headers["content-type"] == "image/jpeg"
        assert served.content == client.get_object(Bucket=settings.s3_bucket, Key=f"media/{key}")["Body"].read()
    assert not settings.media_dir.exists()  # nothing went to the local disk

    again = await api.upload(data)
    assert again.status_code == 200


async def test_lost_objects_are_rewritten_by_a_repeated_upload(
    api: Api, settings: Settings, s3_server: S3Server
) -> None:
    data = photo("JPEG")
    sha = (await api.upload(data)).json()["sha256"]
    client = s3_server.client
    for name in object_names(s3_server, settings.s3_bucket):
        client.delete_object(Bucket=settings.s3_bucket, Key=name)
    assert refusal(await api.get(f"/media/{sha}"))["code"] == "MEDIA_MISSING"

    assert (await api.upload(data)).status_code == 200
    assert (await api.get(f"/media/{sha}")).status_code == 200
    assert len(object_names(s3_server, settings.s3_bucket)) == 2


# --- choosing the store -------------------------------------------------------------------------


def test_disk_is_the_default(tmp_path: Path) -> None:
    storage = media_storage_from_settings(Settings(media_dir=tmp_path))
    assert isinstance(storage, LocalDiskStorage) and storage.root == tmp_path


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        ({"media_storage": "s3"}, "requires S3_BUCKET"),
        ({"media_storage": "s3", "s3_bucket": "b", "s3_access_key_id": "k"}, "must be set together"),
        ({"media_storage": "s3", "s3_bucket": "b", "s3_endpoint_url": "minio:9000"}, "must start with http"),
        ({"media_storage": "s3", "s3_bucket": "b", "s3_addressing_style": "auto"}, "S3_ADDRESSING_STYLE"),
        ({"media_storage": "ftp"}, "must be 'disk' or 's3'"),
    ],
)
def test_misconfigured_storage_refuses_to_start(overrides: dict[str, str], message: str) -> None:
    settings = Settings().with_overrides(**overrides)
    with pytest.raises(SettingsError, match=message):
        media_storage_from_settings(settings)
    with pytest.raises(SettingsError, match=message):
        create_app(settings)
