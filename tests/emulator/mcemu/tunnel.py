"""Tunnel handlers: batch upload (3.4), streaming (3.6), upsert (3.7).

Errors are JSON (Java's ``TunnelException`` parses nothing else).  Session
rules enforced here:

* block ids are integers in [0, 20000) (``InvalidBlockID``);
* a block PUT with an id already uploaded replaces the earlier block;
* a body that fails decoding, CRC or trailer checks is rejected with
  ``MalformedDataStream`` and nothing is stored;
* commit appends all blocks of the session in block-id order; a second
  commit, or any PUT after commit, is a ``StatusConflict``; so is any use of
  an expired session;
* an optional JSON block list in the commit body (an emulator extension, the
  SDKs send an empty body) must name exactly the uploaded blocks
  (``InConsistentBlockList``);
* streaming packs are visible as soon as the PUT succeeds;
* upsert operations are applied at commit: upsert replaces the row with the
  same primary key, delete removes it.
"""

import json

from . import shapes, wire
from .messages import Response, ServiceError
from .sessions import MAX_BLOCKS, Block, StreamSession, UploadSession, UpsertSession
from .sqlflow import parse_type
from .store import CatalogError

_STATUS_BY_CODE = {"NoSuchTable": 404, "NoSuchProject": 404, "NoSuchPartition": 404}

# Hidden columns appended to every upsert record (spec 3.7).
UPSERT_HIDDEN_COLUMNS = [("__version", parse_type("bigint")),
                         ("__app_version", parse_type("bigint")),
                         ("__operation", parse_type("tinyint")),
                         ("__key_cols", parse_type("array<bigint>")),
                         ("__value_cols", parse_type("array<bigint>"))]
OPERATIONS = {ord("U"): "U", ord("D"): "D"}


def tunnel_error(err):
    return ServiceError(_STATUS_BY_CODE.get(err.code, 400), err.code, err.message)


def _flag(request, name):
    """A boolean parameter: present and not ``false``/``0``."""
    value = request.param(name)
    return value is not None and value.lower() not in ("false", "0")


def _table(emu, route):
    try:
        return emu.catalog.table(route["project"], route["table"], route.get("schema"))
    except CatalogError as err:
        raise tunnel_error(err) from None


def _partition(table, request, now, create):
    """The partition named by the ``partition`` parameter (created if asked)."""
    try:
        values = table.spec_values(request.param("partition"))
        if create:
            table.add_partition(values, now)
        table.partition(values)
    except CatalogError as err:
        raise tunnel_error(err) from None
    return values


def _session(emu, request, route, cls, id_param):
    table = _table(emu, route)
    session = emu.sessions.get(cls, request.param(id_param), table)
    spec = request.param("partition")
    if spec is not None:
        try:
            values = table.spec_values(spec)
        except CatalogError as err:
            raise tunnel_error(err) from None
        if values != session.partition:
            raise ServiceError(400, "InvalidPartitionSpec",
                               "partition %r is not the partition %r of session %s"
                               % (spec, table.spec_text(session.partition), session.session_id))
    return session


def _require_open(emu, session, now, what):
    try:
        session.require_open(now, what)
    except ServiceError:
        if session.status(now) == "expired":
            emu.stats.incr("sessions.expired_rejections")
        raise


def _decode(emu, request, table, columns, rejected_counter):
    """Content-decode and decode the body; check NOT NULL columns."""
    try:
        data = wire.decode_content(request.body, request.header("Content-Encoding"))
        decoded = wire.decode_stream(data, columns, emu.config.max_field_size)
    except wire.UnsupportedEncoding as err:
        emu.stats.incr(rejected_counter)
        raise ServiceError(400, "InvalidArgument", "unsupported Content-Encoding %r (the "
                           "emulator implements deflate and identity)" % str(err)) from None
    except wire.StreamError as err:
        emu.stats.incr(rejected_counter)
        raise ServiceError(400, "MalformedDataStream", str(err)) from None
    for index, column in enumerate(table.columns):
        if column.nullable:
            continue
        for number, row in enumerate(decoded.records):
            if row[index] is None:
                emu.stats.incr(rejected_counter)
                raise ServiceError(400, "MalformedDataStream", "record %d: column %s is NOT "
                                   "NULL but the record has no value" % (number, column.name))
    count = request.param("record_count")
    if count is not None and count != str(len(decoded.records)):
        emu.stats.incr(rejected_counter)
        raise ServiceError(400, "MalformedDataStream", "record_count=%s but the body has %d "
                           "records" % (count, len(decoded.records)))
    return decoded


def _metrics_header():
    return ("odps-tunnel-metrics", '{"PanguIOCost":0,"ServerIOCost":0,"ServerTotalCost":0,'
                                   '"RateLimitCost":0}')


# -- batch upload ------------------------------------------------------------------


def _upload_json(emu, session, now, status=None):
    return Response.json(200, shapes.upload_session_json(
        session, status or session.status(now), emu.config.owner, emu.config.max_field_size))


def create_upload(emu, request, route):
    table = _table(emu, route)
    if table.primary_key:
        raise ServiceError(400, "InvalidArgument", "table %s has a primary key: write it "
                           "through an upsert session" % table.full_name)
    now = emu.clock.now()
    values = _partition(table, request, now, _flag(request, "create_partition"))
    session = UploadSession(emu.new_id("upload"), table, values, now, emu.config.session_ttl,
                            overwrite=_flag(request, "overwrite"))
    emu.sessions.add(session)
    emu.stats.incr("sessions.created")
    emu.stats.session(session.session_id, created=1)
    return _upload_json(emu, session, now)


def upload_status(emu, request, route):
    session = _session(emu, request, route, UploadSession, "uploadid")
    return _upload_json(emu, session, emu.clock.now())


def upload_block(emu, request, route):
    session = _session(emu, request, route, UploadSession, "uploadid")
    now = emu.clock.now()
    _require_open(emu, session, now, "upload a block")
    text = request.param("blockid", "")
    if not text.isdigit() or int(text) >= MAX_BLOCKS:
        emu.stats.incr("blocks.rejected")
        raise ServiceError(400, "InvalidBlockID", "block id %r is not an integer in [0, %d)"
                           % (text, MAX_BLOCKS))
    block_id = int(text)
    version = request.param("block_version", "0")
    decoded = _decode(emu, request, session.table, session.table.data_columns(),
                      "blocks.rejected")
    if request.drop_block:
        emu.stats.incr("blocks.dropped_by_fault")
        return Response(200, headers=[_metrics_header()])
    if block_id in session.blocks:
        emu.stats.incr("blocks.overwritten")
        emu.stats.session(session.session_id, blocks_overwritten=1)
    session.blocks[block_id] = Block(block_id, decoded.records, len(decoded.records),
                                     len(request.body), now,
                                     int(version) if version.isdigit() else 0)
    emu.stats.incr("blocks.uploaded")
    emu.stats.incr("blocks.bytes", len(request.body))
    emu.stats.session(session.session_id, blocks_uploaded=1)
    return Response(200, headers=[_metrics_header()])


def _listed_blocks(body):
    """Block ids of an optional commit body: ``[0, 1]`` or ``{"BlockList": [0, 1]}``."""
    try:
        document = json.loads(body)
        if isinstance(document, dict):
            document = document["BlockList"]
        if not isinstance(document, list) or not all(
                isinstance(b, int) and not isinstance(b, bool) for b in document):
            raise ValueError
    except (ValueError, KeyError, UnicodeDecodeError):
        raise ServiceError(400, "InvalidArgument", "commit body must be empty or a JSON list "
                           "of block ids (or {\"BlockList\": [...]})") from None
    return document


def commit_upload(emu, request, route):
    session = _session(emu, request, route, UploadSession, "uploadid")
    now = emu.clock.now()
    emu.stats.incr("sessions.commit_attempts")
    emu.stats.session(session.session_id, commit_attempts=1)
    if session.status(now) == "closed":
        emu.stats.incr("sessions.commit_conflicts")
        emu.stats.session(session.session_id, commit_conflicts=1)
    _require_open(emu, session, now, "commit")
    if request.body.strip():
        listed = _listed_blocks(request.body)
        missing = sorted(set(listed) - set(session.blocks))
        unlisted = sorted(set(session.blocks) - set(listed))
        if missing or unlisted or len(listed) != len(set(listed)):
            raise ServiceError(400, "InConsistentBlockList",
                               "commit block list %s does not match the uploaded blocks %s "
                               "(missing on server: %s, uploaded but not listed: %s)"
                               % (listed, sorted(session.blocks), missing, unlisted))
    table = session.table
    rows = [row for _, block in sorted(session.blocks.items()) for row in block.rows]
    try:
        duplicates = table.append_rows(session.partition, rows, now, session.overwrite)
    except CatalogError as err:
        raise tunnel_error(err) from None
    session.closed_status = "closed"
    emu.stats.incr("sessions.committed")
    emu.stats.incr("rows.committed", len(rows))
    emu.stats.incr("rows.duplicates", duplicates)
    emu.stats.session(session.session_id, commits=1, rows=len(rows))
    return _upload_json(emu, session, now)


# -- streaming ----------------------------------------------------------------------


def create_stream(emu, request, route):
    table = _table(emu, route)
    if table.primary_key:
        raise ServiceError(400, "InvalidArgument", "table %s has a primary key: write it "
                           "through an upsert session" % table.full_name)
    now = emu.clock.now()
    values = _partition(table, request, now, request.has("create_partition"))
    slots = [(str(i + 1), emu.address) for i in range(emu.config.stream_slots)]
    session = StreamSession(emu.new_id("stream"), table, values, now, slots=slots)
    emu.sessions.add(session)
    emu.stats.incr("streams.created")
    return Response.json(200, shapes.stream_session_json(session, "normal"))


def reload_stream(emu, request, route):
    session = _session(emu, request, route, StreamSession, "uploadid")
    return Response.json(200, shapes.stream_session_json(session,
                                                         session.status(emu.clock.now())))


def write_stream(emu, request, route):
    session = _session(emu, request, route, StreamSession, "uploadid")
    now = emu.clock.now()
    _require_open(emu, session, now, "write a pack")
    slots = dict(session.slots)
    slot_id = request.param("slotid")
    if slot_id not in slots:
        raise ServiceError(400, "InvalidArgument", "slotid %r is not a slot of session %s "
                           "(slots %s)" % (slot_id, session.session_id, sorted(slots)))
    decoded = _decode(emu, request, session.table, session.table.data_columns(),
                      "streams.rejected")
    if request.drop_block:
        emu.stats.incr("blocks.dropped_by_fault")
    else:
        duplicates = session.table.append_rows(session.partition, decoded.records, now)
        emu.stats.incr("streams.packs")
        emu.stats.incr("rows.streamed", len(decoded.records))
        emu.stats.incr("rows.duplicates", duplicates)
    return Response(200, headers=[("odps-tunnel-routed-server", slots[slot_id]),
                                  ("odps-tunnel-slot-num", str(len(slots))),
                                  _metrics_header()])


def abort_stream(emu, request, route):
    session = _session(emu, request, route, StreamSession, "uploadid")
    session.closed_status = "closed"
    return Response(200)


# -- upsert -------------------------------------------------------------------------


def _positive_int(request, name, default, upper):
    text = request.param(name, str(default))
    if not text.isdigit() or not 1 <= int(text) <= upper:
        raise ServiceError(400, "InvalidArgument", "%s=%r must be an integer in 1..%d"
                           % (name, text, upper))
    return int(text)


def create_upsert(emu, request, route):
    table = _table(emu, route)
    if not table.primary_key:
        raise ServiceError(400, "InvalidArgument", "upsert sessions need a transactional "
                           "table with a primary key; %s has none" % table.full_name)
    now = emu.clock.now()
    values = _partition(table, request, now, False)
    slot_count = _positive_int(request, "slotnum", 1, 1024)
    lifecycle = _positive_int(request, "lifecycle", 24, 24)
    buckets = table.bucket_count
    slots = [(str(s), [b for b in range(buckets) if b % slot_count == s], emu.address)
             for s in range(min(slot_count, buckets))]
    session = UpsertSession(emu.new_id("upsert"), table, values, now, lifecycle * 3600.0,
                            slots=slots)
    emu.sessions.add(session)
    emu.stats.incr("upserts.created")
    return Response.json(200, shapes.upsert_session_json(session, "normal"))


def reload_upsert(emu, request, route):
    session = _session(emu, request, route, UpsertSession, "upsertid")
    return Response.json(200, shapes.upsert_session_json(session,
                                                         session.status(emu.clock.now())))


def write_upsert(emu, request, route):
    session = _session(emu, request, route, UpsertSession, "upsertid")
    now = emu.clock.now()
    _require_open(emu, session, now, "write")
    table = session.table
    bucket_text, slot_id = request.param("bucketid", ""), request.param("slotid")
    owned = {s: b for s, b, _ in session.slots}
    if slot_id not in owned or not bucket_text.isdigit() or int(bucket_text) not in owned[slot_id]:
        raise ServiceError(400, "InvalidArgument", "bucketid=%r / slotid=%r: not a bucket of "
                           "that slot (slots %s)" % (bucket_text, slot_id, owned))
    decoded = _decode(emu, request, table, table.data_columns() + UPSERT_HIDDEN_COLUMNS,
                      "blocks.rejected")
    width = len(table.columns)
    operations = []
    for number, row in enumerate(decoded.records):
        operation = OPERATIONS.get(row[width + 2])
        if operation is None:
            raise ServiceError(400, "MalformedDataStream", "record %d: __operation %r is "
                               "neither 'U' (85) nor 'D' (68)" % (number, row[width + 2]))
        operations.append((operation, row[:width]))
    if request.drop_block:
        emu.stats.incr("blocks.dropped_by_fault")
    else:
        session.operations.extend(operations)
    return Response(200, headers=[("odps-tunnel-routed-server", emu.address)])


def commit_upsert(emu, request, route):
    """Clients repeat POST + GET until ``committed``, so a repeat is not an error."""
    session = _session(emu, request, route, UpsertSession, "upsertid")
    now = emu.clock.now()
    if session.status(now) != "committed":
        _require_open(emu, session, now, "commit")
        upserted, deleted = session.table.apply_upserts(session.partition, session.operations,
                                                        now)
        session.closed_status = "committed"
        emu.stats.incr("upserts.committed")
        emu.stats.incr("rows.upserted", upserted)
        emu.stats.incr("rows.deleted", deleted)
    return Response.json(200, shapes.upsert_session_json(session, "committed"),
                         [("odps-tunnel-routed-server", emu.address)])


def abort_upsert(emu, request, route):
    session = _session(emu, request, route, UpsertSession, "upsertid")
    if session.status(emu.clock.now()) == "committed":
        raise ServiceError(409, "StatusConflict", "session %s is already committed"
                           % session.session_id)
    session.closed_status = "aborted"
    session.operations.clear()
    emu.stats.incr("upserts.aborted")
    return Response(200)


def no_route(emu, request, route):
    raise ServiceError(404, "InvalidResourceSpec", "emulator: no tunnel route for %s %s"
                       % (request.method, request.target))
