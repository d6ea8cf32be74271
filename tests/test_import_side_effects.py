"""Importing the backend changes nothing outside itself: no ORM event listener, no logger level,
no route convertor. Those are installed by explicit calls — `create_app`, the CLI, the demo
loader (backend/hooks.py) — so a tool or test that only imports a module gets no hidden hook.

Checked in a fresh interpreter (this one has the hooks installed by tests/conftest.py): every
`sqlalchemy.event.listen` and every logger change whose caller is a backend module is recorded
while every backend module is imported."""

from __future__ import annotations

import json
import subprocess
import sys

from backend.core.settings import PROJECT_ROOT

PROBE = r"""
import importlib, json, logging, pkgutil, sys
from pathlib import Path

import sqlalchemy.event
import sqlalchemy.event.api

BACKEND = str(Path("backend").resolve()) + "/"
SKIP = (sqlalchemy.event.api.__file__, logging.__file__)
calls = []


def caller():
    frame = sys._getframe(2)
    while frame is not None and frame.f_code.co_filename in SKIP:
        frame = frame.f_back  # through `@event.listens_for` and logging's own calls
    return frame.f_code.co_filename if frame is not None else ""


def recording(name, real):
    def record(*args, **kwargs):
        where = caller()
        if where.startswith(BACKEND):
            calls.append(f"{name} from {where[len(BACKEND):]}")
        return real(*args, **kwargs)

    return record


listen = recording("sqlalchemy.event.listen", sqlalchemy.event.api.listen)
sqlalchemy.event.listen = sqlalchemy.event.api.listen = listen
for method in ("setLevel", "addHandler", "removeHandler", "addFilter"):
    setattr(logging.Logger, method, recording(f"Logger.{method}", getattr(logging.Logger, method)))
logging.basicConfig = recording("logging.basicConfig", logging.basicConfig)

import backend

for module in pkgutil.walk_packages(backend.__path__, "backend."):
    importlib.import_module(module.name)

from sqlalchemy import event
from sqlalchemy.orm import Session
from starlette.convertors import CONVERTOR_TYPES

from backend.audit.chain import _link_pending_events
from backend.hooks import install_process_hooks

state = lambda: {
    "audit_hook": event.contains(Session, "before_flush", _link_pending_events),
    "aiosqlite_level": logging.getLogger("aiosqlite").level,
    "id_convertor": "id" in CONVERTOR_TYPES,
}
imported = state()
calls_at_import = list(calls)
install_process_hooks()
print(json.dumps({"calls": calls_at_import, "imported": imported, "installed": state()}))
"""


def test_importing_the_backend_installs_no_hook_and_changes_no_logger() -> None:
    result = subprocess.run(
        [sys.executable, "-c", PROBE], cwd=PROJECT_ROOT, capture_output=True, text=True, timeout=120, check=False
    )
    assert result.returncode == 0, result.stderr
    report = json.loads(result.stdout.splitlines()[-1])
    assert report["calls"] == []
    assert report["imported"] == {"audit_hook": False, "aiosqlite_level": 0, "id_convertor": False}
    # …and the explicit call installs them (create_app also registers the route convertor).
    assert report["installed"] == {"audit_hook": True, "aiosqlite_level": 20, "id_convertor": False}
