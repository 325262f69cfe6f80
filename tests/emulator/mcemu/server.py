"""HTTP(S) server and the life cycle of one request.

Order of work for a REST/Tunnel request, chosen so that faults look like the
real thing to a client:

1. resolve the route; verify the signature (headers only);
2. pick the fault rule that fires, if any; ``delay`` sleeps here, ``reset``
   reads ``after_bytes`` of the body and kills the connection with an RST;
3. read the whole body (chunked or Content-Length; an idle gap longer than
   ``--idle-timeout`` closes the connection, spec 3.4 / M7);
4. ``error`` (phase before) answers now; otherwise the handler runs under the
   emulator lock (``expire_session`` / ``drop_block`` adjust it);
5. ``error`` (phase after), ``drop_response`` and ``corrupt_body`` act on the
   handler's answer; then the response is sent with ``x-odps-request-id``.

Every request gets one log line (stderr by default) with the access key id
but never a signature, a security token or a secret.
"""

import json
import re
import socket
import ssl
import struct
import sys
import threading
import time
import traceback
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import unquote

from . import admin, auth, routes, shapes, signing, sts
from .messages import Request, Response, ServiceError
from .stats import fingerprint

_MASK = re.compile(r"(?i)((?:^|[?&])(?:Signature|SecurityToken|AccessKeySecret)=)[^&]*")
_MAX_LINE = 65536

_DEFAULT_CODES = {308: "SlotReassignment", 400: "InvalidArgument", 401: "Unauthorized",
                  403: "NoPermission", 404: "NoSuchObject", 409: "StatusConflict",
                  412: "SchemaModified", 429: "FlowExceeded", 500: "InternalServerError",
                  502: "BadGateway", 503: "ServiceUnavailable", 504: "GatewayTimeout"}


class _BadBody(Exception):
    """Framing error in the request body (bad chunk size, bad length)."""


class _ClientGone(Exception):
    """The client closed the connection before the body was complete."""


class _BodyReader:
    """Reads a request body with ``Content-Length`` or chunked coding."""

    def __init__(self, rfile, headers):
        self.rfile = rfile
        self.chunked = "chunked" in (headers.get("Transfer-Encoding") or "").lower()
        self.size = 0
        length = headers.get("Content-Length")
        if self.chunked or length is None:
            self.remaining = None if self.chunked else 0
        elif length.strip().isdigit():
            self.remaining = int(length)
        else:
            raise _BadBody("invalid Content-Length %r" % length)

    def read(self, limit=None):
        """The (de-chunked) body, or its first ``limit`` bytes."""
        parts, got = [], 0
        if limit == 0:
            return b""
        for piece in self._pieces():
            if limit is not None and got + len(piece) >= limit:
                parts.append(piece[:limit - got])
                got = limit
                break
            parts.append(piece)
            got += len(piece)
        self.size = got
        return b"".join(parts)

    def _exact(self, count):
        data = self.rfile.read(count)
        if len(data) < count:
            raise _ClientGone("connection closed %d bytes into a %d-byte read"
                              % (len(data), count))
        return data

    def _pieces(self):
        if not self.chunked:
            while self.remaining:
                piece = self.rfile.read1(min(self.remaining, 65536))
                if not piece:
                    raise _ClientGone("connection closed with %d body bytes missing"
                                      % self.remaining)
                self.remaining -= len(piece)
                yield piece
            return
        while True:
            line = self.rfile.readline(_MAX_LINE)
            if not line:
                raise _ClientGone("connection closed inside a chunked body")
            try:
                size = int(line.split(b";")[0].strip(), 16)
            except ValueError:
                raise _BadBody("invalid chunk size line %r" % line[:40]) from None
            if size == 0:
                while self.rfile.readline(_MAX_LINE) not in (b"\r\n", b"\n", b""):
                    pass            # trailer fields are ignored
                return
            piece = self._exact(size)
            if self._exact(2) != b"\r\n":
                raise _BadBody("chunk of %d bytes not followed by CRLF" % size)
            yield piece


class _Log:
    """What the one log line (and the stats record) of a request says."""

    def __init__(self, request, route):
        self.started = time.monotonic()
        self.request = request
        self.route = route
        self.outcome = "-"          # status code, or reset / no_response / ...
        self.ok = False             # a 2xx answer actually delivered intact
        self.fingerprint = None     # set once the body is known (retry detection)
        self.access_id = None
        self.rule = None
        self.error = None
        self.received = 0
        self.sent = 0
        self.recorded = False

    def target(self):
        """The request target with signatures masked."""
        return _MASK.sub(r"\1***", self.request.target)

    def journal_entry(self):
        return {"method": self.request.method, "target": self.target(),
                "access_id": self.access_id, "fault": self.rule.id if self.rule else None,
                "error": self.error.code if self.error else None}

    def line(self, client):
        parts = [time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()), client,
                 self.request.method, self.target(),
                 str(self.outcome), self.route,
                 "in=%dB out=%dB %.1fms" % (self.received, self.sent,
                                            (time.monotonic() - self.started) * 1000),
                 "ak=%s" % (self.access_id or "-")]
        if self.rule is not None:
            parts.append("fault=#%d:%s" % (self.rule.id, self.rule.action))
        if self.error is not None:
            parts.append("code=%s msg=%r" % (self.error.code, self.error.message[:400]))
        return " ".join(parts)


def _corrupt(response, mode):
    body = response.body
    if mode == "garbage":
        response.body = b"\x00\xffnot-json<<" + bytes(reversed(body[: len(body) // 2]))
    elif mode == "truncate":
        response.body = body[: len(body) // 2]
    elif mode == "unknown_status" and response.content_type == "application/json":
        document = json.loads(body)
        for key in ("Status", "status"):
            if key in document:
                document[key] = "bogus_status"
        response.body = json.dumps(document).encode("utf-8")
    return response


class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def version_string(self):
        return "MaxComputeEmulator/1.0"

    def log_message(self, fmt, *args):
        """Silence the base class; requests are logged by ``_serve``."""

    def setup(self):
        super().setup()
        if isinstance(self.connection, ssl.SSLSocket):
            self.connection.do_handshake()

    def do_GET(self):
        self._dispatch()

    do_POST = do_PUT = do_DELETE = do_HEAD = do_GET

    # -- request life cycle -------------------------------------------------------

    def _dispatch(self):
        emu = self.server.emulator
        raw_path, _, raw_query = self.path.partition("?")
        headers = [(name, _header_text(value)) for name, value in self.headers.items()]
        request = Request(self.command, self.path, unquote(raw_path),
                          signing.parse_query(raw_query), headers)
        admin_request = request.path == "/__admin" or request.path.startswith("/__admin/")
        route = None if admin_request else routes.resolve(request)
        log = _Log(request, "admin" if admin_request else route.name)
        try:
            if admin_request:
                self._serve_admin(emu, request, log)
            else:
                self._serve(emu, request, route, log)
        except Exception:       # an emulator bug: say so loudly, answer 500 if still possible
            emu.stats.incr("emulator.bugs")
            self.server.log("emulator bug while serving %s %s:\n%s"
                            % (request.method, request.target, traceback.format_exc()))
            if log.outcome == "-":
                bug = ServiceError(500, "InternalServerError", "emulator bug, see its log")
                response = (Response.json(500, {"error": bug.message}) if admin_request
                            else self._error(route, request, bug, "-"))
                try:
                    self._answer(response, "-", log, close=True)
                except OSError:
                    pass
            self._close_now(reset=False)
        finally:
            self._record(log)

    def _record(self, log):
        """Count and log the request, once - before the client can see the
        outcome, so a test reading /__admin/stats or the log right after (or
        stopping the emulator) finds it there."""
        if not log.recorded:
            log.recorded = True
            if log.route != "admin":
                self.server.emulator.stats.request(log.route, log.outcome, log.fingerprint,
                                                   log.ok, log.journal_entry())
            self.server.log(log.line(self.client_address[0]))

    def _serve(self, emu, request, route, log):
        request_id = emu.next_request_id()
        try:
            reader = _BodyReader(self.rfile, self.headers)
        except _BadBody as err:
            error = ServiceError(400, "InvalidArgument", str(err))
            self._answer(self._error(route, request, error, request_id), request_id, log,
                         close=True)
            return
        if route.kind in ("rest", "tunnel"):
            config = emu.config
            try:
                log.access_id = auth.verify(request, route.kind, emu.credentials,
                                            emu.clock.now(), config.max_clock_skew, config.region)
            except ServiceError as err:
                emu.stats.incr("auth.failures")
                if self._read_body(reader, request, route, log, request_id):
                    self._answer(self._error(route, request, err, request_id), request_id, log)
                return

        rule = emu.faults.take(request.method, request.path, request.query, route.name)
        action = rule.action if rule else None
        if rule:
            log.rule = rule
            emu.stats.fault(rule)
        if action == "delay":
            time.sleep(rule.seconds)
        if action == "reset":
            try:
                reader.read(limit=rule.after_bytes)
            except (_BadBody, _ClientGone, OSError):
                pass
            log.received = reader.size
            log.outcome = "reset"
            self._record(log)
            self._close_now(reset=True)
            return
        if not self._read_body(reader, request, route, log, request_id):
            return
        log.fingerprint = fingerprint(request.method, request.path, request.query, request.body)

        if action == "error" and rule.phase == "before":
            response = self._fault_error(route, request, rule, request_id)
        else:
            if action == "expire_session":
                emu.expire_session(request.param("uploadid") or request.param("upsertid"))
            request.drop_block = action == "drop_block"
            try:
                with emu.lock:
                    response = route.handler(emu, request, route.params)
            except ServiceError as err:
                response = self._error(route, request, err, request_id)
            if action == "error":
                response = self._fault_error(route, request, rule, request_id)
        if action == "drop_response":
            log.outcome = "no_response"
            self._record(log)
            self._close_now(reset=False)
            return
        if action == "corrupt_body":
            response = _corrupt(response, rule.mode)
        log.ok = 200 <= response.status < 300 and action != "corrupt_body"
        self._answer(response, request_id, log,
                     short=action == "corrupt_body" and rule.mode == "short")

    def _read_body(self, reader, request, route, log, request_id):
        """Read the body into ``request``; False if the exchange is over."""
        try:
            request.body = reader.read()
            log.received = reader.size
            return True
        except socket.timeout:
            log.outcome = "idle_timeout"
        except (_ClientGone, ConnectionError) as err:
            log.outcome = "client_aborted"
            log.error = ServiceError(0, "ClientAborted", str(err))
        except _BadBody as err:
            error = ServiceError(400, "InvalidArgument", str(err))
            self._answer(self._error(route, request, error, request_id), request_id, log,
                         close=True)
            return False
        self._record(log)
        self._close_now(reset=False)
        return False

    # -- responses -------------------------------------------------------------------

    def _error(self, route, request, err, request_id):
        """Render an error in the route's shape (spec 3.9)."""
        emu = self.server.emulator
        if route.kind == "rest":
            response = Response.xml(err.status, shapes.xml_error(
                err.code, err.message, request_id, emu.config.host_id))
        elif route.kind == "sts":
            response = sts.error_response(request, err, request_id, emu.config.host_id)
        else:
            response = Response.json(err.status, shapes.json_error(err.code, err.message))
        response.headers.extend(err.headers)
        response.error = err
        return response

    def _fault_error(self, route, request, rule, request_id):
        err = ServiceError(rule.status, rule.code or _DEFAULT_CODES.get(rule.status, "Error"),
                           rule.message or "injected fault #%d" % rule.id)
        if rule.retry_after is not None:
            err.headers.append(("Retry-After", "%g" % rule.retry_after))
        response = self._error(route, request, err, request_id)
        if rule.hold_client_millis is not None and route.kind == "tunnel":
            response.body = json.dumps(shapes.json_error(
                err.code, err.message, rule.hold_client_millis)).encode("utf-8")
        return response

    def _answer(self, response, request_id, log, close=False, short=False):
        body = b"" if self.command == "HEAD" else response.body
        log.outcome = response.status
        log.error = response.error or log.error
        log.sent = len(body) // 2 if short else len(body)
        self._record(log)
        self.send_response(response.status)
        self.send_header("x-odps-request-id", request_id)
        if response.content_type:
            self.send_header("Content-Type", response.content_type)
        for name, value in response.headers:
            self.send_header(name, value)
        self.send_header("Content-Length", str(len(body)))
        if close:
            self.send_header("Connection", "close")
            self.close_connection = True
        self.end_headers()
        self.wfile.write(body[:log.sent])
        if short:
            self._close_now(reset=False)

    def _close_now(self, reset):
        """Close the connection at once: RST (``reset``) or plain FIN."""
        self.close_connection = True
        connection = self.connection
        try:
            if reset:
                connection.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER,
                                      struct.pack("ii", 1, 0))
            else:
                self.wfile.flush()
                connection.shutdown(socket.SHUT_RDWR)
        except OSError:
            pass
        connection.close()

    def _serve_admin(self, emu, request, log):
        try:
            request.body = _BodyReader(self.rfile, self.headers).read()
        except (_BadBody, _ClientGone, OSError):
            self._close_now(reset=False)
            return
        log.received = len(request.body)
        self._answer(admin.handle(emu, request), "admin", log)


def _header_text(value):
    """Header values arrive decoded as Latin-1; recover the UTF-8 text the
    client signed (undecodable bytes survive as surrogates)."""
    try:
        return value.encode("latin-1").decode("utf-8", "surrogateescape")
    except UnicodeEncodeError:
        return value


class EmulatorServer(ThreadingHTTPServer):
    """Serves one ``Emulator`` on 127.0.0.1 (plain HTTP or TLS)."""

    daemon_threads = True
    allow_reuse_address = True

    def __init__(self, emulator, port=0, ssl_context=None, log_stream=None):
        self.emulator = emulator
        self.ssl_context = ssl_context
        self.log_stream = log_stream if log_stream is not None else sys.stderr
        self._log_lock = threading.Lock()
        handler = type("BoundHandler", (Handler,), {"timeout": emulator.config.idle_timeout})
        super().__init__(("127.0.0.1", port), handler)
        emulator.address = "127.0.0.1:%d" % self.server_address[1]
        emulator.scheme = "https" if ssl_context else "http"

    @property
    def url(self):
        return self.emulator.base_url

    def get_request(self):
        connection, address = self.socket.accept()
        if self.ssl_context is not None:
            # The handshake runs in the handler thread (Handler.setup), so a
            # slow or broken client cannot stall the accept loop.
            connection = self.ssl_context.wrap_socket(connection, server_side=True,
                                                      do_handshake_on_connect=False)
        return connection, address

    def shutdown_request(self, request):
        if request.fileno() != -1:       # not already closed by a fault
            super().shutdown_request(request)

    def handle_error(self, request, client_address):
        exc = sys.exc_info()[1]
        if isinstance(exc, (ssl.SSLError, ConnectionError, socket.timeout)):
            self.log("connection from %s ended: %s" % (client_address[0], exc))
        else:
            self.log("error on connection from %s:\n%s"
                     % (client_address[0], traceback.format_exc()))

    def log(self, line):
        with self._log_lock:
            try:
                self.log_stream.write(line + "\n")
                self.log_stream.flush()
            except (OSError, ValueError):
                pass


def make_ssl_context(cert_file, key_file):
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    context.load_cert_chain(cert_file, key_file)
    return context


def start_in_thread(emulator, port=0, ssl_context=None, log_stream=None):
    """Start a server on a daemon thread (tests); returns the server."""
    server = EmulatorServer(emulator, port, ssl_context, log_stream)
    # A short poll interval makes shutdown() quick; tests start many servers.
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.02},
                              name="mc-emulator", daemon=True)
    thread.start()
    return server
