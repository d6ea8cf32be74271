"""The garbage collector in a long-running server process.

A full (generation 2) collection walks every object the collector tracks. Right after start-up
that is the GraphQL schema, the ORM mappings and every imported library — about 110 ms of CPU in
this app, during which the event loop answers nobody. It came round every couple of seconds under
load and was the whole p99 of ballot casting (105–122 ms at 1,000 ballots/s; docs/PERFORMANCE.md).
Those objects live as long as the process anyway, so they are frozen out of the collector's reach
once the app has started: a full collection then costs about a millisecond.
"""

from __future__ import annotations

import gc


def freeze_startup_heap() -> None:
    gc.collect()  # what start-up left as garbage goes first: frozen garbage would never be freed
    gc.freeze()
