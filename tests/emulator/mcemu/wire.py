"""Tunnel record stream: CRC32C, decoder and encoder (spec section 4).

The decoder is the emulator's main line of defence against a wrong C codec, so
it is strict: every tag, wire type, value range, per-record CRC32C, the record
count and the stream CRC32C of the trailer are checked, and the first problem
is reported with its byte offset, record number and column name (that text
ends up in the ``MalformedDataStream`` error the client sees).

The encoder exists for the tests: it lets them build valid and deliberately
broken uploads, and reproducing the SDK's golden vectors byte for byte shows
the two directions agree with each other and with the SDK.

Decoded value representation (also what ``store`` keeps and ``dump`` prints):

=========================================  ==================================
BIGINT, INT, SMALLINT, TINYINT             ``int``
DATETIME (epoch ms), DATE (epoch days),     ``int``
INTERVAL_YEAR_MONTH (months)
BOOLEAN                                    ``bool``
DOUBLE, FLOAT                              ``float``
STRING, BINARY, CHAR, VARCHAR              ``bytes`` (MaxCompute strings are
                                           byte strings; not forced to UTF-8)
DECIMAL, JSON                              ``str`` (validated text)
TIMESTAMP, TIMESTAMP_NTZ,                  ``(seconds, nanos)``
INTERVAL_DAY_TIME
ARRAY                                      ``list``
MAP                                        ``list`` of ``(key, value)``
STRUCT                                     ``list`` in field order
=========================================  ==================================
"""

import json
import re
import struct
import zlib
from dataclasses import dataclass

from .mctypes import (BYTES_TYPES, INTEGER_RANGES, SECONDS_NANOS_TYPES,
                      VARINT_TYPES, WT_VARINT)

# Reserved field numbers of the stream (spec 4.1).
END_OF_RECORD = 33553408   # 2^25 - 1024, followed by the record CRC
RECORD_COUNT = 33554430    # 2^25 - 2, zigzag record count
STREAM_CRC = 33554431      # 2^25 - 1, CRC over the record CRCs
# Defined by the SDKs but never written by an uploader: rejected if seen.
SCHEMA_END = 33553920
METRICS_END = 33554176

_DECIMAL_TEXT = re.compile(rb"-?[0-9]+(\.[0-9]+)?\Z")
_NANOS = 1_000_000_000


def _crc32c_table():
    table = []
    for n in range(256):
        c = n
        for _ in range(8):
            c = (c >> 1) ^ 0x82F63B78 if c & 1 else c >> 1
        table.append(c)
    return tuple(table)


_CRC_TABLE = _crc32c_table()


def crc32c(data, crc=0):
    """CRC32C (Castagnoli, reflected, init and final XOR 0xFFFFFFFF).

    ``crc`` continues an earlier value, so ``crc32c(b, crc32c(a)) ==
    crc32c(a + b)``.
    """
    table = _CRC_TABLE
    crc ^= 0xFFFFFFFF
    for byte in data:
        crc = table[(crc ^ byte) & 0xFF] ^ (crc >> 8)
    return crc ^ 0xFFFFFFFF


def stream_checksum(record_crcs):
    """Stream CRC: CRC32C over the record CRCs, each as uint32 little endian."""
    return crc32c(b"".join(struct.pack("<I", c) for c in record_crcs))


class StreamError(ValueError):
    """A malformed record stream or content coding."""


class UnsupportedEncoding(ValueError):
    """A ``Content-Encoding`` the emulator does not implement."""


@dataclass
class DecodedStream:
    """Result of decoding one block / pack."""

    records: list          # one list of column values per record, None = NULL
    record_crcs: list
    stream_crc: int
    raw_size: int


def decode_content(body, content_encoding):
    """Undo the HTTP ``Content-Encoding`` of an upload body (spec 4.5).

    ``deflate`` is the zlib format (RFC 1950) the SDKs send; raw deflate is
    accepted as well, as the spec asks the emulator to be lenient there.  A
    zlib stream that stops early is an error even if what came so far
    inflates, because that is exactly what a connection cut mid-body looks
    like.
    """
    coding = (content_encoding or "").strip().lower()
    if coding in ("", "identity"):
        return body
    if coding != "deflate":
        raise UnsupportedEncoding(coding)
    try:
        return _inflate(body, 15)
    except zlib.error as zlib_failure:
        try:
            return _inflate(body, -15)
        except zlib.error:
            raise StreamError("Content-Encoding deflate: body is neither zlib "
                              "(RFC 1950) nor raw deflate data: %s" % zlib_failure) from None


def _inflate(body, wbits):
    inflater = zlib.decompressobj(wbits)
    out = inflater.decompress(body) + inflater.flush()
    if not inflater.eof:
        raise StreamError("Content-Encoding deflate: compressed body is truncated "
                          "(%d bytes, no end of deflate stream)" % len(body))
    if inflater.unused_data:
        raise StreamError("Content-Encoding deflate: %d unexpected bytes after the "
                          "end of the compressed stream" % len(inflater.unused_data))
    return out


class _Reader:
    def __init__(self, data):
        self.data = data
        self.pos = 0

    def at_end(self):
        return self.pos >= len(self.data)

    def fail(self, message):
        raise StreamError("%s (at byte %d)" % (message, self.pos))

    def varint(self):
        data, pos, shift, value = self.data, self.pos, 0, 0
        while True:
            if pos >= len(data):
                self.fail("truncated varint")
            byte = data[pos]
            pos += 1
            value |= (byte & 0x7F) << shift
            if not byte & 0x80:
                break
            shift += 7
            if shift >= 70:
                self.fail("varint longer than 10 bytes")
        if value >= 1 << 64:
            self.fail("varint exceeds 64 bits")
        self.pos = pos
        return value

    def zigzag(self):
        value = self.varint()
        return (value >> 1) ^ -(value & 1)

    def uint32(self):
        value = self.varint()
        if value >= 1 << 32:
            self.fail("checksum varint exceeds 32 bits")
        return value

    def take(self, count):
        if self.pos + count > len(self.data):
            self.fail("value needs %d bytes, only %d left" % (count, len(self.data) - self.pos))
        chunk = self.data[self.pos:self.pos + count]
        self.pos += count
        return chunk


class _ValueDecoder:
    """Reads one value of a known type and collects its CRC input."""

    def __init__(self, reader, max_field_size):
        self.r = reader
        self.max_field_size = max_field_size

    def value(self, mctype, crc_input):
        name = mctype.name
        r = self.r
        if name in VARINT_TYPES:
            value = r.zigzag()
            bounds = INTEGER_RANGES.get(name)
            if bounds and not bounds[0] <= value <= bounds[1]:
                r.fail("%s value %d out of range" % (name, value))
            crc_input += struct.pack("<q", value)
            return value
        if name == "boolean":
            value = r.varint()
            if value > 1:
                r.fail("boolean value %d is neither 0 nor 1" % value)
            crc_input.append(value)
            return bool(value)
        if name == "double":
            raw = r.take(8)
            crc_input += raw
            return struct.unpack("<d", raw)[0]
        if name == "float":
            raw = r.take(4)
            crc_input += raw
            return struct.unpack("<f", raw)[0]
        if name in BYTES_TYPES:
            return self._bytes_value(mctype, crc_input)
        if name in SECONDS_NANOS_TYPES:
            seconds = r.zigzag()
            nanos = r.zigzag()
            low = -_NANOS + 1 if name == "interval_day_time" else 0
            if not low <= nanos < _NANOS or not -(1 << 63) <= seconds < (1 << 63):
                r.fail("%s nanos %d out of range" % (name, nanos))
            crc_input += struct.pack("<qi", seconds, nanos)
            return (seconds, nanos)
        if name == "array":
            return self._array(mctype.children[0], crc_input)
        if name == "map":
            keys = self._array(mctype.children[0], crc_input)
            values = self._array(mctype.children[1], crc_input)
            if len(keys) != len(values):
                r.fail("map has %d keys but %d values" % (len(keys), len(values)))
            return list(zip(keys, values))
        if name == "struct":
            return [self._nullable(t, crc_input) for t in mctype.children]
        raise AssertionError("unhandled type %s" % mctype)

    def _bytes_value(self, mctype, crc_input):
        r = self.r
        length = r.varint()
        if self.max_field_size is not None and length > self.max_field_size:
            r.fail("%s field of %d bytes exceeds MaxFieldSize %d"
                   % (mctype.name, length, self.max_field_size))
        raw = bytes(r.take(length))
        crc_input += raw
        name = mctype.name
        if name == "decimal":
            if not _DECIMAL_TEXT.match(raw):
                r.fail("decimal text %r is not a plain decimal number" % raw[:40])
            return raw.decode("ascii")
        if name == "json":
            try:
                text = raw.decode("utf-8")
                json.loads(text)
            except ValueError:
                r.fail("json value %r is not valid UTF-8 JSON text" % raw[:40])
            return text
        if name in ("char", "varchar"):
            try:
                chars = len(raw.decode("utf-8"))
            except UnicodeDecodeError:
                r.fail("%s value is not valid UTF-8" % mctype)
            if chars > mctype.params[0]:
                r.fail("%s value has %d characters" % (mctype, chars))
        return raw

    def _nullable(self, mctype, crc_input):
        flag = self.r.varint()
        if flag == 1:
            return None
        if flag != 0:
            self.r.fail("null flag %d is neither 0 nor 1" % flag)
        return self.value(mctype, crc_input)

    def _array(self, element_type, crc_input):
        count = self.r.varint()
        if count > len(self.r.data) - self.r.pos:
            self.r.fail("element count %d larger than the rest of the body" % count)
        return [self._nullable(element_type, crc_input) for _ in range(count)]


def decode_stream(data, columns, max_field_size=None):
    """Decode and verify one complete record stream.

    ``columns`` is a list of ``(name, MCType)`` (the session schema's data
    columns; field number = index + 1).  Raises ``StreamError`` on the first
    problem.
    """
    reader = _Reader(bytes(data))
    values = _ValueDecoder(reader, max_field_size)
    ncols = len(columns)
    records, crcs = [], []
    row, crc_input, last_field = [None] * ncols, bytearray(), 0

    def where():
        return "record %d" % len(records)

    while True:
        if reader.at_end():
            if last_field:
                reader.fail("%s: stream ends inside a record" % where())
            reader.fail("stream ends without the record-count/checksum trailer "
                        "after %d records" % len(records))
        tag = reader.varint()
        field, wire_type = tag >> 3, tag & 7
        if field == END_OF_RECORD:
            if wire_type != WT_VARINT:
                reader.fail("%s: end-of-record tag with wire type %d" % (where(), wire_type))
            claimed = reader.uint32()
            computed = crc32c(crc_input)
            if claimed != computed:
                reader.fail("%s: record CRC32C mismatch: stream has 0x%08x, data gives 0x%08x"
                            % (where(), claimed, computed))
            records.append(row)
            crcs.append(claimed)
            row, crc_input, last_field = [None] * ncols, bytearray(), 0
        elif field == RECORD_COUNT:
            if last_field:
                reader.fail("%s: trailer starts before the end-of-record tag" % where())
            if wire_type != WT_VARINT:
                reader.fail("record-count tag with wire type %d" % wire_type)
            count = reader.zigzag()
            if reader.varint() != (STREAM_CRC << 3 | WT_VARINT):
                reader.fail("record count not followed by the stream checksum tag")
            claimed = reader.uint32()
            if not reader.at_end():
                reader.fail("%d bytes after the stream checksum"
                            % (len(reader.data) - reader.pos))
            if count != len(records):
                reader.fail("trailer record count %d but %d records in the stream"
                            % (count, len(records)))
            computed = stream_checksum(crcs)
            if claimed != computed:
                reader.fail("stream CRC32C mismatch: trailer has 0x%08x, records give 0x%08x"
                            % (claimed, computed))
            return DecodedStream(records, crcs, claimed, len(reader.data))
        elif 1 <= field <= ncols:
            name, mctype = columns[field - 1]
            if field <= last_field:
                reader.fail("%s: field %d (%s) after field %d: fields must be in ascending "
                            "column order, each at most once" % (where(), field, name, last_field))
            if wire_type != mctype.wire_type:
                reader.fail("%s: column %s (%s) sent with wire type %d, expected %d"
                            % (where(), name, mctype, wire_type, mctype.wire_type))
            crc_input += struct.pack("<i", field)
            try:
                row[field - 1] = values.value(mctype, crc_input)
            except StreamError as err:
                raise StreamError("%s, column %s (%s): %s" % (where(), name, mctype, err)) from None
            last_field = field
        elif field == STREAM_CRC:
            reader.fail("stream checksum tag without a preceding record count")
        elif field in (SCHEMA_END, METRICS_END):
            reader.fail("reserved tag %d is not allowed in an upload" % field)
        else:
            reader.fail("%s: field number %d is not a column (schema has %d columns)"
                        % (where(), field, ncols))


# ---------------------------------------------------------------------------
# Encoder (test fixtures)


def varint(value):
    """Unsigned base-128 varint."""
    if value < 0:
        raise ValueError("varint of a negative number")
    out = bytearray()
    while True:
        byte = value & 0x7F
        value >>= 7
        if value:
            out.append(byte | 0x80)
        else:
            out.append(byte)
            return bytes(out)


def zigzag(value):
    """zigzag64 varint of a signed value."""
    return varint((value << 1) ^ (value >> 63) if value < 0 else value << 1)


def _as_bytes(value):
    if isinstance(value, str):
        return value.encode("utf-8")
    return bytes(value)


def _encode_value(out, crc_input, mctype, value):
    name = mctype.name
    if name in VARINT_TYPES:
        out += zigzag(value)
        crc_input += struct.pack("<q", value)
    elif name == "boolean":
        out += varint(1 if value else 0)
        crc_input.append(1 if value else 0)
    elif name in ("double", "float"):
        raw = struct.pack("<d" if name == "double" else "<f", value)
        out += raw
        crc_input += raw
    elif name in BYTES_TYPES:
        raw = _as_bytes(str(value) if name == "decimal" else value)
        out += varint(len(raw)) + raw
        crc_input += raw
    elif name in SECONDS_NANOS_TYPES:
        seconds, nanos = value
        out += zigzag(seconds) + zigzag(nanos)
        crc_input += struct.pack("<qi", seconds, nanos)
    elif name == "array":
        _encode_array(out, crc_input, mctype.children[0], value)
    elif name == "map":
        pairs = list(value.items()) if isinstance(value, dict) else list(value)
        _encode_array(out, crc_input, mctype.children[0], [k for k, _ in pairs])
        _encode_array(out, crc_input, mctype.children[1], [v for _, v in pairs])
    elif name == "struct":
        fields = ([value.get(n) for n in mctype.field_names]
                  if isinstance(value, dict) else list(value))
        for field_type, field_value in zip(mctype.children, fields):
            _encode_nullable(out, crc_input, field_type, field_value)
    else:
        raise AssertionError("unhandled type %s" % mctype)


def _encode_nullable(out, crc_input, mctype, value):
    if value is None:
        out += b"\x01"
    else:
        out += b"\x00"
        _encode_value(out, crc_input, mctype, value)


def _encode_array(out, crc_input, element_type, values):
    out += varint(len(values))
    for value in values:
        _encode_nullable(out, crc_input, element_type, value)


def encode_record(types, row):
    """Encode one record; returns ``(bytes, record_crc)``."""
    if len(row) > len(types):
        raise ValueError("record has %d values for %d columns" % (len(row), len(types)))
    out, crc_input = bytearray(), bytearray()
    for index, value in enumerate(row):
        if value is None:
            continue
        mctype = types[index]
        out += varint((index + 1) << 3 | mctype.wire_type)
        crc_input += struct.pack("<i", index + 1)
        _encode_value(out, crc_input, mctype, value)
    crc = crc32c(crc_input)
    out += varint(END_OF_RECORD << 3) + varint(crc)
    return bytes(out), crc


def encode_stream(types, rows):
    """Encode a complete stream (records + trailer), as an SDK writer would."""
    out, crcs = bytearray(), []
    for row in rows:
        encoded, crc = encode_record(types, row)
        out += encoded
        crcs.append(crc)
    out += varint(RECORD_COUNT << 3) + zigzag(len(crcs))
    out += varint(STREAM_CRC << 3) + varint(stream_checksum(crcs))
    return bytes(out)


def deflate(data, level=1):
    """zlib-wrapped deflate, what ``Content-Encoding: deflate`` carries."""
    return zlib.compress(data, level)
