"""Satisfaction polls (群众满意度测评): the poll, its roster, running counts, results, board."""

from __future__ import annotations

import base64
import enum
import json
from datetime import datetime
from typing import Any

import strawberry

from backend.crypto import blind_rsa
from backend.graphql.context import Info
from backend.polls import models as poll_models
from backend.polls import readiness as poll_readiness
from backend.polls import results as poll_results
from backend.polls.models import Poll as PollModel
from backend.polls.models import PollVoter as PollVoterModel
from backend.polls.tally import needed_for_valid
from backend.polls.verify import Report

# strawberry.enum marks the domain enum in place and returns it; binding the name to the class
# first keeps the name a type for mypy (a name bound to a call's result is a variable).
PollStatus = poll_models.PollStatus
strawberry.enum(PollStatus, name="PollStatus", description="名单准备 / 发放凭证 / 投票中 / 已结束")
VoterCategory = poll_models.VoterCategory
strawberry.enum(
    VoterCategory, name="VoterCategory", description="村两委成员 / 党员 / 村民代表 / 离退职老干部 / 入党积极分子"
)
BallotChoice = poll_models.BallotChoice
strawberry.enum(BallotChoice, name="BallotChoice", description="很满意 / 满意 / 基本满意 / 不满意")


PollStep = poll_readiness.Step
strawberry.enum(PollStep, name="PollStep", description="开始发放凭证 / 发放纸质票 / 开始投票 / 结束投票")


class _Tier(enum.Enum):
    INCOMPETENT = "incompetent"  # 不称职
    BASIC_COMPETENT = "basic_competent"  # 基本称职
    NONE = "none"  # no tier


SatisfactionTier = _Tier
strawberry.enum(SatisfactionTier, name="SatisfactionTier", description="不称职 / 基本称职 / 不定档 (county thresholds)")


@strawberry.type(name="PollCounts")
class PollCounts:
    very_satisfied: int
    satisfied: int
    basic: int
    dissatisfied: int


@strawberry.type(name="SatisfactionFraction", description="(很满意 + 满意) ÷ ballots, exactly.")
class SatisfactionFraction:
    numerator: int
    denominator: int
    percent: str = strawberry.field(description='Two decimals, rounded half up, e.g. "91.67".')


@strawberry.type(name="SatisfactionThresholds")
class SatisfactionThresholds:
    incompetent_below_pct: int
    basic_below_pct: int


@strawberry.type(
    name="PollResult",
    description="The published tally. With fewer than suppressBelow ballots, counts, satisfaction "
    "and tier are null (a breakdown of a handful of ballots would tell who voted what).",
)
class PollResult:
    ballots: int
    eligible: int
    valid: bool = strawberry.field(description="The 2/3 turnout rule: 3 × ballots ≥ 2 × eligible.")
    needed_for_valid: int = strawberry.field(description="The fewest ballots that make it valid: ⌈2 × eligible ÷ 3⌉.")
    turnout_rule: str
    suppressed: bool
    suppress_below: int
    counts: PollCounts | None
    satisfaction: SatisfactionFraction | None
    tier: SatisfactionTier | None = strawberry.field(description="Null when invalid or suppressed.")
    thresholds: SatisfactionThresholds

    @classmethod
    def from_tally(cls, tally: dict[str, Any]) -> PollResult:
        counts = tally["counts"]
        sat = tally["satisfaction"]
        return cls(
            ballots=tally["ballots"],
            eligible=tally["eligible"],
            valid=tally["valid"],
            needed_for_valid=needed_for_valid(tally["eligible"]),
            turnout_rule=tally["turnout_rule"],
            suppressed=tally["suppressed"],
            suppress_below=tally["suppress_below"],
            counts=PollCounts(**counts) if counts else None,
            satisfaction=SatisfactionFraction(**sat) if sat else None,
            tier=_Tier(tally["tier"]) if tally["tier"] else None,
            thresholds=SatisfactionThresholds(**tally["thresholds"]),
        )


@strawberry.type(
    name="PollStepCheck",
    description="What a step needs and does, in plain Chinese — the very rules its mutation enforces: it refuses "
    "with the first of `missing`, and (without acceptWarnings: true) with `warnings`.",
)
class PollStepCheck:
    step: PollStep
    allowed: bool = strawberry.field(description="Nothing missing: the step can be taken now.")
    needs_confirmation: bool = strawberry.field(
        description="There are warnings: the mutation needs acceptWarnings: true, after the user confirmed them."
    )
    missing: list[str] = strawberry.field(description="Why the step cannot be taken (empty when allowed).")
    warnings: list[str] = strawberry.field(description="What the user must knowingly accept (e.g. an invalid poll).")
    consequences: list[str] = strawberry.field(description="What taking the step changes; show before confirming.")

    @classmethod
    def of(cls, check: poll_readiness.StepCheck | None) -> PollStepCheck | None:
        if check is None:
            return None
        return cls(
            step=check.step,
            allowed=check.allowed,
            needs_confirmation=bool(check.warnings),
            missing=[b.message for b in check.blockers],
            warnings=list(check.warnings),
            consequences=list(check.consequences),
        )


@strawberry.type(name="PollReadiness", description="The poll's next step and a paper batch, checked on its counts.")
class PollReadiness:
    roster_size: int
    with_account: int
    credentials_issued: int
    paper_slips_issued: int
    not_issued: int = strawberry.field(description="People with neither a credential nor a paper slip.")
    not_issued_with_account: int
    ballots_cast: int
    needed_for_valid: int = strawberry.field(description="Ballots a valid poll needs: 2/3 of the roster, rounded up.")
    next_step: PollStepCheck | None = strawberry.field(description="The phase change; null once closed.")
    paper_slips: PollStepCheck | None = strawberry.field(
        description="While issuing: a batch of `paperBatch` paper slips; null in other phases."
    )

    @classmethod
    def of(cls, r: poll_readiness.Readiness) -> PollReadiness:
        c = r.counts
        return cls(
            roster_size=c.roster,
            with_account=c.with_account,
            credentials_issued=c.credentials,
            paper_slips_issued=c.paper,
            not_issued=c.unissued,
            not_issued_with_account=c.unissued_with_account,
            ballots_cast=c.ballots,
            needed_for_valid=c.needed,
            next_step=PollStepCheck.of(r.next_step),
            paper_slips=PollStepCheck.of(r.paper_slips),
        )


@strawberry.type(name="MyPollStatus", description="The logged-in member's own place on the roster.")
class MyPollStatus:
    on_roster: bool
    credential_issued: bool
    paper_issued: bool


@strawberry.type(name="Poll")
class Poll:
    id: strawberry.ID
    title: str
    period: str
    status: PollStatus
    secretary_id: strawberry.ID
    village_id: strawberry.ID
    township_id: strawberry.ID
    key_fingerprint: str = strawberry.field(description="SHA-256 of the DER public key, 64 hex characters.")
    key_fingerprint_short: str = strawberry.field(description="8 groups of 4 hex characters, as printed.")
    public_key_spki: str = strawberry.field(description="Base64 DER SubjectPublicKeyInfo (WebCrypto 'spki').")
    public_key_jwk: str = strawberry.field(description='JWK as JSON text ({"kty":"RSA","alg":"PS384",...}).')
    token_prefix: str = strawberry.field(
        description="The credential message is 32 random bytes || this ASCII prefix || 32 random bytes."
    )
    created_at: datetime
    scrubbed_at: datetime | None = strawberry.field(
        description="When the ballot staging and roster tables were rewritten after close, so that the rows the "
        "close deleted (ballots in arrival order, old roster rows) are gone from the database files; null = not yet."
    )
    _model: strawberry.Private[PollModel]

    @classmethod
    def from_model(cls, poll: PollModel) -> Poll:
        key = blind_rsa.public_key_from_der(poll.public_key_der)
        return cls(
            id=strawberry.ID(str(poll.id)),
            title=poll.title,
            period=poll.period,
            status=poll.status,
            secretary_id=strawberry.ID(str(poll.secretary_id)),
            village_id=strawberry.ID(str(poll.village_id)),
            township_id=strawberry.ID(str(poll.township_id)),
            key_fingerprint=poll.key_fingerprint,
            key_fingerprint_short=blind_rsa.format_fingerprint(poll.key_fingerprint),
            public_key_spki=base64.b64encode(poll.public_key_der).decode("ascii"),
            public_key_jwk=json.dumps(blind_rsa.public_key_to_jwk(key), separators=(",", ":")),
            token_prefix=f"zct-ballot-v1:{poll.id}:",
            created_at=poll.created_at,
            scrubbed_at=poll.scrubbed_at,
            _model=poll,
        )

    @strawberry.field(description="The first secretary being rated.")
    async def secretary_name(self, info: Info) -> str:
        secretary = await info.context.loaders.secretary.load(self._model.secretary_id)
        return secretary.name if secretary else ""

    @strawberry.field
    async def village_name(self, info: Info) -> str:
        unit = await info.context.loaders.org_unit.load(self._model.village_id)
        return unit.name if unit else ""

    @strawberry.field
    async def township_name(self, info: Info) -> str:
        unit = await info.context.loaders.org_unit.load(self._model.township_id)
        return unit.name if unit else ""

    @strawberry.field(description="The public board's head hash (print it on the notice); null in draft.")
    async def board_head_hash(self, info: Info) -> str | None:
        from backend.polls import board

        async with info.context.session() as session:
            return await board.head_hash(session, self._model.id)

    @strawberry.field(description="The tally, once closed; null before.")
    def result(self) -> PollResult | None:
        tally = self._model.result
        return PollResult.from_tally(tally) if tally and self._model.status is poll_models.PollStatus.CLOSED else None

    @strawberry.field(
        description="Township and county (null for anyone else): what the next step needs and does, and whether "
        "a batch of `paperBatch` paper slips may be issued now. The mutations enforce exactly these rules."
    )
    async def readiness(self, info: Info, paper_batch: int = 0) -> PollReadiness | None:
        async with info.context.session() as session:
            found = await poll_readiness.poll_readiness(
                session, info.context.actor, self._model.id, paper_batch=paper_batch
            )
        return PollReadiness.of(found) if found else None

    @strawberry.field(description="For a logged-in member: whether they are on the roster and what they received.")
    async def my_status(self, info: Info) -> MyPollStatus | None:
        actor = info.context.actor
        if actor is None:
            return None
        async with info.context.session() as session:
            status = await poll_results.my_status(session, actor, self._model)
        return MyPollStatus(**status.__dict__) if status else None


@strawberry.type(name="PollProgress", description="Counts only, never a choice: township and county.")
class PollProgress:
    status: PollStatus
    roster_size: int
    roster_with_account: int
    credentials_issued: int
    paper_slips_issued: int
    ballots_cast: int

    @classmethod
    def from_data(cls, data: poll_results.Progress) -> PollProgress:
        return cls(**data.__dict__)


@strawberry.type(name="PollVoter", description="A person on the roster. The phone is never returned.")
class PollVoter:
    id: strawberry.ID
    name: str
    category: VoterCategory
    has_phone: bool
    has_account: bool = strawberry.field(description="Matched by phone to a member account of the village.")
    credential_issued: bool
    paper_issued: bool

    @classmethod
    def from_model(cls, voter: PollVoterModel) -> PollVoter:
        return cls(
            id=strawberry.ID(str(voter.id)),
            name=voter.name,
            category=voter.category,
            has_phone=voter.phone is not None,
            has_account=voter.user_id is not None,
            credential_issued=voter.credential_issued,
            paper_issued=voter.paper_issued,
        )


@strawberry.type(name="PollRoster")
class PollRoster:
    poll_id: strawberry.ID
    total_count: int
    voters: list[PollVoter]


@strawberry.type(name="PollBoardEntry")
class PollBoardEntry:
    seq: int
    type: str
    payload: str = strawberry.field(description="Canonical JSON (sorted keys, no spaces, UTF-8).")
    prev_hash: str
    hash: str


@strawberry.type(name="PollBoard", description="The public, hash-chained record of a poll.")
class PollBoard:
    poll_id: strawberry.ID
    head_hash: str
    entries: list[PollBoardEntry]
    document: str = strawberry.field(description="The whole board as JSON: what verify-poll reads.")
    _receipts: strawberry.Private[frozenset[str]]

    @classmethod
    def from_document(cls, doc: dict[str, Any]) -> PollBoard:
        from backend.polls.board import canonical

        receipts: frozenset[str] = frozenset()
        for entry in doc["entries"]:
            if entry["type"] == "receipts":
                receipts = frozenset(entry["payload"]["receipts"])
        return cls(
            poll_id=strawberry.ID(str(doc["poll_id"])),
            head_hash=doc["head_hash"],
            entries=[
                PollBoardEntry(
                    seq=e["seq"],
                    type=e["type"],
                    payload=canonical(e["payload"]),
                    prev_hash=e["prev_hash"],
                    hash=e["hash"],
                )
                for e in doc["entries"]
            ],
            document=json.dumps(doc, ensure_ascii=False, sort_keys=True),
            _receipts=receipts,
        )

    @strawberry.field(description="Whether a receipt (64 hex characters, any case) is on the closed board.")
    def contains_receipt(self, receipt: str) -> bool:
        return receipt.strip().lower() in self._receipts


@strawberry.type(name="RecountBallot")
class RecountBallot:
    receipt: str
    choice: BallotChoice


@strawberry.type(name="PollRecount", description="Receipt → choice, for the supervising committee only.")
class PollRecount:
    poll_id: strawberry.ID
    ballots: list[RecountBallot]
    result: PollResult | None


@strawberry.type(name="VerifyCheck")
class VerifyCheck:
    name: str
    ok: bool
    detail: str


@strawberry.type(name="PollVerification")
class PollVerification:
    ok: bool
    stage: str = strawberry.field(description="empty / opened / issuing_closed / closed: how far the board goes.")
    head_hash: str | None
    key_fingerprint: str | None
    checks: list[VerifyCheck]
    result: PollResult | None

    @classmethod
    def from_report(cls, report: Report) -> PollVerification:
        result = None
        if report.tally is not None and report.ok:
            result = PollResult.from_tally(report.tally)
        return cls(
            ok=report.ok,
            stage=report.stage,
            head_hash=report.head_hash,
            key_fingerprint=report.key_fingerprint,
            checks=[VerifyCheck(name=c.name, ok=c.ok, detail=c.detail) for c in report.checks],
            result=result,
        )
