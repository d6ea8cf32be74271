"""The service card (便民服务卡): generation, the snapshot, the public PDF/PNG downloads with a QR
code of the village public page, the photo, and the pledge on the public page."""

from __future__ import annotations

import hashlib
import io
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import httpx
import pytest
import qrcode
from PIL import Image
from qrcode.constants import ERROR_CORRECT_M
from sqlalchemy import select
from starlette.applications import Starlette

from backend.audit.models import AuditEvent
from backend.core.db import SessionFactory
from backend.duties.checklist import DEFAULT_ITEMS
from backend.filings.models import FilingKind, FilingStatus
from backend.media.models import Media
from backend.service_card.content import CardContent
from backend.service_card.png import HEIGHT, WIDTH, find_cjk_font, qr_placement
from backend.service_card.qr import qr_matrix
from tests.conftest import GraphQLClient
from tests.refusals import refusal
from tests.world import World, stored_filing

GENERATE = """mutation($input: GenerateServiceCardInput) {
  generateServiceCard(input: $input) {
    card { secretaryId name phone dispatchUnit villageId villageName townshipName duties pledge photoSha256
           publicUrl pdfUrl pngUrl generatedAt }
    errors { code message field }
  }
}"""
CARD = "query($s: ID) { serviceCard(secretaryId: $s) { secretaryId name pledge photoSha256 pdfUrl pngUrl } }"
PAGE = "query($v: ID) { villagePublicPage(villageId: $v) { secretary { id } pledge cardAvailable } }"


def _ok(body: dict[str, Any], field: str) -> dict[str, Any]:
    assert not body.get("errors"), body
    payload = body["data"][field]
    if isinstance(payload, dict) and "errors" in payload:
        assert payload["errors"] == [], payload
    return payload


async def _generate(gql: GraphQLClient, input: dict[str, Any] | None = None) -> dict[str, Any]:
    return _ok(await gql.execute(GENERATE, {"input": input}, as_user="village"), "generateServiceCard")["card"]


async def _pledge(
    session_factory: SessionFactory, world: World, text: str, status: FilingStatus, submitted: datetime
) -> None:
    unit = world.units["V11"]
    profile = world.secretaries["V11"]
    async with session_factory.begin() as session:
        session.add(
            stored_filing(
                profile,
                unit,
                kind=FilingKind.PLEDGE,
                status=status,
                at=submitted,
                title="履职承诺",
                body={"text": text},
            )
        )


async def test_generate_snapshots_the_public_details(
    gql: GraphQLClient, world: World, settings, session_factory: SessionFactory
) -> None:
    card = await _generate(gql)
    profile = world.secretaries["V11"]
    village_id = world.unit_id("V11")
    assert card["secretaryId"] == str(profile.id)
    assert (card["name"], card["phone"], card["dispatchUnit"]) == ("V11书记", profile.phone, "县农业农村局")
    assert (card["villageName"], card["townshipName"], card["villageId"]) == ("V11名", "T1名", village_id)
    assert card["duties"] == [i.label for i in DEFAULT_ITEMS] and card["duties"][3] == "建立一本问题台账"
    assert card["pledge"] is None
    # PUBLIC_BASE_URL unset: the address the secretary's phone reached the server at
    assert settings.public_base_url == ""
    assert card["publicUrl"] == f"http://test/v/{village_id}"
    assert card["pdfUrl"].startswith(f"http://test/cards/{profile.id}.pdf?v=")
    assert card["pngUrl"].startswith(f"http://test/cards/{profile.id}.png?v=")

    again = _ok(await gql.execute(CARD, {}, as_user="village"), "serviceCard")
    assert again["name"] == "V11书记"
    for reader in ("township", "county", "member"):
        seen = _ok(await gql.execute(CARD, {"s": str(profile.id)}, as_user=reader), "serviceCard")
        assert seen["secretaryId"] == str(profile.id)
    async with session_factory() as session:
        actions = (await session.scalars(select(AuditEvent.action).where(AuditEvent.entity == "service_card"))).all()
    assert actions == ["generate"]


async def test_card_of_a_secretary_without_one_is_null(gql: GraphQLClient, world: World) -> None:
    body = await gql.execute(CARD, {"s": str(world.secretaries["V12"].id)}, as_user="township")
    assert body == {"data": {"serviceCard": None}}


async def test_pledge_is_the_latest_submitted_or_approved(
    gql: GraphQLClient, world: World, session_factory: SessionFactory
) -> None:
    now = datetime.now(UTC)
    await _pledge(session_factory, world, "旧承诺", FilingStatus.APPROVED, now - timedelta(days=20))
    await _pledge(session_factory, world, "扎根基层，真心为民办实事", FilingStatus.SUBMITTED, now - timedelta(days=5))
    await _pledge(session_factory, world, "退回的承诺", FilingStatus.RETURNED, now - timedelta(days=1))
    await _pledge(session_factory, world, "草稿承诺", FilingStatus.DRAFT, now)
    card = await _generate(gql)
    assert card["pledge"] == "扎根基层，真心为民办实事"

    page = _ok(await gql.execute(PAGE, {}, as_user="member"), "villagePublicPage")
    assert page["pledge"] == "扎根基层，真心为民办实事"
    assert page["cardAvailable"] is True
    neighbour = _ok(await gql.execute(PAGE, {}, as_user="member_v12"), "villagePublicPage")
    assert (neighbour["pledge"], neighbour["cardAvailable"]) == (None, False)


async def test_only_a_secretary_generates_a_card(gql: GraphQLClient, world: World) -> None:
    for user in ("member", "township", "county"):
        body = await gql.execute(GENERATE, {}, as_user=user)
        assert body["data"]["generateServiceCard"]["errors"][0]["code"] == "FORBIDDEN"


# --- downloads ----------------------------------------------------------------------------------


async def test_downloads_are_404_until_generated(client: httpx.AsyncClient, world: World) -> None:
    secretary_id = world.secretaries["V11"].id
    for ext in ("pdf", "png"):
        response = await client.get(f"/cards/{secretary_id}.{ext}")
        assert response.status_code == 404
        assert refusal(response)["code"] == "NOT_FOUND"
    assert (await client.get("/cards/999999.pdf")).status_code == 404


async def test_pdf_is_public_and_carries_the_public_page_url(
    gql: GraphQLClient, client: httpx.AsyncClient, world: World
) -> None:
    card = await _generate(gql)
    url = urlsplit(card["pdfUrl"])
    response = await client.get(f"{url.path}?{url.query}")
    assert response.status_code == 200
    assert response.headers["content-type"] == "application/pdf"
    assert response.content.startswith(b"%PDF-")
    assert card["publicUrl"].encode() in response.content  # the QR area links the public page
    assert b"STSong-Light" in response.content  # Chinese text in the built-in CID font
    etag = response.headers["etag"]
    cached = await client.get(f"/cards/{card['secretaryId']}.pdf", headers={"if-none-match": etag})
    assert cached.status_code == 304


@pytest.mark.skipif(find_cjk_font() is None, reason="no CJK font installed (apt-get install fonts-noto-cjk)")
async def test_png_renders_at_print_size_with_the_qr_of_the_public_page(
    gql: GraphQLClient, client: httpx.AsyncClient, world: World
) -> None:
    card = await _generate(gql)
    response = await client.get(f"/cards/{card['secretaryId']}.png")
    assert response.status_code == 200
    assert response.headers["content-type"] == "image/png"
    assert len(response.content) <= 300 * 1024
    image = Image.open(io.BytesIO(response.content)).convert("L")
    assert image.size == (WIDTH, HEIGHT) == (840, 1184)

    # The matrix the card draws is the standard QR symbol of exactly the public page URL…
    matrix = qr_matrix(card["publicUrl"])
    reference = qrcode.QRCode(error_correction=ERROR_CORRECT_M, border=2)
    reference.add_data(card["publicUrl"])
    reference.make(fit=True)
    assert matrix == [list(row) for row in reference.get_matrix()]
    # …and every module of it is on the image where the layout puts it.
    left, top, module = qr_placement(len(matrix))
    assert module >= 4  # at 2×, at least 4 pixels per module for a phone camera
    for r, row in enumerate(matrix):
        for c, dark in enumerate(row):
            pixel = image.getpixel((left + c * module + module // 2, top + r * module + module // 2))
            assert (pixel < 128) == dark, (r, c)


async def test_png_without_a_cjk_font_is_a_clear_error(
    gql: GraphQLClient, client: httpx.AsyncClient, world: World, monkeypatch: pytest.MonkeyPatch
) -> None:
    import backend.service_card.png as png

    card = await _generate(gql)
    monkeypatch.setattr(png, "find_cjk_font", lambda: None)
    response = await client.get(f"/cards/{card['secretaryId']}.png")
    assert response.status_code == 503
    assert refusal(response)["code"] == "FONT_MISSING"
    assert "中文字体" in refusal(response)["message"]
    # The PDF needs no font file.
    assert (await client.get(f"/cards/{card['secretaryId']}.pdf")).status_code == 200


# --- photo ---------------------------------------------------------------------------------------


def _photo_bytes() -> bytes:
    buffer = io.BytesIO()
    Image.effect_noise((360, 480), 90).convert("RGB").save(buffer, "JPEG", quality=90)  # worst case for size
    return buffer.getvalue()


async def _upload(app: Starlette, session_factory: SessionFactory, world: World, tmp_path: Path, user: str) -> str:
    from backend.media.storage import LocalDiskStorage

    data = _photo_bytes()
    sha = hashlib.sha256(data).hexdigest()
    app.state.media_storage = LocalDiskStorage(tmp_path / "media")
    key = f"{sha[:2]}/{sha[2:4]}/{sha}.jpg"
    await app.state.media_storage.put(key, data)
    async with session_factory.begin() as session:
        session.add(
            Media(
                sha256=sha,
                stored_key=key,
                thumb_key=key,
                mime="image/jpeg",
                size_bytes=len(data),
                width=360,
                height=480,
                uploaded_by=world.users[user].id,
                county_id=world.units["A"].id,
            )
        )
    return sha


@pytest.mark.skipif(find_cjk_font() is None, reason="no CJK font installed (apt-get install fonts-noto-cjk)")
async def test_card_with_the_secretarys_photo(
    gql: GraphQLClient,
    client: httpx.AsyncClient,
    app: Starlette,
    world: World,
    session_factory: SessionFactory,
    tmp_path: Path,
) -> None:
    plain = await _generate(gql)
    plain_png = (await client.get(f"/cards/{plain['secretaryId']}.png")).content
    sha = await _upload(app, session_factory, world, tmp_path, "village")

    card = await _generate(gql, {"photoSha256": sha})
    assert card["photoSha256"] == sha
    png = await client.get(f"/cards/{card['secretaryId']}.png")
    assert png.status_code == 200 and png.content != plain_png
    assert len(png.content) <= 300 * 1024
    pdf = await client.get(f"/cards/{card['secretaryId']}.pdf")
    assert pdf.status_code == 200 and b"/Subtype /Image" in pdf.content

    # Regenerating without naming a photo keeps it; null removes it.
    assert (await _generate(gql))["photoSha256"] == sha
    assert (await _generate(gql, {"photoSha256": None}))["photoSha256"] is None


async def test_photo_must_be_the_secretarys_own_upload(
    gql: GraphQLClient, app: Starlette, world: World, session_factory: SessionFactory, tmp_path: Path
) -> None:
    someone_elses = await _upload(app, session_factory, world, tmp_path, "township")
    for sha, code in ((someone_elses, "MEDIA_MISSING"), ("0" * 64, "MEDIA_MISSING"), ("not-a-hash", "INVALID_INPUT")):
        body = await gql.execute(GENERATE, {"input": {"photoSha256": sha}}, as_user="village")
        error = body["data"]["generateServiceCard"]["errors"][0]
        assert (error["code"], error["field"]) == (code, "photoSha256")


# --- rendering units -------------------------------------------------------------------------------


def _content(**changes: Any) -> CardContent:
    values: dict[str, Any] = {
        "name": "张晓明",
        "phone": "13900001111",
        "dispatch_unit": "市农业农村局",
        "village_name": "河东村",
        "township_name": "城关镇",
        "duties": tuple(i.label for i in DEFAULT_ITEMS),
        "pledge": "我承诺：" + "扎根基层，真心实意为群众办实事。" * 30,
        "public_url": "https://zct.example.cn/v/123",
    }
    values.update(changes)
    return CardContent(**values)


def test_pdf_renders_long_pledges_and_odd_photos_without_failing() -> None:
    from backend.service_card.pdf import render_pdf

    for content in (_content(), _content(pledge=None), _content(photo=b"not an image")):
        pdf = render_pdf(content)
        assert pdf.startswith(b"%PDF-") and b"https://zct.example.cn/v/123" in pdf
        assert b"/Count 1" in pdf  # one printable page, however long the pledge


def test_wrap_keeps_punctuation_off_line_starts() -> None:
    from backend.service_card.text import wrap

    lines = wrap("一二三四，五六", 4, len)
    assert lines == ["一二三四，", "五六"]
    assert wrap("一二三四五六七八九十", 3, len, max_lines=2) == ["一二三", "四五…"]
    assert wrap("", 10, len) == []


async def test_double_tap_generates_one_card(gql: GraphQLClient, world: World, session_factory: SessionFactory) -> None:
    import asyncio

    from backend.service_card.models import ServiceCard

    bodies = await asyncio.gather(*(gql.execute(GENERATE, {}, as_user="village") for _ in range(3)))
    for body in bodies:
        assert _ok(body, "generateServiceCard")["card"]["name"] == "V11书记"
    async with session_factory() as session:
        assert len((await session.scalars(select(ServiceCard))).all()) == 1
        actions = (await session.scalars(select(AuditEvent.action).where(AuditEvent.entity == "service_card"))).all()
    assert sorted(actions) == ["generate", "regenerate", "regenerate"]


async def test_downloads_are_drawn_once_per_content(
    gql: GraphQLClient,
    client: httpx.AsyncClient,
    world: World,
    session_factory: SessionFactory,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    import backend.service_card.http as card_http

    drawn: list[str | None] = []
    mime, render = card_http._FORMATS["pdf"]

    def counting(content: CardContent) -> bytes:
        drawn.append(content.pledge)
        return render(content)

    monkeypatch.setitem(card_http._FORMATS, "pdf", (mime, counting))
    card = await _generate(gql)
    first = await client.get(f"/cards/{card['secretaryId']}.pdf")
    second = await client.get(f"/cards/{card['secretaryId']}.pdf")
    assert first.content == second.content and drawn == [None]
    # A new pledge and a regenerated card: a new drawing, a new ETag.
    await _pledge(session_factory, world, "新的承诺", FilingStatus.SUBMITTED, datetime.now(UTC))
    await _generate(gql)
    third = await client.get(f"/cards/{card['secretaryId']}.pdf")
    assert drawn == [None, "新的承诺"]
    assert third.headers["etag"] != first.headers["etag"]


async def test_a_configured_public_base_url_is_printed_on_cards_made_before_it(
    gql: GraphQLClient, client: httpx.AsyncClient, world: World, settings
) -> None:
    """PUBLIC_BASE_URL unset, the card prints the address the secretary's phone used; set later,
    cards made before print it too. The public download never prints its own request's Host."""
    from backend.app import create_app

    card = await _generate(gql)
    village_id = world.unit_id("V11")
    forged = await client.get(f"/cards/{card['secretaryId']}.pdf", headers={"host": "evil.example"})
    assert f"http://test/v/{village_id}".encode() in forged.content and b"evil.example" not in forged.content

    configured = create_app(settings.with_overrides(public_base_url="https://zct.example.gov.cn"))
    try:
        transport = httpx.ASGITransport(app=configured)
        async with httpx.AsyncClient(transport=transport, base_url="http://127.0.0.1:8000") as http:
            pdf = await http.get(f"/cards/{card['secretaryId']}.pdf")
            assert f"https://zct.example.gov.cn/v/{village_id}".encode() in pdf.content
            token = await gql.token_for("village")
            body = await http.post(
                "/graphql",
                json={"query": "{ serviceCard { publicUrl pngUrl } }"},
                headers={"authorization": f"Bearer {token}"},
            )
            seen = body.json()["data"]["serviceCard"]
            assert seen["publicUrl"] == f"https://zct.example.gov.cn/v/{village_id}"
            assert seen["pngUrl"].startswith("https://zct.example.gov.cn/cards/")
    finally:
        await configured.state.engine.dispose()
