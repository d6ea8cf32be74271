"""The one table's provenance list, for the county's screen (the rows travel as .xlsx and JSON)."""

from __future__ import annotations

import strawberry

from backend.graphql.context import Info
from backend.reporting.one_table import Column, one_table_columns


@strawberry.type(description="One column of the one table (一张表) and where its value comes from.")
class OneTableColumn:
    key: str = strawberry.field(description="The field name in the JSON API (docs/ONE_TABLE.md).")
    header: str = strawberry.field(description="The column's header in the .xlsx and on the screen.")
    value_type: str = strawberry.field(description='JSON type: "string", "integer", "number" or "boolean".')
    nullable: bool
    domain: str = strawberry.field(description="The backend domain that holds the value.")
    service: str = strawberry.field(description="The service that computes it.")
    record: str = strawberry.field(description="What was filed, and by whom (nobody enters it again), in Chinese.")

    @classmethod
    def of(cls, c: Column) -> OneTableColumn:
        return cls(
            key=c.key,
            header=c.header,
            value_type=c.type,
            nullable=c.nullable,
            domain=c.source.domain,
            service=c.source.service,
            record=c.source.record,
        )


@strawberry.type
class ReportingQueries:
    @strawberry.field(
        description="县委组织部 (COUNTY): the columns of the one table reported upward, each with where its value "
        "comes from — what was already filed, so nobody enters it again (国办函〔2026〕12号, 一张表)."
    )
    def one_table_columns(self, info: Info) -> list[OneTableColumn]:
        return [OneTableColumn.of(c) for c in one_table_columns(info.context.actor)]
