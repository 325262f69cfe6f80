"""The emulator as a process: start-up contract, TLS, request log, mc_dump.py."""

import json
import os
import shutil
import signal
import ssl
import subprocess
import sys
import tempfile
import unittest

from emuclient import HERE, KAFKA_SINK_DDL, Client
from mcemu import auth
from test_sessions import PT, stream

PYTHON = "/usr/bin/python3" if os.path.exists("/usr/bin/python3") else sys.executable
EMULATOR = os.path.join(HERE, "mc_emulator.py")
DUMP = os.path.join(HERE, "mc_dump.py")


class EmulatorProcess:
    """``mc_emulator.py`` in a subprocess; the URL comes from its first stdout line."""

    def __init__(self, *args, cwd=None):
        self.process = subprocess.Popen([PYTHON, EMULATOR, *args], stdout=subprocess.PIPE,
                                        stderr=subprocess.PIPE, text=True, cwd=cwd)
        self.url = self.process.stdout.readline().strip()
        if not self.url:
            self.process.wait(10)
            raise AssertionError("emulator did not start: %s" % self.process.stderr.read())

    def stop(self):
        """SIGTERM; returns (exit code, stderr)."""
        self.process.send_signal(signal.SIGTERM)
        _, stderr = self.process.communicate(timeout=10)
        return self.process.returncode, stderr


class ProcessCase(unittest.TestCase):
    """Temporary directory and emulator processes cleaned up after each test."""

    def setUp(self):
        self.tmp = tempfile.mkdtemp(prefix="mcemu-test-")
        self.addCleanup(shutil.rmtree, self.tmp)

    def start(self, *args):
        emulator = EmulatorProcess(*args)
        self.addCleanup(lambda: emulator.process.poll() is None and emulator.stop())
        return emulator

    def write(self, name, text):
        path = os.path.join(self.tmp, name)
        with open(path, "w", encoding="utf-8") as handle:
            handle.write(text)
        return path


class ProcessTest(ProcessCase):

    def test_startup_contract_and_log(self):
        port_file = os.path.join(self.tmp, "port")
        sql = self.write("init.sql", KAFKA_SINK_DDL)
        emulator = self.start("--port", "0", "--port-file", port_file, "--init-sql", sql)
        self.assertRegex(emulator.url, r"^http://127\.0\.0\.1:\d+$")
        with open(port_file) as handle:
            self.assertEqual(emulator.url.rsplit(":", 1)[1], handle.read().strip())
        sts = Client(emulator.url, *auth.TRANSCRIPT_STS)
        self.assertEqual(sts.request("GET", "/api/projects/test_project/tables/kafka_sink")
                         .status, 200)
        bad = Client(emulator.url, secret="wrong")
        self.assertEqual(bad.request("GET", "/api/projects/test_project").status, 401)
        code, stderr = emulator.stop()
        self.assertEqual(code, 0)
        lines = stderr.strip().split("\n")
        self.assertEqual(len(lines), 2, stderr)
        self.assertIn(" 200 rest.table ", lines[0])
        self.assertIn("ak=STS.NTestStsAccessId", lines[0])
        self.assertIn("code=SignatureNotMatch", lines[1])
        for secret in (auth.SPEC_ACCESS_SECRET, auth.TRANSCRIPT_STS[1], auth.TRANSCRIPT_STS[2],
                       "wrong"):
            self.assertNotIn(secret, stderr)

    def test_sts_signature_is_masked_in_log(self):
        emulator = self.start()
        client = Client(emulator.url)
        client.send("POST", "/?Action=AssumeRole&Signature=c2VjcmV0&AccessKeyId=x", [])
        _, stderr = emulator.stop()
        self.assertIn("Signature=***", stderr)
        self.assertNotIn("c2VjcmV0", stderr)

    def test_fault_flags_and_script(self):
        script = self.write("faults.json", json.dumps(
            {"faults": [{"action": "error", "status": 502, "route": "rest.table"}]}))
        emulator = self.start("--fault-script", script,
                              "--fault", "action=error status=429 retry_after=1 "
                                         "route=rest.project times=1",
                              "--quiet")
        client = Client(emulator.url)
        self.assertEqual(client.request("GET", "/api/projects/test_project").status, 429)
        self.assertEqual(client.request("GET", "/api/projects/test_project").status, 200)
        self.assertEqual(client.request("GET", "/api/projects/test_project/tables/x").status,
                         502)
        self.assertEqual(emulator.stop()[1], "")

    def test_bad_arguments(self):
        for args in (["--fault", "action=explode"], ["--tls-cert", "x"],
                     ["--access-key", "nocolon"]):
            with self.subTest(args=args):
                result = subprocess.run([PYTHON, EMULATOR, *args], capture_output=True,
                                        text=True, timeout=10)
                self.assertNotEqual(result.returncode, 0)
                self.assertEqual(result.stdout, "")

    def test_module_entry_point(self):
        result = subprocess.run([PYTHON, "-m", "mcemu", "--help"], cwd=HERE,
                                capture_output=True, text=True, timeout=10)
        self.assertEqual(result.returncode, 0)
        self.assertIn("--fault-script", result.stdout)

    def test_custom_credentials(self):
        emulator = self.start("--access-key", "AK1:S1", "--no-default-sts",
                              "--sts-credential", "STS.x:sx:tok", "--project", "p2", "--quiet")
        self.assertEqual(Client(emulator.url, "AK1", "S1", project="p2")
                         .request("GET", "/api/projects/p2").status, 200)
        self.assertEqual(Client(emulator.url, "STS.x", "sx", token="tok", project="p2")
                         .request("GET", "/api/projects/p2").status, 200)
        for client in (Client(emulator.url, project="p2"),
                       Client(emulator.url, *auth.TRANSCRIPT_STS, project="p2")):
            self.assertEqual(client.request("GET", "/api/projects/p2").status, 401)


@unittest.skipUnless(shutil.which("openssl"), "needs the openssl command")
class TlsAndDumpTest(ProcessCase):

    def make_certificate(self):
        cert, key = os.path.join(self.tmp, "cert.pem"), os.path.join(self.tmp, "key.pem")
        subprocess.run(["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", key,
                        "-out", cert, "-days", "1", "-subj", "/CN=127.0.0.1",
                        "-addext", "subjectAltName=IP:127.0.0.1"],
                       check=True, capture_output=True, timeout=60)
        return cert, key

    def test_https_upload_and_mc_dump(self):
        cert, key = self.make_certificate()
        sql = self.write("init.sql", KAFKA_SINK_DDL)
        emulator = self.start("--tls-cert", cert, "--tls-key", key, "--init-sql", sql, "--quiet")
        self.assertTrue(emulator.url.startswith("https://127.0.0.1:"))
        client = Client(emulator.url, ssl_context=ssl.create_default_context(cafile=cert))
        endpoint = client.request("GET", "/api/projects/test_project/tunnel", [("service", None)])
        self.assertEqual(endpoint.text, emulator.url[len("https://"):])
        upload = client.create_upload("kafka_sink", PT, [("create_partition", "true")]).json()
        self.assertEqual(client.put_block("kafka_sink", upload["UploadID"], 0, stream(1, 2), PT,
                                          deflate=True).status, 200)
        self.assertEqual(client.commit("kafka_sink", upload["UploadID"], PT).status, 200)

        text = subprocess.run([PYTHON, DUMP, "--url", emulator.url, "--cafile", cert,
                               "--project", "test_project", "--table", "kafka_sink"],
                              capture_output=True, text=True, timeout=20, check=True).stdout
        self.assertEqual(text.split("\n")[1],
                         "| topic  | partition | offset | insert_time   | value | pt            |")
        self.assertEqual(text.count("| orders |"), 2)
        document = json.loads(subprocess.run(
            [PYTHON, DUMP, "--url", emulator.url, "--insecure", "--json", "--project",
             "test_project", "--table", "kafka_sink", "--partition", "pt='07-13-2023 21'"],
            capture_output=True, text=True, timeout=20, check=True).stdout)
        self.assertEqual([r["offset"] for r in document["rows"]], [1, 2])
        missing = subprocess.run([PYTHON, DUMP, "--url", emulator.url, "--cafile", cert,
                                  "--project", "test_project", "--table", "nope"],
                                 capture_output=True, text=True, timeout=20)
        self.assertEqual(missing.returncode, 1)
        self.assertIn("Table not found", missing.stderr)

    def test_plain_client_cannot_talk_to_https(self):
        cert, key = self.make_certificate()
        emulator = self.start("--tls-cert", cert, "--tls-key", key, "--quiet")
        plain = Client(emulator.url.replace("https:", "http:"))
        with self.assertRaises(Exception):
            plain.request("GET", "/api/projects/test_project")
        # the server survives and still answers TLS clients
        client = Client(emulator.url, ssl_context=ssl.create_default_context(cafile=cert))
        self.assertEqual(client.request("GET", "/api/projects/test_project").status, 200)

    def test_port_file_with_mc_dump(self):
        port_file = os.path.join(self.tmp, "port")
        emulator = self.start("--port-file", port_file, "--quiet")
        client = Client(emulator.url)
        client.send("POST", "/__admin/sql?project=test_project", [],
                    b"CREATE TABLE t (a BIGINT, s STRING);")
        result = subprocess.run([PYTHON, DUMP, "--port-file", port_file, "--project",
                                 "test_project", "--table", "t"],
                                capture_output=True, text=True, timeout=20, check=True)
        self.assertEqual(result.stdout, "+---+---+\n| a | s |\n+---+---+\n+---+---+\n")


if __name__ == "__main__":
    unittest.main()
