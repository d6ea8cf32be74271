"""谈心谈话 (`talk`) filings: a new filing kind for the two-way-talks items, stored on both
databases (the CHECK constraint admits it) and checked like every other body."""

from __future__ import annotations

import uuid
from typing import Any

import pytest

from tests.conftest import GraphQLClient
from tests.world import World

SUBMIT = """mutation($input: FilingInput!) { submitFiling(input: $input) {
  filing { id kind status body } errors { code field message } } }"""


def talk(body: dict[str, Any]) -> dict[str, Any]:
    return {
        "id": str(uuid.uuid4()),
        "kind": "TALK",
        "occurredOn": "2026-11-20",
        "recordedAt": "2026-11-20T10:00:00+08:00",
        "title": "与村委委员谈心",
        "body": body,
    }


async def test_a_talk_is_filed(gql: GraphQLClient, world: World) -> None:
    body = {"person": "李四", "category": "cadre", "topic": "换届后的分工", "requestedByPerson": True, "extra": "x"}
    result = (await gql.execute(SUBMIT, {"input": talk(body)}, as_user="village"))["data"]["submitFiling"]
    assert result["errors"] == []
    assert result["filing"]["kind"] == "TALK" and result["filing"]["status"] == "SUBMITTED"
    assert result["filing"]["body"] == {
        "person": "李四",
        "category": "cadre",
        "topic": "换届后的分工",
        "requestedByPerson": True,
    }
    optional = {"person": "王五", "category": "villager", "topic": "宅基地"}
    again = (await gql.execute(SUBMIT, {"input": talk(optional)}, as_user="village"))["data"]["submitFiling"]
    assert again["errors"] == [] and "requestedByPerson" not in again["filing"]["body"]


@pytest.mark.parametrize(
    ("body", "field", "message"),
    [
        ({"category": "cadre", "topic": "分工"}, "person", "请填写谈话对象"),
        ({"person": "李四", "category": "boss", "topic": "分工"}, "category", "对象类别须为以下之一：村干部（cadre）"),
        ({"person": "李四", "topic": "分工"}, "category", "请填写对象类别"),
        ({"person": "李四", "category": "member", "topic": ""}, "topic", "请填写谈话主题"),
        (
            {"person": "李四", "category": "member", "topic": "x", "requestedByPerson": "yes"},
            "requestedByPerson",
            "须为是或否",
        ),
    ],
)
async def test_a_talk_body_is_checked(
    gql: GraphQLClient, world: World, body: dict[str, Any], field: str, message: str
) -> None:
    result = (await gql.execute(SUBMIT, {"input": talk(body)}, as_user="village"))["data"]["submitFiling"]
    assert result["errors"][0]["code"] == "INVALID_INPUT" and result["errors"][0]["field"] == field
    assert message in result["errors"][0]["message"]
