"""Schemathesis against /graphql: every query and mutation, as anonymous and as each role.

Each generated document is sent five times (no token, county, township, village, member) to an
in-process app over one throwaway database holding tests/world.py. A 5xx or a masked internal
error (`extensions.code == "INTERNAL"`, backend/graphql/errors.py) is a server error and fails.
Generation is derandomized, so CI sees the same documents every run.
"""

from __future__ import annotations

import schemathesis
from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from schemathesis.graphql import nodes

from backend.core.settings import PROJECT_ROOT
from tests.abuse.conftest import GRAPHQL_URL, ROLES, FuzzTarget
from tests.abuse.helpers import server_errors
from tests.world import FILING_IDS, PROBLEM_IDS

EXAMPLES_PER_OPERATION = 5

# Dates and JSON arrive as literals in the document; junk strings probe the scalars' parsers too.
_junk = st.text(max_size=12)
schemathesis.graphql.scalar("Date", st.one_of(st.dates().map(str), _junk).map(nodes.String))
schemathesis.graphql.scalar("DateTime", st.one_of(st.datetimes().map(lambda d: d.isoformat()), _junk).map(nodes.String))
schemathesis.graphql.scalar(
    "JSON",
    st.one_of(
        _junk.map(nodes.String),
        st.integers(-(2**31), 2**31).map(nodes.Int),
        st.dictionaries(st.sampled_from(["content", "summary", "x"]), _junk, max_size=2).map(
            lambda d: nodes.Object([_field(k, nodes.String(v)) for k, v in d.items()])
        ),
    ),
)
# Ids the world really has (small integers, its filings' and problems' UUIDs) reach past input checks.
_known_ids = st.one_of(st.integers(1, 12).map(str), st.sampled_from([*FILING_IDS.values(), *PROBLEM_IDS.values()]))
schemathesis.graphql.scalar("ID", st.one_of(_known_ids, _known_ids, _junk).map(nodes.String))
schemathesis.graphql.scalar("Upload", _junk.map(nodes.String))  # a literal is never a file: must be refused


def _field(name: str, value: object) -> object:
    from graphql import NameNode, ObjectFieldNode

    return ObjectFieldNode(name=NameNode(value=name), value=value)


# The checked-in SDL (test_graphql_hygiene keeps it in step with the code): one test per root field.
schema = schemathesis.graphql.from_path(PROJECT_ROOT / "schema.graphql")


@schema.parametrize()
@settings(
    max_examples=EXAMPLES_PER_OPERATION,
    derandomize=True,
    deadline=None,
    database=None,
    suppress_health_check=list(HealthCheck),
)
def test_no_server_errors_for_any_role(case: schemathesis.Case, fuzz_target: FuzzTarget) -> None:
    for role in ROLES:
        response = case.call(base_url=GRAPHQL_URL, session=fuzz_target.client, headers=fuzz_target.headers[role])
        found = server_errors(response.status_code, response.text)
        assert not found, f"as {role or 'anonymous'}: {case.body}\n" + "\n".join(found)
