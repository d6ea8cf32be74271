"""bench/figures.py on a poll in voting: wrk posting pre-signed ballots, each once, through GraphQL
castBallot and the lean JSON route with 1 process, and the lean route with 2 processes."""

from __future__ import annotations

import asyncio
import json

from backend.crypto import blind_rsa
from bench._figures_measure import Memory, Rate, wrk_rate
from bench._figures_run import POOL_SIZE, Figures, Sizes, serving, step
from bench._figures_table import Row, rss_cell
from bench._poll_world import database
from bench.poll_casting import CAST
from bench.poll_casting_wrk import _setup as poll_world
from bench.poll_casting_wrk import signed_ballots


def _graphql_ballot(poll_id: int, lean_body: str) -> str:
    ballot = json.loads(lean_body)
    variables = {"id": str(poll_id), "t": ballot["token"], "s": ballot["signature"], "c": ballot["choice"].upper()}
    return json.dumps({"query": CAST, "variables": variables}, separators=(",", ":"))


def casting(figures: Figures, sizes: Sizes) -> dict[str, tuple[Rate, Memory]]:
    """castBallot through GraphQL and the lean route (1 process), the lean route with 2 processes."""
    key = blind_rsa.generate_key(3072)
    plan = [
        ("graphql", 1, sizes.graphql_ballots_per_second_cap),
        ("lean", 1, sizes.lean_ballots_per_second_cap),
        ("lean", 2, sizes.lean_ballots_per_second_cap),
    ]
    rates: dict[str, tuple[Rate, Memory]] = {}
    with database(pool_size=POOL_SIZE) as settings:
        step("casting: a poll in voting, signing the ballots")
        poll_id = asyncio.run(poll_world(settings, 100, key))
        bodies = [body for _, body in signed_ballots(key, poll_id, sum(c for *_, c in plan) * sizes.seconds + 300)]
        for mode, workers, cap in plan:
            warm, bodies = bodies[:100], bodies[100:]
            chunk, bodies = bodies[: cap * sizes.seconds], bodies[cap * sizes.seconds :]
            step(f"casting: {mode}, {workers} process(es)")
            path, mark = f"/polls/{poll_id}/ballots", ""
            if mode == "graphql":
                warm, chunk = [_graphql_ballot(poll_id, b) for b in warm], [_graphql_ballot(poll_id, b) for b in chunk]
                path, mark = "/graphql", '"receipt":"'
            with serving(settings, workers=workers) as server, Memory([server]) as memory:
                rate = wrk_rate(server.base, path, chunk, sizes.seconds, sizes.voters, warmup=warm, ok_mark=mark)
            figures.app_memory.append((f"casting {mode}, {workers} process{'es' if workers > 1 else ''}", memory))
            rates[f"{mode}{workers}"] = rate, memory
    (graphql, memory), (lean, lean_memory) = rates["graphql1"], rates["lean1"]
    figures.rows["casting"] = Row(
        f"casting (ballots, {sizes.voters} concurrent connections, 1 process)",
        "≥ 1,000/s, p99 ≤ 100 ms",
        f"castBallot: {graphql.text()}",
        f"lean route POST /polls/{{id}}/ballots (no GraphQL; what the PWA sends): {lean.text()}",
        f"{lean.per_second / graphql.per_second:.2f}× (lean ÷ GraphQL)",
        rss_cell(max(memory.peak_rss, lean_memory.peak_rss)),
        f"GraphQL {_casting_verdict(graphql)}; lean {_casting_verdict(lean)}",
    )
    return rates


def _casting_verdict(rate: Rate) -> str:
    if rate.per_second >= 1000 and rate.p99_ms <= 100:
        return "yes"
    return (
        "**no** ("
        + ", ".join(what for what, missed in (("rate", rate.per_second < 1000), ("p99", rate.p99_ms > 100)) if missed)
        + ")"
    )
