"""Everything a request handler may need, wired once by create_app (nothing is built at import time)."""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import cached_property, lru_cache
from typing import TYPE_CHECKING

from fastapi.templating import Jinja2Templates
from sqlalchemy import Engine
from sqlalchemy.orm import Session, sessionmaker

from peel.audit.store import AuditStore
from peel.audit.witness import AuditWitness
from peel.core.clock import Clock, utcnow
from peel.core.ratelimit import RateLimiter
from peel.db.engine import make_session_factory, read_only
from peel.db.uow import Actor, UnitOfWork
from peel.events.bus import EventBus
from peel.events.relay import OutboxRelay
from peel.identity.passwords import Passwords
from peel.identity.service import LoginPolicy
from peel.settings import Settings

if TYPE_CHECKING:
    from peel.jobs.service import Jobs
    from peel.roads.graph import RoadGraph


@dataclass
class Platform:
    settings: Settings
    engine: Engine
    sessions: sessionmaker[Session]
    audit: AuditStore
    bus: EventBus
    relay: OutboxRelay
    templates: Jinja2Templates
    login_policy: LoginPolicy
    passwords: Passwords
    limiter: RateLimiter
    witness: AuditWitness | None = None  # where signed checkpoints are kept outside the database
    clock: Clock = utcnow  # the one clock: every unit of work, job and relay reads time from it
    _roads: RoadGraph | None = field(default=None, repr=False)
    _jobs: Jobs | None = field(default=None, repr=False)

    def use_jobs(self, jobs: Jobs) -> None:
        self._jobs = jobs

    @property
    def jobs(self) -> Jobs:
        if self._jobs is None:
            raise RuntimeError("the jobs service is wired by create_app")
        return self._jobs

    def uow(self, actor: Actor, *, read_only: bool = False) -> UnitOfWork:
        """A unit of work; ``read_only`` runs its queries without the writer lock (see ``peel.db.uow``)."""
        reads = self.read_sessions if read_only else None
        return UnitOfWork(
            self.sessions, self.audit, actor, after_commit=self.relay.nudge, reads=reads, clock=self.clock
        )

    @cached_property
    def read_sessions(self) -> sessionmaker[Session]:
        return make_session_factory(read_only(self.engine))

    @cached_property
    def audit_key(self) -> bytes:
        return self.settings.secret_key.get_secret_value().encode()

    def roads(self) -> RoadGraph:
        if self._roads is None:
            path = self.settings.road_graph.resolve()
            self._roads = _shared_graph(str(path), path.stat().st_mtime)
        return self._roads


@lru_cache(maxsize=2)
def _shared_graph(path: str, mtime: float) -> RoadGraph:
    """The graph is immutable, so apps in one process (tests, several app instances) share one copy."""
    from pathlib import Path

    from peel.roads.graph import load_road_graph

    return load_road_graph(Path(path)).warm_up()
