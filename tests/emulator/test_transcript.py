"""Replay ``sdk_http_transcript.txt`` against the emulator.

Every request is sent byte for byte as pyodps sent it (same headers in the
same order, same chunking), so the emulator must verify the SDK's own
signatures (v2, STS, v4).  Each answer must have the recorded status and the
recorded shape: same XML elements / JSON keys, same values except ids and
times the stand-in made up.
"""

import http.client
import json
import os
import socket
import unittest
import xml.etree.ElementTree as ElementTree

import transcript
from emuclient import KAFKA_SINK_DDL, TESTDATA, EmulatorTestCase
from mcemu import auth, signing

EXCHANGES = transcript.parse(os.path.join(TESTDATA, "sdk_http_transcript.txt"))
RECORDED_ADDRESS = "127.0.0.1:18765"
SECRETS = {auth.SPEC_ACCESS_ID: auth.SPEC_ACCESS_SECRET,
           auth.TRANSCRIPT_STS[0]: auth.TRANSCRIPT_STS[1]}

# Values the stand-in invented (times, ids, placeholder counts).
VOLATILE_XML = {"TableId", "CreationTime", "LastModifiedTime", "LastAccessTime", "RequestId",
                "StartTime", "EndTime", "HostId"}
VOLATILE_JSON = {"Initiated", "CreateTime", "Date", "createTime", "lastDDLTime",
                 "lastModifiedTime", "RecordCount"}
VOLATILE_HEADERS = {"server", "date", "content-length", "x-odps-request-id", "last-modified",
                    "x-odps-start-time", "x-odps-end-time"}


def split_target(target):
    path, _, query = target.partition("?")
    return path, signing.parse_query(query)


class TranscriptSignatureTest(unittest.TestCase):
    """The signing module against the transcript's independent recomputation."""

    def test_all_21_exchanges_recorded(self):
        self.assertEqual([e.number for e in EXCHANGES], list(range(1, 22)))
        self.assertTrue(all(e.verdict == "MATCH" for e in EXCHANGES))

    def test_string_to_sign_and_signature(self):
        for exchange in EXCHANGES:
            with self.subTest(exchange=exchange.number):
                path, query = split_target(exchange.target)
                kind = "rest" if path.startswith("/api/") else "tunnel"
                text = signing.string_to_sign(exchange.method, exchange.headers,
                                              auth.canonical_path(kind, path), query)
                self.assertEqual(text, exchange.string_to_sign)
                credential = signing.parse_authorization(exchange.header("Authorization"))
                expected = credential.expected(SECRETS[credential.access_id], text)
                self.assertEqual(expected, credential.signature)
                self.assertEqual(exchange.header("Authorization"), exchange.recomputed)

    def test_versions_covered(self):
        versions = {signing.parse_authorization(e.header("Authorization")).version
                    for e in EXCHANGES}
        self.assertEqual(versions, {2, 4})
        self.assertTrue(any(e.header("authorization-sts-token") for e in EXCHANGES))


class TranscriptReplayTest(EmulatorTestCase):

    def setUp(self):
        super().setUp()
        self.admin_sql(KAFKA_SINK_DDL)
        # The stand-in's ids are part of later signed requests: hand them out.
        self.admin("POST", "/__admin/ids", {
            "instance": ["20230713131300000g1234567"],
            "upload": ["20230713211300000000000000000001"],
            "stream": ["2023071321130000000000000000stream"]})

    def replay(self, exchange, headers=None):
        """Send the recorded request verbatim; returns (status, headers, body)."""
        headers = exchange.headers if headers is None else headers
        head = "%s %s HTTP/1.1\r\n%s\r\n" % (
            exchange.method, exchange.target, "".join("%s: %s\r\n" % h for h in headers))
        body = exchange.body
        if exchange.chunk_sizes:
            chunks, position = [], 0
            for size in exchange.chunk_sizes:
                chunks.append(b"%x\r\n%s\r\n" % (size, body[position:position + size]))
                position += size
            body = b"".join(chunks) + b"0\r\n\r\n"
        with socket.create_connection((self.client.host, self.client.port), timeout=10) as sock:
            sock.sendall(head.encode("utf-8") + body)
            response = http.client.HTTPResponse(sock, method=exchange.method)
            response.begin()
            return response.status, response.getheaders(), response.read()

    def own(self, data):
        return data.replace(RECORDED_ADDRESS, self.emulator.address)

    def assert_xml_like(self, expected, actual, where):
        self.assertEqual(expected.tag, actual.tag, where)
        self.assertEqual(expected.attrib, actual.attrib, where)
        self.assertEqual([c.tag for c in expected], [c.tag for c in actual], where)
        for e_child, a_child in zip(expected, actual):
            self.assert_xml_like(e_child, a_child, where + "/" + e_child.tag)
        if len(expected) or expected.tag in VOLATILE_XML:
            return
        e_text, a_text = (expected.text or "").strip(), (actual.text or "").strip()
        if expected.tag == "Schema":
            self.assert_json_like(json.loads(e_text), json.loads(a_text), where)
        elif expected.tag == "Message":
            if e_text.startswith("ODPS-"):
                self.assertEqual(e_text.split(":")[0], a_text.split(":")[0], where)
        else:
            self.assertEqual(e_text, a_text, where)

    def assert_json_like(self, expected, actual, where):
        if isinstance(expected, dict):
            self.assertIsInstance(actual, dict, where)
            self.assertEqual(sorted(expected), sorted(actual), where)
            for key, value in expected.items():
                if key not in VOLATILE_JSON:
                    self.assert_json_like(value, actual[key], where + "." + key)
        elif isinstance(expected, list):
            self.assertEqual(len(expected), len(actual), where)
            for index, (e_item, a_item) in enumerate(zip(expected, actual)):
                self.assert_json_like(e_item, a_item, "%s[%d]" % (where, index))
        elif isinstance(expected, str) and expected.startswith("{"):
            self.assert_json_like(json.loads(expected), json.loads(actual), where)
        else:
            self.assertEqual(expected, actual, where)

    def assert_like_recorded(self, exchange, status, headers, body):
        where = "exchange %d" % exchange.number
        self.assertEqual(status, exchange.status, "%s: %r" % (where, body[:300]))
        got = {k.lower(): v for k, v in headers}
        self.assertIn("x-odps-request-id", got, where)
        for name, value in exchange.response_headers:
            lowered = name.lower()
            if lowered in VOLATILE_HEADERS:
                continue
            self.assertIn(lowered, got, where)
            if lowered == "location":
                self.assertEqual(value.split("/api/", 1)[1], got[lowered].split("/api/", 1)[1])
            elif lowered != "odps-tunnel-metrics":
                self.assertEqual(self.own(value), got[lowered], "%s header %s" % (where, name))
        recorded = self.own(exchange.response_body.decode("utf-8"))
        content_type = exchange.response_header("Content-Type")
        if content_type == "application/xml":
            self.assert_xml_like(ElementTree.fromstring(recorded),
                                 ElementTree.fromstring(body), where)
        elif content_type == "application/json":
            self.assert_json_like(json.loads(recorded), json.loads(body), where)
        else:
            self.assertEqual(recorded.encode(), body, where)

    def test_replay_in_order(self):
        for exchange in EXCHANGES:
            with self.subTest(exchange=exchange.number):
                self.assert_like_recorded(exchange, *self.replay(exchange))
        by_route = self.stats()["requests"]["by_route"]
        self.assertNotIn("401", json.dumps(by_route))
        # Blocks 0 and 1 carry the same two rows; the stream wrote them to pt 22.
        dump = self.dump_json("kafka_sink")
        self.assertEqual([(p["spec"], p["rows"]) for p in dump["partitions"]],
                         [("pt=07-13-2023 21", 4), ("pt=07-13-2023 22", 2)])
        self.assertEqual(dump["rows"][0], {"topic": "orders", "partition": 0, "offset": 42,
                                           "insert_time": 1689282780123, "value": '{"id":1}',
                                           "pt": "07-13-2023 21"})
        self.assertEqual(self.stats()["rows"]["duplicates"], 2)

    def test_tampered_signatures_are_rejected(self):
        """Change one signed header: every request must fail with 401 in its shape."""
        for exchange in EXCHANGES:
            with self.subTest(exchange=exchange.number):
                headers = [(n, v.replace("13:13:00", "13:13:01") if n == "Date" else v)
                           for n, v in exchange.headers]
                status, got, body = self.replay(exchange, headers)
                self.assertEqual(status, 401, body)
                content_type = dict((k.lower(), v) for k, v in got)["content-type"]
                if exchange.target.startswith("/api/"):
                    self.assertEqual(content_type, "application/xml")
                    self.assertEqual(ElementTree.fromstring(body).findtext("Code"),
                                     "SignatureNotMatch")
                else:
                    self.assertEqual(content_type, "application/json")
                    self.assertEqual(json.loads(body)["Code"], "Unauthorized")
                    self.assertIn("13:13:01", json.loads(body)["Message"])
        self.assertEqual(self.stats()["auth"]["failures"], len(EXCHANGES))


if __name__ == "__main__":
    unittest.main()
