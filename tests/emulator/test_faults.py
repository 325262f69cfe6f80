"""Fault injection: each action, rule matching, the admin endpoint (reliability.md 5.5)."""

import http.client
import json
import socket
import time
import unittest
import xml.etree.ElementTree as ElementTree

from emuclient import KAFKA_SINK_DDL, EmulatorTestCase, encode_query
from mcemu import faults
from test_sessions import PT, stream


class FaultTestCase(EmulatorTestCase):

    def setUp(self):
        super().setUp()
        self.admin_sql(KAFKA_SINK_DDL
                       + "ALTER TABLE kafka_sink ADD PARTITION (pt='07-13-2023 21');")

    def fault(self, **rule):
        return self.admin("POST", "/__admin/faults", rule)["ids"][0]

    def new_session(self):
        reply = self.client.create_upload("kafka_sink", PT)
        self.assertEqual(reply.status, 200, reply)
        return reply.json()["UploadID"]

    def put(self, upload_id, block_id, body):
        return self.client.put_block("kafka_sink", upload_id, block_id, body, PT)

    def offsets(self):
        return [row["offset"] for row in self.dump_json("kafka_sink")["rows"]]


class ErrorFaultTest(FaultTestCase):

    def test_5xx_for_next_n_matching_requests(self):
        upload_id = self.new_session()
        self.fault(action="error", status=503, method="PUT", path="/projects/*/tables/*",
                   query=["blockid"], times=2)
        replies = [self.put(upload_id, 0, stream(1)) for _ in range(3)]
        self.assertEqual([r.status for r in replies], [503, 503, 200])
        self.assertEqual(replies[0].json()["Code"], "ServiceUnavailable")
        self.assertEqual(replies[0].headers["content-type"], "application/json")
        stats = self.stats()
        self.assertEqual(stats["retries_seen"], 2)
        self.assertEqual(stats["requests"]["by_route"]["tunnel.upload_block"],
                         {"503": 2, "200": 1})

    def test_each_5xx_code(self):
        for status in (500, 502, 503, 504):
            with self.subTest(status=status):
                self.fault(action="error", status=status, route="tunnel.upload_create")
                reply = self.client.create_upload("kafka_sink", PT)
                self.assertEqual(reply.status, status)
                self.assertIn(reply.json()["Code"], ("InternalServerError", "BadGateway",
                                                     "ServiceUnavailable", "GatewayTimeout"))

    def test_429_with_retry_after_and_hold(self):
        self.fault(action="error", status=429, retry_after=3, hold_client_millis=1500,
                   route="tunnel.upload_create")
        reply = self.client.create_upload("kafka_sink", PT)
        self.assertEqual(reply.status, 429)
        self.assertEqual(reply.headers["retry-after"], "3")
        self.assertEqual(reply.json(), {"Code": "FlowExceeded", "Message": "injected fault #1",
                                        "HoldClientMillis": "1500"})

    def test_rest_routes_get_xml_errors(self):
        self.fault(action="error", status=500, code="InternalServerError", message="boom",
                   route="rest.*")
        reply = self.client.request("GET", "/api/projects/test_project/tables/kafka_sink")
        root = ElementTree.fromstring(reply.body)
        self.assertEqual((reply.status, root.findtext("Code"), root.findtext("Message")),
                         (500, "InternalServerError", "boom"))
        self.assertIsNotNone(root.findtext("RequestId"))

    def test_error_after_apply(self):
        """M13: the pack is applied, then the client is told it failed."""
        session = self.client.request("POST", self.client.table_path("kafka_sink", "/streams"),
                                      [("partition", PT)]).json()
        self.fault(action="error", status=500, phase="after", route="tunnel.stream_write")
        reply = self.client.request("PUT", self.client.table_path("kafka_sink", "/streams"),
                                    [("uploadid", session["session_name"]), ("slotid", "1"),
                                     ("partition", PT)], body=stream(1, 2))
        self.assertEqual(reply.status, 500)
        self.assertEqual(self.offsets(), [1, 2])

    def test_skip_and_unlimited(self):
        self.fault(action="error", status=500, route="tunnel.upload_create", skip=1, times=-1)
        statuses = [self.client.create_upload("kafka_sink", PT).status for _ in range(4)]
        self.assertEqual(statuses, [200, 500, 500, 500])
        described = self.admin("GET", "/__admin/faults")["faults"][0]
        self.assertEqual((described["matched"], described["fired"], described["remaining"]),
                         (4, 3, -1))

    def test_query_value_matching(self):
        upload_id = self.new_session()
        self.fault(action="error", status=500, method="put", query={"blockid": "1"})
        self.assertEqual(self.put(upload_id, 0, stream(1)).status, 200)
        self.assertEqual(self.put(upload_id, 1, stream(2)).status, 500)
        self.assertEqual(self.put(upload_id, 1, stream(2)).status, 200)


class ConnectionFaultTest(FaultTestCase):

    def test_dropped_commit_response(self):
        """M8: the commit is applied, the response never comes."""
        upload_id = self.new_session()
        self.put(upload_id, 0, stream(1, 2))
        self.fault(action="drop_response", route="tunnel.upload_commit")
        with self.assertRaises((http.client.RemoteDisconnected, ConnectionError)):
            self.client.commit("kafka_sink", upload_id, PT)
        status = self.client.upload_status("kafka_sink", upload_id, PT).json()
        self.assertEqual(status["Status"], "closed")
        retry = self.client.commit("kafka_sink", upload_id, PT)
        self.assertEqual((retry.status, retry.json()["Code"]), (409, "StatusConflict"))
        self.assertEqual(self.offsets(), [1, 2])
        stats = self.stats()
        self.assertEqual(stats["sessions"]["committed"], 1)
        self.assertEqual(stats["requests"]["by_route"]["tunnel.upload_commit"],
                         {"no_response": 1, "409": 1})
        self.assertEqual(stats["retries_seen"], 1)
        journal = self.admin("GET", "/__admin/requests?route=tunnel.upload_*")["requests"]
        self.assertEqual([(e["route"], e["outcome"], e["retry"]) for e in journal[-3:]],
                         [("tunnel.upload_commit", "no_response", False),
                          ("tunnel.upload_status", 200, False),
                          ("tunnel.upload_commit", 409, True)])
        later = self.admin("GET", "/__admin/requests?since=%d" % journal[-1]["seq"])
        self.assertEqual(later["requests"], [])

    def test_reset_mid_block(self):
        """M6: the connection dies after K body bytes; nothing is stored."""
        upload_id = self.new_session()
        self.fault(action="reset", route="tunnel.upload_block", after_bytes=10)
        body = stream(*range(200))
        with self.assertRaises((ConnectionError, http.client.RemoteDisconnected)):
            self.put(upload_id, 0, body)
        status = self.client.upload_status("kafka_sink", upload_id, PT).json()
        self.assertEqual(status["UploadedBlockList"], [])
        self.assertEqual(self.put(upload_id, 0, body).status, 200)
        self.assertEqual(self.client.commit("kafka_sink", upload_id, PT).status, 200)
        self.assertEqual(self.offsets(), list(range(200)))
        self.assertEqual(self.stats()["requests"]["by_route"]["tunnel.upload_block"],
                         {"reset": 1, "200": 1})

    def test_slow_response(self):
        self.fault(action="delay", seconds=0.3, route="rest.table")
        started = time.monotonic()
        reply = self.client.request("GET", "/api/projects/test_project/tables/kafka_sink")
        self.assertEqual(reply.status, 200)
        self.assertGreaterEqual(time.monotonic() - started, 0.3)

    def test_idle_connection_is_closed(self):
        """M7: a PUT body that stalls longer than the idle timeout is dropped."""
        self.server.RequestHandlerClass.timeout = 0.3     # what --idle-timeout 0.3 sets
        upload_id = self.new_session()
        query = [("uploadid", upload_id), ("blockid", "0"), ("partition", PT),
                 ("curr_project", "test_project")]
        path = self.client.table_path("kafka_sink")
        headers = self.client.signed_headers("PUT", path, query, [
            ("Content-Type", "application/octet-stream"), ("x-odps-tunnel-version", "6")], False)
        with socket.create_connection((self.client.host, self.client.port), timeout=5) as sock:
            sock.sendall(("PUT %s?%s HTTP/1.1\r\nHost: x\r\n%sContent-Length: 100\r\n\r\n"
                          % (path, encode_query(query), "".join("%s: %s\r\n" % h
                                                                for h in headers))).encode())
            sock.sendall(b"\x0a")
            self.assertEqual(sock.recv(100), b"")          # closed, no response
        self.assertEqual(self.stats()["requests"]["by_route"]["tunnel.upload_block"],
                         {"idle_timeout": 1})


class SessionFaultTest(FaultTestCase):

    def test_expire_session(self):
        """M10: the session is expired when the next block arrives."""
        upload_id = self.new_session()
        self.put(upload_id, 0, stream(1))
        self.fault(action="expire_session", route="tunnel.upload_block")
        reply = self.put(upload_id, 1, stream(2))
        self.assertEqual((reply.status, reply.json()["Code"]), (409, "StatusConflict"))
        status = self.client.upload_status("kafka_sink", upload_id, PT).json()["Status"]
        self.assertEqual(status, "expired")
        self.assertEqual(self.client.commit("kafka_sink", upload_id, PT).status, 409)

    def test_dropped_block(self):
        """M9: 200 for the PUT, but the block is missing at commit time."""
        upload_id = self.new_session()
        self.fault(action="drop_block", route="tunnel.upload_block", query={"blockid": "1"})
        for block_id in (0, 1, 2):
            self.assertEqual(self.put(upload_id, block_id, stream(block_id)).status, 200)
        status = self.client.upload_status("kafka_sink", upload_id, PT).json()
        self.assertEqual([b["BlockID"] for b in status["UploadedBlockList"]], [0, 2])
        self.assertEqual(self.put(upload_id, 1, stream(1)).status, 200)
        self.assertEqual(self.client.commit("kafka_sink", upload_id, PT).status, 200)
        self.assertEqual(self.offsets(), [0, 1, 2])
        self.assertEqual(self.stats()["blocks"]["dropped_by_fault"], 1)


class CorruptBodyTest(FaultTestCase):

    def corrupted(self, mode):
        self.fault(action="corrupt_body", mode=mode, route="tunnel.upload_create")
        return self.client.create_upload("kafka_sink", PT)

    def test_garbage(self):
        reply = self.corrupted("garbage")
        self.assertEqual(reply.status, 200)
        with self.assertRaises(ValueError):
            json.loads(reply.body)

    def test_truncate(self):
        reply = self.corrupted("truncate")
        self.assertEqual(int(reply.headers["content-length"]), len(reply.body))
        with self.assertRaises(ValueError):
            json.loads(reply.body)

    def test_short(self):
        with self.assertRaises(http.client.IncompleteRead):
            self.corrupted("short")

    def test_unknown_status(self):
        reply = self.corrupted("unknown_status")
        self.assertEqual(reply.json()["Status"], "bogus_status")
        # the request itself was applied: the session exists
        self.assertEqual(self.stats()["sessions"]["created"], 1)


class AdminFaultsTest(FaultTestCase):

    def test_list_and_delete(self):
        first = self.fault(action="delay", seconds=0.01)
        self.admin("POST", "/__admin/faults", {"faults": [{"action": "drop_block"},
                                                          {"action": "reset"}]})
        self.assertEqual(len(self.admin("GET", "/__admin/faults")["faults"]), 3)
        self.assertEqual(self.admin("DELETE", "/__admin/faults?id=%d" % first)["removed"], 1)
        self.assertEqual(self.admin("DELETE", "/__admin/faults")["removed"], 2)

    def test_invalid_rules(self):
        for rule in ({"action": "explode"}, {"action": "error", "status": 200},
                     {"action": "error", "times": 0}, {"action": "delay", "bogus": 1},
                     {"action": "corrupt_body", "mode": "weird"}):
            with self.subTest(rule=rule):
                reply = self.admin("POST", "/__admin/faults", rule, raw=True)
                self.assertEqual(reply.status, 400)
                self.assertIn("error", reply.json())

    def test_admin_requests_are_never_faulted(self):
        self.fault(action="error", status=500, times=-1)
        self.assertTrue(self.admin("GET", "/__admin/health")["ok"])


class CliRuleTest(unittest.TestCase):

    def test_key_value_words(self):
        rule = faults.parse_cli_rule("action=error status=429 retry_after=2 method=PUT "
                                     "'path=/projects/*/tables/*' query=uploadid,blockid=3 "
                                     "times=2")
        self.assertEqual((rule.action, rule.status, rule.retry_after, rule.method, rule.times),
                         ("error", 429, 2.0, "PUT", 2))
        self.assertEqual(rule.query, {"uploadid": None, "blockid": "3"})
        self.assertTrue(rule.matches("PUT", "/projects/p/tables/t",
                                     [("uploadid", "x"), ("blockid", "3")], "tunnel.upload_block"))
        self.assertFalse(rule.matches("PUT", "/projects/p/tables/t",
                                      [("uploadid", "x"), ("blockid", "4")], "x"))

    def test_json_form(self):
        rule = faults.parse_cli_rule('{"action": "drop_response", "route": "tunnel.upload_commit"}')
        self.assertEqual(rule.route, "tunnel.upload_commit")


if __name__ == "__main__":
    unittest.main()
