#!/usr/bin/env python3
"""Seeds a running Shelf for schema fuzzing: a few drafts and one listed product (stdlib only)."""
import http.client
import io
import json
import struct
import sys
import zipfile
import zlib

host, port = "127.0.0.1", 0


def call(method, path, token, body=b"", content_type="application/json"):
    conn = http.client.HTTPConnection(host, port)
    headers = {"Authorization": f"Bearer {token}"}
    if body:
        headers["Content-Type"] = content_type
    conn.request(method, path, body, headers)
    res = conn.getresponse()
    data = res.read()
    if res.status >= 300:
        sys.exit(f"seeding failed: {method} {path}: {res.status} {data[:300]!r}")
    return json.loads(data) if data else None


def png(size):
    def chunk(kind, data):
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)
    raw = b"".join(b"\x00" + b"\x80" * size for _ in range(size))
    header = struct.pack(">IIBBBBB", size, size, 8, 0, 0, 0, 0)
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", zlib.compress(raw)) + chunk(b"IEND", b"")


def docx():
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as z:
        z.writestr("[Content_Types].xml", "<Types/>")
        z.writestr("word/document.xml", "<document/>")
    return out.getvalue()


def multipart(filename, data):
    boundary = "shelf-fuzz-boundary"
    head = (f'--{boundary}\r\nContent-Disposition: form-data; name="file"; filename="{filename}"\r\n'
            "Content-Type: application/octet-stream\r\n\r\n").encode()
    return f"multipart/form-data; boundary={boundary}", head + data + f"\r\n--{boundary}--\r\n".encode()


content = {
    "delivery_method": "professional_service", "name": "Data Migration Supporting Service", "version": "V1.0",
    "currency": "USD", "summary": "Move your databases to the cloud with zero data loss.",
    "description": "We migrate relational databases to managed cloud services. " * 8,
    "service_flow_template": "standard", "avg_delivery_days": 10, "public_sales": True,
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
            {"attributes": {"edition": "enterprise"}, "price": {"model": "linear", "unit_amounts": {"one_time": 90000}}}]
    }]
}


def main():
    seller, reviewer = sys.argv[3], sys.argv[4]
    for i in range(3):
        call("POST", "/v1/drafts", seller, json.dumps({"content": {"delivery_method": "professional_service", "name": f"Draft {i}"}}).encode())
    call("POST", "/v1/attributes", seller, json.dumps({"code": "edition", "name": "Edition", "type": "enumeration"}).encode())
    call("POST", "/v1/pricing-templates", seller,
         json.dumps({"name": "Seats", "currency": "USD", "model": "flat", "amounts": {"month": 1000}}).encode())
    draft = call("POST", "/v1/drafts", seller, json.dumps({"content": content}).encode())
    call("PUT", f"/v1/drafts/{draft['id']}/logo", seller, png(120), "image/png")
    content_type, body = multipart("form.docx", docx())
    call("POST", f"/v1/drafts/{draft['id']}/request-templates", seller, body, content_type)
    application = call("POST", f"/v1/drafts/{draft['id']}/submit", seller)
    call("POST", f"/v1/applications/{application['id']}/approve", reviewer)
    pending = call("POST", "/v1/drafts", seller, json.dumps({"content": content}).encode())
    call("PUT", f"/v1/drafts/{pending['id']}/logo", seller, png(120), "image/png")
    call("POST", f"/v1/drafts/{pending['id']}/request-templates", seller, body, content_type)
    call("POST", f"/v1/drafts/{pending['id']}/submit", seller)
    print("seeded")


if __name__ == "__main__":
    host, port = sys.argv[1], int(sys.argv[2])
    main()
