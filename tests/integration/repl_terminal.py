#!/usr/bin/python3
# tests/integration/repl_terminal.py — the interactive shell driven through a pseudo-terminal.
#
# Runs `sluice` (no arguments, on a pty) with python3-pexpect against the librdkafka mock
# cluster (tests/support/mock_kafka.c) and checks, in one session:
#   1. the banner, the prompt, the continuation prompts for an open parenthesis, string and
#      comment, and a multi-line statement whose string holds a ';' (changelog mode);
#   2. the history file: that statement is one entry, newlines included;
#   3. SHOW TABLES, DESCRIBE and SHOW CREATE TABLE with the secrets masked;
#   4. a SELECT in changelog mode over the seed's Example 1 data: +I, +I, -U, +U;
#   5. the same in table mode: the final table holds the updated row only;
#   6. CJK values line up in a tableau table (display width, East Asian wide = 2 columns);
#   7. a pasted tab and CRLF line ends; Ctrl-C while typing drops the input;
#   8. Ctrl-C during a SELECT over an unbounded topic stops the query, not the shell;
#   9. a background INSERT shows RUNNING in SHOW JOBS, STOP JOB stops it (CANCELED) and its
#      Kafka sink holds every row (checked with python3-kafka);
#  10. Ctrl-D exits with status 0, stopping a job still running.
# Then, without a terminal, the same Example 1 SELECT prints JSON lines.
#
# SPDX-License-Identifier: MIT

import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time
import unicodedata

import pexpect

SRC = os.environ.get("SL_SOURCE_DIR") or os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))
BUILD = os.environ.get("SL_BUILD_DIR") or os.path.join(SRC, "build")
SLUICE = os.environ.get("SLUICE") or os.path.join(BUILD, "sluice")
KAFKA_TOOL = os.path.join(SRC, "tests", "support", "kafka_tool.py")
SEED = os.path.join(SRC, "tests", "integration", "data", "seed_orders.txt")
TIMEOUT = 30

ANSI = re.compile(r"\x1b\[[0-9;?]*[A-Za-z]")


def fail(msg):
    print("FAIL: " + msg, file=sys.stderr)
    sys.exit(1)


def log(msg):
    print("[%s] %s" % (time.strftime("%H:%M:%S"), msg), file=sys.stderr)


def width(text):
    return sum(2 if unicodedata.east_asian_width(c) in "WF" else 1 for c in text)


class Mock:
    """The mock cluster in its own process; EOF on its stdin ends it."""

    def __init__(self, topics):
        binary = os.path.join(BUILD, "mock_kafka")
        args = [binary, "--stdin-lifetime"]
        for t in topics:
            args += ["--topic", t]
        self.proc = subprocess.Popen(args, stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                                     stderr=subprocess.PIPE, text=True)
        self.bootstrap = self.proc.stdout.readline().strip()
        if not self.bootstrap:
            fail("mock_kafka printed no bootstrap line: " + self.proc.stderr.read())

    def produce(self, topic, lines, key_sep=None):
        args = ["kcat", "-b", self.bootstrap, "-P", "-t", topic, "-Z", "-X",
                "partitioner=murmur2_random"]
        if key_sep:
            args += ["-K", key_sep]
        subprocess.run(args, input="".join(l + "\n" for l in lines), text=True, check=True,
                       timeout=TIMEOUT)

    def consume(self, topic):
        out = subprocess.run(["/usr/bin/python3", KAFKA_TOOL, "consume", "--bootstrap",
                              self.bootstrap, "--topic", topic, "--timeout", str(TIMEOUT)],
                             capture_output=True, text=True, check=True, timeout=TIMEOUT + 20)
        return [json.loads(l) for l in out.stdout.splitlines() if l.strip()]

    def stop(self):
        try:
            self.proc.stdin.close()
            self.proc.wait(timeout=10)
        except Exception:
            self.proc.kill()


def example1_table(name, bootstrap, bounded):
    return ("CREATE TABLE %s (order_id STRING, order_channel STRING, order_time STRING, "
            "pay_amount DOUBLE, real_pay DOUBLE, pay_time STRING, user_id STRING, "
            "user_name STRING, area_id STRING, PRIMARY KEY (order_id) NOT ENFORCED) WITH ("
            "'connector' = 'upsert-kafka', 'topic' = 'KafkaTopic', "
            "'properties.bootstrap.servers' = '%s', 'key.format' = 'csv', "
            "'value.format' = 'json'%s);"
            % (name, bootstrap, ", 'scan.bounded.mode' = 'latest-offset'" if bounded else ""))


def main():
    home = tempfile.mkdtemp(prefix="sluice-repl-")
    mock = Mock(["KafkaTopic:1", "events:1", "copy:1"])
    child = None
    try:
        mock.produce("KafkaTopic", open(SEED).read().splitlines(), key_sep="|")
        mock.produce("events", ['{"id":%d,"name":"n%d"}' % (i, i) for i in range(1, 4)])
        env = dict(os.environ, HOME=home, TERM="xterm", LANG="C.UTF-8", LC_ALL="")
        env.pop("SLUICE_HISTORY", None)
        env.pop("LC_ALL")
        child = pexpect.spawn(SLUICE, [], env=env, encoding="utf-8", timeout=TIMEOUT,
                              dimensions=(50, 200))
        transcript = open(os.path.join(home, "transcript.txt"), "w")
        child.logfile_read = transcript
        session(child, mock, home)
        log("repl_terminal: terminal session passed")
        batch(mock)
        log("repl_terminal: all checks passed")
    except pexpect.ExceptionPexpect as e:
        tail = open(os.path.join(home, "transcript.txt")).read()[-3000:] if os.path.exists(
            os.path.join(home, "transcript.txt")) else ""
        fail("%s\n--- last output\n%s" % (str(e).splitlines()[0], tail))
    finally:
        if child is not None and child.isalive():
            child.terminate(force=True)
        mock.stop()
        shutil.rmtree(home, ignore_errors=True)


def run(child, sql, until="sluice> "):
    """Send one line and return the output up to the next prompt."""
    child.send(sql + "\r")
    child.expect_exact(until)
    return ANSI.sub("", child.before)


def session(child, mock, home):
    bs = mock.bootstrap
    # ---- 1. prompts and a multi-line statement ------------------------------------------
    child.expect_exact("interactive shell")
    child.expect_exact("sluice> ")
    out = run(child, "SET 'sql-client.execution.result-mode' = 'changelog';")
    if "[INFO] Session property has been set." not in out:
        fail("SET did not confirm: " + out)
    child.send("SELECT id, s FROM (VALUES (1, 'a;b'),\r")
    child.expect_exact("     (> ")
    child.send("(2, 'x;\r")
    child.expect_exact("     '> ")
    child.send("y')) AS t(id, s) /* a note;\r")
    child.expect_exact("    */> ")
    out = run(child, "c */;")
    rows = [l.split() for l in out.splitlines() if l.startswith("+I")]
    if rows != [["+I", "1", "a;b"], ["+I", "2", "x;\\ny"]]:
        fail("multi-line SELECT rows: %r\n%s" % (rows, out))
    if "Received a total of 2 rows" not in out:
        fail("no row count after the SELECT: " + out)

    # ---- 2. history: one entry per statement ----------------------------------------------
    hist = open(os.path.join(home, ".sluice_history"), encoding="utf-8").read().splitlines()
    decoded = [re.sub(r"\\([0-7]{3})", lambda m: chr(int(m.group(1), 8)), h) for h in hist[1:]]
    want = ("SELECT id, s FROM (VALUES (1, 'a;b'),\n(2, 'x;\ny')) AS t(id, s) /* a note;\nc */;")
    if decoded[-1] != want:
        fail("history entry: %r, wanted %r" % (decoded[-1], want))
    if len(decoded) != 2:
        fail("history holds %d entries, wanted 2: %r" % (len(decoded), decoded))

    # ---- 3. catalog statements, secrets masked -------------------------------------------
    run(child, example1_table("orders", bs, True))
    run(child, example1_table("live_orders", bs, False))
    out = run(child, "CREATE TABLE secretive (id INT) WITH ('connector' = 'kafka', "
                     "'topic' = 'x', 'properties.bootstrap.servers' = '%s', 'format' = 'json', "
                     "'properties.sasl.mechanism' = 'PLAIN', "
                     "'properties.sasl.password' = 'hunter2');" % bs)
    if "[INFO] Execute statement succeeded." not in out:
        fail("CREATE TABLE: " + out)
    out = run(child, "SHOW TABLES;")
    for t in ("live_orders", "orders", "secretive"):
        if "| %s" % t not in out:
            fail("SHOW TABLES lacks %s: %s" % (t, out))
    if "3 rows in set" not in out:
        fail("SHOW TABLES count: " + out)
    out = run(child, "DESCRIBE orders;")
    if not re.search(r"\| order_id\s+\| STRING\s+\| FALSE \| PRI\(order_id\)", out):
        fail("DESCRIBE: " + out)
    out = run(child, "SHOW CREATE TABLE secretive;")
    if "hunter2" in out or "'properties.sasl.password' = '******'" not in out:
        fail("SHOW CREATE TABLE does not mask the password: " + out)

    # ---- 4. Example 1 in changelog mode --------------------------------------------------
    out = run(child, "SELECT order_id, user_name, area_id FROM orders;")
    rows = [l.split() for l in out.splitlines() if re.match(r"^[+-][IUD] ", l)]
    want = [["+I", "202303251202020001", "Bob", "330110"],
            ["+I", "202303251505050001", "Cindy", "330108"],
            ["-U", "202303251202020001", "Bob", "330110"],
            ["+U", "202303251202020001", "Bob", "330111"]]
    if rows != want:
        fail("Example 1 changelog: %r\n%s" % (rows, out))
    if not re.search(r"^op\s+order_id\s+user_name\s+area_id", out, re.M):
        fail("changelog header: " + out)

    # ---- 5. table mode: the result table, updated in place ---------------------------------
    run(child, "SET 'sql-client.execution.result-mode' = 'table';")
    child.send("SELECT order_id, user_name, area_id FROM orders;\r")
    child.expect_exact("sluice> ")
    raw = child.before
    final = raw[raw.rfind("\x1b[J") + 3:] if "\x1b[J" in raw else raw
    final = ANSI.sub("", final)
    if "330111" not in final or "330108" not in final or "330110" in final:
        fail("table mode's final table: " + final)
    if "Received a total of 4 rows" not in final:
        fail("table mode's status: " + final)

    # ---- 6. CJK alignment ----------------------------------------------------------------
    run(child, "SET 'sql-client.execution.result-mode' = 'tableau';")
    out = run(child, "SELECT * FROM (VALUES ('订单一', 'Bob'), ('ab', '张三丰')) AS t(name, who);")
    box = [l for l in out.splitlines() if l.startswith("+") or l.startswith("|")]
    widths = {width(l.rstrip("\r")) for l in box}
    if len(box) != 6 or len(widths) != 1:
        fail("tableau lines are not aligned: %r" % [(l, width(l)) for l in box])
    if "订单一" not in out or "张三丰" not in out:
        fail("CJK values cut: " + out)

    # ---- 7. pasted tab and CRLF; Ctrl-C while typing -------------------------------------
    child.send("SHOW\tTABLES;\r\n")
    child.expect_exact("3 rows in set")
    child.expect_exact("sluice> ")
    child.send("SELECT * FROM\r")
    child.expect_exact("      > ")
    child.sendintr()
    child.expect_exact("sluice> ")
    out = run(child, "SHOW TABLES;")
    if "3 rows in set" not in out:
        fail("the input typed before Ctrl-C was not dropped: " + out)

    # ---- 8. Ctrl-C stops an unbounded SELECT, not the shell ------------------------------
    run(child, "SET 'sql-client.execution.result-mode' = 'changelog';")
    child.send("SELECT order_id, area_id FROM live_orders;\r")
    child.expect(r"\+U\s+202303251202020001\s+330111")
    time.sleep(0.5)
    if not child.isalive():
        fail("the shell died during the SELECT")
    child.sendintr()
    child.expect_exact("Query terminated, received a total of 4 rows")
    child.expect_exact("sluice> ")
    out = run(child, "SHOW TABLES;")
    if "3 rows in set" not in out:
        fail("the shell does not work after Ctrl-C: " + out)

    # ---- 9. a background INSERT, SHOW JOBS, STOP JOB --------------------------------------
    for name, topic in (("events", "events"), ("copy", "copy")):
        run(child, "CREATE TABLE %s (id INT, name STRING) WITH ('connector' = 'kafka', "
                   "'topic' = '%s', 'properties.bootstrap.servers' = '%s', 'format' = 'json', "
                   "'scan.startup.mode' = 'earliest-offset');" % (name, topic, bs))
    out = run(child, "INSERT INTO copy SELECT id, UPPER(name) FROM events;")
    m = re.search(r"Job '(\w+)' started in the background", out)
    if not m:
        fail("INSERT did not start a background job: " + out)
    job = m.group(1)
    deadline = time.time() + TIMEOUT
    while True:
        out = run(child, "SHOW JOBS;")
        line = [l for l in out.splitlines() if l.startswith("| %s " % job)]
        cells = [c.strip() for c in line[0].strip("|").split("|")] if line else []
        if cells and cells[2] == "RUNNING" and cells[3] == "3" and cells[4] == "3":
            break
        if time.time() > deadline:
            fail("SHOW JOBS never showed the job RUNNING with 3 rows in and out: " + out)
        time.sleep(0.3)
    if "| INSERT INTO copy SELECT id,... |" not in out:
        fail("SHOW JOBS does not cut the statement at 30 columns: " + out)
    run(child, "SET 'sql-client.display.max-column-width' = '80';")
    out = run(child, "SHOW JOBS;")
    if "| INSERT INTO copy SELECT id, UPPER(name) FROM events |" not in out:
        fail("SHOW JOBS lacks the statement: " + out)
    mock.produce("events", ['{"id":4,"name":"n4"}'])
    out = run(child, "STOP JOB '%s';" % job)
    if "[INFO] The job has been stopped" not in out:
        fail("STOP JOB: " + out)
    out = run(child, "SHOW JOBS;")
    if not re.search(r"\| %s\s+\|[^|]*\| CANCELED " % job, out):
        fail("the stopped job is not CANCELED: " + out)
    values = sorted(r["value"] for r in mock.consume("copy"))
    names = sorted(json.loads(v)["name"] for v in values)
    if names[:3] != ["N1", "N2", "N3"]:
        fail("the sink topic does not hold the job's rows: %r" % values)

    # ---- 10. Ctrl-D with a job still running ---------------------------------------------
    out = run(child, "INSERT INTO copy SELECT id, name FROM events;")
    if "started in the background" not in out:
        fail("second INSERT: " + out)
    child.sendeof()
    try:
        # A ^D that reaches the terminal while the line editor is switching modes can be lost
        # (seen once in 16 ASan runs); a user would press it again, and so does the test. A
        # shell stuck in its shutdown still fails here.
        if child.expect_exact(["[INFO] Stopping 1 running job", pexpect.TIMEOUT], timeout=10):
            child.sendeof()
            child.expect_exact("[INFO] Stopping 1 running job")
    except pexpect.TIMEOUT:
        # Seen twice in many ASan runs and never reproduced on purpose: keep the threads'
        # stacks in the test's output (ctest --output-on-failure shows them).
        if shutil.which("gdb"):
            bt = subprocess.run(["gdb", "-p", str(child.pid), "-batch", "-ex",
                                 "thread apply all bt"], capture_output=True, text=True)
            print(bt.stdout[-6000:], file=sys.stderr)
        raise
    child.expect(pexpect.EOF)
    child.close()
    if child.exitstatus != 0:
        fail("exit status after Ctrl-D: %r" % child.exitstatus)


def batch(mock):
    """Without a terminal: JSON lines."""
    sql = (example1_table("orders", mock.bootstrap, True) +
           "\nSELECT order_id, pay_amount, area_id FROM orders;\n")
    p = subprocess.run([SLUICE, "repl"], input=sql, capture_output=True, text=True,
                       timeout=TIMEOUT * 2)
    if p.returncode != 0:
        fail("sluice repl < script: exit %d: %s" % (p.returncode, p.stderr))
    rows = [json.loads(l) for l in p.stdout.splitlines()]
    want = [{"op": "+I", "order_id": "202303251202020001", "pay_amount": 60.0, "area_id": "330110"},
            {"op": "+I", "order_id": "202303251505050001", "pay_amount": 500.0, "area_id": "330108"},
            {"op": "-U", "order_id": "202303251202020001", "pay_amount": 60.0, "area_id": "330110"},
            {"op": "+U", "order_id": "202303251202020001", "pay_amount": 60.0, "area_id": "330111"}]
    if rows != want:
        fail("JSON lines: %r" % rows)


if __name__ == "__main__":
    main()
