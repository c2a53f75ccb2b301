#!/usr/bin/env python3
"""The release check at its worst: validates the largest draft the save caps allow next to a typical
complete draft, against a running server, and prints each one's time and response size (the median of
RUNS validations), with the ratio of the worst to the typical. Also times the inputs of the bounded-work
review (40,000 highlights; 349,492 empty specifications), which are now refused when saved.

    python3 bench/worst_draft.py HOST PORT SELLER_TOKEN [RUNS]

Stdlib only; `bash bench/worst_draft.sh` builds the release binary, starts it and runs this.
"""
import http.client
import json
import statistics
import sys
import time

host, port, token = sys.argv[1], int(sys.argv[2]), sys.argv[3]
runs = int(sys.argv[4]) if len(sys.argv) > 4 else 20

# The caps of crates/domain/src/limits.rs.
SPECIFICATIONS, ATTRIBUTES, VALUES, SKUS, HIGHLIGHTS = 50, 20, 50, 400, 20


def call(method, path, body=None):
    conn = http.client.HTTPConnection(host, port, timeout=120)
    data = json.dumps(body, separators=(",", ":")).encode() if body is not None else b""
    headers = {"Authorization": f"Bearer {token}"}
    if body is not None:
        headers["Content-Type"] = "application/json"
    started = time.perf_counter()
    conn.request(method, path, data, headers)
    res = conn.getresponse()
    payload = res.read()
    elapsed = time.perf_counter() - started
    conn.close()
    return res.status, payload, elapsed, len(data)


def typical():
    return {
        "delivery_method": "professional_service", "name": "Data Migration Supporting Service",
        "version": "V1.0", "currency": "USD", "summary": "Move your databases to the cloud with zero data loss.",
        "description": "We migrate relational databases to managed cloud services. " * 8,
        "highlights": ["Zero downtime cut-over", "Certified engineers"], "service_flow_template": "standard",
        "avg_delivery_days": 10, "public_sales": True,
        "after_sales": {"email": "support@example.com", "hotline": "+86 755 1234 5678",
                        "hours": "09:00-18:00", "days": "mon-fri", "timezone": "+08:00"},
        "specifications": [{
            "key": "migration", "name": "Database migration", "billing_mode": "one_time", "pricing": "custom",
            "attributes": [
                {"code": "edition", "name": "Edition", "type": "enumeration", "values": ["basic", "enterprise"]},
                {"code": "person_days", "name": "Person-days", "type": "quantity", "unit": "person-day",
                 "min": 1, "max": 100, "step": 1}],
            "skus": [
                {"attributes": {"edition": "basic"}, "price": {"model": "linear", "unit_amounts": {"one_time": 50000}}},
                {"attributes": {"edition": "enterprise"},
                 "price": {"model": "linear", "unit_amounts": {"one_time": 90000}}}],
        }],
    }


def worst():
    """Every array at its cap (within the 1 MiB body limit, the outermost cap), every element breaking
    rules: the most checking a save lets through."""
    def spec(i):
        attributes = [{"code": f"a{j}", "name": "A", "type": "enumeration", "values": [f"v{k}" for k in range(VALUES)]}
                      for j in range(ATTRIBUTES)]
        skus = [{"attributes": {"x": f"{k}"}} for k in range(SKUS)]
        return {"key": "dup", "name": "N" * 60, "billing_mode": "yearly_monthly", "pricing": "custom",
                "attributes": attributes, "skus": skus}
    return {"highlights": ["same"] * HIGHLIGHTS, "specifications": [spec(i) for i in range(SPECIFICATIONS)]}


def measure(label, content):
    status, payload, _, sent = call("POST", "/v1/drafts", {"content": content})
    if status != 201:
        sys.exit(f"{label}: saving answered {status}: {payload[:300]!r}")
    draft = json.loads(payload)["id"]
    times, size, report = [], 0, None
    for _ in range(runs):
        status, payload, elapsed, _ = call("POST", f"/v1/drafts/{draft}/validate", {})
        if status != 200:
            sys.exit(f"{label}: validate answered {status}")
        times.append(elapsed)
        size, report = len(payload), json.loads(payload)
    median = statistics.median(times)
    print(f"{label:>9}: request {sent / 1024:7.1f} KiB, validate median {median * 1000:8.2f} ms, "
          f"p-max {max(times) * 1000:8.2f} ms, response {size / 1024:6.1f} KiB, "
          f"{len(report['violations'])} listed of {report['violation_count']}")
    return median, size


def refused(label, content):
    status, payload, elapsed, sent = call("POST", "/v1/drafts", {"content": content})
    problem = json.loads(payload)
    where = problem["errors"][0]["pointer"] if problem.get("errors") else problem["title"]
    print(f"{label:>9}: request {sent / 1024:7.1f} KiB, save answered {status} in {elapsed * 1000:.2f} ms "
          f"({where}, {len(payload)} bytes)")


typical_time, typical_size = measure("typical", typical())
worst_time, worst_size = measure("worst", worst())
print(f"    ratio: worst / typical: time {worst_time / typical_time:.1f}x, response {worst_size / typical_size:.1f}x")
refused("40k hl", {"highlights": [f"highlight {i}" for i in range(40_000)]})
refused("349k {}", {"specifications": [{}] * 349_492})
