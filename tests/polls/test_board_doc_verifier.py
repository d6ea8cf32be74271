"""An independent board verifier, written from docs/BOARD.md alone: the standard library and the
`cryptography` package, nothing of the server's poll code (no backend.polls, no
backend.crypto). The backend is used only to run a real poll and download its board, through the
same helpers the other poll tests use (they play the phones' part).

If this verifier needs something the document does not say, the document is incomplete.
"""

from __future__ import annotations

import ast
import base64
import copy
import hashlib
import json
import re
from pathlib import Path
from typing import Any

import httpx
from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import padding, rsa

from backend.core.db import SessionFactory
from tests.conftest import GraphQLClient
from tests.polls.helpers import CAST_PAPER, CLOSE, OPEN, SLIPS, Credential, cast, obtain_credential, ok, setup_poll
from tests.world import World

BOARD_MD = Path(__file__).resolve().parents[2] / "docs" / "BOARD.md"

# --- The verifier: docs/BOARD.md, sections 1-6 ------------------------------------------------------

FORMAT = "zhucuntong-poll-board/1"
ZEROS = "0" * 64
HEX64 = re.compile(r"[0-9a-f]{64}")
ORDER = re.compile(r"opened( paper_codes)*( issuing_closed( voting_closed receipts tally)?)?")
CHOICES = ("very_satisfied", "satisfied", "basic", "dissatisfied")
SHORT_ESCAPES = {'"': '\\"', "\\": "\\\\", "\b": "\\b", "\t": "\\t", "\n": "\\n", "\f": "\\f", "\r": "\\r"}


class Malformed(Exception):
    """A field is missing or of the wrong type (the check `well_formed`)."""


def _string(text: str) -> str:
    out = []
    for ch in text:
        if ch in SHORT_ESCAPES:
            out.append(SHORT_ESCAPES[ch])
        elif ord(ch) < 0x20:
            out.append(f"\\u{ord(ch):04x}")
        else:
            out.append(ch)
    return '"' + "".join(out) + '"'


def _text(value: Any) -> str:
    if value is None:
        return "null"
    if value is True:
        return "true"
    if value is False:
        return "false"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, str):
        return _string(value)
    if isinstance(value, list):
        return "[" + ",".join(_text(v) for v in value) + "]"
    if isinstance(value, dict):
        return "{" + ",".join(_string(k) + ":" + _text(value[k]) for k in sorted(value)) + "}"
    raise Malformed(f"not allowed on a board: {type(value).__name__}")  # floats above all


def canonical(value: Any) -> bytes:
    return _text(value).encode("utf-8")


def entry_hash(prev_hash: str, seq: int, type_: str, payload: dict[str, Any]) -> str:
    body = canonical({"payload": payload, "seq": seq, "type": type_})
    return hashlib.sha256(bytes.fromhex(prev_hash) + body).hexdigest()


def percent(numerator: int, denominator: int) -> str:
    h = (numerator * 20000 + denominator) // (2 * denominator)
    return f"{h // 100}.{h % 100:02d}"


def expected_tally(published: dict[str, Any], eligible: int) -> dict[str, Any]:
    ballots = published["ballots"]
    thresholds = published["thresholds"]
    valid = eligible > 0 and 3 * ballots >= 2 * eligible
    tally = {
        "ballots": ballots,
        "eligible": eligible,
        "turnout_rule": "3*ballots>=2*eligible",
        "valid": valid,
        "suppress_below": 5,
        "suppressed": ballots < 5,
        "counts": None,
        "satisfaction": None,
        "thresholds": {
            "incompetent_below_pct": thresholds["incompetent_below_pct"],
            "basic_below_pct": thresholds["basic_below_pct"],
        },
        "tier": None,
    }
    if ballots < 5:
        return tally
    counts = {c: published["counts"][c] for c in CHOICES}
    numerator = counts["very_satisfied"] + counts["satisfied"]
    tally["counts"] = counts
    tally["ballots"] = sum(counts.values())  # must equal the published ballots
    tally["satisfaction"] = {"numerator": numerator, "denominator": ballots, "percent": percent(numerator, ballots)}
    if valid:
        i, k = thresholds["incompetent_below_pct"], thresholds["basic_below_pct"]
        below = (
            "incompetent"
            if 100 * numerator < i * ballots
            else "basic_competent"
            if 100 * numerator < k * ballots
            else "none"
        )
        tally["tier"] = below
    return tally


class DocVerifier:
    """Collects the names (docs/BOARD.md section 6) of the checks that fail."""

    def __init__(self, board: Any, notice_head: str | None = None) -> None:
        self.failed: list[str] = []
        self.hashes: list[str] = []
        try:
            self._board(board)
        except (Malformed, KeyError, TypeError, ValueError, AttributeError):
            self.failed.append("well_formed")
        if notice_head is not None and notice_head not in self.hashes:
            self.failed.append("notice_head")

    def _check(self, name: str, ok: bool) -> bool:
        if not ok:
            self.failed.append(name)
        return ok

    def _board(self, board: Any) -> None:
        if not self._check("format", isinstance(board, dict) and board.get("format") == FORMAT):
            return
        entries = board["entries"]
        if not self._check("entries", isinstance(entries, list) and len(entries) > 0):
            return
        if not self._chain(board, entries):
            return
        types = [e["type"] for e in entries]
        if not self._check("event_order", ORDER.fullmatch(" ".join(types)) is not None):
            return
        events: dict[str, list[dict[str, Any]]] = {}
        for entry in entries:
            events.setdefault(entry["type"], []).append(entry["payload"])
        opened = events["opened"][0]
        self._check("poll_id", opened["poll_id"] == board["poll_id"])
        self._key(opened)
        self._check("roster_by_category", sum(opened["roster_by_category"].values()) == opened["roster_size"])
        if "issuing_closed" in events:
            issued = self._issued(events, opened["roster_size"])
            if "tally" in events:
                self._closed(events, opened["roster_size"], issued)

    def _chain(self, board: dict[str, Any], entries: list[dict[str, Any]]) -> bool:
        prev = ZEROS
        for n, entry in enumerate(entries):
            ok = entry["seq"] == n and entry["prev_hash"] == prev
            if not self._check("chain", ok and entry_hash(prev, n, entry["type"], entry["payload"]) == entry["hash"]):
                return False
            prev = entry["hash"]
        self.hashes = [e["hash"] for e in entries]
        return self._check("head_hash", board["head_hash"] == prev)

    def _key(self, opened: dict[str, Any]) -> None:
        der = base64.b64decode(opened["public_key_spki"], validate=True)
        key = serialization.load_der_public_key(der)
        self._check("key_fingerprint", hashlib.sha256(der).hexdigest() == opened["key_fingerprint"])
        bits = key.key_size if isinstance(key, rsa.RSAPublicKey) else 0
        self._check("key_size", bits >= 3072 and bits == opened["key_bits"])

    def _issued(self, events: dict[str, list[dict[str, Any]]], roster: int) -> int:
        closing = events["issuing_closed"][0]
        batches = events.get("paper_codes", [])
        self._check(
            "paper_batches",
            [b["batch"] for b in batches] == list(range(1, len(batches) + 1))
            and closing["paper_batches"] == len(batches)
            and closing["paper_codes_issued"] == sum(b["count"] for b in batches)
            and all(HEX64.fullmatch(b["commitment"]) for b in batches),
        )
        credentials, paper = closing["credentials_issued"], closing["paper_codes_issued"]
        self._check(
            "issued_within_roster",
            closing["roster_size"] == roster and credentials >= 0 and paper >= 0 and credentials + paper <= roster,
        )
        return int(credentials + paper)

    def _closed(self, events: dict[str, list[dict[str, Any]]], roster: int, issued: int) -> None:
        listed = events["receipts"][0]
        receipts = listed["receipts"]
        tally = events["tally"][0]
        self._check(
            "receipts_sorted_unique",
            all(isinstance(r, str) and HEX64.fullmatch(r) for r in receipts)
            and all(a < b for a, b in zip(receipts, receipts[1:], strict=False)),
        )
        received = events["voting_closed"][0]["ballots_received"]
        self._check("receipts_match_tally", len(receipts) == listed["count"] == tally["ballots"] == received)
        self._check("ballots_within_issued", tally["ballots"] <= issued)
        self._check("tally_arithmetic", expected_tally(tally, roster) == tally)


def credential_verifies(board: dict[str, Any], token: bytes, signature: bytes) -> bool:
    """Section 5: RSASSA-PSS, SHA-384, MGF1-SHA-384, salt 48, over the token as it is."""
    opened = board["entries"][0]["payload"]
    key = serialization.load_der_public_key(base64.b64decode(opened["public_key_spki"]))
    assert isinstance(key, rsa.RSAPublicKey)
    middle = token[32:-32]
    if len(token) <= 64 or middle != f"zct-ballot-v1:{board['poll_id']}:".encode("ascii"):
        return False
    try:
        key.verify(signature, token, padding.PSS(mgf=padding.MGF1(hashes.SHA384()), salt_length=48), hashes.SHA384())
    except InvalidSignature:
        return False
    return True


def paper_receipt(poll_id: int, code: str) -> str:
    normal = re.sub(r"[\s-]", "", code).upper().translate(str.maketrans("OIL", "011"))
    return hashlib.sha256(f"zct-paper-receipt-v1:{poll_id}:{normal}".encode("ascii")).hexdigest()


def rechain(board: dict[str, Any]) -> dict[str, Any]:
    """What a forger with the server in hand does after editing payloads: re-hash everything."""
    forged = copy.deepcopy(board)
    prev = ZEROS
    for n, entry in enumerate(forged["entries"]):
        entry["prev_hash"] = prev
        entry["hash"] = prev = entry_hash(prev, n, entry["type"], entry["payload"])
    forged["head_hash"] = prev
    return forged


# --- Running a real poll (the backend, as the phones and the township use it) -----------------------

CAST = ["VERY_SATISFIED", "SATISFIED", "SATISFIED", "BASIC", "DISSATISFIED", "SATISFIED", "VERY_SATISFIED"]


async def _closed_board(
    gql: GraphQLClient, world: World, session_factory: SessionFactory, client: httpx.AsyncClient, codes: list[str]
) -> tuple[dict[str, Any], list[Credential]]:
    """9 on the roster: 5 vote with credentials, 2 of 4 paper slips are used (7 ballots, 5 satisfied)."""
    setup = await setup_poll(gql, world, session_factory, members=5, paper_people=4)
    credentials = [await obtain_credential(gql, setup.poll, m) for m in setup.members]
    ok(await gql.execute(SLIPS, {"id": setup.id, "v": setup.paper_voter_ids}, as_user="township"), "issuePaperSlips")
    ok(await gql.execute(OPEN, {"id": setup.id}, as_user="township"), "openPollVoting")
    for credential, choice in zip(credentials, CAST[:5], strict=True):
        ok(await cast(gql, setup.id, credential, choice), "castBallot")
    for code, choice in zip(codes[:2], CAST[5:], strict=True):
        ok(await gql.execute(CAST_PAPER, {"id": setup.id, "code": code, "c": choice}), "castPaperBallot")
    ok(await gql.execute(CLOSE, {"id": setup.id}, as_user="township"), "closePoll")
    response = await client.get(f"/polls/{setup.id}/board.json")
    assert response.status_code == 200
    return response.json(), credentials


def _tally(board: dict[str, Any]) -> dict[str, Any]:
    return next(e for e in board["entries"] if e["type"] == "tally")["payload"]


async def test_a_real_board_verifies_by_the_documentation_alone(
    gql: GraphQLClient,
    world: World,
    session_factory: SessionFactory,
    client: httpx.AsyncClient,
    issued_codes: list[str],
) -> None:
    board, credentials = await _closed_board(gql, world, session_factory, client, issued_codes)
    verifier = DocVerifier(board, notice_head=board["head_hash"])
    assert verifier.failed == []
    assert DocVerifier(board, notice_head=board["entries"][0]["hash"]).failed == []  # the notice made at issuing
    # What the voters cast, as the documentation says the tally shows it: 7 of 9, 5/7 satisfied.
    tally = _tally(board)
    assert tally["satisfaction"] == {"numerator": 5, "denominator": 7, "percent": "71.43"}
    assert (tally["valid"], tally["tier"], tally["thresholds"]) == (
        True,
        "none",
        {"incompetent_below_pct": 60, "basic_below_pct": 70},
    )
    # Each voter's own check (section 5): the signature verifies, the receipt is listed.
    receipts = set(next(e for e in board["entries"] if e["type"] == "receipts")["payload"]["receipts"])
    for credential in credentials:
        assert credential_verifies(board, credential.token, credential.signature)
        assert hashlib.sha256(credential.token).hexdigest() in receipts
    assert not credential_verifies(board, credentials[0].token, credentials[1].signature)
    poll_id = board["poll_id"]
    assert {paper_receipt(poll_id, c.lower()[:8] + "-" + c[8:]) for c in issued_codes[:2]} <= receipts
    assert paper_receipt(poll_id, issued_codes[2]) not in receipts  # that slip was not used


async def test_tampered_boards_fail(
    gql: GraphQLClient,
    world: World,
    session_factory: SessionFactory,
    client: httpx.AsyncClient,
    issued_codes: list[str],
) -> None:
    board, _ = await _closed_board(gql, world, session_factory, client, issued_codes)
    tally_at = next(i for i, e in enumerate(board["entries"]) if e["type"] == "tally")

    edited = copy.deepcopy(board)
    edited["entries"][tally_at]["payload"]["counts"]["dissatisfied"] += 1
    assert DocVerifier(edited).failed == ["chain"]
    assert "tally_arithmetic" in DocVerifier(rechain(edited)).failed  # re-hashed, but the sums are off

    # A consistent rewrite: one 基本满意 turned 满意, every figure and hash recomputed. Only the head
    # printed on the notice tells.
    forged = copy.deepcopy(board)
    tally = forged["entries"][tally_at]["payload"]
    tally["counts"]["basic"] -= 1
    tally["counts"]["satisfied"] += 1
    tally["satisfaction"] = {"numerator": 6, "denominator": 7, "percent": percent(6, 7)}
    forged = rechain(forged)
    assert DocVerifier(forged).failed == []
    assert DocVerifier(forged, notice_head=board["head_hash"]).failed == ["notice_head"]

    swapped = copy.deepcopy(board)
    receipts = next(e for e in swapped["entries"] if e["type"] == "receipts")["payload"]["receipts"]
    receipts[0], receipts[1] = receipts[1], receipts[0]
    assert DocVerifier(rechain(swapped)).failed == ["receipts_sorted_unique"]
    floated = copy.deepcopy(board)
    floated["entries"][tally_at]["payload"]["eligible"] = 9.0
    assert DocVerifier(floated).failed == ["well_formed"]


async def test_the_chain_hashes_raw_digests_not_their_hex(
    gql: GraphQLClient,
    world: World,
    session_factory: SessionFactory,
    client: httpx.AsyncClient,
    issued_codes: list[str],
) -> None:
    board, _ = await _closed_board(gql, world, session_factory, client, issued_codes)
    entry = board["entries"][1]
    body = canonical({"payload": entry["payload"], "seq": 1, "type": entry["type"]})
    assert hashlib.sha256(entry["prev_hash"].encode("ascii") + body).hexdigest() != entry["hash"]
    assert hashlib.sha256(bytes.fromhex(entry["prev_hash"]) + body).hexdigest() == entry["hash"]
    # Non-ASCII text is hashed as UTF-8, not as \u escapes: the title and names are Chinese.
    opened = board["entries"][0]["payload"]
    assert "同志" in opened["title"] and "同志".encode() in canonical(opened)


def test_the_documented_example_is_real() -> None:
    """The example board in docs/BOARD.md: every entry printed in full re-hashes to its hash, and
    the worked example of section 2 gives the documented digest."""
    text = BOARD_MD.read_text(encoding="utf-8")
    example = json.loads(re.search(r"```json\n(.*?)```", text, re.S).group(1))  # type: ignore[union-attr]
    complete = [e for e in example["entries"] if "…" not in json.dumps(e, ensure_ascii=False)]
    assert [e["type"] for e in complete] == ["paper_codes", "issuing_closed", "voting_closed", "tally"]
    for entry in complete:
        assert entry_hash(entry["prev_hash"], entry["seq"], entry["type"], entry["payload"]) == entry["hash"]
    assert expected_tally(example["entries"][5]["payload"], 10) == example["entries"][5]["payload"]
    worked = '{"payload":{"ballots_received":9},"seq":3,"type":"voting_closed"}'
    assert (
        worked in text
        and canonical({"payload": {"ballots_received": 9}, "seq": 3, "type": "voting_closed"}) == worked.encode()
    )


def test_this_verifier_uses_no_server_poll_code() -> None:
    tree = ast.parse(Path(__file__).read_text(encoding="utf-8"))
    imported = {n.module for n in ast.walk(tree) if isinstance(n, ast.ImportFrom) and n.module}
    imported |= {a.name for n in ast.walk(tree) if isinstance(n, ast.Import) for a in n.names}
    backend = {m for m in imported if m.split(".")[0] == "backend"}
    assert backend == {"backend.core.db"}, backend  # a type for the poll-running fixtures, nothing else
