"""Test helpers: a minimal signed client (an SDK stand-in) and an emulator fixture.

Not a test module (no ``test_`` prefix); the test files import it.
"""

import http.client
import json
import os
import sys
import time
import unittest
import urllib.parse
from dataclasses import dataclass
from email.utils import formatdate

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

from mcemu import auth, signing, wire  # noqa: E402
from mcemu.server import start_in_thread  # noqa: E402
from mcemu.state import Config, Emulator  # noqa: E402

HERE = os.path.dirname(os.path.abspath(__file__))
SHARED = os.environ.get("SL_SHARED_DIR") or os.path.normpath(os.path.join(HERE, "..", "data"))
TESTDATA = os.path.join(SHARED, "testdata", "maxcompute")
SEED = os.path.join(SHARED, "seeds", "maxcompute-kafka-connector.md")

USER_AGENT = "JavaSDK Revision:abcdef0 Version:0.53.1-public JavaVersion:1.8.0_372 sluice-test"
KAFKA_SINK_DDL = ("CREATE TABLE kafka_sink (topic STRING, `partition` BIGINT, `offset` BIGINT, "
                  "insert_time BIGINT, value STRING) PARTITIONED BY (pt STRING);")


@dataclass
class Reply:
    status: int
    headers: dict          # lower-cased names
    body: bytes

    def json(self):
        return json.loads(self.body)

    @property
    def text(self):
        return self.body.decode("utf-8")


def encode_query(query):
    """Java-style: values percent-encoded with %20 for spaces, bare names kept."""
    parts = []
    for name, value in query:
        if value is None:
            parts.append(urllib.parse.quote(name, safe=""))
        else:
            parts.append("%s=%s" % (urllib.parse.quote(name, safe=""),
                                    urllib.parse.quote(value, safe="")))
    return "&".join(parts)


class Client:
    """Signs like the Java SDK (v2 by default) and speaks raw HTTP."""

    def __init__(self, base_url, access_id=auth.SPEC_ACCESS_ID, secret=auth.SPEC_ACCESS_SECRET,
                 token=None, project="test_project", version=2, region="cn-hangzhou",
                 ssl_context=None):
        parsed = urllib.parse.urlparse(base_url)
        self.scheme, self.host, self.port = parsed.scheme, parsed.hostname, parsed.port
        self.access_id, self.secret, self.token = access_id, secret, token
        self.project, self.version, self.region = project, version, region
        self.ssl_context = ssl_context

    def connection(self, timeout=10):
        if self.scheme == "https":
            return http.client.HTTPSConnection(self.host, self.port, timeout=timeout,
                                               context=self.ssl_context)
        return http.client.HTTPConnection(self.host, self.port, timeout=timeout)

    def signed_headers(self, method, path, query, headers, api):
        """Headers (with Date, user agent, Authorization) for a request."""
        all_headers = [("Date", formatdate(usegmt=True)), ("User-Agent", USER_AGENT),
                       ("x-odps-user-agent", USER_AGENT)] + list(headers)
        if self.token:
            all_headers.append(("authorization-sts-token", self.token))
        canonical = path[len("/api"):] if api else path
        text = signing.string_to_sign(method, all_headers, canonical,
                                      signing.parse_query(encode_query(query)))
        if self.version == 4:
            date8 = time.strftime("%Y%m%d", time.gmtime())
            authorization = signing.authorization_v4(self.access_id, self.secret, date8,
                                                     self.region, text)
        else:
            authorization = signing.authorization_v2(self.access_id, self.secret, text)
        return all_headers + [("Authorization", authorization)]

    def request(self, method, path, query=(), headers=(), body=b"", chunked=False,
                sign=True, timeout=10):
        query = list(query) + [("curr_project", self.project)]
        api = path.startswith("/api/")
        headers = list(headers)
        if not api:
            headers.append(("x-odps-tunnel-version", "6"))
        if sign:
            headers = self.signed_headers(method, path, query, headers, api)
        target = urllib.parse.quote(path) + "?" + encode_query(query)
        return self.send(method, target, headers, body, chunked, timeout)

    def send(self, method, target, headers, body=b"", chunks=None, timeout=10):
        """Send exactly these headers; ``chunks`` = True or a list of chunk sizes."""
        connection = self.connection(timeout)
        try:
            connection.putrequest(method, target, skip_host=True, skip_accept_encoding=True)
            connection.putheader("Host", "%s:%d" % (self.host, self.port))
            for name, value in headers:
                connection.putheader(name, value.encode("utf-8"))
            if chunks:
                connection.putheader("Transfer-Encoding", "chunked")
            elif not any(n.lower() == "content-length" for n, _ in headers):
                connection.putheader("Content-Length", str(len(body)))
            connection.endheaders()
            if chunks:
                sizes = chunks if isinstance(chunks, list) else [max(len(body), 1)]
                position = 0
                for size in sizes:
                    piece = body[position:position + size]
                    position += size
                    connection.send(b"%x\r\n%s\r\n" % (len(piece), piece))
                if position < len(body):
                    rest = body[position:]
                    connection.send(b"%x\r\n%s\r\n" % (len(rest), rest))
                connection.send(b"0\r\n\r\n")
            elif body:
                connection.send(body)
            response = connection.getresponse()
            return Reply(response.status, {k.lower(): v for k, v in response.getheaders()},
                         response.read())
        finally:
            connection.close()

    # -- conveniences ------------------------------------------------------------

    def table_path(self, table, suffix=""):
        return "/projects/%s/tables/%s%s" % (self.project, table, suffix)

    def sql(self, query, task_name="AnonymousSQLTask"):
        """Run SQL through the instance flow; returns (task status, result text)."""
        body = ('<?xml version="1.0" encoding="UTF-8"?>\n<Instance><Job><Priority>9</Priority>'
                '<Tasks><SQL><Name>%s</Name><Config/><Query><![CDATA[%s]]></Query></SQL>'
                '</Tasks><DAG><RunMode>Sequence</RunMode></DAG></Job></Instance>\n'
                % (task_name, query)).encode("utf-8")
        reply = self.request("POST", "/api/projects/%s/instances" % self.project,
                             headers=[("Content-Type", "application/xml")], body=body)
        assert reply.status == 201, reply
        instance = reply.headers["location"].rsplit("/", 1)[1]
        path = "/api/projects/%s/instances/%s" % (self.project, instance)
        for _ in range(100):      # poll like the SDKs until Terminated
            if "<Status>Terminated</Status>" in self.request("GET", path).text:
                break
        status = self.request("GET", path, [("taskstatus", None)])
        task_status = status.text.split("<Status>")[2].split("<")[0]
        result = self.request("GET", path, [("result", None)]).text
        return task_status, result.split("<![CDATA[")[1].split("]]>")[0]

    def create_upload(self, table, partition=None, extra=()):
        query = [("uploads", None)] + ([("partition", partition)] if partition else [])
        return self.request("POST", self.table_path(table), query + list(extra))

    def put_block(self, table, upload_id, block_id, body, partition=None, deflate=False,
                  chunked=True):
        query = [("uploadid", upload_id), ("blockid", str(block_id))]
        if partition:
            query.append(("partition", partition))
        headers = [("Content-Type", "application/octet-stream")]
        if deflate:
            headers.append(("Content-Encoding", "deflate"))
            body = wire.deflate(body)
        return self.request("PUT", self.table_path(table), query, headers, body, chunked)

    def upload_status(self, table, upload_id, partition=None):
        query = [("uploadid", upload_id)] + ([("partition", partition)] if partition else [])
        return self.request("GET", self.table_path(table), query)

    def commit(self, table, upload_id, partition=None, body=b""):
        query = [("uploadid", upload_id)] + ([("partition", partition)] if partition else [])
        return self.request("POST", self.table_path(table), query, body=body)


class EmulatorTestCase(unittest.TestCase):
    """Starts one in-process emulator per test case (fast: no subprocess)."""

    config_overrides = {}

    def setUp(self):
        self.log_lines = []
        self.emulator = Emulator(Config(**self.config_overrides))
        self.server = start_in_thread(self.emulator, log_stream=_ListStream(self.log_lines),
                                      ssl_context=self.make_ssl_context())
        self.addCleanup(self._stop)
        self.client = Client(self.server.url, ssl_context=self.client_ssl_context())

    def make_ssl_context(self):
        return None

    def client_ssl_context(self):
        return None

    def _stop(self):
        self.server.shutdown()
        self.server.server_close()

    def admin(self, method, path, document=None, body=None, raw=False):
        payload = body if body is not None else (
            json.dumps(document).encode() if document is not None else b"")
        reply = self.client.send(method, path, [("Content-Type", "application/json")], payload)
        if raw:
            return reply
        self.assertLess(reply.status, 300, reply)
        return reply.json()

    def admin_sql(self, sql, project="test_project"):
        return self.admin("POST", "/__admin/sql?project=" + project, body=sql.encode())

    def stats(self):
        return self.admin("GET", "/__admin/stats")

    def dump_json(self, table, project="test_project"):
        return self.admin("GET", "/__admin/dump?project=%s&table=%s&format=json"
                          % (project, table))


class _ListStream:
    """A write-only stream collecting log lines."""

    def __init__(self, lines):
        self.lines = lines

    def write(self, text):
        self.lines.extend(line for line in text.splitlines() if line)

    def flush(self):
        pass
