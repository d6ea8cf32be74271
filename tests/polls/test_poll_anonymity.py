"""After a poll, the database holds nothing that joins a person to a ballot, the ballots lie in
receipt order, and casting logged nothing."""

from __future__ import annotations

import logging

import pytest
from sqlalchemy import inspect, select, text
from sqlalchemy.ext.asyncio import AsyncEngine

from backend.audit.models import AuditEvent
from backend.core.db import SessionFactory
from backend.polls import paper
from backend.polls.models import Ballot, StagedBallot
from tests.conftest import TEST_DB, GraphQLClient
from tests.polls.helpers import CAST_PAPER, CLOSE, OPEN, SLIPS, cast, obtain_credential, ok, setup_poll
from tests.world import World

BALLOT_TABLES = {"poll_ballots", "poll_ballot_staging"}
CHOICES = ["VERY_SATISFIED", "SATISFIED", "BASIC", "DISSATISFIED"]


async def _closed_poll(
    gql: GraphQLClient, world: World, session_factory: SessionFactory, issued_codes: list[str]
) -> tuple[str, list[str], list[bytes]]:
    setup = await setup_poll(gql, world, session_factory, members=8, paper_people=6)
    credentials = [await obtain_credential(gql, setup.poll, m) for m in setup.members]
    ok(await gql.execute(SLIPS, {"id": setup.id, "v": setup.paper_voter_ids}, as_user="township"), "issuePaperSlips")
    ok(await gql.execute(OPEN, {"id": setup.id}, as_user="township"), "openPollVoting")
    receipts = []
    for i, credential in enumerate(credentials):
        receipts.append(ok(await cast(gql, setup.id, credential, CHOICES[i % 4]), "castBallot")["receipt"])
    for i, code in enumerate(issued_codes):
        body = await gql.execute(CAST_PAPER, {"id": setup.id, "code": code, "c": CHOICES[i % 4]})
        receipts.append(ok(body, "castPaperBallot")["receipt"])
    ok(await gql.execute(CLOSE, {"id": setup.id}, as_user="township"), "closePoll")
    return setup.id, receipts, [c.token for c in credentials]


async def test_nothing_joins_a_person_to_a_ballot(
    gql: GraphQLClient, world: World, session_factory: SessionFactory, engine: AsyncEngine, issued_codes: list[str]
) -> None:
    poll_id, receipts, tokens = await _closed_poll(gql, world, session_factory, issued_codes)

    def schema(connection: object) -> dict[str, dict[str, object]]:
        insp = inspect(connection)
        return {
            table: {
                "columns": {c["name"]: str(c["type"]) for c in insp.get_columns(table)},
                "fks": insp.get_foreign_keys(table),
            }
            for table in insp.get_table_names()
            if table != "alembic_version"
        }

    async with engine.connect() as connection:
        tables = await connection.run_sync(schema)
    # Ballot rows: the poll, the receipt, the choice. No user, time, sequence, address.
    for table in BALLOT_TABLES:
        assert set(tables[table]["columns"]) == {"poll_id", "receipt", "choice"}, table
    # Nothing points at a ballot, and the ballot tables point at nothing but the poll.
    for table, info in tables.items():
        for fk in info["fks"]:
            assert fk["referred_table"] not in BALLOT_TABLES, (table, fk)
    assert [fk["referred_table"] for fk in tables["poll_ballots"]["fks"]] == ["polls"]
    # The roster and the code list have no token, receipt, code or time to join on. While issuing
    # runs the roster keeps the hash of the blinded message each credential was signed for (a
    # phone that lost the answer asks again): a blinded message reveals nothing of the token
    # (RSA blinding is perfectly hiding), and it is erased when voting opens.
    assert set(tables["poll_voters"]["columns"]) == {
        "id",
        "poll_id",
        "name",
        "category",
        "phone",
        "user_id",
        "credential_issued",
        "credential_request",
        "paper_issued",
    }
    async with engine.connect() as connection:
        kept = await connection.scalar(text("SELECT count(*) FROM poll_voters WHERE credential_request IS NOT NULL"))
    assert kept == 0
    assert set(tables["poll_paper_codes"]["columns"]) == {"poll_id", "code_hash"}

    # Scan every row of every table: a receipt appears only as a ballot's key and in the public
    # receipt list; no token or code appears anywhere.
    secrets = [t.hex() for t in tokens] + issued_codes + [paper.format_code(c) for c in issued_codes]
    found: dict[str, set[str]] = {}
    async with engine.connect() as connection:
        for table in tables:
            rows = (await connection.execute(text(f'SELECT * FROM "{table}"'))).all()
            dump = "\n".join(repr(tuple(row)) for row in rows)
            for receipt in receipts:
                if receipt in dump:
                    found.setdefault(receipt, set()).add(table)
            for secret in secrets:
                assert secret not in dump, f"{table} holds a token or code in clear"
    assert {r: tables_ for r, tables_ in found.items()} == {r: {"poll_ballots", "poll_board_entries"} for r in receipts}
    # A paper ballot's receipt is not the stored hash of its code (no join from ballot to code list).
    async with session_factory() as session:
        ballots = {r: c for r, c in (await session.execute(select(Ballot.receipt, Ballot.choice))).all()}
        assert await session.scalar(select(StagedBallot.receipt).limit(1)) is None  # staging emptied
        hashes = {paper.code_hash(int(poll_id), c) for c in issued_codes}
        assert not hashes & set(ballots)
        # The audit trail records township actions on the poll, never a credential or a ballot.
        actions = set(await session.scalars(select(AuditEvent.action).where(AuditEvent.entity == "poll")))
        assert actions == {"create", "roster_add", "start_issuing", "paper_slips", "open_voting", "close"}
    assert set(ballots) == set(receipts)


async def test_ballots_are_stored_in_receipt_order(
    gql: GraphQLClient, world: World, session_factory: SessionFactory, engine: AsyncEngine, issued_codes: list[str]
) -> None:
    poll_id, receipts, _ = await _closed_poll(gql, world, session_factory, issued_codes)
    async with engine.connect() as connection:
        if TEST_DB == "postgres":
            # Physical order (ctid) is receipt order, and one transaction id (xmin) for all rows:
            # the system columns keep no trace of arrival order.
            rows = (
                await connection.execute(
                    text("SELECT receipt, xmin::text FROM poll_ballots WHERE poll_id = :p ORDER BY ctid"),
                    {"p": int(poll_id)},
                )
            ).all()
            assert [r[0] for r in rows] == sorted(receipts)
            assert len({r[1] for r in rows}) == 1
        else:
            # WITHOUT ROWID: no hidden rowid counting arrivals; rows live in key order.
            sql = (
                (
                    await connection.execute(
                        text(
                            "SELECT sql FROM sqlite_master WHERE name IN ('poll_ballots', 'poll_ballot_staging', 'poll_paper_codes')"
                        )
                    )
                )
                .scalars()
                .all()
            )
            assert len(sql) == 3 and all("WITHOUT ROWID" in s for s in sql)
            rows = (await connection.execute(text("SELECT receipt FROM poll_ballots"))).scalars().all()
            assert rows == sorted(receipts)


async def test_casting_logs_nothing(
    gql: GraphQLClient,
    world: World,
    session_factory: SessionFactory,
    issued_codes: list[str],
    caplog: pytest.LogCaptureFixture,
) -> None:
    setup = await setup_poll(gql, world, session_factory, members=5, paper_people=5)
    credentials = [await obtain_credential(gql, setup.poll, m) for m in setup.members]
    ok(await gql.execute(SLIPS, {"id": setup.id, "v": setup.paper_voter_ids}, as_user="township"), "issuePaperSlips")
    ok(await gql.execute(OPEN, {"id": setup.id}, as_user="township"), "openPollVoting")
    caplog.clear()
    with caplog.at_level(logging.DEBUG):
        for credential in credentials:
            ok(await cast(gql, setup.id, credential, "SATISFIED"), "castBallot")
        await cast(gql, setup.id, credentials[0], "SATISFIED")  # refused: ALREADY_VOTED, still silent
        await gql.http.post(f"/polls/{setup.id}/ballots", json={"code": issued_codes[0], "choice": "basic"})
        await gql.http.post(f"/polls/{setup.id}/ballots", json={"code": issued_codes[0], "choice": "basic"})
    # Even at DEBUG: no server-side record at all (the test client's own httpx lines aside), and
    # no record anywhere holding a receipt, token or code.
    server_side = [r for r in caplog.records if not r.name.startswith(("httpx", "httpcore", "asyncio"))]
    assert server_side == [], [f"{r.name}: {r.getMessage()[:200]}" for r in server_side]
    secrets = [c.receipt for c in credentials] + [c.token.hex() for c in credentials] + issued_codes
    assert not any(s in r.getMessage() for r in caplog.records for s in secrets)
