"""The password rules wherever a password is set, and changing one's own password."""

from __future__ import annotations

import pytest

from backend.core.errors import InvalidInput
from backend.core.password_rules import common_passwords
from backend.core.validation import check_password
from tests.auth.helpers import CHANGE, LOGIN, REFRESH, data
from tests.conftest import GraphQLClient
from tests.world import PASSWORD, World

PHONE = "13912345678"


@pytest.mark.parametrize(
    ("password", "rule"),
    [
        ("Ab1!xyz", "长度"),  # 7 characters
        ("x" * 129 + "A1", "长度"),
        ("abcdefghij", "至少两类"),  # one class
        ("1234567890", "至少两类"),
        ("woaini1314", "常见"),
        ("A123456789", "常见"),  # compared without case
        ("qq123456", "常见"),
        ("Password1", "常见"),
        ("Zx" + PHONE, "手机号"),
        (PHONE + "ab", "手机号"),
    ],
)
def test_a_password_breaking_a_rule_is_refused_naming_the_rule(password: str, rule: str) -> None:
    with pytest.raises(InvalidInput, match=rule) as refused:
        check_password(password, "newPassword", phone=PHONE)
    assert refused.value.field == "newPassword" and refused.value.code == "INVALID_INPUT"


@pytest.mark.parametrize("password", ["Lanzhou-2026", "cun8gan4bu", "UPPER lower", "绿水青山2026"])
def test_good_passwords_pass(password: str) -> None:
    assert check_password(password, phone=PHONE) == password


def test_the_common_list_holds_the_well_known_and_the_chinese_patterns() -> None:
    common = common_passwords()
    assert len(common) > 2000
    assert {"12345678", "a123456789", "woaini1314", "qq123456", "88888888", "1qaz2wsx", "password"} <= common
    assert all(len(p) >= 8 and p == p.lower() for p in common)


async def test_creating_an_account_refuses_a_password_with_its_phone(gql: GraphQLClient, world: World) -> None:
    doc = """mutation($o: ID!) { createUser(input: {phone: "13600000003", name: "村民乙", password: "x13600000003",
             role: MEMBER, orgUnitId: $o}) { errors { code field message } } }"""
    body = await gql.execute(doc, {"o": world.unit_id("V11")}, as_user="township")
    assert body["data"]["createUser"]["errors"] == [  # type: ignore[index]
        {"code": "INVALID_INPUT", "field": "password", "message": "密码不能包含本人手机号"}
    ]


async def test_changing_ones_password_ends_the_other_sessions(gql: GraphQLClient, world: World) -> None:
    phone = world.users["township"].phone
    other_device = await data(gql, LOGIN, {"p": phone, "w": PASSWORD})
    weak = await data(gql, CHANGE, {"c": PASSWORD, "n": "12345678"}, as_user="township")
    assert [(e["code"], e["field"]) for e in weak["errors"]] == [("INVALID_INPUT", "newPassword")]
    wrong = await data(gql, CHANGE, {"c": "Not-the-pass-1", "n": "Lanzhou-2026"}, as_user="township")
    assert [(e["code"], e["field"]) for e in wrong["errors"]] == [("INVALID_INPUT", "currentPassword")]

    changed = await data(gql, CHANGE, {"c": PASSWORD, "n": "Lanzhou-2026"}, as_user="township")
    assert changed["errors"] == [] and changed["accessToken"] and changed["refreshToken"]
    ended = await data(gql, REFRESH, {"t": other_device["refreshToken"]})
    assert [e["code"] for e in ended["errors"]] == ["TOKEN_INVALID"]
    assert (await data(gql, REFRESH, {"t": changed["refreshToken"]}))["accessToken"]
    assert (await data(gql, LOGIN, {"p": phone, "w": "Lanzhou-2026"}))["accessToken"]
    assert [e["code"] for e in (await data(gql, LOGIN, {"p": phone, "w": PASSWORD}))["errors"]] == [
        "INVALID_CREDENTIALS"
    ]


async def test_a_wrong_current_password_counts_toward_the_lockout(gql: GraphQLClient, world: World) -> None:
    for _ in range(4):
        wrong = await data(gql, CHANGE, {"c": "Not-the-pass-1", "n": "Lanzhou-2026"}, as_user="county")
        assert wrong["errors"][0]["field"] == "currentPassword"
    locked = await data(gql, CHANGE, {"c": "Not-the-pass-1", "n": "Lanzhou-2026"}, as_user="county")
    assert [e["code"] for e in locked["errors"]] == ["LOCKED"]
    again = await data(gql, CHANGE, {"c": PASSWORD, "n": "Lanzhou-2026"}, as_user="county")
    assert [e["code"] for e in again["errors"]] == ["LOCKED"]
