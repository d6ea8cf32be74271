"""The signing key at rest and its erasure; the paper codes and the slip sheet."""

from __future__ import annotations

import base64
import re

import pytest
from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.asymmetric import rsa
from sqlalchemy import select

from backend.core.db import SessionFactory
from backend.crypto import blind_rsa
from backend.polls import keys, paper
from backend.polls.models import Poll
from backend.polls.slips import SlipSheet, render_slips
from tests.conftest import GraphQLClient
from tests.polls.helpers import OPEN, SLIPS, obtain_credential, ok, setup_poll
from tests.world import World


def test_sealed_key_opens_only_with_the_secret_and_its_fingerprint(key_pool: list[rsa.RSAPrivateKey]) -> None:
    key = key_pool[1]
    fingerprint = blind_rsa.public_key_fingerprint(key.public_key())
    sealed = keys.seal("s" * 40, key, fingerprint)
    assert keys.unseal("s" * 40, sealed, fingerprint).private_numbers() == key.private_numbers()
    with pytest.raises(InvalidTag):
        keys.unseal("t" * 40, sealed, fingerprint)
    with pytest.raises(InvalidTag):
        keys.unseal("s" * 40, sealed, "0" * 64)
    assert sealed != keys.seal("s" * 40, key, fingerprint)  # fresh salt and nonce each time


async def test_the_key_is_erased_when_voting_opens(
    gql: GraphQLClient, world: World, session_factory: SessionFactory
) -> None:
    setup = await setup_poll(gql, world, session_factory, members=5, paper_people=0)
    async with session_factory() as session:
        assert (await session.scalar(select(Poll.encrypted_private_key))) is not None
    await obtain_credential(gql, setup.poll, setup.members[0])  # voting opens only when someone can vote
    ok(await gql.execute(OPEN, {"id": setup.id}, as_user="township"), "openPollVoting")
    async with session_factory() as session:
        poll = (await session.scalars(select(Poll))).one()
        assert poll.encrypted_private_key is None
        assert (
            blind_rsa.public_key_fingerprint(blind_rsa.public_key_from_der(poll.public_key_der)) == poll.key_fingerprint
        )
    assert keys.private_keys.get(poll.key_fingerprint) is None


def test_codes_are_long_random_and_forgiving() -> None:
    codes = {paper.new_code() for _ in range(1000)}
    assert len(codes) == 1000
    code = next(iter(codes))
    assert len(code) == 28 and set(code) <= set(paper.ALPHABET)  # 28 × 5 = 140 bits
    grouped = paper.format_code(code)
    assert re.fullmatch(r"([0-9A-Z]{4}-){6}[0-9A-Z]{4}", grouped)
    assert paper.normalize_code(grouped.lower().replace("-", " ")) == code
    assert paper.normalize_code("O" * 28) == "0" * 28 and paper.normalize_code("il" * 14) == "1" * 28
    assert paper.code_hash(1, code) != paper.receipt(1, code) != paper.code_hash(2, code)


def test_slip_sheet_has_ten_slips_a_page() -> None:
    sheet = SlipSheet(
        poll_id=42,
        title="张三同志2026年度群众满意度测评",
        secretary_name="张三",
        village_name="东村",
        period="2026",
        fingerprint="ab" * 32,
        base_url="https://zct.example.cn",
        codes=[paper.format_code(paper.new_code()) for _ in range(23)],
    )
    pdf = render_slips(sheet)
    assert pdf.startswith(b"%PDF")
    assert len(re.findall(rb"/Type /Page\b", pdf)) == 3  # 23 slips → 10 + 10 + 3
    assert sheet.url("ABCD-EFGH") == "https://zct.example.cn/vote/42#code=ABCD-EFGH"  # a fragment: never logged


async def test_the_slip_pdf_is_returned_once_and_never_stored(
    gql: GraphQLClient, world: World, session_factory: SessionFactory, issued_codes: list[str]
) -> None:
    setup = await setup_poll(gql, world, session_factory, members=0, paper_people=12)
    slips = ok(
        await gql.execute(SLIPS, {"id": setup.id, "v": setup.paper_voter_ids}, as_user="township"), "issuePaperSlips"
    )
    pdf = base64.b64decode(slips["pdfBase64"])
    assert slips["count"] == 12 and len(re.findall(rb"/Type /Page\b", pdf)) == 2
    assert slips["filename"] == f"poll-{setup.id}-slips-1.pdf"
    assert len(issued_codes) == 12
