"""The 2026 rules forbid counting online time, logins and usage: nothing in the database, the API,
the metrics or the PWA measures a person's use of the app, and no position is tracked in the
background."""

from __future__ import annotations

import re

from sqlalchemy.ext.asyncio import AsyncEngine

from backend.compliance.obligations import USAGE_TELEMETRY_WORDS, usage_telemetry_columns
from backend.core.settings import PROJECT_ROOT
from backend.graphql.schema import schema
from backend.observability.metrics import AppMetrics
from backend.tables import metadata

PERSONAL_LABELS = {"user", "user_id", "phone", "actor", "name", "secretary", "village"}


def test_no_table_counts_usage() -> None:
    assert usage_telemetry_columns(metadata) == []


def test_no_api_field_reports_usage() -> None:
    sdl = schema.as_str()
    words = [re.sub(r"_(\w)", lambda m: m.group(1).upper(), w) for w in USAGE_TELEMETRY_WORDS]
    fields = re.findall(r"^\s+(\w+)[(:]", sdl, flags=re.M)
    assert sorted({f for f in fields for w in words if w.lower() in f.lower()}) == []


async def test_metrics_stay_aggregate(engine: AsyncEngine) -> None:
    metrics = AppMetrics(engine)
    labels = {name for metric in metrics.registry._metrics for name in getattr(metric, "label_names", ())}
    assert labels, "the metrics have labels (route, method, status, operation …)"
    assert labels & PERSONAL_LABELS == set()
    assert not any(word in metrics.registry.render() for word in ("user", "phone", "online", "login_count"))


def test_the_pwa_never_tracks_a_position_in_the_background() -> None:
    sources = [p for p in (PROJECT_ROOT / "pwa" / "src").rglob("*") if p.suffix in {".js", ".jsx"}]
    assert sources
    assert [str(p) for p in sources if "watchPosition" in p.read_text("utf-8")] == []
