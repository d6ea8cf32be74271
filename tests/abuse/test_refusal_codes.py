"""Every refusal carries a code: a rejected import answered `ok: false` with row messages but an
empty `errors`; it now has one coded error (IMPORT_INVALID) beside its row report."""

from __future__ import annotations

import json
from io import BytesIO

import httpx
from openpyxl import Workbook

from tests.conftest import GraphQLClient
from tests.world import World

IMPORT = "mutation($f: Upload!) { importWorkbook(file: $f, dryRun: true) { ok rowErrors { row } errors { code field message } } }"


async def test_a_rejected_import_carries_import_invalid_beside_its_row_report(gql: GraphQLClient, world: World) -> None:
    payload = (await _upload(gql, _township_sheet(["T1", None]))).json()["data"]["importWorkbook"]
    assert payload["ok"] is False
    assert payload["rowErrors"] == [{"row": 2}]  # the row report is kept
    assert payload["errors"] == [
        {
            "code": "IMPORT_INVALID",
            "field": "file",
            "message": "工作簿中有 1 处错误，未导入任何数据：请按逐行说明修改后重新上传",
        }
    ]


async def test_an_unreadable_workbook_carries_import_invalid(gql: GraphQLClient, world: World) -> None:
    payload = (await _upload(gql, b"PK\x03\x04 not a workbook")).json()["data"]["importWorkbook"]
    assert [e["code"] for e in payload["errors"]] == ["IMPORT_INVALID"]
    assert payload["errors"][0]["message"].startswith("文件无法读取")


async def _upload(gql: GraphQLClient, data: bytes) -> httpx.Response:
    token = await gql.token_for("county")
    return await gql.http.post(
        "/graphql",
        data={"operations": json.dumps({"query": IMPORT, "variables": {"f": None}}), "map": '{"0": ["variables.f"]}'},
        files={"0": ("county.xlsx", data, "application/octet-stream")},
        headers={"authorization": f"Bearer {token}"},
    )


def _township_sheet(*rows: list[object]) -> bytes:
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = "乡镇"
    for row in (["乡镇代码", "乡镇名称"], *rows):
        sheet.append(row)
    buffer = BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()
