"""Uploads a package through /v1/uploads (declare, parts, complete), makes it an asset, waits for its
scan, approves it as a reviewer and downloads it, hashing the bytes as they arrive. Prints the upload's
seconds (total, parts, complete), the download's seconds, and whether the download's SHA-256 is the file's.

usage: uploads.py BASE TOKEN REVIEWER_TOKEN FILE [PARALLEL]
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
    base, token, reviewer, path = sys.argv[1], sys.argv[2], sys.argv[3], sys.argv[4]
    parallel = int(sys.argv[5]) if len(sys.argv) > 5 else 4
    size = os.path.getsize(path)
    digest = hashlib.sha256()
    with open(path, "rb") as f:
        for chunk in iter(lambda: f.read(1 << 20), b""):
            digest.update(chunk)
    started = time.monotonic()
    upload = request(base, "POST", "/v1/uploads", token, json.dumps(
        {"filename": os.path.basename(path), "media_type": "application/x-tar", "size": size, "sha256": digest.hexdigest()}))
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
    asset = request(base, "POST", "/v1/assets", token, json.dumps(
        {"kind": "software_package", "name": "Bench package", "version": upload["id"][:32],
         "software_package": {"upload_id": upload["id"]}}))
    for _ in range(600):
        asset = request(base, "GET", f"/v1/assets/{asset['id']}", token)
        if asset["scan"] != "pending":
            break
        time.sleep(0.5)
    assert asset["scan"] == "passed", asset
    request(base, "POST", f"/v1/assets/{asset['id']}/approve", reviewer, b"{}")
    download_started = time.monotonic()
    url = urllib.parse.urlparse(base)
    conn = http.client.HTTPConnection(url.hostname, url.port, timeout=600)
    conn.request("GET", f"/v1/assets/{asset['id']}/package", headers={"Authorization": f"Bearer {token}"})
    res = conn.getresponse()
    assert res.status == 200, res.status
    received = hashlib.sha256()
    for chunk in iter(lambda: res.read(1 << 20), b""):
        received.update(chunk)
    downloaded = time.monotonic()
    same = received.hexdigest() == digest.hexdigest()
    print(f"{finished - started:.2f} {parts_done - started:.2f} {finished - parts_done:.2f} "
          f"{downloaded - download_started:.2f} {'identical' if same else 'DIFFERENT'}")


main()
