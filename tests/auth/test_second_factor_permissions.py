"""The second-factor mutations that need a current code, by role: county and township accounts reach
the service (which then wants an enrolled authenticator), secretaries and members are refused, and
anonymous callers are asked to log in. Their success paths are in test_second_factor.py."""

from __future__ import annotations

import pytest

from tests.auth.matrix import CODE_FIELDS
from tests.conftest import GraphQLClient
from tests.permission_matrix import ROLES
from tests.world import World

DOCS = {
    "confirmTotpEnrolment": 'mutation { confirmTotpEnrolment(code: "123456") { recoveryCodes errors { code } } }',
    "disableTotp": 'mutation { disableTotp(code: "123456") { ok errors { code } } }',
    "regenerateRecoveryCodes": 'mutation { regenerateRecoveryCodes(code: "123456") { recoveryCodes errors { code } } }',
}


def test_every_code_field_has_a_document() -> None:
    assert set(DOCS) == CODE_FIELDS


@pytest.mark.parametrize("role", [*ROLES, None])
@pytest.mark.parametrize("field", sorted(CODE_FIELDS))
async def test_code_mutations_by_role(gql: GraphQLClient, world: World, field: str, role: str | None) -> None:
    body = await gql.execute(DOCS[field], as_user=role)
    codes = [e["code"] for e in body["data"][field]["errors"]]  # type: ignore[index]
    expected = {"county": "INVALID_STATE", "township": "INVALID_STATE", None: "UNAUTHENTICATED"}
    assert codes == [expected.get(role, "FORBIDDEN")]
