"""Where photo bytes live: a small interface, and the local-disk implementation used by default.

Keys are content-addressed (`ab/cd/<sha256>.jpg`, the SHA-256 of the stored bytes), so a key
never changes meaning: writing a key that exists is a no-op, and readers may cache forever.
The S3-compatible implementation is backend/media/s3.py; see docs/MEDIA.md.
"""

from __future__ import annotations

import asyncio
import errno
import hashlib
import os
import re
import tempfile
from pathlib import Path
from typing import Protocol, runtime_checkable

from backend.media.errors import StorageFull

_KEY = re.compile(r"^[A-Za-z0-9_-]+(/[A-Za-z0-9_-][A-Za-z0-9._-]*)*$")
_FULL_ERRNOS = frozenset({errno.ENOSPC, getattr(errno, "EDQUOT", errno.ENOSPC)})


@runtime_checkable
class MediaStorage(Protocol):
    """Bytes by key. Implementations raise StorageFull when they cannot take more."""

    async def put(self, key: str, data: bytes) -> None: ...

    async def get(self, key: str) -> bytes | None: ...

    async def exists(self, key: str) -> bool: ...

    async def delete(self, key: str) -> None:
        """Remove the key (no error when it is already gone)."""
        ...


def content_key(data: bytes, ext: str, *, suffix: str = "") -> str:
    """The content-addressed key of `data`: `ab/cd/<sha256><suffix>.<ext>`."""
    digest = hashlib.sha256(data).hexdigest()
    return f"{digest[:2]}/{digest[2:4]}/{digest}{suffix}.{ext}"


def checked_key(key: str) -> str:
    """`key` itself, if it is a safe relative key (no `..`, no leading `/`); else ValueError."""
    if not _KEY.fullmatch(key):
        raise ValueError(f"invalid storage key: {key!r}")
    return key


def is_storage_full(exc: OSError) -> bool:
    return exc.errno in _FULL_ERRNOS


class LocalDiskStorage:
    """Files under `root`, written atomically (temporary file in the same directory, fsync,
    os.replace), so a reader never sees half a photo and a crash leaves no partial file under
    a real key. The directory is created on first write."""

    def __init__(self, root: Path | str) -> None:
        self.root = Path(root)

    def path_for(self, key: str) -> Path:
        return self.root / checked_key(key)

    async def put(self, key: str, data: bytes) -> None:
        path = self.path_for(key)
        try:
            await asyncio.to_thread(_write_atomically, path, data)
        except OSError as exc:
            if is_storage_full(exc):
                raise StorageFull() from exc
            raise

    async def get(self, key: str) -> bytes | None:
        path = self.path_for(key)
        try:
            return await asyncio.to_thread(path.read_bytes)
        except FileNotFoundError:
            return None

    async def exists(self, key: str) -> bool:
        return await asyncio.to_thread(self.path_for(key).is_file)

    async def delete(self, key: str) -> None:
        await asyncio.to_thread(self.path_for(key).unlink, missing_ok=True)


def _write_atomically(path: Path, data: bytes) -> None:
    if path.is_file():  # content-addressed: the same key always holds the same bytes
        return
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp_name = tempfile.mkstemp(dir=path.parent, prefix=".tmp-", suffix=".part")
    try:
        with os.fdopen(fd, "wb") as tmp:
            tmp.write(data)
            tmp.flush()
            os.fsync(tmp.fileno())
        os.chmod(tmp_name, 0o644)
        os.replace(tmp_name, path)
    except BaseException:
        try:
            os.unlink(tmp_name)
        except FileNotFoundError:
            pass
        raise
    _fsync_dir(path.parent)


def _fsync_dir(directory: Path) -> None:
    """Make the rename durable (POSIX); harmless where directories cannot be opened."""
    try:
        fd = os.open(directory, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)
