"""Table dumps: the ``select *`` text of the seed page, and JSON for tests.

Text form, as odpscmd prints a result (seed ``maxcompute-kafka-connector.md``)::

    +-------+-----------+--------+------+-------+------------------+
    | topic | partition | offset | key  | value | pt               |
    +-------+-----------+--------+------+-------+------------------+
    | t     | 0         | 0      | NULL | abc   | 07-13-2023 21:13 |
    +-------+-----------+--------+------+-------+------------------+

Data columns first, then partition columns; ``NULL`` for nulls; each column
as wide as its widest cell (East Asian wide characters count 2).  Partitions
are listed in creation order and rows in commit order (``select *`` has no
defined order; this one is at least deterministic).

Value text: integers and booleans as SQL prints them, DOUBLE/FLOAT in Java's
``toString`` style (``98.5``, ``1.0E300``), DATETIME/DATE/TIMESTAMP in UTC
(``2023-07-13 21:13:00``, millis/nanos only when non-zero), BINARY as
``X'0001feff'``, STRING as its UTF-8 text, containers as compact JSON.
The JSON dump keeps numbers and booleans native, containers as JSON
arrays/objects and every other value as the same text.
"""

import datetime
import json
import math
import struct
import unicodedata

from .mctypes import INTEGER_RANGES

_EPOCH = datetime.datetime(1970, 1, 1)


def _float32(value):
    return struct.unpack("<f", struct.pack("<f", value))[0]


def _shortest_digits(value, single):
    """Shortest round-trip significant digits of ``|value|`` and the position
    of the decimal point (value = 0.DIGITS x 10^point)."""
    if single:
        target = _float32(value)
        for precision in range(1, 10):
            text = "%.*e" % (precision - 1, target)
            if _float32(float(text)) == target:
                break
    else:
        text = repr(value)
    mantissa, _, exponent = text.lower().lstrip("-").partition("e")
    whole, _, fraction = mantissa.partition(".")
    all_digits = whole + fraction
    significant = all_digits.lstrip("0")
    point = len(whole) - (len(all_digits) - len(significant)) + int(exponent or 0)
    return significant.rstrip("0") or "0", point


def java_double(value, single=False):
    """Java ``Double.toString`` / ``Float.toString`` of a finite or special value."""
    if math.isnan(value):
        return "NaN"
    if math.isinf(value):
        return "Infinity" if value > 0 else "-Infinity"
    sign = "-" if math.copysign(1.0, value) < 0 else ""
    if value == 0:
        return sign + "0.0"
    digits, point = _shortest_digits(value, single)
    if -3 <= point - 1 < 7:
        if point <= 0:
            return sign + "0." + "0" * -point + digits
        if point >= len(digits):
            return sign + digits + "0" * (point - len(digits)) + ".0"
        return sign + digits[:point] + "." + digits[point:]
    return sign + digits[0] + "." + (digits[1:] or "0") + "E" + str(point - 1)


def _datetime_text(millis):
    moment = _EPOCH + datetime.timedelta(milliseconds=millis)
    text = moment.strftime("%Y-%m-%d %H:%M:%S")
    return text + (".%03d" % (millis % 1000) if millis % 1000 else "")


def _timestamp_text(seconds, nanos):
    text = (_EPOCH + datetime.timedelta(seconds=seconds)).strftime("%Y-%m-%d %H:%M:%S")
    return text + (".%09d" % nanos).rstrip("0") if nanos else text


def _interval_day_time_text(seconds, nanos):
    total = seconds * 1_000_000_000 + nanos
    sign = "-" if total < 0 else ""
    total = abs(total)
    secs, nanos = divmod(total, 1_000_000_000)
    days, secs = divmod(secs, 86400)
    return "%s%d %02d:%02d:%02d.%09d" % (sign, days, secs // 3600, secs // 60 % 60,
                                          secs % 60, nanos)


def _json_ready(mctype, value):
    """Value for the JSON dump (also the element form inside containers)."""
    if value is None:
        return None
    name = mctype.name
    if name in INTEGER_RANGES or name == "boolean":
        return value
    if name in ("double", "float"):
        return value if math.isfinite(value) else java_double(value)
    if name == "array":
        return [_json_ready(mctype.children[0], v) for v in value]
    if name == "map":
        key_type, value_type = mctype.children
        return {value_text(key_type, k): _json_ready(value_type, v) for k, v in value}
    if name == "struct":
        return {n: _json_ready(t, v)
                for n, t, v in zip(mctype.field_names, mctype.children, value)}
    return value_text(mctype, value)


def value_text(mctype, value):
    """Text of one value in the ``select *`` dump."""
    if value is None:
        return "NULL"
    name = mctype.name
    if name == "boolean":
        return "true" if value else "false"
    if name in INTEGER_RANGES:
        return str(value)
    if name in ("double", "float"):
        return java_double(value, single=name == "float")
    if name == "binary":
        return "X'%s'" % value.hex()
    if name in ("string", "char", "varchar"):
        return value.decode("utf-8", "backslashreplace")
    if name == "datetime":
        return _datetime_text(value)
    if name == "date":
        return (_EPOCH + datetime.timedelta(days=value)).strftime("%Y-%m-%d")
    if name in ("timestamp", "timestamp_ntz"):
        return _timestamp_text(*value)
    if name == "interval_day_time":
        return _interval_day_time_text(*value)
    if name == "interval_year_month":
        return "%s%d-%d" % ("-" if value < 0 else "", abs(value) // 12, abs(value) % 12)
    if name in ("array", "map", "struct"):
        return json.dumps(_json_ready(mctype, value), separators=(",", ":"), ensure_ascii=False)
    return value                     # decimal, json: already text


def _width(text):
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)


def _rows(table, partition_values=None):
    for values, partition in table.partitions.items():
        if partition_values is not None and values != partition_values:
            continue
        for row in partition.rows:
            yield row, values


def text_dump(table, partition_values=None):
    """The ``select * from table`` result as odpscmd prints it."""
    header = [c.name for c in table.columns] + [c.name for c in table.partition_keys]
    types = [c.type for c in table.columns]
    body = [[value_text(t, v) for t, v in zip(types, row)] + list(values)
            for row, values in _rows(table, partition_values)]
    widths = [max([_width(header[i])] + [_width(r[i]) for r in body])
              for i in range(len(header))]
    rule = "+" + "+".join("-" * (w + 2) for w in widths) + "+"

    def line(cells):
        return "| " + " | ".join(c + " " * (w - _width(c)) for c, w in zip(cells, widths)) + " |"

    return "\n".join([rule, line(header), rule] + [line(r) for r in body] + [rule]) + "\n"


def json_dump(table, partition_values=None):
    """Schema, partitions and rows of a table as a JSON-ready dict."""
    names = [c.name for c in table.columns]
    key_names = [c.name for c in table.partition_keys]
    rows = []
    for row, values in _rows(table, partition_values):
        entry = {n: _json_ready(c.type, v) for n, c, v in zip(names, table.columns, row)}
        entry.update(zip(key_names, values))
        rows.append(entry)
    return {
        "project": table.project,
        "schema": table.schema,
        "table": table.name,
        "columns": [{"name": c.name, "type": str(c.type)} for c in table.columns],
        "partition_keys": [{"name": c.name, "type": str(c.type)} for c in table.partition_keys],
        "primary_key": list(table.primary_key),
        "partitions": [{"spec": table.spec_text(v), "rows": len(p.rows)}
                       for v, p in table.partitions.items()
                       if partition_values is None or v == partition_values],
        "row_count": len(rows),
        "rows": rows,
    }
