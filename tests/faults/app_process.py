"""The app as a real `backend.cli serve` process that a test may SIGKILL and start again on the
same port (tests/live_server.py only stops it politely at the end)."""

from __future__ import annotations

import os
import signal
import subprocess
import tempfile
from pathlib import Path

from backend.core.settings import Settings
from tests.live_server import free_port, server_env, start_serving, stop_process, wait_until_ready


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
            self.process = start_serving(self.port, self.env, log)
        self.wait_ready(timeout)

    def wait_ready(self, timeout: float = 30) -> None:
        assert self.process is not None
        wait_until_ready(self.base_url, self.process, self.log_tail, timeout=timeout, pause=0.05)

    def kill(self) -> None:
        """SIGKILL: no shutdown hook runs, open transactions die with their connections."""
        assert self.process is not None
        os.kill(self.process.pid, signal.SIGKILL)
        self.process.wait(timeout=10)

    def stop(self) -> None:
        if self.process is not None and self.process.poll() is None:
            stop_process(self.process)

    def log_tail(self, chars: int = 6000) -> str:
        try:
            return self.log.read_text(errors="replace")[-chars:]
        except OSError:
            return "(no app log)"

    def close(self) -> None:
        self.stop()
        self.log.unlink(missing_ok=True)
