"""The demo's photos: a pool of a few dozen drawn pictures (`backend.demo.scenes`), each processed
once by the media service's own `process_photo`, and per secretary their own uploads of some of
them.

A photo is readable by its uploader and by staff over a filing that shows it, so every secretary
uploads their own copies: the pooled JPEG with a comment segment naming the secretary, which
makes the uploaded bytes (and so the content address) the secretary's own while the pixels — and
therefore the stored, re-encoded photo and its thumbnail — are the pooled picture's. The media
service would store exactly that for such an upload (the test replays a few through it)."""

from __future__ import annotations

import hashlib
import random
import struct
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from backend.demo.scenes import POOL_SIZES, Scene, scene_jpeg
from backend.demo.world import Secretary, UploadPhoto
from backend.media.images import ProcessedPhoto, process_photo
from backend.media.storage import MediaStorage, content_key

# How many different pictures of each scene one secretary takes.
SLOTS = {Scene.HOME: 3, Scene.MEETING: 2, Scene.FIELD: 2, Scene.HALL: 2, Scene.PORTRAIT: 1}
UPLOAD_LEAD = timedelta(seconds=20)  # the phone uploads a photo just before the filing that needs it


@dataclass(frozen=True)
class PooledPhoto:
    source: bytes  # the pooled JPEG
    processed: ProcessedPhoto  # what the media service makes of it
    stored_key: str
    thumb_key: str


class PhotoPool:
    """The pooled pictures, drawn and processed once per seed."""

    def __init__(self, seed: int) -> None:
        self.seed = seed
        self.photos: dict[tuple[Scene, int], PooledPhoto] = {}
        for scene, size in POOL_SIZES.items():
            for number in range(size):
                source = scene_jpeg(scene, number, seed)
                processed = process_photo(source)
                self.photos[(scene, number)] = PooledPhoto(
                    source,
                    processed,
                    content_key(processed.data, processed.ext),
                    content_key(processed.thumb, processed.thumb_ext),
                )

    async def store_files(self, storage: MediaStorage) -> None:
        """Writes each stored photo and thumbnail once (content-addressed: rewriting is a no-op)."""
        for photo in self.photos.values():
            await storage.put(photo.stored_key, photo.processed.data)
            await storage.put(photo.thumb_key, photo.processed.thumb)


def with_comment(jpeg: bytes, text: str) -> bytes:
    """The JPEG with a COM segment after SOI: other bytes, the same picture."""
    payload = text.encode("utf-8")
    return jpeg[:2] + b"\xff\xfe" + struct.pack(">H", len(payload) + 2) + payload + jpeg[2:]


@dataclass
class SecretaryPhotos:
    """One secretary's own photos: which pooled picture each slot shows, and when each is first
    needed (its upload goes just before)."""

    secretary: Secretary
    pool: PhotoPool
    rng: random.Random
    first_use: dict[str, tuple[datetime, tuple[Scene, int], bytes]] = field(default_factory=dict)
    made: dict[tuple[Scene, int], tuple[str, tuple[Scene, int], bytes]] = field(default_factory=dict)

    def pick(self, scene: Scene, count: int, at: datetime) -> list[str]:
        """`count` distinct photos of the scene (as many as the secretary has), used at `at`."""
        slots = list(range(SLOTS[scene]))
        self.rng.shuffle(slots)
        return [self._use(scene, slot, at) for slot in slots[: min(count, len(slots))]]

    def _use(self, scene: Scene, slot: int, at: datetime) -> str:
        made = self.made.get((scene, slot))
        if made is None:
            base = (scene, self.rng.randrange(POOL_SIZES[scene]))
            tag = f"zct-demo {self.pool.seed} {self.secretary.id} {scene}{slot}"
            data = with_comment(self.pool.photos[base].source, tag)
            made = self.made[(scene, slot)] = (hashlib.sha256(data).hexdigest(), base, data)
        sha256, base, data = made
        known = self.first_use.get(sha256)
        if known is None or at < known[0]:
            self.first_use[sha256] = (at, base, data)
        return sha256

    def uploads(self) -> list[UploadPhoto]:
        return [
            UploadPhoto(at - UPLOAD_LEAD, self.secretary.actor, data, base)
            for at, base, data in self.first_use.values()
        ]
