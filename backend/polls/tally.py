"""The tally's arithmetic (pure; shared by closing and by the verifier).

- valid (the 2/3 turnout rule): 3 × ballots ≥ 2 × eligible, in integers.
- satisfaction = (very satisfied + satisfied) ÷ ballots, published as the exact fraction and
  as a percentage with two decimals rounded half up (e.g. 55/60 → "91.67").
- tier (county settings, percent thresholds): satisfaction < incompetent_below_pct →
  "incompetent" (不称职); < basic_below_pct → "basic_competent" (基本称职); else "none".
  Compared exactly: 100 × numerator < threshold × denominator. Null when the poll is invalid
  (a secretary without a valid poll is not rankable) or the breakdown is suppressed.
- Small-count suppression: with fewer than SUPPRESS_BELOW (5) ballots the public tally carries
  only ballots, eligible and valid — counts, satisfaction and tier are null, because with a
  handful of voters a breakdown (or even a satisfaction figure like 4/4) tells who voted what.
  The county's recount list (supervising committee) still has every receipt and choice.
"""

from __future__ import annotations

from typing import Any

from backend.polls.models import BallotChoice

SUPPRESS_BELOW = 5
CHOICES = [c.value for c in BallotChoice]  # very_satisfied, satisfied, basic, dissatisfied
TURNOUT_RULE = "3*ballots>=2*eligible"


def is_valid(ballots: int, eligible: int) -> bool:
    return eligible > 0 and 3 * ballots >= 2 * eligible


def needed_for_valid(eligible: int) -> int:
    """The fewest ballots that make a poll of `eligible` people valid: ceil(2 × eligible ÷ 3)."""
    return max(1, (2 * eligible + 2) // 3)


def percent_text(numerator: int, denominator: int) -> str:
    """numerator/denominator as a percentage with 2 decimals, rounded half up, exactly."""
    hundredths = (numerator * 10000 * 2 + denominator) // (2 * denominator)
    return f"{hundredths // 100}.{hundredths % 100:02d}"


def tier(numerator: int, denominator: int, incompetent_below_pct: int, basic_below_pct: int) -> str:
    if 100 * numerator < incompetent_below_pct * denominator:
        return "incompetent"
    if 100 * numerator < basic_below_pct * denominator:
        return "basic_competent"
    return "none"


def compute_tally(
    counts: dict[str, int], eligible: int, *, incompetent_below_pct: int, basic_below_pct: int
) -> dict[str, Any]:
    full = {choice: int(counts.get(choice, 0)) for choice in CHOICES}
    ballots = sum(full.values())
    valid = is_valid(ballots, eligible)
    suppressed = ballots < SUPPRESS_BELOW
    satisfaction: dict[str, Any] | None = None
    tier_value: str | None = None
    if not suppressed:
        numerator = full["very_satisfied"] + full["satisfied"]
        satisfaction = {"numerator": numerator, "denominator": ballots, "percent": percent_text(numerator, ballots)}
        if valid:
            tier_value = tier(numerator, ballots, incompetent_below_pct, basic_below_pct)
    return {
        "ballots": ballots,
        "eligible": eligible,
        "turnout_rule": TURNOUT_RULE,
        "valid": valid,
        "suppress_below": SUPPRESS_BELOW,
        "suppressed": suppressed,
        "counts": None if suppressed else full,
        "satisfaction": satisfaction,
        "thresholds": {"incompetent_below_pct": incompetent_below_pct, "basic_below_pct": basic_below_pct},
        "tier": tier_value,
    }
