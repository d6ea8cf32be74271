"""Benchmark: casting ballots over real sockets on PostgreSQL, with a load generator that does not
eat the CPU it measures — `wrk` (C, Debian package; installed with apt-get when missing).

uvicorn serves `backend.app:create_app` with 1 and then 2 worker processes; wrk keeps 50
connections busy posting pre-made ballots to `POST /polls/{id}/ballots` (tokens signed directly
with the poll's private key: a finalized RFC 9474 blind signature IS an RSASSA-PSS signature of
the prepared message, so these are exactly what phones hold). Each ballot is sent once; then a
sample is replayed and must be refused. Reported: accepted ballots/s, wrk's latency percentiles,
the staged row count against the 200 answers (double counts), all as ratios to the targets
(≥ 1,000 ballots/s, p99 ≤ 100 ms, 0 double counts).

Run: .venv/bin/python bench/poll_casting_wrk.py [--seconds 10] [--connections 50] [--workers 1 2]
(BENCH_APP_FACTORY=module:function serves another app factory, e.g. to try a tweak.)
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import platform
import shutil
import subprocess
import sys
import tempfile
import time
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from cryptography.hazmat.primitives import serialization
from sqlalchemy import func, select

from backend.core.db import make_engine, make_session_factory
from backend.core.settings import PROJECT_ROOT, Settings
from backend.crypto import blind_rsa
from backend.crypto.b64url import encode as b64u
from backend.polls.casting import credential_receipt
from backend.polls.models import StagedBallot
from bench._poll_world import _pg_admin, build, credentials, database, mark_all_issued_and_open
from tests.live_server import free_port, stop_process, wait_until_ready

TARGET_RATE = 1000.0
TARGET_P99_MS = 100.0
CHOICES = ["very_satisfied", "satisfied", "basic", "dissatisfied"]

# Each wrk thread walks its own share of the requests (one per line: Authorization value or
# nothing, a tab, the JSON body); each is sent once. When a thread's share runs out it sends an
# empty object (refused, 400 INVALID_INPUT) and counts it apart. A 200 counts as accepted when its
# body contains OK_MARK (GraphQL answers 200 with payload errors too).
LUA = r"""
local requests = {}
for line in io.lines(os.getenv("BALLOTS")) do
  local auth, body = line:match("^([^\t]*)\t(.*)$")
  requests[#requests + 1] = {auth, body}
end
local ok_mark = os.getenv("OK_MARK")
local think = tonumber(os.getenv("THINK_MS") or "0")
if think > 0 then
  function delay() return think end  -- each connection waits this long before its next request
end
local threads = {}
local counter = 0
function setup(thread)
  thread:set("id", counter)
  table.insert(threads, thread)
  counter = counter + 1
end
function init(args)
  nthreads = tonumber(os.getenv("THREADS"))
  next_index = id + 1
  ok, refused, spare = 0, 0, 0
end
function request()
  local item = requests[next_index]
  next_index = next_index + nthreads
  local headers = {["Content-Type"] = "application/json"}
  if item == nil then return wrk.format("POST", os.getenv("TARGET_PATH"), headers, "{}") end
  if item[1] ~= "" then headers["Authorization"] = item[1] end
  return wrk.format("POST", os.getenv("TARGET_PATH"), headers, item[2])
end
function response(status, headers, body)
  if status == 200 and (ok_mark == "" or body:find(ok_mark, 1, true)) then ok = ok + 1
  elseif status == 400 and body:find("INVALID_INPUT", 1, true) then spare = spare + 1
  else refused = refused + 1 end
end
function done(summary, latency, requests)
  local o, r, s = 0, 0, 0
  for _, t in ipairs(threads) do o = o + t:get("ok"); r = r + t:get("refused"); s = s + t:get("spare") end
  io.write(string.format("RESULT %d %d %d %d %.3f %.3f %.3f %.3f %d %d\n", o, r, s, summary.duration,
    latency:percentile(50) / 1000, latency:percentile(99) / 1000, latency.max / 1000, latency.mean / 1000,
    summary.errors.connect + summary.errors.read + summary.errors.write, summary.errors.timeout))
end
"""


def ensure_wrk() -> str:
    found = shutil.which("wrk")
    if found:
        return found
    print("  wrk not found: apt-get install -y wrk", flush=True)
    env = {**os.environ, "DEBIAN_FRONTEND": "noninteractive"}
    if subprocess.run(["apt-get", "install", "-y", "-q", "wrk"], env=env, capture_output=True).returncode != 0:
        subprocess.run(["apt-get", "update", "-q"], env=env, check=True, capture_output=True)
        subprocess.run(["apt-get", "install", "-y", "-q", "wrk"], env=env, check=True, capture_output=True)
    return shutil.which("wrk") or "wrk"


def _sign_share(args: tuple[bytes, int, int]) -> list[tuple[bytes, bytes]]:
    pem, poll_id, count = args
    key = serialization.load_pem_private_key(pem, password=None)
    return credentials(key, poll_id, count)  # type: ignore[arg-type]


def signed_ballots(key, poll_id: int, count: int) -> list[tuple[str, str]]:  # type: ignore[no-untyped-def]
    """(receipt, JSON body) pairs, signed on every CPU (RSA-3072 signing is ~3 ms each)."""
    pem = key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption())
    cpus = os.cpu_count() or 1
    shares = [(pem, poll_id, count // cpus + (1 if i < count % cpus else 0)) for i in range(cpus)]
    with ProcessPoolExecutor(cpus) as pool:
        pairs = [pair for share in pool.map(_sign_share, shares) for pair in share]
    return [
        (
            credential_receipt(t),
            json.dumps({"token": b64u(t), "signature": b64u(s), "choice": CHOICES[i % 4]}, separators=(",", ":")),
        )
        for i, (t, s) in enumerate(pairs)
    ]


class Server:
    """`uvicorn --factory backend.app:create_app --workers N`, access log off (as `serve`);
    `factory` serves another app factory, `extra_env` adds environment variables."""

    def __init__(
        self,
        settings: Settings,
        workers: int,
        pool_size: int,
        *,
        factory: str = "backend.app:create_app",
        extra_env: dict[str, str] | None = None,
    ) -> None:
        self.port = free_port()
        self.base = f"http://127.0.0.1:{self.port}"
        env = {
            **os.environ,
            "DATABASE_URL": settings.database_url,
            "JWT_SECRET": settings.jwt_secret,
            "POLL_KEY_SECRET": settings.poll_key_secret,
            "TOTP_KEY_SECRET": settings.totp_key_secret,
            "PWA_DIST": str(settings.pwa_dist),
            "DB_POOL_SIZE": str(pool_size),
            **(extra_env or {}),
        }
        self.log = tempfile.NamedTemporaryFile(prefix="bench-uvicorn-", suffix=".log", delete=False)
        self.process = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "uvicorn",
                "--factory",
                factory,
                "--host",
                "127.0.0.1",
                "--port",
                str(self.port),
                "--workers",
                str(workers),
                "--loop",
                "uvloop",
                "--http",
                "httptools",
                "--no-access-log",
                "--log-level",
                "warning",
            ],  # fmt: skip
            cwd=PROJECT_ROOT,
            env=env,
            stdout=self.log,
            stderr=subprocess.STDOUT,
        )
        wait_until_ready(
            self.base, self.process, lambda: Path(self.log.name).read_text()[-4000:], timeout=60, pause=0.2
        )

    def pids(self) -> list[int]:
        """The uvicorn processes: the supervisor and its workers (one process when workers = 1)."""
        pids = [self.process.pid]
        children = Path(f"/proc/{self.process.pid}/task/{self.process.pid}/children")
        if children.exists():
            pids += [int(p) for p in children.read_text().split()]
        return pids

    def cpu_seconds(self) -> float:
        """User + system CPU of the uvicorn processes (the supervisor and its workers)."""
        return sum(proc_cpu_seconds(pid) for pid in self.pids())

    def stop(self) -> None:
        stop_process(self.process, timeout=15)
        self.log.close()
        Path(self.log.name).unlink(missing_ok=True)


def run_wrk(
    wrk: str,
    base: str,
    path: str,
    bodies: list[str],
    seconds: int,
    connections: int,
    threads: int,
    *,
    authorizations: list[str] | None = None,
    ok_mark: str = "",
    think_ms: int = 0,
) -> dict:
    with tempfile.TemporaryDirectory() as tmp:
        script, data = Path(tmp) / "cast.lua", Path(tmp) / "ballots.jsonl"
        script.write_text(LUA)
        auth = authorizations or [""] * len(bodies)
        data.write_text("".join(f"{a}\t{b}\n" for a, b in zip(auth, bodies, strict=True)))
        env = {
            **os.environ,
            "BALLOTS": str(data),
            "THREADS": str(threads),
            "TARGET_PATH": path,
            "OK_MARK": ok_mark,
            "THINK_MS": str(think_ms),
        }
        out = subprocess.run(
            [
                wrk,
                "-t",
                str(threads),
                "-c",
                str(connections),
                "-d",
                f"{seconds}s",
                "--timeout",
                "10s",
                "-s",
                str(script),
                base,
            ],  # fmt: skip
            env=env,
            capture_output=True,
            text=True,
            check=True,
        ).stdout
    line = next(x for x in out.splitlines() if x.startswith("RESULT "))
    ok, refused, spare, duration_us, p50, p99, mx, mean, socket_errors, timeouts = line.split()[1:]
    return {
        "ok": int(ok),
        "refused": int(refused),
        "spare": int(spare),
        "seconds": int(duration_us) / 1e6,
        "p50": float(p50),
        "p99": float(p99),
        "max": float(mx),
        "mean": float(mean),
        "socket_errors": int(socket_errors),
        "timeouts": int(timeouts),
    }


async def staged(settings: Settings, poll_id: int) -> int:
    engine = make_engine(settings)
    try:
        async with make_session_factory(engine)() as session:
            return int(await session.scalar(select(func.count()).where(StagedBallot.poll_id == poll_id)) or 0)
    finally:
        await engine.dispose()


async def staged_receipts(settings: Settings, poll_id: int) -> set[str]:
    engine = make_engine(settings)
    try:
        async with make_session_factory(engine)() as session:
            return set(await session.scalars(select(StagedBallot.receipt).where(StagedBallot.poll_id == poll_id)))
    finally:
        await engine.dispose()


async def _setup(settings: Settings, voters: int, key) -> int:  # type: ignore[no-untyped-def]
    engine = make_engine(settings)
    factory = make_session_factory(engine)
    world = await build(factory, settings, voters, key)
    await mark_all_issued_and_open(factory, world)
    await engine.dispose()
    return world.poll_id


def proc_cpu_seconds(pid: int) -> float:
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:  # gone
        return 0.0
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def postgres_cpu_seconds(database_name: str) -> dict[int, float]:
    """CPU of the PostgreSQL backends serving the bench database (their titles name it)."""
    out = {}
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                title = (entry / "cmdline").read_bytes()
            except OSError:
                continue
            if title.startswith(b"postgres:") and database_name.encode() in title:
                out[int(entry.name)] = proc_cpu_seconds(int(entry.name))
    return out


def cpu_times() -> list[int]:
    """The machine's CPU counters (/proc/stat): user nice system idle iowait irq softirq steal."""
    return [int(x) for x in Path("/proc/stat").read_text().split("\n", 1)[0].split()[1:9]]


def steal_share(before: list[int], after: list[int]) -> float:
    """The share of the machine's CPU time the hypervisor gave to others (steal) between two reads."""
    delta = [b - a for a, b in zip(before, after, strict=True)]
    return delta[7] / max(sum(delta), 1)


def load_average() -> str:
    return " ".join(Path("/proc/loadavg").read_text().split()[:3])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=int, default=10)
    parser.add_argument("--connections", type=int, default=50)
    parser.add_argument("--threads", type=int, default=2, help="wrk threads")
    parser.add_argument("--workers", type=int, nargs="+", default=[1, 2], help="uvicorn processes, one run each")
    parser.add_argument("--rate-cap", type=int, default=2000, help="ballots made per second of a run")
    parser.add_argument("--pool-size", type=int, default=10, help="DB_POOL_SIZE per uvicorn process")
    parser.add_argument(
        "--think-ms",
        type=int,
        default=0,
        help="each voter (connection) waits this long between ballots: 0 = as fast as the server answers; "
        "40 with 50 voters offers ~1,000 ballots/s, the target rate",
    )
    parser.add_argument(
        "--no-commit-flush",
        action="store_true",
        help="diagnosis only: synchronous_commit=off on the bench database (commits stop waiting for the disk)",
    )
    args = parser.parse_args()
    wrk = ensure_wrk()
    print(
        f"Python {platform.python_version()}, {os.cpu_count()} CPUs shared by PostgreSQL, uvicorn and wrk; "
        f"load average before: {load_average()}; {args.connections} connections, {args.seconds} s per run"
    )
    per_run = args.rate_cap * args.seconds
    key = blind_rsa.generate_key(3072)
    with database("postgres", pool_size=args.pool_size) as settings:
        poll_id = asyncio.run(_setup(settings, 100, key))  # the roster size does not matter to casting
        if args.no_commit_flush:
            name = settings.database_url.rsplit("/", 1)[1]
            asyncio.run(_pg_admin(f'ALTER DATABASE "{name}" SET synchronous_commit = off'))
            print("  DIAGNOSIS: synchronous_commit = off (never for a real poll: an accepted ballot could be lost)")
        t0 = time.perf_counter()
        ballots = signed_ballots(key, poll_id, per_run * len(args.workers) + 200)
        print(f"  {len(ballots)} ballots signed in {time.perf_counter() - t0:.1f} s; wrk {wrk}")
        warmup, bodies = [b for _, b in ballots[:200]], ballots[200:]
        path = f"/polls/{poll_id}/ballots"
        for i, workers in enumerate(args.workers):
            chunk = bodies[i * per_run : (i + 1) * per_run]
            before = asyncio.run(staged(settings, poll_id))
            factory = os.environ.get("BENCH_APP_FACTORY", "backend.app:create_app")
            # wrk sends from one address: the casting limit out of reach (still counted, as in production)
            limit = {"RATE_LIMIT_CASTS_PER_ADDRESS": str(10**9)}
            server = Server(settings, workers, args.pool_size, factory=factory, extra_env=limit)
            try:
                first = i * 100
                run_wrk(wrk, server.base, path, warmup[first : first + 100], 2, 10, 1)  # pools, key cache
                time.sleep(0.5)
                after_warmup = asyncio.run(staged(settings, poll_id))
                dbname = settings.database_url.rsplit("/", 1)[1]
                load, cpu0, pg0 = load_average(), server.cpu_seconds(), postgres_cpu_seconds(dbname)
                machine0 = cpu_times()
                r = run_wrk(
                    wrk,
                    server.base,
                    path,
                    [b for _, b in chunk],
                    args.seconds,
                    args.connections,
                    args.threads,
                    think_ms=args.think_ms,
                )
                steal = steal_share(machine0, cpu_times())
                time.sleep(0.5)  # requests wrk left in flight when it stopped are answered to no one
                cpu = server.cpu_seconds() - cpu0
                pg = sum(v - pg0.get(pid, 0.0) for pid, v in postgres_cpu_seconds(dbname).items())
                counted = asyncio.run(staged(settings, poll_id)) - after_warmup
                stored = asyncio.run(staged_receipts(settings, poll_id))
                spent = [body for receipt, body in chunk if receipt in stored][:3000]
                replay = run_wrk(wrk, server.base, path, spent, 3, 10, 1)
                time.sleep(0.5)
                after_replay = asyncio.run(staged(settings, poll_id)) - after_warmup
            finally:
                server.stop()
            rate = r["ok"] / r["seconds"]
            print(
                f"  {workers} uvicorn process{'es' if workers > 1 else ''}: {rate:7.0f} ballots/s = "
                f"{rate / TARGET_RATE:4.2f}x target | p50 {r['p50']:.1f} ms, p99 {r['p99']:.1f} ms "
                f"({r['p99'] / TARGET_P99_MS:4.2f}x the limit), max {r['max']:.1f} ms, mean {r['mean']:.1f} ms | "
                f"accepted {r['ok']}, refused {r['refused']}, socket errors {r['socket_errors']}, "
                f"timeouts {r['timeouts']} | staged {counted} ({counted - r['ok']} answered after wrk stopped) | "
                f"replayed {replay['ok'] + replay['refused']} spent tokens: accepted {replay['ok']}, refused {replay['refused']}, "
                f"double counts {after_replay - counted} | "
                f"CPU per ballot: uvicorn {1000 * cpu / max(counted, 1):.2f} ms, PostgreSQL backends "
                f"{1000 * pg / max(counted, 1):.2f} ms | CPU steal {100 * steal:.0f} % | load average at start {load} "
                f"(warm-up staged {after_warmup - before})"
            )
            assert r["spare"] == 0, "the ballots ran out: raise --rate-cap"
            assert replay["ok"] == 0, "a spent token was accepted again"
            assert after_replay == counted, "a ballot was counted twice"


if __name__ == "__main__":
    main()
