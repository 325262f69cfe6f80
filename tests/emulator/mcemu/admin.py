"""``/__admin/*``: control and inspection for tests (not signed, loopback only).

==========================  ===================================================
``GET  /__admin/health``    ``{"ok": true, "url", "rest_endpoint", ...}``
``GET  /__admin/faults``    active fault rules with their counts
``POST /__admin/faults``    add rule(s): a rule, a list, or ``{"faults": [..]}``
``DELETE /__admin/faults``  remove all rules, or one with ``?id=N``
``GET  /__admin/stats``     counters (see ``stats``); ``DELETE`` zeroes them
``GET  /__admin/requests``  request journal in arrival order
                            ``[?route=glob][&since=seq]``
``GET  /__admin/dump``      ``?project=&table=[&schema=][&partition=]
                            [&format=text|json]``: ``select *`` text or JSON
``POST /__admin/sql``       ``?project=P``, body = SQL script; creates the
                            project if needed; ``{"results": [...]}``
``GET/POST /__admin/clock`` virtual clock; POST ``{"advance": s}`` or
                            ``{"set": epoch}``
``POST /__admin/ids``       pin ids handed out next:
                            ``{"upload": [..], "stream": [..], "upsert": [..],
                            "instance": [..]}``
``GET  /__admin/sessions``  every session with status and blocks
``POST /__admin/reset``     drop all data, sessions, faults and counters
==========================  ===================================================
"""

import json
import time

from . import dump, faults, sqlflow
from .messages import Response
from .store import CatalogError


class AdminError(Exception):
    def __init__(self, status, message):
        super().__init__(message)
        self.status = status


def _json_body(request):
    try:
        return json.loads(request.body or b"null")
    except ValueError as err:
        raise AdminError(400, "body is not JSON: %s" % err) from None


def _health(emu, request):
    return {"ok": True, "url": emu.base_url, "rest_endpoint": emu.base_url + "/api",
            "tunnel_endpoint": emu.base_url, "sts_endpoint": emu.address}


def _faults(emu, request):
    if request.method == "GET":
        return {"faults": emu.faults.describe()}
    if request.method == "POST":
        try:
            rules = faults.parse_rules(_json_body(request))
        except (ValueError, TypeError) as err:
            raise AdminError(400, str(err)) from None
        return {"ids": emu.faults.add(rules)}
    rule_id = request.param("id")
    if rule_id is not None and not rule_id.isdigit():
        raise AdminError(400, "id must be a number")
    return {"removed": emu.faults.clear(int(rule_id) if rule_id else None)}


def _stats(emu, request):
    if request.method == "DELETE":
        emu.stats.reset()
        return {"reset": True}
    return emu.stats.snapshot()


def _requests(emu, request):
    since = request.param("since", "0")
    if not since.isdigit():
        raise AdminError(400, "since must be a sequence number")
    return {"requests": emu.stats.journal(request.param("route", "*"), int(since))}


def _dump(emu, request):
    project, name = request.param("project"), request.param("table")
    if not project or not name:
        raise AdminError(400, "project and table parameters are required")
    with emu.lock:
        try:
            table = emu.catalog.table(project, name, request.param("schema"))
            spec = request.param("partition")
            values = table.spec_values(spec) if spec else None
            if values is not None:
                table.partition(values)
        except CatalogError as err:
            raise AdminError(404, err.message) from None
        if request.param("format", "text") == "json":
            return dump.json_dump(table, values)
        return Response(200, dump.text_dump(table, values).encode("utf-8"),
                        "text/plain; charset=utf-8")


def _sql(emu, request):
    project = request.param("project")
    if not project:
        raise AdminError(400, "project parameter is required")
    with emu.lock:
        now = emu.clock.now()
        emu.catalog.ensure_project(project, now)
        try:
            results = sqlflow.execute(emu.catalog, project.lower(),
                                      request.body.decode("utf-8"), now)
        except sqlflow.SqlError as err:
            raise AdminError(400, str(err)) from None
    return {"results": results}


def _clock(emu, request):
    if request.method == "POST":
        change = _json_body(request)
        if not isinstance(change, dict) or not ({"advance", "set"} & set(change)):
            raise AdminError(400, 'expected {"advance": seconds} or {"set": epoch}')
        try:
            if "set" in change:
                emu.clock.set(float(change["set"]))
            if "advance" in change:
                emu.clock.advance(float(change["advance"]))
        except (TypeError, ValueError):
            raise AdminError(400, "clock values must be numbers") from None
    now = emu.clock.now()
    return {"now": now, "iso": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(now))}


def _ids(emu, request):
    pins = _json_body(request)
    if not isinstance(pins, dict):
        raise AdminError(400, 'expected {"upload": [...], ...}')
    try:
        for kind, ids in pins.items():
            emu.pin_ids(kind, ids if isinstance(ids, list) else [ids])
    except ValueError as err:
        raise AdminError(400, str(err)) from None
    return {"pinned": {k: len(v) if isinstance(v, list) else 1 for k, v in pins.items()}}


def _sessions(emu, request):
    with emu.lock:
        now = emu.clock.now()
        return {"sessions": [{
            "id": s.session_id,
            "kind": type(s).__name__,
            "table": s.table.full_name,
            "partition": s.table.spec_text(s.partition),
            "status": s.status(now),
            "created": s.created,
            "blocks": sorted(getattr(s, "blocks", {})),
            "pending_operations": len(getattr(s, "operations", [])),
        } for s in emu.sessions.all()]}


def _reset(emu, request):
    emu.faults.clear()
    emu.reset()
    return {"reset": True}


_ENDPOINTS = {
    "/__admin/health": (("GET",), _health),
    "/__admin/faults": (("GET", "POST", "DELETE"), _faults),
    "/__admin/stats": (("GET", "DELETE"), _stats),
    "/__admin/requests": (("GET",), _requests),
    "/__admin/dump": (("GET",), _dump),
    "/__admin/sql": (("POST",), _sql),
    "/__admin/clock": (("GET", "POST"), _clock),
    "/__admin/ids": (("POST",), _ids),
    "/__admin/sessions": (("GET",), _sessions),
    "/__admin/reset": (("POST",), _reset),
}


def handle(emu, request):
    endpoint = _ENDPOINTS.get(request.path.rstrip("/"))
    try:
        if endpoint is None:
            raise AdminError(404, "unknown admin endpoint %s (have %s)"
                             % (request.path, ", ".join(sorted(_ENDPOINTS))))
        methods, function = endpoint
        if request.method not in methods:
            raise AdminError(405, "%s allows %s" % (request.path, ", ".join(methods)))
        result = function(emu, request)
    except AdminError as err:
        return Response.json(err.status, {"error": str(err)})
    return result if isinstance(result, Response) else Response.json(200, result)
