"""Arbitrary JSON in the variables of every root field: refused as the request's fault, never INTERNAL.

Schemathesis (test_schemathesis.py) writes arguments into the document, where the validator
checks them; values sent as variables take another path (graphql-core coerces them, and a
scalar's own exception travels with the error). One document per root field declares every
argument as a variable; Hypothesis sends arbitrary JSON for them, as anonymous and as the county.
"""

from __future__ import annotations

import pytest
from graphql import GraphQLField, get_named_type, is_composite_type
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from backend.graphql.schema import schema as strawberry_schema
from tests.abuse.conftest import GRAPHQL_URL, FuzzTarget
from tests.abuse.helpers import server_errors

EXAMPLES_PER_FIELD = 20

json_values = st.recursive(
    st.none()
    | st.booleans()
    | st.integers(min_value=-(2**70), max_value=2**70)
    | st.floats(allow_nan=False, allow_infinity=False)
    | st.text(max_size=10)
    | st.sampled_from(["1", "2026-03-01", "2026-03-01T08:00:00", "SATISFIED", "00000000-0000-4000-8000-000000000011"]),
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=8), inner, max_size=3),
    max_leaves=8,
)


def _document(operation: str, name: str, field: GraphQLField) -> str:
    declared = ", ".join(f"${arg}: {spec.type}" for arg, spec in field.args.items())
    passed = ", ".join(f"{arg}: ${arg}" for arg in field.args)
    selection = " { __typename }" if is_composite_type(get_named_type(field.type)) else ""
    return f"{operation}({declared}) {{ {name}({passed}){selection} }}"


def _root_fields() -> list[pytest.param]:
    graphql_schema = strawberry_schema._schema
    params = []
    for operation, root in (("query", graphql_schema.query_type), ("mutation", graphql_schema.mutation_type)):
        for name, field in sorted(root.fields.items()):
            if field.args:
                params.append(pytest.param(_document(operation, name, field), list(field.args), id=name))
    return params


@pytest.mark.parametrize(("document", "arguments"), _root_fields())
@settings(
    max_examples=EXAMPLES_PER_FIELD,
    derandomize=True,
    deadline=None,
    database=None,
    suppress_health_check=list(HealthCheck),
)
@given(data=st.data())
def test_arbitrary_variables_are_never_a_server_error(
    fuzz_target: FuzzTarget, document: str, arguments: list[str], data: st.DataObject
) -> None:
    variables = data.draw(st.fixed_dictionaries({}, optional={arg: json_values for arg in arguments}))
    for role in (None, "county"):
        response = fuzz_target.client.post(
            GRAPHQL_URL, json={"query": document, "variables": variables}, headers=fuzz_target.headers[role]
        )
        found = server_errors(response.status_code, response.text)
        assert not found, f"as {role or 'anonymous'}: {document} {variables}\n" + "\n".join(found)
