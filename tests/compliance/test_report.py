"""The filing dossier: its lists cannot drift from the code (every API field has a function, every
table is classified, every evidence path exists), the county reads it, the CLI prints it, and a
setting that breaks an obligation shows as 未满足."""

from __future__ import annotations

import asyncio
import json
from pathlib import Path

import pytest

from backend.cli import main
from backend.compliance.components import npm_components, python_components
from backend.compliance.functions import FIELDS, FUNCTIONS
from backend.compliance.obligations import Status, assess
from backend.compliance.personal_info import INVENTORY, NOT_PERSONAL
from backend.core.settings import PROJECT_ROOT, Settings
from backend.graphql.schema import schema
from backend.org.county_settings import DEFAULT_RULES
from backend.tables import metadata
from tests.conftest import GraphQLClient
from tests.world import World


def test_every_api_field_belongs_to_one_listed_function() -> None:
    graphql = schema._schema
    fields = set(graphql.query_type.fields) | set(graphql.mutation_type.fields)  # type: ignore[union-attr]
    assert sorted(fields - set(FIELDS)) == [], "add these fields to backend/compliance/functions.py FIELDS"
    assert sorted(set(FIELDS) - fields) == [], "these fields are gone from the API"
    keys = {f.key for f in FUNCTIONS}
    assert set(FIELDS.values()) == keys, "every function serves a field, every field a listed function"


def test_every_table_is_classified_and_every_listed_column_exists() -> None:
    listed = {p.table for p in INVENTORY}
    assert sorted(set(metadata.tables) - listed - NOT_PERSONAL) == [], "classify these tables in personal_info.py"
    assert listed & NOT_PERSONAL == set()
    for item in INVENTORY:
        columns = metadata.tables[item.table].columns
        assert [f for f in item.fields if f not in columns] == [], item.table


def test_every_evidence_path_exists() -> None:
    findings = assess(Settings(), DEFAULT_RULES, metadata)
    paths = [e for f in findings for e in f.evidence if e.split("/")[0] in {"backend", "tests", "docs", "pwa"}]
    assert paths
    assert [p for p in paths if not (PROJECT_ROOT / p).exists()] == []


def test_components_come_from_the_lock_files_with_licences() -> None:
    python = {c.name: c for c in python_components()}
    assert {"starlette", "strawberry-graphql", "sqlalchemy", "cryptography"} <= set(python)
    assert "pytest" not in python and "mypy" not in python, "development tools are not shipped"
    assert "colorama" not in python, "another platform's dependency"
    npm = {c.name: c for c in npm_components()}
    assert {"preact", "idb", "workbox-precaching"} <= set(npm)
    assert "vite" not in npm and "eslint" not in npm
    assert all(c.license != "未知" for c in [*python.values(), *npm.values()])


def test_a_session_that_forces_logins_is_not_met() -> None:
    def status(settings: Settings) -> Status:
        return next(f for f in assess(settings, DEFAULT_RULES, metadata) if f.key == "no_forced_logins").status

    assert status(Settings()) is Status.MET
    assert status(Settings(refresh_token_ttl=86400)) is Status.NOT_MET


async def test_the_county_reads_its_report(gql: GraphQLClient, world: World) -> None:
    body = await gql.execute(
        "{ complianceReport { county findings { key status statusLabel evidence } functions { key } "
        "personalInfo { table fields } componentCount markdown } }",
        as_user="county",
    )
    report = body["data"]["complianceReport"]  # type: ignore[index]
    assert report["county"] == world.units["A"].name
    findings = {f["key"]: f for f in report["findings"]}
    assert findings["no_usage_ranking"]["status"] == "MET"
    assert findings["complaints"]["status"] == "MET"
    assert findings["one_table"]["status"] == "MET"
    assert findings["unified_identity"]["status"] == "NOT_MET"
    assert findings["unified_identity"]["statusLabel"] == "未满足"
    assert len(report["functions"]) == len(FUNCTIONS)
    assert report["componentCount"] > 50
    assert "## 一、自评估" in report["markdown"] and "## 四、第三方组件" in report["markdown"]


async def _cli(settings: Settings, monkeypatch: pytest.MonkeyPatch, *args: str) -> int:
    monkeypatch.setenv("DATABASE_URL", settings.database_url)
    return await asyncio.to_thread(main, ["compliance-report", *args])


async def test_the_cli_writes_the_dossier(
    world: World,
    settings: Settings,
    monkeypatch: pytest.MonkeyPatch,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
) -> None:
    assert await _cli(settings, monkeypatch) == 2, "two counties: which one?"
    assert "--county-code" in capsys.readouterr().err
    out = tmp_path / "dossier.md"
    assert await _cli(settings, monkeypatch, "--county-code", world.units["A"].code, "--out", str(out)) == 0
    text = out.read_text("utf-8")
    assert f"已写入 {out}" in capsys.readouterr().out
    for finding in assess(settings, DEFAULT_RULES, metadata):
        assert finding.obligation in text
    assert await _cli(settings, monkeypatch, "--county-code", world.units["A"].code, "--format", "json") == 0
    data = json.loads(capsys.readouterr().out)
    assert {f["status"] for f in data["findings"]} <= {s.value for s in Status}
