"""From uploaded bytes to a clean photo: sniff, decode safely, keep the EXIF facts, drop the rest.

Only real JPEG, PNG and WebP are accepted, recognised by their magic bytes (never by a file
name or a declared content type), fully decoded (a truncated file is refused) and re-encoded as a
baseline-compatible progressive JPEG without EXIF, XMP or ICC metadata. The time the photo was
taken and where (EXIF DateTimeOriginal and GPS) are read *before* stripping so the record keeps
them. CPU-heavy: call `process_photo` in a worker thread.
"""

from __future__ import annotations

import io
import math
import os
import re
import struct
import threading
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta, timezone
from typing import Any

from PIL import Image, ImageCms, ImageOps

from backend.media.errors import MediaUnsupported

MAX_EDGE = 1600  # long edge of the stored photo, px
JPEG_QUALITY = 82
THUMB_EDGE = 320  # long edge of the thumbnail, px
THUMB_MAX_BYTES = 30_000  # ≤ 30 KB however noisy the photo
MAX_PIXELS = 40_000_000  # decompression-bomb guard (a 48 MP phone photo is over; the PWA sends ≤ 1600 px)

# China has kept one UTC offset, without daylight saving, since 1991.
CHINA_TZ = timezone(timedelta(hours=8), "Asia/Shanghai")

OUTPUT_MIME = "image/jpeg"
OUTPUT_EXT = "jpg"

_MIME = {"JPEG": "image/jpeg", "PNG": "image/png", "WEBP": "image/webp"}
_THUMB_QUALITIES = (72, 62, 52, 42, 32, 24)

# EXIF tags (CIPA DC-008)
_TAG_EXIF_IFD = 0x8769
_TAG_GPS_IFD = 0x8825
_TAG_DATETIME_ORIGINAL = 0x9003
_TAG_DATETIME_DIGITIZED = 0x9004
_TAG_OFFSET_TIME_ORIGINAL = 0x9011
_TAG_OFFSET_TIME_DIGITIZED = 0x9012
_GPS_LAT_REF, _GPS_LAT, _GPS_LNG_REF, _GPS_LNG = 1, 2, 3, 4

_OFFSET = re.compile(r"^([+-])(\d{2}):?(\d{2})$")

# Decoding a 1600 px photo takes tens of MB; a few at a time keeps a small server's memory flat.
_DECODE_SLOTS = threading.BoundedSemaphore(max(1, min(4, os.cpu_count() or 1)))

_DECODE_ERRORS: tuple[type[BaseException], ...] = (
    OSError,
    SyntaxError,
    ValueError,
    EOFError,
    TypeError,
    IndexError,
    KeyError,
    struct.error,
    Image.DecompressionBombError,
)
_GPS_ERRORS: tuple[type[BaseException], ...] = (*_DECODE_ERRORS, ZeroDivisionError)


@dataclass(frozen=True)
class ProcessedPhoto:
    data: bytes
    mime: str
    ext: str
    width: int
    height: int
    thumb: bytes
    thumb_mime: str
    thumb_ext: str
    taken_at: datetime | None  # UTC
    lat: float | None
    lng: float | None
    source_mime: str  # what was uploaded


def sniff(data: bytes) -> str | None:
    """The Pillow format name for JPEG / PNG / WebP magic bytes, else None."""
    if data[:3] == b"\xff\xd8\xff":
        return "JPEG"
    if data[:8] == b"\x89PNG\r\n\x1a\n":
        return "PNG"
    if len(data) >= 12 and data[:4] == b"RIFF" and data[8:12] == b"WEBP":
        return "WEBP"
    return None


def sniff_mime(data: bytes) -> str | None:
    fmt = sniff(data)
    return _MIME[fmt] if fmt else None


def process_photo(data: bytes) -> ProcessedPhoto:
    """Validate and re-encode an uploaded photo. Raises MediaUnsupported for anything that is
    not a complete JPEG / PNG / WebP of sane dimensions."""
    fmt = sniff(data)
    if fmt is None:
        raise MediaUnsupported()
    with _DECODE_SLOTS:
        try:
            return _process(data, fmt)
        except MediaUnsupported:
            raise
        except _DECODE_ERRORS as exc:
            raise MediaUnsupported() from exc


def _process(data: bytes, fmt: str) -> ProcessedPhoto:
    # 1. Structure check on a throwaway decoder (verify() leaves the image unusable).
    with Image.open(io.BytesIO(data), formats=[fmt]) as probe:
        _check_dimensions(probe.size)
        probe.verify()

    with Image.open(io.BytesIO(data), formats=[fmt]) as opened:
        if opened.format != fmt:
            raise MediaUnsupported()
        _check_dimensions(opened.size)
        if fmt == "JPEG":
            # Let libjpeg decode at 1/2, 1/4 or 1/8 scale when that is still ≥ the target size.
            opened.draft("RGB", _draft_size(opened.size))
        opened.load()  # full decode: a truncated file fails here
        taken_at, lat, lng = read_exif_facts(opened.getexif())
        icc = opened.info.get("icc_profile")
        image = ImageOps.exif_transpose(opened)

    image = _to_srgb(image, icc)
    if max(image.size) > MAX_EDGE:
        image.thumbnail((MAX_EDGE, MAX_EDGE), Image.Resampling.LANCZOS)
    main = _encode_jpeg(image, JPEG_QUALITY)
    thumb = _thumbnail(image)
    return ProcessedPhoto(
        data=main,
        mime=OUTPUT_MIME,
        ext=OUTPUT_EXT,
        width=image.width,
        height=image.height,
        thumb=thumb,
        thumb_mime=OUTPUT_MIME,
        thumb_ext=OUTPUT_EXT,
        taken_at=taken_at,
        lat=lat,
        lng=lng,
        source_mime=_MIME[fmt],
    )


def _check_dimensions(size: tuple[int, int]) -> None:
    width, height = size
    if width < 1 or height < 1:
        raise MediaUnsupported()
    if width * height > MAX_PIXELS:
        raise MediaUnsupported(f"照片像素过多（{width}×{height}），请在手机上压缩后再上传")


def _draft_size(size: tuple[int, int]) -> tuple[int, int]:
    width, height = size
    scale = min(1.0, MAX_EDGE / max(width, height))
    return max(1, math.ceil(width * scale)), max(1, math.ceil(height * scale))


def _to_srgb(image: Image.Image, icc: bytes | None) -> Image.Image:
    """Pixels in sRGB (or grey) without an alpha channel, so dropping the profile is harmless."""
    if icc and image.mode in ("RGB", "RGBA", "CMYK", "L"):
        try:
            source = ImageCms.ImageCmsProfile(io.BytesIO(icc))
            target_mode = "RGBA" if image.mode == "RGBA" else "RGB"
            converted = ImageCms.profileToProfile(image, source, ImageCms.createProfile("sRGB"), outputMode=target_mode)
            if converted is not None:
                image = converted
        except (ImageCms.PyCMSError, OSError, ValueError, TypeError):
            pass  # an unusable profile: keep the pixels as they are
    if image.mode in ("I;16", "I;16B", "I;16L", "I;16N", "I"):
        image = image.convert("I").point(lambda v: v * (1 / 256)).convert("L")
    has_alpha = image.mode in ("RGBA", "LA", "PA") or (image.mode == "P" and "transparency" in image.info)
    if has_alpha:
        rgba = image.convert("RGBA")
        flat = Image.new("RGB", rgba.size, (255, 255, 255))
        flat.paste(rgba, mask=rgba.getchannel("A"))
        image = flat
    elif image.mode not in ("RGB", "L"):
        image = image.convert("RGB")
    image.info = {}  # nothing of the original's metadata may reach the encoder
    return image


def _encode_jpeg(image: Image.Image, quality: int) -> bytes:
    buffer = io.BytesIO()
    image.save(buffer, "JPEG", quality=quality, optimize=True, progressive=True)
    return buffer.getvalue()


def _thumbnail(image: Image.Image) -> bytes:
    """Long edge THUMB_EDGE; lower quality, then smaller, until it is ≤ THUMB_MAX_BYTES."""
    thumb = image.copy()
    thumb.thumbnail((THUMB_EDGE, THUMB_EDGE), Image.Resampling.LANCZOS)
    while True:
        for quality in _THUMB_QUALITIES:
            encoded = _encode_jpeg(thumb, quality)
            if len(encoded) <= THUMB_MAX_BYTES:
                return encoded
        width, height = thumb.size
        if max(width, height) <= 16:  # unreachable in practice: 16 px is a few hundred bytes
            return encoded
        thumb = thumb.resize((max(1, width * 3 // 4), max(1, height * 3 // 4)), Image.Resampling.LANCZOS)


# --- EXIF facts -------------------------------------------------------------------------------


def read_exif_facts(exif: Image.Exif) -> tuple[datetime | None, float | None, float | None]:
    """(taken_at in UTC, latitude, longitude) from EXIF; None for whatever is absent or absurd.
    A malformed EXIF block never rejects a photo."""
    try:
        taken_at = _taken_at(exif.get_ifd(_TAG_EXIF_IFD))
    except _DECODE_ERRORS:
        taken_at = None
    try:
        lat, lng = _gps(exif.get_ifd(_TAG_GPS_IFD))
    except _GPS_ERRORS:
        lat = lng = None
    return taken_at, lat, lng


def _taken_at(ifd: dict[int, Any]) -> datetime | None:
    for stamp_tag, offset_tag in (
        (_TAG_DATETIME_ORIGINAL, _TAG_OFFSET_TIME_ORIGINAL),
        (_TAG_DATETIME_DIGITIZED, _TAG_OFFSET_TIME_DIGITIZED),
    ):
        stamp = _text(ifd.get(stamp_tag))
        if not stamp:
            continue
        try:
            local = datetime.strptime(stamp[:19], "%Y:%m:%d %H:%M:%S")
        except ValueError:
            continue
        if local.year < 2000:  # a camera clock that was never set
            continue
        return local.replace(tzinfo=_offset(_text(ifd.get(offset_tag)))).astimezone(UTC)
    return None


def _offset(text: str | None) -> timezone:
    match = _OFFSET.match(text or "")
    if not match:
        return CHINA_TZ
    sign, hours, minutes = match.groups()
    delta = timedelta(hours=int(hours), minutes=int(minutes))
    if delta > timedelta(hours=14):
        return CHINA_TZ
    return timezone(-delta if sign == "-" else delta)


def _gps(ifd: dict[int, Any]) -> tuple[float | None, float | None]:
    lat = _degrees(ifd.get(_GPS_LAT), _text(ifd.get(_GPS_LAT_REF)), "S", 90)
    lng = _degrees(ifd.get(_GPS_LNG), _text(ifd.get(_GPS_LNG_REF)), "W", 180)
    if lat is None or lng is None or (lat == 0 and lng == 0):  # 0,0 is "no fix" on some phones
        return None, None
    return lat, lng


def _degrees(value: Any, ref: str | None, negative_ref: str, limit: float) -> float | None:
    """Degrees/minutes/seconds rationals (1 to 3 of them) → signed decimal degrees."""
    if value is None:
        return None
    parts = [float(part) for part in (value if isinstance(value, tuple | list) else (value,))][:3]
    if not parts or not all(math.isfinite(p) and p >= 0 for p in parts):
        return None
    degrees: float = sum(part / 60**i for i, part in enumerate(parts))
    if degrees > limit:
        return None
    if (ref or "").upper().startswith(negative_ref):
        degrees = -degrees
    return round(degrees, 7)


def _text(value: Any) -> str | None:
    if isinstance(value, bytes):
        value = value.decode("ascii", "replace")
    if not isinstance(value, str):
        return None
    return value.strip("\x00 ").strip() or None
