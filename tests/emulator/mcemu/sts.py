"""The emulator's STS endpoint: ``AssumeRole`` (spec 2).

Served on the same port, at ``/`` with an ``Action`` parameter, so a client
configured with ``sts.endpoint = 127.0.0.1:<port>`` reaches it.  Parameters
may come in the query (what the Java SDK sends) or a form body.  The request
is checked like the real service would: RPC v1 signature with the caller's
long-term secret, known action and version, a nonce not used before, a
well-formed RoleArn and DurationSeconds in 900..43200.  The credentials it
issues are then accepted on ODPS requests until they expire on the emulator
clock.
"""

import calendar
import hmac
import re
import time
from urllib.parse import parse_qsl

from . import shapes, signing
from .messages import Response, ServiceError

_ROLE_ARN = re.compile(r"acs:ram::\d+:role/[A-Za-z0-9._@-]+\Z")
_SESSION_NAME = re.compile(r"[A-Za-z0-9._@-]{2,64}\Z")
REQUIRED = ("Action", "Version", "AccessKeyId", "Signature", "SignatureMethod",
            "SignatureVersion", "SignatureNonce", "Timestamp", "RoleArn", "RoleSessionName")


def response_format(request):
    """``XML`` or ``JSON``; this SDK generation asks for XML (spec 2)."""
    return "JSON" if (request.param("Format") or "").upper() == "JSON" else "XML"


def error_response(request, err, request_id, host_id):
    """``<Error><RequestId/><HostId/><Code/><Message/></Error>`` (or JSON)."""
    document = {"RequestId": request_id, "HostId": host_id, "Code": err.code,
                "Message": err.message}
    if response_format(request) == "JSON":
        return Response.json(err.status, document)
    return Response.xml(err.status, shapes.to_xml("Error", document))


def _parameters(request):
    params = {}
    for name, value in request.query:
        params[name] = value or ""
    content_type = (request.header("Content-Type") or "").lower()
    if request.body and content_type.startswith("application/x-www-form-urlencoded"):
        params.update(parse_qsl(request.body.decode("utf-8"), keep_blank_values=True))
    return params


def _invalid(code, message, status=400):
    return ServiceError(status, code, message)


def assume_role(emu, request, route):
    params = _parameters(request)
    missing = [name for name in REQUIRED if not params.get(name)]
    if missing:
        raise _invalid("MissingParameter", "required parameter(s) missing: %s"
                       % ", ".join(missing))
    if params["Action"] != "AssumeRole":
        raise _invalid("InvalidAction.NotFound", "action %s is not emulated" % params["Action"],
                       404)
    if params["Version"] != "2015-04-01":
        raise _invalid("InvalidVersion", "Version must be 2015-04-01")
    if params["SignatureMethod"] != "HMAC-SHA1" or params["SignatureVersion"] != "1.0":
        raise _invalid("InvalidParameter.SignatureMethod",
                       "SignatureMethod HMAC-SHA1 and SignatureVersion 1.0 are required")
    secret = emu.credentials.long_term.get(params["AccessKeyId"])
    if secret is None:
        raise _invalid("InvalidAccessKeyId.NotFound", "Specified access key is not found.", 404)
    expected = signing.rpc_signature(secret, request.method, params)
    if not hmac.compare_digest(expected.encode(), params["Signature"].encode()):
        raise _invalid("SignatureDoesNotMatch", "Specified signature is not matched with our "
                       "calculation. server string to sign is:%s"
                       % signing.rpc_string_to_sign(request.method, params))
    now = emu.clock.now()
    _check_timestamp(params["Timestamp"], now, emu.config.max_clock_skew)
    nonce = params["SignatureNonce"]
    if nonce in emu.used_nonces:
        raise _invalid("SignatureNonceUsed", "Specified signature nonce was used already.")
    emu.used_nonces[nonce] = now
    if not _ROLE_ARN.match(params["RoleArn"]):
        raise _invalid("InvalidParameter.RoleArn", "RoleArn %r is not "
                       "acs:ram::<account id>:role/<role name>" % params["RoleArn"])
    if not _SESSION_NAME.match(params["RoleSessionName"]):
        raise _invalid("InvalidParameter.RoleSessionName",
                       "RoleSessionName must be 2-64 characters of [A-Za-z0-9._@-]")
    duration = params.get("DurationSeconds", "3600")
    if not duration.isdigit() or not 900 <= int(duration) <= 43200:
        raise _invalid("InvalidParameter.DurationSeconds",
                       "DurationSeconds must be an integer in 900..43200")
    credential = emu.credentials.issue(int(duration), now)
    emu.stats.incr("sts.issued")
    expiration = time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(credential.expiration))
    document = shapes.assume_role_document(emu.next_request_id(), params["RoleArn"],
                                           params["RoleSessionName"], credential, expiration)
    if response_format(request) == "JSON":
        return Response.json(200, document)
    return Response.xml(200, shapes.to_xml("AssumeRoleResponse", document))


def _check_timestamp(text, now, max_skew):
    try:
        sent = calendar.timegm(time.strptime(text, "%Y-%m-%dT%H:%M:%SZ"))
    except ValueError:
        raise _invalid("InvalidTimeStamp.Format", "Timestamp %r is not "
                       "yyyy-MM-ddTHH:mm:ssZ" % text) from None
    if max_skew and abs(sent - now) > max_skew:
        raise _invalid("InvalidTimeStamp.Expired", "Timestamp %s is more than %ds away "
                       "from the server time" % (text, max_skew))
