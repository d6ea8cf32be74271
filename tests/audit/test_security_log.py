"""The security log (安全审计, 等级保护 2.0): logins, failures, lockouts, account and settings
changes, every export and every bulk read of personal data are recorded in the county's SECURITY
chain — who, when, what, scope, outcome — and never with a full phone number."""

from __future__ import annotations

import asyncio
import json
from typing import Any

import httpx
import pytest
from sqlalchemy import select

from backend.attendance.api import queries as attendance_queries
from backend.audit.models import SECURITY, TRAIL, AuditEvent
from backend.audit.security_log import DEPLOYMENT_COUNTY, Kind
from backend.audit.verify import verify_audit
from backend.core.db import SessionFactory
from tests.auth.helpers import LOGIN as TWO_STEP_LOGIN
from tests.auth.helpers import VERIFY, Clock, code_at, data, enrol
from tests.conftest import GraphQLClient
from tests.exports.helpers import download, open_workbook
from tests.world import PASSWORD, World

LOGIN = """mutation($p: String!, $w: String!) { login(phone: $p, password: $w) { refreshToken errors { code } } }"""
REFRESH = "mutation($t: String!) { refreshToken(refreshToken: $t) { refreshToken errors { code } } }"
LOGOUT = "mutation($t: String!) { logout(refreshToken: $t) { ok errors { code } } }"


async def security_events(session_factory: SessionFactory) -> list[AuditEvent]:
    async with session_factory() as session:
        return list(
            await session.scalars(select(AuditEvent).where(AuditEvent.chain == SECURITY).order_by(AuditEvent.id))
        )


def kinds(events: list[AuditEvent]) -> list[str]:
    return [e.action for e in events]


def phones_in(events: list[AuditEvent], world: World) -> list[str]:
    """Every full phone number of the world's users that appears anywhere in the events."""
    text = json.dumps([[e.entity_id, e.detail] for e in events], ensure_ascii=False)
    return [u.phone for u in world.users.values() if u.phone in text]


async def test_logins_failures_lockout_logout_and_token_reuse_are_recorded(
    gql: GraphQLClient, world: World, session_factory: SessionFactory
) -> None:
    user = world.users["township"]
    ok = (await gql.execute(LOGIN, {"p": user.phone, "w": PASSWORD}))["data"]["login"]
    spent = ok["refreshToken"]
    fresh = (await gql.execute(REFRESH, {"t": spent}))["data"]["refreshToken"]["refreshToken"]
    reused = await gql.execute(REFRESH, {"t": spent})
    assert reused["data"]["refreshToken"]["errors"][0]["code"] == "TOKEN_REUSED"
    assert fresh
    second = (await gql.execute(LOGIN, {"p": user.phone, "w": PASSWORD}))["data"]["login"]["refreshToken"]
    await gql.execute(LOGOUT, {"t": second})
    for _ in range(5):
        await gql.execute(LOGIN, {"p": user.phone, "w": "wrong-password"})
    locked = await gql.execute(LOGIN, {"p": user.phone, "w": PASSWORD})
    assert locked["data"]["login"]["errors"][0]["code"] == "LOCKED"

    events = await security_events(session_factory)
    assert kinds(events) == ["login", "token_reused", "login", "logout"] + ["login_failed"] * 5 + ["locked", "locked"]
    county = world.units["A"].id
    assert {e.county_id for e in events} == {county}
    assert {e.entity_id for e in events} == {str(user.id)}
    successes = [e for e in events if e.action in {"login", "logout", "token_reused"}]
    assert {e.actor_user_id for e in successes} == {user.id}
    failures = [e for e in events if e.action in {"login_failed", "locked"}]
    assert {e.actor_user_id for e in failures} == {None}  # whoever typed the password is unknown
    assert {e.detail["phone"] for e in failures} == {"139****0001"}
    assert "until" in events[-1].detail
    assert phones_in(events, world) == []


async def test_a_refresh_is_not_a_login(gql: GraphQLClient, world: World, session_factory: SessionFactory) -> None:
    token = (await gql.execute(LOGIN, {"p": world.users["county"].phone, "w": PASSWORD}))["data"]["login"]
    await gql.execute(REFRESH, {"t": token["refreshToken"]})
    assert kinds(await security_events(session_factory)) == ["login"]


async def test_a_failed_login_for_an_unknown_phone_goes_to_the_deployment_chain_masked(
    gql: GraphQLClient, session_factory: SessionFactory
) -> None:
    await gql.execute(LOGIN, {"p": "13712345678", "w": "whatever-password"})
    (event,) = await security_events(session_factory)
    assert (event.county_id, event.action, event.entity_id, event.actor_user_id) == (
        DEPLOYMENT_COUNTY,
        "login_failed",
        "0",
        None,
    )
    assert event.detail == {"phone": "137****5678", "step": "password"}
    assert "13712345678" not in json.dumps(event.detail)


async def test_account_and_settings_changes_are_recorded_with_who_did_them(
    gql: GraphQLClient, world: World, session_factory: SessionFactory
) -> None:
    created = await gql.execute(
        """mutation($o: ID!) { createUser(input: {phone: "13600000001", name: "村民甲", password: "Passw0rd1",
           role: MEMBER, orgUnitId: $o}) { user { id } errors { code } } }""",
        {"o": world.unit_id("V11")},
        as_user="township",
    )
    new_id = created["data"]["createUser"]["user"]["id"]
    toggle = "mutation($u: ID!, $a: Boolean!) { setUserActive(id: $u, active: $a) { errors { code } } }"
    await gql.execute(toggle, {"u": new_id, "a": False}, as_user="county")
    await gql.execute(toggle, {"u": new_id, "a": False}, as_user="county")  # no change: nothing recorded
    await gql.execute(toggle, {"u": new_id, "a": True}, as_user="county")
    await gql.execute(
        "mutation { updateCountySettings(input: {allowanceYuanPerDay: 45}) { errors { code } } }", as_user="county"
    )
    events = await security_events(session_factory)
    assert kinds(events) == ["account_created", "account_disabled", "account_enabled", "settings_changed"]
    assert [e.actor_user_id for e in events] == [world.users[k].id for k in ("township", "county", "county", "county")]
    assert [e.entity_id for e in events[:3]] == [new_id] * 3
    assert events[0].detail == {"name": "村民甲", "role": "member", "orgUnitId": world.units["V11"].id}
    assert events[3].detail == {"changed": ["allowance_yuan_per_day"]}
    assert phones_in(events, world) == [] and "13600000001" not in json.dumps([e.detail for e in events])


EXPORTS: list[tuple[str, str, str, dict[str, Any]]] = [
    ("attendance.xlsx", "month=2026-11", "attendance", {"month": "2026-11"}),
    ("ranking.xlsx", "period=2026", "ranking", {"period": "2026"}),
    ("assessment.xlsx", "period=2026", "assessment", {"period": "2026"}),
    ("import-template.xlsx", "", "import_template", {}),
    ("complaints-2026.xlsx", "", "complaints", {"year": 2026}),
    ("one-table-2026.xlsx", "month=2026-11", "one_table", {"period": "2026", "month": "2026-11"}),
]


@pytest.mark.parametrize(("path", "query", "export", "scope"), EXPORTS, ids=[e[2] for e in EXPORTS])
async def test_every_export_is_recorded_with_its_scope(
    client: httpx.AsyncClient,
    gql: GraphQLClient,
    world: World,
    session_factory: SessionFactory,
    path: str,
    query: str,
    export: str,
    scope: dict[str, Any],
) -> None:
    open_workbook(await download(client, gql, "county", path, query))
    (event,) = await security_events(session_factory)
    assert (event.action, event.county_id, event.actor_user_id) == (
        "export",
        world.units["A"].id,
        world.users["county"].id,
    )
    assert event.detail["export"] == export
    assert scope.items() <= event.detail["scope"].items()
    if export != "import_template":
        assert isinstance(event.detail["rows"], int)


async def test_a_township_export_records_its_township(
    client: httpx.AsyncClient, gql: GraphQLClient, world: World, session_factory: SessionFactory
) -> None:
    open_workbook(await download(client, gql, "township", "attendance.xlsx", "month=2026-11"))
    (event,) = await security_events(session_factory)
    assert event.actor_user_id == world.users["township"].id
    assert event.detail["scope"]["scope"].endswith(world.units["T1"].name)
    assert event.detail["rows"] == 2  # the secretaries of V11 and V12


async def test_a_refused_export_records_nothing(
    client: httpx.AsyncClient, gql: GraphQLClient, session_factory: SessionFactory
) -> None:
    refused = await download(client, gql, "village", "attendance.xlsx", "month=2026-11")
    assert refused.status_code == 403
    assert await security_events(session_factory) == []


async def test_the_one_table_api_and_my_personal_data_are_recorded_as_exports(
    client: httpx.AsyncClient, gql: GraphQLClient, world: World, session_factory: SessionFactory
) -> None:
    token = await gql.token_for("county")
    response = await client.get("/api/one-table/v1?period=2026", headers={"authorization": f"Bearer {token}"})
    assert response.status_code == 200
    mine = await gql.execute("{ myPersonalData { name } }", as_user="member")
    assert "errors" not in mine
    api, personal = await security_events(session_factory)
    assert api.detail == {"export": "one_table_api", "scope": {"period": "2026"}, "rows": len(response.json()["rows"])}
    assert (personal.actor_user_id, personal.detail["export"]) == (world.users["member"].id, "my_personal_data")


BULK_READS: list[tuple[str, str, str, str, dict[str, Any]]] = [
    ("users", "county", "{ users(first: 2) { totalCount edges { node { phone } } } }", "users", {}),
    ("secretaries", "county", "{ secretaries { totalCount } }", "secretaries", {}),
    ("households", "village", "query($v: ID!) { households(villageId: $v) { totalCount } }", "households", {}),
    ("complaints", "county", "{ complaints(year: 2026) { totalCount } }", "complaints", {"year": 2026}),
    (
        "attendanceSummary",
        "county",
        '{ attendanceSummary(month: "2026-11") { title } }',
        "attendance_summary",
        {"month": "2026-11"},
    ),
    ("dayDeclarations", "township", '{ dayDeclarations(month: "2026-11") { id } }', "day_declarations", {}),
]


@pytest.mark.parametrize(("field", "user", "doc", "listing", "scope"), BULK_READS, ids=[b[0] for b in BULK_READS])
async def test_a_bulk_read_records_one_event_per_request(
    gql: GraphQLClient,
    world: World,
    session_factory: SessionFactory,
    field: str,
    user: str,
    doc: str,
    listing: str,
    scope: dict[str, Any],
) -> None:
    variables = {"v": world.unit_id("V11")} if "$v" in doc else {}
    body = await gql.execute(doc, variables, as_user=user)
    assert "errors" not in body, body
    (event,) = await security_events(session_factory)
    assert (event.action, event.actor_user_id) == ("bulk_read", world.users[user].id)
    assert event.detail["listing"] == listing
    assert scope.items() <= event.detail["scope"].items()
    assert isinstance(event.detail["rows"], int)


async def test_a_bulk_read_records_its_page_and_masks_a_phone_searched_for(
    gql: GraphQLClient, world: World, session_factory: SessionFactory
) -> None:
    doc = "query($a: String, $s: String) { users(first: 2, after: $a, search: $s) { pageInfo { endCursor } } }"
    first = await gql.execute(doc, {}, as_user="county")
    cursor = first["data"]["users"]["pageInfo"]["endCursor"]
    await gql.execute(doc, {"a": cursor}, as_user="county")
    await gql.execute(doc, {"s": world.users["village"].phone}, as_user="county")
    one, two, searched = await security_events(session_factory)
    assert one.detail["page"] == {"first": 2} and one.detail["rows"] == 2
    assert two.detail["page"] == {"first": 2, "after": cursor}
    assert searched.detail["scope"] == {"search": "139****0002"} and searched.detail["rows"] == 1
    assert phones_in([one, two, searched], world) == []


async def test_a_poll_roster_read_is_recorded(
    gql: GraphQLClient, world: World, session_factory: SessionFactory
) -> None:
    from tests.polls.helpers import create_poll

    poll_id = (await create_poll(gql, world))["id"]
    before = len(await security_events(session_factory))
    body = await gql.execute(
        "query($p: ID!) { pollRoster(pollId: $p) { totalCount } }", {"p": poll_id}, as_user="township"
    )
    assert "errors" not in body, body
    event = (await security_events(session_factory))[before]
    assert event.detail == {
        "listing": "poll_roster",
        "scope": {"pollId": int(poll_id)},
        "rows": body["data"]["pollRoster"]["totalCount"],
    }


async def test_security_events_keep_both_chains_verifiable(
    gql: GraphQLClient, world: World, session_factory: SessionFactory
) -> None:
    await gql.execute(LOGIN, {"p": world.users["county"].phone, "w": PASSWORD})
    await gql.execute("{ secretaries { totalCount } }", as_user="county")
    await gql.execute(
        "mutation { updateCountySettings(input: {allowanceYuanPerDay: 45}) { errors { code } } }", as_user="county"
    )
    async with session_factory() as session:
        reports = await verify_audit(session)
        chains = {(r.county_id, r.chain): r for r in reports}
    assert all(r.ok for r in reports)
    county = world.units["A"].id
    assert chains[county, SECURITY].events == 3
    assert chains[county, TRAIL].events == 1  # the settings change, in the business trail as before
    assert kinds(await security_events(session_factory)) == ["login", "bulk_read", Kind.SETTINGS_CHANGED.value]


async def test_a_login_with_a_second_factor_is_recorded_after_its_code(
    gql: GraphQLClient, world: World, clock: Clock, session_factory: SessionFactory
) -> None:
    secret, _ = await enrol(gql, clock, "township")
    seen = len(await security_events(session_factory))
    challenge = (await data(gql, TWO_STEP_LOGIN, {"p": world.users["township"].phone, "w": PASSWORD}))["challenge"]
    assert kinds((await security_events(session_factory))[seen:]) == []  # a password alone is no login yet
    right = code_at(secret, clock.now())
    await data(gql, VERIFY, {"c": challenge, "k": "000000" if right != "000000" else "111111"})
    await data(gql, VERIFY, {"c": challenge, "k": right})
    failed, login = (await security_events(session_factory))[seen:]
    user = world.users["township"]
    assert (failed.action, failed.actor_user_id, failed.entity_id) == ("login_failed", None, str(user.id))
    assert failed.detail == {"phone": f"{user.phone[:3]}****{user.phone[-4:]}", "step": "second_factor"}
    assert (login.action, login.actor_user_id, login.detail) == ("login", user.id, {"method": "password_totp"})


async def test_two_lists_in_one_request_are_both_recorded(
    gql: GraphQLClient, world: World, session_factory: SessionFactory, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Sibling fields resolve concurrently, each reading in its own session. Both reads finish
    before either is recorded (a barrier): the records are written in transactions of their own —
    on SQLite a session that read could not write after the other wrote ("database is locked")."""
    both_read = asyncio.Barrier(2)

    def after_reading(read: Any) -> Any:
        async def wrapped(*args: Any, **kwargs: Any) -> Any:
            found = await read(*args, **kwargs)
            await asyncio.wait_for(both_read.wait(), 5)
            return found

        return wrapped

    for name in ("allowance_sheet", "list_declarations"):
        monkeypatch.setattr(attendance_queries, name, after_reading(getattr(attendance_queries, name)))
    body = await gql.execute(
        """query($m: String!) { attendanceSummary(month: $m) { month }
        dayDeclarations(month: $m, pendingOnly: true) { id } }""",
        {"m": "2026-03"},
        as_user="township",
    )
    assert "errors" not in body, body
    listings = sorted(e.detail["listing"] for e in await security_events(session_factory))
    assert listings == ["attendance_summary", "day_declarations"]
