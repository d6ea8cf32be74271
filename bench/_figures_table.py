"""The one table bench/figures.py prints: a row per workload, rendered as markdown."""

from __future__ import annotations

from dataclasses import dataclass

HEADER = (
    "workload",
    "reference",
    "GraphQL (the app)",
    "raw Starlette + asyncpg",
    "ratio",
    "RSS peak per process, MB",
    "met?",
)


@dataclass
class Row:
    workload: str
    reference: str
    app: str
    raw: str = "—"
    ratio: str = "—"
    rss: str = "—"
    met: str = "—"

    def cells(self) -> tuple[str, ...]:
        return (self.workload, self.reference, self.app, self.raw, self.ratio, self.rss, self.met)


def verdict(ok: bool) -> str:
    return "yes" if ok else "**no**"


def rss_cell(app_mb: float, raw_mb: float | None = None) -> str:
    return f"{app_mb:.0f}" + (f" (raw {raw_mb:.0f})" if raw_mb is not None else "")


def markdown(rows: list[Row]) -> str:
    lines = ["| " + " | ".join(HEADER) + " |", "|" + "---|" * len(HEADER)]
    lines += ["| " + " | ".join(cell.replace("|", "\\|") for cell in row.cells()) + " |" for row in rows]
    return "\n".join(lines)
