"""The county's bindings and its staff password rule, against the real provider."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import httpx
import pytest
from sqlalchemy import select

from backend.audit.models import AuditEvent
from backend.core.db import SessionFactory
from backend.core.errors import InvalidState
from backend.core.settings import Settings
from backend.identity import password_policy, tickets
from backend.identity.errors import TicketInvalid
from backend.org.models import User
from tests.conftest import GraphQLClient
from tests.identity.flows import complete, me, platform_login
from tests.identity.provider_process import LocalProvider
from tests.permission_matrix import ROLES
from tests.world import PASSWORD, World

BIND = """mutation($u: ID!, $s: String!) { bindExternalIdentity(userId: $u, subject: $s) {
  identity { id subject method user { id name } } errors { code message field } } }"""
UNBIND = "mutation($id: ID!) { unbindExternalIdentity(id: $id) { ok errors { code } } }"
LIST = "{ externalIdentities(first: 10) { totalCount edges { node { subject method user { id } } } } }"
SET_PASSWORD = """mutation($e: Boolean!) { setStaffPasswordLogin(enabled: $e) {
  settings { staffPasswordLogin providerEnabled } errors { code message } } }"""
LOGIN = "mutation($p: String!, $w: String!) { login(phone: $p, password: $w) { accessToken errors { code message } } }"


async def test_a_county_binding_logs_the_mapped_account_in_and_unbinding_ends_it(
    client: httpx.AsyncClient,
    gql: GraphQLClient,
    oidc_provider: LocalProvider,
    world: World,
    session_factory: SessionFactory,
) -> None:
    oidc_provider.login_as("mapped")  # the platform gives no phone for this one
    assert (await platform_login(client, oidc_provider)).error == "IDENTITY_UNBOUND"
    bound = (await gql.execute(BIND, {"u": world.user_id("township"), "s": "mapped"}, as_user="county"))["data"][
        "bindExternalIdentity"
    ]
    assert bound["errors"] == [] and bound["identity"]["method"] == "COUNTY"
    landed = await platform_login(client, oidc_provider)
    payload = await complete(client, str(landed.ticket))
    assert await me(client, str(payload["accessToken"])) == {"id": world.user_id("township"), "role": "TOWNSHIP"}
    listed = (await gql.execute(LIST, as_user="county"))["data"]["externalIdentities"]
    assert listed["totalCount"] == 1 and listed["edges"][0]["node"]["user"]["id"] == world.user_id("township")
    assert (await gql.execute(LIST, as_user="county_b"))["data"]["externalIdentities"]["totalCount"] == 0
    again = (await gql.execute(BIND, {"u": world.user_id("village"), "s": "mapped"}, as_user="county"))["data"]
    assert [e["code"] for e in again["bindExternalIdentity"]["errors"]] == ["DUPLICATE"]
    identity_id = bound["identity"]["id"]
    other_county = (await gql.execute(UNBIND, {"id": identity_id}, as_user="county_b"))["data"]
    assert [e["code"] for e in other_county["unbindExternalIdentity"]["errors"]] == ["NOT_FOUND"]
    assert (await gql.execute(UNBIND, {"id": identity_id}, as_user="county"))["data"]["unbindExternalIdentity"]["ok"]
    assert (await platform_login(client, oidc_provider)).error == "IDENTITY_UNBOUND"
    async with session_factory() as session:
        actions = (
            await session.scalars(
                select(AuditEvent.action).where(AuditEvent.entity == "external_identity").order_by(AuditEvent.id)
            )
        ).all()
    assert actions == ["bind", "unbind"]


async def test_binding_is_for_the_county_and_its_own_accounts(gql: GraphQLClient, world: World) -> None:
    for role in ROLES:
        for own, user in ((True, "township"), (False, "member_vb")):
            body = await gql.execute(BIND, {"u": world.user_id(user), "s": f"s-{role}-{own}"}, as_user=role)
            errors = body["data"]["bindExternalIdentity"]["errors"]
            if role == "county":
                assert errors == [] if own else [e["code"] for e in errors] == ["NOT_FOUND"], (role, own, errors)
            else:
                assert [e["code"] for e in errors] == ["FORBIDDEN"], (role, own)
    for role in ROLES:
        listed = await gql.execute(LIST, as_user=role)
        if role == "county":
            assert listed["data"]["externalIdentities"]["totalCount"] == 1
        else:
            assert listed["errors"][0]["extensions"]["code"] == "FORBIDDEN"
    bound = await gql.execute(LIST.replace("subject method", "id subject method"), as_user="county")
    identity_id = bound["data"]["externalIdentities"]["edges"][0]["node"]["id"]
    for role in ("township", "village", "member", "county_b"):
        refused = (await gql.execute(UNBIND, {"id": identity_id}, as_user=role))["data"]["unbindExternalIdentity"]
        assert [e["code"] for e in refused["errors"]] == ["NOT_FOUND" if role == "county_b" else "FORBIDDEN"]


async def test_a_bad_subject_is_refused(gql: GraphQLClient, world: World) -> None:
    for subject in ("", "   ", "x" * 256, "中文标识"):
        body = await gql.execute(BIND, {"u": world.user_id("township"), "s": subject}, as_user="county")
        assert [(e["code"], e["field"]) for e in body["data"]["bindExternalIdentity"]["errors"]] == [
            ("INVALID_INPUT", "subject")
        ]


async def test_staff_password_login_turned_off(
    client: httpx.AsyncClient, gql: GraphQLClient, oidc_provider: LocalProvider, world: World
) -> None:
    for role in ("township", "village", "member"):
        refused = (await gql.execute(SET_PASSWORD, {"e": False}, as_user=role))["data"]["setStaffPasswordLogin"]
        assert [e["code"] for e in refused["errors"]] == ["FORBIDDEN"]
    turned = (await gql.execute(SET_PASSWORD, {"e": False}, as_user="county"))["data"]["setStaffPasswordLogin"]
    assert turned["settings"] == {"staffPasswordLogin": False, "providerEnabled": True}
    for user in ("county", "township"):
        body = await gql.execute(LOGIN, {"p": world.users[user].phone, "w": PASSWORD})
        assert [e["code"] for e in body["data"]["login"]["errors"]] == ["PASSWORD_LOGIN_DISABLED"], user
        assert "统一身份认证" in body["data"]["login"]["errors"][0]["message"]
    for user in ("village", "member", "county_b"):  # secretaries, members, and another county's staff
        assert (await gql.execute(LOGIN, {"p": world.users[user].phone, "w": PASSWORD}))["data"]["login"][
            "accessToken"
        ], user
    # the platform still logs the county in
    assert (await complete(client, str((await platform_login(client, oidc_provider)).ticket)))["accessToken"]
    read = await gql.execute("{ identitySettings { staffPasswordLogin } }", as_user="county")
    assert read["data"]["identitySettings"] == {"staffPasswordLogin": False}
    back = (await gql.execute(SET_PASSWORD, {"e": True}, as_user="county"))["data"]["setStaffPasswordLogin"]
    assert back["settings"]["staffPasswordLogin"] is True
    assert (await gql.execute(LOGIN, {"p": world.users["county"].phone, "w": PASSWORD}))["data"]["login"]["accessToken"]
    refused = await gql.execute("mutation { updateCountySettings(input: {}) { errors { code } } }", as_user="county")
    assert refused["data"]["updateCountySettings"]["errors"] == []  # the other rules' door is unchanged


async def test_password_login_cannot_be_turned_off_without_a_platform(
    settings: Settings, world: World, session_factory: SessionFactory
) -> None:
    without = settings.with_overrides(oidc_issuer="", oidc_client_id="", oidc_client_secret="")
    async with session_factory.begin() as session:
        with pytest.raises(InvalidState) as refused:
            await password_policy.set_staff_password_login(session, world.actor("county"), without, False)
    assert "未配置统一身份认证平台" in refused.value.message


async def test_a_ticket_expires_after_a_minute(
    settings: Settings, world: World, session_factory: SessionFactory
) -> None:
    issued_at = datetime.now(UTC)
    async with session_factory.begin() as session:
        user = await session.get(User, world.users["county"].id)
        assert user is not None
        ticket = await tickets.issue_ticket(session, user, issued_at)
    async with session_factory.begin() as session:
        with pytest.raises(TicketInvalid):
            await tickets.redeem_ticket(session, settings, ticket, issued_at + timedelta(seconds=61))
    async with session_factory.begin() as session:
        assert (await tickets.redeem_ticket(session, settings, ticket, issued_at + timedelta(seconds=59))).access_token
