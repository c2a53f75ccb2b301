#!/usr/bin/env python3
"""Findings 1-4 of the bounded-work review, measured against a running server (run it against the
build before the fix and after, the same way): time and bytes of the adversarial requests, the server's
RSS growth, and the file bytes left in the database after upload, replace and delete.

    python3 bench/findings.py HOST PORT SELLER_TOKEN SERVER_PID SQLITE_PATH

Stdlib only.
"""
import http.client
import io
import json
import socket
import sqlite3
import struct
import sys
import time
import zipfile
import zlib

host, port, token, pid, db_path = sys.argv[1], int(sys.argv[2]), sys.argv[3], int(sys.argv[4]), sys.argv[5]


def rss_mib():
    with open(f"/proc/{pid}/status") as status:
        for line in status:
            if line.startswith("VmRSS"):
                return int(line.split()[1]) / 1024
    return 0.0


def call(method, path, body=b"", content_type="application/json", headers=None, auth=True):
    conn = http.client.HTTPConnection(host, port, timeout=300)
    h = dict(headers or {})
    if auth:
        h["Authorization"] = f"Bearer {token}"
    if body:
        h["Content-Type"] = content_type
    started = time.perf_counter()
    try:
        conn.request(method, path, body, h)
        res = conn.getresponse()
        payload = res.read()
        status = res.status
    except (ConnectionError, socket.timeout, http.client.HTTPException) as e:
        status, payload = f"closed ({type(e).__name__})", b""
    return status, payload, time.perf_counter() - started


def multipart(filename, data):
    boundary = "findings-boundary"
    head = (f'--{boundary}\r\nContent-Disposition: form-data; name="file"; filename="{filename}"\r\n'
            "Content-Type: application/octet-stream\r\n\r\n").encode()
    return f"multipart/form-data; boundary={boundary}", head + data + f"\r\n--{boundary}--\r\n".encode()


def docx(filler_bytes, seed):
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_STORED) as z:
        z.writestr("[Content_Types].xml", "<Types/>")
        z.writestr("word/document.xml", "<document/>")
        z.writestr("word/media/filler.bin", bytes((seed + i * 7) % 251 for i in range(filler_bytes)))
    return out.getvalue()


def png(shade):
    def chunk(kind, data):
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)
    raw = b"".join(b"\x00" + bytes([shade]) * 120 for _ in range(120))
    header = struct.pack(">IIBBBBB", 120, 120, 8, 0, 0, 0, 0)
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", zlib.compress(raw)) + chunk(b"IEND", b"")


def finding(number, what, status, elapsed, size, before_mib):
    print(f"finding {number}: {what}: {status} in {elapsed:.2f} s, {size / 1024 / 1024:.2f} MiB answered, "
          f"RSS {before_mib:.0f} -> {rss_mib():.0f} MiB")


def save_then_validate(number, what, content):
    """Saves a draft with this content and runs its release check (a save refused is its own figure)."""
    rss = rss_mib()
    status, payload, elapsed = call("POST", "/v1/drafts", json.dumps({"content": content}, separators=(",", ":")).encode())
    if status == 201:
        draft = json.loads(payload)["id"]
        status, payload, elapsed = call("POST", f"/v1/drafts/{draft}/validate", b"{}")
        finding(number, f"validate {what}", status, elapsed, len(payload), rss)
    else:
        finding(number, f"save {what}", status, elapsed, len(payload), rss)


# 1. A draft with 40,000 distinct highlights; 2. a 1 MB draft of 349,492 empty specifications.
save_then_validate(1, "40,000 highlights", {"highlights": [f"highlight {i}" for i in range(40_000)]})
save_then_validate(2, "349,492 {} specifications", {"specifications": [{}] * 349_492})

# 3. Twenty anonymous 10 MB POSTs with an Idempotency-Key.
rss = rss_mib()
started = time.perf_counter()
statuses = set()
for i in range(20):
    status, payload, _ = call("POST", "/v1/catalog/products/none/quote", b"{" + b" " * (10 * 1024 * 1024 - 2) + b"}",
                              headers={"Idempotency-Key": f"anon-{i}"}, auth=False)
    statuses.add(status)
finding(3, f"20 anonymous 10 MB POSTs ({sorted(map(str, statuses))})", "", time.perf_counter() - started, 0, rss)
with sqlite3.connect(db_path) as db:
    keys = db.execute("SELECT count(*) FROM idempotency_keys").fetchone()[0]
print(f"finding 3: idempotency keys stored for those anonymous requests: {keys}")

# 4. Five 9 MB templates uploaded and deleted, three logos replaced, the draft deleted.
status, payload, _ = call("POST", "/v1/drafts", b'{"content": {}}')
draft = json.loads(payload)
for i in range(5):
    content_type, body = multipart(f"t{i}.docx", docx(9 * 1024 * 1024, i))
    status, payload, _ = call("POST", f"/v1/drafts/{draft['id']}/request-templates", body, content_type)
    if status != 201:
        sys.exit(f"upload answered {status}: {payload[:200]!r}")
    template = json.loads(payload)["id"]
    call("DELETE", f"/v1/drafts/{draft['id']}/request-templates/{template}")
for shade in (10, 20, 30):
    call("PUT", f"/v1/drafts/{draft['id']}/logo", png(shade), "image/png")
call("DELETE", f"/v1/drafts/{draft['id']}", headers={"If-Match": '"1"'})
with sqlite3.connect(db_path) as db:
    blobs, stored = db.execute("SELECT count(*), coalesce(sum(length(data)), 0) FROM blobs").fetchone()
print(f"finding 4: after 5 x 9 MB templates deleted, 3 logos replaced, the draft deleted: "
      f"{blobs} blobs, {stored / 1024 / 1024:.1f} MiB of file bytes left")
