"""Second-factor test helpers: GraphQL documents, a controllable clock, enrolling through the API."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta

import pyotp
import pytest

from backend.auth.api import mutations as auth_api
from tests.conftest import GraphQLClient

USER = "user { role }"
LOGIN = f"""mutation($p: String!, $w: String!) {{ login(phone: $p, password: $w) {{
  accessToken refreshToken secondFactorRequired totpEnrolmentRequired challenge challengeExpiresIn {USER}
  errors {{ code message field }} }} }}"""
VERIFY = f"""mutation($c: String!, $k: String!) {{ verifySecondFactor(challenge: $c, code: $k) {{
  accessToken refreshToken {USER} errors {{ code message field }} }} }}"""
BEGIN = """mutation($c: String) { beginTotpEnrolment(challenge: $c) { secret otpauthUri qrCode
  errors { code message field } } }"""
CONFIRM = f"""mutation($k: String!, $c: String) {{ confirmTotpEnrolment(code: $k, challenge: $c) {{ recoveryCodes
  auth {{ accessToken refreshToken {USER} }} errors {{ code message field }} }} }}"""
DISABLE = """mutation($k: String, $w: String) { disableTotp(code: $k, password: $w) { ok errors { code field } } }"""
REGENERATE = """mutation($k: String!) { regenerateRecoveryCodes(code: $k) { recoveryCodes errors { code } } }"""
RESET = """mutation($u: ID!, $r: String!) { resetSecondFactor(userId: $u, reason: $r) { ok errors { code field } } }"""
STATUS = """{ mySecondFactor { enabled recoveryCodesLeft required totpRequiredForCounty followsDeploymentDefault
  passwordRules } }"""
SET_REQUIRED = """mutation($r: Boolean!) { setTotpRequiredForCounty(required: $r) { ok errors { code } } }"""
REFRESH = "mutation($t: String!) { refreshToken(refreshToken: $t) { accessToken refreshToken errors { code } } }"
CHANGE = """mutation($c: String!, $n: String!) { changePassword(currentPassword: $c, newPassword: $n) {
  accessToken refreshToken errors { code message field } } }"""


@dataclass
class Clock:
    """The mutations' clock, at the start of a TOTP period + 5 s, stepped by whole periods."""

    at: datetime = field(
        default_factory=lambda: datetime.fromtimestamp((datetime.now(UTC).timestamp() // 30) * 30 + 5, UTC)
    )

    def now(self) -> datetime:
        return self.at

    def step(self, periods: int = 1) -> None:
        self.at += timedelta(seconds=30 * periods)


@pytest.fixture
def clock(monkeypatch: pytest.MonkeyPatch) -> Clock:
    found = Clock()
    monkeypatch.setattr(auth_api, "now", found.now)
    return found


def code_at(secret: str, at: datetime) -> str:
    return pyotp.TOTP(secret).at(at)


async def data(gql: GraphQLClient, doc: str, variables: dict[str, object] | None = None, **kw: object) -> dict:
    body = await gql.execute(doc, variables, **kw)  # type: ignore[arg-type]
    assert "errors" not in body, body
    payload = body["data"]
    assert isinstance(payload, dict)
    return next(iter(payload.values()))


async def enrol(gql: GraphQLClient, clock: Clock, user: str) -> tuple[str, list[str]]:
    """Enrol `user`'s authenticator while signed in; its secret and recovery codes."""
    begun = await data(gql, BEGIN, {"c": None}, as_user=user)
    assert begun["errors"] == [], begun
    confirmed = await data(gql, CONFIRM, {"k": code_at(begun["secret"], clock.now()), "c": None}, as_user=user)
    assert confirmed["errors"] == [], confirmed
    clock.step()  # the confirming code's period is spent
    return begun["secret"], confirmed["recoveryCodes"]
