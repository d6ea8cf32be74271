"""The public board: an append-only, hash-chained log of a poll's events.

Entry hash (what the verifier recomputes)::

    hash = SHA-256( bytes.fromhex(prev_hash) || UTF-8( canonical({"payload": p, "seq": n, "type": t}) ) )

with prev_hash = 64 zeros for seq 0. `canonical` is JSON with sorted keys, no whitespace, UTF-8
text (ensure_ascii off) and no floats (numbers are integers; fractions are published as
numerator/denominator and a decimal string), so every implementation gets the same bytes.
"""

from __future__ import annotations

import hashlib
import json
from typing import Any

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from backend.polls.models import BoardEntry

FORMAT = "zhucuntong-poll-board/1"
GENESIS = "0" * 64


def _check_no_floats(value: Any) -> None:
    if isinstance(value, float):
        raise ValueError("board payloads hold no floats")
    if isinstance(value, dict):
        for key, item in value.items():
            if not isinstance(key, str):
                raise ValueError("board payload keys are strings")
            _check_no_floats(item)
    elif isinstance(value, list):
        for item in value:
            _check_no_floats(item)


def canonical(value: Any) -> str:
    _check_no_floats(value)
    return json.dumps(value, sort_keys=True, ensure_ascii=False, separators=(",", ":"), allow_nan=False)


def entry_hash(prev_hash: str, seq: int, type_: str, payload: Any) -> str:
    body = canonical({"payload": payload, "seq": seq, "type": type_}).encode("utf-8")
    return hashlib.sha256(bytes.fromhex(prev_hash) + body).hexdigest()


def commitment(hashes: list[str]) -> str:
    """SHA-256 over the sorted hex hashes joined by newlines (the empty list: SHA-256 of nothing)."""
    return hashlib.sha256("\n".join(sorted(hashes)).encode("ascii")).hexdigest()


async def append(session: AsyncSession, poll_id: int, type_: str, payload: dict[str, Any]) -> BoardEntry:
    """Append one entry. Callers hold the poll row lock, so appends to one poll are serial; the
    (poll_id, seq) primary key refuses a fork anyway."""
    last = (
        await session.execute(
            select(BoardEntry.seq, BoardEntry.hash)
            .where(BoardEntry.poll_id == poll_id)
            .order_by(BoardEntry.seq.desc())
            .limit(1)
        )
    ).first()
    seq, prev = (0, GENESIS) if last is None else (last.seq + 1, last.hash)
    entry = BoardEntry(
        poll_id=poll_id,
        seq=seq,
        type=type_,
        payload=canonical(payload),
        prev_hash=prev,
        hash=entry_hash(prev, seq, type_, payload),
    )
    session.add(entry)
    await session.flush()
    return entry


async def entries(session: AsyncSession, poll_id: int) -> list[BoardEntry]:
    return list(await session.scalars(select(BoardEntry).where(BoardEntry.poll_id == poll_id).order_by(BoardEntry.seq)))


async def head_hash(session: AsyncSession, poll_id: int) -> str | None:
    head: str | None = await session.scalar(
        select(BoardEntry.hash).where(BoardEntry.poll_id == poll_id).order_by(BoardEntry.seq.desc()).limit(1)
    )
    return head


def board_document(poll_id: int, rows: list[BoardEntry]) -> dict[str, Any]:
    """The downloadable board: everything the verifier needs, nothing else."""
    return {
        "format": FORMAT,
        "poll_id": poll_id,
        "entries": [
            {
                "seq": row.seq,
                "type": row.type,
                "payload": json.loads(row.payload),
                "prev_hash": row.prev_hash,
                "hash": row.hash,
            }
            for row in rows
        ],
        "head_hash": rows[-1].hash if rows else GENESIS,
    }
