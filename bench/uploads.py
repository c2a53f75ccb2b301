"""Uploads a file through /v1/uploads (declare, parts in order, complete) and prints the seconds it took.

usage: uploads.py BASE TOKEN FILE [PARALLEL]
"""
import concurrent.futures
import hashlib
import http.client
import json
import os
import sys
import time
import urllib.parse


def request(base, method, path, token, body=None, content_type="application/json"):
    url = urllib.parse.urlparse(base)
    conn = http.client.HTTPConnection(url.hostname, url.port, timeout=600)
    headers = {"Authorization": f"Bearer {token}"}
    if body is not None:
        headers["Content-Type"] = content_type
    conn.request(method, path, body=body, headers=headers)
    res = conn.getresponse()
    data = res.read()
    conn.close()
    if res.status >= 300:
        raise SystemExit(f"{method} {path}: {res.status} {data[:300]!r}")
    return json.loads(data) if data else None


def main():
    base, token, path = sys.argv[1], sys.argv[2], sys.argv[3]
    parallel = int(sys.argv[4]) if len(sys.argv) > 4 else 4
    size = os.path.getsize(path)
    digest = hashlib.sha256()
    with open(path, "rb") as f:
        for chunk in iter(lambda: f.read(1 << 20), b""):
            digest.update(chunk)
    started = time.monotonic()
    upload = request(base, "POST", "/v1/uploads", token, json.dumps(
        {"filename": os.path.basename(path), "media_type": "application/gzip", "size": size, "sha256": digest.hexdigest()}))
    part_size = upload["part_size"]

    def send(number):
        with open(path, "rb") as f:
            f.seek((number - 1) * part_size)
            body = f.read(part_size)
        request(base, "PUT", f"/v1/uploads/{upload['id']}/parts/{number}", token, body, "application/octet-stream")

    with concurrent.futures.ThreadPoolExecutor(parallel) as pool:
        list(pool.map(send, range(1, upload["parts"] + 1)))
    parts_done = time.monotonic()
    done = request(base, "POST", f"/v1/uploads/{upload['id']}/complete", token, b"{}")
    assert done["status"] == "completed", done
    finished = time.monotonic()
    print(f"{finished - started:.2f} {parts_done - started:.2f} {finished - parts_done:.2f}")


main()
