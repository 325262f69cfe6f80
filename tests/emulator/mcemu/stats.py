"""Counters for ``GET /__admin/stats``.

Tests assert on these instead of scraping logs: "no commit happened twice"
is ``sessions.commit_conflicts == 0`` plus ``per_session[id].commits == 1``;
"rows appear once" is ``rows.duplicates == 0``.

A *retry* is a request identical (method, path, query, body) to an earlier one
that did not get a 2xx answer - it failed, was faulted, reset or never
answered.  Identical requests after a success are normal (every batch creates
a session with the same parameters) and are not counted.

The *journal* keeps the last ``JOURNAL_SIZE`` requests in arrival order, so
tests can check sequences ("a status GET came before the retried commit",
reliability.md M3/M8) with ``GET /__admin/requests``.
"""

import collections
import fnmatch
import hashlib
import threading

JOURNAL_SIZE = 10000

# Every counter, so the snapshot has a stable shape (zeros included).
COUNTERS = (
    "sessions.created", "sessions.committed", "sessions.commit_attempts",
    "sessions.commit_conflicts", "sessions.expired_rejections",
    "blocks.uploaded", "blocks.overwritten", "blocks.rejected", "blocks.dropped_by_fault",
    "blocks.bytes",
    "rows.committed", "rows.streamed", "rows.upserted", "rows.deleted", "rows.duplicates",
    "streams.created", "streams.packs", "streams.rejected",
    "upserts.created", "upserts.committed", "upserts.aborted",
    "auth.failures", "sts.issued",
    "instances.created", "instances.failed",
    "emulator.bugs",              # handler exceptions: always a defect of the emulator
)


def fingerprint(method, path, query, body):
    digest = hashlib.sha256()
    for part in (method, path, repr(sorted(query, key=lambda kv: (kv[0], kv[1] or "")))):
        digest.update(part.encode("utf-8", "surrogateescape") + b"\0")
    digest.update(body)
    return digest.digest()


class Stats:
    def __init__(self):
        self._lock = threading.Lock()
        self.reset()

    def reset(self):
        with self._lock:
            self._requests = collections.defaultdict(collections.Counter)
            self._counters = collections.Counter(dict.fromkeys(COUNTERS, 0))
            self._retries = collections.Counter()
            self._faults = collections.Counter()
            self._last_ok = {}
            self._sessions = {}
            self._journal = collections.deque(maxlen=JOURNAL_SIZE)
            self._sequence = 0

    def request(self, route, outcome, print_, ok, entry):
        """Record one request.

        ``outcome`` is a status code or a word (``no_response``, ``reset``,
        ``idle_timeout``, ``client_aborted``); ``print_`` the request
        fingerprint (None when the body was never read); ``ok`` whether a 2xx
        answer was delivered intact; ``entry`` extra journal fields.
        """
        with self._lock:
            self._requests[route][str(outcome)] += 1
            retry = print_ is not None and self._last_ok.get(print_) is False
            if retry:
                self._retries[route] += 1
            if print_ is not None:
                self._last_ok[print_] = ok
            self._sequence += 1
            self._journal.append(dict(entry, seq=self._sequence, route=route,
                                      outcome=outcome, retry=retry))

    def journal(self, route_glob="*", since=0):
        """Journal entries after sequence number ``since`` whose route matches."""
        with self._lock:
            return [e for e in self._journal
                    if e["seq"] > since and fnmatch.fnmatchcase(e["route"], route_glob)]

    def incr(self, name, amount=1):
        if name not in COUNTERS:
            raise KeyError("unknown counter %s" % name)
        with self._lock:
            self._counters[name] += amount

    def fault(self, rule):
        with self._lock:
            self._faults["%d:%s" % (rule.id, rule.action)] += 1

    def session(self, session_id, **changes):
        """Update the per-session record (``commits``, ``blocks`` ...)."""
        with self._lock:
            record = self._sessions.setdefault(session_id, collections.Counter())
            for key, amount in changes.items():
                record[key] += amount

    def snapshot(self):
        with self._lock:
            grouped = collections.defaultdict(dict)
            for name, value in sorted(self._counters.items()):
                group, _, key = name.partition(".")
                grouped[group][key] = value
            return {
                "requests": {
                    "total": sum(sum(c.values()) for c in self._requests.values()),
                    "by_route": {r: dict(c) for r, c in sorted(self._requests.items())},
                },
                "retries_seen": sum(self._retries.values()),
                "retries_by_route": dict(self._retries),
                "faults_fired": dict(self._faults),
                "per_session": {k: dict(v) for k, v in self._sessions.items()},
                **grouped,
            }
