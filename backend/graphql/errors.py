"""Errors on the wire: typed payload errors for mutations, coded GraphQL errors for queries,
and masking so an internal exception never reaches a client."""

from __future__ import annotations

import functools
import logging
from collections.abc import Awaitable, Callable
from typing import Any, ParamSpec, TypeVar

import strawberry
from graphql import GraphQLError, VariableDefinitionNode
from strawberry.extensions import MaskErrors

from backend.core import unavailable
from backend.core.errors import DomainError
from backend.core.errors import ErrorCode as DomainErrorCode
from backend.core.http_errors import INTERNAL_MESSAGE

logger = logging.getLogger("zhucuntong.graphql")

# strawberry.enum marks the domain enum in place and returns it; binding the name to the class
# first keeps the name a type for mypy (a name bound to a call's result is a variable).
ErrorCode = DomainErrorCode
strawberry.enum(ErrorCode, name="ErrorCode", description="Stable error codes")


@strawberry.type(description="An expected failure: a stable code, a message for people, the field.")
class UserError:
    code: ErrorCode
    message: str
    field: str | None = None

    @classmethod
    def from_exception(cls, exc: DomainError) -> UserError:
        return cls(code=exc.code, message=exc.message, field=exc.field)


P = ParamSpec("P")
R = TypeVar("R")


def returns_payload_errors(
    payload: Callable[..., R],
) -> Callable[[Callable[P, Awaitable[R]]], Callable[P, Awaitable[R]]]:
    """Turn a DomainError raised by a mutation into `payload(errors=[...])`: expected errors are data."""

    def decorate(resolver: Callable[P, Awaitable[R]]) -> Callable[P, Awaitable[R]]:
        @functools.wraps(resolver)
        async def wrapper(*args: P.args, **kwargs: P.kwargs) -> R:
            try:
                return await resolver(*args, **kwargs)
            except DomainError as exc:
                failed = getattr(payload, "failed", None)
                return failed(exc) if failed else payload(errors=[UserError.from_exception(exc)])

        return wrapper

    return decorate


def _domain_error(error: GraphQLError) -> DomainError | None:
    original = error.original_error
    return original if isinstance(original, DomainError) else None


def _database_unavailable(error: GraphQLError) -> bool:
    return unavailable.is_unavailable(error.original_error)


def _bad_variable(error: GraphQLError) -> bool:
    """A variable's value its scalar refused (Int 1e300, Date "x"): graphql-core keeps the scalar's
    exception as the original error, but the fault is the request's."""
    nodes = error.nodes or []
    return bool(nodes) and isinstance(nodes[0], VariableDefinitionNode)


def is_internal(error: GraphQLError) -> bool:
    """Parse and validation errors have no original error; domain errors, bad variables and a
    database outage are expected."""
    return (
        error.original_error is not None
        and _domain_error(error) is None
        and not _bad_variable(error)
        and not _database_unavailable(error)
    )


class MaskInternalErrors(MaskErrors):
    """Pass domain errors through with `extensions.code`; a database outage becomes
    SERVICE_UNAVAILABLE (answered with HTTP 503 by the view); replace everything else."""

    def __init__(self) -> None:
        super().__init__(should_mask_error=is_internal, error_message=INTERNAL_MESSAGE)

    def anonymise_error(self, error: GraphQLError) -> GraphQLError:
        masked = super().anonymise_error(error)
        masked.extensions = {"code": "INTERNAL"}
        return masked

    def _process_errors(self, errors: list[GraphQLError]) -> list[GraphQLError]:
        for error in errors:
            domain = _domain_error(error)
            if domain is not None:
                error.extensions = {**(error.extensions or {}), "code": domain.code.value}
            elif _database_unavailable(error):
                error.message = unavailable.MESSAGE
                error.extensions = {"code": unavailable.CODE}
            elif (error.original_error is None or _bad_variable(error)) and not error.extensions:
                error.extensions = {"code": "GRAPHQL_VALIDATION_FAILED"}
        return super()._process_errors(errors)


def log_internal_errors(errors: list[GraphQLError], _context: Any = None) -> None:
    for error in errors:
        if error.original_error is not None and _database_unavailable(error):
            unavailable.note(error.original_error)
        elif is_internal(error):
            logger.error("internal error at %s", error.path, exc_info=error.original_error)
