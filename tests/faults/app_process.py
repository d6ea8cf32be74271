"""The app as a real `backend.cli serve` process that a test may SIGKILL and start again on the
same port (tests/live_server.py only stops it politely at the end)."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import httpx

from backend.settings import PROJECT_ROOT, Settings
from tests.live_server import free_port, server_env


class AppProcess:
    def __init__(self, settings: Settings, extra_env: dict[str, str] | None = None) -> None:
        self.port = free_port()
        self.base_url = f"http://127.0.0.1:{self.port}"
        self.env = server_env(settings, extra_env)
        fd, log_name = tempfile.mkstemp(prefix="zct-faults-app-", suffix=".log")
        os.close(fd)
        self.log = Path(log_name)
        self.process: subprocess.Popen[bytes] | None = None

    @property
    def pid(self) -> int:
        assert self.process is not None
        return self.process.pid

    def start(self, timeout: float = 30) -> None:
        with self.log.open("ab") as log:
            self.process = subprocess.Popen(
                [sys.executable, "-m", "backend.cli", "serve", "--host", "127.0.0.1", "--port", str(self.port)],
                cwd=PROJECT_ROOT,
                env=self.env,
                stdout=log,
                stderr=subprocess.STDOUT,
            )
        self.wait_ready(timeout)

    def wait_ready(self, timeout: float = 30) -> None:
        deadline = time.monotonic() + timeout
        while True:
            try:
                if httpx.get(f"{self.base_url}/readyz", timeout=1).status_code == 200:
                    return
            except httpx.HTTPError:
                pass
            if (self.process is not None and self.process.poll() is not None) or time.monotonic() > deadline:
                raise RuntimeError(f"app did not become ready: {self.log_tail()}")
            time.sleep(0.05)

    def kill(self) -> None:
        """SIGKILL: no shutdown hook runs, open transactions die with their connections."""
        assert self.process is not None
        os.kill(self.process.pid, signal.SIGKILL)
        self.process.wait(timeout=10)

    def stop(self) -> None:
        if self.process is None or self.process.poll() is not None:
            return
        self.process.terminate()
        try:
            self.process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait(timeout=10)

    def log_tail(self, chars: int = 6000) -> str:
        try:
            return self.log.read_text(errors="replace")[-chars:]
        except OSError:
            return "(no app log)"

    def close(self) -> None:
        self.stop()
        self.log.unlink(missing_ok=True)
