"""The acting user and their place in the county → township → village tree."""

from __future__ import annotations

from dataclasses import dataclass

from backend.org.models import Role


@dataclass(frozen=True, slots=True)
class Actor:
    """Who is calling, decoded from the access token; jurisdiction checks need nothing else.

    `county_id` is set for every role; `township_id` for township, village and member users;
    `village_id` for village and member users.
    """

    user_id: int
    role: Role
    org_unit_id: int
    county_id: int
    township_id: int | None = None
    village_id: int | None = None
