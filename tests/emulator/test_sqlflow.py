"""The SQL instance flow (spec 3.3) and the DDL subset, including the seed's
CREATE TABLE statements run verbatim."""

import json
import re
import unittest
import xml.etree.ElementTree as ElementTree

from emuclient import SEED, EmulatorTestCase
from mcemu import sqlflow, store

with open(SEED, encoding="utf-8") as _seed:
    SEED_TEXT = _seed.read()
SEED_DDL = re.findall(r"CREATE TABLE IF NOT EXISTS .*?;", SEED_TEXT, re.S)


def schema_of(reply):
    root = ElementTree.fromstring(reply.body)
    return json.loads(root.findtext("Schema"))


class SeedStatementsTest(EmulatorTestCase):

    def test_seed_has_the_documented_examples(self):
        names = [re.search(r"EXISTS (\w+)", ddl).group(1) for ddl in SEED_DDL]
        self.assertEqual(names, ["table_flatten", "table_text", "table_csv", "table_json",
                                 "table_flatten", "table_flatten"])

    def test_seed_statements_run_verbatim(self):
        for ddl in SEED_DDL:
            with self.subTest(ddl=ddl.split("(")[0]):
                self.assertEqual(self.client.sql(ddl)[0], "Success")
        # IF NOT EXISTS: the first table_flatten (A, B, C) stays.
        flatten = schema_of(self.client.request("GET", "/api/projects/test_project/tables/"
                                                       "table_flatten"))
        self.assertEqual([c["name"] for c in flatten["columns"]],
                         ["topic", "partition", "offset", "a", "b", "c"])
        # Re-create with the example's columns.
        self.assertEqual(self.client.sql("DROP TABLE table_flatten;")[0], "Success")
        self.assertEqual(self.client.sql(SEED_DDL[-1])[0], "Success")
        expected = {
            "table_text": [("topic", "string"), ("partition", "bigint"), ("offset", "bigint"),
                           ("key", "string"), ("value", "string")],
            "table_csv": [("topic", "string"), ("partition", "bigint"), ("offset", "bigint"),
                          ("id", "bigint"), ("name", "string"), ("region", "string")],
            "table_json": [("topic", "string"), ("partition", "bigint"), ("offset", "bigint"),
                           ("key", "string"), ("value", "json")],
            "table_flatten": [("topic", "string"), ("partition", "bigint"),
                              ("offset", "bigint"), ("id", "bigint"), ("name", "string"),
                              ("extendinfo", "json")],
        }
        for table, columns in expected.items():
            with self.subTest(table=table):
                reply = self.client.request("GET", "/api/projects/test_project/tables/" + table)
                schema = schema_of(reply)
                self.assertEqual([(c["name"], c["type"]) for c in schema["columns"]], columns)
                self.assertEqual(schema["partitionKeys"][0]["name"], "pt")
                self.assertEqual(schema["partitionKeys"][0]["type"], "string")

    def test_seed_set_statement_is_accepted(self):
        self.assertEqual(self.client.sql("set odps.sql.allow.fullscan=true;")[0], "Success")

    def test_select_is_not_emulated(self):
        status, result = self.client.sql("select * from table_text;")
        self.assertEqual(status, "Failed")
        self.assertIn("ODPS-0130161", result)


class InstanceFlowTest(EmulatorTestCase):
    config_overrides = {"instance_polls": 2}

    def setUp(self):
        super().setUp()
        self.admin_sql("CREATE TABLE t (a BIGINT) PARTITIONED BY (pt STRING, hh STRING);")

    def partition_status(self, spec):
        return self.client.request("GET", "/api/projects/test_project/tables/t",
                                   [("partition", spec)])

    def test_alter_add_partition_like_the_sdks(self):
        spec = "pt='07-13-2023',hh='21'"
        reply = self.partition_status(spec)
        self.assertEqual(reply.status, 404)
        self.assertEqual(ElementTree.fromstring(reply.body).findtext("Code"), "NoSuchPartition")
        body = ("<?xml version=\"1.0\" encoding=\"utf-8\"?>\n<Instance><Job><Priority>9</Priority>"
                "<Tasks><SQL><Name>SQLAddPartitionTask</Name><Config><Property><Name>settings"
                "</Name><Value>{}</Value></Property></Config><Query><![CDATA[ALTER TABLE "
                "test_project.`t` ADD IF NOT EXISTS  PARTITION (pt='07-13-2023', hh='21');]]>"
                "</Query></SQL></Tasks><DAG><RunMode>Sequence</RunMode></DAG></Job></Instance>")
        created = self.client.request("POST", "/api/projects/test_project/instances",
                                      headers=[("Content-Type", "application/xml"),
                                               ("Content-MD5", "0123456789abcdef0123456789abcdef")],
                                      body=body.encode())
        self.assertEqual(created.status, 201)
        location = created.headers["location"]
        self.assertTrue(location.startswith(self.server.url + "/api/projects/test_project/"
                                            "instances/"))
        path = location[len(self.server.url):]
        statuses = []
        for _ in range(3):
            reply = self.client.request("GET", path)
            statuses.append(ElementTree.fromstring(reply.body).findtext("Status"))
            self.assertIn("x-odps-start-time", reply.headers)
        self.assertEqual(statuses, ["Running", "Running", "Terminated"])
        tasks = ElementTree.fromstring(self.client.request("GET", path, [("taskstatus", None)])
                                       .body)
        self.assertEqual(tasks.find("Tasks/Task").get("Type"), "SQL")
        self.assertEqual(tasks.findtext("Tasks/Task/Name"), "SQLAddPartitionTask")
        self.assertEqual(tasks.findtext("Tasks/Task/Status"), "Success")
        # both spellings of the spec, in either key order
        for spec in ("pt='07-13-2023',hh='21'", "hh=21,pt=07-13-2023"):
            self.assertEqual(self.partition_status(spec).status, 200)

    def test_failed_statement_reports_result(self):
        self.client.sql("ALTER TABLE t ADD PARTITION (pt='a', hh='1');")
        status, result = self.client.sql("ALTER TABLE t ADD PARTITION (pt='a', hh='1');")
        self.assertEqual(status, "Failed")
        self.assertIn("Partition already exists", result)
        status, result = self.client.sql("ALTER TABLE t ADD PARTITION (pt='a');")
        self.assertEqual(status, "Failed")
        self.assertIn("does not match the partition columns", result)
        status, result = self.client.sql("ALTER TABLE nope ADD PARTITION (pt='a', hh='1');")
        self.assertEqual((status, result), ("Failed",
                                            "ODPS-0130131:Table not found - 'test_project.nope'"))
        self.assertEqual(self.stats()["instances"]["failed"], 3)

    def test_bad_instance_bodies(self):
        for body in (b"<Instance", b"<Instance><Job><Tasks><MR/></Tasks></Job></Instance>"):
            reply = self.client.request("POST", "/api/projects/test_project/instances",
                                        headers=[("Content-Type", "application/xml")], body=body)
            self.assertEqual(reply.status, 400)
            self.assertEqual(ElementTree.fromstring(reply.body).findtext("Code"),
                             "InvalidArgument")

    def test_unknown_instance_and_project(self):
        reply = self.client.request("GET", "/api/projects/test_project/instances/nope")
        self.assertEqual(reply.status, 404)
        reply = self.client.request("GET", "/api/projects/other")
        self.assertEqual(ElementTree.fromstring(reply.body).findtext("Code"), "NoSuchProject")
        reply = self.client.request("GET", "/api/projects/test_project")
        self.assertEqual(reply.status, 200)
        for header in ("x-odps-owner", "x-odps-creation-time", "last-modified"):
            self.assertIn(header, reply.headers)

    def test_tunnel_endpoint_discovery(self):
        reply = self.client.request("GET", "/api/projects/test_project/tunnel",
                                    [("service", None)])
        self.assertEqual((reply.status, reply.text), (200, self.emulator.address))
        self.assertEqual(reply.headers["content-type"], "text/plain")


class ParserTest(unittest.TestCase):

    def run_sql(self, text):
        catalog = store.Catalog()
        catalog.ensure_project("p", 0)
        return catalog, sqlflow.execute(catalog, "p", text, 0)

    def test_primary_key_forms(self):
        catalog, _ = self.run_sql(
            "create table a (id bigint primary key, v string comment 'x') "
            "tblproperties ('transactional'='true');"
            "CREATE TABLE b (k1 STRING NOT NULL, k2 BIGINT, v MAP<STRING, ARRAY<BIGINT>>, "
            "PRIMARY KEY (k1, k2)) COMMENT 'c' PARTITIONED BY (ds STRING COMMENT 'day') "
            "TBLPROPERTIES (\"transactional\"=\"true\", 'write.bucket.num'='8') LIFECYCLE 7;")
        a = catalog.table("p", "a")
        self.assertEqual((a.primary_key, a.columns[0].nullable, a.transactional),
                         (["id"], False, True))
        b = catalog.table("p", "B")
        self.assertEqual(b.primary_key, ["k1", "k2"])
        self.assertEqual(str(b.columns[2].type), "map<string,array<bigint>>")
        self.assertEqual((b.comment, b.lifecycle, b.bucket_count), ("c", 7, 8))
        self.assertEqual(b.partition_keys[0].comment, "day")

    def test_types(self):
        for text in ("decimal(38,18)", "varchar(10)", "char(2)", "timestamp_ntz",
                     "struct<a:bigint,b:array<struct<c:string>>>", "interval_day_time", "json"):
            with self.subTest(text=text):
                self.assertEqual(str(sqlflow.parse_type(text)), text)
        self.assertEqual(str(sqlflow.parse_type("STRUCT<`Select`:INT>")), "struct<select:int>")
        for bad in ("decimal(40,2)", "varchar", "array<>", "map<string>", "blob", "int(3)"):
            with self.subTest(bad=bad), self.assertRaises(sqlflow.SqlError):
                sqlflow.parse_type(bad)

    def test_names_and_schemas(self):
        catalog, results = self.run_sql("create table p.x (a int); create table p.s1.x (b int);"
                                        "create table if not exists x (c int);")
        self.assertEqual(results, ["OK", "OK", "OK (table already exists)"])
        self.assertEqual(catalog.table("p", "x", "s1").columns[0].name, "b")
        self.assertEqual(catalog.table("p", "x").columns[0].name, "a")

    def test_semantic_errors(self):
        cases = [
            ("create table x (a int, a string);", "column a defined more than once"),
            ("create table x (a int) partitioned by (a string);", "defined more than once"),
            ("create table x (a int primary key);", "requires TBLPROPERTIES"),
            ("create table x (a array<int> primary key) tblproperties('transactional'='true');",
             "cannot have type"),
            ("create table x (a int) partitioned by (p double);", "cannot have type double"),
            ("create table x (a int); create table x (b int);", "already exists"),
            ("drop table nope;", "Table not found"),
            ("create table q.x (a int);", "project 'q' does not exist"),
        ]
        for text, fragment in cases:
            with self.subTest(text=text):
                with self.assertRaises(sqlflow.SqlError) as caught:
                    self.run_sql(text)
                self.assertIn(fragment, str(caught.exception))

    def test_syntax_errors_have_positions(self):
        with self.assertRaises(sqlflow.SqlError) as caught:
            self.run_sql("create table x (\n  a int,\n  b strin g);")
        self.assertIn("ODPS-0130161:[3,5] Parse exception - invalid type: unknown type 'strin'",
                      str(caught.exception))
        with self.assertRaises(sqlflow.SqlError) as caught:
            self.run_sql("create table x (a int); insert into x values (1);")
        self.assertIn("unsupported statement", str(caught.exception))

    def test_syntax_error_changes_nothing(self):
        catalog = store.Catalog()
        catalog.ensure_project("p", 0)
        with self.assertRaises(sqlflow.SqlError):
            sqlflow.execute(catalog, "p", "create table x (a int); create table (", 0)
        self.assertEqual(catalog.projects["p"].tables, {})


if __name__ == "__main__":
    unittest.main()
