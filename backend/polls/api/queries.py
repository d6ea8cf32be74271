"""Queries over satisfaction polls. Public (no login): publicPoll, pollBoard, verifyPollBoard."""

from __future__ import annotations

import json

import strawberry

from backend.audit.security_log import record_bulk_read
from backend.core.errors import InvalidInput
from backend.graphql.context import Info
from backend.graphql.pagination import Connection, connection_from_page, parse_id, parse_optional_id
from backend.polls import results, roster
from backend.polls.access import access_poll
from backend.polls.api.types import (
    Poll,
    PollBoard,
    PollProgress,
    PollRecount,
    PollResult,
    PollRoster,
    PollStatus,
    PollVerification,
    PollVoter,
    RecountBallot,
)
from backend.polls.verify import verify_board

MAX_BOARD_CHARS = 5_000_000


@strawberry.type
class PollQueries:
    @strawberry.field(
        description="Polls the caller may see, newest first: county all, township its villages, a member "
        "their village's (past the draft), the secretary being rated only closed ones."
    )
    async def polls(
        self,
        info: Info,
        village_id: strawberry.ID | None = None,
        status: PollStatus | None = None,
        first: int | None = 20,
        after: str | None = None,
    ) -> Connection[Poll]:
        async with info.context.session() as session:
            page = await results.list_polls(
                session,
                info.context.actor,
                village_id=parse_optional_id(village_id, "villageId"),
                status=status,
                first=first,
                after=after,
            )
        return connection_from_page(page, Poll.from_model)

    @strawberry.field(description="One poll, for a logged-in user who may see it (see `polls`).")
    async def poll(self, info: Info, id: strawberry.ID) -> Poll:
        async with info.context.session() as session:
            found = await results.get_poll(session, info.context.actor, parse_id(id))
        return Poll.from_model(found)

    @strawberry.field(description="No login: a poll past its draft — what the voting page and the notice show.")
    async def public_poll(self, info: Info, id: strawberry.ID) -> Poll:
        async with info.context.session() as session:
            found = await access_poll(session, None, parse_id(id), to="public")
        return Poll.from_model(found)

    @strawberry.field(description="Running counts (never choices): the township of the village and the county.")
    async def poll_progress(self, info: Info, poll_id: strawberry.ID) -> PollProgress:
        async with info.context.session() as session:
            data = await results.progress(session, info.context.actor, parse_id(poll_id, "pollId"))
        return PollProgress.from_data(data)

    @strawberry.field(description="The eligible roster: the township of the village and the county.")
    async def poll_roster(self, info: Info, poll_id: strawberry.ID) -> PollRoster:
        async with info.context.session() as session:
            poll, voters = await roster.list_roster(session, info.context.actor, parse_id(poll_id, "pollId"))
            scope = {"pollId": poll.id}
            await record_bulk_read(
                info.context.session_factory, info.context.actor, listing="poll_roster", scope=scope, rows=len(voters)
            )
        return PollRoster(
            poll_id=strawberry.ID(str(poll.id)),
            total_count=len(voters),
            voters=[PollVoter.from_model(v) for v in voters],
        )

    @strawberry.field(description="No login: the public, hash-chained board of a poll past its draft.")
    async def poll_board(self, info: Info, poll_id: strawberry.ID) -> PollBoard:
        pid = parse_id(poll_id, "pollId")
        async with info.context.session() as session:
            doc = await results.public_board(session, pid)
        return PollBoard.from_document(doc)

    @strawberry.field(
        description="County only (the supervising committee), after close: every receipt with its choice, "
        "for a recount. Never shown to the township or published."
    )
    async def poll_recount(self, info: Info, poll_id: strawberry.ID) -> PollRecount:
        async with info.context.session() as session:
            poll, ballots = await results.recount(session, info.context.actor, parse_id(poll_id, "pollId"))
        return PollRecount(
            poll_id=strawberry.ID(str(poll.id)),
            ballots=[RecountBallot(receipt=r, choice=c) for r, c in ballots],
            result=PollResult.from_tally(poll.result) if poll.result else None,
        )

    @strawberry.field(
        description="No login: re-check a board from itself alone — pass the board JSON (`board`), or a "
        "pollId to check the stored board. Same checks as `python -m backend.cli verify-poll`."
    )
    async def verify_poll_board(
        self, info: Info, board: str | None = None, poll_id: strawberry.ID | None = None
    ) -> PollVerification:
        if (board is None) == (poll_id is None):
            raise InvalidInput("请提供 board 或 pollId 之一", field="board")
        if board is not None:
            if len(board) > MAX_BOARD_CHARS:
                raise InvalidInput("公示榜文件过大", field="board")
            try:
                doc = json.loads(board)
            except ValueError as exc:
                raise InvalidInput("公示榜不是有效的 JSON", field="board") from exc
        else:
            pid = parse_id(poll_id, "pollId")
            async with info.context.session() as session:
                doc = await results.public_board(session, pid)
        return PollVerification.from_report(verify_board(doc))
