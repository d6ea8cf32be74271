"""A real server process (uvicorn) on loopback, for tests that need real connections."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import IO

import httpx

from backend.core.settings import PROJECT_ROOT, Settings


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def server_env(settings: Settings, extra_env: dict[str, str] | None = None) -> dict[str, str]:
    """The environment a `python -m backend.cli serve` subprocess needs to serve `settings`."""
    return {
        **os.environ,
        "DATABASE_URL": settings.database_url,
        "JWT_SECRET": settings.jwt_secret,
        "POLL_KEY_SECRET": settings.poll_key_secret,
        "TOTP_KEY_SECRET": settings.totp_key_secret,
        "PWA_DIST": str(settings.pwa_dist),
        "MEDIA_DIR": str(settings.media_dir),
        "DB_POOL_SIZE": str(settings.db_pool_size),
        "RATE_LIMIT_LOGIN_PER_PHONE": str(settings.rate_limit_login_per_phone),
        "RATE_LIMIT_LOGIN_PER_ADDRESS": str(settings.rate_limit_login_per_address),
        "RATE_LIMIT_CREDENTIALS_PER_USER": str(settings.rate_limit_credentials_per_user),
        "RATE_LIMIT_CASTS_PER_ADDRESS": str(settings.rate_limit_casts_per_address),
        **(extra_env or {}),
    }


def start_serving(port: int, env: dict[str, str], log: IO[bytes]) -> subprocess.Popen[bytes]:
    """`python -m backend.cli serve` on loopback `port`, its output to `log`."""
    return subprocess.Popen(
        [sys.executable, "-m", "backend.cli", "serve", "--host", "127.0.0.1", "--port", str(port)],
        cwd=PROJECT_ROOT,
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
    )


def wait_until_ready(
    base: str, process: subprocess.Popen[bytes], log_tail: Callable[[], str], *, timeout: float = 30, pause: float = 0.1
) -> None:
    """Until `base`/readyz answers 200; RuntimeError with the log's tail when the process exits or time runs out."""
    deadline = time.monotonic() + timeout
    while True:
        try:
            if httpx.get(f"{base}/readyz", timeout=1).status_code == 200:
                return
        except httpx.HTTPError:
            pass
        if process.poll() is not None or time.monotonic() > deadline:
            raise RuntimeError(f"server did not start: {log_tail()}")
        time.sleep(pause)


def stop_process(process: subprocess.Popen[bytes], timeout: float = 10) -> None:
    """SIGTERM, and SIGKILL if it has not gone after `timeout` seconds."""
    process.terminate()
    try:
        process.wait(timeout=timeout)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait(timeout=timeout)


@contextmanager
def live_server(
    settings: Settings, *, port: int | None = None, extra_env: dict[str, str] | None = None
) -> Iterator[str]:
    """Serve `settings` on loopback; `extra_env` adds or overrides environment variables."""
    port = port or free_port()
    log = tempfile.NamedTemporaryFile(prefix="live-server-", suffix=".log", delete=False)
    process = start_serving(port, server_env(settings, extra_env), log)
    base = f"http://127.0.0.1:{port}"
    try:
        wait_until_ready(base, process, lambda: Path(log.name).read_text()[-4000:])
        yield base
    except BaseException:
        print(f"--- server log (tail) ---\n{Path(log.name).read_text()[-6000:]}")
        raise
    finally:
        stop_process(process)
        log.close()
        Path(log.name).unlink(missing_ok=True)
