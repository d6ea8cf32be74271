"""The media pipeline's expected failures; codes are the stable ones of backend.core.errors."""

from __future__ import annotations

from backend.core.errors import DomainError, ErrorCode


class MediaUnsupported(DomainError):
    code = ErrorCode.MEDIA_UNSUPPORTED

    def __init__(self, message: str = "只能上传 JPEG、PNG 或 WebP 格式的照片，且文件须完整") -> None:
        super().__init__(message, field="file")


class MediaTooLarge(DomainError):
    code = ErrorCode.MEDIA_TOO_LARGE

    def __init__(self, max_bytes: int) -> None:
        super().__init__(f"照片过大：每张不超过 {max_bytes / (1024 * 1024):g} MB", field="file")
        self.max_bytes = max_bytes


class MediaMissing(DomainError):
    code = ErrorCode.MEDIA_MISSING

    def __init__(self, message: str = "照片文件不存在，请重新上传") -> None:
        super().__init__(message)


class StorageFull(DomainError):
    code = ErrorCode.STORAGE_FULL

    def __init__(self, message: str = "服务器存储空间已满，照片暂未上传；记录仍保存在手机上，稍后会自动重试") -> None:
        super().__init__(message)
