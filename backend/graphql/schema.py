"""The schema: query and mutation roots, limits, masking and caches."""

from __future__ import annotations

from typing import Any

import strawberry
from graphql import GraphQLError
from strawberry.extensions import (
    AddValidationRules,
    DisableIntrospection,
    MaxTokensLimiter,
    ParserCache,
    ValidationCache,
)
from strawberry.extensions.max_aliases import create_validator as alias_rule
from strawberry.extensions.query_depth_limiter import create_validator as depth_rule
from strawberry.schema.config import StrawberryConfig

from backend.graphql.errors import MaskInternalErrors, log_internal_errors
from backend.graphql.limits import RequestSizeLimits
from backend.graphql.mutations.assessment import AssessmentMutations
from backend.graphql.mutations.attendance import AttendanceMutations
from backend.graphql.mutations.auth import AuthMutations
from backend.graphql.mutations.county_settings import CountySettingsMutations
from backend.graphql.mutations.filings import FilingMutations
from backend.graphql.mutations.imports import ImportMutations
from backend.graphql.mutations.org import OrgMutations
from backend.graphql.mutations.polls import PollMutations
from backend.graphql.mutations.problems import ProblemMutations
from backend.graphql.mutations.ranking import RankingMutations
from backend.graphql.mutations.service_card import ServiceCardMutations
from backend.graphql.queries.assessment import AssessmentQueries
from backend.graphql.queries.attendance import AttendanceQueries
from backend.graphql.queries.county_settings import CountySettingsQueries
from backend.graphql.queries.filings import FilingQueries
from backend.graphql.queries.org import OrgQueries
from backend.graphql.queries.people import PeopleQueries
from backend.graphql.queries.polls import PollQueries
from backend.graphql.queries.problems import ProblemQueries
from backend.graphql.queries.progress import ProgressQueries
from backend.graphql.queries.ranking import RankingQueries
from backend.graphql.queries.service_card import ServiceCardQueries
from backend.settings import Settings


@strawberry.type
class Query(
    PeopleQueries,
    OrgQueries,
    FilingQueries,
    ProgressQueries,
    AttendanceQueries,
    CountySettingsQueries,
    ProblemQueries,
    ServiceCardQueries,
    PollQueries,
    AssessmentQueries,
    RankingQueries,
):
    pass


@strawberry.type
class Mutation(
    AuthMutations,
    OrgMutations,
    ImportMutations,
    FilingMutations,
    AttendanceMutations,
    CountySettingsMutations,
    ProblemMutations,
    ServiceCardMutations,
    PollMutations,
    AssessmentMutations,
    RankingMutations,
):
    pass


class _Schema(strawberry.Schema):
    def process_errors(self, errors: list[GraphQLError], execution_context: Any = None) -> None:
        log_internal_errors(errors, execution_context)
        for error in errors:
            # A syntax error (also: too many tokens, nested too deeply) is raised by the parser cache
            # outside the operation, where MaskInternalErrors would give it its code.
            if error.original_error is None and not error.extensions and error.message.startswith("Syntax Error"):
                error.extensions = {"code": "GRAPHQL_PARSE_FAILED"}


def build_schema(settings: Settings | None = None) -> strawberry.Schema:
    settings = settings or Settings()
    # The limit rules are built once so that ValidationCache (keyed by the rule classes) hits.
    limit_rules = [
        depth_rule(settings.max_query_depth, None, None),
        alias_rule(settings.max_aliases),
    ]
    extensions: list[Any] = [
        RequestSizeLimits,
        lambda: MaxTokensLimiter(max_token_count=settings.max_tokens),
        lambda: ParserCache(maxsize=256),
        lambda: AddValidationRules(limit_rules),
        lambda: ValidationCache(maxsize=256),
        MaskInternalErrors,
    ]
    if settings.is_production:
        extensions.append(DisableIntrospection)
    return _Schema(
        query=Query,
        mutation=Mutation,
        extensions=extensions,
        config=StrawberryConfig(disable_field_suggestions=settings.is_production),
    )


# For `strawberry export-schema backend.graphql.schema:schema`.
schema = build_schema()
