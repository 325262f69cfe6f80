"""Response bodies in the shapes the SDK parsers read (spec 2, 3).

Field names and nesting follow the spec and the SDK transcript exactly;
values the SDKs do not read (owner, times) are filled in plausibly.
"""

import email.utils
import json
from xml.sax.saxutils import escape

XML_HEAD = '<?xml version="1.0" encoding="UTF-8"?>\n'


def rfc822(epoch):
    """``Thu, 13 Jul 2023 13:13:00 GMT``."""
    return email.utils.formatdate(epoch, usegmt=True)


def cdata(text):
    """CDATA section; a ``]]>`` inside the text is split across sections."""
    return "<![CDATA[%s]]>" % text.replace("]]>", "]]]]><![CDATA[>")


def xml_error(code, message, request_id, host_id):
    """REST error body; pyodps needs all four elements (spec 3.9)."""
    return (XML_HEAD + "<Error>\n  <Code>%s</Code>\n  <Message>%s</Message>\n"
            "  <RequestId>%s</RequestId>\n  <HostId>%s</HostId>\n</Error>\n"
            % (escape(code), cdata(message), escape(request_id), escape(host_id)))


def json_error(code, message, hold_client_millis=None):
    """Tunnel error body (Java parses JSON only, spec 3.9)."""
    document = {"Code": code, "Message": message}
    if hold_client_millis is not None:
        document["HoldClientMillis"] = str(hold_client_millis)
    return document


# -- REST metadata -------------------------------------------------------------


def project_xml(project, owner):
    return (XML_HEAD + "<Project>\n  <Name>%s</Name>\n  <Type>managed</Type>\n"
            "  <Comment></Comment>\n  <State>AVAILABLE</State>\n  <Owner>%s</Owner>\n"
            "  <Properties>\n    <Property><Name>odps.schema.model.enabled</Name>"
            "<Value>false</Value></Property>\n  </Properties>\n</Project>\n"
            % (escape(project.name), escape(owner)))


def table_schema_json(table, owner):
    """The JSON inside ``<Schema>`` of a table GET (spec 3.1)."""
    reserved = {"Transactional": "true" if table.transactional else "false",
                "schema_version": "0"}
    if table.primary_key:
        reserved["PrimaryKey"] = list(table.primary_key)
    created = int(table.created)
    return {
        "comment": table.comment,
        "createTime": created,
        "isArchived": False,
        "isVirtualView": False,
        "lastDDLTime": created,
        "lastModifiedTime": int(table.last_modified),
        "lifecycle": table.lifecycle,
        "owner": owner,
        "size": 0,
        "tableName": table.name,
        "columns": [{"name": c.name, "type": str(c.type), "comment": c.comment, "label": "",
                     "isNullable": c.nullable, "hasDefaultValue": False}
                    for c in table.columns],
        "partitionKeys": [{"name": c.name, "type": str(c.type), "comment": c.comment,
                           "label": ""} for c in table.partition_keys],
        "Reserved": json.dumps(reserved),
    }


def table_xml(table, owner):
    created = rfc822(table.created)
    schema = json.dumps(table_schema_json(table, owner), separators=(",", ":"))
    return (XML_HEAD + "<Table>\n  <Name>%s</Name>\n  <TableId>%s</TableId>\n"
            "  <Schema>%s</Schema>\n  <Comment>%s</Comment>\n  <Owner>%s</Owner>\n"
            "  <Project>%s</Project>\n  <CreationTime>%s</CreationTime>\n"
            "  <LastModifiedTime>%s</LastModifiedTime>\n"
            "  <LastAccessTime>%s</LastAccessTime>\n  <Type>MANAGED_TABLE</Type>\n</Table>\n"
            % (escape(table.name), table.table_id, cdata(schema), escape(table.comment),
               escape(owner), escape(table.project), created, rfc822(table.last_modified),
               rfc822(table.last_modified)))


def partition_xml(partition):
    schema = {"createTime": int(partition.created), "lastDDLTime": int(partition.created),
              "lastModifiedTime": int(partition.last_modified),
              "partitionSize": 0}
    return (XML_HEAD + "<Partition>\n  <Schema>%s</Schema>\n</Partition>\n"
            % cdata(json.dumps(schema, separators=(",", ":"))))


# -- SQL instances ---------------------------------------------------------------


def instance_status_xml(status):
    return XML_HEAD + "<Instance>\n  <Status>%s</Status>\n</Instance>\n" % status


def instance_tasks_xml(instance, status, task_status):
    return (XML_HEAD + '<Instance>\n  <Status>%s</Status>\n  <Tasks>\n'
            '    <Task Type="SQL">\n      <Name>%s</Name>\n'
            '      <StartTime>%s</StartTime>\n      <EndTime>%s</EndTime>\n'
            '      <Status>%s</Status>\n      <Histories/>\n    </Task>\n  </Tasks>\n'
            '</Instance>\n'
            % (status, escape(instance.task_name), rfc822(instance.created),
               rfc822(instance.created), task_status))


def instance_result_xml(instance):
    return (XML_HEAD + '<Instance>\n  <Tasks>\n    <Task Type="SQL">\n      <Name>%s</Name>\n'
            '      <Result Format="text">%s</Result>\n    </Task>\n  </Tasks>\n</Instance>\n'
            % (escape(instance.task_name), cdata(instance.result)))


# -- Tunnel ------------------------------------------------------------------------


def tunnel_schema(table, extra_columns=()):
    """``Schema`` of session JSON: data columns (+ hidden ones) and partition keys."""
    columns = [(c.name, str(c.type), c.nullable, c.comment) for c in table.columns]
    columns += [(name, str(mctype), True, "") for name, mctype in extra_columns]
    return {
        "IsVirtualView": False,
        "columns": [{"column_id": str(i), "comment": comment, "default_value": "",
                     "name": name, "nullable": nullable, "type": type_text}
                    for i, (name, type_text, nullable, comment) in enumerate(columns)],
        "partitionKeys": [{"column_id": "", "comment": c.comment, "default_value": "",
                           "name": c.name, "nullable": True, "type": str(c.type)}
                          for c in table.partition_keys],
    }


def upload_session_json(session, status, owner, max_field_size):
    return {
        "Initiated": rfc822(session.created),
        "IsOverwrite": session.overwrite,
        "MaxFieldSize": max_field_size,
        "Owner": owner,
        "QuotaName": "",
        "Schema": tunnel_schema(session.table),
        "Status": status,
        "UploadID": session.session_id,
        "UploadedBlockList": [
            {"BlockID": b.block_id, "CreateTime": int(b.created), "Date": int(b.created),
             "FileName": "", "RecordCount": b.record_count, "Version": b.version}
            for _, b in sorted(session.blocks.items())],
    }


def stream_session_json(session, status):
    return {
        "session_name": session.session_id,
        "schema": tunnel_schema(session.table),
        "schema_version": "0",
        "slots": [[slot_id, address] for slot_id, address in session.slots],
        "status": status,
        "quota_name": "",
    }


def upsert_session_json(session, status):
    return {
        "id": session.session_id,
        "status": status,
        "schema": tunnel_schema(session.table),
        "hash_key": list(session.table.primary_key),
        "hasher": "default",
        "slots": [{"slot_id": slot_id, "buckets": buckets, "worker_addr": address}
                  for slot_id, buckets, address in session.slots],
        "quota_name": "",
        "enable_partial_update": False,
    }


# -- STS ------------------------------------------------------------------------------


def assume_role_document(request_id, role_arn, session_name, credential, expiration_text):
    return {
        "RequestId": request_id,
        "AssumedRoleUser": {
            "Arn": "%s/%s" % (role_arn, session_name),
            "AssumedRoleId": "300000000000000001:%s" % session_name,
        },
        "Credentials": {
            "AccessKeyId": credential.access_id,
            "AccessKeySecret": credential.secret,
            "SecurityToken": credential.token,
            "Expiration": expiration_text,
        },
    }


def to_xml(root, document):
    """Serialise a nested dict as XML elements (RPC APIs' Format=XML)."""
    def element(name, value, indent):
        pad = "  " * indent
        if isinstance(value, dict):
            inner = "".join(element(k, v, indent + 1) for k, v in value.items())
            return "%s<%s>\n%s%s</%s>\n" % (pad, name, inner, pad, name)
        return "%s<%s>%s</%s>\n" % (pad, name, escape(str(value)), name)
    return XML_HEAD + element(root, document, 0)
