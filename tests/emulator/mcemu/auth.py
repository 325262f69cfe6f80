"""Credentials and verification of signed ODPS REST / Tunnel requests.

Long-term AccessKeys are configured; temporary (STS) credentials are either
configured or issued by the emulator's own AssumeRole endpoint (``sts``).  A
request signed with a temporary AccessKeyId must carry the matching
``authorization-sts-token`` header and must arrive before the credential's
expiration, measured on the emulator's (virtual) clock so tests can expire a
token by advancing the clock instead of waiting an hour.

Error shapes (spec 3.9): REST errors are XML with ``SignatureNotMatch`` /
``AuthorizationRequired`` / ``Unauthorized``; Tunnel errors are JSON with
``Unauthorized``.  Status 401 for every credential problem, 400 for a Date
outside the allowed skew (``ODPS-0410031`` is documented as HTTP 400).
"""

import email.utils
import hmac
import secrets
import string
import time
from dataclasses import dataclass

from . import signing
from .messages import ServiceError

SPEC_ACCESS_ID = "LTAI5tTestAccessId"
SPEC_ACCESS_SECRET = "TestAccessKeySecret0123456789ab"
TRANSCRIPT_STS = ("STS.NTestStsAccessId", "TestStsAccessKeySecret", "CAISTestSecurityToken+/=")

_ALPHANUM = string.ascii_letters + string.digits


@dataclass
class TemporaryCredential:
    access_id: str
    secret: str
    token: str
    expiration: float = None     # epoch seconds on the emulator clock; None = never


class Credentials:
    """The AccessKeys the emulator accepts."""

    def __init__(self, long_term=None, temporary=()):
        self.long_term = dict(long_term or {SPEC_ACCESS_ID: SPEC_ACCESS_SECRET})
        self.temporary = {}
        for credential in temporary:
            self.temporary[credential.access_id] = credential

    def issue(self, duration, now):
        """A fresh STS credential valid for ``duration`` seconds."""
        access_id = "STS.N" + "".join(secrets.choice(_ALPHANUM) for _ in range(22))
        secret = "".join(secrets.choice(_ALPHANUM) for _ in range(30))
        # Tokens are base64-like and contain '+', '/' and '=' in real life;
        # keep them so clients that mangle header values get caught.
        token = "CAIS" + secrets.token_urlsafe(48).replace("-", "+").replace("_", "/") + "=="
        credential = TemporaryCredential(access_id, secret, token, now + duration)
        self.temporary[access_id] = credential
        return credential


def _deny(kind, rest_code, message):
    """401 with the REST code, or the Tunnel's single ``Unauthorized`` code."""
    return ServiceError(401, rest_code if kind == "rest" else "Unauthorized", message)


def canonical_path(kind, path):
    """Path relative to the endpoint: REST drops its ``/api`` prefix (spec 1.1)."""
    if kind == "rest" and (path == "/api" or path.startswith("/api/")):
        return path[4:] or "/"
    return path


def verify(request, kind, credentials, now, max_skew=0, region=None):
    """Check the signature of an ODPS request; returns the AccessKeyId.

    ``kind`` is ``"rest"`` or ``"tunnel"`` and selects the error codes.
    Raises ``ServiceError``.
    """
    header = request.header("Authorization")
    if not header:
        raise _deny(kind, "AuthorizationRequired",
                    "ODPS-0410001:Missing authentication parameters - no Authorization header")
    try:
        credential = signing.parse_authorization(header)
    except ValueError as err:
        raise _deny(kind, "AuthorizationRequired",
                    "ODPS-0410011:Invalid authentication parameters - %s" % err) from None

    token = request.header("authorization-sts-token")
    temporary = credentials.temporary.get(credential.access_id)
    if temporary is not None:
        if token is None:
            raise _deny(kind, "Unauthorized", "ODPS-0410051:Invalid credentials - AccessKeyId "
                        "%s is an STS key but the request has no authorization-sts-token header"
                        % credential.access_id)
        if not hmac.compare_digest(token.encode(), temporary.token.encode()):
            raise _deny(kind, "Unauthorized",
                        "ODPS-0410051:Invalid credentials - the security token is not the one "
                        "issued with AccessKeyId %s" % credential.access_id)
        if temporary.expiration is not None and now >= temporary.expiration:
            raise _deny(kind, "Unauthorized",
                        "ODPS-0410051:Invalid credentials - the security token expired at %s"
                        % time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(temporary.expiration)))
        secret = temporary.secret
    else:
        secret = credentials.long_term.get(credential.access_id)
        if secret is None:
            raise _deny(kind, "Unauthorized", "ODPS-0410051:Invalid credentials - "
                        "accessKeyId not found: %s" % credential.access_id)
        if token is not None:
            raise _deny(kind, "Unauthorized", "ODPS-0410051:Invalid credentials - an "
                        "authorization-sts-token header was sent with the long-term "
                        "AccessKeyId %s" % credential.access_id)
    if credential.version == 4 and region and credential.region != region:
        raise _deny(kind, "Unauthorized", "ODPS-0410051:Invalid credentials - v4 scope "
                    "region %s, this endpoint is %s" % (credential.region, region))

    text = signing.string_to_sign(request.method, request.headers,
                                  canonical_path(kind, request.path), request.query)
    expected = credential.expected(secret, text)
    if not hmac.compare_digest(expected.encode(), credential.signature.encode()):
        raise _deny(kind, "SignatureNotMatch",
                    "ODPS-0410042:Invalid signature value - User signature does not match "
                    "(signature v%d; the server's string-to-sign is %r)"
                    % (credential.version, text))
    if max_skew:
        _check_date(request.header("Date"), now, max_skew, kind)
    return credential.access_id


def _check_date(value, now, max_skew, kind):
    try:
        sent = email.utils.parsedate_to_datetime(value).timestamp()
    except (TypeError, ValueError):
        sent = None
    if sent is None or abs(sent - now) > max_skew:
        raise ServiceError(400, "AuthenticationRequestExpired",
                           "ODPS-0410031:Authentication request expired - Date header %r is "
                           "more than %ds away from the server time %s"
                           % (value, max_skew, email.utils.formatdate(now, usegmt=True)))
