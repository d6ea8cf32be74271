"""Creating and editing filings from the phone's outbox: safe retries, conflicts, stale edits."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from typing import Any

from sqlalchemy import delete, func, select
from sqlalchemy.ext.asyncio import AsyncSession

from backend.audit import trail as audit
from backend.audit.models import AuditEvent
from backend.auth.actor import Actor
from backend.core.errors import Conflict, DomainError, ErrorCode, InvalidInput, InvalidState, NotFound
from backend.core.sync import check_base_version, check_retry, client_id, content_hash
from backend.core.upsert import insert_ignoring_duplicates
from backend.core.validation import check_coordinates, clean_sha256, clean_text
from backend.filings.access import access_filing
from backend.filings.bodies import needs_household, validate_body
from backend.filings.models import Filing, FilingKind, FilingPhoto, FilingStatus
from backend.filings.photo_rules import check_photo_rule
from backend.media.models import Media
from backend.org.access import access_household, require_secretary, require_secretary_with_village
from backend.org.models import Household, SecretaryProfile

MAX_PHOTOS = 9
CLOCK_SKEW = timedelta(minutes=10)


class MediaMissing(DomainError):
    code = ErrorCode.MEDIA_MISSING


@dataclass(frozen=True)
class FilingDraft:
    id: str
    kind: FilingKind
    occurred_on: date
    recorded_at: datetime
    title: str
    body: dict[str, Any]
    household_id: int | None = None
    lat: float | None = None
    lng: float | None = None
    accuracy_m: float | None = None
    photos: list[str] = field(default_factory=list)
    submit: bool = True

    def fingerprint(self) -> str:
        """Hash of exactly what the phone sent: the same retry always hashes the same."""
        return content_hash(
            {
                "kind": self.kind.value,
                "occurredOn": self.occurred_on.isoformat(),
                "recordedAt": self.recorded_at.astimezone(UTC).isoformat(),
                "title": self.title,
                "body": self.body,
                "householdId": self.household_id,
                "lat": self.lat,
                "lng": self.lng,
                "accuracyM": self.accuracy_m,
                "photos": self.photos,
                "submit": self.submit,
            }
        )


async def submit_filing(
    session: AsyncSession, actor: Actor | None, draft: FilingDraft, *, now: datetime | None = None
) -> Filing:
    """Create a filing with the phone's id. A repeat with the same content returns the stored one.

    The happy path is one read and two inserts: INSERT … ON CONFLICT DO NOTHING decides between
    "new" and "retry", also when two sends of the same id race each other."""
    now = now or datetime.now(UTC)
    filing_id, title, body = _checked_shape(draft, now)
    secretary, village = await require_secretary_with_village(session, actor)
    fingerprint = draft.fingerprint()
    await _check_references(session, actor, secretary, draft)
    assert actor is not None and village.township_id is not None
    values = {
        "id": filing_id,
        "kind": draft.kind,
        "status": FilingStatus.SUBMITTED if draft.submit else FilingStatus.DRAFT,
        "version": 1,
        "content_hash": fingerprint,
        "secretary_id": secretary.id,
        "village_id": village.id,
        "township_id": village.township_id,
        "county_id": secretary.county_id,
        "household_id": draft.household_id,
        "title": title,
        "body": body,
        "occurred_on": draft.occurred_on,
        "recorded_at": draft.recorded_at,
        "received_at": now,
        "submitted_at": now if draft.submit else None,
        "lat": draft.lat,
        "lng": draft.lng,
        "accuracy_m": draft.accuracy_m,
        "created_by": actor.user_id,
        "updated_at": now,
    }
    connection = await session.connection()
    inserted = await connection.execute(insert_ignoring_duplicates(session, Filing, ("id",)), values)
    if inserted.rowcount != 1:
        stored = await session.get(Filing, filing_id)
        assert stored is not None
        return await _as_retry(session, stored, secretary, fingerprint)
    _attach_photos(session, filing_id, draft.photos)
    audit.record(
        session,
        actor,
        county_id=secretary.county_id,
        entity="filing",
        entity_id=filing_id,
        action="submitted" if draft.submit else "drafted",
        version=1,
        detail={"hash": fingerprint},
    )
    await session.flush()
    return Filing(**values)


async def edit_filing(
    session: AsyncSession, actor: Actor | None, draft: FilingDraft, base_version: int, *, now: datetime | None = None
) -> Filing:
    """Replace a draft or a returned filing's content; `base_version` is the version it replaces."""
    now = now or datetime.now(UTC)
    filing_id, title, body = _checked_shape(draft, now)
    secretary = await require_secretary(session, actor)
    filing = await access_filing(session, actor, filing_id, to="edit", for_update=True)
    fingerprint = draft.fingerprint()
    if filing.content_hash == fingerprint and filing.version == base_version + 1:
        return filing  # a retry of this very edit
    check_base_version(filing.version, base_version)
    if filing.kind is not draft.kind:
        raise InvalidInput("不能修改记录类型", field="kind")
    if filing.status not in (FilingStatus.DRAFT, FilingStatus.RETURNED):
        raise InvalidState("已提交待审核或已通过的记录不能修改")
    await _check_references(session, actor, secretary, draft)
    was_returned = filing.status is FilingStatus.RETURNED
    filing.title = title
    filing.body = body
    filing.household_id = draft.household_id
    filing.occurred_on = draft.occurred_on
    filing.recorded_at = draft.recorded_at
    filing.lat, filing.lng, filing.accuracy_m = draft.lat, draft.lng, draft.accuracy_m
    filing.content_hash = fingerprint
    filing.updated_at = now
    if draft.submit:
        filing.status = FilingStatus.SUBMITTED
        filing.submitted_at = now
    await session.flush()  # the versioned UPDATE: bumps the version the audit event records
    await session.execute(delete(FilingPhoto).where(FilingPhoto.filing_id == filing.id))
    _attach_photos(session, filing.id, draft.photos)
    action = "resubmitted" if draft.submit and was_returned else ("submitted" if draft.submit else "edited")
    audit.record(
        session,
        actor,
        county_id=filing.county_id,
        entity="filing",
        entity_id=filing.id,
        action=action,
        version=filing.version,
        detail={"hash": fingerprint},
    )
    await session.flush()
    return filing


async def _as_retry(session: AsyncSession, stored: Filing, secretary: SecretaryProfile, fingerprint: str) -> Filing:
    if stored.secretary_id != secretary.id:
        raise Conflict("该记录编号已被占用", field="id")
    if stored.content_hash != fingerprint:
        created = await session.scalar(
            select(AuditEvent.detail)
            .where(AuditEvent.entity == "filing", AuditEvent.entity_id == stored.id)
            .order_by(AuditEvent.id)
            .limit(1)
        )
        check_retry((created or {}).get("hash", stored.content_hash), fingerprint)
    return stored


def _checked_shape(draft: FilingDraft, now: datetime) -> tuple[str, str, dict[str, Any]]:
    """Everything that can be checked without the database, before any read or write: the id,
    the title and the body as stored, or INVALID_INPUT naming the field."""
    filing_id = client_id(draft.id)
    title = clean_text(draft.title, "title", "标题", max_length=200)
    body = validate_body(draft.kind, draft.body)
    if draft.recorded_at.tzinfo is None:
        raise InvalidInput("记录时间须带时区", field="recordedAt")
    if draft.recorded_at > now + CLOCK_SKEW:
        raise InvalidInput("记录时间晚于当前时间，请检查手机时间", field="recordedAt")
    if draft.occurred_on > (now + timedelta(days=1)).date():
        raise InvalidInput("发生日期不能晚于今天", field="occurredOn")
    check_coordinates(draft.lat, draft.lng)
    if draft.accuracy_m is not None and not 0 <= draft.accuracy_m <= 100_000:
        raise InvalidInput("定位精度数值不正确", field="accuracyM")
    if len(draft.photos) > MAX_PHOTOS:
        raise InvalidInput(f"每条记录最多 {MAX_PHOTOS} 张照片", field="photos")
    if [clean_sha256(sha256, "photos") for sha256 in draft.photos] != draft.photos:
        raise InvalidInput("照片编号格式不正确", field="photos")  # stored lower-case, as the phone sends it
    if len(set(draft.photos)) != len(draft.photos):
        raise InvalidInput("照片重复", field="photos")
    return filing_id, title, body


async def _check_references(
    session: AsyncSession, actor: Actor | None, secretary: SecretaryProfile, draft: FilingDraft
) -> None:
    await _check_household(session, actor, secretary, draft)
    if draft.submit:  # a draft may wait for its photo
        await check_photo_rule(session, secretary.county_id, draft.kind, draft.photos)
    await _check_photos(session, draft.photos)


async def _check_household(
    session: AsyncSession, actor: Actor | None, secretary: SecretaryProfile, draft: FilingDraft
) -> None:
    if not needs_household(draft.kind):
        if draft.household_id is not None:
            raise InvalidInput("此类记录不关联农户", field="householdId")
        return
    if draft.household_id is None:
        raise InvalidInput("请选择农户", field="householdId")
    try:
        household: Household | None = await access_household(session, actor, draft.household_id)
    except NotFound:  # not on any roster the secretary sees: the same form error
        household = None
    if household is None or household.village_id != secretary.village_id:
        raise InvalidInput("农户不在本村花名册中", field="householdId")
    if draft.kind is FilingKind.PAIRING and not household.is_hardship:
        raise InvalidInput("结对帮扶对象须为困难户", field="householdId")


async def _check_photos(session: AsyncSession, photos: list[str]) -> None:
    if not photos:
        return
    found = await session.scalar(select(func.count()).select_from(Media).where(Media.sha256.in_(photos)))
    if found != len(photos):
        raise MediaMissing("有照片尚未上传完成，请稍后重试", field="photos")


def _attach_photos(session: AsyncSession, filing_id: str, photos: list[str]) -> None:
    for position, sha256 in enumerate(photos):
        session.add(FilingPhoto(filing_id=filing_id, position=position, media_sha256=sha256))
