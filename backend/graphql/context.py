"""Per-request context: settings, sessions, the acting user and DataLoaders."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from datetime import date

import strawberry
from sqlalchemy.ext.asyncio import AsyncSession
from starlette.requests import HTTPConnection

from backend.auth.actor import Actor
from backend.auth.bearer import request_actor
from backend.core.db import SessionFactory
from backend.core.public_url import public_base_url
from backend.core.settings import Settings
from backend.graphql.loaders import Loaders
from backend.ratelimit.policies import ClientRateLimits


@dataclass
class Context:
    settings: Settings
    session_factory: SessionFactory
    request: HTTPConnection
    rate_limits: ClientRateLimits  # bound to this request's client address
    carries_identity: bool = False  # an Authorization or Cookie header came with the request
    today: date = field(default_factory=date.today)
    loaders: Loaders = field(init=False)
    _actor: Actor | None = field(init=False, default=None)
    _decoded: bool = field(init=False, default=False)

    def __post_init__(self) -> None:
        self.loaders = Loaders(self.session_factory, self.today)

    @property
    def actor(self) -> Actor | None:
        """The caller, or None when anonymous (`backend.auth.bearer`); decoded on first use, so that
        a stale token does not stand in the way of fields that need no login (such as `login`)."""
        if not self._decoded:
            self._actor = request_actor(self.request)  # a bad token raises, here and on every later use
            self._decoded = True
        return self._actor

    @property
    def public_base_url(self) -> str:
        """Where phones reach the app, for QR codes and links (backend/core/public_url.py)."""
        return public_base_url(self.settings, self.request)

    @property
    def link_settings(self) -> Settings:
        """The settings with PUBLIC_BASE_URL resolved for this request (for services that print links)."""
        if self.settings.public_base_url:
            return self.settings
        return self.settings.with_overrides(public_base_url=self.public_base_url)

    @asynccontextmanager
    async def session(self) -> AsyncIterator[AsyncSession]:
        """A short read session for one resolver."""
        async with self.session_factory() as session:
            yield session

    @asynccontextmanager
    async def transaction(self) -> AsyncIterator[AsyncSession]:
        """One transaction for one mutation: committed on success, rolled back on any error."""
        async with self.session_factory.begin() as session:
            yield session


Info = strawberry.Info[Context, None]
"""The `info` of every resolver: its `context` is a `Context` (a bare `strawberry.Info` types it Any)."""
