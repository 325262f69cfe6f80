"""Request signatures: ODPS v2/v4 (spec 1) and Alibaba Cloud RPC v1 (spec 2).

The server side recomputes the string-to-sign from what it received - header
values exactly as sent, the percent-decoded path and query - so a client that
signs anything else (an encoded value, a trimmed header, a missing
``x-odps-*`` line) gets a mismatch.  The expected string-to-sign is returned
with a mismatch so the error message can show it.
"""

import base64
import hashlib
import hmac
from dataclasses import dataclass
from urllib.parse import quote, unquote_plus

SIGNED_HEADERS = ("content-md5", "content-type", "date")
V4_SCOPE_SUFFIX = "odps/aliyun_v4_request"


def parse_query(raw_query):
    """Split a raw query string into ``[(name, value or None)]``.

    ``%XX`` is decoded and ``+`` means space (pyodps sends form encoding, Java
    ``%20``; a literal ``+`` always arrives as ``%2B``).  ``name`` alone gives
    ``None``, ``name=`` gives ``""``; both canonicalise to the bare name.
    """
    items = []
    for part in raw_query.split("&") if raw_query else []:
        if not part:
            continue
        name, sep, value = part.partition("=")
        items.append((unquote_plus(name), unquote_plus(value) if sep else None))
    return items


def canonical_resource(path, query):
    """Decoded path (endpoint prefix removed) plus the sorted query."""
    if not query:
        return path
    ordered = sorted(query, key=lambda item: item[0])
    return path + "?" + "&".join(name if not value else "%s=%s" % (name, value)
                                 for name, value in ordered)


def string_to_sign(method, headers, path, query):
    """Spec 1.1.  ``headers`` is a list of ``(name, value)`` as received."""
    signed = {}
    for name, value in headers:
        key = name.lower()
        if (key in SIGNED_HEADERS or key.startswith("x-odps-")) and key not in signed:
            signed[key] = value
    for name, value in query:
        if name.startswith("x-odps-"):
            signed[name] = value or ""
    for key in ("content-type", "content-md5"):
        signed.setdefault(key, "")
    lines = [method.upper()]
    for key in sorted(signed):
        lines.append("%s:%s" % (key, signed[key]) if key.startswith("x-odps-") else signed[key])
    lines.append(canonical_resource(path, query))
    return "\n".join(lines)


def _b64_hmac_sha1(key, text):
    digest = hmac.new(key, text.encode("utf-8", "surrogateescape"), hashlib.sha1).digest()
    return base64.b64encode(digest).decode("ascii")


def sign_v2(secret, text):
    return _b64_hmac_sha1(secret.encode("utf-8"), text)


def v4_signing_key(secret, date8, region):
    key = ("aliyun_v4" + secret).encode("utf-8")
    for part in (date8, region, "odps", "aliyun_v4_request"):
        key = hmac.new(key, part.encode("utf-8"), hashlib.sha256).digest()
    return key


def sign_v4(secret, date8, region, text):
    return _b64_hmac_sha1(v4_signing_key(secret, date8, region), text)


@dataclass
class Credential:
    """The ``Authorization: ODPS ...`` header, parsed."""

    access_id: str
    signature: str
    version: int            # 2 or 4
    date8: str = ""
    region: str = ""

    def expected(self, secret, text):
        if self.version == 4:
            return sign_v4(secret, self.date8, self.region, text)
        return sign_v2(secret, text)


def parse_authorization(value):
    """Parse ``ODPS <id>:<sig>`` or ``ODPS <id>/<yyyymmdd>/<region>/odps/aliyun_v4_request:<sig>``.

    Raises ``ValueError`` with a human-readable reason.
    """
    scheme, _, rest = value.partition(" ")
    if scheme != "ODPS" or not rest:
        raise ValueError("Authorization must be 'ODPS <AccessKeyId>:<signature>'")
    credential, sep, signature = rest.rpartition(":")
    if not sep or not credential or not signature:
        raise ValueError("Authorization must be 'ODPS <AccessKeyId>:<signature>'")
    if "/" not in credential:
        return Credential(credential, signature, 2)
    parts = credential.split("/")
    if (len(parts) != 5 or "/".join(parts[3:]) != V4_SCOPE_SUFFIX
            or len(parts[1]) != 8 or not parts[1].isdigit() or not parts[2]):
        raise ValueError("v4 credential must be "
                         "<AccessKeyId>/<yyyymmdd>/<region>/odps/aliyun_v4_request")
    return Credential(parts[0], signature, 4, parts[1], parts[2])


def authorization_v2(access_id, secret, text):
    return "ODPS %s:%s" % (access_id, sign_v2(secret, text))


def authorization_v4(access_id, secret, date8, region, text):
    return "ODPS %s/%s/%s/%s:%s" % (access_id, date8, region, V4_SCOPE_SUFFIX,
                                    sign_v4(secret, date8, region, text))


# ---------------------------------------------------------------------------
# Alibaba Cloud RPC signature v1 (STS AssumeRole, spec 2)


def rpc_percent_encode(text):
    """UTF-8 percent encoding; unreserved ``A-Za-z0-9-_.~``; space is ``%20``."""
    return quote(text, safe="-_.~")


def rpc_string_to_sign(method, params):
    """``METHOD&%2F&encode(canonical query)``; ``Signature`` is never signed."""
    canonical = "&".join("%s=%s" % (rpc_percent_encode(k), rpc_percent_encode(v))
                         for k, v in sorted(params.items()) if k != "Signature")
    return "%s&%s&%s" % (method.upper(), rpc_percent_encode("/"), rpc_percent_encode(canonical))


def rpc_signature(secret, method, params):
    return _b64_hmac_sha1((secret + "&").encode("utf-8"), rpc_string_to_sign(method, params))
