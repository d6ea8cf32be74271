"""The door to a problem of the ledger (see backend/org/access.py for what a door is)."""

from __future__ import annotations

from typing import Literal

from sqlalchemy import ColumnElement, false, select
from sqlalchemy.ext.asyncio import AsyncSession

from backend.auth.actor import Actor
from backend.core.sync import client_id
from backend.org.access import one_in_scope, require_actor, require_role, scope_by_jurisdiction
from backend.org.models import Role
from backend.problems.models import Problem

ProblemAccess = Literal["read", "handle"]


def scope_problems(actor: Actor) -> ColumnElement[bool]:
    """Staff: the problems of their jurisdiction (a secretary, their own village). A villager:
    only what they reported themselves."""
    match actor.role:
        case Role.COUNTY | Role.TOWNSHIP | Role.VILLAGE:
            return scope_by_jurisdiction(actor, Problem.village_id, Problem.township_id, Problem.county_id)
        case Role.MEMBER:
            return Problem.reporter_user_id == actor.user_id
    return false()


async def access_problem(
    session: AsyncSession,
    actor: Actor | None,
    problem_id: str,
    *,
    to: ProblemAccess = "read",
    for_update: bool = False,
) -> Problem:
    """`to="read"`: see it (staff in jurisdiction, or its reporter). `"handle"`: move it along —
    the secretary of its village only."""
    actor = require_role(actor, Role.VILLAGE) if to == "handle" else require_actor(actor)
    stmt = select(Problem).where(Problem.id == client_id(problem_id), scope_problems(actor))
    return await one_in_scope(session, stmt, "问题不存在", for_update=for_update)
