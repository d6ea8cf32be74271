"""The village's public page and problem reports without an account — what the service card's QR
opens: anyone reads the page (no villager's report, name or number on it), anyone reports a
problem (anonymously or with a call-back number, with a photo), and the reports land in the
secretary's ledger marked as such. Spam is held back by a honeypot, the day's cap per village and
the photo guard (the per-address and per-village rate limits: tests/ratelimit/test_public_limits.py)."""

from __future__ import annotations

import hashlib
import io
import random
import uuid
from datetime import timedelta
from pathlib import Path
from typing import Any

import httpx
import pytest
from PIL import Image
from sqlalchemy import func, select, update

from backend.audit.models import AuditEvent
from backend.core.db import SessionFactory
from backend.core.orm import utcnow
from backend.core.privacy import mask_phone
from backend.core.settings import Settings
from backend.media.models import Media
from backend.media.prune import prune_unattached_public_photos
from backend.media.storage import LocalDiskStorage
from backend.problems.models import Problem, ProblemNote, ProblemPhoto, ProblemSource, ProblemStatus
from backend.problems.public_reports import forget_contact_phones
from backend.service_card.models import ServiceCard
from tests.conftest import GraphQLClient
from tests.refusals import refusal
from tests.world import World

PAGE = """query($v: ID!) { publicVillagePage(villageId: $v) {
  villageId villageName townshipName pledge
  secretary { name phone dispatchUnit photoUrl }
  problems { total open inProgress resolved closed } } }"""
REPORT = """mutation($input: PublicProblemInput!) {
  reportPublicProblem(input: $input) { reference retryAfter errors { code message field } } }"""
LEDGER = """{ problems(first: 50) { edges { node { id title source anonymous contactPhone
  photos { sha256 url thumbUrl } notes { toStatus note } } } } }"""


@pytest.fixture
def settings(settings: Settings, tmp_path: Path) -> Settings:
    return settings.with_overrides(media_dir=tmp_path / "media", public_reports_per_village_per_day=3)


def jpeg(seed: int = 1, size: tuple[int, int] = (320, 240)) -> bytes:
    rng = random.Random(seed)
    buffer = io.BytesIO()
    Image.new("RGB", size, (rng.randrange(256), rng.randrange(256), rng.randrange(256))).save(buffer, "JPEG")
    return buffer.getvalue()


def _report_input(world: World, village: str = "V11", **overrides: Any) -> dict[str, Any]:
    fields: dict[str, Any] = {
        "id": str(uuid.uuid4()),
        "villageId": world.unit_id(village),
        "title": "村口水管漏水",
        "description": "已经漏了三天",
    }
    fields.update(overrides)
    return fields


async def _report(gql: GraphQLClient, fields: dict[str, Any], token: str | None = None) -> dict[str, Any]:
    body = await gql.execute(REPORT, {"input": fields}, token=token)
    assert not body.get("errors"), body
    return body["data"]["reportPublicProblem"]


async def _ledger(gql: GraphQLClient, as_user: str = "village") -> list[dict[str, Any]]:
    body = await gql.execute(LEDGER, as_user=as_user)
    assert not body.get("errors"), body
    return [e["node"] for e in body["data"]["problems"]["edges"]]


# --- the public page ----------------------------------------------------------------------------


async def test_anyone_reads_the_public_page_and_no_villagers_report(
    gql: GraphQLClient, world: World, session_factory: SessionFactory
) -> None:
    village_id = world.unit_id("V11")
    async with session_factory.begin() as session:  # one more problem, resolved
        await session.execute(update(Problem).values(status=ProblemStatus.IN_PROGRESS))
    await _report(gql, _report_input(world, contactPhone="13912345678", title="张三家门前的路坏了"))
    body = await gql.execute(PAGE, {"v": village_id})  # no login
    assert not body.get("errors"), body
    page = body["data"]["publicVillagePage"]
    assert (page["villageId"], page["villageName"], page["townshipName"]) == (village_id, "V11名", "T1名")
    secretary = world.secretaries["V11"]
    assert page["secretary"] == {
        "name": "V11书记",
        "phone": secretary.phone,
        "dispatchUnit": "县农业农村局",
        "photoUrl": None,
    }
    assert page["problems"] == {"total": 2, "open": 1, "inProgress": 1, "resolved": 0, "closed": 0}
    text = str(body)
    for private in ("张三", "路灯", "13912345678", "水管"):  # no report's title, name or number
        assert private not in text
    # the same page for a logged-in member of another village, and for staff
    for user in ("member_v12", "member", "village", "county_b"):
        seen = await gql.execute(PAGE, {"v": village_id}, as_user=user)
        assert seen["data"]["publicVillagePage"] == page


async def test_the_public_page_names_villages_only(gql: GraphQLClient, world: World) -> None:
    for unit in ("T1", "A"):
        body = await gql.execute(PAGE, {"v": world.unit_id(unit)})
        assert body["errors"][0]["extensions"]["code"] == "NOT_FOUND"
    missing = await gql.execute(PAGE, {"v": "999999"})
    assert missing["errors"][0]["extensions"]["code"] == "NOT_FOUND"


async def test_the_card_photo_is_on_the_public_page(
    gql: GraphQLClient, client: httpx.AsyncClient, world: World, session_factory: SessionFactory
) -> None:
    token = await gql.token_for("village")
    upload = await client.post("/media", content=jpeg(5), headers={"authorization": f"Bearer {token}"})
    sha = upload.json()["sha256"]
    async with session_factory.begin() as session:
        session.add(ServiceCard(secretary_id=world.secretaries["V11"].id, snapshot={}, photo_sha256=sha))
    page = (await gql.execute(PAGE, {"v": world.unit_id("V11")}))["data"]["publicVillagePage"]
    assert page["secretary"]["photoUrl"] == f"/media/{sha}/thumb"
    response = await client.get(page["secretary"]["photoUrl"])  # no login
    assert response.status_code == 200 and response.headers["content-type"] == "image/jpeg"


# --- reporting without an account ---------------------------------------------------------------


async def test_an_anonymous_report_lands_in_the_secretarys_ledger_marked_as_such(
    gql: GraphQLClient, world: World, session_factory: SessionFactory
) -> None:
    fields = _report_input(world)
    payload = await _report(gql, fields)
    assert payload["errors"] == [] and payload["reference"] == fields["id"].replace("-", "")[:8].upper()
    [mine] = [p for p in await _ledger(gql) if p["id"] == fields["id"]]
    assert (mine["title"], mine["source"], mine["anonymous"], mine["contactPhone"]) == (
        "村口水管漏水",
        "PUBLIC",
        True,
        None,
    )
    assert mine["notes"] == [{"toStatus": "OPEN", "note": "扫码反映（匿名）"}]
    async with session_factory() as session:
        problem = await session.get(Problem, fields["id"])
        assert problem is not None and problem.reporter_user_id is None
        assert problem.secretary_id == world.secretaries["V11"].id
        event = (await session.scalars(select(AuditEvent).where(AuditEvent.entity_id == fields["id"]))).one()
    assert (event.action, event.actor_user_id, event.detail["anonymous"]) == ("report_public", None, True)
    # the township sees it in its villages' ledger; the neighbouring secretary does not
    assert fields["id"] in {p["id"] for p in await _ledger(gql, "township")}
    assert fields["id"] not in {p["id"] for p in await _ledger(gql, "village_v12")}


async def test_a_call_back_number_is_for_the_secretary_masked_for_staff_and_never_in_the_trail(
    gql: GraphQLClient, world: World, session_factory: SessionFactory
) -> None:
    fields = _report_input(world, contactPhone=" 139-1234-5678 ")
    await _report(gql, fields)

    def phone_of(problems: list[dict[str, Any]]) -> str | None:
        return next(p for p in problems if p["id"] == fields["id"])["contactPhone"]

    assert phone_of(await _ledger(gql, "village")) == "13912345678"  # the secretary dials it
    assert phone_of(await _ledger(gql, "township")) == "139****5678"
    assert phone_of(await _ledger(gql, "county")) == "139****5678"
    mine = next(p for p in await _ledger(gql) if p["id"] == fields["id"])
    assert (mine["anonymous"], mine["notes"][0]["note"]) == (False, "扫码反映（留了电话）")
    async with session_factory() as session:
        events = (await session.scalars(select(AuditEvent.detail))).all()
    assert "13912345678" not in str(events)
    assert mask_phone("02787654321") == "027****4321"


async def test_a_logged_in_caller_still_reports_without_an_account(
    gql: GraphQLClient, world: World, session_factory: SessionFactory
) -> None:
    """The Authorization header is never read: a public report is never tied to an account."""
    fields = _report_input(world)
    await _report(gql, fields, token=await gql.token_for("member"))
    async with session_factory() as session:
        problem = await session.get(Problem, fields["id"])
    assert problem is not None and (problem.reporter_user_id, problem.source) == (None, ProblemSource.PUBLIC)
    mine = await gql.execute("{ myReportedProblems { edges { node { id } } } }", as_user="member")
    assert fields["id"] not in str(mine)
    broken = await _report(gql, _report_input(world), token="not-a-token")
    assert broken["errors"] == []


async def test_a_resend_is_the_same_report_and_other_content_is_a_conflict(
    gql: GraphQLClient, world: World, session_factory: SessionFactory
) -> None:
    fields = _report_input(world, contactPhone="13912345678")
    first = await _report(gql, fields)
    assert await _report(gql, fields) == first
    changed = await _report(gql, {**fields, "title": "别的问题"})
    assert changed["errors"][0]["code"] == "CONFLICT"
    async with session_factory() as session:
        count = await session.scalar(select(func.count()).select_from(Problem).where(Problem.id == fields["id"]))
    assert count == 1


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"title": "  "}, "title"),
        ({"title": "长" * 201}, "title"),
        ({"description": "长" * 2001}, "description"),
        ({"contactPhone": "12345"}, "contactPhone"),
        ({"contactPhone": "1391234567x"}, "contactPhone"),
        ({"photos": ["a" * 64, "b" * 64]}, "photos"),
        ({"photos": ["not-a-hash"]}, "photos"),
        ({"id": "not-a-uuid"}, "id"),
    ],
)
async def test_bad_reports_are_refused_before_anything_is_stored(
    gql: GraphQLClient, world: World, session_factory: SessionFactory, overrides: dict[str, Any], field: str
) -> None:
    payload = await _report(gql, _report_input(world, **overrides))
    assert (payload["errors"][0]["code"], payload["errors"][0]["field"]) == ("INVALID_INPUT", field)
    async with session_factory() as session:
        assert await session.scalar(select(func.count()).select_from(Problem)) == 4  # the world's


async def test_only_villages_take_reports(gql: GraphQLClient, world: World) -> None:
    for unit in ("T1", "A"):
        payload = await _report(gql, _report_input(world, villageId=world.unit_id(unit)))
        assert payload["errors"][0]["code"] == "NOT_FOUND"


async def test_a_filled_honeypot_looks_accepted_and_stores_nothing(
    gql: GraphQLClient, world: World, session_factory: SessionFactory
) -> None:
    payload = await _report(gql, _report_input(world, website="http://spam.example"))
    assert payload["errors"] == [] and len(payload["reference"]) == 8
    async with session_factory() as session:
        assert await session.scalar(select(func.count()).select_from(Problem)) == 4


async def test_past_the_days_cap_reports_wait_and_a_resend_still_passes(
    gql: GraphQLClient, world: World, session_factory: SessionFactory
) -> None:
    sent = [_report_input(world, title=f"问题{n}") for n in range(3)]  # the cap is 3 in these tests
    for fields in sent:
        assert (await _report(gql, fields))["errors"] == []
    over = await _report(gql, _report_input(world, title="第四个"))
    assert over["errors"][0]["code"] == "RATE_LIMITED"
    assert "第一书记" in over["errors"][0]["message"]
    assert 23 * 3600 <= over["retryAfter"] <= 24 * 3600
    assert (await _report(gql, sent[0]))["errors"] == []  # a phone that lost the answer is not told to wait
    # other villages are not affected, nor are members with an account
    assert (await _report(gql, _report_input(world, "V12")))["errors"] == []
    member = await gql.execute(
        'mutation($id: ID!) { reportProblem(input: {id: $id, title: "路灯"}) { errors { code } } }',
        {"id": str(uuid.uuid4())},
        as_user="member",
    )
    assert member["data"]["reportProblem"]["errors"] == []
    # a day later the oldest have left the window
    async with session_factory.begin() as session:
        await session.execute(
            update(Problem)
            .where(Problem.source == ProblemSource.PUBLIC)
            .values(created_at=utcnow() - timedelta(hours=25))
        )
    assert (await _report(gql, _report_input(world, title="第四个")))["errors"] == []


# --- photos without an account ------------------------------------------------------------------


async def _upload_public(client: httpx.AsyncClient, world: World, data: bytes, village: str = "V11") -> httpx.Response:
    return await client.post(
        f"/public/villages/{world.unit_id(village)}/photos",
        content=data,
        headers={"content-type": "image/jpeg"},
    )


async def test_a_public_photo_is_invisible_until_a_report_shows_it(
    gql: GraphQLClient, client: httpx.AsyncClient, world: World, session_factory: SessionFactory
) -> None:
    data = jpeg(7)
    response = await _upload_public(client, world, data)
    assert response.status_code == 201, response.text
    sha = hashlib.sha256(data).hexdigest()
    assert response.json() == {"sha256": sha}  # nothing else: no size, time or place
    assert (await _upload_public(client, world, data)).status_code == 200  # a resend

    async def status(user: str | None) -> int:
        headers = {"authorization": f"Bearer {await gql.token_for(user)}"} if user else {}
        return (await client.get(f"/media/{sha}/thumb", headers=headers)).status_code

    for user in (None, "village", "township", "member"):
        assert await status(user) == 404
    fields = _report_input(world, photos=[sha])
    assert (await _report(gql, fields))["errors"] == []
    [mine] = [p for p in await _ledger(gql) if p["id"] == fields["id"]]
    assert mine["photos"] == [{"sha256": sha, "url": f"/media/{sha}", "thumbUrl": f"/media/{sha}/thumb"}]
    for user in ("village", "township", "county"):
        assert await status(user) == 200
    for user in (None, "member", "village_v12", "county_b"):  # never the public, nor the neighbours
        assert await status(user) == 404
    async with session_factory() as session:
        media = await session.get(Media, sha)
    assert media is not None and media.uploaded_by is None and media.county_id == world.units["V11"].county_id


async def test_a_report_attaches_only_a_photo_uploaded_without_an_account_in_its_county(
    gql: GraphQLClient, client: httpx.AsyncClient, world: World
) -> None:
    own = jpeg(11)
    token = await gql.token_for("village")
    await client.post("/media", content=own, headers={"authorization": f"Bearer {token}"})
    secretary_photo = hashlib.sha256(own).hexdigest()
    other_county = jpeg(12)
    assert (await _upload_public(client, world, other_county, "VB")).status_code == 201
    for sha in (secretary_photo, hashlib.sha256(other_county).hexdigest(), "0" * 64):
        payload = await _report(gql, _report_input(world, photos=[sha]))
        assert (payload["errors"][0]["code"], payload["errors"][0]["field"]) == ("MEDIA_MISSING", "photos")


async def test_public_photo_uploads_are_guarded(client: httpx.AsyncClient, world: World) -> None:
    big = Image.frombytes("RGB", (900, 900), random.Random(3).randbytes(900 * 900 * 3))
    buffer = io.BytesIO()
    big.save(buffer, "PNG")
    assert buffer.tell() > 1024 * 1024
    too_big = await _upload_public(client, world, buffer.getvalue())
    assert (too_big.status_code, refusal(too_big)["code"]) == (413, "MEDIA_TOO_LARGE")
    not_a_photo = await _upload_public(client, world, b"%PDF-1.4 not a photo")
    assert (not_a_photo.status_code, refusal(not_a_photo)["code"]) == (415, "MEDIA_UNSUPPORTED")
    township = await client.post(f"/public/villages/{world.unit_id('T1')}/photos", content=jpeg(1))
    assert (township.status_code, refusal(township)["code"]) == (404, "NOT_FOUND")


# --- keeping: numbers and unsent photos are forgotten -------------------------------------------


async def test_numbers_are_forgotten_thirty_days_after_the_problem_is_settled(
    gql: GraphQLClient, world: World, session_factory: SessionFactory
) -> None:
    settled, recent, still_open = (_report_input(world, contactPhone="13912345678") for _ in range(3))
    for fields in (settled, recent, still_open):
        await _report(gql, fields)
    async with session_factory.begin() as session:
        old = utcnow() - timedelta(days=31)
        await session.execute(
            update(Problem).where(Problem.id == settled["id"]).values(status=ProblemStatus.RESOLVED, updated_at=old)
        )
        await session.execute(update(Problem).where(Problem.id == recent["id"]).values(status=ProblemStatus.CLOSED))
        await session.execute(update(Problem).where(Problem.id == still_open["id"]).values(updated_at=old))
    shown = {p["id"]: p["contactPhone"] for p in await _ledger(gql)}
    assert shown[settled["id"]] is None  # readers stop showing it at once
    assert shown[recent["id"]] == shown[still_open["id"]] == "13912345678"
    async with session_factory.begin() as session:
        assert await forget_contact_phones(session) == 1
    async with session_factory() as session:
        phones = dict((await session.execute(select(Problem.id, Problem.contact_phone))).tuples().all())
        notes = await session.scalar(select(func.count()).select_from(ProblemNote))
    assert phones[settled["id"]] is None and phones[recent["id"]] == "13912345678"
    assert notes == 3  # the notes stay: they never held the number


async def test_photos_no_report_attached_are_deleted_after_a_day(
    gql: GraphQLClient, client: httpx.AsyncClient, world: World, settings: Settings, session_factory: SessionFactory
) -> None:
    kept, dropped, fresh = jpeg(21), jpeg(22), jpeg(23)
    for data in (kept, dropped, fresh):
        assert (await _upload_public(client, world, data)).status_code == 201
    sha = {
        name: hashlib.sha256(data).hexdigest()
        for name, data in (("kept", kept), ("dropped", dropped), ("fresh", fresh))
    }
    await _report(gql, _report_input(world, photos=[sha["kept"]]))
    async with session_factory.begin() as session:
        await session.execute(
            update(Media).where(Media.sha256 != sha["fresh"]).values(created_at=utcnow() - timedelta(hours=25))
        )
        dropped_keys = (
            await session.execute(select(Media.stored_key, Media.thumb_key).where(Media.sha256 == sha["dropped"]))
        ).one()
    storage = LocalDiskStorage(settings.media_dir)
    async with session_factory.begin() as session:
        assert await prune_unattached_public_photos(session, storage) == 1
    async with session_factory() as session:
        left = set((await session.scalars(select(Media.sha256))).all())
        attached = await session.scalar(select(func.count()).select_from(ProblemPhoto))
    assert left == {sha["kept"], sha["fresh"]} and attached == 1
    for key in dropped_keys:
        assert not await storage.exists(key)
