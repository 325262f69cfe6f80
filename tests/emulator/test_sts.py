"""STS AssumeRole (spec 2), temporary credentials and the other auth rules (spec 1)."""

import calendar
import time
import urllib.parse
import uuid
import xml.etree.ElementTree as ElementTree
from email.utils import formatdate

from emuclient import KAFKA_SINK_DDL, Client, EmulatorTestCase
from mcemu import auth, signing

TABLE_PATH = "/api/projects/test_project/tables/kafka_sink"


def assume_role_params(**overrides):
    params = {
        "Action": "AssumeRole", "Version": "2015-04-01", "Format": "XML",
        "RoleArn": "acs:ram::1234567890123456:role/kafka-writer",
        "RoleSessionName": "kafka-session-1234567890123456",
        "AssumeRoleFor": "1234567890123456", "DurationSeconds": "3600",
        "RegionId": "cn-hangzhou", "AccessKeyId": auth.SPEC_ACCESS_ID,
        "SignatureMethod": "HMAC-SHA1", "SignatureVersion": "1.0",
        "SignatureNonce": str(uuid.uuid4()),
        "Timestamp": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()),
    }
    params.update(overrides)
    return params


class RpcSignatureTest(EmulatorTestCase):

    def test_spec_worked_example(self):
        params = assume_role_params(SignatureNonce="00000000-0000-4000-8000-000000000001",
                                    Timestamp="2023-07-13T13:13:00Z")
        self.assertEqual(signing.rpc_signature(auth.SPEC_ACCESS_SECRET, "POST", params),
                         "2lCRLjxUF6JqBWSDUXdzyHm6BeE=")
        self.assertTrue(signing.rpc_string_to_sign("POST", params).startswith(
            "POST&%2F&AccessKeyId%3DLTAI5tTestAccessId%26Action%3DAssumeRole"))


class AssumeRoleTest(EmulatorTestCase):

    def setUp(self):
        super().setUp()
        self.admin_sql(KAFKA_SINK_DDL)

    def assume_role(self, secret=auth.SPEC_ACCESS_SECRET, sign_as=None, **overrides):
        params = assume_role_params(**overrides)
        params["Signature"] = signing.rpc_signature(secret, sign_as or "POST", params)
        # Java's URLEncoder: form encoding, '+' for spaces, '=' in the signature as %3D
        return self.client.send("POST", "/?" + urllib.parse.urlencode(params),
                                [("x-sdk-client", "Java/2.0.0"),
                                 ("x-sdk-invoke-type", "normal")])

    def credentials(self, reply):
        self.assertEqual(reply.status, 200, reply)
        root = ElementTree.fromstring(reply.body)
        self.assertEqual(root.tag, "AssumeRoleResponse")
        self.assertTrue(root.findtext("RequestId"))
        self.assertEqual(root.findtext("AssumedRoleUser/Arn"),
                         "acs:ram::1234567890123456:role/kafka-writer/"
                         "kafka-session-1234567890123456")
        self.assertTrue(root.findtext("AssumedRoleUser/AssumedRoleId"))
        return {n: root.findtext("Credentials/" + n)
                for n in ("AccessKeyId", "AccessKeySecret", "SecurityToken", "Expiration")}

    def sts_client(self, creds, token=None):
        return Client(self.server.url, creds["AccessKeyId"], creds["AccessKeySecret"],
                      token=creds["SecurityToken"] if token is None else token)

    def error_code(self, reply):
        if reply.headers.get("content-type") == "application/json":
            return reply.json()["Code"]
        return ElementTree.fromstring(reply.body).findtext("Code")

    def test_issue_and_use_credentials(self):
        creds = self.credentials(self.assume_role())
        self.assertTrue(creds["AccessKeyId"].startswith("STS."))
        expires = calendar.timegm(time.strptime(creds["Expiration"], "%Y-%m-%dT%H:%M:%SZ"))
        self.assertAlmostEqual(expires - time.time(), 3600, delta=5)
        client = self.sts_client(creds)
        self.assertEqual(client.request("GET", TABLE_PATH).status, 200)
        self.assertEqual(client.create_upload("kafka_sink", "pt=a",
                                              [("create_partition", "true")]).status, 200)
        self.assertEqual(self.stats()["sts"]["issued"], 1)

    def test_expired_token(self):
        creds = self.credentials(self.assume_role(DurationSeconds="900"))
        client = self.sts_client(creds)
        self.admin("POST", "/__admin/clock", {"advance": 901})
        rest = client.request("GET", TABLE_PATH)
        self.assertEqual((rest.status, self.error_code(rest)), (401, "Unauthorized"))
        self.assertIn("expired", ElementTree.fromstring(rest.body).findtext("Message"))
        tunnel = client.create_upload("kafka_sink", "pt=a")
        self.assertEqual((tunnel.status, tunnel.json()["Code"]), (401, "Unauthorized"))
        self.assertIn("ODPS-0410051", tunnel.json()["Message"])

    def test_token_rules(self):
        creds = self.credentials(self.assume_role())
        for token, fragment in (("", "no authorization-sts-token"),
                                ("CAISwrong", "not the one issued")):
            with self.subTest(token=token):
                client = self.sts_client(creds, token=token)
                if not token:
                    client.token = None
                reply = client.request("GET", TABLE_PATH)
                self.assertEqual(reply.status, 401)
                self.assertIn(fragment, reply.text)
        long_term = Client(self.server.url, token="CAISsomething")
        reply = long_term.request("GET", TABLE_PATH)
        self.assertEqual(reply.status, 401)
        self.assertIn("long-term", reply.text)

    def test_json_format(self):
        reply = self.assume_role(Format="JSON")
        document = reply.json()
        self.assertEqual(sorted(document), ["AssumedRoleUser", "Credentials", "RequestId"])

    def test_rejections(self):
        cases = [
            (self.assume_role(secret="wrong"), 400, "SignatureDoesNotMatch"),
            (self.assume_role(sign_as="GET"), 400, "SignatureDoesNotMatch"),
            (self.assume_role(AccessKeyId="LTAInope"), 404, "InvalidAccessKeyId.NotFound"),
            (self.assume_role(DurationSeconds="60"), 400, "InvalidParameter.DurationSeconds"),
            (self.assume_role(RoleArn="acs:ram::x:role/r"), 400, "InvalidParameter.RoleArn"),
            (self.assume_role(Action="GetCallerIdentity"), 404, "InvalidAction.NotFound"),
            (self.assume_role(Timestamp="13 Jul 2023"), 400, "InvalidTimeStamp.Format"),
        ]
        for reply, status, code in cases:
            with self.subTest(code=code):
                self.assertEqual(reply.status, status, reply)
                root = ElementTree.fromstring(reply.body)
                self.assertEqual(root.tag, "Error")
                self.assertEqual(root.findtext("Code"), code)
                for element in ("RequestId", "HostId", "Message"):
                    self.assertTrue(root.findtext(element), element)

    def test_nonce_reuse(self):
        nonce = str(uuid.uuid4())
        self.assertEqual(self.assume_role(SignatureNonce=nonce).status, 200)
        reply = self.assume_role(SignatureNonce=nonce)
        self.assertEqual(self.error_code(reply), "SignatureNonceUsed")


class OdpsAuthTest(EmulatorTestCase):
    config_overrides = {"region": "cn-hangzhou", "max_clock_skew": 900}

    def setUp(self):
        super().setUp()
        self.admin_sql(KAFKA_SINK_DDL)

    def test_v4_with_region(self):
        client = Client(self.server.url, version=4)
        self.assertEqual(client.request("GET", TABLE_PATH).status, 200)
        client.region = "cn-beijing"
        reply = client.request("GET", TABLE_PATH)
        self.assertEqual(reply.status, 401)
        self.assertIn("region cn-beijing", reply.text)

    def test_unknown_key_and_missing_header(self):
        reply = Client(self.server.url, access_id="LTAInope").request("GET", TABLE_PATH)
        self.assertEqual(reply.status, 401)
        self.assertIn("ODPS-0410051", reply.text)
        reply = self.client.request("GET", TABLE_PATH, sign=False)
        self.assertEqual(ElementTree.fromstring(reply.body).findtext("Code"),
                         "AuthorizationRequired")
        reply = self.client.request("POST", self.client.table_path("kafka_sink"),
                                    [("uploads", None)], sign=False)
        self.assertEqual((reply.status, reply.json()["Code"]), (401, "Unauthorized"))

    def test_mismatch_shows_string_to_sign(self):
        client = Client(self.server.url, secret="wrong")
        reply = client.request("GET", TABLE_PATH)
        message = ElementTree.fromstring(reply.body).findtext("Message")
        self.assertIn("ODPS-0410042", message)
        self.assertIn("/projects/test_project/tables/kafka_sink?curr_project=test_project",
                      message)

    def test_date_skew(self):
        path = TABLE_PATH
        query = [("curr_project", "test_project")]
        old = formatdate(time.time() - 3600, usegmt=True)
        headers = [("Date", old), ("x-odps-user-agent", "t")]
        text = signing.string_to_sign("GET", headers, path[4:], query)
        headers.append(("Authorization", signing.authorization_v2(
            auth.SPEC_ACCESS_ID, auth.SPEC_ACCESS_SECRET, text)))
        reply = self.client.send("GET", path + "?curr_project=test_project", headers)
        self.assertEqual(reply.status, 400)
        self.assertEqual(ElementTree.fromstring(reply.body).findtext("Code"),
                         "AuthenticationRequestExpired")

    def test_utf8_header_values_are_signed_as_sent(self):
        client = Client(self.server.url)
        reply = client.request("GET", TABLE_PATH, headers=[("x-odps-comment", "数据 ü")])
        self.assertEqual(reply.status, 200, reply.text)

    def test_x_odps_query_parameters_are_signed(self):
        query = [("x-odps-extra", "a b"), ("curr_project", "test_project")]
        headers = [("Date", formatdate(usegmt=True))]
        text = signing.string_to_sign("GET", headers, TABLE_PATH[4:], query)
        self.assertIn("\nx-odps-extra:a b\n", text)
        headers.append(("Authorization", signing.authorization_v2(
            auth.SPEC_ACCESS_ID, auth.SPEC_ACCESS_SECRET, text)))
        reply = self.client.send("GET", TABLE_PATH + "?x-odps-extra=a+b&curr_project=test_project",
                                 headers)
        self.assertEqual(reply.status, 200, reply.text)
        self.assertEqual(self.stats()["auth"]["failures"], 0)
