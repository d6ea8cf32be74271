"""One door per row (docs/SECURITY.md, "Authorization: the doors").

Every table whose rows belong to a place in the county → township → village tree or to a person
has exactly one `access_<model>` door, in its domain's `access.py`; and no code outside those
modules loads such a row by an id it was given. The second rule is read from the source (an AST
scan of backend/), so a new service that reads `session.get(Problem, problem_id)` — or selects
`Problem.id == problem_id` — fails here before it can leak a neighbour's row.

What counts as a by-id load: `session.get(Model, key)`, or a `select`/`update`/`delete` whose WHERE
pins every column of one of the model's keys (its primary key or a unique constraint, read from
the table) with `==` or `.in_()` against values rather than columns. Such a load is fine when
  * a pinned value is already in hand: the caller's own token claims (`actor.county_id`…) or a
    column of a row the function already holds (a parameter typed as a model, or a name bound
    from an awaited read, such as `poll.secretary_id` after the poll's door) — a key taken from
    an authorized row is not an id the caller chose;
  * the same statement is anchored to a row in hand (`PollVoter.poll_id == poll.id` next to
    `PollVoter.id.in_(ids)`: roster rows of an authorized poll);
  * the statement applies a `scope_*` filter (lists, and batch reads by ids, scoped like a door);
  * or the function is in ALLOWLIST below, each with its reason.
What it cannot see: SQL written as text (`text("… WHERE id = :poll_id")`): keep such statements
behind a door too (the casting and ranking SQL are).
"""

from __future__ import annotations

import ast
import inspect
import uuid
from collections.abc import Awaitable, Callable, Iterator
from dataclasses import dataclass
from datetime import UTC, date, datetime
from pathlib import Path

import pytest
from cryptography.hazmat.primitives.asymmetric import rsa
from sqlalchemy import select

import backend
from backend.assessment.disqualifications import record_disqualification
from backend.assessment.models import DisqualificationKind
from backend.attendance.checkins import NewCheckIn, check_in
from backend.attendance.declarations import declare_day
from backend.attendance.models import DeclarationReason, RollCall, RollCallReason
from backend.auth.actor import Actor
from backend.core.db import SessionFactory
from backend.core.errors import NotFound
from backend.core.orm import Base
from backend.core.settings import Settings
from backend.identity.models import BindMethod, ExternalIdentity
from backend.media.models import Media
from backend.org.models import Household, Role
from backend.polls.lifecycle import create_poll
from backend.polls.models import VoterCategory
from backend.polls.roster import VoterInput, import_roster
from backend.ranking.publish import publish_ranking
from backend.tables import metadata
from tests.world import FILING_IDS, PROBLEM_IDS, World

BACKEND = Path(backend.__file__).parent
ROOT = BACKEND.parent

# Each jurisdictional model → its one door (function, module).
DOORS: dict[str, tuple[str, str]] = {
    "OrgUnit": ("access_org_unit", "backend/org/access.py"),
    "User": ("access_user", "backend/org/access.py"),
    "SecretaryProfile": ("access_secretary", "backend/org/access.py"),
    "Household": ("access_household", "backend/org/access.py"),
    "Filing": ("access_filing", "backend/filings/access.py"),
    "Problem": ("access_problem", "backend/problems/access.py"),
    "CheckIn": ("access_checkin", "backend/attendance/access.py"),
    "RollCall": ("access_roll_call", "backend/attendance/access.py"),
    "DayDeclaration": ("access_day_declaration", "backend/attendance/access.py"),
    "ServiceCard": ("access_service_card", "backend/service_card/access.py"),
    "Poll": ("access_poll", "backend/polls/access.py"),
    "PollVoter": ("access_poll_voter", "backend/polls/access.py"),
    "Assessment": ("access_assessment", "backend/assessment/access.py"),
    "OrgClassRecord": ("access_org_class_record", "backend/assessment/access.py"),
    "Disqualification": ("access_disqualification", "backend/assessment/access.py"),
    "RankingSnapshot": ("access_ranking_snapshot", "backend/ranking/access.py"),
    "Media": ("access_media", "backend/media/access.py"),
    "Complaint": ("access_complaint", "backend/complaints/access.py"),
    "ExternalIdentity": ("access_external_identity", "backend/identity/access.py"),
}
# Rows that are part of a parent row and reached only through the parent's door.
CHILDREN = {
    "ProblemNote": "Problem",
    "ProblemPhoto": "Problem",
    "FilingPhoto": "Filing",
    "RollCallTarget": "RollCall",
    "MonthConfirmation": "SecretaryProfile",  # keyed by (secretary, month), read after access_secretary
    # a term's moves onto another checklist version: read for secretaries already in hand (progress)
    "DutyChecklistMove": "SecretaryProfile",
    "AssessmentItemScore": "Assessment",
    "RankingSnapshotRow": "RankingSnapshot",
    "PaperCode": "Poll",
    "StagedBallot": "Poll",
    "Ballot": "Poll",
    "BoardEntry": "Poll",
}
# Tables that are nobody's row to ask for by id.
NOT_JURISDICTIONAL = {
    "AuditEvent": "the audit trail: read as the history of a row behind that row's door, or whole by verify-audit",
    "AuditAnchor": "where a pruned security chain starts: read by verify-audit and the retention prune only",
    "CountySettings": "the caller's own county's rules (actor.county_id), never by a given id",
    "PhotoRequirement": "the caller's own county's photo requirements (actor.county_id or the filing secretary's county), by kind",
    "RubricVersion": "the caller's own county's rubric versions, by period",
    "DutyChecklistVersion": "a county's checklist versions: the caller's own county's, or those of secretaries in hand",
    "RefreshToken": "found by the hash of the token presented",
    "LoginFailure": "the login lockout's counter, by phone",
    "OidcLoginAttempt": "a login on its way to the identity platform, found by the hash of its state",
    "LoginTicket": "found by the hash of the ticket presented",
    "SecondFactor": "the caller's own authenticator (actor.user_id or a login challenge's user), never by a given id",
    "RecoveryCode": "the caller's own recovery codes, compared by keyed hash",
    "LoginChallenge": "found by the hash of the challenge presented",
    "PartialUpload": "the caller's own upload under way, keyed by (actor.user_id, the sha256 of its bytes)",
    "PartialUploadPart": "bytes of the caller's own upload under way, keyed like it",
}
JURISDICTIONAL = set(DOORS) | set(CHILDREN)

# Functions that load a jurisdictional row by an id without a door, and why that is right.
#
# The phone makes a new row's id (a UUID): a resend looks the id up to tell a safe retry from a
# CONFLICT. Another's row is never returned — its content differs (the owner is part of the
# content hash, or compared first), so the answer is CONFLICT; and the ids are unguessable.
RETRY = "idempotent create: the phone's own UUID, to tell a retry from a conflict"
# Photos are named by the SHA-256 of their bytes: whoever names one holds (or held) the bytes.
CONTENT = "a photo named by the hash of its bytes"
# DataLoaders: the ids are foreign keys of rows the request already passed a door for (a
# filing's secretary and household, a unit's parent, a score's evidence); the GraphQL types decide
# what of them to show (OrgUnit.parent hides a parent outside the jurisdiction).
LOADER = "DataLoader over foreign keys of rows already authorized"
# Public by design, no login: the printed service card, and anonymous casting (a ballot needs a
# credential or a paper code; the poll's key and phase are public).
PUBLIC = "public by design, no login"
# A confirmed month is keyed by (secretary, month): read for a secretary that already passed its
# door (access_secretary) or is the caller's own record (require_secretary_with_village).
CONFIRMED_MONTH = "keyed by a secretary already behind its door, or the caller's own"
ALLOWLIST: dict[tuple[str, str, str], str] = {
    ("backend/attendance/confirmations.py", "correct_month", "MonthConfirmation"): CONFIRMED_MONTH,
    ("backend/attendance/declarations.py", "_confirmed", "MonthConfirmation"): CONFIRMED_MONTH,
    ("backend/attendance/checkins.py", "check_in", "CheckIn"): RETRY,
    ("backend/attendance/roll_calls.py", "start_roll_call", "RollCall"): RETRY,
    ("backend/problems/ledger.py", "_create", "Problem"): RETRY,
    ("backend/problems/public_reports.py", "report_public_problem", "Problem"): RETRY,
    ("backend/filings/submit.py", "submit_filing", "Filing"): RETRY,
    ("backend/media/service.py", "_store", "Media"): CONTENT,
    ("backend/media/routes.py", "_stored_concurrently", "Media"): CONTENT,
    ("backend/media/resumable.py", "_complete", "Media"): CONTENT,
    ("backend/filings/submit.py", "_check_photos", "Media"): CONTENT,
    ("backend/service_card/http.py", "load_photo", "Media"): PUBLIC,  # the photo printed on a public card
    ("backend/graphql/loaders.py", "_org_units", "OrgUnit"): LOADER,
    ("backend/filings/batches.py", "households_by_id", "Household"): LOADER,
    ("backend/filings/batches.py", "secretaries_by_id", "SecretaryProfile"): LOADER,
    ("backend/assessment/evidence.py", "filings_by_id", "Filing"): LOADER,
    ("backend/service_card/service.py", "public_card", "ServiceCard"): PUBLIC,  # GET /cards/{id}.pdf
    # the photo of the card of a public village page's current secretary (the card is public)
    ("backend/service_card/public_page.py", "public_village_page", "ServiceCard"): PUBLIC,
    ("backend/polls/casting.py", "_public_key", "Poll"): PUBLIC,
    ("backend/polls/casting.py", "_refusal", "Poll"): PUBLIC,  # the phase, to word a refusal
    ("backend/polls/casting.py", "cast_paper_ballot", "PaperCode"): PUBLIC,  # the code is the credential
    # Maintenance with no caller: after a close, the scrub step stamps the polls it rewrote.
    ("backend/polls/scrub.py", "_stamp", "Poll"): "maintenance, no caller",
    # Maintenance with no caller: photos uploaded without an account that no report attached.
    ("backend/media/prune.py", "prune_unattached_public_photos", "Media"): "maintenance, no caller",
    # Logging in: the account is found by the phone typed, then the password decides.
    ("backend/auth/sessions.py", "login", "User"): "login by phone, before there is an actor",
    # Logging in through the identity platform: the account is found by the verified ID token's
    # subject (its binding) or the platform-verified phone, before there is an actor.
    ("backend/identity/binding.py", "bound_user", "ExternalIdentity"): "login by the ID token's verified subject",
    ("backend/identity/binding.py", "bind_by_phone", "User"): "login by the platform-verified phone",
    ("backend/identity/binding.py", "bind_by_phone", "OrgUnit"): "the county of the account just found, for its audit",
    # A subject binds to one account in all counties: a new binding learns only "already taken".
    ("backend/identity/mappings.py", "bind", "ExternalIdentity"): "uniqueness of a new binding's subject",
    # The security log: the county of the account a login event concerns, found before there is an actor.
    ("backend/audit/security_log.py", "_county_of", "OrgUnit"): "the account's own unit, to file its login event",
    ("backend/audit/security_log.py", "locked_out", "User"): "login by phone, before there is an actor",
    ("backend/audit/security_log.py", "_for_user", "User"): "the owner of a refresh token already presented",
    # The names on a page of the caller's own county's security log (events already scoped to it).
    ("backend/audit/security_events.py", "_views", "User"): LOADER,
    (
        "backend/audit/sheet.py",
        "security_events_xlsx",
        "OrgUnit",
    ): "the caller's own county (actor.county_id), its name",
}
# Whole trees with no caller to authorize: demo data and the operator's command line.
NOT_SCANNED = ("backend/demo/", "backend/cli.py")


def _rel(path: Path) -> str:
    return path.relative_to(ROOT).as_posix()


def _is_door_module(rel: str) -> bool:
    return rel.endswith("/access.py")


def _keys() -> dict[str, list[tuple[str, ...]]]:
    """Each mapped class → its keys (primary key, unique constraints) as attribute names."""
    keys: dict[str, list[tuple[str, ...]]] = {}
    for mapper in Base.registry.mappers:
        table = mapper.local_table
        by_column = {prop.columns[0].name: prop.key for prop in mapper.column_attrs}
        found = [tuple(by_column[c.name] for c in table.primary_key.columns)]
        for constraint in table.constraints:
            if type(constraint).__name__ == "UniqueConstraint":
                found.append(tuple(by_column[c.name] for c in constraint.columns))  # type: ignore[attr-defined]
        keys[mapper.class_.__name__] = found
    return keys


@dataclass(frozen=True)
class Load:
    path: str
    function: str
    model: str
    line: int

    @property
    def key(self) -> tuple[str, str, str]:
        return (self.path, self.function, self.model)


_BUILTIN_CALLS = {"list", "set", "sorted", "tuple", "frozenset", "str", "int"}
_WHERE = {"where", "filter", "having"}
_ROOTS = {"select", "update", "delete", "exists"}


class _Function:
    """What one function holds in hand, and its statement-building assignments."""

    def __init__(self, node: ast.FunctionDef | ast.AsyncFunctionDef, models: set[str], aliases: dict[str, str]):
        self.node = node
        self.models = models
        self.aliases = dict(aliases)
        self.assigned: dict[str, list[ast.expr]] = {}
        self.in_hand: set[str] = set()
        args = node.args
        for arg in [*args.posonlyargs, *args.args, *args.kwonlyargs]:
            note = ast.unparse(arg.annotation) if arg.annotation is not None else ""
            if arg.arg == "actor" or "Actor" in note or "Subject" in note or any(m in note for m in models):
                self.in_hand.add(arg.arg)
        for child in ast.walk(node):
            if isinstance(child, ast.Assign):
                for target in child.targets:
                    self._bind(target, child.value)
            elif isinstance(child, ast.AnnAssign) and child.value is not None:
                self._bind(child.target, child.value)
            elif isinstance(child, ast.For | ast.AsyncFor | ast.comprehension):
                self._bind(child.target, child.iter)
        changed = True
        while changed:
            changed = False
            for name, values in self.assigned.items():
                if name not in self.in_hand and any(self.holds(v) for v in values):
                    self.in_hand.add(name)
                    changed = True

    def _bind(self, target: ast.expr, value: ast.expr) -> None:
        if isinstance(value, ast.Call) and isinstance(value.func, ast.Name) and value.func.id == "aliased":
            if isinstance(target, ast.Name) and value.args and isinstance(value.args[0], ast.Name):
                self.aliases[target.id] = value.args[0].id
        for name in ast.walk(target):
            if isinstance(name, ast.Name):
                self.assigned.setdefault(name.id, []).append(value)

    def holds(self, expr: ast.expr) -> bool:
        """True when the value comes from what the function already holds, not from the caller."""
        match expr:
            case ast.Await():
                return True
            case ast.Constant():
                return True
            case ast.Name(id=name):
                return name in self.in_hand
            case ast.Attribute(value=value) | ast.Subscript(value=value) | ast.Starred(value=value):
                return self.holds(value)
            case ast.ListComp() | ast.SetComp() | ast.GeneratorExp():
                return all(self.holds(g.iter) for g in expr.generators)
            case ast.Tuple(elts=elts) | ast.List(elts=elts) | ast.Set(elts=elts):
                return all(self.holds(e) for e in elts)
            case ast.IfExp(body=body, orelse=orelse):
                return self.holds(body) and self.holds(orelse)
            case ast.Call(func=ast.Name(id=fn), args=args) if fn in _BUILTIN_CALLS:
                return all(self.holds(a) for a in args)
        return False

    def column(self, expr: ast.expr) -> tuple[str, str] | None:
        """(model, attribute) when `expr` is a mapped column such as `Poll.id` or `village.id`."""
        if isinstance(expr, ast.Attribute) and isinstance(expr.value, ast.Name):
            owner = expr.value.id
            model = owner if owner in self.models else self.aliases.get(owner)
            if model is not None:
                return model, expr.attr
        return None

    def is_value(self, expr: ast.expr) -> bool:
        """A value compared with a column (rather than another column or a subquery)."""
        if self.column(expr) is not None or _builds_a_statement(expr):
            return False
        if isinstance(expr, ast.Name) and any(_builds_a_statement(v) for v in self.assigned.get(expr.id, [])):
            return False  # latest = select(…).scalar_subquery(); … Model.id.in_(latest)
        return True


def _builds_a_statement(expr: ast.expr) -> bool:
    return any(isinstance(n, ast.Call) and _name(n.func) in _ROOTS for n in ast.walk(expr))


def _name(func: ast.expr) -> str:
    if isinstance(func, ast.Name):
        return func.id
    if isinstance(func, ast.Attribute):
        return func.attr
    return ""


def _pins(fn: _Function, expr: ast.expr) -> Iterator[tuple[str, str, ast.expr]]:
    """(model, attribute, value) for every `Model.col == value` / `Model.col.in_(value)` in `expr`."""
    for node in ast.walk(expr):
        if isinstance(node, ast.Compare) and len(node.ops) == 1 and isinstance(node.ops[0], ast.Eq):
            left, right = node.left, node.comparators[0]
            for col, value in ((left, right), (right, left)):
                found = fn.column(col)
                if found and fn.is_value(value):
                    yield found[0], found[1], value
        elif isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and node.func.attr == "in_":
            found = fn.column(node.func.value)
            if found and node.args and fn.is_value(node.args[0]):
                yield found[0], found[1], node.args[0]


def _chain(call: ast.Call) -> list[ast.Call]:
    """The calls of a statement chain below `call`: select(...).where(...).with_for_update()."""
    calls = [call]
    node: ast.expr = call.func
    while isinstance(node, ast.Attribute) and isinstance(node.value, ast.Call):
        calls.append(node.value)
        node = node.value.func
    return calls


def _root_name(call: ast.Call) -> str | None:
    node: ast.expr = call
    while isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute):
        node = node.func.value
    return node.id if isinstance(node, ast.Name) else None


def _scoped(fn: _Function, exprs: list[ast.expr], seen: set[str] | None = None) -> bool:
    seen = seen or set()
    for expr in exprs:
        for node in ast.walk(expr):
            if isinstance(node, ast.Call) and _name(node.func).startswith("scope_"):
                return True
            if isinstance(node, ast.Name) and node.id in fn.assigned and node.id not in seen:
                seen.add(node.id)
                if _scoped(fn, fn.assigned[node.id], seen):
                    return True
    return False


def _statement_loads(
    fn: _Function, keys: dict[str, list[tuple[str, ...]]], path: str, parents: dict[ast.AST, ast.AST]
) -> Iterator[Load]:
    """Each statement chain with a WHERE, judged once, from its outermost call."""
    for node in ast.walk(fn.node):
        if not isinstance(node, ast.Call):
            continue
        parent = parents.get(node)
        if isinstance(parent, ast.Attribute) and isinstance(parents.get(parent), ast.Call):
            continue  # an outer call continues this chain: judged there
        chain = _chain(node)
        if not any(_name(c.func) in _WHERE for c in chain):
            continue
        where_args = [a for c in chain if _name(c.func) in _WHERE for a in [*c.args, *(k.value for k in c.keywords)]]
        pins: dict[str, dict[str, list[ast.expr]]] = {}
        for model, attr, value in _pins(fn, ast.Module(body=[ast.Expr(a) for a in where_args], type_ignores=[])):
            pins.setdefault(model, {}).setdefault(attr, []).append(value)
        root = _root_name(node)
        context = list(chain) + ([ast.Name(id=root)] if root else [])
        for model, by_attr in pins.items():
            if model not in JURISDICTIONAL:
                continue
            for key in keys.get(model, []):
                if not all(attr in by_attr for attr in key):
                    continue
                key_values = [v for attr in key for v in by_attr[attr]]
                anchors = [
                    v
                    for attr, values in by_attr.items()
                    if attr not in key
                    for v in values
                    if fn.holds(v) and not _is_actor_claim(v)
                ]
                if any(fn.holds(v) for v in key_values) or anchors or _scoped(fn, context):
                    continue
                yield Load(path, fn.node.name, model, node.lineno)
                break


def _is_actor_claim(expr: ast.expr) -> bool:
    return isinstance(expr, ast.Attribute) and isinstance(expr.value, ast.Name) and expr.value.id == "actor"


def _get_loads(fn: _Function, path: str) -> Iterator[Load]:
    for node in ast.walk(fn.node):
        if (
            isinstance(node, ast.Call)
            and isinstance(node.func, ast.Attribute)
            and node.func.attr in {"get", "get_one"}
            and len(node.args) >= 2
            and isinstance(node.args[0], ast.Name)
            and node.args[0].id in JURISDICTIONAL
        ):
            key = node.args[1]
            values = key.elts if isinstance(key, ast.Tuple) else [key]
            if not any(fn.holds(v) for v in values):
                yield Load(path, fn.node.name, node.args[0].id, node.lineno)


def by_id_loads(source: str, path: str) -> list[Load]:
    """The by-id loads of jurisdictional rows in one module that nothing in hand justifies."""
    tree = ast.parse(source)
    keys = _keys()
    models = set(keys)
    aliases: dict[str, str] = {}
    for node in tree.body:  # module-level aliases: _Village = aliased(OrgUnit, name="village")
        if isinstance(node, ast.Assign) and isinstance(node.value, ast.Call) and _name(node.value.func) == "aliased":
            for target in node.targets:
                if isinstance(target, ast.Name) and node.value.args and isinstance(node.value.args[0], ast.Name):
                    aliases[target.id] = node.value.args[0].id
    parents = {child: parent for parent in ast.walk(tree) for child in ast.iter_child_nodes(parent)}
    found: list[Load] = []
    for node in ast.walk(tree):
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
            fn = _Function(node, models, aliases)
            found += _get_loads(fn, path)
            found += _statement_loads(fn, keys, path, parents)
    return found


def _scanned_modules() -> Iterator[tuple[str, str]]:
    for path in sorted(BACKEND.rglob("*.py")):
        rel = _rel(path)
        if _is_door_module(rel) or rel.startswith(NOT_SCANNED):
            continue
        yield rel, path.read_text(encoding="utf-8")


# --- the tests ---------------------------------------------------------------------------------


def test_every_table_is_classified() -> None:
    """A new table must say whose rows it holds: a door, a parent's door, or why neither."""
    tables = {mapper.class_.__name__ for mapper in Base.registry.mappers}
    assert metadata.tables  # every domain's models are mapped
    classified = set(DOORS) | set(CHILDREN) | set(NOT_JURISDICTIONAL)
    assert tables - classified == set(), "classify these tables in tests/test_access_doors.py"
    assert classified - tables == set()
    assert set(CHILDREN.values()) <= set(DOORS)


def test_each_jurisdictional_model_has_exactly_one_door() -> None:
    defined: dict[str, str] = {}
    for path in sorted(BACKEND.rglob("*.py")):
        rel = _rel(path)
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef) and node.name.startswith("access_"):
                assert node.name not in defined, f"{node.name} is defined in {defined[node.name]} and {rel}"
                assert _is_door_module(rel), f"{rel} defines {node.name}: doors live in access.py modules"
                defined[node.name] = rel
    assert defined == dict(DOORS.values())


def test_doors_share_one_signature() -> None:
    """access_<model>(session, actor, id, …, *, for_update=False, [to=…]) -> Model."""
    import importlib

    for door, module in DOORS.values():
        function = getattr(importlib.import_module(module.removesuffix(".py").replace("/", ".")), door)
        parameters = inspect.signature(function).parameters
        names = list(parameters)
        assert (
            names[:2] == ["session", "actor"] and parameters[names[2]].kind is inspect.Parameter.POSITIONAL_OR_KEYWORD
        ), door
        assert parameters["for_update"].kind is inspect.Parameter.KEYWORD_ONLY, door
        assert parameters["for_update"].default is False, door
        assert inspect.iscoroutinefunction(function), door


def test_no_by_id_load_outside_the_doors() -> None:
    found = [load for rel, source in _scanned_modules() for load in by_id_loads(source, rel)]
    unexplained = [
        f"{load.path}:{load.line} {load.function} loads {load.model} by id"
        for load in found
        if load.key not in ALLOWLIST
    ]
    assert unexplained == [], "go through the model's door (or explain it in ALLOWLIST):\n" + "\n".join(unexplained)
    stale = set(ALLOWLIST) - {load.key for load in found}
    assert stale == set(), f"these allowlisted loads are gone: remove them from ALLOWLIST: {stale}"


# The scan itself: what it flags and what it lets pass (so that the test above can fail).
_SAMPLE = """
async def leaks(session, actor, problem_id: str):
    return await session.get(Problem, problem_id)

async def leaks_by_select(session, actor, poll_id: int):
    return await session.scalar(select(Poll).where(Poll.id == poll_id).with_for_update())

async def leaks_by_ids(session, actor, new):
    stmt = select(SecretaryProfile).where(SecretaryProfile.id.in_(new.secretary_ids))
    return (await session.scalars(stmt)).all()

async def scoped(session, actor, ids):
    return await session.scalars(select(SecretaryProfile).where(SecretaryProfile.id.in_(ids), scope_secretaries(actor)))

async def scoped_later(session, actor, filing_id):
    stmt = select(Filing).where(scope_filings(actor))
    return await session.scalar(stmt.where(Filing.id == filing_id))

async def in_hand(session, actor, poll: Poll):
    village = await session.get(OrgUnit, poll.village_id)
    county = await session.get(OrgUnit, actor.county_id)
    return await session.get(SecretaryProfile, village.id)

async def anchored(session, actor, poll: Poll, ids):
    return await session.scalars(select(PollVoter.id).where(PollVoter.poll_id == poll.id, PollVoter.id.in_(ids)))

async def a_join_and_a_list(session, actor, village_id):
    return await session.scalars(
        select(SecretaryProfile).join(OrgUnit, OrgUnit.id == SecretaryProfile.village_id).where(SecretaryProfile.village_id == village_id)
    )

async def not_a_key(session, actor, secretary_id):
    return await session.scalars(select(Filing).where(Filing.secretary_id == secretary_id))
"""


def test_the_scan_flags_loads_by_a_callers_id_only() -> None:
    found = {(load.function, load.model) for load in by_id_loads(_SAMPLE, "sample.py")}
    assert found == {("leaks", "Problem"), ("leaks_by_select", "Poll"), ("leaks_by_ids", "SecretaryProfile")}


# --- one answer ---------------------------------------------------------------------------------

MISSING_ID = 10**12
MISSING_UUID = "00000000-0000-4000-8000-00000000dead"


async def _county_b_rows(session_factory: SessionFactory, settings: Settings, world: World) -> dict[str, object]:
    """One row of each jurisdictional model in county B (the world's other county)."""
    b = world.actor("county_b")
    vb = world.units["VB"]
    township_b = Actor(b.user_id, Role.TOWNSHIP, vb.township_id or 0, b.county_id, township_id=vb.township_id)
    now = datetime.now(UTC)
    async with session_factory.begin() as session:
        household = await session.scalar(select(Household.id).where(Household.village_id == vb.id).limit(1))
        checkin = await check_in(
            session, world.actor("village_vb"), NewCheckIn(str(uuid.uuid4()), now, lat=36.3, lng=120.0)
        )
        declaration = await declare_day(
            session, world.actor("village_vb"), day=date(2026, 11, 10), reason=DeclarationReason.LEAVE, note="事假"
        )
        roll_call = RollCall(
            id=str(uuid.uuid4()),
            township_id=vb.township_id,
            county_id=b.county_id,
            started_by=b.user_id,
            deadline_at=now,
            reason=RollCallReason.SPOT_CHECK,
        )
        session.add(roll_call)
        poll = await create_poll(
            session,
            township_b,
            settings,
            secretary_id=world.secretaries["VB"].id,
            period="2026",
            title=None,
            signing_key=rsa.generate_private_key(public_exponent=65537, key_size=2048),
        )
        (voter,) = await import_roster(
            session, township_b, poll.id, [VoterInput("村民", VoterCategory.REPRESENTATIVE)], replace=False
        )
        record = await record_disqualification(
            session,
            b,
            secretary_id=world.secretaries["VB"].id,
            period="2026",
            kind=DisqualificationKind.DISCIPLINE,
            reason="x",
        )
        snapshot = await publish_ranking(session, b, "2026")
        session.add(
            Media(
                sha256="b" * 64,
                stored_key="k",
                thumb_key="t",
                mime="image/jpeg",
                size_bytes=1,
                width=1,
                height=1,
                uploaded_by=world.users["village_vb"].id,
                county_id=b.county_id,
            )
        )
        identity = ExternalIdentity(
            issuer="https://idp.example.gov.cn",
            subject="vb-member",
            user_id=world.users["member_vb"].id,
            method=BindMethod.COUNTY,
            created_by=world.users["county_b"].id,
        )
        session.add(identity)
        await session.flush()
    return {
        "org_unit": vb.id,
        "user": world.users["member_vb"].id,
        "secretary": world.secretaries["VB"].id,
        "household": household,
        "filing": FILING_IDS["VB"],
        "problem": PROBLEM_IDS["VB"],
        "checkin": checkin.checkin.id,
        "roll_call": roll_call.id,
        "day_declaration": declaration.id,
        "service_card": world.secretaries["VB"].id,
        "poll": poll.id,
        "poll_voter": voter.id,
        "assessment": world.secretaries["VB"].id,
        "org_class_record": vb.id,
        "disqualification": record.record.id,
        "ranking_snapshot": snapshot.id,
        "media": "b" * 64,
        "complaint": int(world.complaints["member_vb"]),
        "external_identity": identity.id,
    }


# door → (the owner's account in county B, the outsider: a user of county A with the same role,
# extra arguments, a missing id)
_CASES: dict[str, tuple[str, str, tuple[object, ...], object]] = {
    "org_unit": ("county_b", "county", (), MISSING_ID),
    "user": ("county_b", "county", (), MISSING_ID),
    "secretary": ("county_b", "county", (), MISSING_ID),
    "household": ("county_b", "county", (), MISSING_ID),
    "filing": ("county_b", "county", (), MISSING_UUID),
    "problem": ("member_vb", "member", (), MISSING_UUID),
    "checkin": ("county_b", "county", (), MISSING_UUID),
    "roll_call": ("county_b", "county", (), MISSING_UUID),
    "day_declaration": ("county_b", "county", (), MISSING_ID),
    "service_card": ("member_vb", "member", (), MISSING_ID),
    "poll": ("county_b", "county", (), MISSING_ID),
    "poll_voter": ("township_tb", "township", (), MISSING_ID),
    "assessment": ("county_b", "county", ("2026",), MISSING_ID),
    "org_class_record": ("county_b", "county", ("2026",), MISSING_ID),
    "disqualification": ("county_b", "county", (), MISSING_ID),
    "ranking_snapshot": ("county_b", "county", (), MISSING_ID),
    "media": ("village_vb", "village", (), "0" * 64),
    "complaint": ("county_b", "county", (), MISSING_ID),
    "external_identity": ("county_b", "county", (), MISSING_ID),
}


def _door(model: str) -> Callable[..., Awaitable[object]]:
    import importlib

    name, module = next(v for v in DOORS.values() if v[0] == f"access_{model}")
    return getattr(importlib.import_module(module.removesuffix(".py").replace("/", ".")), name)  # type: ignore[no-any-return]


def _actor(world: World, key: str) -> Actor:
    if key == "township_tb":  # the world has no account for county B's township: its twin
        b, vb = world.actor("county_b"), world.units["VB"]
        return Actor(b.user_id, Role.TOWNSHIP, vb.township_id or 0, b.county_id, township_id=vb.township_id)
    return world.actor(key)


async def test_doors_cover_every_model() -> None:
    assert {f"access_{case}" for case in _CASES} == {door for door, _ in DOORS.values()}


@pytest.mark.parametrize("model", sorted(_CASES))
async def test_another_places_row_answers_like_no_row(
    session_factory: SessionFactory, settings: Settings, world: World, model: str
) -> None:
    """The owner's side gets the row; the same role elsewhere gets exactly what a missing id gets."""
    rows = await _county_b_rows(session_factory, settings, world)
    owner, outsider, extra, missing = _CASES[model]
    door = _door(model)
    async with session_factory() as session:
        assert await door(session, _actor(world, owner), rows[model], *extra) is not None
        with pytest.raises(NotFound) as not_theirs:
            await door(session, _actor(world, outsider), rows[model], *extra)
        with pytest.raises(NotFound) as no_such_row:
            await door(session, _actor(world, outsider), missing, *extra)
    assert not_theirs.value.message == no_such_row.value.message
