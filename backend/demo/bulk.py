"""Writing the demo's activity in bulk: each planned call (`backend.demo.world`) becomes exactly
the rows the service behind it writes — the filing with its status, version and content hash,
its photos, the review, the problem and its notes, the check-in and the roll call it answers, the
service card, the uploaded photo — and the audit events it records, linked into the county's hash
chain here (as `backend.audit.chain` links them at flush) so that `verify-audit` passes.

Calling the services one by one for a county's worth of filings takes minutes; this takes
seconds. `tests/services/test_demo_activity.py` replays a plan through the services themselves
and compares every row, so the two cannot drift apart unnoticed. The one difference is time:
where a service takes `now` from the clock (problems, service cards, audit events) the demo
uses the planned moment, as if the call had been made then.
"""

from __future__ import annotations

import asyncio
import hashlib
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any, cast

from sqlalchemy import Table, select, text
from sqlalchemy.ext.asyncio import AsyncSession

from backend.attendance.models import CheckIn as CheckInRow
from backend.attendance.models import RollCall, RollCallTarget
from backend.audit.chain import GENESIS, link_hash, lock_key
from backend.audit.models import AuditEvent
from backend.core.geo import haversine_m
from backend.core.sync import content_hash
from backend.core.validation import clean_text
from backend.demo.photos import PhotoPool
from backend.demo.world import (
    Action,
    CheckIn,
    CreateProblem,
    EditFiling,
    GenerateCard,
    MoveProblem,
    Plan,
    ReviewFiling,
    Secretary,
    StartRollCall,
    SubmitFiling,
    UploadPhoto,
    World,
)
from backend.duties.checklist import DEFAULT_ITEMS, DEFAULT_NAME
from backend.filings.bodies import validate_body
from backend.filings.models import Filing, FilingKind, FilingPhoto, FilingStatus
from backend.filings.review import ReviewDecision
from backend.media.models import Media
from backend.org.models import Role
from backend.problems.ledger import DESCRIPTION_MAX, TITLE_MAX
from backend.problems.models import Problem, ProblemNote, ProblemSource, ProblemStatus
from backend.service_card.models import ServiceCard
from backend.service_card.service import PUBLIC_PLEDGE_STATUSES, public_page_url

# Tables in an order that satisfies every foreign key between them.
_TABLES: tuple[Table, ...] = tuple(
    cast(Table, model.__table__)
    for model in (
        Media,
        Filing,
        FilingPhoto,
        ServiceCard,
        Problem,
        ProblemNote,
        RollCall,
        CheckInRow,
        RollCallTarget,
    )
)
_FLUSH_ROWS = 20_000
_CHUNK = 5_000


@dataclass
class _Event:
    at: datetime
    actor_user_id: int | None
    entity: str
    entity_id: str
    action: str
    version: int | None
    detail: dict[str, Any]


@dataclass
class _OpenRollCall:
    row: dict[str, Any]
    targets: dict[int, dict[str, Any]]  # secretary id → target row


@dataclass
class Counts:
    """What was written, by table, and filings by kind and status (for the summary)."""

    rows: dict[str, int] = field(default_factory=dict)
    filings: dict[tuple[FilingKind, FilingStatus], int] = field(default_factory=dict)
    problems: dict[ProblemStatus, int] = field(default_factory=dict)
    events: int = 0


class BulkWriter:
    """Renders plans into rows and writes them in batches; `finish` links and writes the audit
    events (in time order) after every row is in."""

    def __init__(self, session: AsyncSession, world: World, pool: PhotoPool) -> None:
        self.session, self.world, self.pool = session, world, pool
        self.by_user: dict[int, Secretary] = {s.actor.user_id: s for s in world.secretaries}
        self.by_village: dict[int, Secretary] = {s.village.id: s for s in world.secretaries}
        self.buffers: dict[str, list[dict[str, Any]]] = {t.name: [] for t in _TABLES}
        self.media: set[str] = set()
        self.roll_calls: dict[str, _OpenRollCall] = {}
        self.events: list[_Event] = []
        self.counts = Counts()
        self.writing: asyncio.Task[None] | None = None  # the batch being inserted
        self.overlap = _overlaps(session)

    # --- rendering ----------------------------------------------------------------------------

    async def write(self, plan: Plan) -> None:
        """Renders one plan (its rows touch nothing another plan touches, except roll calls)."""
        state = _PlanState()
        for action in plan.sorted():
            self._render(state, action)
        for filing in state.filings.values():
            self._add("filings", filing)
            key = (filing["kind"], filing["status"])
            self.counts.filings[key] = self.counts.filings.get(key, 0) + 1
            for position, sha256 in enumerate(state.photos[filing["id"]]):
                self._add("filing_photos", {"filing_id": filing["id"], "position": position, "media_sha256": sha256})
        for card in state.cards.values():
            self._add("service_cards", card)
        for problem in state.problems.values():
            self._add("problems", problem)
            self.counts.problems[problem["status"]] = self.counts.problems.get(problem["status"], 0) + 1
        for note in state.notes:
            self._add("problem_notes", note)
        for checkin in state.checkins:
            self._add("checkins", checkin)
        if sum(len(rows) for rows in self.buffers.values()) >= _FLUSH_ROWS:
            await self._flush()
        await asyncio.sleep(0)  # lets the batch being inserted move on while the next plan is made

    def _render(self, state: _PlanState, action: Action) -> None:
        match action:
            case UploadPhoto():
                self._upload(action)
            case SubmitFiling():
                self._submit(state, action)
            case ReviewFiling():
                self._review(state, action)
            case EditFiling():
                self._edit(state, action)
            case GenerateCard():
                self._card(state, action)
            case CreateProblem():
                self._create_problem(state, action)
            case MoveProblem():
                self._move_problem(state, action)
            case StartRollCall():
                self._roll_call(action)
            case CheckIn():
                self._checkin(state, action)

    def _event(
        self, action: Action, entity: str, entity_id: str | int, name: str, version: int | None, detail: dict[str, Any]
    ) -> None:
        self.events.append(_Event(action.at, action.actor.user_id, entity, str(entity_id), name, version, detail))

    def _upload(self, action: UploadPhoto) -> None:
        """store_photo_once: a new photo is processed, stored and audited; the same bytes again
        return the existing row and record nothing."""
        digest = hashlib.sha256(action.data).hexdigest()
        if digest in self.media:
            return
        self.media.add(digest)
        pooled = self.pool.photos[action.base]
        photo = pooled.processed
        self._add(
            "media",
            {
                "sha256": digest,
                "stored_key": pooled.stored_key,
                "thumb_key": pooled.thumb_key,
                "mime": photo.mime,
                "size_bytes": len(photo.data),
                "width": photo.width,
                "height": photo.height,
                "taken_at": photo.taken_at,
                "exif_lat": photo.lat,
                "exif_lng": photo.lng,
                "uploaded_by": action.actor.user_id,
                "county_id": action.actor.county_id,
                "created_at": action.at,
            },
        )
        detail = {"uploadedBytes": len(action.data), "uploadedMime": photo.source_mime, "storedBytes": len(photo.data)}
        self._event(action, "media", digest, "upload", None, detail)

    def _submit(self, state: _PlanState, action: SubmitFiling) -> None:
        """submit_filing with now=action.at."""
        draft, sec = action.draft, self.by_user[action.actor.user_id]
        fingerprint = draft.fingerprint()
        state.filings[draft.id] = {
            "id": draft.id,
            "kind": draft.kind,
            "status": FilingStatus.SUBMITTED,
            "version": 1,
            "content_hash": fingerprint,
            "secretary_id": sec.id,
            "village_id": sec.village.id,
            "township_id": sec.village.township_id,
            "county_id": self.world.county_id,
            "household_id": draft.household_id,
            "title": clean_text(draft.title, "title", "标题", max_length=200),
            "body": validate_body(draft.kind, draft.body),
            "occurred_on": draft.occurred_on,
            "recorded_at": draft.recorded_at,
            "received_at": action.at,
            "submitted_at": action.at,
            "lat": draft.lat,
            "lng": draft.lng,
            "accuracy_m": draft.accuracy_m,
            "review_comment": None,
            "reviewed_by": None,
            "reviewed_at": None,
            "created_by": action.actor.user_id,
            "updated_at": action.at,
        }
        state.photos[draft.id] = list(draft.photos)
        self._event(action, "filing", draft.id, "submitted", 1, {"hash": fingerprint})

    def _review(self, state: _PlanState, action: ReviewFiling) -> None:
        """review_filing with now=action.at: the flush bumps the version the event records."""
        filing = state.filings[action.filing_id]
        assert filing["status"] is FilingStatus.SUBMITTED
        comment = (action.comment or "").strip()
        approve = action.decision is ReviewDecision.APPROVE
        filing["status"] = FilingStatus.APPROVED if approve else FilingStatus.RETURNED
        filing["review_comment"] = comment or None
        filing["reviewed_by"] = action.actor.user_id
        filing["reviewed_at"] = action.at
        filing["updated_at"] = action.at
        filing["version"] += 1
        detail = {"comment": comment} if comment else {}
        self._event(action, "filing", filing["id"], "approved" if approve else "returned", filing["version"], detail)

    def _edit(self, state: _PlanState, action: EditFiling) -> None:
        """edit_filing with now=action.at, submitting: the photo rows are replaced by a DELETE
        whose autoflush writes (and versions) the filing before the event is recorded."""
        draft = action.draft
        filing = state.filings[draft.id]
        assert filing["version"] == action.base_version
        assert filing["status"] in (FilingStatus.DRAFT, FilingStatus.RETURNED)
        was_returned = filing["status"] is FilingStatus.RETURNED
        fingerprint = draft.fingerprint()
        filing.update(
            title=clean_text(draft.title, "title", "标题", max_length=200),
            body=validate_body(draft.kind, draft.body),
            household_id=draft.household_id,
            occurred_on=draft.occurred_on,
            recorded_at=draft.recorded_at,
            lat=draft.lat,
            lng=draft.lng,
            accuracy_m=draft.accuracy_m,
            content_hash=fingerprint,
            updated_at=action.at,
            status=FilingStatus.SUBMITTED,
            submitted_at=action.at,
        )
        filing["version"] += 1
        state.photos[draft.id] = list(draft.photos)
        name = "resubmitted" if was_returned else "submitted"
        self._event(action, "filing", draft.id, name, filing["version"], {"hash": fingerprint})

    def _card(self, state: _PlanState, action: GenerateCard) -> None:
        """generate_service_card (first generation) at action.at, with the secretary's own photo."""
        sec = self.by_user[action.actor.user_id]
        assert sec.id not in state.cards and (action.photo_sha256 is None or action.photo_sha256 in self.media)
        snapshot = {
            "name": sec.name,
            "phone": sec.phone,
            "dispatch_unit": sec.dispatch_unit,
            "village_id": sec.village.id,
            "village_name": sec.village.name,
            "township_name": sec.village.township_name,
            "duty_list": DEFAULT_NAME,
            "duties": [item.label for item in DEFAULT_ITEMS],
            "pledge": state.latest_pledge(sec.id),
            "photo_sha256": action.photo_sha256,
            "public_url": public_page_url(self.world.public_base_url, sec.village.id),
        }
        state.cards[sec.id] = {
            "secretary_id": sec.id,
            "generated_at": action.at,
            "snapshot": snapshot,
            "photo_sha256": action.photo_sha256,
        }
        detail = {"photo": action.photo_sha256 is not None, "pledge": snapshot["pledge"] is not None}
        self._event(action, "service_card", sec.id, "generate", None, detail)

    def _create_problem(self, state: _PlanState, action: CreateProblem) -> None:
        """report_problem (a member) or file_problem (the secretary)."""
        actor, new = action.actor, action.new
        villager = actor.role is Role.MEMBER
        assert actor.village_id is not None
        sec = self.by_village[actor.village_id]
        source = ProblemSource.VILLAGER if villager else ProblemSource.SECRETARY
        title = clean_text(new.title, "title", "问题标题", max_length=TITLE_MAX)
        description = new.description.strip()
        assert len(description) <= DESCRIPTION_MAX
        digest = content_hash(
            {
                "title": title,
                "description": description,
                "household_id": new.household_id,
                "source": source.value,
                "reporter": actor.user_id,
                "village": sec.village.id,
            }
        )
        state.problems[new.id] = {
            "id": new.id,
            "village_id": sec.village.id,
            "township_id": sec.village.township_id,
            "county_id": self.world.county_id,
            "secretary_id": sec.id,
            "source": source,
            "reporter_user_id": actor.user_id,
            "household_id": new.household_id,
            "title": title,
            "description": description,
            "status": ProblemStatus.OPEN,
            "content_hash": digest,
            "version": 1,
            "created_at": action.at,
            "updated_at": action.at,
            "resolved_at": None,
        }
        state.notes.append(
            {
                "problem_id": new.id,
                "at": action.at,
                "author_user_id": actor.user_id,
                "from_status": None,
                "to_status": ProblemStatus.OPEN.value,
                "note": "村民反映" if villager else "第一书记登记",
            }
        )
        detail = {"village_id": sec.village.id, "source": source.value}
        self._event(action, "problem", new.id, "report" if villager else "file", 1, detail)

    def _move_problem(self, state: _PlanState, action: MoveProblem) -> None:
        """update_problem_status at action.at."""
        change = action.change
        problem = state.problems[change.id]
        assert problem["version"] == change.base_version
        current: ProblemStatus = problem["status"]
        note = change.note.strip()
        problem["status"] = change.to_status
        problem["version"] += 1
        problem["updated_at"] = action.at
        if change.to_status is ProblemStatus.RESOLVED:
            problem["resolved_at"] = action.at
        state.notes.append(
            {
                "problem_id": change.id,
                "at": action.at,
                "author_user_id": action.actor.user_id,
                "from_status": current.value,
                "to_status": change.to_status.value,
                "note": note,
            }
        )
        detail = {"from": current.value, "to": change.to_status.value, "note": note}
        self._event(action, "problem", change.id, f"status:{change.to_status.value}", problem["version"], detail)

    def _roll_call(self, action: StartRollCall) -> None:
        """start_roll_call with now=action.at."""
        actor, new = action.actor, action.new
        wanted = sorted(set(new.secretary_ids))
        note = (new.note or "").strip()
        deadline = action.at + timedelta(minutes=self.world.rules.roll_call_minutes)
        row = {
            "id": new.id,
            "township_id": actor.township_id,
            "county_id": actor.county_id,
            "started_by": actor.user_id,
            "started_at": action.at,
            "deadline_at": deadline,
            "reason": new.reason,
            "note": note,
        }
        targets = {sid: {"roll_call_id": new.id, "secretary_id": sid, "checkin_id": None} for sid in wanted}
        self.roll_calls[new.id] = _OpenRollCall(row, targets)
        assert new.reason is not None
        detail = {
            "secretary_ids": wanted,
            "deadline_at": deadline.isoformat(),
            "reason": new.reason.value,
            "note": note,
        }
        self._event(action, "roll_call", new.id, "start", None, detail)

    def _checkin(self, state: _PlanState, action: CheckIn) -> None:
        """check_in with now=action.at: measured against the geofence; answers the open roll
        calls (deadline not passed by the server clock) that name the secretary, when inside and
        within their window."""
        sec, new = self.by_user[action.actor.user_id], action.new
        at = new.at.astimezone(UTC)
        digest = content_hash(
            {"secretary_id": sec.id, "at": at.isoformat(), "lat": new.lat, "lng": new.lng, "accuracy_m": new.accuracy_m}
        )
        radius = self.world.rules.geofence_radius_m
        distance: float | None = None
        inside = False
        if sec.village.center is not None:
            distance = round(haversine_m(new.lat, new.lng, *sec.village.center), 1)
            inside = distance <= radius
        state.checkins.append(
            {
                "id": new.id,
                "secretary_id": sec.id,
                "village_id": sec.village.id,
                "township_id": sec.village.township_id,
                "county_id": self.world.county_id,
                "at": at,
                "received_at": action.at,
                "lat": new.lat,
                "lng": new.lng,
                "accuracy_m": new.accuracy_m,
                "distance_m": distance,
                "inside_geofence": inside,
                "content_hash": digest,
            }
        )
        answered = []
        open_calls = sorted(
            (
                rc
                for rc in self.roll_calls.values()
                if rc.row["township_id"] == sec.village.township_id
                and rc.row["deadline_at"] >= action.at
                and sec.id in rc.targets
            ),
            key=lambda rc: (rc.row["started_at"], rc.row["id"]),
        )
        for rc in open_calls:
            target = rc.targets[sec.id]
            if target["checkin_id"] is None and distance is not None and inside:
                if rc.row["started_at"] <= at <= rc.row["deadline_at"]:
                    target["checkin_id"] = new.id
                    answered.append(rc.row["id"])
        detail = {
            "secretary_id": sec.id,
            "village_id": sec.village.id,
            "inside_geofence": inside,
            "distance_m": distance,
            "radius_m": radius,
            "answered_roll_calls": answered,
        }
        self._event(action, "checkin", new.id, "create", None, detail)

    # --- writing ------------------------------------------------------------------------------

    def _add(self, table: str, row: dict[str, Any]) -> None:
        self.buffers[table].append(row)
        self.counts.rows[table] = self.counts.rows.get(table, 0) + 1

    async def _flush(self) -> None:
        """Inserts the buffered rows; on PostgreSQL in the background (one batch at a time: the
        session is not shared, only the next rows are made meanwhile), so that the server works
        while Python plans."""
        await self._written()
        batch = [(table, self.buffers[table.name]) for table in _TABLES]
        self.buffers = {t.name: [] for t in _TABLES}
        self.writing = asyncio.create_task(_insert(self.session, batch))
        if not self.overlap:
            await self._written()

    async def _written(self) -> None:
        if self.writing is not None:
            writing, self.writing = self.writing, None
            await writing

    async def finish(self) -> Counts:
        """Writes what is buffered, the roll calls, then the audit events in time order."""
        for rc in self.roll_calls.values():
            self._add("roll_calls", rc.row)
            for target in rc.targets.values():
                self._add("roll_call_targets", target)
        await self._flush()
        await self._written()
        await self.session.flush()  # any event the services have added is linked first
        await link_and_write(self.session, self.world.county_id, self.events)
        self.counts.events = len(self.events)
        return self.counts


class _PlanState:
    """The rows one plan builds up, by id."""

    def __init__(self) -> None:
        self.filings: dict[str, dict[str, Any]] = {}
        self.photos: dict[str, list[str]] = {}
        self.cards: dict[int, dict[str, Any]] = {}
        self.problems: dict[str, dict[str, Any]] = {}
        self.notes: list[dict[str, Any]] = []
        self.checkins: list[dict[str, Any]] = []

    def latest_pledge(self, secretary_id: int) -> str | None:
        """service_card.latest_pledge over this plan's filings."""
        pledges = [
            f
            for f in self.filings.values()
            if f["secretary_id"] == secretary_id
            and f["kind"] is FilingKind.PLEDGE
            and f["status"] in PUBLIC_PLEDGE_STATUSES
        ]
        if not pledges:
            return None
        latest = max(pledges, key=lambda f: (f["submitted_at"] or f["received_at"], f["id"]))
        text_ = latest["body"].get("text")
        return (text_.strip() or None) if isinstance(text_, str) else None


async def _insert(session: AsyncSession, batch: list[tuple[Table, list[dict[str, Any]]]]) -> None:
    for table, rows in batch:
        if rows:
            await insert_rows(session, table, rows)


async def insert_rows(session: AsyncSession, table: Table, rows: list[dict[str, Any]]) -> None:
    """INSERT the rows (all with the same keys) as SQLAlchemy would — every value through the
    column type's own bind processor — but in one driver call per chunk: COPY on PostgreSQL,
    executemany on SQLite. A plain `session.execute(insert(...), rows)` spends most of its time in
    per-row bookkeeping at this volume (three times as long on PostgreSQL)."""
    connection = await session.connection()
    dialect = connection.dialect
    columns = [c for c in table.columns if c.name in rows[0]]
    names = [c.name for c in columns]
    values = []  # column by column: one map() per column is much cheaper than a call per value
    for column in columns:
        process = column.type.bind_processor(dialect)
        raw = [row[column.name] for row in rows]
        values.append(raw if process is None else list(map(process, raw)))
    records = list(zip(*values, strict=True))
    if dialect.name == "postgresql":
        pooled = await connection.get_raw_connection()
        driver = pooled.driver_connection
        assert driver is not None
        for start in range(0, len(records), _CHUNK):
            await driver.copy_records_to_table(table.name, records=records[start : start + _CHUNK], columns=names)
        return
    statement = f"INSERT INTO {table.name} ({', '.join(names)}) VALUES ({', '.join('?' for _ in names)})"
    for start in range(0, len(records), _CHUNK):
        await connection.exec_driver_sql(statement, records[start : start + _CHUNK])


async def link_and_write(session: AsyncSession, county_id: int, events: Iterable[_Event]) -> None:
    """Appends the events to the county's chain after its head, in time order (ties keep the
    order they were recorded in), under the chain's advisory lock on PostgreSQL. Each chunk is
    inserted in the background while the next is hashed."""
    overlap = _overlaps(session)
    if session.get_bind().dialect.name == "postgresql":
        await session.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": lock_key(county_id)})
    head = (
        await session.execute(
            select(AuditEvent.seq, AuditEvent.hash)
            .where(AuditEvent.county_id == county_id)
            .order_by(AuditEvent.seq.desc())
            .limit(1)
        )
    ).first()
    seq, prev_hash = (head.seq, head.hash) if head else (0, GENESIS)
    table: Table = AuditEvent.__table__  # type: ignore[assignment]
    writing: asyncio.Task[None] | None = None
    ordered = sorted(events, key=lambda e: e.at)
    for start in range(0, len(ordered), _CHUNK):
        rows = []
        for event in ordered[start : start + _CHUNK]:
            seq += 1
            digest = link_hash(
                county_id=county_id,
                seq=seq,
                at=event.at,
                actor_user_id=event.actor_user_id,
                entity=event.entity,
                entity_id=event.entity_id,
                action=event.action,
                version=event.version,
                detail=event.detail,
                prev_hash=prev_hash,
            )
            rows.append(
                {
                    "at": event.at,
                    "actor_user_id": event.actor_user_id,
                    "county_id": county_id,
                    "entity": event.entity,
                    "entity_id": event.entity_id,
                    "action": event.action,
                    "version": event.version,
                    "detail": event.detail,
                    "seq": seq,
                    "prev_hash": prev_hash,
                    "hash": digest,
                }
            )
            prev_hash = digest
        if writing is not None:
            await writing
        writing = asyncio.create_task(insert_rows(session, table, rows))
        if overlap:
            await asyncio.sleep(0)
        else:
            await writing
            writing = None
    if writing is not None:
        await writing


def _overlaps(session: AsyncSession) -> bool:
    """Whether inserting in the background pays: on PostgreSQL the server does the work in its
    own process; SQLite's work is in this process, and a second thread only contends for the GIL."""
    return session.get_bind().dialect.name == "postgresql"
