"""The media store the settings ask for: MEDIA_STORAGE=disk (default) or s3."""

from __future__ import annotations

from typing import Literal

from backend.core.settings import Settings, SettingsError
from backend.media.storage import LocalDiskStorage, MediaStorage


def media_storage_from_settings(settings: Settings) -> MediaStorage:
    """Refuses (SettingsError) a configuration that could not store a single photo."""
    if settings.media_storage == "disk":
        return LocalDiskStorage(settings.media_dir)
    if settings.media_storage == "s3":
        return _s3_storage(settings)
    raise SettingsError(f"MEDIA_STORAGE must be 'disk' or 's3', not {settings.media_storage!r}")


def _s3_storage(settings: Settings) -> MediaStorage:
    if not settings.s3_bucket:
        raise SettingsError("MEDIA_STORAGE=s3 requires S3_BUCKET: the name of an existing private bucket")
    if bool(settings.s3_access_key_id) != bool(settings.s3_secret_access_key):
        raise SettingsError("S3_ACCESS_KEY_ID and S3_SECRET_ACCESS_KEY must be set together (or both left empty)")
    if settings.s3_addressing_style not in ("path", "virtual"):
        raise SettingsError(f"S3_ADDRESSING_STYLE must be 'path' or 'virtual', not {settings.s3_addressing_style!r}")
    if settings.s3_endpoint_url and not settings.s3_endpoint_url.startswith(("http://", "https://")):
        raise SettingsError(f"S3_ENDPOINT_URL must start with http:// or https://, not {settings.s3_endpoint_url!r}")
    from backend.media.s3 import S3Storage, client_config  # boto3 is loaded only when S3 is used

    addressing_style: Literal["path", "virtual"] = "virtual" if settings.s3_addressing_style == "virtual" else "path"

    return S3Storage.connect(
        bucket=settings.s3_bucket,
        prefix=settings.s3_prefix,
        endpoint_url=settings.s3_endpoint_url,
        region=settings.s3_region,
        access_key_id=settings.s3_access_key_id,
        secret_access_key=settings.s3_secret_access_key,
        config=client_config(addressing_style=addressing_style),
    )
