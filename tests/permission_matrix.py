"""The permission matrix's vocabulary: roles, own/other places and operations.

Each domain adds its operations in its own module (tests/<domain>/matrix.py) and
tests/test_permissions.py gathers them, so that one list covers every query and mutation.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from tests.world import World

ROLES = ("county", "township", "village", "member")
OWN_VILLAGE = {"county": "V11", "township": "V11", "village": "V11", "member": "V11"}
OTHER_VILLAGE = {"county": "VB", "township": "V21", "village": "V12", "member": "V12"}
OWN_TOWNSHIP = {"county": "T1", "township": "T1", "village": "T1", "member": "T1"}
OTHER_TOWNSHIP = {"county": "TB", "township": "T2", "village": "T2", "member": "T2"}
# A member account to manage, living in the role's own / other village.
OWN_MEMBER = {r: "member" for r in ROLES}
OTHER_MEMBER = {"county": "member_vb", "township": "member_v21", "village": "member_v12", "member": "member_v12"}


@dataclass(frozen=True)
class Place:
    village: str
    township: str
    member: str


def place(role: str, own: bool) -> Place:
    if own:
        return Place(OWN_VILLAGE[role], OWN_TOWNSHIP[role], OWN_MEMBER[role])
    return Place(OTHER_VILLAGE[role], OTHER_TOWNSHIP[role], OTHER_MEMBER[role])


@dataclass(frozen=True)
class Operation:
    field: str
    document: str
    variables: Callable[[World, str, Place], dict[str, object]]
    allowed_own: frozenset[str]
    scoped: bool = True  # False: the operation names no place, so "other" is not applicable

    def expected(self, role: str, own: bool) -> bool:
        return role in self.allowed_own and (own or not self.scoped)
