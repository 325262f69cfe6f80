#!/usr/bin/python3
# tests/support/kafka_tool.py — an independent Kafka client for sluice's integration tests.
#
# Reads what sluice wrote and writes what sluice reads, through python3-kafka (kafka-python 2.0.2,
# Debian's package), so tests never check sluice's librdkafka usage with itself alone. Also the
# reference implementation of Kafka's Java default partitioner (murmur2) for partition checks.
# Must run under /usr/bin/python3 (Debian's interpreter, where python3-kafka is installed), not a
# pyenv python3 that may come first on PATH. Standard library + kafka-python only.
# See docs/testing-kafka.md.
#
# SPDX-License-Identifier: MIT
"""kafka_tool.py consume|produce|partitions|committed|murmur2|murmur2-partition|self-test"""

import argparse
import base64
import json
import logging
import os
import signal
import sys
import time

EXIT_OK, EXIT_FAIL, EXIT_USAGE = 0, 1, 2

# kafka-python 2.0.2 probes the broker (ApiVersions) and infers (2, 3, 0) for the librdkafka
# 2.0.2 mock. Pinning it skips the probe (about 0.25 s per client) and keeps the choice of request
# versions stable. "auto" restores the probe.
DEFAULT_API_VERSION = "2.3.0"


class ToolError(Exception):
    """A failure worth a one-line message and exit status 1."""


# ---- murmur2 (Kafka's org.apache.kafka.common.utils.Utils.murmur2, written from the spec) -----

M32 = 0xFFFFFFFF


def murmur2(data):
    """Kafka's 32-bit murmur2 of bytes, returned as a signed 32-bit int like Java's."""
    seed, m, r = 0x9747B28C, 0x5BD1E995, 24
    n = len(data)
    h = (seed ^ n) & M32
    whole = n - n % 4
    for i in range(0, whole, 4):
        k = int.from_bytes(data[i:i + 4], "little")
        k = (k * m) & M32
        k ^= k >> r
        k = (k * m) & M32
        h = (h * m) & M32
        h ^= k
    tail = n % 4
    if tail >= 3:
        h ^= data[whole + 2] << 16
    if tail >= 2:
        h ^= data[whole + 1] << 8
    if tail >= 1:
        h ^= data[whole]
        h = (h * m) & M32
    h ^= h >> 13
    h = (h * m) & M32
    h ^= h >> 15
    return h - (1 << 32) if h & 0x80000000 else h


def murmur2_partition(key, num_partitions):
    """Partition chosen by Kafka's default partitioner (and librdkafka's murmur2_random) for a
    non-null key."""
    return (murmur2(key) & 0x7FFFFFFF) % num_partitions


HASH_VECTORS = [(b"21", -973932308), (b"foobar", -790332482), (b"abc", 479470107)]
PARTITION_VECTORS = [
    (b'{"word":"good"}', 4, 1),
    (b'{"word":"day"}', 4, 2),
    (b'{"id":1}', 2, 0),
    (b'{"id":3}', 2, 1),
]


def self_test(_args):
    failures = 0
    for key, want in HASH_VECTORS:
        got = murmur2(key)
        ok = got == want
        failures += not ok
        print("%s murmur2(%r) = %d (want %d)" % ("ok  " if ok else "FAIL", key, got, want))
    for key, nparts, want in PARTITION_VECTORS:
        got = murmur2_partition(key, nparts)
        ok = got == want
        failures += not ok
        print("%s partition(%r, %d) = %d (want %d)" % ("ok  " if ok else "FAIL", key, nparts,
                                                       got, want))
    failures += cross_check_kafka_python()
    print("%d passed, %d failed" % (len(HASH_VECTORS) + len(PARTITION_VECTORS) + 1 - failures,
                                    failures))
    return EXIT_OK if failures == 0 else EXIT_FAIL


def cross_check_kafka_python():
    """Compares with kafka-python's own murmur2 on pseudo-random inputs of every tail length."""
    try:
        from kafka.partitioner.default import murmur2 as kp_murmur2
    except ImportError as e:  # pragma: no cover - depends on the machine
        print("FAIL cannot import kafka-python's murmur2: %s" % e)
        return 1
    state = 12345
    for n in range(0, 200):
        data = bytearray()
        for _ in range(n % 37):
            state = (state * 1103515245 + 12345) & 0x7FFFFFFF
            data.append(state >> 16 & 0xFF)
        ours, theirs = murmur2(bytes(data)) & M32, kp_murmur2(bytes(data)) & M32
        if ours != theirs:
            print("FAIL murmur2(%s) = %d, kafka-python says %d" % (data.hex(), ours, theirs))
            return 1
    print("ok   murmur2 agrees with kafka-python on 200 pseudo-random keys")
    return 0


def key_bytes(args):
    if args.hex:
        return bytes.fromhex(args.key)
    return os.fsencode(args.key)  # the exact bytes of the argument


def cmd_murmur2(args):
    print(murmur2(key_bytes(args)))
    return EXIT_OK


def cmd_murmur2_partition(args):
    if args.num_partitions < 1:
        raise ToolError("NPART must be >= 1")
    print(murmur2_partition(key_bytes(args), args.num_partitions))
    return EXIT_OK


# ---- shared client plumbing ---------------------------------------------------------------------

def parse_api_version(text):
    if text == "auto":
        return None
    try:
        return tuple(int(p) for p in text.split("."))
    except ValueError:
        raise ToolError("bad --api-version %r (use e.g. 2.3.0 or auto)" % text)


def client_config(args):
    return {
        "bootstrap_servers": args.bootstrap.split(","),
        "api_version": parse_api_version(args.api_version),
        "client_id": "kafka_tool",
        "request_timeout_ms": 15000,
        "reconnect_backoff_max_ms": 500,
    }


class Deadline(BaseException):
    """Raised by SIGALRM; a BaseException so that no client code swallows it."""


def on_alarm(_signum, _frame):
    raise Deadline()


def arm_deadline(seconds):
    """A hard deadline on top of every client timeout: the tool never hangs a test."""
    signal.signal(signal.SIGALRM, on_alarm)
    signal.alarm(max(1, int(seconds + 0.999)))


def encode_bytes(data):
    """JSON form of a key, value or header value: null, a string if the bytes are valid UTF-8,
    otherwise {"base64": "..."}."""
    if data is None:
        return None
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        return {"base64": base64.b64encode(data).decode("ascii")}


def kv_text(data):
    """Text form for --format kv: NULL, escaped UTF-8, or base64:... for binary."""
    if data is None:
        return "NULL"
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError:
        return "base64:" + base64.b64encode(data).decode("ascii")
    return (text.replace("\\", "\\\\").replace("\t", "\\t").replace("\n", "\\n")
            .replace("\r", "\\r"))


def topic_partitions(consumer, topic, deadline):
    """Partition ids of an existing topic. Looks only at all-topics metadata, which, unlike a
    Metadata request naming the topic, does not auto-create it on the mock."""
    while True:
        parts = consumer.partitions_for_topic(topic)
        if parts:
            return sorted(parts)
        if time.monotonic() >= deadline:
            raise ToolError("topic %r does not exist" % topic)
        time.sleep(0.2)


# ---- consume ------------------------------------------------------------------------------------

def record_json(rec):
    return json.dumps({
        "topic": rec.topic,
        "partition": rec.partition,
        "offset": rec.offset,
        "timestamp": rec.timestamp,
        "timestamp_type": "log_append" if rec.timestamp_type == 1 else "create",
        "key": encode_bytes(rec.key),
        "value": encode_bytes(rec.value),
        "headers": [[k, encode_bytes(v)] for k, v in (rec.headers or [])],
    }, ensure_ascii=False, separators=(",", ":"))


def record_kv(rec, sep):
    return kv_text(rec.key) + sep + kv_text(rec.value)


def read_to_end(consumer, tps, ends, deadline):
    """Polls until every partition's position reached its end offset taken at the start."""
    records = []
    while any(consumer.position(tp) < ends[tp] for tp in tps):
        if time.monotonic() >= deadline:
            missing = {tp.partition: (consumer.position(tp), ends[tp]) for tp in tps}
            raise ToolError("timed out before the end of the topic (partition: (position, end))"
                            " %s" % missing)
        for batch in consumer.poll(timeout_ms=200).values():
            records.extend(batch)
    return records


def cmd_consume(args):
    from kafka import KafkaConsumer, TopicPartition

    deadline = time.monotonic() + args.timeout
    consumer = KafkaConsumer(group_id=None, enable_auto_commit=False,
                             auto_offset_reset="earliest", **client_config(args))
    try:
        parts = topic_partitions(consumer, args.topic, deadline)
        if args.partitions is not None:
            wanted = [int(p) for p in args.partitions.split(",") if p != ""]
            unknown = sorted(set(wanted) - set(parts))
            if unknown:
                raise ToolError("topic %r has no partition %s" % (args.topic, unknown))
            parts = sorted(set(wanted))
        tps = [TopicPartition(args.topic, p) for p in parts]
        consumer.assign(tps)
        consumer.seek_to_beginning(*tps)
        ends = consumer.end_offsets(tps)
        records = read_to_end(consumer, tps, ends, deadline)
    finally:
        consumer.close(autocommit=False)
    records = [r for r in records if r.offset < ends[TopicPartition(r.topic, r.partition)]]
    records.sort(key=lambda r: (r.partition, r.offset))
    for rec in records:
        print(record_kv(rec, args.sep) if args.format == "kv" else record_json(rec))
    return EXIT_OK


def cmd_partitions(args):
    from kafka import KafkaConsumer

    deadline = time.monotonic() + args.timeout
    consumer = KafkaConsumer(group_id=None, enable_auto_commit=False, **client_config(args))
    try:
        print(len(topic_partitions(consumer, args.topic, deadline)))
    finally:
        consumer.close(autocommit=False)
    return EXIT_OK


def cmd_committed(args):
    """The consumer group's committed offset of each partition of the topic, as
    PARTITION<TAB>OFFSET lines (-1 where nothing is committed), read with OffsetFetch."""
    from kafka import KafkaConsumer, TopicPartition

    deadline = time.monotonic() + args.timeout
    consumer = KafkaConsumer(group_id=args.group, enable_auto_commit=False, **client_config(args))
    try:
        for p in topic_partitions(consumer, args.topic, deadline):
            offset = consumer.committed(TopicPartition(args.topic, p))
            print("%d\t%d" % (p, -1 if offset is None else offset))
    finally:
        consumer.close(autocommit=False)
    return EXIT_OK


# ---- produce ------------------------------------------------------------------------------------

def produce_values(args):
    """The values to send: one --value, one null (--null-value), or one per stdin line."""
    if args.null_value:
        return [None]
    if args.value is not None:
        return [os.fsencode(args.value)]
    return [line.rstrip(b"\n") for line in sys.stdin.buffer]


def parse_headers(items):
    headers = []
    for item in items or []:
        name, eq, value = item.partition("=")
        if not eq or not name:
            raise ToolError("bad --header %r (use NAME=VALUE)" % item)
        headers.append((name, os.fsencode(value)))
    return headers


def cmd_produce(args):
    from kafka import KafkaProducer

    values = produce_values(args)
    headers = parse_headers(args.header)
    key = None if args.key is None else os.fsencode(args.key)
    producer = KafkaProducer(acks="all", linger_ms=5, **client_config(args))
    try:
        futures = [producer.send(args.topic, key=key, value=v, headers=headers,
                                 partition=args.partition, timestamp_ms=args.timestamp)
                   for v in values]
        producer.flush(timeout=args.timeout)
        for fut in futures:
            md = fut.get(timeout=args.timeout)
            if args.report:
                print(json.dumps({"topic": md.topic, "partition": md.partition,
                                  "offset": md.offset}, separators=(",", ":")))
    finally:
        producer.close(timeout=5)
    return EXIT_OK


# ---- command line -------------------------------------------------------------------------------

def add_client_options(p):
    p.add_argument("--bootstrap", required=True, help="host:port[,host:port...]")
    p.add_argument("--topic", required=True)
    p.add_argument("--timeout", type=float, default=30.0, help="seconds (default 30)")
    p.add_argument("--api-version", default=DEFAULT_API_VERSION,
                   help="kafka-python api_version, e.g. 2.3.0 (default) or auto")
    p.add_argument("--debug", action="store_true", help="show kafka-python's log")


def add_key_arguments(p):
    p.add_argument("key", metavar="KEYBYTES", help="the key bytes (exactly as given)")
    p.add_argument("--hex", action="store_true", help="KEYBYTES is hexadecimal")


def build_parser():
    ap = argparse.ArgumentParser(prog="kafka_tool.py", description=__doc__)
    sub = ap.add_subparsers(dest="cmd", required=True)

    p = sub.add_parser("consume", help="print every record from the beginning to the current end")
    add_client_options(p)
    p.add_argument("--partitions", metavar="LIST", help="only these partitions, e.g. 0,2")
    p.add_argument("--format", choices=("json", "kv"), default="json")
    p.add_argument("--sep", default="\t", help="key/value separator for --format kv (TAB)")
    p.set_defaults(func=cmd_consume)

    p = sub.add_parser("produce", help="send records (stdin lines, --value or --null-value)")
    add_client_options(p)
    p.add_argument("--key", help="key of every record (default: null key)")
    g = p.add_mutually_exclusive_group()
    g.add_argument("--value", help="send one record with this value")
    g.add_argument("--null-value", action="store_true", help="send one tombstone")
    p.add_argument("--header", action="append", metavar="NAME=VALUE")
    p.add_argument("--timestamp", type=int, default=None,
                   help="record timestamp, epoch milliseconds (default: now)")
    p.add_argument("--partition", type=int, help="default: Kafka's default partitioner")
    p.add_argument("--report", action="store_true", help="print partition/offset per record")
    p.set_defaults(func=cmd_produce)

    p = sub.add_parser("partitions", help="print the partition count of an existing topic")
    add_client_options(p)
    p.set_defaults(func=cmd_partitions)

    p = sub.add_parser("committed", help="print a group's committed offset per partition")
    add_client_options(p)
    p.add_argument("--group", required=True, help="the consumer group id")
    p.set_defaults(func=cmd_committed)

    p = sub.add_parser("murmur2", help="print Kafka's murmur2 of KEYBYTES (signed)")
    add_key_arguments(p)
    p.set_defaults(func=cmd_murmur2)

    p = sub.add_parser("murmur2-partition", help="print the default partition of KEYBYTES")
    add_key_arguments(p)
    p.add_argument("num_partitions", metavar="NPART", type=int)
    p.set_defaults(func=cmd_murmur2_partition)

    p = sub.add_parser("self-test", help="check murmur2 against reference vectors")
    p.set_defaults(func=self_test)
    return ap


def main(argv):
    args = build_parser().parse_args(argv)
    logging.basicConfig(level=logging.WARNING, format="kafka_tool: %(name)s: %(message)s")
    if not getattr(args, "debug", False):
        # kafka-python logs harmless errors (e.g. a fetch cancelled by close()).
        logging.getLogger("kafka").setLevel(logging.CRITICAL)
    if hasattr(args, "bootstrap"):
        # The soft deadline (--timeout) gives precise messages where the tool controls the loop;
        # kafka-python blocks without a bound in places (metadata while brokers are down).
        arm_deadline(args.timeout + 2)
    try:
        return args.func(args)
    except ToolError as e:
        print("kafka_tool: %s: %s" % (args.cmd, e), file=sys.stderr)
        return EXIT_FAIL
    except Deadline:
        print("kafka_tool: %s: no result within --timeout %g s (+2 s grace): are the brokers up?"
              % (args.cmd, args.timeout), file=sys.stderr)
        return EXIT_FAIL
    except Exception as e:  # kafka.errors.* and friends: one line, not a traceback
        if getattr(args, "debug", False):
            raise
        print("kafka_tool: %s: %s: %s" % (args.cmd, type(e).__name__, e), file=sys.stderr)
        return EXIT_FAIL


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
