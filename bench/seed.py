#!/usr/bin/env python3
"""Seeds N drafts for one seller through the API (keep-alive, stdlib only). Prints one draft id."""
import http.client
import json
import sys

host, port, token, count = sys.argv[1], int(sys.argv[2]), sys.argv[3], int(sys.argv[4])
conn = http.client.HTTPConnection(host, port)
headers = {"Authorization": f"Bearer {token}", "Content-Type": "application/json"}
last = None
for i in range(count):
    body = {"content": {"name": f"Benchmark Supporting Service {i}", "version": "V1.0", "currency": "USD",
                        "summary": "Seeded for the benchmark.", "avg_delivery_days": 10,
                        "after_sales": {"email": "support@example.com", "hours": "09:00-18:00",
                                        "days": "mon-fri", "timezone": "+08:00"}}}
    conn.request("POST", "/v1/drafts", json.dumps(body), headers)
    res = conn.getresponse()
    data = res.read()
    if res.status != 201:
        sys.exit(f"seeding failed: {res.status} {data[:200]!r}")
    last = json.loads(data)["id"]
print(last)
