"""Sends exactly N keep-alive GETs, cycling through the given paths, to 127.0.0.1:PORT (stdlib only)."""
import http.client
import sys

port, n, paths = int(sys.argv[1]), int(sys.argv[2]), sys.argv[3:]
connection = http.client.HTTPConnection("127.0.0.1", port)
for i in range(n):
    connection.request("GET", paths[i % len(paths)])
    response = connection.getresponse()
    response.read()
    if response.status != 200:
        sys.exit(f"{paths[i % len(paths)]}: {response.status}")
