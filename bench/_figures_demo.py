"""bench/figures.py on the demo county: the township review queue and progress screens, and filings
from 20 secretaries (1 and 2 app processes, and the raw route)."""

from __future__ import annotations

import asyncio
import json

from bench import filing_throughput, township_progress
from bench._figures_capture import captured_reads
from bench._figures_measure import Memory, Rate, wrk_rate
from bench._figures_run import POOL_SIZE, Figures, Sizes, latency_row, measured_latency, serving, step
from bench._figures_table import Row, rss_cell, verdict
from bench._poll_world import database
from bench.poll_casting_wrk import Server


def _filing_requests(tokens: list[str], count: int) -> tuple[list[str], list[str]]:
    """`count` submitFiling bodies (new phone ids) and their Authorization values, secretaries in turn."""
    bodies = [
        json.dumps({"query": filing_throughput.SUBMIT, "variables": {"input": filing_throughput._entry(n)}})
        for n in range(count)
    ]
    return bodies, [f"Bearer {tokens[n % len(tokens)]}" for n in range(count)]


def _filing_rate(
    figures: Figures, server: Server, path: str, tokens: list[str], sizes: Sizes, label: str
) -> tuple[Rate, Memory]:
    bodies, auths = _filing_requests(tokens, sizes.filings_per_second_cap * sizes.seconds)
    warm, warm_auths = _filing_requests(tokens, 100)
    with Memory([server]) as memory:
        rate = wrk_rate(
            server.base, path, bodies, sizes.seconds, sizes.filing_clients,
            warmup=warm, authorizations=auths, warmup_authorizations=warm_auths, ok_mark='"SUBMITTED"',
        )  # fmt: skip
    if label:
        figures.app_memory.append((label, memory))
    return rate, memory


def demo_county(figures: Figures, sizes: Sizes) -> dict[str, tuple[Rate, Memory]]:
    """Review queue and progress of the demo county's largest township (a term's filings added),
    then filings from `filing_clients` secretaries; returns the 1- and 2-process filing rates."""
    with database(pool_size=POOL_SIZE) as settings:
        step("demo county: loading, a term's filings for the largest township, VACUUM ANALYZE")
        township_token, what = asyncio.run(township_progress._prepare(settings, True))
        village_tokens, _ = asyncio.run(filing_throughput._tokens(settings, sizes.filing_clients, load=False))
        figures.notes.append(f"review queue and progress: the demo county's {what}")
        replays = {
            "queue": asyncio.run(captured_reads(settings, township_token, filing_throughput.QUEUE)),
            "progress": asyncio.run(captured_reads(settings, township_token, township_progress.LEAN)),
        }
        rates: dict[str, tuple[Rate, Memory]] = {}
        with serving(settings) as app, serving(settings, replays=replays, raw=True) as raw:
            for key, name, query, replay in (
                ("review queue", "review queue (township, first 20 with thumbnails)", filing_throughput.QUEUE, "queue"),
                ("progress", "progress (township 八个一 list)", township_progress.LEAN, "progress"),
            ):
                app_latency, raw_latency, memory, raw_memory = measured_latency(
                    figures, app, raw, key, township_token, query, replay, sizes.runs
                )
                statements = len(replays[replay])
                figures.rows[key] = latency_row(
                    f"{name}; {statements} SQL statements", "≤ 50 ms p50", 50, None,
                    app_latency, raw_latency, memory, raw_memory,
                )  # fmt: skip
            step("filing: app, 1 process")
            rates["app1"] = _filing_rate(figures, app, "/graphql", village_tokens, sizes, "filing, 1 process")
            step("filing: raw")
            rates["raw"] = _filing_rate(figures, raw, "/filings", village_tokens, sizes, "")
        step("filing: app, 2 processes")
        with serving(settings, workers=2) as app2:
            rates["app2"] = _filing_rate(figures, app2, "/graphql", village_tokens, sizes, "filing, 2 processes")
    (app1, memory), (raw_rate, raw_memory) = rates["app1"], rates["raw"]
    figures.rows["filing"] = Row(
        f"filing (submitFiling, {sizes.filing_clients} concurrent connections, 1 process)",
        "≥ 300/s",
        app1.text(),
        raw_rate.text(),
        f"{raw_rate.per_second / app1.per_second:.2f}× (raw ÷ app)",
        rss_cell(memory.peak_rss, raw_memory.peak_rss),
        verdict(app1.per_second >= 300),
    )
    return rates
