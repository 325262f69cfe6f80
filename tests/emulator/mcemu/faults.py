"""Fault rules: what to break, for which requests, how many times.

A rule matches a request by method, a glob on the decoded path, required
query parameters (optionally with values) and/or the route name the emulator
assigned (``tunnel.upload_commit`` ...).  The first rule that matches and still
has uses fires; ``skip`` lets the first K matches through, ``times`` limits how
often it fires (-1 = forever).

Actions, mapped to reliability.md 5.5:

==================  ========================================================
``error``           answer ``status`` (5xx, 429 + ``retry_after``, 308, 4xx)
                    in the route's error shape.  ``phase: "before"`` (default)
                    does not apply the request; ``"after"`` applies it and
                    then answers the error (M13 "flush failed after
                    applying", a commit whose 500 hides success).  M1-M5, M14.
``delay``           sleep ``seconds`` before handling (M15, K18).
``drop_response``   apply the request, then close the connection without
                    any response (M8 "commit applied, response lost").
``reset``           read ``after_bytes`` bytes of the body, then reset the
                    connection (RST); nothing is applied (M6).
``expire_session``  mark the session named by ``uploadid``/``upsertid``
                    expired, then handle the request normally (M10, T2).
``drop_block``      accept a block PUT with 200 but do not keep it (M9).
``corrupt_body``    apply the request, then damage the response body:
                    ``mode`` ``garbage`` (non-JSON/XML bytes), ``truncate``
                    (first half, consistent Content-Length), ``short``
                    (full Content-Length, half the bytes, connection closed)
                    or ``unknown_status`` (JSON ``Status`` replaced by an
                    unknown string) (M16).
==================  ========================================================
"""

import fnmatch
import json
import shlex
import threading
from dataclasses import asdict, dataclass, field

ACTIONS = ("error", "delay", "drop_response", "reset", "expire_session", "drop_block",
           "corrupt_body")
CORRUPT_MODES = ("garbage", "truncate", "short", "unknown_status")

_FIELDS = {"action", "method", "path", "query", "route", "times", "skip", "status", "code",
           "message", "retry_after", "hold_client_millis", "phase", "seconds", "after_bytes",
           "mode", "id"}


@dataclass
class FaultRule:
    action: str
    method: str = "*"
    path: str = "*"
    query: dict = field(default_factory=dict)   # name -> value, or None for "present"
    route: str = None
    times: int = 1
    skip: int = 0
    status: int = 503
    code: str = None
    message: str = None
    retry_after: float = None
    hold_client_millis: int = None
    phase: str = "before"
    seconds: float = 0.0
    after_bytes: int = 0
    mode: str = "garbage"
    id: int = 0
    matched: int = 0
    fired: int = 0

    def matches(self, method, path, query, route):
        if self.method != "*" and self.method.upper() != method.upper():
            return False
        if self.route and not fnmatch.fnmatchcase(route, self.route):
            return False
        if not fnmatch.fnmatchcase(path, self.path):
            return False
        present = {}
        for name, value in query:
            present.setdefault(name, "" if value is None else value)
        for name, wanted in self.query.items():
            if name not in present:
                return False
            if wanted not in (None, "*") and present[name] != str(wanted):
                return False
        return True

    @property
    def exhausted(self):
        return self.times != -1 and self.fired >= self.times

    def describe(self):
        data = asdict(self)
        data["remaining"] = -1 if self.times == -1 else max(self.times - self.fired, 0)
        return data


def _query_spec(value):
    """``["a", "b"]``, ``{"a": null, "b": "1"}`` or ``"a,b=1"`` -> dict."""
    if value is None:
        return {}
    if isinstance(value, dict):
        return dict(value)
    if isinstance(value, str):
        value = [part for part in value.split(",") if part]
    result = {}
    for item in value:
        name, sep, wanted = str(item).partition("=")
        result[name] = wanted if sep else None
    return result


def parse_rule(spec):
    """Validate a rule given as a dict (JSON); raises ``ValueError``."""
    if not isinstance(spec, dict):
        raise ValueError("a fault rule must be a JSON object")
    unknown = set(spec) - _FIELDS
    if unknown:
        raise ValueError("unknown fault field(s): %s" % ", ".join(sorted(unknown)))
    if spec.get("action") not in ACTIONS:
        raise ValueError("fault action must be one of %s" % ", ".join(ACTIONS))
    values = dict(spec)
    values.pop("id", None)
    values["query"] = _query_spec(values.get("query"))
    for name, kind in (("times", int), ("skip", int), ("status", int), ("after_bytes", int),
                       ("seconds", float), ("retry_after", float),
                       ("hold_client_millis", int)):
        if values.get(name) is not None:
            try:
                values[name] = kind(values[name])
            except (TypeError, ValueError):
                raise ValueError("fault field %s must be a number" % name) from None
    rule = FaultRule(**values)
    if rule.times == 0 or rule.times < -1:
        raise ValueError("times must be positive, or -1 for every matching request")
    if rule.skip < 0 or rule.after_bytes < 0 or rule.seconds < 0:
        raise ValueError("skip, after_bytes and seconds must not be negative")
    if rule.action == "error" and not 300 <= rule.status <= 599:
        raise ValueError("error status must be in 300..599")
    if rule.phase not in ("before", "after"):
        raise ValueError("phase must be 'before' or 'after'")
    if rule.mode not in CORRUPT_MODES:
        raise ValueError("corrupt_body mode must be one of %s" % ", ".join(CORRUPT_MODES))
    return rule


def parse_rules(document):
    """A rule, a list of rules, or ``{"faults": [...]}``."""
    if isinstance(document, dict) and "faults" in document and "action" not in document:
        document = document["faults"]
    if isinstance(document, dict):
        document = [document]
    if not isinstance(document, list):
        raise ValueError("expected a fault rule, a list of rules or {\"faults\": [...]}")
    return [parse_rule(item) for item in document]


def parse_cli_rule(text):
    """``--fault`` value: JSON, or shell-style ``key=value`` words.

    ``action=error status=503 method=PUT path=/projects/* query=blockid times=2``
    """
    text = text.strip()
    if text.startswith("{"):
        return parse_rule(json.loads(text))
    spec = {}
    for word in shlex.split(text):
        key, sep, value = word.partition("=")
        if not sep:
            raise ValueError("--fault words must be key=value, got %r" % word)
        spec[key] = value
    return parse_rule(spec)


class FaultSet:
    """The active rules; thread-safe."""

    def __init__(self):
        self._lock = threading.Lock()
        self._rules = []
        self._next_id = 1

    def add(self, rules):
        with self._lock:
            for rule in rules:
                rule.id = self._next_id
                self._next_id += 1
                self._rules.append(rule)
            return [rule.id for rule in rules]

    def clear(self, rule_id=None):
        """Remove one rule (by id) or all; returns how many were removed."""
        with self._lock:
            before = len(self._rules)
            self._rules = [r for r in self._rules if rule_id is not None and r.id != rule_id]
            return before - len(self._rules)

    def take(self, method, path, query, route):
        """The rule that fires for this request, or None (counts the use)."""
        with self._lock:
            for rule in self._rules:
                if rule.exhausted or not rule.matches(method, path, query, route):
                    continue
                rule.matched += 1
                if rule.matched <= rule.skip:
                    continue
                rule.fired += 1
                return rule
            return None

    def describe(self):
        with self._lock:
            return [rule.describe() for rule in self._rules]
