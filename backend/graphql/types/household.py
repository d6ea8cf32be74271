"""Household: a row of a village roster."""

from __future__ import annotations

import strawberry

from backend.models import Household as HouseholdModel


@strawberry.type(name="Household")
class Household:
    id: strawberry.ID
    code: str
    head_name: str
    member_count: int
    address: str
    is_hardship: bool

    @classmethod
    def from_model(cls, household: HouseholdModel) -> Household:
        return cls(
            id=strawberry.ID(str(household.id)),
            code=household.code,
            head_name=household.head_name,
            member_count=household.member_count,
            address=household.address,
            is_hardship=household.is_hardship,
        )
