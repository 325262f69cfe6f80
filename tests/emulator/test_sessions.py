"""Session rules: batch upload (spec 3.4, 6), streaming (3.6), upsert (3.7)."""

import http.client
import json
import socket

from emuclient import KAFKA_SINK_DDL, EmulatorTestCase, encode_query
from mcemu import sqlflow, wire

KAFKA_TYPES = [t for _, t in sqlflow.parse_columns(
    "topic string, partition bigint, offset bigint, insert_time bigint, value string")]
PT = "pt=07-13-2023 21"


def rows(*offsets, topic="orders"):
    return [[topic, 0, o, 1689282780000 + o, "v%d" % o] for o in offsets]


def stream(*offsets):
    return wire.encode_stream(KAFKA_TYPES, rows(*offsets))


class BatchSessionTest(EmulatorTestCase):

    def setUp(self):
        super().setUp()
        self.admin_sql(KAFKA_SINK_DDL
                       + "ALTER TABLE kafka_sink ADD PARTITION (pt='07-13-2023 21');")
        reply = self.client.create_upload("kafka_sink", PT)
        self.assertEqual(reply.status, 200, reply)
        self.session = reply.json()
        self.upload_id = self.session["UploadID"]

    def put(self, block_id, body, **kw):
        return self.client.put_block("kafka_sink", self.upload_id, block_id, body, PT, **kw)

    def commit(self, body=b""):
        return self.client.commit("kafka_sink", self.upload_id, PT, body)

    def offsets(self):
        return [row["offset"] for row in self.dump_json("kafka_sink")["rows"]]

    def test_create_response_shape(self):
        self.assertEqual(self.session["Status"], "normal")
        self.assertEqual(self.session["UploadedBlockList"], [])
        self.assertEqual([c["name"] for c in self.session["Schema"]["columns"]],
                         ["topic", "partition", "offset", "insert_time", "value"])
        self.assertEqual(self.session["Schema"]["partitionKeys"][0]["name"], "pt")
        self.assertEqual(self.session["MaxFieldSize"], 8388608)

    def test_block_id_range(self):
        for block_id, status in (("19999", 200), ("20000", 400), ("-1", 400), ("x", 400),
                                 ("0", 200)):
            with self.subTest(block_id=block_id):
                reply = self.put(block_id, stream(1))
                self.assertEqual(reply.status, status, reply)
                if status == 400:
                    self.assertEqual(reply.json()["Code"], "InvalidBlockID")

    def test_reupload_overwrites_block(self):
        self.assertEqual(self.put(0, stream(1, 2)).status, 200)
        self.assertEqual(self.put(0, stream(3), deflate=True).status, 200)
        self.assertEqual(self.put(1, stream(4)).status, 200)
        status = self.client.upload_status("kafka_sink", self.upload_id, PT).json()
        self.assertEqual([(b["BlockID"], b["RecordCount"]) for b in status["UploadedBlockList"]],
                         [(0, 1), (1, 1)])
        self.assertEqual(self.commit().status, 200)
        self.assertEqual(self.offsets(), [3, 4])
        self.assertEqual(self.stats()["blocks"]["overwritten"], 1)

    def test_commit_appends_blocks_in_block_id_order(self):
        self.put(5, stream(50))
        self.put(2, stream(20, 21))
        self.assertEqual(self.offsets(), [], "uncommitted data must not be visible")
        reply = self.commit()
        self.assertEqual(reply.json()["Status"], "closed")
        self.assertEqual(self.offsets(), [20, 21, 50])

    def test_commit_twice_and_upload_after_commit(self):
        self.put(0, stream(1))
        self.assertEqual(self.commit().status, 200)
        second = self.commit()
        self.assertEqual((second.status, second.json()["Code"]), (409, "StatusConflict"))
        late = self.put(1, stream(2))
        self.assertEqual((late.status, late.json()["Code"]), (409, "StatusConflict"))
        stats = self.stats()
        self.assertEqual(stats["sessions"]["committed"], 1)
        self.assertEqual(stats["sessions"]["commit_conflicts"], 1)
        self.assertEqual(stats["per_session"][self.upload_id]["commits"], 1)
        self.assertEqual(self.offsets(), [1])
        status = self.client.upload_status("kafka_sink", self.upload_id, PT).json()
        self.assertEqual(status["Status"], "closed")

    def test_commit_with_block_list(self):
        self.put(0, stream(1))
        self.put(1, stream(2))
        wrong = self.commit(json.dumps([0, 1, 2]).encode())
        self.assertEqual((wrong.status, wrong.json()["Code"]), (400, "InConsistentBlockList"))
        self.assertIn("missing on server: [2]", wrong.json()["Message"])
        short = self.commit(json.dumps({"BlockList": [0]}).encode())
        self.assertEqual(short.json()["Code"], "InConsistentBlockList")
        self.assertEqual(self.commit(json.dumps([1, 0]).encode()).status, 200)
        self.assertEqual(self.offsets(), [1, 2])

    def test_session_expires_after_ttl(self):
        self.put(0, stream(1))
        self.admin("POST", "/__admin/clock", {"advance": 24 * 3600 + 1})
        status = self.client.upload_status("kafka_sink", self.upload_id, PT)
        self.assertEqual(status.json()["Status"], "expired")
        for reply in (self.put(1, stream(2)), self.commit()):
            self.assertEqual((reply.status, reply.json()["Code"]), (409, "StatusConflict"))
            self.assertIn("expired", reply.json()["Message"])
        self.assertEqual(self.stats()["sessions"]["expired_rejections"], 2)
        self.assertEqual(self.offsets(), [])

    def test_rejected_block_is_not_stored(self):
        data = bytearray(stream(1))
        data[3] ^= 0xFF
        reply = self.put(0, bytes(data))
        self.assertEqual((reply.status, reply.json()["Code"]), (400, "MalformedDataStream"))
        self.assertIn("record 0", reply.json()["Message"])
        broken = self.put(1, wire.deflate(stream(1))[:-3], deflate=False,
                          chunked=False)
        self.assertEqual(broken.json()["Code"], "MalformedDataStream")
        snappy = self.client.request(
            "PUT", self.client.table_path("kafka_sink"),
            [("uploadid", self.upload_id), ("blockid", "2"), ("partition", PT)],
            [("Content-Type", "application/octet-stream"),
             ("Content-Encoding", "x-snappy-framed")], stream(1))
        self.assertEqual((snappy.status, snappy.json()["Code"]), (400, "InvalidArgument"))
        status = self.client.upload_status("kafka_sink", self.upload_id, PT).json()
        self.assertEqual(status["UploadedBlockList"], [])
        self.assertEqual(self.stats()["blocks"]["rejected"], 3)

    def test_partition_must_match_session(self):
        reply = self.client.put_block("kafka_sink", self.upload_id, 0, stream(1),
                                      "pt=07-13-2023 22")
        self.assertEqual((reply.status, reply.json()["Code"]), (400, "InvalidPartitionSpec"))

    def test_unknown_session(self):
        reply = self.client.upload_status("kafka_sink", "nope", PT)
        self.assertEqual((reply.status, reply.json()["Code"]), (404, "NoSuchUpload"))

    def test_keep_alive_and_expect_continue(self):
        """Several requests on one connection; a PUT that waits for 100 Continue."""
        body = stream(7)
        query = encode_query([("uploadid", self.upload_id), ("blockid", "0"),
                              ("partition", PT), ("curr_project", "test_project")])
        path = self.client.table_path("kafka_sink")
        headers = self.client.signed_headers(
            "PUT", path, [("uploadid", self.upload_id), ("blockid", "0"), ("partition", PT),
                          ("curr_project", "test_project")],
            [("Content-Type", "application/octet-stream"), ("x-odps-tunnel-version", "6")],
            False)
        head = "PUT %s?%s HTTP/1.1\r\nHost: x\r\n%sContent-Length: %d\r\n" \
               "Expect: 100-continue\r\n\r\n" % (path, query, "".join(
                   "%s: %s\r\n" % h for h in headers), len(body))
        with socket.create_connection((self.client.host, self.client.port), timeout=5) as sock:
            sock.sendall(head.encode())
            self.assertTrue(sock.recv(100).startswith(b"HTTP/1.1 100"))
            sock.sendall(body)
            response = http.client.HTTPResponse(sock)
            response.begin()
            response.read()
            self.assertEqual(response.status, 200)
            # same socket, second request
            sock.sendall(head.replace("Expect: 100-continue\r\n", "").encode() + body)
            response = http.client.HTTPResponse(sock)
            response.begin()
            response.read()
            self.assertEqual(response.status, 200)
        self.assertEqual(self.stats()["blocks"]["overwritten"], 1)


class BatchCatalogRulesTest(EmulatorTestCase):

    def setUp(self):
        super().setUp()
        self.admin_sql(KAFKA_SINK_DDL + "CREATE TABLE flat (a BIGINT, b STRING NOT NULL);")

    def test_missing_partition_and_create_partition(self):
        reply = self.client.create_upload("kafka_sink", PT)
        self.assertEqual((reply.status, reply.json()["Code"]), (404, "NoSuchPartition"))
        reply = self.client.create_upload("kafka_sink", PT, [("create_partition", "true")])
        self.assertEqual(reply.status, 200)
        self.assertEqual(self.client.create_upload("kafka_sink", PT).status, 200)

    def test_partition_spec_errors(self):
        for spec, code in ((None, "MissingPartitionSpec"), ("dt=1", "InvalidPartitionSpec"),
                           ("pt='unterminated", "InvalidPartitionSpec")):
            with self.subTest(spec=spec):
                reply = self.client.create_upload("kafka_sink", spec)
                self.assertEqual((reply.status, reply.json()["Code"]), (400, code))
        reply = self.client.create_upload("flat", PT)
        self.assertEqual(reply.json()["Code"], "InvalidPartitionSpec")

    def test_unknown_table(self):
        reply = self.client.create_upload("nope")
        self.assertEqual((reply.status, reply.json()["Code"]), (404, "NoSuchTable"))

    def test_unpartitioned_table_and_not_null(self):
        types = [t for _, t in sqlflow.parse_columns("a bigint, b string")]
        upload_id = self.client.create_upload("flat").json()["UploadID"]
        bad = self.client.put_block("flat", upload_id, 0, wire.encode_stream(types, [[1, None]]))
        self.assertEqual(bad.json()["Code"], "MalformedDataStream")
        self.assertIn("column b is NOT NULL", bad.json()["Message"])
        ok = self.client.put_block("flat", upload_id, 0, wire.encode_stream(types, [[1, "x"]]))
        self.assertEqual(ok.status, 200)
        self.assertEqual(self.client.commit("flat", upload_id).status, 200)
        self.assertEqual(self.dump_json("flat")["rows"], [{"a": 1, "b": "x"}])

    def test_overwrite_session_replaces_partition(self):
        for overwrite, offsets in ((False, (1, 2)), (True, (3,))):
            extra = [("create_partition", "true")] + ([("overwrite", "true")] if overwrite
                                                      else [])
            upload_id = self.client.create_upload("kafka_sink", PT, extra).json()["UploadID"]
            self.client.put_block("kafka_sink", upload_id, 0, stream(*offsets), PT)
            self.assertEqual(self.client.commit("kafka_sink", upload_id, PT).status, 200)
        self.assertEqual([r["offset"] for r in self.dump_json("kafka_sink")["rows"]], [3])

    def test_duplicates_are_counted(self):
        for _ in range(2):
            upload_id = self.client.create_upload(
                "kafka_sink", PT, [("create_partition", "true")]).json()["UploadID"]
            self.client.put_block("kafka_sink", upload_id, 0, stream(1, 2), PT)
            self.client.commit("kafka_sink", upload_id, PT)
        self.assertEqual(self.stats()["rows"]["duplicates"], 2)

    def test_short_ttl(self):
        self.emulator.config.session_ttl = 60
        upload_id = self.client.create_upload("flat").json()["UploadID"]
        self.admin("POST", "/__admin/clock", {"advance": 59})
        self.assertEqual(self.client.upload_status("flat", upload_id).json()["Status"], "normal")
        self.admin("POST", "/__admin/clock", {"advance": 2})
        self.assertEqual(self.client.upload_status("flat", upload_id).json()["Status"], "expired")


class StreamingTest(EmulatorTestCase):
    config_overrides = {"stream_slots": 2}

    def setUp(self):
        super().setUp()
        self.admin_sql(KAFKA_SINK_DDL)
        self.path = self.client.table_path("kafka_sink", "/streams")

    def create(self, create_partition=True):
        query = [("partition", PT)] + ([("create_partition", None)] if create_partition else [])
        return self.client.request("POST", self.path, query)

    def write(self, session, body, slot="1", record_count=None):
        query = [("uploadid", session["session_name"]), ("slotid", slot),
                 ("schema_version", "0"), ("partition", PT),
                 ("check_latest_schema", "false")]
        if record_count is not None:
            query.append(("record_count", str(record_count)))
        headers = [("Content-Type", "application/octet-stream"), ("Content-Encoding", "deflate"),
                   ("odps-tunnel-slot-num", "2"),
                   ("odps-tunnel-routed-server", self.emulator.address)]
        return self.client.request("PUT", self.path, query, headers, wire.deflate(body))

    def test_requires_partition_unless_create_partition(self):
        reply = self.create(create_partition=False)
        self.assertEqual((reply.status, reply.json()["Code"]), (404, "NoSuchPartition"))

    def test_create_write_visible_at_once(self):
        session = self.create().json()
        self.assertEqual(session["status"], "normal")
        self.assertEqual(session["slots"], [["1", self.emulator.address],
                                            ["2", self.emulator.address]])
        reply = self.write(session, stream(1, 2), record_count=2)
        self.assertEqual(reply.status, 200, reply)
        self.assertEqual(reply.headers["odps-tunnel-routed-server"], self.emulator.address)
        self.assertEqual(reply.headers["odps-tunnel-slot-num"], "2")
        self.assertEqual(self.write(session, stream(3), slot="2").status, 200)
        self.assertEqual([r["offset"] for r in self.dump_json("kafka_sink")["rows"]], [1, 2, 3])
        reload = self.client.request("GET", self.path, [("uploadid", session["session_name"]),
                                                        ("partition", PT)])
        self.assertEqual(reload.json()["session_name"], session["session_name"])
        self.assertEqual(self.stats()["streams"]["packs"], 2)

    def test_bad_slot_and_record_count(self):
        session = self.create().json()
        self.assertEqual(self.write(session, stream(1), slot="9").json()["Code"],
                         "InvalidArgument")
        reply = self.write(session, stream(1), record_count=5)
        self.assertEqual((reply.status, reply.json()["Code"]), (400, "MalformedDataStream"))
        self.assertEqual(self.dump_json("kafka_sink")["row_count"], 0)


class UpsertTest(EmulatorTestCase):
    DDL = ("CREATE TABLE users (id BIGINT NOT NULL, name STRING, PRIMARY KEY (id)) "
           "TBLPROPERTIES ('transactional'='true', 'write.bucket.num'='4');")
    TYPES = [t for _, t in sqlflow.parse_columns(
        "id bigint, name string, __version bigint, __app_version bigint, __operation tinyint,"
        " __key_cols array<bigint>, __value_cols array<bigint>")]

    def setUp(self):
        super().setUp()
        self.admin_sql(self.DDL + KAFKA_SINK_DDL)
        self.path = self.client.table_path("users", "/upserts")

    def session(self, slots=1):
        reply = self.client.request("POST", self.path, [("slotnum", str(slots))])
        self.assertEqual(reply.status, 200, reply)
        return reply.json()

    def write(self, session, operations, bucket="0", slot="0"):
        body = wire.encode_stream(self.TYPES, [[key, name, 0, 0, ord(op), [], []]
                                               for op, key, name in operations])
        query = [("upsertid", session["id"]), ("bucketid", bucket), ("slotid", slot),
                 ("record_count", str(len(operations)))]
        return self.client.request("PUT", self.path, query,
                                   [("Content-Type", "application/octet-stream")], body)

    def commit(self, session):
        return self.client.request("POST", self.path, [("upsertid", session["id"])])

    def names(self):
        return [(r["id"], r["name"]) for r in self.dump_json("users")["rows"]]

    def test_session_shape(self):
        session = self.session(slots=2)
        self.assertEqual(session["hash_key"], ["id"])
        self.assertEqual(session["status"], "normal")
        self.assertEqual([(s["slot_id"], s["buckets"]) for s in session["slots"]],
                         [("0", [0, 2]), ("1", [1, 3])])

    def test_upsert_replaces_and_delete_removes(self):
        first = self.session()
        self.assertEqual(self.write(first, [("U", 1, "a"), ("U", 2, "b"), ("U", 3, "c")]).status,
                         200)
        self.assertEqual(self.names(), [], "upserts are visible only after commit")
        self.assertEqual(self.commit(first).json()["status"], "committed")
        second = self.session()
        self.write(second, [("U", 1, "a2"), ("D", 2, None), ("D", 9, None)])
        self.commit(second)
        self.assertEqual(self.names(), [(1, "a2"), (3, "c")])
        again = self.commit(second)     # clients repeat POST until committed
        self.assertEqual((again.status, again.json()["status"]), (200, "committed"))
        self.assertEqual(self.names(), [(1, "a2"), (3, "c")])
        stats = self.stats()["rows"]
        self.assertEqual((stats["upserted"], stats["deleted"]), (4, 1))

    def test_abort_discards(self):
        session = self.session()
        self.write(session, [("U", 1, "a")])
        aborted = self.client.request("DELETE", self.path, [("upsertid", session["id"])])
        self.assertEqual(aborted.status, 200)
        self.assertEqual(self.commit(session).json()["Code"], "StatusConflict")
        self.assertEqual(self.names(), [])

    def test_rejections(self):
        session = self.session()
        body = wire.encode_stream(self.TYPES, [[1, "a", 0, 0, ord("X"), [], []]])
        bad_op = self.client.request("PUT", self.path, [("upsertid", session["id"]),
                                                        ("bucketid", "0"), ("slotid", "0")],
                                     body=body)
        self.assertEqual(bad_op.json()["Code"], "MalformedDataStream")
        self.assertEqual(self.write(session, [("U", None, "a")]).json()["Code"],
                         "MalformedDataStream")
        self.assertEqual(self.write(session, [("U", 1, "a")], bucket="7").json()["Code"],
                         "InvalidArgument")
        batch = self.client.create_upload("users")
        self.assertEqual((batch.status, batch.json()["Code"]), (400, "InvalidArgument"))
        plain = self.client.request("POST", self.client.table_path("kafka_sink", "/upserts"),
                                    [("partition", PT)])
        self.assertEqual((plain.status, plain.json()["Code"]), (400, "InvalidArgument"))

    def test_schema_reports_primary_key(self):
        reply = self.client.request("GET", "/api/projects/test_project/tables/users")
        schema = json.loads(reply.text.split("<![CDATA[")[1].split("]]>")[0])
        self.assertEqual(json.loads(schema["Reserved"]),
                         {"Transactional": "true", "schema_version": "0", "PrimaryKey": ["id"]})
        self.assertFalse(schema["columns"][0]["isNullable"])

    def test_expired_upsert_session(self):
        session = self.session()
        self.admin("POST", "/__admin/clock", {"advance": 24 * 3600})
        self.assertEqual(self.write(session, [("U", 1, "a")]).status, 409)
        self.assertEqual(self.commit(session).json()["Code"], "StatusConflict")
