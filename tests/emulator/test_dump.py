"""Table dumps against the seed's ``select *`` outputs, and value formatting."""

import re
import unittest

from emuclient import SEED, EmulatorTestCase
from mcemu import dump, sqlflow, wire

with open(SEED, encoding="utf-8") as _seed:
    SEED_TEXT = _seed.read()
SEED_DDL = {re.search(r"EXISTS (\w+)", ddl).group(1): ddl   # the last definition wins
            for ddl in re.findall(r"CREATE TABLE IF NOT EXISTS .*?;", SEED_TEXT, re.S)}


def printed_tables(text):
    """``(table name, [header cells], [[row cells]])`` for each printed result."""
    tables = []
    for match in re.finditer(r"select \* from (\w+);", text):
        lines = text[match.end():].split("\n")
        block = []
        for line in lines:
            stripped = line.strip()
            if stripped.startswith(("+", "|")):
                block.append(stripped)
            elif block:
                break
        cells = [[c.strip() for c in line.strip("|").split("|")]
                 for line in block if line.startswith("|")]
        tables.append((match.group(1), cells[0], cells[1:]))
    return tables


SEED_TABLES = printed_tables(SEED_TEXT)


class SeedDumpTest(EmulatorTestCase):
    """Load the rows each seed example shows, then dump: same cells."""

    def load_rows(self, table, header, rows):
        columns = sqlflow.parse_columns(SEED_DDL[table].split("(", 1)[1]
                                        .rsplit(") PARTITIONED", 1)[0])
        types = [t for _, t in columns]
        by_partition = {}
        for row in rows:
            values = [None if cell == "NULL" else int(cell) if t.name == "bigint" else cell
                      for cell, t in zip(row, types)]
            by_partition.setdefault(row[len(types)], []).append(values)
        for pt, values in by_partition.items():
            status, result = self.client.sql(
                "ALTER TABLE test_project.%s ADD IF NOT EXISTS PARTITION (pt='%s');"
                % (table, pt), "SQLAddPartitionTask")
            self.assertEqual(status, "Success", result)
            spec = "pt=" + pt
            upload = self.client.create_upload(table, spec).json()["UploadID"]
            body = wire.encode_stream(types, values)
            self.assertEqual(self.client.put_block(table, upload, 0, body, spec,
                                                   deflate=True).status, 200)
            self.assertEqual(self.client.commit(table, upload, spec).status, 200)

    def test_seed_has_five_results(self):
        self.assertEqual([t for t, _, _ in SEED_TABLES],
                         ["table_text", "table_csv", "table_json", "table_flatten",
                          "table_flatten"])

    def test_dump_matches_seed_tables(self):
        for table, header, rows in SEED_TABLES:
            with self.subTest(table=table, rows=len(rows)):
                self.admin("POST", "/__admin/reset")
                self.assertEqual(self.client.sql(SEED_DDL[table])[0], "Success")
                self.load_rows(table, header, rows)
                text = self.client.send(
                    "GET", "/__admin/dump?project=test_project&table=" + table, []).text
                self.assertEqual(printed_tables("select * from %s;\n%s" % (table, text)),
                                 [(table, header, rows)])
                self.assert_aligned(text)

    def assert_aligned(self, text):
        lines = text.rstrip("\n").split("\n")
        border = lines[0]
        self.assertRegex(border, r"^\+(-+\+)+$")
        self.assertEqual(lines[2], border)
        self.assertEqual(lines[-1], border)
        cuts = [i for i, ch in enumerate(border) if ch == "+"]
        for line in lines[1:-1]:
            if line != border:
                self.assertEqual([i for i, ch in enumerate(line) if ch == "|"], cuts, line)


class ValueTextTest(unittest.TestCase):

    def test_alltypes_row(self):
        types = [t for _, t in sqlflow.parse_columns(
            "a bigint, b int, c double, d float, e boolean, f string, g binary, h datetime, "
            "i date, j timestamp, k decimal(18,3), l json, m array<bigint>, "
            "n map<string,bigint>, o struct<a:bigint,b:string>")]
        row = [-1, 2147483647, 1e300, 1.5, True, "héllo 世界".encode(), b"\x00\x01\xfe\xff",
               1123, 19551, (1689282780, 123456789), "-12345.678", '{"k": [1, 2]}',
               [1, None, -3], [(b"x", 1), (b"y", None)], [7, None]]
        self.assertEqual([dump.value_text(t, v) for t, v in zip(types, row)],
                         ["-1", "2147483647", "1.0E300", "1.5", "true", "héllo 世界",
                          "X'0001feff'", "1970-01-01 00:00:01.123", "2023-07-13",
                          "2023-07-13 21:13:00.123456789", "-12345.678", '{"k": [1, 2]}',
                          "[1,null,-3]", '{"x":1,"y":null}', '{"a":7,"b":null}'])

    def test_java_double_style(self):
        cases = [(98.5, "98.5"), (100.0, "100.0"), (0.001, "0.001"), (0.0001, "1.0E-4"),
                 (1e7, "1.0E7"), (1234567.0, "1234567.0"), (-0.25, "-0.25"), (-0.0, "-0.0"),
                 (float("nan"), "NaN"), (float("-inf"), "-Infinity"), (1.5e-300, "1.5E-300")]
        for value, text in cases:
            with self.subTest(value=value):
                self.assertEqual(dump.java_double(value), text)
        self.assertEqual(dump.java_double(0.1, single=True), "0.1")

    def test_negative_times(self):
        types = [t for _, t in sqlflow.parse_columns("a datetime, b date, c timestamp")]
        self.assertEqual([dump.value_text(t, v) for t, v in zip(types, [-1000, -1, (-1, 1)])],
                         ["1969-12-31 23:59:59", "1969-12-31", "1969-12-31 23:59:59.000000001"])

    def test_wide_characters_align(self):
        from mcemu.store import Column, Table
        table = Table("p", "default", "t", [Column("name", sqlflow.parse_type("string"))], [],
                      [], {}, "", -1, 0)
        table.append_rows((), [["世界".encode()], [b"ab"]], 0)
        self.assertEqual(dump.text_dump(table).split("\n")[3:5],
                         ["| 世界 |", "| ab   |"])


if __name__ == "__main__":
    unittest.main()
