"""A real S3-protocol server for the S3 storage tests: moto's server (`moto[s3]`, a dev
dependency), started once per session as a subprocess on a free loopback port and stopped at
the end. MinIO itself cannot be installed from the registries this project may use (docs/MEDIA.md).

To run the same tests against another server (a real MinIO, Ceph RGW …), set TEST_S3_ENDPOINT_URL
and, unless they are the defaults below, TEST_S3_ACCESS_KEY_ID / TEST_S3_SECRET_ACCESS_KEY: the
tests then create their buckets there.
"""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import boto3
import pytest

from backend.media.s3 import client_config
from tests.live_server import free_port, stop_process

EXTERNAL_ENDPOINT_URL = os.environ.get("TEST_S3_ENDPOINT_URL", "")
S3_ACCESS_KEY_ID = os.environ.get("TEST_S3_ACCESS_KEY_ID", "test-access-key")
S3_SECRET_ACCESS_KEY = os.environ.get("TEST_S3_SECRET_ACCESS_KEY", "test-secret-key")
S3_REGION = "us-east-1"
STARTUP_SECONDS = 20


_BOTO = boto3.session.Session()  # one session: its clients share the loaded S3 API model


def s3_client(endpoint_url: str, **config: Any) -> Any:
    return _BOTO.client(
        "s3",
        endpoint_url=endpoint_url,
        region_name=S3_REGION,
        aws_access_key_id=S3_ACCESS_KEY_ID,
        aws_secret_access_key=S3_SECRET_ACCESS_KEY,
        config=client_config(**config),
    )


@dataclass(frozen=True)
class S3Server:
    endpoint_url: str
    client: Any  # thread-safe; shared by the tests


def _wait_until_listening(process: subprocess.Popen[bytes], port: int, log: Path) -> None:
    deadline = time.monotonic() + STARTUP_SECONDS
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"moto_server exited early:\n{log.read_text(errors='replace')}")
        try:
            socket.create_connection(("127.0.0.1", port), timeout=0.2).close()
            return
        except OSError:
            time.sleep(0.1)
    raise RuntimeError(f"moto_server did not listen on port {port} within {STARTUP_SECONDS} s")


@pytest.fixture(scope="session")
def s3_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[S3Server]:
    if EXTERNAL_ENDPOINT_URL:
        yield S3Server(EXTERNAL_ENDPOINT_URL, s3_client(EXTERNAL_ENDPOINT_URL))
        return
    port = free_port()
    log = tmp_path_factory.mktemp("moto") / "server.log"  # a file, not a pipe nobody drains
    with log.open("wb") as output:
        process = subprocess.Popen(
            [sys.executable, "-m", "moto.server", "-H", "127.0.0.1", "-p", str(port)],
            stdout=output,
            stderr=subprocess.STDOUT,
        )
    try:
        _wait_until_listening(process, port, log)
        endpoint_url = f"http://127.0.0.1:{port}"
        yield S3Server(endpoint_url, s3_client(endpoint_url))
    finally:
        stop_process(process)


@pytest.fixture
def s3_bucket(s3_server: S3Server) -> str:
    """A new, empty bucket for one test."""
    name = f"zct-{uuid.uuid4().hex[:12]}"
    s3_server.client.create_bucket(Bucket=name)
    return name
