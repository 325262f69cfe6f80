"""The SQL subset that SQL instances (spec 3.3) run in the emulator.

Supported, case-insensitively, several statements separated by ``;``:

* ``CREATE TABLE [IF NOT EXISTS] [project.[schema.]]name (col type [NOT NULL]
  [PRIMARY KEY] [COMMENT '..'], ..., [PRIMARY KEY (a, b)]) [COMMENT '..']
  [PARTITIONED BY (pt type [COMMENT '..'], ...)] [TBLPROPERTIES ('k'='v', ...)]
  [LIFECYCLE n]`` - enough for the seed's statements verbatim and for
  transactional primary-key tables (upsert sessions);
* ``ALTER TABLE name ADD [IF NOT EXISTS] PARTITION (k='v', ...) [PARTITION
  (...)]...`` - what both SDKs send to create a partition;
* ``DROP TABLE [IF EXISTS] name``;
* ``SET key=value`` - accepted and ignored (the seed's ``set
  odps.sql.allow.fullscan=true;``).

Anything else fails the SQL task with a parse error, which is what a client
sees from the real service for a statement it cannot run.  Identifiers may be
back-quoted; names are lower-cased like the service does.
"""

import re
from dataclasses import dataclass, field

from . import mctypes
from .store import DEFAULT_SCHEMA, CatalogError, Column, Table

_TOKEN = re.compile(r"""
    (?P<ws>\s+|--[^\n]*|/\*.*?\*/)
  | (?P<bq>`(?:[^`]|``)*`)
  | (?P<str>'(?:[^'\\]|\\.)*'|"(?:[^"\\]|\\.)*")
  | (?P<num>\d+(?:\.\d+)?)
  | (?P<ident>[A-Za-z_][A-Za-z0-9_$]*)
  | (?P<punct>[(),;.<>:=])
  | (?P<other>.)
""", re.S | re.X)

_ESCAPES = {"n": "\n", "t": "\t", "r": "\r", "0": "\0"}


class SqlError(Exception):
    """A statement that cannot be parsed or executed; text is ODPS-style."""


@dataclass
class Token:
    kind: str        # ident, str, num, punct, other, end
    text: str        # identifier name / unescaped string / punctuation
    pos: int
    quoted: bool = False


@dataclass
class QName:
    parts: tuple

    def resolve(self, default_project):
        """``(project, schema, table)`` for 1-, 2- or 3-part names."""
        if len(self.parts) == 1:
            return default_project, DEFAULT_SCHEMA, self.parts[0]
        if len(self.parts) == 2:
            return self.parts[0], DEFAULT_SCHEMA, self.parts[1]
        return self.parts


@dataclass
class CreateTable:
    name: QName
    if_not_exists: bool
    columns: list                # [Column]
    partition_columns: list      # [Column]
    primary_key: list            # [name]
    properties: dict = field(default_factory=dict)
    comment: str = ""
    lifecycle: int = -1


@dataclass
class AddPartitions:
    name: QName
    if_not_exists: bool
    partitions: list             # [[(key, value)]]


@dataclass
class DropTable:
    name: QName
    if_exists: bool


@dataclass
class SetOption:
    text: str


def tokenize(text):
    tokens = []
    for match in _TOKEN.finditer(text):
        kind, value = match.lastgroup, match.group()
        if kind == "ws":
            continue
        if kind == "bq":
            tokens.append(Token("ident", value[1:-1].replace("``", "`"), match.start(), True))
        elif kind == "str":
            tokens.append(Token("str", _unescape(value[1:-1]), match.start()))
        else:
            tokens.append(Token(kind, value, match.start()))
    tokens.append(Token("end", "", len(text)))
    return tokens


def _unescape(body):
    return re.sub(r"\\(.)", lambda m: _ESCAPES.get(m.group(1), m.group(1)), body, flags=re.S)


class _Parser:
    def __init__(self, text):
        self.text = text
        self.tokens = tokenize(text)
        self.i = 0

    # -- token helpers ------------------------------------------------------

    def peek(self, ahead=0):
        return self.tokens[min(self.i + ahead, len(self.tokens) - 1)]

    def advance(self):
        token = self.peek()
        self.i += 1
        return token

    def error(self, message, token=None):
        token = token or self.peek()
        line = self.text.count("\n", 0, token.pos) + 1
        column = token.pos - (self.text.rfind("\n", 0, token.pos) + 1) + 1
        found = "end of input" if token.kind == "end" else repr(token.text)
        raise SqlError("ODPS-0130161:[%d,%d] Parse exception - %s, found %s"
                       % (line, column, message, found))

    def is_word(self, word, ahead=0):
        token = self.peek(ahead)
        return token.kind == "ident" and not token.quoted and token.text.lower() == word

    def accept_word(self, word):
        if self.is_word(word):
            self.i += 1
            return True
        return False

    def expect_word(self, word):
        if not self.accept_word(word):
            self.error("expected %s" % word.upper())

    def accept_punct(self, char):
        token = self.peek()
        if token.kind == "punct" and token.text == char:
            self.i += 1
            return True
        return False

    def expect_punct(self, char):
        if not self.accept_punct(char):
            self.error("expected '%s'" % char)

    def identifier(self, what="identifier"):
        token = self.peek()
        if token.kind != "ident":
            self.error("expected %s" % what)
        self.i += 1
        return token.text.lower()

    def string(self):
        token = self.peek()
        if token.kind != "str":
            self.error("expected a quoted string")
        self.i += 1
        return token.text

    def integer(self):
        token = self.peek()
        if token.kind != "num" or "." in token.text:
            self.error("expected an integer")
        self.i += 1
        return int(token.text)

    # -- statements ---------------------------------------------------------

    def script(self):
        statements = []
        while self.peek().kind != "end":
            if self.accept_punct(";"):
                continue
            statements.append(self.statement())
            if self.peek().kind != "end":
                self.expect_punct(";")
        return statements

    def statement(self):
        if self.accept_word("create"):
            self.expect_word("table")
            return self.create_table()
        if self.accept_word("alter"):
            self.expect_word("table")
            return self.alter_table()
        if self.accept_word("drop"):
            self.expect_word("table")
            if_exists = self.accept_word("if")
            if if_exists:
                self.expect_word("exists")
            return DropTable(self.qname(), if_exists)
        if self.is_word("set"):
            start = self.advance().pos
            while self.peek().kind != "end" and not (
                    self.peek().kind == "punct" and self.peek().text == ";"):
                self.advance()
            return SetOption(self.text[start:self.peek().pos].strip())
        self.error("unsupported statement (the emulator runs CREATE TABLE, "
                   "ALTER TABLE ... ADD PARTITION, DROP TABLE and SET)")

    def qname(self):
        parts = [self.identifier("table name")]
        while self.accept_punct("."):
            parts.append(self.identifier("table name"))
        if len(parts) > 3:
            self.error("table name has more than three parts")
        return QName(tuple(parts))

    def create_table(self):
        if_not_exists = self.accept_word("if")
        if if_not_exists:
            self.expect_word("not")
            self.expect_word("exists")
        stmt = CreateTable(self.qname(), if_not_exists, [], [], [])
        self.expect_punct("(")
        while True:
            if self.is_word("primary") and self.is_word("key", 1):
                self.i += 2
                if stmt.primary_key:
                    self.error("primary key declared twice")
                stmt.primary_key = self.name_list()
            else:
                column, is_key = self.column_definition()
                stmt.columns.append(column)
                if is_key:
                    if stmt.primary_key:
                        self.error("primary key declared twice")
                    stmt.primary_key = [column.name]
            if self.accept_punct(")"):
                break
            self.expect_punct(",")
        seen = set()
        while self.peek().kind == "ident" and not self.peek().quoted:
            clause = self.peek().text.lower()
            if clause in seen:
                self.error("%s given twice" % clause.upper())
            seen.add(clause)
            if self.accept_word("comment"):
                stmt.comment = self.string()
            elif self.accept_word("partitioned"):
                self.expect_word("by")
                self.expect_punct("(")
                while True:
                    name = self.identifier("partition column name")
                    ptype = self.type_()
                    comment = self.string() if self.accept_word("comment") else ""
                    stmt.partition_columns.append(Column(name, ptype, True, comment))
                    if self.accept_punct(")"):
                        break
                    self.expect_punct(",")
            elif self.accept_word("tblproperties"):
                self.expect_punct("(")
                while True:
                    key = self.string().lower()
                    self.expect_punct("=")
                    stmt.properties[key] = self.string()
                    if self.accept_punct(")"):
                        break
                    self.expect_punct(",")
            elif self.accept_word("lifecycle"):
                stmt.lifecycle = self.integer()
            else:
                self.error("unsupported CREATE TABLE clause")
        return stmt

    def name_list(self):
        self.expect_punct("(")
        names = [self.identifier("column name")]
        while self.accept_punct(","):
            names.append(self.identifier("column name"))
        self.expect_punct(")")
        return names

    def column_definition(self):
        name = self.identifier("column name")
        column = Column(name, self.type_())
        is_key = False
        while True:
            if self.accept_word("not"):
                self.expect_word("null")
                column.nullable = False
            elif self.accept_word("null"):
                column.nullable = True
            elif self.is_word("primary"):
                self.i += 1
                self.expect_word("key")
                is_key = True
            elif self.accept_word("comment"):
                column.comment = self.string()
            elif self.is_word("default"):
                self.error("DEFAULT values are not emulated")
            else:
                return column, is_key

    def type_(self):
        start = self.peek()
        name = self.identifier("type name")
        params, children, names = [], [], []
        try:
            if name in ("array", "map", "struct"):
                self.expect_punct("<")
                while True:
                    if name == "struct":
                        names.append(self.identifier("struct field name"))
                        self.expect_punct(":")
                    children.append(self.type_())
                    if name == "struct" and self.accept_word("comment"):
                        self.string()
                    if self.accept_punct(">"):
                        break
                    self.expect_punct(",")
            elif self.accept_punct("("):
                params.append(self.integer())
                while self.accept_punct(","):
                    params.append(self.integer())
                self.expect_punct(")")
            return mctypes.make_type(name, params, children, names)
        except mctypes.InvalidType as err:
            self.error("invalid type: %s" % err, start)

    def alter_table(self):
        name = self.qname()
        self.expect_word("add")
        if_not_exists = self.accept_word("if")
        if if_not_exists:
            self.expect_word("not")
            self.expect_word("exists")
        partitions = []
        while self.accept_word("partition"):
            self.expect_punct("(")
            pairs = []
            while True:
                key = self.identifier("partition column name")
                if any(key == k for k, _ in pairs):
                    self.error("partition column %s given twice" % key)
                self.expect_punct("=")
                token = self.advance()
                if token.kind not in ("str", "num", "ident"):
                    self.error("expected a partition value", token)
                pairs.append((key, token.text))
                if self.accept_punct(")"):
                    break
                self.expect_punct(",")
            partitions.append(pairs)
        if not partitions:
            self.error("expected PARTITION")
        return AddPartitions(name, if_not_exists, partitions)


def parse_script(text):
    """Parse ``;``-separated statements; raises ``SqlError``."""
    return _Parser(text).script()


def parse_type(text):
    """Parse one type, e.g. ``map<string,bigint>`` (schema strings, tests)."""
    parser = _Parser(text)
    result = parser.type_()
    if parser.peek().kind != "end":
        parser.error("unexpected text after the type")
    return result


def parse_columns(text):
    """Parse ``name type, name type, ...`` into ``[(name, MCType)]``."""
    parser = _Parser(text)
    columns = [(parser.identifier("column name"), parser.type_())]
    while parser.accept_punct(","):
        columns.append((parser.identifier("column name"), parser.type_()))
    if parser.peek().kind != "end":
        parser.error("expected ','")
    return columns


# ---------------------------------------------------------------------------
# Execution


def _semantic(message):
    return SqlError("ODPS-0130071:Semantic analysis exception - %s" % message)


def _catalog_failure(err):
    if err.code == "NoSuchTable":
        return SqlError("ODPS-0130131:%s" % err.message)
    return _semantic(err.message)


def _build_table(stmt, project, schema, name, now):
    names = [c.name for c in stmt.columns] + [c.name for c in stmt.partition_columns]
    duplicates = sorted({n for n in names if names.count(n) > 1})
    if duplicates:
        raise _semantic("column %s defined more than once" % ", ".join(duplicates))
    for column in stmt.partition_columns:
        if column.type.name not in mctypes.PARTITION_KEY_TYPES:
            raise _semantic("partition column %s cannot have type %s" % (column.name, column.type))
    by_name = {c.name: c for c in stmt.columns}
    for key in stmt.primary_key:
        if key not in by_name:
            raise _semantic("primary key column %s is not a column of the table" % key)
        if by_name[key].type.name in mctypes.COMPLEX_TYPES:
            raise _semantic("primary key column %s cannot have type %s" % (key, by_name[key].type))
        by_name[key].nullable = False
    if stmt.primary_key and stmt.properties.get("transactional", "").lower() != "true":
        raise _semantic("a primary key requires TBLPROPERTIES ('transactional'='true')")
    bucket = stmt.properties.get("write.bucket.num")
    if bucket is not None and not (bucket.isdigit() and 1 <= int(bucket) <= 4096):
        raise _semantic("write.bucket.num must be an integer in 1..4096")
    return Table(project, schema, name, stmt.columns, stmt.partition_columns,
                 stmt.primary_key, stmt.properties, stmt.comment, stmt.lifecycle, now)


def execute(catalog, default_project, text, now):
    """Run a script against ``catalog``; returns one result line per statement.

    All statements are parsed before any runs, so a syntax error anywhere
    changes nothing.
    """
    results = []
    for stmt in parse_script(text):
        try:
            if isinstance(stmt, SetOption):
                results.append("OK")
                continue
            project, schema, name = stmt.name.resolve(default_project)
            if isinstance(stmt, CreateTable):
                catalog.project(project)
                table = _build_table(stmt, project.lower(), schema, name, now)
                created = catalog.add_table(table, stmt.if_not_exists)
                results.append("OK" if created else "OK (table already exists)")
            elif isinstance(stmt, AddPartitions):
                table = catalog.table(project, name, schema)
                for pairs in stmt.partitions:
                    values = table.spec_values(pairs)
                    if not table.add_partition(values, now) and not stmt.if_not_exists:
                        raise _semantic("Partition already exists - %s"
                                        % table.spec_text(values, quoted=True))
                results.append("OK")
            else:
                dropped = catalog.drop_table(project, name, schema, stmt.if_exists)
                results.append("OK" if dropped else "OK (table did not exist)")
        except CatalogError as err:
            raise _catalog_failure(err) from None
    return results
