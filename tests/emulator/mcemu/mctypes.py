"""MaxCompute column types.

A type is kept as a small immutable tree so that the record-stream decoder can
walk nested ARRAY/MAP/STRUCT values (their wire form has no length prefix, so
the decoder must know the full type, spec 4.2) and so that schema responses
print the type the way the service does (lower case, ``decimal(18,3)``,
``map<string,bigint>``, ``struct<a:bigint,b:string>``).

Parsing of type *text* lives in ``sqlflow`` (types appear inside DDL and use the
same tokens); this module only builds and validates.
"""

from dataclasses import dataclass

# Wire types of the protobuf-style tags (spec 4).
WT_VARINT = 0
WT_FIXED64 = 1
WT_LENGTH = 2
WT_FIXED32 = 5

INTEGER_RANGES = {
    "tinyint": (-(1 << 7), (1 << 7) - 1),
    "smallint": (-(1 << 15), (1 << 15) - 1),
    "int": (-(1 << 31), (1 << 31) - 1),
    "bigint": (-(1 << 63), (1 << 63) - 1),
}

# Types whose value is a zigzag varint widened to int64 (spec 4.2).
VARINT_TYPES = frozenset(INTEGER_RANGES) | {"datetime", "date", "interval_year_month"}
# Length-prefixed byte strings.
BYTES_TYPES = frozenset({"string", "binary", "char", "varchar", "decimal", "json"})
# Seconds + nanos pairs written with wire type 2 but no length prefix.
SECONDS_NANOS_TYPES = frozenset({"timestamp", "timestamp_ntz", "interval_day_time"})
SIMPLE_TYPES = (VARINT_TYPES | BYTES_TYPES | SECONDS_NANOS_TYPES
                | {"boolean", "double", "float"})
COMPLEX_TYPES = frozenset({"array", "map", "struct"})
# Types a partition column may have.
PARTITION_KEY_TYPES = frozenset({"string", "varchar", "char", "bigint", "int",
                                 "smallint", "tinyint"})


class InvalidType(ValueError):
    """An invalid type (unknown name, bad parameters)."""


@dataclass(frozen=True)
class MCType:
    """One MaxCompute type.

    ``params`` holds the integer arguments of ``decimal(p,s)``, ``char(n)`` and
    ``varchar(n)``; ``children`` the element types of ARRAY (1), MAP (2) and
    STRUCT (one per field, names in ``field_names``).
    """

    name: str
    params: tuple = ()
    children: tuple = ()
    field_names: tuple = ()

    def __str__(self):
        if self.name == "array":
            return "array<%s>" % self.children[0]
        if self.name == "map":
            return "map<%s,%s>" % self.children
        if self.name == "struct":
            return "struct<%s>" % ",".join(
                "%s:%s" % (n, t) for n, t in zip(self.field_names, self.children))
        if self.params:
            return "%s(%s)" % (self.name, ",".join(str(p) for p in self.params))
        return self.name

    @property
    def wire_type(self):
        """Wire type used in the field tag for a value of this type."""
        if self.name in VARINT_TYPES or self.name == "boolean":
            return WT_VARINT
        if self.name == "double":
            return WT_FIXED64
        if self.name == "float":
            return WT_FIXED32
        return WT_LENGTH


def make_type(name, params=(), children=(), field_names=()):
    """Build a validated type; ``name`` is case-insensitive."""
    name = name.lower()
    params = tuple(params)
    if name in COMPLEX_TYPES:
        expected = {"array": 1, "map": 2}.get(name)
        if expected is not None and len(children) != expected:
            raise InvalidType("%s needs %d type argument(s)" % (name, expected))
        if name == "struct":
            if not children or len(children) != len(field_names):
                raise InvalidType("struct needs at least one name:type field")
            lowered = [f.lower() for f in field_names]
            if len(set(lowered)) != len(lowered):
                raise InvalidType("duplicate struct field name")
            field_names = tuple(lowered)
        if params:
            raise InvalidType("%s takes no numeric parameters" % name)
        return MCType(name, (), tuple(children), tuple(field_names))
    if children:
        raise InvalidType("%s takes no type arguments" % name)
    if name not in SIMPLE_TYPES:
        raise InvalidType("unknown type %r" % name)
    if name == "decimal":
        if len(params) not in (0, 2) or (params and not (
                1 <= params[0] <= 38 and 0 <= params[1] <= 18 and params[1] <= params[0])):
            raise InvalidType("decimal takes (precision 1..38, scale 0..18 <= precision)")
    elif name in ("char", "varchar"):
        limit = 255 if name == "char" else 65535
        if len(params) != 1 or not 1 <= params[0] <= limit:
            raise InvalidType("%s needs a length 1..%d" % (name, limit))
    elif params:
        raise InvalidType("%s takes no parameters" % name)
    return MCType(name, params)
