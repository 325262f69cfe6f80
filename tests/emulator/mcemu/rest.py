"""REST (service endpoint, ``/api``) handlers: spec 3.1 - 3.3.

Errors are XML; catalog errors are translated to the REST spelling seen in
the transcript (a missing table is ``NoSuchObject`` with
``ODPS-0130131:Table not found - 'p.t'``).
"""

import xml.etree.ElementTree as ElementTree

from . import shapes, sqlflow
from .messages import Response, ServiceError
from .state import Instance
from .store import CatalogError

_REST_ERRORS = {
    "NoSuchTable": (404, "NoSuchObject", "ODPS-0130131:%s"),
    "NoSuchProject": (404, "NoSuchProject", "ODPS-0420111:Project not found - %s"),
    "NoSuchPartition": (404, "NoSuchPartition", "ODPS-0130241:Illegal partition - %s"),
    "InvalidPartitionSpec": (400, "InvalidArgument", "ODPS-0130241:Illegal partition - %s"),
    "MissingPartitionSpec": (400, "InvalidArgument", "ODPS-0130241:Illegal partition - %s"),
}


def rest_error(err):
    """``CatalogError`` -> ``ServiceError`` with REST codes."""
    status, code, template = _REST_ERRORS.get(err.code, (400, err.code, "%s"))
    return ServiceError(status, code, template % err.message)


def _table(emu, route):
    try:
        return emu.catalog.table(route["project"], route["table"], route.get("schema"))
    except CatalogError as err:
        raise rest_error(err) from None


def get_project(emu, request, route):
    try:
        project = emu.catalog.project(route["project"])
    except CatalogError as err:
        raise rest_error(err) from None
    created = shapes.rfc822(project.created)
    # Java fails the project load (and falls back) without these headers.
    return Response.xml(200, shapes.project_xml(project, emu.config.owner),
                        [("x-odps-owner", emu.config.owner),
                         ("x-odps-creation-time", created), ("Last-Modified", created)])


def get_table(emu, request, route):
    table = _table(emu, route)
    return Response.xml(200, shapes.table_xml(table, emu.config.owner),
                        [("Last-Modified", shapes.rfc822(table.last_modified))])


def get_partition(emu, request, route):
    table = _table(emu, route)
    try:
        partition = table.partition(table.spec_values(request.param("partition")))
    except CatalogError as err:
        raise rest_error(err) from None
    return Response.xml(200, shapes.partition_xml(partition))


def get_tunnel_endpoint(emu, request, route):
    """Spec 3.2: plain ``host:port``; the client prefixes the REST scheme."""
    try:
        emu.catalog.project(route["project"])
    except CatalogError as err:
        raise rest_error(err) from None
    return Response(200, emu.address.encode("ascii"), "text/plain")


def _sql_task(body):
    """(task name, query) of the first SQL task of an instance XML body."""
    try:
        root = ElementTree.fromstring(body)
    except ElementTree.ParseError as err:
        raise ServiceError(400, "InvalidArgument",
                           "ODPS-0420031:Invalid XML in HTTP request body - %s" % err) from None
    tasks = root.find("Job/Tasks")
    if root.tag != "Instance" or tasks is None or len(tasks) == 0:
        raise ServiceError(400, "InvalidArgument", "ODPS-0420061:Invalid parameter in HTTP "
                           "request - expected <Instance><Job><Tasks> with one task")
    task = tasks[0]
    if task.tag != "SQL" or task.findtext("Query") is None:
        raise ServiceError(400, "InvalidArgument", "ODPS-0420061:Invalid parameter in HTTP "
                           "request - only SQL tasks with a <Query> are emulated, got <%s>"
                           % task.tag)
    return task.findtext("Name") or "AnonymousSQLTask", task.findtext("Query")


def create_instance(emu, request, route):
    """Run the SQL at once; the outcome shows in the task status (spec 3.3)."""
    try:
        project = emu.catalog.project(route["project"]).name
    except CatalogError as err:
        raise rest_error(err) from None
    task_name, query = _sql_task(request.body)
    now = emu.clock.now()
    try:
        result = "\n".join(sqlflow.execute(emu.catalog, project, query, now))
        succeeded = True
    except sqlflow.SqlError as err:
        result, succeeded = str(err), False
        emu.stats.incr("instances.failed")
    instance = Instance(emu.new_id("instance"), project, task_name, now, succeeded, result,
                        emu.config.instance_polls)
    emu.instances[(project, instance.instance_id)] = instance
    emu.stats.incr("instances.created")
    location = "%s/api/projects/%s/instances/%s" % (emu.base_url, project, instance.instance_id)
    return Response(201, b"", None, [("Location", location)])


def get_instance(emu, request, route):
    instance = emu.instances.get((route["project"].lower(), route["instance"]))
    if instance is None:
        raise ServiceError(404, "NoSuchObject", "ODPS-0420111:Instance not found - %s"
                           % route["instance"])
    if request.has("result"):
        return Response.xml(200, shapes.instance_result_xml(instance))
    running = instance.polls_left > 0
    if running and not request.has("taskstatus"):
        instance.polls_left -= 1
    status = "Running" if running else "Terminated"
    if request.has("taskstatus"):
        task = "Running" if running else ("Success" if instance.succeeded else "Failed")
        body = shapes.instance_tasks_xml(instance, status, task)
    else:
        body = shapes.instance_status_xml(status)
    stamp = shapes.rfc822(instance.created)
    headers = [("x-odps-owner", emu.config.owner), ("x-odps-start-time", stamp)]
    if not running:
        headers.append(("x-odps-end-time", stamp))
    return Response.xml(200, body, headers)


def no_route(emu, request, route):
    raise ServiceError(404, "NoSuchObject", "emulator: no route for %s %s"
                       % (request.method, request.target))
