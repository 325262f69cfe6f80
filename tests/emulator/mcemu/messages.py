"""Request/response values passed between the HTTP layer and the handlers.

Handlers never touch sockets: they get a ``Request`` with the body already
read and return a ``Response`` or raise ``ServiceError``; the server decides
how an error is rendered (XML for REST, JSON for Tunnel, spec 3.9) and applies
faults around the handler.
"""

import json
from dataclasses import dataclass, field


class ServiceError(Exception):
    """An error answer: HTTP status, service error code, message."""

    def __init__(self, status, code, message, headers=None):
        super().__init__("%d %s: %s" % (status, code, message))
        self.status = status
        self.code = code
        self.message = message
        self.headers = list(headers or [])


@dataclass
class Request:
    method: str
    target: str            # request target as received (path?query)
    path: str              # percent-decoded path
    query: list            # [(name, value or None)], decoded
    headers: list          # [(name, value)] in arrival order
    body: bytes = b""
    drop_block: bool = False   # set by the drop_block fault (M9)

    def param(self, name, default=None):
        """Value of a query parameter (``""`` for a bare name), or default."""
        for key, value in self.query:
            if key == name:
                return "" if value is None else value
        return default

    def has(self, name):
        return any(key == name for key, _ in self.query)

    def header(self, name, default=None):
        lowered = name.lower()
        for key, value in self.headers:
            if key.lower() == lowered:
                return value
        return default


@dataclass
class Response:
    status: int
    body: bytes = b""
    content_type: str = None
    headers: list = field(default_factory=list)
    error: ServiceError = None      # the error this response renders, for the log

    @classmethod
    def json(cls, status, document, headers=None):
        return cls(status, json.dumps(document, separators=(",", ":")).encode("utf-8"),
                   "application/json", list(headers or []))

    @classmethod
    def xml(cls, status, text, headers=None):
        return cls(status, text.encode("utf-8"), "application/xml", list(headers or []))
