"""Projects, tables, partitions and committed rows (all in memory).

Rows become visible here only through a committed batch session, a streaming
pack or a committed upsert session; ``sessions`` holds everything before that.
The table also counts *duplicates* - committed rows equal (all columns and
partition values) to a row already in the table - because "rows appear once"
is the oracle of most fault scenarios (reliability.md 5.5).
"""

import collections
import hashlib
from dataclasses import dataclass, field

DEFAULT_SCHEMA = "default"


class CatalogError(Exception):
    """A catalog lookup or change that failed.

    ``code`` is the tunnel error code (``NoSuchTable``, ``NoSuchPartition``,
    ...); REST handlers translate it to the REST spelling.
    """

    def __init__(self, code, message):
        super().__init__(message)
        self.code = code
        self.message = message


@dataclass
class Column:
    name: str
    type: object          # mctypes.MCType
    nullable: bool = True
    comment: str = ""


def parse_partition_spec(text):
    """Parse ``pt='07-13-2023 21'`` / ``pt=07-13-2023 21`` / ``a=1,b='x'``.

    REST calls send the quoted form and tunnel calls the unquoted one (spec
    3.3, 3.4); both are accepted.  Levels are separated by ``,`` outside
    quotes.  Returns a list of ``(lower-cased key, value)``.
    """
    pairs, i, n = [], 0, len(text)
    while i < n:
        eq = text.find("=", i)
        if eq < 0:
            raise CatalogError("InvalidPartitionSpec",
                               "partition spec %r: expected key=value" % text)
        key = text[i:eq].strip().lower()
        i = eq + 1
        while i < n and text[i] == " ":
            i += 1
        if i < n and text[i] in "'\"":
            quote, i, value = text[i], i + 1, []
            while i < n and text[i] != quote:
                if text[i] == "\\" and i + 1 < n:
                    i += 1
                value.append(text[i])
                i += 1
            if i >= n:
                raise CatalogError("InvalidPartitionSpec",
                                   "partition spec %r: unterminated quote" % text)
            value = "".join(value)
            i += 1
            rest = text.find(",", i)
            tail = text[i:rest if rest >= 0 else n]
            if tail.strip():
                raise CatalogError("InvalidPartitionSpec",
                                   "partition spec %r: text after quoted value" % text)
            i = rest if rest >= 0 else n
        else:
            end = text.find(",", i)
            end = n if end < 0 else end
            value = text[i:end].strip()
            i = end
        if not key or not value:
            raise CatalogError("InvalidPartitionSpec",
                               "partition spec %r: empty key or value" % text)
        if any(key == k for k, _ in pairs):
            raise CatalogError("InvalidPartitionSpec",
                               "partition spec %r: key %s given twice" % (text, key))
        pairs.append((key, value))
        if i < n:            # at a comma
            i += 1
            if i >= n:
                raise CatalogError("InvalidPartitionSpec",
                                   "partition spec %r ends with a comma" % text)
    return pairs


def _freeze(value):
    """Hashable form of a decoded value (lists become tuples)."""
    if isinstance(value, list):
        return tuple(_freeze(v) for v in value)
    if isinstance(value, tuple):
        return tuple(_freeze(v) for v in value)
    return value


class Partition:
    """Rows of one partition (the single, unnamed one for unpartitioned tables).

    Append tables keep a list; primary-key tables a dict keyed by the primary
    key values, so that an upsert replaces and a delete removes (spec 3.7)
    while insertion order is kept for dumps.
    """

    def __init__(self, values, created, keyed):
        self.values = values
        self.created = created
        self.last_modified = created
        self._rows = {} if keyed else []

    @property
    def rows(self):
        return list(self._rows.values()) if isinstance(self._rows, dict) else self._rows

    def append(self, rows):
        self._rows.extend(rows)

    def replace_all(self, rows):
        self._rows[:] = rows

    def upsert(self, key, row):
        self._rows[key] = row

    def delete(self, key):
        return self._rows.pop(key, None) is not None


class Table:
    """A table's schema, properties and partitions."""

    def __init__(self, project, schema, name, columns, partition_keys, primary_key,
                 properties, comment, lifecycle, created):
        self.project = project
        self.schema = schema
        self.name = name
        self.columns = columns
        self.partition_keys = partition_keys
        self.primary_key = primary_key
        self.properties = properties
        self.comment = comment
        self.lifecycle = lifecycle
        self.created = created
        self.last_modified = created
        self.table_id = hashlib.md5(("%s.%s.%s@%r" % (project, schema, name, created))
                                    .encode()).hexdigest()
        self.partitions = {}
        self._seen = collections.Counter()
        if not partition_keys:
            self.partitions[()] = Partition((), created, bool(primary_key))

    @property
    def full_name(self):
        if self.schema == DEFAULT_SCHEMA:
            return "%s.%s" % (self.project, self.name)
        return "%s.%s.%s" % (self.project, self.schema, self.name)

    @property
    def transactional(self):
        return self.properties.get("transactional", "false").lower() == "true"

    @property
    def bucket_count(self):
        return int(self.properties.get("write.bucket.num", "16"))

    def data_columns(self):
        """``[(name, MCType)]`` in table order: the record stream's fields."""
        return [(c.name, c.type) for c in self.columns]

    # -- partition specs -------------------------------------------------

    def spec_values(self, spec):
        """Turn a partition spec into this table's key tuple.

        ``spec`` is the text of a ``partition`` parameter (or None when absent)
        or already parsed ``(key, value)`` pairs from a SQL statement.
        """
        spec_text = spec if isinstance(spec, str) or spec is None else \
            ",".join("%s=%s" % kv for kv in spec)
        pairs = parse_partition_spec(spec) if isinstance(spec, str) else list(spec or [])
        if not self.partition_keys:
            if pairs:
                raise CatalogError("InvalidPartitionSpec",
                                   "table %s is not partitioned" % self.full_name)
            return ()
        if not pairs:
            raise CatalogError("MissingPartitionSpec",
                               "table %s is partitioned by (%s); a partition spec is required"
                               % (self.full_name, self.partition_key_names()))
        given = dict(pairs)
        names = [c.name for c in self.partition_keys]
        if set(given) != set(names):
            raise CatalogError("InvalidPartitionSpec",
                               "partition spec %r does not match the partition columns (%s) "
                               "of %s" % (spec_text, self.partition_key_names(), self.full_name))
        for column in self.partition_keys:
            value = given[column.name]
            if column.type.name in ("bigint", "int", "smallint", "tinyint"):
                try:
                    int(value)
                except ValueError:
                    raise CatalogError("InvalidPartitionSpec",
                                       "partition value %s=%r is not an integer"
                                       % (column.name, value)) from None
        return tuple(given[n] for n in names)

    def partition_key_names(self):
        return ",".join(c.name for c in self.partition_keys)

    def spec_text(self, values, quoted=False):
        """``pt=v`` (tunnel style) or ``pt='v'`` (REST style)."""
        fmt = "%s='%s'" if quoted else "%s=%s"
        return ",".join(fmt % (c.name, v) for c, v in zip(self.partition_keys, values))

    def partition(self, values):
        try:
            return self.partitions[values]
        except KeyError:
            raise CatalogError("NoSuchPartition", "The specified partition does not exist: %s"
                               % self.spec_text(values)) from None

    def add_partition(self, values, now):
        """Create a partition; returns False when it already existed."""
        if values in self.partitions:
            return False
        self.partitions[values] = Partition(values, now, bool(self.primary_key))
        self.last_modified = now
        return True

    # -- rows --------------------------------------------------------------

    def append_rows(self, values, rows, now, overwrite=False):
        """Append (or, with ``overwrite``, replace) rows; returns duplicates seen."""
        partition = self.partition(values)
        if overwrite:
            for row in partition.rows:
                self._seen[(values, _freeze(row))] -= 1
            partition.replace_all([])
        duplicates = 0
        for row in rows:
            key = (values, _freeze(row))
            if self._seen[key] > 0:
                duplicates += 1
            self._seen[key] += 1
        partition.append(rows)
        partition.last_modified = self.last_modified = now
        return duplicates

    def key_of(self, row):
        """Primary-key tuple of a row (primary-key tables only)."""
        names = [c.name for c in self.columns]
        return tuple(_freeze(row[names.index(k)]) for k in self.primary_key)

    def apply_upserts(self, values, operations, now):
        """Apply ``(op, row)`` in order, op ``'U'`` or ``'D'``; returns counts."""
        partition = self.partition(values)
        upserted = deleted = 0
        for op, row in operations:
            key = self.key_of(row)
            if op == "U":
                partition.upsert(key, row)
                upserted += 1
            elif partition.delete(key):
                deleted += 1
        partition.last_modified = self.last_modified = now
        return upserted, deleted


@dataclass
class Project:
    name: str
    created: float
    tables: dict = field(default_factory=dict)   # (schema, name) -> Table


class Catalog:
    """All projects; names are case-insensitive like the service's."""

    def __init__(self):
        self.projects = {}

    def ensure_project(self, name, now):
        return self.projects.setdefault(name.lower(), Project(name.lower(), now))

    def project(self, name):
        try:
            return self.projects[name.lower()]
        except KeyError:
            raise CatalogError("NoSuchProject", "project '%s' does not exist" % name) from None

    def table(self, project, name, schema=None):
        tables = self.project(project).tables
        key = ((schema or DEFAULT_SCHEMA).lower(), name.lower())
        try:
            return tables[key]
        except KeyError:
            shown = name if key[0] == DEFAULT_SCHEMA else "%s.%s" % (key[0], name)
            raise CatalogError("NoSuchTable", "Table not found - '%s.%s'"
                               % (project.lower(), shown.lower())) from None

    def add_table(self, table, if_not_exists):
        """Register a new table; returns False if it existed (and if_not_exists)."""
        tables = self.project(table.project).tables
        key = (table.schema, table.name)
        if key in tables:
            if if_not_exists:
                return False
            raise CatalogError("TableExists", "Table or view already exists - '%s'"
                               % table.full_name)
        tables[key] = table
        return True

    def drop_table(self, project, name, schema, if_exists):
        """Remove a table; returns False if it did not exist (and if_exists)."""
        tables = self.project(project).tables
        key = ((schema or DEFAULT_SCHEMA).lower(), name.lower())
        if key in tables:
            del tables[key]
            return True
        if not if_exists:
            self.table(project, name, schema)      # raises NoSuchTable
        return False
