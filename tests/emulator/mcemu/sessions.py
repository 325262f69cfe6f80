"""Tunnel sessions: batch upload (3.4), streaming (3.6) and upsert (3.7).

Sessions hold data that is not yet visible: blocks of a batch session until
commit, upsert operations until commit.  Streaming packs are applied to the
table as they arrive (no commit), so a stream session only tracks routing.

Expiry is computed from the creation time and a TTL on the emulator clock
(default 24 h for batch sessions, ``lifecycle`` hours for upsert sessions);
the ``expire_session`` fault forces it.
"""

from dataclasses import dataclass, field

from .messages import ServiceError

MAX_BLOCKS = 20000       # block ids 0..19999 (spec 6)


@dataclass
class Block:
    block_id: int
    rows: list
    record_count: int
    size: int
    created: float
    version: int = 0


@dataclass
class _Session:
    session_id: str
    table: object              # store.Table
    partition: tuple           # partition key values
    created: float
    ttl: float = None          # seconds; None = no expiry
    closed_status: str = None  # terminal status once closed/committed/aborted
    forced_expired: bool = False

    def status(self, now):
        """Current status string as the service spells it (lower case)."""
        if self.closed_status:
            return self.closed_status
        if self.forced_expired or (self.ttl is not None and now >= self.created + self.ttl):
            return "expired"
        return "normal"

    def require_open(self, now, what):
        """Raise ``StatusConflict`` unless the session accepts ``what``."""
        status = self.status(now)
        if status != "normal":
            raise ServiceError(409, "StatusConflict", "cannot %s: session %s is %s"
                               % (what, self.session_id, status))


@dataclass
class UploadSession(_Session):
    overwrite: bool = False
    blocks: dict = field(default_factory=dict)      # block id -> Block


@dataclass
class StreamSession(_Session):
    slots: list = field(default_factory=list)       # [(slot id, "host:port")]


@dataclass
class UpsertSession(_Session):
    slots: list = field(default_factory=list)       # [(slot id, [buckets], "host:port")]
    operations: list = field(default_factory=list)  # [("U" | "D", row)]


class SessionRegistry:
    """All sessions by kind and id."""

    def __init__(self):
        self.uploads = {}
        self.streams = {}
        self.upserts = {}

    def add(self, session):
        self._kind(type(session))[session.session_id] = session
        return session

    def _kind(self, cls):
        return {UploadSession: self.uploads, StreamSession: self.streams,
                UpsertSession: self.upserts}[cls]

    def get(self, cls, session_id, table):
        """Look a session up; it must belong to ``table``."""
        if not session_id:
            raise ServiceError(400, "InvalidArgument", "missing session id parameter")
        session = self._kind(cls).get(session_id)
        if session is None or session.table is not table:
            raise ServiceError(404, "NoSuchUpload", "no %s session %s on table %s"
                               % (cls.__name__.replace("Session", "").lower(), session_id,
                                  table.full_name))
        return session

    def find(self, session_id):
        """Any session with this id (used by the expire_session fault)."""
        for registry in (self.uploads, self.streams, self.upserts):
            if session_id in registry:
                return registry[session_id]
        return None

    def all(self):
        for registry in (self.uploads, self.streams, self.upserts):
            yield from registry.values()
