"""The media disk really fills up (issue #6 "Survive faults"); SQLite and PostgreSQL.

MEDIA_DIR is a tiny tmpfs filled to the last byte, so the kernel itself answers ENOSPC. Proves: an
upload gets HTTP 507 STORAGE_FULL with a Chinese message, leaves no media row, no audit event and no
file (not even a temporary one); once space is freed, the same upload (the phone's outbox
re-sending it) is stored. That the phone keeps the record on 507 and sends it later is proved on
the PWA side by pwa/tests-unit/outbox.test.mjs.
"""

from __future__ import annotations

import errno
import subprocess
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from sqlalchemy import func, select

from backend.audit.models import AuditEvent
from backend.core.db import SessionFactory
from backend.core.settings import Settings
from backend.media.models import Media
from tests.conftest import GraphQLClient
from tests.faults.phone import photo_bytes
from tests.refusals import refusal

DISK_SIZE = "256k"


@pytest.fixture
def small_disk(tmp_path: Path) -> Iterator[Path]:
    """A 256 KiB tmpfs (mounting needs root, as in CI and the dev container)."""
    mount_point = tmp_path / "media"
    mount_point.mkdir()
    mounted = subprocess.run(
        ["mount", "-t", "tmpfs", "-o", f"size={DISK_SIZE},mode=0755", "tmpfs", str(mount_point)],
        capture_output=True,
        text=True,
    )
    if mounted.returncode != 0:
        pytest.fail(
            f"cannot mount a tmpfs for the disk-full test ({mounted.stderr.strip()}): run the tests as root "
            "(CI and the dev container do); tests/media/test_media_api.py covers the ENOSPC path with a fake"
        )
    try:
        yield mount_point
    finally:
        subprocess.run(["umount", "-l", str(mount_point)], check=False)


@pytest.fixture
def settings(settings: Settings, small_disk: Path) -> Settings:
    return settings.with_overrides(media_dir=small_disk)


def fill(disk: Path) -> Path:
    """Write until the kernel says no space is left; returns the filler file."""
    filler = disk / "filler.bin"
    with filler.open("wb", buffering=0) as out:
        try:
            while True:
                out.write(b"\0" * 4096)
        except OSError as exc:
            assert exc.errno == errno.ENOSPC, exc
    return filler


async def _media_rows(session_factory: SessionFactory) -> tuple[int, int]:
    async with session_factory() as session:
        rows = await session.scalar(select(func.count()).select_from(Media))
        events = await session.scalar(select(func.count()).select_from(AuditEvent).where(AuditEvent.entity == "media"))
    return rows or 0, events or 0


async def test_full_media_disk_is_507_and_the_retry_succeeds_once_space_is_back(
    client: httpx.AsyncClient, gql: GraphQLClient, session_factory: SessionFactory, small_disk: Path
) -> None:
    headers = {"authorization": f"Bearer {await gql.token_for('village')}", "content-type": "image/jpeg"}
    photo = photo_bytes(7)
    filler = fill(small_disk)

    refused = await client.post("/media", content=photo, headers=headers)

    assert refused.status_code == 507, refused.text
    error = refusal(refused)
    assert error["code"] == "STORAGE_FULL"
    assert "存储空间已满" in error["message"] and "稍后会自动重试" in error["message"]
    assert await _media_rows(session_factory) == (0, 0)
    assert [p.name for p in small_disk.rglob("*") if p.is_file()] == ["filler.bin"]  # no partial, no temporary

    filler.unlink()  # the operator frees space; the outbox sends the same photo again
    stored = await client.post("/media", content=photo, headers=headers)

    assert stored.status_code == 201, stored.text
    assert await _media_rows(session_factory) == (1, 1)
    sha = stored.json()["sha256"]
    assert (await client.get(f"/media/{sha}", headers={"authorization": headers["authorization"]})).status_code == 200
