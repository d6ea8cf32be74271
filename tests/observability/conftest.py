"""Observability tests reuse the poll tests' pre-made signing keys (making one costs up to 2 s)."""

from tests.polls.conftest import fast_poll_keys, key_pool  # noqa: F401
