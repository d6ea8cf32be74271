"""The schema: query and mutation roots, limits, masking and caches."""

from __future__ import annotations

from typing import Any

import strawberry
from graphql import ASTValidationRule, GraphQLError
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

from backend.assessment.api.mutations import AssessmentMutations
from backend.assessment.api.queries import AssessmentQueries
from backend.attendance.api.mutations import AttendanceMutations
from backend.attendance.api.queries import AttendanceQueries
from backend.audit.api.queries import SecurityQueries
from backend.auth.api.mutations import AuthMutations
from backend.auth.api.second_factor import SecondFactorMutations, SecondFactorQueries
from backend.complaints.api.mutations import ComplaintMutations
from backend.complaints.api.queries import ComplaintQueries
from backend.compliance.api.queries import ComplianceQueries
from backend.core.settings import Settings
from backend.duties.api.checklist import ChecklistMutations, ChecklistQueries
from backend.duties.api.queries import ProgressQueries
from backend.filings.api.mutations import FilingMutations
from backend.filings.api.photo_rules import PhotoRuleMutations, PhotoRuleQueries
from backend.filings.api.queries import FilingQueries
from backend.graphql.errors import MaskInternalErrors, log_internal_errors
from backend.graphql.limits import RequestSizeLimits
from backend.homes.api.queries import HomeQueries
from backend.identity.api.mutations import IdentityMutations
from backend.identity.api.queries import IdentityQueries
from backend.org.api.county_settings import CountySettingsMutations, CountySettingsQueries
from backend.org.api.mutations import ImportMutations, OrgMutations
from backend.org.api.queries import OrgQueries, PeopleQueries
from backend.polls.api.mutations import PollMutations
from backend.polls.api.queries import PollQueries
from backend.problems.api.mutations import ProblemMutations
from backend.problems.api.queries import ProblemQueries
from backend.ranking.api.mutations import RankingMutations
from backend.ranking.api.queries import RankingQueries
from backend.reporting.api.queries import ReportingQueries
from backend.service_card.api.mutations import ServiceCardMutations
from backend.service_card.api.queries import ServiceCardQueries


@strawberry.type
class Query(
    PeopleQueries,
    OrgQueries,
    FilingQueries,
    PhotoRuleQueries,
    ProgressQueries,
    ChecklistQueries,
    AttendanceQueries,
    CountySettingsQueries,
    ProblemQueries,
    ServiceCardQueries,
    PollQueries,
    AssessmentQueries,
    RankingQueries,
    HomeQueries,
    ComplianceQueries,
    SecurityQueries,
    ComplaintQueries,
    ReportingQueries,
    IdentityQueries,
    SecondFactorQueries,
):
    pass


@strawberry.type
class Mutation(
    AuthMutations,
    SecondFactorMutations,
    OrgMutations,
    ImportMutations,
    FilingMutations,
    PhotoRuleMutations,
    AttendanceMutations,
    CountySettingsMutations,
    ChecklistMutations,
    ProblemMutations,
    ServiceCardMutations,
    PollMutations,
    AssessmentMutations,
    RankingMutations,
    ComplaintMutations,
    IdentityMutations,
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
    limit_rules: list[type[ASTValidationRule]] = [
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
