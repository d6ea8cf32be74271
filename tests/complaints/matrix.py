"""Complaints and suggestions in the permission matrix: the county reads and answers them all;
whoever sent one with their account reads their own; nobody else reads any.

The "other" place of an operation addressed by a complaint is a complaint another county received
(for the county) or another person sent (for everyone else): see tests/world.py COMPLAINT_IDS."""

from __future__ import annotations

from tests.permission_matrix import OWN_VILLAGE, ROLES, Operation
from tests.world import World

_OTHER = {"county": "county_b", "township": "member", "village": "member", "member": "member_v12"}


def _complaint(world: World, role: str, own: bool) -> str:
    """own: one the role may read — the county's (sent by its member about T1), or the role's own;
    other: one of another county (the county) or another person's (everyone else)."""
    if role == "county":
        return world.complaints["member" if own else "member_vb"]
    return world.complaints[role if own else _OTHER[role]]


def complaint_ops() -> list[Operation]:
    everyone = frozenset(ROLES)
    county = frozenset({"county"})
    return [
        Operation("complaints", "{ complaints { totalCount } }", lambda w, r, p: {}, county, scoped=False),
        Operation("myComplaints", "{ myComplaints { totalCount } }", lambda w, r, p: {}, everyone, scoped=False),
        Operation(
            "sendComplaint",
            'mutation { sendComplaint(input: {kind: COMPLAINT, topic: FORCED_CHECK_IN, text: "要求每天打卡"}) '
            "{ complaint { trackingNumber } errors { code } } }",
            lambda w, r, p: {},
            everyone,
            scoped=False,
        ),
        Operation(
            "answerComplaint",
            'mutation($id: ID!) { answerComplaint(input: {id: $id, reply: "已核实，已要求整改"}) '
            "{ complaint { state } errors { code } } }",
            lambda w, r, p: {"id": _complaint(w, r, p.village == OWN_VILLAGE[r])},
            county,
        ),
    ]
