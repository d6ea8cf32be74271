"""Process-wide hooks, installed by an explicit call and never by importing a module.

`install_process_hooks()` is called by whatever writes through ORM sessions: the app factory
(`create_app`), the admin CLI (`backend.cli.main`), the demo loader (`load_demo`) and the test
and benchmark harnesses. Calling it again changes nothing.
"""

from __future__ import annotations

from backend.audit import chain as audit_chain
from backend.core.db import quiet_driver_logs


def install_process_hooks() -> None:
    audit_chain.install()  # audit events are linked into their county's hash chain at every flush
    quiet_driver_logs()  # no statement (nor its parameters) in the logs, whatever the root level
