"""The verifier and the tally arithmetic, on boards built without a server."""

from __future__ import annotations

import base64
import copy
import hashlib
import json
from pathlib import Path
from typing import Any

import pytest
from cryptography.hazmat.primitives.asymmetric import rsa

from backend.cli import main as cli_main
from backend.crypto import blind_rsa
from backend.polls.board import FORMAT, GENESIS, canonical, commitment, entry_hash
from backend.polls.tally import compute_tally, is_valid, percent_text, tier
from backend.polls.verify import verify_board

RULES = {"incompetent_below_pct": 60, "basic_below_pct": 70}


def _board(
    key: rsa.RSAPrivateKey, counts: dict[str, int], roster: int = 30, credentials: int = 20, paper: int = 8
) -> dict[str, Any]:
    der = blind_rsa.public_key_to_der(key.public_key())
    ballots = sum(counts.values())
    receipts = sorted(hashlib.sha256(f"r{i}".encode()).hexdigest() for i in range(ballots))
    events = [
        (
            "opened",
            {
                "poll_id": 7,
                "roster_size": roster,
                "roster_by_category": {"committee": roster},
                "key_fingerprint": hashlib.sha256(der).hexdigest(),
                "key_bits": 3072,
                "public_key_spki": base64.b64encode(der).decode(),
            },
        ),
        ("paper_codes", {"batch": 1, "count": paper, "commitment": commitment([])}),
        (
            "issuing_closed",
            {
                "roster_size": roster,
                "credentials_issued": credentials,
                "paper_codes_issued": paper,
                "paper_batches": 1,
                "paper_commitment": commitment([]),
            },
        ),
        ("voting_closed", {"ballots_received": ballots}),
        ("receipts", {"count": ballots, "receipts": receipts}),
        ("tally", compute_tally(counts, roster, **RULES)),
    ]
    return _chain(events)


def _chain(events: list[tuple[str, dict[str, Any]]]) -> dict[str, Any]:
    entries, prev = [], GENESIS
    for seq, (type_, payload) in enumerate(events):
        digest = entry_hash(prev, seq, type_, payload)
        entries.append({"seq": seq, "type": type_, "payload": payload, "prev_hash": prev, "hash": digest})
        prev = digest
    return {"format": FORMAT, "poll_id": 7, "entries": entries, "head_hash": prev}


def _rechain(board: dict[str, Any]) -> dict[str, Any]:
    """A forger who recomputes every hash after editing a payload."""
    return _chain([(e["type"], e["payload"]) for e in board["entries"]])


def _failed(board: dict[str, Any]) -> set[str]:
    return {c.name for c in verify_board(board).checks if not c.ok}


@pytest.fixture
def key(key_pool: list[rsa.RSAPrivateKey]) -> rsa.RSAPrivateKey:
    return key_pool[0]


COUNTS = {"very_satisfied": 10, "satisfied": 8, "basic": 3, "dissatisfied": 2}


def test_a_good_board_verifies(key: rsa.RSAPrivateKey) -> None:
    report = verify_board(_board(key, COUNTS))
    assert report.ok, report.checks
    assert report.stage == "closed"
    assert report.tally is not None and report.tally["satisfaction"] == {
        "numerator": 18,
        "denominator": 23,
        "percent": "78.26",
    }


def test_tampering_is_caught(key: rsa.RSAPrivateKey) -> None:
    board = _board(key, COUNTS)
    edited = copy.deepcopy(board)
    edited["entries"][5]["payload"]["counts"]["satisfied"] = 9
    assert "chain" in _failed(edited)  # hash no longer matches
    assert "tally_arithmetic" in _failed(_rechain(edited))  # rehashed: the sums no longer match
    fiddled = copy.deepcopy(board)
    fiddled["entries"][5]["payload"]["tier"] = "incompetent"
    assert "tally_arithmetic" in _failed(_rechain(fiddled))
    lied = copy.deepcopy(board)
    lied["entries"][5]["payload"]["valid"] = False
    assert "tally_arithmetic" in _failed(_rechain(lied))
    shuffled = copy.deepcopy(board)
    receipts = shuffled["entries"][4]["payload"]["receipts"]
    receipts[0], receipts[1] = receipts[1], receipts[0]
    assert "receipts_sorted_unique" in _failed(_rechain(shuffled))
    doubled = copy.deepcopy(board)
    receipts = doubled["entries"][4]["payload"]["receipts"]
    receipts[1] = receipts[0]
    assert "receipts_sorted_unique" in _failed(_rechain(doubled))
    short = copy.deepcopy(board)
    short["entries"][4]["payload"]["receipts"].pop()
    assert "receipts_match_tally" in _failed(_rechain(short))
    other_key = copy.deepcopy(board)
    other_key["entries"][0]["payload"]["key_fingerprint"] = "0" * 64
    assert "key_fingerprint" in _failed(_rechain(other_key))
    dropped = copy.deepcopy(board)
    del dropped["entries"][3]
    assert "event_order" in _failed(_rechain(dropped))
    head = copy.deepcopy(board)
    head["head_hash"] = GENESIS
    assert "head_hash" in _failed(head)


def test_more_ballots_than_issued_is_caught(key: rsa.RSAPrivateKey) -> None:
    assert "ballots_within_issued" in _failed(_board(key, COUNTS, credentials=10, paper=5))  # 23 > 15
    assert "issued_within_roster" in _failed(_board(key, COUNTS, roster=30, credentials=25, paper=8))


def test_small_polls_are_suppressed_and_still_verify(key: rsa.RSAPrivateKey) -> None:
    tally = compute_tally({"satisfied": 4}, 5, **RULES)
    assert tally["suppressed"] and tally["counts"] is None and tally["satisfaction"] is None and tally["tier"] is None
    assert tally["valid"] is True  # 12 ≥ 10
    report = verify_board(_board(key, {"satisfied": 4}, roster=5, credentials=5, paper=0))
    assert report.ok, report.checks
    leaked = _board(key, {"satisfied": 4}, roster=5, credentials=5, paper=0)
    leaked["entries"][5]["payload"]["counts"] = {"satisfied": 4}
    assert "tally_arithmetic" in _failed(_rechain(leaked))


def test_tally_arithmetic_boundaries() -> None:
    assert is_valid(20, 30) and not is_valid(19, 30) and is_valid(2, 3) and not is_valid(0, 0)
    assert percent_text(2, 3) == "66.67" and percent_text(1, 8) == "12.50" and percent_text(1, 1) == "100.00"
    assert percent_text(1, 200) == "0.50" and percent_text(1, 400) == "0.25" and percent_text(1, 800) == "0.13"
    assert tier(59, 100, 60, 70) == "incompetent" and tier(60, 100, 60, 70) == "basic_competent"
    assert tier(69, 100, 60, 70) == "basic_competent" and tier(70, 100, 60, 70) == "none"
    assert tier(3, 5, 60, 70) == "basic_competent"  # exactly 60 % is not below 60 %
    invalid = compute_tally({"very_satisfied": 5, "dissatisfied": 5}, 30, **RULES)
    assert invalid["valid"] is False and invalid["tier"] is None and invalid["satisfaction"]["percent"] == "50.00"


def test_canonical_json_refuses_floats() -> None:
    assert canonical({"b": 1, "a": "满意"}) == '{"a":"满意","b":1}'
    with pytest.raises(ValueError):
        canonical({"x": 0.5})


def test_cli_reports_and_exits(key: rsa.RSAPrivateKey, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = tmp_path / "board.json"
    path.write_text(json.dumps(_board(key, COUNTS)), encoding="utf-8")
    assert cli_main(["verify-poll", str(path)]) == 0
    assert "公示榜核验通过" in capsys.readouterr().out
    path.write_text("{not json", encoding="utf-8")
    assert cli_main(["verify-poll", str(path)]) == 2
    path.write_text(json.dumps({"format": FORMAT, "entries": [{"seq": 0}]}), encoding="utf-8")
    assert cli_main(["verify-poll", str(path)]) == 1


def test_cli_checks_the_board_against_the_head_printed_on_the_notice(
    key: rsa.RSAPrivateKey, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """A board rewritten by someone who controls the server — a 基本满意 made 满意, the tally and
    every hash recomputed — passes every check of the board alone; the head on the notice does not."""
    published = _board(key, COUNTS)
    forged = copy.deepcopy(published)
    forged["entries"][5]["payload"] = compute_tally({**COUNTS, "basic": 2, "satisfied": 9}, 30, **RULES)
    forged = _rechain(forged)
    real, fake = tmp_path / "real.json", tmp_path / "forged.json"
    real.write_text(json.dumps(published), encoding="utf-8")
    fake.write_text(json.dumps(forged), encoding="utf-8")
    head = published["head_hash"]

    assert cli_main(["verify-poll", str(fake)]) == 0  # self-consistent: the board alone cannot tell
    capsys.readouterr()
    assert cli_main(["verify-poll", str(fake), "--head", head]) == 1
    out = capsys.readouterr().out
    assert f"✗ notice_head: the head printed on the notice ({head}) is the hash of no entry of this board" in out
    assert f"(its head is {forged['head_hash']}): this is not the board that was published" in out
    assert "与公告上的哈希不符：这不是公示过的公示榜" in out and "公示榜核验失败" in out

    printed = " ".join(head[i : i + 4] for i in range(0, 64, 4)).upper()  # as printed, in groups
    assert cli_main(["verify-poll", str(real), "--head", printed]) == 0
    assert "✓ notice_head: the printed head is entry 5 (tally); 0 entries appended since" in capsys.readouterr().out
    issuing_notice = published["entries"][0]["hash"]  # printed when issuing started
    assert cli_main(["verify-poll", str(real), "--head", issuing_notice]) == 0
    assert "entry 0 (opened); 5 entries appended since" in capsys.readouterr().out
    assert cli_main(["verify-poll", str(fake), "--head", issuing_notice]) == 0  # the prefix is intact: say so
    assert cli_main(["verify-poll", str(real), "--head", head[:40]]) == 2
    assert "bad --head" in capsys.readouterr().out
