"""The emulator object: configuration, clock, catalog, sessions, ids.

One ``Emulator`` serves one HTTP server.  Handlers run under ``lock`` (the
state is small and quick to change; the server keeps sleeps and body reads
outside it), so the emulator behaves like a strictly serialised service.

The clock is virtual: real time plus an offset that tests move through
``POST /__admin/clock``.  Session TTLs, STS expiry and the Date-skew check
all read it, which is how tests get a 25-hour-old session in milliseconds.
"""

import collections
import threading
import time
from dataclasses import dataclass, field

from . import auth
from .faults import FaultSet
from .sessions import SessionRegistry
from .stats import Stats
from .store import Catalog

ID_KINDS = ("upload", "stream", "upsert", "instance")


@dataclass
class Config:
    """Everything the command line can set (see ``cli``)."""

    access_keys: dict = None            # id -> secret; None = the spec's test key
    sts_credentials: list = field(default_factory=list)   # [auth.TemporaryCredential]
    default_sts: bool = True            # also accept the transcript's STS credential
    projects: tuple = ("test_project",)
    session_ttl: float = 86400.0
    idle_timeout: float = 120.0
    max_clock_skew: float = 0.0         # 0 = Date not checked
    region: str = None                  # v4 scope region required; None = any
    stream_slots: int = 1
    instance_polls: int = 0             # status polls answered "Running" first
    max_field_size: int = 8 * 1024 * 1024
    owner: str = "ALIYUN$owner@example.com"
    host_id: str = "localhost"
    start_time: float = None            # initial virtual clock (epoch seconds)


class Clock:
    def __init__(self, start=None):
        self._offset = 0.0 if start is None else start - time.time()
        self._lock = threading.Lock()

    def now(self):
        return time.time() + self._offset

    def advance(self, seconds):
        with self._lock:
            self._offset += seconds

    def set(self, epoch):
        with self._lock:
            self._offset = epoch - time.time()


@dataclass
class Instance:
    """A SQL instance; DDL runs at creation, polls may report Running first."""

    instance_id: str
    project: str
    task_name: str
    created: float
    succeeded: bool
    result: str
    polls_left: int = 0


class Emulator:
    def __init__(self, config=None):
        self.config = config or Config()
        temporary = list(self.config.sts_credentials)
        if self.config.default_sts:
            temporary.append(auth.TemporaryCredential(*auth.TRANSCRIPT_STS))
        self.credentials = auth.Credentials(self.config.access_keys, temporary)
        self.clock = Clock(self.config.start_time)
        self.faults = FaultSet()
        self.stats = Stats()
        self.lock = threading.RLock()
        self.address = "127.0.0.1:0"    # host:port, set by the server once bound
        self.scheme = "http"
        self.reset()

    def reset(self):
        """Forget all data, sessions, pinned ids and counters (not faults)."""
        with self.lock:
            now = self.clock.now()
            self.catalog = Catalog()
            for name in self.config.projects:
                self.catalog.ensure_project(name, now)
            self.sessions = SessionRegistry()
            self.instances = {}
            self.used_nonces = {}
            self._pinned = collections.defaultdict(collections.deque)
            self._serial = 0
            self.stats.reset()

    @property
    def base_url(self):
        return "%s://%s" % (self.scheme, self.address)

    def pin_ids(self, kind, ids):
        """Hand out these ids next for ``kind`` (transcript replay, golden tests)."""
        if kind not in ID_KINDS:
            raise ValueError("id kind must be one of %s" % ", ".join(ID_KINDS))
        with self.lock:
            self._pinned[kind].extend(str(i) for i in ids)

    def new_id(self, kind):
        """A fresh id: ``yyyymmddHHMMSS`` (UTC, virtual clock) + serial."""
        with self.lock:
            if self._pinned[kind]:
                return self._pinned[kind].popleft()
            self._serial += 1
            now = self.clock.now()
            stamp = time.strftime("%Y%m%d%H%M%S", time.gmtime(now))
            if kind == "instance":
                return "%s%03dg%07d" % (stamp, int(now * 1000) % 1000, self._serial)
            return "%s%018d%s" % (stamp, self._serial, "" if kind == "upload" else kind)

    def expire_session(self, session_id):
        """Force a session into ``expired`` (the ``expire_session`` fault)."""
        with self.lock:
            session = self.sessions.find(session_id or "")
            if session is not None:
                session.forced_expired = True

    def next_request_id(self):
        with self.lock:
            self._serial += 1
            return "%016X%08X" % (int(self.clock.now() * 1000), self._serial)
