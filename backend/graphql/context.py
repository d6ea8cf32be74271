"""Per-request context: settings, sessions, the acting user and DataLoaders."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from datetime import date

from sqlalchemy.ext.asyncio import AsyncSession

from backend.auth.actor import Actor
from backend.auth.tokens import InvalidAccessToken, decode_access_token
from backend.core.db import SessionFactory
from backend.core.errors import Unauthenticated
from backend.core.settings import Settings
from backend.graphql.loaders import Loaders
from backend.ratelimit.policies import ClientRateLimits


@dataclass
class Context:
    settings: Settings
    session_factory: SessionFactory
    bearer_token: str | None
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
        """The caller, or None when anonymous. A present but bad token is an error, not anonymity,
        so that the app knows to refresh instead of treating the user as logged out."""
        if not self._decoded:
            self._decoded = True
            if self.bearer_token:
                try:
                    self._actor = decode_access_token(self.settings, self.bearer_token)
                except InvalidAccessToken as exc:
                    raise Unauthenticated("登录已过期，请重新登录") from exc
        return self._actor

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


def bearer_token(authorization: str | None) -> str | None:
    if not authorization:
        return None
    scheme, _, token = authorization.partition(" ")
    return (token.strip() or None) if scheme.lower() == "bearer" else None
