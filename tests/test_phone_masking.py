"""Phone numbers in full only for the roles that dial them (docs/SECURITY.md, "Phone numbers")."""

from __future__ import annotations

from types import SimpleNamespace
from typing import Any, cast

from backend.core.privacy import mask_phone
from backend.org.api.types import User
from backend.org.models import User as UserModel
from tests.conftest import GraphQLClient
from tests.world import World

USERS = "query { users(first: 100) { edges { node { id phone } } } }"
ME = "query { me { id phone } }"
SECRETARIES = "query { secretaries(first: 100) { edges { node { name phone } } } }"


def test_mask_phone_keeps_the_first_three_and_last_four_digits() -> None:
    assert mask_phone("13812345678") == "138****5678"
    assert mask_phone("02787654321") == "027****4321"
    assert mask_phone("0532-8888888") == "053*****8888"
    assert mask_phone("123456") == "******"


async def test_account_administrators_see_login_phones_in_full(gql: GraphQLClient, world: World) -> None:
    for admin in ("county", "township"):
        body = await gql.execute(USERS, as_user=admin)
        nodes = [edge["node"] for edge in body["data"]["users"]["edges"]]
        assert nodes and all("*" not in node["phone"] and len(node["phone"]) == 11 for node in nodes)
        assert world.users["member"].phone in {node["phone"] for node in nodes}


async def test_every_account_sees_its_own_phone_in_full(gql: GraphQLClient, world: World) -> None:
    for key in ("member", "village", "township", "county"):
        body = await gql.execute(ME, as_user=key)
        assert body["data"]["me"]["phone"] == world.users[key].phone


def test_anyone_else_reading_an_account_sees_it_masked(world: World) -> None:
    model = cast(UserModel, world.users["village"])
    user = User.from_model(model)
    for reader in ("member", "village_v12", None):
        actor = world.actor(reader) if reader else None
        info = cast(Any, SimpleNamespace(context=SimpleNamespace(actor=actor)))
        assert user.phone(info) == mask_phone(model.phone)
    own = cast(Any, SimpleNamespace(context=SimpleNamespace(actor=world.actor("village"))))
    assert user.phone(own) == model.phone


async def test_secretaries_phones_are_public_and_shown_in_full(gql: GraphQLClient, world: World) -> None:
    body = await gql.execute(SECRETARIES, as_user="township")
    nodes = [edge["node"] for edge in body["data"]["secretaries"]["edges"]]
    assert nodes and all("*" not in node["phone"] for node in nodes)
