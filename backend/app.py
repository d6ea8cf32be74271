"""Application factory: create_app(settings) -> Starlette."""

from __future__ import annotations

import json
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

from cross_web import AsyncHTTPRequestAdapter, HTTPException
from starlette.applications import Starlette
from starlette.middleware import Middleware
from starlette.middleware.gzip import DEFAULT_EXCLUDED_CONTENT_TYPES, GZipMiddleware
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Mount, Route
from starlette.websockets import WebSocket
from strawberry.asgi import GraphQL
from strawberry.types.unset import UNSET

from backend.assessment.sheet import assessment_xlsx
from backend.attendance.sheet import attendance_xlsx
from backend.audit.sheet import security_events_xlsx
from backend.auth.bearer import carries_identity
from backend.complaints.sheet import complaints_xlsx
from backend.core import unavailable
from backend.core.db import SessionFactory, make_engine, make_session_factory
from backend.core.gc_tuning import freeze_startup_heap
from backend.core.http import (
    CORS,
    BodySizeLimit,
    GraphQLBodyLimit,
    SecurityHeaders,
    SinglePageApp,
    healthz,
    pwa_missing,
    readyz,
    register_route_convertors,
)
from backend.core.http_errors import EXCEPTION_HANDLERS, UnhandledErrors
from backend.core.settings import Settings
from backend.core.tls import RequireTls
from backend.graphql.context import Context
from backend.graphql.refusals import JSONTooDeep, decode_request_json, get_refused, refused_response
from backend.graphql.schema import build_schema
from backend.hooks import install_process_hooks
from backend.identity.provider import IdentityProvider
from backend.identity.routes import identity_routes
from backend.media.resumable import resumable_routes
from backend.media.routes import media_routes
from backend.media.storage_factory import media_storage_from_settings
from backend.observability.endpoint import metrics_endpoint
from backend.observability.graphql import ObserveOperations
from backend.observability.metrics import AppMetrics
from backend.observability.middleware import ObservabilityMiddleware
from backend.org.importer.download import import_template_xlsx
from backend.polls.http import cast_ballot_json, poll_board_json
from backend.polls.metrics import counting_casts
from backend.ranking.sheet import ranking_xlsx
from backend.ratelimit.policies import RateLimits
from backend.reporting.http import one_table_json, one_table_xlsx
from backend.service_card.http import card_pdf, card_png


class _GraphQLApp(GraphQL[Context, None]):
    def __init__(
        self, settings: Settings, session_factory: SessionFactory, metrics: AppMetrics, rate_limits: RateLimits
    ) -> None:
        schema = build_schema(settings)
        schema.extensions = (*schema.extensions, lambda: ObserveOperations(metrics))
        super().__init__(
            schema,
            graphql_ide=None if settings.is_production else "graphiql",
            allow_queries_via_get=False,
            # Bearer tokens, never cookies: a cross-site form cannot authenticate an upload.
            multipart_uploads_enabled=True,
        )
        self._settings = settings
        self._session_factory = session_factory
        self._rate_limits = rate_limits

    def create_response(self, response_data: Any, sub_response: Response) -> Response:
        response = super().create_response(response_data, sub_response)
        if _database_unavailable(response_data):
            response.status_code = 503  # clients and proxies know to come back later
            response.headers.update(unavailable.HEADERS)
        return response

    async def run(self, request: Any, context: Any = UNSET, root_value: Any = UNSET) -> Any:
        try:
            return await super().run(request, context, root_value)
        except HTTPException as exc:  # not one GraphQL request: a coded JSON refusal, not plain text
            return refused_response(exc)

    async def parse_http_body(self, request: AsyncHTTPRequestAdapter) -> Any:
        if request.method == "GET":
            raise get_refused()  # before its query string is even parsed
        return await super().parse_http_body(request)

    def parse_json(self, data: str | bytes) -> dict[str, object]:
        return decode_request_json(self.decode_json, data)

    def decode_json(self, data: str | bytes) -> object:
        try:
            return json.loads(data)
        except RecursionError as exc:  # "[[[[…" nested past the parser's limit: a bad request (400), not a crash
            raise JSONTooDeep("JSON nested too deeply", "", 0) from exc

    def encode_json(self, data: object) -> bytes:
        # Chinese text as UTF-8, not \uXXXX escapes: half the bytes on a slow network.
        return json.dumps(data, ensure_ascii=False, separators=(",", ":")).encode()

    async def get_context(self, request: Request | WebSocket, response: Response | WebSocket) -> Context:
        return Context(
            settings=self._settings,
            session_factory=self._session_factory,
            request=request,
            rate_limits=self._rate_limits.for_request(request),
            carries_identity=carries_identity(request),
        )


def _database_unavailable(response_data: Any) -> bool:
    results = response_data if isinstance(response_data, list) else [response_data]
    return any(
        (error.get("extensions") or {}).get("code") == unavailable.CODE
        for result in results
        for error in result.get("errors") or ()
    )


# Zip containers (.xlsx) gain nothing from gzip and would lose their Content-Length.
_ALREADY_COMPRESSED = (
    *DEFAULT_EXCLUDED_CONTENT_TYPES,
    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
)


def _cors(settings: Settings) -> list[Middleware]:
    """Browsers on the listed origins may call the API (bearer tokens, never cookies); no one else."""
    if not settings.cors_origins:
        return []
    return [
        Middleware(
            CORS,
            allow_origins=list(settings.cors_origins),
            allow_methods=["GET", "POST"],
            allow_headers=["Authorization", "Content-Type", "X-Request-ID"],
            expose_headers=["X-Request-ID"],
            allow_credentials=False,
            max_age=600,
        )
    ]


def create_app(settings: Settings | None = None) -> Starlette:
    settings = settings or Settings.from_env()
    settings.validate()
    install_process_hooks()  # the audit chain on every session, quiet driver logs
    register_route_convertors()  # `{name:id}` below
    engine = make_engine(settings)
    session_factory = make_session_factory(engine)

    @asynccontextmanager
    async def lifespan(app: Starlette) -> AsyncIterator[None]:
        freeze_startup_heap()
        yield
        await rate_limits.close()
        await engine.dispose()

    metrics = AppMetrics(engine)
    rate_limits = RateLimits.from_settings(settings, metrics.registry)
    graphql = _GraphQLApp(settings, session_factory, metrics, rate_limits)
    upload_limit = settings.max_upload_bytes + 64 * 1024  # the file plus its multipart framing
    routes: list[Any] = [
        Route("/healthz", healthz),
        Route("/readyz", readyz),
        Route("/metrics", metrics_endpoint),
        Route("/graphql", GraphQLBodyLimit(graphql, upload_limit), methods=["GET", "POST"]),
        Route("/exports/attendance.xlsx", attendance_xlsx),
        Route("/exports/ranking.xlsx", ranking_xlsx),
        Route("/exports/assessment.xlsx", assessment_xlsx),
        Route("/exports/import-template.xlsx", import_template_xlsx),
        Route("/exports/complaints-{year}.xlsx", complaints_xlsx),
        Route("/exports/one-table-{period}.xlsx", one_table_xlsx),
        Route("/api/one-table/v1", one_table_json),
        Route("/exports/security-events.xlsx", security_events_xlsx),
        Route("/cards/{secretary_id:id}.pdf", card_pdf),
        Route("/cards/{secretary_id:id}.png", card_png),
        *media_routes(),
        *resumable_routes(),
        *identity_routes(),
        Route("/polls/{poll_id:id}/ballots", counting_casts(cast_ballot_json, metrics), methods=["POST"]),
        Route("/polls/{poll_id:id}/board.json", poll_board_json),
    ]
    if (settings.pwa_dist / "index.html").is_file():
        routes.append(Mount("/", SinglePageApp(directory=settings.pwa_dist, html=True)))
    else:
        routes.append(Route("/", pwa_missing))
    app = Starlette(
        routes=routes,
        lifespan=lifespan,
        exception_handlers=dict(EXCEPTION_HANDLERS),  # one handler, one body shape (backend/core/http_errors.py)
        middleware=[
            Middleware(ObservabilityMiddleware, metrics=metrics),
            *_cors(settings),
            Middleware(SecurityHeaders, frame_ancestors=settings.frame_ancestors),
            *([Middleware(RequireTls)] if settings.tls_required else []),
            Middleware(GZipMiddleware, minimum_size=500, compresslevel=5, exclude_content_types=_ALREADY_COMPRESSED),
            Middleware(BodySizeLimit, max_bytes=upload_limit),
            Middleware(UnhandledErrors),  # what no handler took: 503 for an outage, else 500 INTERNAL
        ],
    )
    app.state.settings = settings
    app.state.engine = engine
    app.state.session_factory = session_factory
    app.state.metrics = metrics
    app.state.rate_limits = rate_limits
    app.state.media_storage = media_storage_from_settings(settings)  # MEDIA_STORAGE: disk or s3
    app.state.identity = IdentityProvider(settings)  # 统一身份认证: discovery and keys, cached (OIDC_*)
    return app
