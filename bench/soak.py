#!/usr/bin/env python3
"""Soak: mixed traffic from several sellers and reviewers against a running Shelf for a while.

Each seller loops over the whole release flow (create, patch, validate, files, submit) and reads its
lists; reviewers work the queue (approve or reject); anonymous clients read the catalog and quote.
Every minute it prints requests, 5xx, p50/p99 and the server's RSS. Stdlib only.

usage: soak.py HOST PORT SECRET_TOKEN_CMD... (see bench/soak.sh)
"""
import http.client
import json
import random
import sys
import threading
import time

sys.path.insert(0, sys.argv[0].rsplit("/", 1)[0] + "/../.ci")
from fuzz_seed import content, docx, multipart, png  # noqa: E402  (the same fixtures as the fuzzing seed)

host, port, seconds, pid = sys.argv[1], int(sys.argv[2]), int(sys.argv[3]), int(sys.argv[4])
sellers, reviewers = sys.argv[5].split(","), sys.argv[6].split(",")

lock = threading.Lock()
latencies, errors, statuses = [], 0, {}
stop = time.time() + seconds


def call(conn, method, path, token=None, body=b"", content_type="application/json", headers=None):
    global errors
    h = dict(headers or {})
    if token:
        h["Authorization"] = f"Bearer {token}"
    if body:
        h["Content-Type"] = content_type
    start = time.perf_counter()
    conn.request(method, path, body, h)
    res = conn.getresponse()
    data = res.read()
    elapsed = time.perf_counter() - start
    with lock:
        latencies.append(elapsed)
        statuses[res.status] = statuses.get(res.status, 0) + 1
        if res.status >= 500:
            errors += 1
    return res.status, (json.loads(data) if data and res.getheader("Content-Type", "").endswith("json") else None)


def seller_loop(token):
    conn = http.client.HTTPConnection(host, port)
    logo, (ctype, form) = png(120), multipart("form.docx", docx())
    while time.time() < stop:
        status, draft = call(conn, "POST", "/v1/drafts", token, json.dumps({"content": content}).encode())
        if status != 201:
            continue
        path = f"/v1/drafts/{draft['id']}"
        call(conn, "PATCH", path, token, json.dumps({"content": {"summary": "Soak"}}).encode(),
             "application/merge-patch+json", {"If-Match": '"1"'})
        call(conn, "POST", path + "/validate", token)
        if random.random() < 0.3:
            # An abandoned draft.
            call(conn, "DELETE", path, token, headers={"If-Match": "*"})
            continue
        call(conn, "PUT", path + "/logo", token, logo, "image/png")
        call(conn, "POST", path + "/request-templates", token, form, ctype)
        call(conn, "POST", path + "/submit", token)
        call(conn, "GET", "/v1/drafts?limit=20", token)
        call(conn, "GET", "/v1/applications?limit=20", token)
        call(conn, "GET", "/v1/messages?limit=20", token)
        # Rejected drafts stay open; a seller that does not fix them deletes them (and stays under its bound).
        status, rejected = call(conn, "GET", "/v1/drafts?state=rejected&limit=20", token)
        for d in (rejected or {}).get("items", []):
            call(conn, "DELETE", f"/v1/drafts/{d['id']}", token, headers={"If-Match": "*"})


def reviewer_loop(token):
    conn = http.client.HTTPConnection(host, port)
    while time.time() < stop:
        status, queue = call(conn, "GET", "/v1/review/applications?limit=10", token)
        items = (queue or {}).get("items", [])
        if not items:
            time.sleep(0.05)
            continue
        for a in items:
            if random.random() < 0.8:
                call(conn, "POST", f"/v1/applications/{a['id']}/approve", token)
            else:
                call(conn, "POST", f"/v1/applications/{a['id']}/reject", token,
                     json.dumps({"reason": "Please describe the cut-over plan."}).encode())


def visitor_loop():
    conn = http.client.HTTPConnection(host, port)
    while time.time() < stop:
        status, page = call(conn, "GET", "/v1/catalog/products?limit=20")
        for p in (page or {}).get("items", [])[:3]:
            call(conn, "GET", f"/v1/catalog/products/{p['id']}")
            sku = p["content"]["specifications"][0]["skus"][0]["code"]
            call(conn, "POST", f"/v1/catalog/products/{p['id']}/quote", None, json.dumps(
                {"specification": "migration", "sku": sku, "quantity": 5, "period": "one_time"}).encode())
        if not (page or {}).get("items"):
            time.sleep(0.05)


def rss_mib():
    with open(f"/proc/{pid}/status") as f:
        for line in f:
            if line.startswith("VmRSS"):
                return int(line.split()[1]) / 1024
    return 0.0


threads = [threading.Thread(target=seller_loop, args=(t,)) for t in sellers]
threads += [threading.Thread(target=reviewer_loop, args=(t,)) for t in reviewers]
threads += [threading.Thread(target=visitor_loop) for _ in range(2)]
for t in threads:
    t.daemon = True
    t.start()
print(f"{'minute':>6} {'requests':>9} {'5xx':>5} {'p50 ms':>8} {'p99 ms':>8} {'RSS MiB':>8}")
minute = 0
while time.time() < stop:
    time.sleep(min(60, max(0, stop - time.time())))
    minute += 1
    with lock:
        window, latencies[:] = sorted(latencies), []
        window_errors, errors = errors, 0
    p = lambda q: window[min(len(window) - 1, int(q * len(window)))] * 1000 if window else 0  # noqa: E731
    print(f"{minute:>6} {len(window):>9} {window_errors:>5} {p(0.5):>8.1f} {p(0.99):>8.1f} {rss_mib():>8.1f}", flush=True)
print("statuses:", dict(sorted(statuses.items())))
