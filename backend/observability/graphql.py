"""A Strawberry extension with one hook per operation (none per field): latency by operation,
outbox conflicts and poll casts read from the mutation payloads, and silence for casting."""

from __future__ import annotations

import time
from collections.abc import Iterator

from graphql import DocumentNode, FieldNode, OperationDefinitionNode
from strawberry.extensions import SchemaExtension
from strawberry.types import ExecutionContext

from backend.observability.context import current_request, silence_current_request
from backend.observability.labels import OTHER, error_code
from backend.observability.metrics import AppMetrics

# The mutations the PWA's offline outbox sends (pwa/src/outbox/engine.js OPS); all select `errors { code }`.
OUTBOX_MUTATIONS = frozenset(
    {"submitFiling", "editFiling", "checkIn", "fileProblem", "updateProblemStatus", "reportProblem"}
)
CAST_MUTATIONS = frozenset({"castBallot", "castPaperBallot"})
SILENT_FIELDS = CAST_MUTATIONS | {"requestPollCredential"}


def _operation(document: DocumentNode | None, name: str | None) -> OperationDefinitionNode | None:
    if document is None:
        return None
    operations = [node for node in document.definitions if isinstance(node, OperationDefinitionNode)]
    if name is None:
        return operations[0] if len(operations) == 1 else None
    return next((op for op in operations if op.name is not None and op.name.value == name), None)


def root_fields(context: ExecutionContext) -> dict[str, str]:
    """Response key (alias or name) → root field name of the operation that ran."""
    operation = _operation(context.graphql_document, context.operation_name)
    if operation is None:
        return {}
    return {
        (node.alias or node.name).value: node.name.value
        for node in operation.selection_set.selections
        if isinstance(node, FieldNode)
    }


class ObserveOperations(SchemaExtension):
    def __init__(self, metrics: AppMetrics) -> None:
        self.metrics = metrics

    def on_operation(self) -> Iterator[None]:
        started = time.perf_counter()
        try:
            yield
        finally:
            self._observe(time.perf_counter() - started)

    def _observe(self, elapsed: float) -> None:
        fields = root_fields(self.execution_context)
        label = self._label(fields)
        self.metrics.graphql_duration.observe(elapsed, label)
        info = current_request.get()
        if info is not None:
            info.operation = label
        if SILENT_FIELDS.intersection(fields.values()):
            silence_current_request()
        self._count_payloads(fields)

    def _label(self, fields: dict[str, str]) -> str:
        if not fields:
            return OTHER
        name = self.execution_context.operation_name or ",".join(sorted(set(fields.values())))
        return self.metrics.operation_label(name)

    def _count_payloads(self, fields: dict[str, str]) -> None:
        result = self.execution_context.result
        data = getattr(result, "data", None) if result is not None else None
        if not isinstance(data, dict):
            data = {}
        for key, field in fields.items():
            payload = data.get(key)
            codes = _payload_codes(payload)
            if field in OUTBOX_MUTATIONS and "CONFLICT" in codes:
                self.metrics.outbox_conflicts.inc(field)
            elif field in CAST_MUTATIONS:
                if payload is None:
                    self.metrics.cast_refused("INTERNAL")
                elif codes:
                    self.metrics.cast_refused(error_code(codes[0]))
                elif payload.get("errors"):
                    self.metrics.cast_refused(OTHER)  # errors selected without their code
                else:
                    self.metrics.cast_accepted()


def _payload_codes(payload: object) -> list[object]:
    if not isinstance(payload, dict):
        return []
    errors = payload.get("errors") or []
    return [error.get("code") for error in errors if isinstance(error, dict) and error.get("code")]
