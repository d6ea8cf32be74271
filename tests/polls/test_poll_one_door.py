"""One door per poll operation, read from the source of backend/ (docs/SECURITY.md, "Polls").

A transport that reached the ballot box, the signer or the audit trail some other way would carry
its own copy of the policy again: the anonymity refusal, the rate limit, the audit record's county
and entity. These scans fail when a call appears outside the one place that may make it."""

from __future__ import annotations

import re
from pathlib import Path

import backend

BACKEND = Path(backend.__file__).parent


def _calls(pattern: str) -> set[str]:
    """backend/ modules (relative paths) whose source matches pattern."""
    found = set()
    for path in BACKEND.rglob("*.py"):
        if re.search(pattern, path.read_text(encoding="utf-8")):
            found.add(path.relative_to(BACKEND).as_posix())
    return found


def test_ballots_reach_the_box_only_through_the_casting_policy() -> None:
    # The transports call receive_credential_ballot / receive_paper_ballot (anonymity, rate limit,
    # checks, insert); the policy-free halves are the service's own, and the demo seeder's.
    assert _calls(r"casting\.cast_(paper_)?ballot\(") <= {"demo/polls.py"}
    assert _calls(r"import[^\n]*\bcast_(paper_)?ballot\b") == set()
    assert _calls(r"receive_(credential|paper)_ballot\(") == {
        "polls/casting.py",
        "polls/http.py",
        "polls/api/mutations.py",
    }


def test_credentials_are_signed_only_behind_their_rate_limit() -> None:
    assert _calls(r"request_credential\(") == {"polls/credentials.py"}
    assert _calls(r"issue_credential\(") == {"polls/credentials.py", "polls/api/mutations.py"}


def test_poll_audit_records_and_base64url_have_one_helper_each() -> None:
    assert _calls(r"entity=\"poll\"") == {"polls/common.py"}
    assert _calls(r"urlsafe_b64") == {"crypto/b64url.py"}
