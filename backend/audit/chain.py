"""The audit trail's hash chains: how a link is hashed, and linking new events as they are flushed.

Every county has its own chains (the business TRAIL and the SECURITY log, `backend.audit.models`).
Event n of a county's chain has `seq` n, `prev_hash` = the hash of event
n-1 (GENESIS for the first) and `hash` = SHA-256 over the canonical encoding of its content and
`prev_hash`. Links are assigned in a `before_flush` hook, so `audit.record()` stays a plain
synchronous `session.add` for its many callers: at flush time the pending events are taken in
the order they were added, the chain's head is read and the events are appended after it.

Concurrent writers: on PostgreSQL the hook first takes a transaction-scoped advisory lock per
county (`pg_advisory_xact_lock`), then reads the head, so appends to one county are serialized
until the writer's transaction ends; SQLite serializes write transactions already. In both cases
the unique (county_id, chain, seq) constraint makes a fork impossible rather than merely unlikely."""

from __future__ import annotations

import hashlib
import json
from collections import defaultdict
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import Row, event, inspect, select, text
from sqlalchemy.orm import Session

from backend.audit.models import SECURITY, SECURITY_ENTITY, TRAIL, AuditEvent
from backend.core.orm import utcnow

GENESIS = "0" * 64

# High half of the advisory lock key, so the audit locks do not collide with other advisory locks.
_LOCK_NAMESPACE = 0x41554454  # "AUDT"


def canonical_detail(detail: dict[str, Any] | None) -> dict[str, Any]:
    """The detail as the database will give it back (JSON keys are strings, tuples are lists)."""
    canonical: dict[str, Any] = json.loads(json.dumps(detail or {}, allow_nan=False))
    return canonical


def canonical_at(at: datetime) -> str:
    return at.astimezone(UTC).isoformat(timespec="microseconds")


def link_hash(
    *,
    county_id: int,
    seq: int,
    at: datetime,
    actor_user_id: int | None,
    entity: str,
    entity_id: str,
    action: str,
    version: int | None,
    detail: dict[str, Any],
    prev_hash: str,
) -> str:
    """SHA-256 (hex) of one link: a JSON array in fixed field order, keys sorted, no spaces, UTF-8."""
    encoded = json.dumps(
        [county_id, seq, canonical_at(at), actor_user_id, entity, entity_id, action, version, detail, prev_hash],
        sort_keys=True,
        separators=(",", ":"),
        ensure_ascii=False,
        allow_nan=False,
    )
    return hashlib.sha256(encoded.encode("utf-8")).hexdigest()


def event_hash(event: AuditEvent | Row[Any]) -> str:
    """The hash an event (or a row with the same fields) should carry, recomputed from its fields."""
    return link_hash(
        county_id=event.county_id,
        seq=event.seq,
        at=event.at,
        actor_user_id=event.actor_user_id,
        entity=event.entity,
        entity_id=event.entity_id,
        action=event.action,
        version=event.version,
        detail=event.detail,
        prev_hash=event.prev_hash,
    )


def lock_key(county_id: int) -> int:
    """A signed 64-bit advisory lock key for one county's chain."""
    key = (_LOCK_NAMESPACE << 32) | (county_id & 0xFFFFFFFF)
    return key - (1 << 64) if key >= 1 << 63 else key


def chain_of(entity: str) -> str:
    return SECURITY if entity == SECURITY_ENTITY else TRAIL


def _head(session: Session, county_id: int, chain: str) -> tuple[int, str]:
    """The newest link (the retention prune never deletes a chain's newest event)."""
    row = session.execute(
        select(AuditEvent.seq, AuditEvent.hash)
        .where(AuditEvent.county_id == county_id, AuditEvent.chain == chain)
        .order_by(AuditEvent.seq.desc())
        .limit(1)
    ).first()
    return (row.seq, row.hash) if row else (0, GENESIS)


def _link_pending_events(session: Session, _flush_context: object, _instances: object) -> None:
    pending = [obj for obj in session.new if isinstance(obj, AuditEvent)]
    if not pending:
        return
    by_chain: dict[tuple[int, str], list[AuditEvent]] = defaultdict(list)
    # insert_order is set on every object in session.new (it is None only for persistent objects).
    for audit_event in sorted(pending, key=lambda obj: inspect(obj).insert_order or 0):
        audit_event.chain = chain_of(audit_event.entity)
        by_chain[audit_event.county_id, audit_event.chain].append(audit_event)
    postgres = session.get_bind(mapper=inspect(AuditEvent)).dialect.name == "postgresql"
    locked: set[int] = set()
    for county_id, chain in sorted(by_chain):  # a fixed lock order: two multi-county writers cannot deadlock
        if postgres and county_id not in locked:
            session.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": lock_key(county_id)})
            locked.add(county_id)
        seq, prev_hash = _head(session, county_id, chain)
        for audit_event in by_chain[county_id, chain]:
            seq += 1
            if audit_event.at is None:
                audit_event.at = utcnow()
            audit_event.detail = canonical_detail(audit_event.detail)
            audit_event.seq = seq
            audit_event.prev_hash = prev_hash
            audit_event.hash = prev_hash = event_hash(audit_event)


def install() -> None:
    """Link audit events in every ORM session (idempotent). Called by
    `backend.hooks.install_process_hooks`, never at import."""
    if not event.contains(Session, "before_flush", _link_pending_events):
        event.listen(Session, "before_flush", _link_pending_events)
