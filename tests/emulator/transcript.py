"""Parser for ``testdata/maxcompute/sdk_http_transcript.txt``.

The transcript shows, per exchange, the request exactly as pyodps sent it
(headers in arrival order, de-chunked body as text or hex dump, chunk sizes),
the string-to-sign an independent implementation recomputed, and the stand-in
server's response.  The tests replay the requests byte for byte and compare
the emulator's answers with the recorded ones.
"""

import re
from dataclasses import dataclass, field

_HEX_BYTE = re.compile(r"[0-9a-f]{2}\Z")


@dataclass
class Exchange:
    number: int
    method: str = ""
    target: str = ""
    headers: list = field(default_factory=list)
    body: bytes = b""
    chunk_sizes: list = None
    string_to_sign: str = ""
    recomputed: str = ""
    verdict: str = ""
    status: int = 0
    response_headers: list = field(default_factory=list)
    response_body: bytes = b""

    def header(self, name):
        for key, value in self.headers:
            if key.lower() == name.lower():
                return value
        return None

    def response_header(self, name):
        for key, value in self.response_headers:
            if key.lower() == name.lower():
                return value
        return None


def _body(lines):
    """Body lines (6-space indent) -> bytes: empty, hex dump or text."""
    content = [line[6:] for line in lines]
    if not content or content[0] == "(empty body)":
        return b""
    if content[0].startswith("(binary,"):
        data = bytearray()
        for line in content[1:]:
            for token in line.split()[1:17]:
                if not _HEX_BYTE.match(token):
                    break
                data.append(int(token, 16))
        return bytes(data)
    return ("\n".join(content) + "\n").encode("utf-8")


def parse(path):
    exchanges = []
    with open(path, encoding="utf-8") as handle:
        lines = handle.read().split("\n")
    i = 0
    while i < len(lines):
        line = lines[i]
        if not line.startswith("=== exchange "):
            i += 1
            continue
        exchange = Exchange(int(line.split()[2]))
        exchanges.append(exchange)
        i += 1
        exchange.method, exchange.target, _ = lines[i][4:].split(" ")
        i += 1
        # request headers
        while not lines[i].startswith("    body:") and not lines[i].startswith("    ["):
            name, _, value = lines[i][4:].partition(": ")
            exchange.headers.append((name, value))
            i += 1
        if lines[i].startswith("    [body sent with chunked"):
            sizes = re.search(r"chunk sizes: \[([0-9, ]*)\]", lines[i]).group(1)
            exchange.chunk_sizes = [int(s) for s in sizes.split(",") if s.strip()]
            i += 1
        assert lines[i] == "    body:", lines[i]
        i += 1
        start = i
        while lines[i].startswith("      "):
            i += 1
        exchange.body = _body(lines[start:i])
        # skip decoded-record notes, find the signature check
        while not lines[i].startswith("    [signature check]"):
            i += 1
        i += 1
        parts = []
        while lines[i].startswith("      |"):
            text = lines[i][7:-1]
            parts.append(text[:-2] + "\n" if text.endswith("\\n") else text)
            i += 1
        exchange.string_to_sign = "".join(parts)
        exchange.recomputed = lines[i].split("recomputed: ", 1)[1]
        exchange.verdict = lines[i + 1].split("=> ", 1)[1]
        i += 2
        assert lines[i].startswith("<-- "), lines[i]
        exchange.status = int(lines[i][4:])
        i += 1
        while lines[i] != "    body:":
            name, _, value = lines[i][4:].partition(": ")
            exchange.response_headers.append((name, value))
            i += 1
        i += 1
        start = i
        while i < len(lines) and lines[i].startswith("      "):
            i += 1
        body = _body(lines[start:i])
        length = exchange.response_header("Content-Length")
        if length is not None and len(body) == int(length) + 1:
            body = body[:-1]      # the text form adds a final newline
        exchange.response_body = body
    return exchanges
