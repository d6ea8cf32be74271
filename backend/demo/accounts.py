"""Demo logins. DEMO ONLY: every account shares one well-known password, hashed once."""

from __future__ import annotations

from dataclasses import dataclass

from backend.org.models import Role

DEMO_PASSWORD = "Demo@2026"
COUNTY_ADMIN_PHONE = "13800000001"
TOWNSHIP_PHONE_BASE = 13800000010  # + 1…7, one per township in order
MEMBER_PHONE_BASE = 13820000000  # + 1…
# (village index in the demo's village order, member numbers there)
MEMBER_PLACEMENT: tuple[tuple[int, tuple[int, ...]], ...] = ((0, (1, 2, 3)), (1, (4, 5)))
MEMBER_COUNT = sum(len(numbers) for _, numbers in MEMBER_PLACEMENT)


@dataclass(frozen=True, slots=True)
class DemoAccount:
    phone: str
    name: str
    role: Role
    org_unit_id: int


def township_phone(number: int) -> str:
    """Login of the n-th township (1-based, in the demo's township order)."""
    return str(TOWNSHIP_PHONE_BASE + number)


def member_phone(number: int) -> str:
    return str(MEMBER_PHONE_BASE + number)


def staff_accounts(county_id: int, townships: list[tuple[int, str]]) -> list[DemoAccount]:
    """The county administrator and one administrator per township [(id, name), …]."""
    accounts = [DemoAccount(COUNTY_ADMIN_PHONE, "县委组织部管理员", Role.COUNTY, county_id)]
    for number, (township_id, name) in enumerate(townships, start=1):
        accounts.append(DemoAccount(township_phone(number), f"{name}组织委员", Role.TOWNSHIP, township_id))
    return accounts


def member_accounts(village_ids: list[int], names: list[str]) -> list[DemoAccount]:
    """Party members / villagers in the first villages (see MEMBER_PLACEMENT)."""
    placed = [(number, village_ids[index]) for index, numbers in MEMBER_PLACEMENT for number in numbers]
    return [
        DemoAccount(member_phone(number), names[number - 1], Role.MEMBER, village_id) for number, village_id in placed
    ]
