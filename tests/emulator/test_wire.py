"""Record stream codec against the SDK's golden vectors (spec 4, testdata README)."""

import hashlib
import os
import random
import re
import struct
import unittest
import zlib

from emuclient import TESTDATA
from mcemu import sqlflow, wire

MANIFEST = os.path.join(TESTDATA, "vectors_manifest.txt")


def read_manifest():
    """file name -> {size, sha256, schema, records, record_crcs, stream_crc, dump}.

    The manifest lists both files of a vector, then the details they share
    (schema, checksums, hex dump of the raw stream).
    """
    entries, shared = {}, None
    with open(MANIFEST, encoding="utf-8") as handle:
        for line in handle:
            head = re.match(r"((\S+)\.(raw|deflate)\.bin): (\d+) bytes sha256=([0-9a-f]{64})",
                            line)
            if head:
                if head.group(3) == "raw":
                    shared = {"dump": bytearray()}
                entries[head.group(1)] = {"size": int(head.group(4)), "sha256": head.group(5),
                                          "shared": shared}
            elif shared is None:
                continue
            elif line.strip().startswith("schema:"):
                shared["schema"] = line.split("schema:", 1)[1].strip()
            elif "record crc32c:" in line:
                crcs = re.search(r"record crc32c: ([^;]+); stream crc32c: (0x[0-9a-f]+)", line)
                shared["record_crcs"] = [int(c, 16) for c in crcs.group(1).split(",")]
                shared["stream_crc"] = int(crcs.group(2), 16)
                shared["records"] = int(re.search(r"records: (\d+)", line).group(1))
            elif re.match(r"\s+[0-9a-f]{8}  ", line):
                for token in line.split()[1:17]:
                    if not re.fullmatch(r"[0-9a-f]{2}", token):
                        break
                    shared["dump"].append(int(token, 16))
    for entry in entries.values():
        entry.update(entry.pop("shared"))
    return entries


MANIFEST_ENTRIES = read_manifest()
VECTORS = ("basic", "alltypes", "kafka_text_value")

# Values as described in testdata/README.md.
EXPECTED_ROWS = {
    "basic": [
        [1, b"alice", 98.5, True, 1689282780000],
        [2, None, None, False, None],
    ],
    "alltypes": [
        [-1, 2147483647, -32768, 127, -0.25, 1.5, True, "héllo 世界".encode(),
         b"\x00\x01\xfe\xff", 1123, 19551, (1689282780, 123456789), "-12345.678",
         '{"k": [1, 2]}', [1, None, -3], [(b"x", 1), (b"y", None)], [7, None]],
        [None] * 17,
        [9223372036854775807, -2147483648, 0, -128, 1e300, -0.0, False, b"", b"", -1000, -1,
         (-1, 1), "0", "[]", [], [], [None, b"s"]],
    ],
    "kafka_text_value": [
        [b"orders", 0, 42, 1689282780123, b'{"id":1}'],
        [b"orders", 3, 43, 1689282780456, None],
    ],
}


def load(name, suffix):
    with open(os.path.join(TESTDATA, "%s.%s.bin" % (name, suffix)), "rb") as handle:
        return handle.read()


def columns_of(name):
    return sqlflow.parse_columns(MANIFEST_ENTRIES[name + ".raw.bin"]["schema"])


class Crc32cTest(unittest.TestCase):
    def test_check_value(self):
        self.assertEqual(wire.crc32c(b"123456789"), 0xE3069283)

    def test_incremental(self):
        self.assertEqual(wire.crc32c(b"56789", wire.crc32c(b"1234")), 0xE3069283)

    def test_spec_worked_example(self):
        # Spec 4.4 prints the DOUBLE 98.5 as "000000000000a05840" (9 bytes, one
        # "00" too many); the 8 bytes actually fed are 0000000000a05840.
        record0 = bytes.fromhex("01000000 0100000000000000 02000000 616c696365 03000000 "
                                "0000000000a05840 04000000 01 05000000 609b195189010000")
        self.assertEqual(wire.crc32c(record0), 0xC34E214C)
        self.assertEqual(wire.crc32c(bytes.fromhex("01000000 0200000000000000 04000000 00")),
                         0x04E8B1CC)
        self.assertEqual(wire.stream_checksum([0xC34E214C, 0x04E8B1CC]), 0x5CDCA70A)


class GoldenVectorTest(unittest.TestCase):

    def test_manifest_lists_every_file(self):
        files = sorted(f for f in os.listdir(TESTDATA) if f.endswith(".bin"))
        self.assertEqual(files, sorted(MANIFEST_ENTRIES))
        self.assertEqual(files, sorted("%s.%s.bin" % (n, s) for n in VECTORS
                                       for s in ("raw", "deflate")))

    def test_sizes_and_hashes(self):
        for file_name, entry in MANIFEST_ENTRIES.items():
            with self.subTest(file=file_name):
                name, suffix = file_name.split(".")[:2]
                data = load(name, suffix)
                self.assertEqual(len(data), entry["size"])
                self.assertEqual(hashlib.sha256(data).hexdigest(), entry["sha256"])
                if suffix == "raw":
                    self.assertEqual(bytes(entry["dump"]), data)

    def test_decode_values_and_checksums(self):
        for name in VECTORS:
            entry = MANIFEST_ENTRIES[name + ".raw.bin"]
            for suffix, encoding in (("raw", None), ("deflate", "deflate")):
                with self.subTest(vector=name, coding=suffix):
                    data = wire.decode_content(load(name, suffix), encoding)
                    decoded = wire.decode_stream(data, columns_of(name))
                    self.assertEqual(decoded.records, EXPECTED_ROWS[name])
                    self.assertEqual(len(decoded.records), entry["records"])
                    self.assertEqual(decoded.record_crcs, entry["record_crcs"])
                    self.assertEqual(decoded.stream_crc, entry["stream_crc"])

    def test_signed_zero_and_float_bits(self):
        row = wire.decode_stream(load("alltypes", "raw"), columns_of("alltypes")).records[2]
        self.assertEqual(struct.pack("<f", row[5]), b"\x00\x00\x00\x80")   # -0.0 float

    def test_deflate_files_are_zlib_level_1(self):
        for name in VECTORS:
            with self.subTest(vector=name):
                compressed = load(name, "deflate")
                self.assertEqual(compressed[:2], b"\x78\x01")
                self.assertEqual(zlib.decompress(compressed), load(name, "raw"))

    def test_encoder_reproduces_vectors(self):
        for name in VECTORS:
            with self.subTest(vector=name):
                types = [t for _, t in columns_of(name)]
                self.assertEqual(wire.encode_stream(types, EXPECTED_ROWS[name]), load(name, "raw"))
                self.assertEqual(wire.deflate(load(name, "raw")), load(name, "deflate"))


class RejectionTest(unittest.TestCase):
    """Every kind of damage is reported, with where it happened."""

    def setUp(self):
        self.columns = columns_of("basic")
        self.raw = load("basic", "raw")

    def assert_rejected(self, data, fragment, columns=None):
        with self.assertRaises(wire.StreamError) as caught:
            wire.decode_stream(data, columns or self.columns)
        self.assertIn(fragment, str(caught.exception))

    def test_flipped_value_byte_breaks_record_crc(self):
        data = bytearray(self.raw)
        data[5] ^= 0x01                         # inside "alice"
        self.assert_rejected(bytes(data), "record 0: record CRC32C mismatch")

    def test_wrong_record_crc(self):
        data = self.raw.replace(bytes.fromhex("cce3a227"), bytes.fromhex("cde3a227"))
        self.assert_rejected(data, "record 1: record CRC32C mismatch")

    def test_wrong_stream_crc(self):
        data = self.raw[:-5] + wire.varint(0x5CDCA70B)
        self.assert_rejected(data, "stream CRC32C mismatch")

    def test_wrong_record_count(self):
        data = self.raw.replace(bytes.fromhex("f0ffff7f04"), bytes.fromhex("f0ffff7f06"))
        self.assert_rejected(data, "trailer record count 3 but 2 records")

    def test_missing_trailer(self):
        trailer = 4 + 1 + 4 + 5          # count tag, zigzag(2), CRC tag, CRC varint
        self.assert_rejected(self.raw[:-trailer], "without the record-count/checksum trailer")
        self.assert_rejected(self.raw[:-10], "truncated varint")

    def test_truncated_in_record(self):
        self.assert_rejected(self.raw[:20], "record 0")

    def test_trailing_bytes(self):
        self.assert_rejected(self.raw + b"\x00", "1 bytes after the stream checksum")

    def test_empty_body(self):
        self.assert_rejected(b"", "without the record-count/checksum trailer")

    def test_unknown_field(self):
        types = [t for _, t in self.columns] + [sqlflow.parse_type("bigint")]
        data = wire.encode_stream(types, [[1, None, None, None, None, 7]])
        self.assert_rejected(data, "field number 6 is not a column")

    def test_wrong_wire_type(self):
        types = [sqlflow.parse_type("string")] + [t for _, t in self.columns[1:]]
        data = wire.encode_stream(types, [["1"]])
        self.assert_rejected(data, "column id (bigint) sent with wire type 2, expected 0")

    def test_fields_out_of_order(self):
        first, _ = wire.encode_record([t for _, t in self.columns], [None, "x"])
        second, _ = wire.encode_record([t for _, t in self.columns], [5])
        record = first[:3] + second[:2] + first[3:]    # field 2 then field 1
        self.assert_rejected(record, "must be in ascending column order")

    def test_value_ranges(self):
        cases = [("c int", [2 ** 31], "int value 2147483648 out of range"),
                 ("c tinyint", [-129], "tinyint value -129 out of range"),
                 ("c timestamp", [(0, 10 ** 9)], "nanos 1000000000 out of range"),
                 ("c decimal(10,2)", ["1e5"], "is not a plain decimal"),
                 ("c json", ["{bad"], "is not valid UTF-8 JSON"),
                 ("c varchar(3)", ["abcd"], "has 4 characters")]
        for schema, row, fragment in cases:
            with self.subTest(schema=schema):
                columns = sqlflow.parse_columns(schema)
                data = wire.encode_stream([t for _, t in columns], [row])
                self.assert_rejected(data, fragment, columns)

    def test_boolean_and_null_flags(self):
        columns = sqlflow.parse_columns("b boolean")
        record = b"\x08\x02" + wire.varint(wire.END_OF_RECORD << 3)
        self.assert_rejected(record, "boolean value 2", columns)
        columns = sqlflow.parse_columns("a array<bigint>")
        self.assert_rejected(b"\x0a\x01\x02\x02", "null flag 2", columns)

    def test_mutations_only_raise_stream_errors(self):
        """Damaged input must give a StreamError, never another exception (which
        would be an emulator bug answered with 500)."""
        rng = random.Random(20230713)
        columns, raw = columns_of("alltypes"), load("alltypes", "raw")
        for _ in range(2000):
            data = bytearray(raw)
            for _ in range(rng.randint(1, 3)):
                position = rng.randrange(len(data))
                choice = rng.random()
                if choice < 0.5:
                    data[position] = rng.randrange(256)
                elif choice < 0.75:
                    del data[position]
                else:
                    data.insert(position, rng.randrange(256))
            try:
                wire.decode_stream(bytes(data), columns)
            except wire.StreamError:
                pass

    def test_max_field_size(self):
        columns = sqlflow.parse_columns("s string")
        data = wire.encode_stream([columns[0][1]], [["x" * 11]])
        with self.assertRaises(wire.StreamError) as caught:
            wire.decode_stream(data, columns, max_field_size=10)
        self.assertIn("exceeds MaxFieldSize 10", str(caught.exception))


class ContentEncodingTest(unittest.TestCase):
    def setUp(self):
        self.raw = load("kafka_text_value", "raw")

    def test_identity(self):
        self.assertEqual(wire.decode_content(self.raw, None), self.raw)
        self.assertEqual(wire.decode_content(self.raw, "identity"), self.raw)

    def test_raw_deflate_accepted(self):
        deflater = zlib.compressobj(1, zlib.DEFLATED, -15)
        body = deflater.compress(self.raw) + deflater.flush()
        self.assertEqual(wire.decode_content(body, "deflate"), self.raw)

    def test_truncated_zlib(self):
        with self.assertRaises(wire.StreamError) as caught:
            wire.decode_content(load("kafka_text_value", "deflate")[:-6], "deflate")
        self.assertIn("truncated", str(caught.exception))

    def test_not_compressed(self):
        with self.assertRaises(wire.StreamError):
            wire.decode_content(b"\xff" * 20, "deflate")

    def test_unsupported(self):
        with self.assertRaises(wire.UnsupportedEncoding):
            wire.decode_content(self.raw, "x-snappy-framed")


if __name__ == "__main__":
    unittest.main()
