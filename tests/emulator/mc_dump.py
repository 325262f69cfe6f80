#!/usr/bin/python3
"""Print a table of a running emulator as ``select *`` text (or JSON).

    mc_dump.py --port-file /tmp/mc.port --project test_project --table table_text
    mc_dump.py --url http://127.0.0.1:41234 --project p --table t --json
    mc_dump.py --url https://127.0.0.1:41234 --cafile cert.pem --project p --table t

Exit status 0 on success, 1 when the emulator answers an error (unknown table,
partition ...), 2 on usage errors.
"""

import argparse
import json
import ssl
import sys
import urllib.error
import urllib.parse
import urllib.request


def main(argv=None):
    p = argparse.ArgumentParser(prog="mc_dump.py", description=__doc__.split("\n")[0])
    where = p.add_mutually_exclusive_group(required=True)
    where.add_argument("--url", help="emulator base URL (first line it printed)")
    where.add_argument("--port-file", help="the emulator's --port-file (plain HTTP)")
    p.add_argument("--project", required=True)
    p.add_argument("--table", required=True)
    p.add_argument("--schema", help="schema of a 3-tier project (default: default)")
    p.add_argument("--partition", help="only this partition, e.g. pt='07-13-2023 21'")
    p.add_argument("--json", action="store_true", help="JSON dump instead of the text table")
    p.add_argument("--cafile", help="CA/certificate to trust for an https URL")
    p.add_argument("--insecure", action="store_true", help="do not verify https certificates")
    args = p.parse_args(argv)

    if args.port_file:
        with open(args.port_file) as handle:
            base = "http://127.0.0.1:%d" % int(handle.read().strip())
    else:
        base = args.url.rstrip("/")
    query = {"project": args.project, "table": args.table,
             "format": "json" if args.json else "text"}
    for name in ("schema", "partition"):
        if getattr(args, name):
            query[name] = getattr(args, name)
    context = None
    if base.startswith("https:"):
        context = ssl.create_default_context(cafile=args.cafile)
        if args.insecure:
            context.check_hostname = False
            context.verify_mode = ssl.CERT_NONE
    url = "%s/__admin/dump?%s" % (base, urllib.parse.urlencode(query))
    try:
        with urllib.request.urlopen(url, context=context, timeout=30) as response:
            body = response.read().decode("utf-8")
    except urllib.error.HTTPError as err:
        try:
            message = json.loads(err.read())["error"]
        except (ValueError, KeyError):
            message = str(err)
        print("mc_dump: %s" % message, file=sys.stderr)
        return 1
    if args.json:
        body = json.dumps(json.loads(body), indent=2, ensure_ascii=False) + "\n"
    sys.stdout.write(body)
    return 0


if __name__ == "__main__":
    sys.exit(main())
