"""Map a request to a route: name, error shape (kind) and handler.

REST and Tunnel share one port: REST resources live under ``/api`` (the
service endpoint's path prefix, spec 0), Tunnel resources at ``/projects/...``
(the discovered tunnel endpoint has no prefix, spec 3.2), and the STS
endpoint at ``/?Action=...``.  The route name is what stats, logs and fault
rules (``"route": "tunnel.upload_commit"``) refer to.
"""

import re
from dataclasses import dataclass

from . import rest, sts, tunnel

_PROJECT = r"/projects/(?P<project>[^/]+)"
_TABLE = _PROJECT + r"(?:/schemas/(?P<schema>[^/]+))?/tables/(?P<table>[^/]+)"


@dataclass
class Route:
    name: str
    kind: str          # "rest" (XML errors), "tunnel" (JSON errors) or "sts"
    handler: object
    params: dict


def _match(pattern, path):
    found = re.fullmatch(pattern, path)
    return found.groupdict() if found else None


def _rest(request):
    path, method = request.path[len("/api"):], request.method
    if method == "GET":
        params = _match(_PROJECT, path)
        if params is not None:
            return "rest.project", rest.get_project, params
        params = _match(_TABLE, path)
        if params is not None:
            if request.has("partition"):
                return "rest.partition", rest.get_partition, params
            return "rest.table", rest.get_table, params
        params = _match(_PROJECT + "/tunnel", path)
        if params is not None and request.has("service"):
            return "rest.tunnel_endpoint", rest.get_tunnel_endpoint, params
        params = _match(_PROJECT + r"/instances/(?P<instance>[^/]+)", path)
        if params is not None:
            which = ("result" if request.has("result") else
                     "taskstatus" if request.has("taskstatus") else "status")
            return "rest.instance_" + which, rest.get_instance, params
    elif method == "POST":
        params = _match(_PROJECT + "/instances", path)
        if params is not None:
            return "rest.instance_create", rest.create_instance, params
    return "rest.unknown", rest.no_route, {}


def _tunnel(request):
    path, method = request.path, request.method
    params = _match(_TABLE, path)
    if params is not None:
        if method == "POST" and request.has("uploads"):
            return "tunnel.upload_create", tunnel.create_upload, params
        if request.has("uploadid"):
            handler = {"GET": ("tunnel.upload_status", tunnel.upload_status),
                       "PUT": ("tunnel.upload_block", tunnel.upload_block),
                       "POST": ("tunnel.upload_commit", tunnel.commit_upload)}.get(method)
            if handler:
                return handler + (params,)
    params = _match(_TABLE + "/streams", path)
    if params is not None:
        if not request.has("uploadid"):
            if method == "POST":
                return "tunnel.stream_create", tunnel.create_stream, params
        else:
            handler = {"GET": ("tunnel.stream_reload", tunnel.reload_stream),
                       "PUT": ("tunnel.stream_write", tunnel.write_stream),
                       "POST": ("tunnel.stream_abort", tunnel.abort_stream)}.get(method)
            if handler:
                return handler + (params,)
    params = _match(_TABLE + "/upserts", path)
    if params is not None:
        if not request.has("upsertid"):
            if method == "POST":
                return "tunnel.upsert_create", tunnel.create_upsert, params
        else:
            handler = {"GET": ("tunnel.upsert_reload", tunnel.reload_upsert),
                       "PUT": ("tunnel.upsert_write", tunnel.write_upsert),
                       "POST": ("tunnel.upsert_commit", tunnel.commit_upsert),
                       "DELETE": ("tunnel.upsert_abort", tunnel.abort_upsert)}.get(method)
            if handler:
                return handler + (params,)
    return "tunnel.unknown", tunnel.no_route, {}


def resolve(request):
    if request.path == "/api" or request.path.startswith("/api/"):
        name, handler, params = _rest(request)
        return Route(name, "rest", handler, params)
    if request.path == "/" and request.has("Action"):
        return Route("sts.assume_role", "sts", sts.assume_role, {})
    name, handler, params = _tunnel(request)
    return Route(name, "tunnel", handler, params)
