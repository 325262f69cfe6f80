#!/usr/bin/python3
# tests/support/schema_registry.py — a small Confluent Schema Registry stand-in for tests.
#
# Python standard library only (runs under Debian's /usr/bin/python3). Binds 127.0.0.1 on a free
# port and prints its URL as the first line of standard output, then serves until killed:
#
#   POST /subjects/{subject}/versions   {"schema": "..."} -> {"id": N}; the same schema gets the
#                                       same id (under any subject), a new schema a new id
#   POST /subjects/{subject}            lookup: {"subject", "version", "id", "schema"} of an
#                                       already registered schema, or 404 40401 / 40403
#   GET  /schemas/ids/{id}              {"schema": "..."} or 404 40403 "Schema not found"
#   GET  /subjects                      ["subject", ...]
#   GET  /subjects/{subject}/versions   [1, 2, ...]
#   GET  /subjects/{subject}/versions/{n|latest}
#                                       {"subject", "version", "id", "schema"}
#   GET  /__stats                       not Confluent's: request and connection counts, for tests
#
# Errors use the registry's JSON shape: {"error_code": 40403, "message": "Schema not found"}.
# With --user USER:PASS every request (except /__stats) needs HTTP basic auth, with --token TOKEN
# a bearer token ("Authorization: Bearer TOKEN"); otherwise 401.
# Schemas are compared after parsing, so formatting differences do not make a new id; a body
# whose schema is not JSON is 422 42201 "Invalid schema".
#
# SPDX-License-Identifier: MIT

import argparse
import base64
import json
import sys
import threading
import urllib.parse
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

CONTENT_TYPE = "application/vnd.schemaregistry.v1+json"


class Registry:
    def __init__(self):
        self.lock = threading.Lock()
        self.schemas = []  # id - 1 -> schema text
        self.keys = {}  # canonical text -> id
        self.subjects = {}  # subject -> [id of version 1, id of version 2, ...]
        self.requests = 0
        self.connections = 0
        self.by_path = {}

    @staticmethod
    def canonical(text):
        return json.dumps(json.loads(text), sort_keys=True, separators=(",", ":"))

    def register(self, subject, text):
        key = self.canonical(text)
        with self.lock:
            sid = self.keys.get(key)
            if sid is None:
                self.schemas.append(text)
                sid = len(self.schemas)
                self.keys[key] = sid
            versions = self.subjects.setdefault(subject, [])
            if sid not in versions:
                versions.append(sid)
            return sid

    def lookup(self, subject, text):
        key = self.canonical(text)
        with self.lock:
            if subject not in self.subjects:
                return None, 40401
            sid = self.keys.get(key)
            versions = self.subjects[subject]
            if sid is None or sid not in versions:
                return None, 40403
            return (versions.index(sid) + 1, sid), 0


class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"  # keep-alive, so clients can reuse connections
    registry = None
    user = None
    token = None

    def setup(self):
        super().setup()
        with self.registry.lock:
            self.registry.connections += 1

    def log_message(self, fmt, *args):  # quiet unless --verbose
        if self.server.verbose:
            sys.stderr.write("schema_registry: " + (fmt % args) + "\n")

    def reply(self, status, obj, extra=None):
        body = json.dumps(obj).encode()
        self.send_response(status)
        self.send_header("Content-Type", CONTENT_TYPE)
        self.send_header("Content-Length", str(len(body)))
        for k, v in (extra or {}).items():
            self.send_header(k, v)
        self.end_headers()
        self.wfile.write(body)

    def error(self, status, code, message):
        extra = {"WWW-Authenticate": 'Basic realm="schema-registry"'} if status == 401 else None
        self.reply(status, {"error_code": code, "message": message}, extra)

    def authorized(self):
        if not self.user and not self.token:
            return True
        h = self.headers.get("Authorization", "")
        if self.token and h == "Bearer " + self.token:
            return True
        if not self.user or not h.startswith("Basic "):
            return False
        try:
            return base64.b64decode(h[6:]).decode() == self.user
        except (ValueError, UnicodeDecodeError):
            return False

    def body_json(self):
        n = int(self.headers.get("Content-Length") or 0)
        raw = self.rfile.read(n) if n else b""
        return json.loads(raw or b"null")

    def route(self, method):
        path = urllib.parse.urlsplit(self.path).path
        parts = [urllib.parse.unquote(p) for p in path.strip("/").split("/")] if path != "/" else []
        reg = self.registry
        with reg.lock:
            reg.requests += 1
            key = method + " " + path
            reg.by_path[key] = reg.by_path.get(key, 0) + 1
        if parts == ["__stats"] and method == "GET":
            with reg.lock:
                return self.reply(200, {"requests": reg.requests, "connections": reg.connections,
                                        "by_path": reg.by_path})
        if not self.authorized():
            return self.error(401, 401, "Unauthorized")
        if method == "POST":
            try:
                body = self.body_json()
                text = body["schema"]
                if not isinstance(text, str):
                    raise ValueError
                Registry.canonical(text)
            except (ValueError, KeyError, TypeError):
                return self.error(422, 42201, "Invalid schema")
            if body.get("schemaType", "AVRO") != "AVRO":
                return self.error(422, 42201, "Invalid schema type")
            if len(parts) == 3 and parts[0] == "subjects" and parts[2] == "versions":
                return self.reply(200, {"id": reg.register(parts[1], text)})
            if len(parts) == 2 and parts[0] == "subjects":
                found, code = reg.lookup(parts[1], text)
                if not found:
                    msg = ("Subject '%s' not found." % parts[1]) if code == 40401 else \
                        "Schema not found"
                    return self.error(404, code, msg)
                version, sid = found
                return self.reply(200, {"subject": parts[1], "version": version, "id": sid,
                                        "schema": reg.schemas[sid - 1]})
            return self.error(404, 404, "HTTP 404 Not Found")
        # GET
        if len(parts) == 3 and parts[:2] == ["schemas", "ids"]:
            try:
                sid = int(parts[2])
            except ValueError:
                return self.error(404, 40403, "Schema not found")
            with reg.lock:
                if sid < 1 or sid > len(reg.schemas):
                    return self.error(404, 40403, "Schema not found")
                return self.reply(200, {"schema": reg.schemas[sid - 1]})
        if parts == ["subjects"]:
            with reg.lock:
                return self.reply(200, sorted(reg.subjects))
        if len(parts) >= 3 and parts[0] == "subjects" and parts[2] == "versions":
            with reg.lock:
                versions = reg.subjects.get(parts[1])
                if versions is None:
                    return self.error(404, 40401, "Subject '%s' not found." % parts[1])
                if len(parts) == 3:
                    return self.reply(200, list(range(1, len(versions) + 1)))
                if len(parts) == 4:
                    v = parts[3]
                    n = len(versions) if v == "latest" else (int(v) if v.isdigit() else 0)
                    if n < 1 or n > len(versions):
                        return self.error(404, 40402, "Version %s not found." % v)
                    sid = versions[n - 1]
                    return self.reply(200, {"subject": parts[1], "version": n, "id": sid,
                                            "schema": reg.schemas[sid - 1]})
        return self.error(404, 404, "HTTP 404 Not Found")

    def do_GET(self):
        self.route("GET")

    def do_POST(self):
        self.route("POST")


def main():
    ap = argparse.ArgumentParser(description="Confluent Schema Registry stand-in for tests")
    ap.add_argument("--user", help="require HTTP basic auth USER:PASS")
    ap.add_argument("--token", help="require a bearer token")
    ap.add_argument("--port", type=int, default=0)
    ap.add_argument("--verbose", action="store_true", help="log requests to stderr")
    args = ap.parse_args()
    Handler.registry = Registry()
    Handler.user = args.user
    Handler.token = args.token
    server = ThreadingHTTPServer(("127.0.0.1", args.port), Handler)
    server.daemon_threads = True
    server.verbose = args.verbose
    print("http://127.0.0.1:%d" % server.server_address[1], flush=True)
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        pass


if __name__ == "__main__":
    main()
