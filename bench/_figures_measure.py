"""Measuring for bench/figures.py: resident memory of server processes while a load runs,
request latency of the app and the raw reference alternated request by request, and wrk rates."""

from __future__ import annotations

import threading
import time
from collections.abc import Awaitable, Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path

from bench._poll_world import percentile
from bench.poll_casting_wrk import Server, ensure_wrk, run_wrk


def memory_mb(pid: int) -> tuple[float, float]:
    """(VmRSS, VmHWM) of a process in MB; zeros when it is gone."""
    values = {"VmRSS:": 0.0, "VmHWM:": 0.0}
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            name, *rest = line.split()
            if name in values:
                values[name] = int(rest[0]) / 1024
    except OSError:
        pass
    return values["VmRSS:"], values["VmHWM:"]


@dataclass
class Memory:
    """Per-process peaks seen while a `with` block ran: VmRSS sampled every 20 ms, and VmHWM (the
    kernel's high-water mark since the process started) read at the end."""

    servers: Iterable[Server]
    rss: dict[int, float] = field(default_factory=dict)
    hwm: dict[int, float] = field(default_factory=dict)
    rss_before: dict[int, float] = field(default_factory=dict)  # at the start of the block
    hwm_before: dict[int, float] = field(default_factory=dict)

    def __enter__(self) -> Memory:
        before = {pid: memory_mb(pid) for pid in self._pids()}
        self.rss_before = {pid: rss for pid, (rss, _) in before.items()}
        self.hwm_before = {pid: hwm for pid, (_, hwm) in before.items()}
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._sample, daemon=True)
        self._thread.start()
        return self

    def _pids(self) -> list[int]:
        return [pid for server in self.servers for pid in server.pids()]

    def _sample(self) -> None:
        while True:
            for pid in self._pids():
                self.rss[pid] = max(self.rss.get(pid, 0.0), memory_mb(pid)[0])
            if self._stop.wait(0.02):
                return

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        self._thread.join()
        for pid in self._pids():
            self.hwm[pid] = memory_mb(pid)[1]

    @property
    def peak_rss(self) -> float:
        """The largest resident set of any one process during the block."""
        return max(self.rss.values(), default=0.0)

    @property
    def peak_hwm(self) -> float:
        return max(self.hwm.values(), default=0.0)

    @property
    def hwm_grew(self) -> bool:
        """Whether a process reached a new high-water mark during the block (else it was start-up's)."""
        return any(mb > self.hwm_before.get(pid, 0.0) + 1 for pid, mb in self.hwm.items())


@dataclass
class Latency:
    samples: list[float]

    @property
    def p50_ms(self) -> float:
        return percentile(self.samples, 50) * 1000

    @property
    def p95_ms(self) -> float:
        return percentile(self.samples, 95) * 1000

    @property
    def p99_ms(self) -> float:
        return percentile(self.samples, 99) * 1000

    def text(self) -> str:
        return f"p50 {self.p50_ms:.1f} ms, p95 {self.p95_ms:.1f} ms, p99 {self.p99_ms:.1f} ms"


async def alternated(
    app_call: Callable[[], Awaitable[None]], raw_call: Callable[[], Awaitable[None]], runs: int, warmup: int = 3
) -> tuple[Latency, Latency]:
    """Both calls timed one after the other, run by run, so that both see the same machine load."""
    app, raw = [], []
    for i in range(warmup + runs):
        t0 = time.perf_counter()
        await app_call()
        t1 = time.perf_counter()
        await raw_call()
        t2 = time.perf_counter()
        if i >= warmup:
            app.append(t1 - t0)
            raw.append(t2 - t1)
    return Latency(app), Latency(raw)


@dataclass
class Rate:
    """A wrk run: requests answered as accepted per second, latency percentiles in ms."""

    per_second: float
    p50_ms: float
    p99_ms: float
    accepted: int
    refused: int
    ran_out: bool  # every prepared request was sent before the time was up: the rate is a lower bound

    def text(self) -> str:
        bound = "≥ " if self.ran_out else ""
        refused = f", {self.refused} refused" if self.refused and not self.ran_out else ""
        return f"{bound}{self.per_second:,.0f}/s, p50 {self.p50_ms:.0f} ms, p99 {self.p99_ms:.0f} ms{refused}"


def wrk_rate(
    base: str,
    path: str,
    bodies: list[str],
    seconds: int,
    connections: int,
    *,
    warmup: list[str],
    authorizations: list[str] | None = None,
    warmup_authorizations: list[str] | None = None,
    ok_mark: str = "",
) -> Rate:
    """`connections` keep-alive connections posting each prepared body once (after a 2 s warm-up)."""
    wrk = ensure_wrk()
    run_wrk(wrk, base, path, warmup, 2, 10, 1, authorizations=warmup_authorizations, ok_mark=ok_mark)
    r = run_wrk(wrk, base, path, bodies, seconds, connections, 2, authorizations=authorizations, ok_mark=ok_mark)
    # When a thread's share runs out wrk keeps sending filler requests (refused): every answer past
    # the prepared bodies is filler.
    ran_out = r["ok"] + r["refused"] + r["spare"] > len(bodies)
    refused = min(r["refused"], len(bodies) - r["ok"])
    return Rate(r["ok"] / r["seconds"], r["p50"], r["p99"], r["ok"], refused, ran_out)
