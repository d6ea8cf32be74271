"""A private PostgreSQL server for fault tests: its own data directory, port and socket, so a test
may stop and start it without touching the machine's server that every other test uses."""

from __future__ import annotations

import os
import pwd
import shutil
import subprocess
import tempfile
import time
from pathlib import Path

from tests.live_server import free_port

PG_BIN_ROOT = Path("/usr/lib/postgresql")
RUN_AS = "postgres"  # initdb and postgres refuse to run as root


def _pg_bin() -> Path:
    versions = sorted((p for p in PG_BIN_ROOT.glob("*/bin") if (p / "pg_ctl").is_file()), reverse=True)
    if not versions:
        raise RuntimeError(f"no PostgreSQL server binaries under {PG_BIN_ROOT}")
    return versions[0]


class PrivatePostgres:
    """initdb + pg_ctl as the `postgres` user; trust auth on 127.0.0.1 only."""

    def __init__(self) -> None:
        self.bin = _pg_bin()
        self.root = Path(tempfile.mkdtemp(prefix="zct-faults-pg-"))
        self.data = self.root / "data"
        self.port = free_port()
        self.log = self.root / "server.log"
        owner = pwd.getpwnam(RUN_AS)
        os.chown(self.root, owner.pw_uid, owner.pw_gid)
        self._run("initdb", "-D", str(self.data), "-A", "trust", "-U", "postgres", "--no-sync", "-E", "UTF8")

    def url(self, database: str = "postgres", driver: str = "postgresql+asyncpg") -> str:
        return f"{driver}://postgres@127.0.0.1:{self.port}/{database}"

    def start(self) -> None:
        options = (
            f"-p {self.port} -k {self.root} -c listen_addresses=127.0.0.1 -c fsync=off "
            "-c max_connections=200 -c shared_buffers=32MB"
        )
        self._run("pg_ctl", "-D", str(self.data), "-l", str(self.log), "-o", options, "-w", "-t", "30", "start")

    def stop(self, mode: str = "fast") -> None:
        """`fast` ends every session (clients get AdminShutdown); `immediate` is a crash."""
        self._run("pg_ctl", "-D", str(self.data), "-m", mode, "-w", "-t", "30", "stop")

    def is_running(self) -> bool:
        status = subprocess.run(
            ["runuser", "-u", RUN_AS, "--", str(self.bin / "pg_ctl"), "-D", str(self.data), "status"],
            capture_output=True,
        )
        return status.returncode == 0

    def wait_accepting(self, timeout: float = 30) -> None:
        deadline = time.monotonic() + timeout
        while True:
            ready = subprocess.run(
                [str(self.bin / "pg_isready"), "-h", "127.0.0.1", "-p", str(self.port), "-U", "postgres"],
                capture_output=True,
            )
            if ready.returncode == 0:
                return
            if time.monotonic() > deadline:
                raise RuntimeError(f"private PostgreSQL not ready: {self.log_tail()}")
            time.sleep(0.1)

    def create_database(self, name: str) -> None:
        subprocess.run(
            [str(self.bin / "createdb"), "-h", "127.0.0.1", "-p", str(self.port), "-U", "postgres", name],
            check=True,
            capture_output=True,
        )

    def destroy(self) -> None:
        if self.is_running():
            self.stop("immediate")
        shutil.rmtree(self.root, ignore_errors=True)

    def log_tail(self, chars: int = 3000) -> str:
        try:
            return self.log.read_text(errors="replace")[-chars:]
        except OSError:
            return "(no server log)"

    def _run(self, tool: str, *args: str) -> None:
        done = subprocess.run(
            ["runuser", "-u", RUN_AS, "--", str(self.bin / tool), *args], capture_output=True, text=True
        )
        if done.returncode != 0:
            raise RuntimeError(f"{tool} failed ({done.returncode}): {done.stderr[-2000:]}\n{self.log_tail()}")
