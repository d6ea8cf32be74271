"""Re-check a poll's public board from the board alone (pure: no database, no network).

Used by `python -m backend.cli verify-poll BOARD.json` and the `verifyPollBoard` query. Checks:
the hash chain and head, the order of events, the key fingerprint (SHA-256 of the published
DER key), the issued counts (credentials + paper codes ≤ roster), receipts sorted, unique and
well-formed, receipts count == ballots == ballots received, ballots ≤ credentials + paper codes,
and the tally arithmetic (validity, satisfaction fraction and percentage, tier, suppression).
With a head hash from the village notice (`notice_head`), also that the board is the one published:
the printed hash must be the recomputed hash of one of its entries — everything up to that entry is
then exactly what was printed; a board rewritten and re-hashed from start to end has other hashes.
docs/BOARD.md is the format and these rules, written for anyone writing their own verifier.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import re
from dataclasses import dataclass, field
from typing import Any

from backend.crypto import blind_rsa
from backend.polls.board import FORMAT, GENESIS, canonical, entry_hash
from backend.polls.tally import CHOICES, SUPPRESS_BELOW, compute_tally, is_valid

_HEX64 = re.compile(r"^[0-9a-f]{64}$")


class BadNoticeHead(ValueError):
    """The head hash given as printed on the notice is not 64 hex characters."""


def parse_notice_head(text: str) -> str:
    """64 hex characters, as printed (spaces, dashes and line breaks between groups, any case)."""
    head = re.sub(r"[\s\-]", "", text).lower()
    if not _HEX64.match(head):
        raise BadNoticeHead("the head hash must be 64 hex characters (spaces and dashes between groups are fine)")
    return head


@dataclass
class Check:
    name: str
    ok: bool
    detail: str = ""


@dataclass
class Report:
    checks: list[Check] = field(default_factory=list)
    stage: str = "empty"  # opened / issuing_closed / closed
    tally: dict[str, Any] | None = None
    head_hash: str | None = None
    key_fingerprint: str | None = None

    @property
    def ok(self) -> bool:
        return bool(self.checks) and all(c.ok for c in self.checks)

    def add(self, name: str, ok: bool, detail: str = "") -> bool:
        self.checks.append(Check(name, bool(ok), detail))
        return bool(ok)


def verify_board(board: Any, notice_head: str | None = None) -> Report:
    """`notice_head`: the head hash printed on the village notice (parse_notice_head), if any."""
    report = Report()
    hashes: list[str] = []
    try:
        _verify(board, report, hashes)
    except (KeyError, TypeError, ValueError, AttributeError) as exc:  # malformed input is a failed check
        report.add("well_formed", False, f"malformed board: {type(exc).__name__}: {exc}")
    if notice_head is not None:
        _notice_head(notice_head, hashes, board, report)
    return report


def _notice_head(notice_head: str, hashes: list[str], board: Any, report: Report) -> None:
    """The printed head must be one entry's recomputed hash (the notice may predate later entries)."""
    if notice_head in hashes:
        seq = hashes.index(notice_head)
        entry_type = board["entries"][seq]["type"]
        later = len(hashes) - seq - 1
        report.add(
            "notice_head", True, f"the printed head is entry {seq} ({entry_type}); {later} entries appended since"
        )
        return
    report.add(
        "notice_head",
        False,
        f"the head printed on the notice ({notice_head}) is the hash of no entry of this board"
        + (f" (its head is {report.head_hash})" if report.head_hash else "")
        + ": this is not the board that was published",
    )


def _verify(board: Any, report: Report, hashes: list[str]) -> None:
    if not report.add("format", isinstance(board, dict) and board.get("format") == FORMAT, f"expected {FORMAT}"):
        return
    entries = board["entries"]
    if not report.add("entries", isinstance(entries, list) and len(entries) > 0, f"{len(entries)} entries"):
        return
    if not _chain(board, entries, report, hashes):
        return
    by_type: dict[str, list[dict[str, Any]]] = {}
    for entry in entries:
        by_type.setdefault(entry["type"], []).append(entry["payload"])
    if not _order(entries, report):
        return
    opened = by_type["opened"][0]
    poll_id = board["poll_id"]
    report.add("poll_id", opened.get("poll_id") == poll_id, f"board {poll_id}, opened {opened.get('poll_id')}")
    _key(opened, report)
    roster_size = opened["roster_size"]
    report.add(
        "roster_by_category",
        sum(opened["roster_by_category"].values()) == roster_size,
        f"roster {roster_size}",
    )
    report.stage = "opened"
    if "issuing_closed" not in by_type:
        return
    report.stage = "issuing_closed"
    issued = _issued(by_type, roster_size, report)
    if "tally" not in by_type:
        return
    report.stage = "closed"
    _closed(by_type, roster_size, issued, report)


def _chain(board: dict[str, Any], entries: list[dict[str, Any]], report: Report, hashes: list[str]) -> bool:
    """Every hash recomputed; `hashes` collects them (only a chain that holds to the end counts)."""
    prev = GENESIS
    for index, entry in enumerate(entries):
        if entry["seq"] != index:
            return report.add("chain", False, f"entry {index} has seq {entry['seq']}")
        if entry["prev_hash"] != prev:
            return report.add("chain", False, f"entry {index}: prev_hash does not match entry {index - 1}")
        canonical(entry["payload"])  # raises on floats
        computed = entry_hash(prev, index, entry["type"], entry["payload"])
        if computed != entry["hash"]:
            return report.add("chain", False, f"entry {index}: hash mismatch (recomputed {computed})")
        prev = entry["hash"]
    hashes.extend(e["hash"] for e in entries)
    report.add("chain", True, f"{len(entries)} entries, each hash recomputed")
    report.head_hash = prev
    return report.add("head_hash", board.get("head_hash") == prev, f"head {prev}")


def _order(entries: list[dict[str, Any]], report: Report) -> bool:
    types = [e["type"] for e in entries]
    shape = "".join(
        {
            "opened": "o",
            "paper_codes": "p",
            "issuing_closed": "i",
            "voting_closed": "v",
            "receipts": "r",
            "tally": "t",
        }.get(t, "?")
        for t in types
    )
    ok = re.fullmatch(r"op*(ivrt|i)?", shape) is not None
    return report.add("event_order", ok, " → ".join(types))


def _key(opened: dict[str, Any], report: Report) -> None:
    try:
        der = base64.b64decode(opened["public_key_spki"], validate=True)
        key = blind_rsa.public_key_from_der(der)
    except (binascii.Error, ValueError) as exc:
        report.add("key_fingerprint", False, f"unreadable public key: {exc}")
        return
    fingerprint = hashlib.sha256(der).hexdigest()
    report.key_fingerprint = fingerprint
    report.add(
        "key_fingerprint",
        fingerprint == opened["key_fingerprint"],
        f"SHA-256(DER) = {blind_rsa.format_fingerprint(fingerprint)}",
    )
    bits = key.key_size
    report.add("key_size", bits >= 3072 and bits == opened.get("key_bits"), f"RSA-{bits}")


def _issued(by_type: dict[str, list[dict[str, Any]]], roster_size: int, report: Report) -> int:
    closing = by_type["issuing_closed"][0]
    batches = by_type.get("paper_codes", [])
    numbers = [b["batch"] for b in batches]
    batch_total = sum(b["count"] for b in batches)
    report.add(
        "paper_batches",
        numbers == list(range(1, len(batches) + 1))
        and closing["paper_batches"] == len(batches)
        and closing["paper_codes_issued"] == batch_total
        and all(_HEX64.match(b["commitment"]) for b in batches),
        f"{len(batches)} batches, {batch_total} codes",
    )
    credentials = int(closing["credentials_issued"])
    paper = int(closing["paper_codes_issued"])
    issued = credentials + paper
    report.add(
        "issued_within_roster",
        closing["roster_size"] == roster_size and credentials >= 0 and paper >= 0 and issued <= roster_size,
        f"{credentials} credentials + {paper} paper codes ≤ roster {roster_size}",
    )
    return issued


def _closed(by_type: dict[str, list[dict[str, Any]]], roster_size: int, issued: int, report: Report) -> None:
    receipts_entry = by_type["receipts"][0]
    receipts = receipts_entry["receipts"]
    tally = by_type["tally"][0]
    report.tally = tally
    received = by_type["voting_closed"][0]["ballots_received"]
    well_formed = all(isinstance(r, str) and _HEX64.match(r) for r in receipts)
    strictly_sorted = all(a < b for a, b in zip(receipts, receipts[1:], strict=False))
    report.add("receipts_sorted_unique", well_formed and strictly_sorted, f"{len(receipts)} receipts")
    ballots = tally["ballots"]
    report.add(
        "receipts_match_tally",
        len(receipts) == receipts_entry["count"] == ballots == received,
        f"{len(receipts)} receipts, tally {ballots}, received {received}",
    )
    report.add("ballots_within_issued", ballots <= issued, f"{ballots} ballots ≤ {issued} issued")
    thresholds = tally["thresholds"]
    if tally["suppressed"]:
        ok = (
            ballots < SUPPRESS_BELOW
            and tally["counts"] is None
            and tally["satisfaction"] is None
            and tally["tier"] is None
            and tally["eligible"] == roster_size
            and tally["valid"] == is_valid(ballots, roster_size)
        )
        report.add("tally_arithmetic", ok, f"breakdown suppressed (fewer than {SUPPRESS_BELOW} ballots)")
        return
    counts = tally["counts"]
    expected = compute_tally(
        {c: counts[c] for c in CHOICES},
        roster_size,
        incompetent_below_pct=thresholds["incompetent_below_pct"],
        basic_below_pct=thresholds["basic_below_pct"],
    )
    mismatched = sorted(k for k in set(expected) | set(tally) if expected.get(k) != tally.get(k))
    report.add(
        "tally_arithmetic",
        not mismatched and set(counts) == set(CHOICES),
        "valid, satisfaction, tier recomputed" if not mismatched else f"mismatch in {', '.join(mismatched)}",
    )
