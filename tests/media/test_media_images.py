"""The image pipeline and the local-disk store, without a database or HTTP."""

from __future__ import annotations

import errno
import io
import os
import random
from datetime import UTC, datetime
from pathlib import Path

import pytest
from PIL import Image

from backend.media import images
from backend.media.errors import MediaUnsupported, StorageFull
from backend.media.images import THUMB_MAX_BYTES, process_photo, sniff_mime
from backend.media.storage import LocalDiskStorage, MediaStorage, content_key


def noisy(size: tuple[int, int], seed: int = 1) -> Image.Image:
    rng = random.Random(seed)
    return Image.frombytes("RGB", size, rng.randbytes(size[0] * size[1] * 3))


def encode(image: Image.Image, fmt: str, **params: object) -> bytes:
    buffer = io.BytesIO()
    image.save(buffer, fmt, **params)
    return buffer.getvalue()


def exif_bytes(
    *, taken: str | None = "2026:05:01 09:30:00", offset: str | None = None, gps: bool = True, orientation: int = 1
) -> bytes:
    exif = Image.Exif()
    exif[0x0112] = orientation
    exif[0x010F] = "TestCam"  # Make: must not survive
    sub = exif.get_ifd(0x8769)
    if taken:
        sub[0x9003] = taken
    if offset:
        sub[0x9011] = offset
    if gps:
        gps_ifd = exif.get_ifd(0x8825)
        gps_ifd[1] = "S"
        gps_ifd[2] = (36.0, 18.0, 30.0)
        gps_ifd[3] = "W"
        gps_ifd[4] = (120.0, 5.0, 15.5)
    return exif.tobytes()


def test_sniff_by_magic_bytes_only() -> None:
    plain = Image.new("RGB", (8, 8), "red")
    assert sniff_mime(encode(plain, "JPEG")) == "image/jpeg"
    assert sniff_mime(encode(plain, "PNG")) == "image/png"
    assert sniff_mime(encode(plain, "WEBP")) == "image/webp"
    assert sniff_mime(encode(plain, "GIF")) is None
    assert sniff_mime(b"<svg xmlns='http://www.w3.org/2000/svg'/>") is None
    assert sniff_mime(b"RIFF\x00\x00\x00\x00WAVEfmt ") is None


@pytest.mark.parametrize("fmt", ["JPEG", "PNG", "WEBP"])
def test_real_images_are_reencoded_as_clean_jpeg(fmt: str) -> None:
    photo = process_photo(encode(Image.new("RGB", (640, 480), (30, 120, 200)), fmt))
    assert (photo.mime, photo.width, photo.height) == ("image/jpeg", 640, 480)
    with Image.open(io.BytesIO(photo.data)) as stored:
        assert stored.format == "JPEG"
        assert stored.size == (640, 480)


def test_exif_time_and_gps_are_kept_then_stripped_and_orientation_applied() -> None:
    source = encode(
        Image.new("RGB", (400, 300), "green"),
        "JPEG",
        exif=exif_bytes(offset="+05:30", orientation=6),
        icc_profile=Image.core.__name__.encode(),  # an unusable profile must not break anything
    )
    photo = process_photo(source)
    assert photo.taken_at == datetime(2026, 5, 1, 4, 0, tzinfo=UTC)
    assert photo.lat == pytest.approx(-(36 + 18 / 60 + 30 / 3600), abs=1e-6)
    assert photo.lng == pytest.approx(-(120 + 5 / 60 + 15.5 / 3600), abs=1e-6)
    assert (photo.width, photo.height) == (300, 400)  # rotated upright, then orientation dropped
    for data in (photo.data, photo.thumb):
        with Image.open(io.BytesIO(data)) as stored:
            assert not stored.getexif()
            assert "exif" not in stored.info and "icc_profile" not in stored.info
        assert b"TestCam" not in data and b"Exif" not in data


def test_exif_time_without_offset_is_china_local_time() -> None:
    photo = process_photo(encode(Image.new("RGB", (64, 48)), "JPEG", exif=exif_bytes(gps=False)))
    assert photo.taken_at == datetime(2026, 5, 1, 1, 30, tzinfo=UTC)
    assert photo.lat is None and photo.lng is None


def test_absurd_exif_is_ignored_not_fatal() -> None:
    exif = Image.Exif()
    exif.get_ifd(0x8769)[0x9003] = "0000:00:00 00:00:00"
    gps = exif.get_ifd(0x8825)
    gps[1], gps[2], gps[3], gps[4] = "N", (95.0, 0.0, 0.0), "E", (10.0, 0.0, 0.0)
    photo = process_photo(encode(Image.new("RGB", (64, 48)), "JPEG", exif=exif.tobytes()))
    assert (photo.taken_at, photo.lat, photo.lng) == (None, None, None)


def test_png_with_alpha_is_flattened_on_white() -> None:
    image = Image.new("RGBA", (50, 50), (0, 0, 0, 0))
    photo = process_photo(encode(image, "PNG"))
    with Image.open(io.BytesIO(photo.data)) as stored:
        r, g, b = stored.convert("RGB").getpixel((25, 25))  # type: ignore[misc]
        assert min(r, g, b) > 240


def test_long_edge_capped_and_thumbnail_small_for_noise() -> None:
    photo = process_photo(encode(noisy((2400, 1800)), "PNG"))
    assert (photo.width, photo.height) == (1600, 1200)
    assert len(photo.thumb) <= THUMB_MAX_BYTES
    with Image.open(io.BytesIO(photo.thumb)) as thumb:
        assert thumb.size == (320, 240)


def test_thumbnail_budget_holds_even_without_downscaling_smoothing() -> None:
    """Pure noise at thumbnail size is the worst case: quality steps, then shrinking, kick in."""
    thumb = images._thumbnail(noisy((320, 320), seed=7))
    assert len(thumb) <= THUMB_MAX_BYTES
    assert len(images._encode_jpeg(noisy((320, 320), seed=7), 72)) > THUMB_MAX_BYTES  # the test bites


@pytest.mark.parametrize(
    "data",
    [
        pytest.param(b"just some text pretending to be a photo.jpg\n" * 20, id="text"),
        pytest.param(b"<svg xmlns='http://www.w3.org/2000/svg'><script>alert(1)</script></svg>", id="svg"),
        pytest.param(encode(Image.new("RGB", (64, 64)), "GIF"), id="gif"),
        pytest.param(encode(noisy((400, 300)), "JPEG")[:6000], id="truncated-jpeg"),
        pytest.param(encode(noisy((200, 200)), "PNG")[:5000], id="truncated-png"),
        pytest.param(encode(noisy((200, 200)), "WEBP")[:3000], id="truncated-webp"),
        pytest.param(b"\xff\xd8\xff\xe0" + b"\x00" * 100, id="jpeg-magic-only"),
    ],
)
def test_not_a_complete_image_is_unsupported(data: bytes) -> None:
    with pytest.raises(MediaUnsupported) as caught:
        process_photo(data)
    assert caught.value.code == "MEDIA_UNSUPPORTED"


def test_decompression_bomb_guard(monkeypatch: pytest.MonkeyPatch) -> None:
    bomb = encode(Image.new("L", (2000, 2000)), "PNG")  # 4 MP of zeros compress to a few KB
    assert len(bomb) < 20_000
    monkeypatch.setattr(images, "MAX_PIXELS", 1_000_000)
    with pytest.raises(MediaUnsupported, match="像素过多"):
        process_photo(bomb)


# --- storage ----------------------------------------------------------------------------------


async def test_local_disk_storage_round_trip(tmp_path: Path) -> None:
    storage = LocalDiskStorage(tmp_path / "media")
    assert isinstance(storage, MediaStorage)
    key = content_key(b"hello", "jpg")
    digest = key.rsplit("/", 1)[-1].removesuffix(".jpg")
    assert key == f"{digest[:2]}/{digest[2:4]}/{digest}.jpg"
    assert await storage.get(key) is None and not await storage.exists(key)
    await storage.put(key, b"hello")
    await storage.put(key, b"hello")  # content-addressed: writing again is harmless
    assert await storage.get(key) == b"hello" and await storage.exists(key)
    assert [p.name for p in (tmp_path / "media" / key).parent.iterdir()] == [f"{digest}.jpg"]  # no temp files


@pytest.mark.parametrize("key", ["../escape.jpg", "/etc/passwd", "ab/../../x", "ab//c", "", "ab/.hidden"])
async def test_local_disk_storage_refuses_paths_outside_its_root(tmp_path: Path, key: str) -> None:
    with pytest.raises(ValueError):
        await LocalDiskStorage(tmp_path).put(key, b"x")


@pytest.mark.parametrize("code", [errno.ENOSPC, errno.EDQUOT])
async def test_disk_full_is_storage_full_and_leaves_no_partial_file(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, code: int
) -> None:
    def full(*_args: object) -> None:
        raise OSError(code, os.strerror(code))

    monkeypatch.setattr(os, "fsync", full)
    storage = LocalDiskStorage(tmp_path)
    key = content_key(b"photo", "jpg")
    with pytest.raises(StorageFull) as caught:
        await storage.put(key, b"photo")
    assert caught.value.code == "STORAGE_FULL"
    assert not await storage.exists(key)
    assert list((tmp_path / key).parent.iterdir()) == []


async def test_other_os_errors_are_not_disguised(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    def denied(*_args: object) -> None:
        raise PermissionError(errno.EACCES, "denied")

    monkeypatch.setattr(os, "replace", denied)
    with pytest.raises(PermissionError):
        await LocalDiskStorage(tmp_path).put(content_key(b"x", "jpg"), b"x")
