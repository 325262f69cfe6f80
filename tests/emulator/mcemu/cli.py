"""Command line: ``python3 mc_emulator.py [options]`` or ``python3 -m mcemu``.

Prints the base URL (``http://127.0.0.1:PORT``) as the first stdout line as
soon as the socket is bound; the REST endpoint is that URL + ``/api``, the
tunnel endpoint the URL itself, the STS endpoint its ``host:port``.
"""

import argparse
import calendar
import json
import os
import signal
import sys
import time

from . import faults, sqlflow
from .auth import TemporaryCredential
from .server import EmulatorServer, make_ssl_context
from .state import Config, Emulator


def _key_pair(text):
    access_id, sep, secret = text.partition(":")
    if not sep or not access_id or not secret:
        raise argparse.ArgumentTypeError("expected ID:SECRET")
    return access_id, secret


def _sts_credential(text):
    parts = text.split(":")
    if len(parts) not in (3, 4) or not all(parts[:3]):
        raise argparse.ArgumentTypeError("expected ID:SECRET:TOKEN[:EXPIRES_EPOCH]")
    expires = float(parts[3]) if len(parts) == 4 else None
    return TemporaryCredential(parts[0], parts[1], parts[2], expires)


def _epoch(text):
    try:
        return float(text)
    except ValueError:
        pass
    try:
        return float(calendar.timegm(time.strptime(text, "%Y-%m-%dT%H:%M:%SZ")))
    except ValueError:
        raise argparse.ArgumentTypeError("expected epoch seconds or YYYY-MM-DDTHH:MM:SSZ") \
            from None


def _fault(text):
    try:
        return faults.parse_cli_rule(text)
    except ValueError as err:
        raise argparse.ArgumentTypeError(str(err)) from None


def build_parser():
    p = argparse.ArgumentParser(
        prog="mc_emulator.py",
        description="MaxCompute REST + Tunnel + STS emulator on 127.0.0.1 (see "
                    "docs/maxcompute-emulator.md).")
    p.add_argument("--port", type=int, default=0, help="TCP port (0 = any free port)")
    p.add_argument("--port-file", help="write the chosen port number to this file")
    p.add_argument("--tls-cert", help="PEM certificate: serve HTTPS")
    p.add_argument("--tls-key", help="PEM private key for --tls-cert")
    p.add_argument("--access-key", type=_key_pair, action="append", metavar="ID:SECRET",
                   help="accepted long-term AccessKey (repeatable); default: the spec's "
                        "test key LTAI5tTestAccessId")
    p.add_argument("--sts-credential", type=_sts_credential, action="append", default=[],
                   metavar="ID:SECRET:TOKEN[:EXPIRES]",
                   help="accepted temporary credential (repeatable)")
    p.add_argument("--no-default-sts", action="store_true",
                   help="do not accept the transcript's STS.NTestStsAccessId credential")
    p.add_argument("--project", action="append", metavar="NAME",
                   help="project that exists at start (repeatable; default test_project)")
    p.add_argument("--init-sql", metavar="FILE",
                   help="SQL script run at start in the first project (CREATE TABLE ...)")
    p.add_argument("--session-ttl", type=float, default=86400.0, metavar="SECONDS",
                   help="batch upload session lifetime (default 86400)")
    p.add_argument("--idle-timeout", type=float, default=120.0, metavar="SECONDS",
                   help="close a connection that sends nothing for this long (default 120)")
    p.add_argument("--max-clock-skew", type=float, default=0.0, metavar="SECONDS",
                   help="reject requests whose Date is further off (default 0 = no check)")
    p.add_argument("--region", help="require this region in v4 signatures (default: any)")
    p.add_argument("--stream-slots", type=int, default=1, metavar="N",
                   help="slots per stream session (default 1)")
    p.add_argument("--instance-polls", type=int, default=0, metavar="N",
                   help="SQL instances report Running for the first N status polls")
    p.add_argument("--max-field-size", type=int, default=8 * 1024 * 1024, metavar="BYTES",
                   help="MaxFieldSize for STRING/BINARY values (default 8388608)")
    p.add_argument("--start-time", type=_epoch, metavar="EPOCH|ISO",
                   help="start the virtual clock here (default: now)")
    p.add_argument("--fault", type=_fault, action="append", default=[], metavar="RULE",
                   help="fault rule as JSON or key=value words (repeatable)")
    p.add_argument("--fault-script", metavar="FILE", help="JSON file with fault rules")
    p.add_argument("--log-file", help="request log destination (default stderr)")
    p.add_argument("--quiet", action="store_true", help="no request log")
    return p


def main(argv=None):
    args = build_parser().parse_args(argv)
    if bool(args.tls_cert) != bool(args.tls_key):
        sys.exit("mc_emulator: --tls-cert and --tls-key go together")
    config = Config(
        access_keys=dict(args.access_key) if args.access_key else None,
        sts_credentials=args.sts_credential,
        default_sts=not args.no_default_sts,
        projects=tuple(args.project or ["test_project"]),
        session_ttl=args.session_ttl,
        idle_timeout=args.idle_timeout,
        max_clock_skew=args.max_clock_skew,
        region=args.region,
        stream_slots=args.stream_slots,
        instance_polls=args.instance_polls,
        max_field_size=args.max_field_size,
        start_time=args.start_time,
    )
    emulator = Emulator(config)
    rules = list(args.fault)
    try:
        if args.fault_script:
            with open(args.fault_script, encoding="utf-8") as script:
                rules += faults.parse_rules(json.load(script))
        if args.init_sql:
            with open(args.init_sql, encoding="utf-8") as script:
                sqlflow.execute(emulator.catalog, config.projects[0].lower(), script.read(),
                                emulator.clock.now())
    except (OSError, ValueError, sqlflow.SqlError) as err:
        sys.exit("mc_emulator: %s" % err)
    emulator.faults.add(rules)

    log_stream = sys.stderr
    if args.quiet:
        log_stream = open(os.devnull, "w")
    elif args.log_file:
        log_stream = open(args.log_file, "a", encoding="utf-8")
    context = make_ssl_context(args.tls_cert, args.tls_key) if args.tls_cert else None
    server = EmulatorServer(emulator, args.port, context, log_stream)
    if args.port_file:
        temporary = args.port_file + ".tmp"
        with open(temporary, "w") as handle:
            handle.write("%d\n" % server.server_address[1])
        os.replace(temporary, args.port_file)
    print(server.url, flush=True)
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(0))
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        pass
    finally:
        server.server_close()
