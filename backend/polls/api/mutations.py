"""Mutations of satisfaction polls. castBallot and castPaperBallot need (and refuse) no login."""

from __future__ import annotations

import asyncio
import base64
from typing import Annotated

import strawberry

from backend.crypto import b64url
from backend.graphql.context import Info
from backend.graphql.errors import UserError, returns_payload_errors
from backend.graphql.pagination import parse_id
from backend.polls import casting, credentials, keys, lifecycle, paper, roster, scrub
from backend.polls.api.types import BallotChoice, Poll, PollVoter, VoterCategory

AcceptWarnings = Annotated[
    bool,
    strawberry.argument(
        description="true = the user saw and confirmed this step's warnings (Poll.readiness.nextStep.warnings); "
        "without it a step with warnings is refused with them."
    ),
]


@strawberry.input
class CreatePollInput:
    secretary_id: strawberry.ID
    period: str = strawberry.field(description='The assessment period, e.g. "2026".')
    title: str | None = strawberry.field(default=None, description="Defaults to 「X同志2026年度群众满意度测评」.")


@strawberry.input
class PollVoterInput:
    name: str
    category: VoterCategory
    phone: str | None = strawberry.field(
        default=None, description="Optional; links the person to a member account of the village with this phone."
    )


@strawberry.type
class PollPayload:
    poll: Poll | None = None
    errors: list[UserError] = strawberry.field(default_factory=list)


@strawberry.type
class PollRosterPayload:
    voters: list[PollVoter] = strawberry.field(default_factory=list, description="The rows just added.")
    errors: list[UserError] = strawberry.field(default_factory=list)


@strawberry.type
class PollVoterPayload:
    voter: PollVoter | None = None
    errors: list[UserError] = strawberry.field(default_factory=list)


@strawberry.type(
    description="The slips' PDF, returned ONCE: the codes are not stored in clear anywhere, so this "
    "response is the only copy. Print it and delete the file."
)
class PaperSlipsPayload:
    batch: int | None = None
    count: int = 0
    pdf_base64: str | None = None
    filename: str | None = None
    errors: list[UserError] = strawberry.field(default_factory=list)


@strawberry.type
class PollCredentialPayload:
    blind_signature: str | None = strawberry.field(default=None, description="base64url; unblind on the phone.")
    errors: list[UserError] = strawberry.field(default_factory=list)


@strawberry.type
class CastBallotPayload:
    receipt: str | None = strawberry.field(
        default=None, description="64 hex characters; appears on the board's receipt list after close."
    )
    receipt_short: str | None = strawberry.field(default=None, description="The first 16 characters, in groups of 4.")
    errors: list[UserError] = strawberry.field(default_factory=list)

    @classmethod
    def of(cls, receipt: str) -> CastBallotPayload:
        short = " ".join(receipt[i : i + 4] for i in range(0, 16, 4))
        return cls(receipt=receipt, receipt_short=short)


def _sender(info: Info) -> casting.BallotSender:
    return casting.BallotSender(info.context.rate_limits, identified=info.context.carries_identity)


@strawberry.type
class PollMutations:
    @strawberry.mutation(description="Township: open a poll (a draft) for a secretary of one of its villages.")
    @returns_payload_errors(PollPayload)
    async def create_poll(self, info: Info, input: CreatePollInput) -> PollPayload:
        secretary_id = parse_id(input.secretary_id, "secretaryId")
        async with info.context.session() as session:
            await lifecycle.check_create_poll(session, info.context.actor, secretary_id)
        signing_key = await asyncio.to_thread(keys.new_signing_key)
        async with info.context.transaction() as session:
            poll = await lifecycle.create_poll(
                session,
                info.context.actor,
                info.context.settings,
                secretary_id=secretary_id,
                period=input.period,
                title=input.title,
                signing_key=signing_key,
            )
        return PollPayload(poll=Poll.from_model(poll))

    @strawberry.mutation(description="Township, draft only: add people to the roster, or replace it (replace: true).")
    @returns_payload_errors(PollRosterPayload)
    async def import_poll_roster(
        self, info: Info, poll_id: strawberry.ID, voters: list[PollVoterInput], replace: bool = False
    ) -> PollRosterPayload:
        rows = [roster.VoterInput(name=v.name, category=v.category, phone=v.phone) for v in voters]
        async with info.context.transaction() as session:
            added = await roster.import_roster(
                session, info.context.actor, parse_id(poll_id, "pollId"), rows, replace=replace
            )
        return PollRosterPayload(voters=[PollVoter.from_model(v) for v in added])

    @strawberry.mutation(description="Township, draft only: correct a person on the roster.")
    @returns_payload_errors(PollVoterPayload)
    async def update_poll_voter(self, info: Info, id: strawberry.ID, input: PollVoterInput) -> PollVoterPayload:
        change = roster.VoterInput(name=input.name, category=input.category, phone=input.phone)
        async with info.context.transaction() as session:
            voter = await roster.update_voter(session, info.context.actor, parse_id(id), change)
        return PollVoterPayload(voter=PollVoter.from_model(voter))

    @strawberry.mutation(description="Township, draft only: remove a person from the roster.")
    @returns_payload_errors(PollPayload)
    async def remove_poll_voter(self, info: Info, id: strawberry.ID) -> PollPayload:
        async with info.context.transaction() as session:
            poll = await roster.remove_voter(session, info.context.actor, parse_id(id))
        return PollPayload(poll=Poll.from_model(poll))

    @strawberry.mutation(description="Township: draft → issuing. Locks the roster; publishes its size and the key.")
    @returns_payload_errors(PollPayload)
    async def start_poll_issuing(
        self, info: Info, poll_id: strawberry.ID, accept_warnings: AcceptWarnings = False
    ) -> PollPayload:
        async with info.context.transaction() as session:
            poll = await lifecycle.start_issuing(
                session, info.context.actor, parse_id(poll_id, "pollId"), accept_warnings=accept_warnings
            )
        return PollPayload(poll=Poll.from_model(poll))

    @strawberry.mutation(
        description="Township, while issuing: one paper slip per named person (≥ 5 per batch, or everyone "
        "left). Returns the PDF once; only the codes' hashes are kept."
    )
    @returns_payload_errors(PaperSlipsPayload)
    async def issue_paper_slips(
        self, info: Info, poll_id: strawberry.ID, voter_ids: list[strawberry.ID]
    ) -> PaperSlipsPayload:
        ids = [parse_id(v, "voterIds") for v in voter_ids]
        pid = parse_id(poll_id, "pollId")
        async with info.context.transaction() as session:
            issued = await paper.issue_paper_slips(session, info.context.actor, info.context.link_settings, pid, ids)
        return PaperSlipsPayload(
            batch=issued.batch,
            count=issued.count,
            pdf_base64=base64.b64encode(issued.pdf).decode("ascii"),
            filename=f"poll-{pid}-slips-{issued.batch}.pdf",
        )

    @strawberry.mutation(
        description="Township: issuing → voting. Publishes the issued counts and erases the signing key."
    )
    @returns_payload_errors(PollPayload)
    async def open_poll_voting(
        self, info: Info, poll_id: strawberry.ID, accept_warnings: AcceptWarnings = False
    ) -> PollPayload:
        async with info.context.transaction() as session:
            poll = await lifecycle.open_voting(
                session, info.context.actor, parse_id(poll_id, "pollId"), accept_warnings=accept_warnings
            )
        return PollPayload(poll=Poll.from_model(poll))

    @strawberry.mutation(
        description="Township: voting → closed. Tallies and publishes receipts and the result; then, "
        "after the commit, rewrites the ballot staging and roster tables (scrubbedAt)."
    )
    @returns_payload_errors(PollPayload)
    async def close_poll(
        self, info: Info, poll_id: strawberry.ID, accept_warnings: AcceptWarnings = False
    ) -> PollPayload:
        async with info.context.transaction() as session:
            poll = await lifecycle.close_poll(
                session, info.context.actor, parse_id(poll_id, "pollId"), accept_warnings=accept_warnings
            )
        scrubbed_at = await scrub.scrub_closed_polls(info.context.session_factory)  # never fails the close
        if scrubbed_at is not None:
            poll.scrubbed_at = scrubbed_at
        return PollPayload(poll=Poll.from_model(poll))

    @strawberry.mutation(
        description="Member on the roster, while issuing: blind-sign the phone's blinded message (base64url, "
        "RFC 9474 RSABSSA-SHA384-PSS-Randomized). One credential or paper slip per person."
    )
    @returns_payload_errors(PollCredentialPayload)
    async def request_poll_credential(
        self, info: Info, poll_id: strawberry.ID, blinded_message: str
    ) -> PollCredentialPayload:
        ctx = info.context
        signature = await credentials.issue_credential(
            ctx.session_factory, ctx.rate_limits, ctx.actor, ctx.settings, parse_id(poll_id, "pollId"), blinded_message
        )
        return PollCredentialPayload(blind_signature=b64url.encode(signature))

    @strawberry.mutation(
        description="No login — and refused (ANONYMOUS_ONLY) with an Authorization header: cast a ballot with "
        "a credential. token = the prepared message, signature = the unblinded signature (both base64url)."
    )
    @returns_payload_errors(CastBallotPayload)
    async def cast_ballot(
        self, info: Info, poll_id: strawberry.ID, token: str, signature: str, choice: BallotChoice
    ) -> CastBallotPayload:
        receipt = await casting.receive_credential_ballot(
            info.context.session_factory, _sender(info), parse_id(poll_id, "pollId"), token, signature, choice
        )
        return CastBallotPayload.of(receipt)

    @strawberry.mutation(
        description="No login — and refused with an Authorization header: cast a ballot with a paper slip's code."
    )
    @returns_payload_errors(CastBallotPayload)
    async def cast_paper_ballot(
        self, info: Info, poll_id: strawberry.ID, code: str, choice: BallotChoice
    ) -> CastBallotPayload:
        receipt = await casting.receive_paper_ballot(
            info.context.session_factory, _sender(info), parse_id(poll_id, "pollId"), code, choice
        )
        return CastBallotPayload.of(receipt)
