"""User: an account."""

from __future__ import annotations

import strawberry

from backend.graphql.types.enums import Role
from backend.graphql.types.org import OrgUnit
from backend.models import User as UserModel


@strawberry.type(name="User")
class User:
    id: strawberry.ID
    name: str
    phone: str
    role: Role
    active: bool
    _org_unit_id: strawberry.Private[int]

    @classmethod
    def from_model(cls, user: UserModel) -> User:
        return cls(
            id=strawberry.ID(str(user.id)),
            name=user.name,
            phone=user.phone,
            role=user.role,
            active=user.active,
            _org_unit_id=user.org_unit_id,
        )

    @strawberry.field
    async def org_unit(self, info: strawberry.Info) -> OrgUnit:
        unit = await info.context.loaders.org_unit.load(self._org_unit_id)
        return OrgUnit.from_model(unit)
