"""`GET /exports/import-template.xlsx`: the blank import template, for the import screen.

Built by `template.build_template_workbook` from the same sheet and column definitions the
importer reads (`template.SHEETS`), so the file on offer and the parser cannot drift apart; the
checked-in `docs/import-template.xlsx` comes from the same function (`examples.py`). Who: the
people who may import (county users, as `service.import_workbook`), with a bearer token like the
other exports; refusals go through `backend.core.http_errors`.
"""

from __future__ import annotations

import anyio
from starlette.requests import Request
from starlette.responses import Response

from backend.audit.security_log import record_export
from backend.auth.bearer import require_request_actor
from backend.core.xlsx_stream import XLSX_MIME, content_disposition
from backend.org.access import require_role
from backend.org.importer.export import workbook_bytes
from backend.org.importer.template import build_template_workbook
from backend.org.models import Role

FILENAME = "第一书记导入模板.xlsx"


def template_bytes() -> bytes:
    return workbook_bytes(build_template_workbook())


async def import_template_xlsx(request: Request) -> Response:
    actor = require_role(require_request_actor(request), Role.COUNTY)
    await record_export(request.app.state.session_factory, actor, export="import_template", scope={})
    data = await anyio.to_thread.run_sync(template_bytes)  # openpyxl is CPU-bound
    return Response(
        data,
        media_type=XLSX_MIME,
        headers={"content-disposition": content_disposition(FILENAME), "cache-control": "no-store"},
    )
