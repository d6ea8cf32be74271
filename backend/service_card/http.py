"""GET /cards/{secretary_id}.pdf and .png: public downloads of a generated service card (it is
meant to be handed out and holds only what the printed card shows); 404 until generated."""

from __future__ import annotations

import inspect
import logging
from collections import OrderedDict
from collections.abc import Callable

from sqlalchemy.ext.asyncio import AsyncSession
from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import Response

from backend.core.errors import NotFound
from backend.core.sync import content_hash
from backend.media.models import Media
from backend.service_card.content import CardContent
from backend.service_card.pdf import render_pdf
from backend.service_card.png import render_png
from backend.service_card.service import printed_public_url, public_card

logger = logging.getLogger("zhucuntong.cards")

CACHE_ENTRIES = 32  # at most ~300 KB each

_FORMATS: dict[str, tuple[str, Callable[[CardContent], bytes]]] = {
    "pdf": ("application/pdf", render_pdf),
    "png": ("image/png", render_png),
}


async def card_pdf(request: Request) -> Response:
    return await _card(request, "pdf")


async def card_png(request: Request) -> Response:
    return await _card(request, "png")


async def _card(request: Request, fmt: str) -> Response:
    secretary_id = int(request.path_params["secretary_id"])
    async with request.app.state.session_factory() as session:
        card = await public_card(session, secretary_id)
        if card is None:
            raise NotFound("尚未生成便民服务卡")
        url = printed_public_url(card, request.app.state.settings.public_base_url)
        version = content_hash({"snapshot": card.snapshot, "url": url, "photo": card.photo_sha256, "format": fmt})
        etag = f'"{version[:32]}"'
        if request.headers.get("if-none-match") == etag:
            return Response(status_code=304, headers={"etag": etag})
        cache = _cache(request)
        body = cache.get(version)
        photo: bytes | None = None
        if body is None:
            photo = await load_photo(request, session, card.photo_sha256)
    mime, render = _FORMATS[fmt]
    if body is None:
        # FONT_MISSING (503) when the PNG finds no CJK font on the server
        content = CardContent.from_snapshot({**card.snapshot, "public_url": url}, photo)
        body = await run_in_threadpool(render, content)
        if photo is not None or card.photo_sha256 is None:  # never keep a card whose photo was unreadable
            cache[version] = body
            while len(cache) > CACHE_ENTRIES:
                cache.popitem(last=False)
    else:
        cache.move_to_end(version)
    return Response(
        body,
        media_type=mime,
        headers={
            "etag": etag,
            "cache-control": "public, max-age=300",
            "content-disposition": f'inline; filename="service-card-{card.secretary_id}.{fmt}"',
        },
    )


def _cache(request: Request) -> OrderedDict[str, bytes]:
    """Rendered cards by content, per app: drawing a PNG takes ~0.2 s of CPU and the route is
    public, so repeated downloads of the same card must not redraw it."""
    cache = getattr(request.app.state, "card_cache", None)
    if cache is None:
        cache = request.app.state.card_cache = OrderedDict()
    return cache


# --- photo hook ---------------------------------------------------------------------------------
# The media store (backend/media/storage.py) is set on `app.state.media_storage` with
# `get(key) -> bytes | None` (sync or async). Without it, or when the photo is gone, the card is
# printed without a photo rather than failing.


async def load_photo(request: Request, session: AsyncSession, sha256: str | None) -> bytes | None:
    if not sha256:
        return None
    storage = getattr(request.app.state, "media_storage", None)
    if storage is None:
        return None
    media = await session.get(Media, sha256)
    if media is None:
        return None
    try:
        data = storage.get(media.stored_key)
        if inspect.isawaitable(data):
            data = await data
    except Exception:
        logger.warning("service card photo could not be read from media storage", exc_info=True)
        return None
    return data if isinstance(data, bytes) and data else None
