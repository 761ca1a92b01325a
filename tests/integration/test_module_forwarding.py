"""httpd + ajpgate in front of ajp-testd: every forwarded request field, as the client sent it
and as the backend saw it on the wire (echo JSON and --record), plus request bodies.

Responses, URI modes and pool reuse are in test_module_forwarding_responses.py; the fault
modes in test_module_faults.py.
"""
import base64
import hashlib
import http.client
import os
import socket
import sys
import threading
import time
import unittest

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

from httpd import children_of, vm_rss_kib  # noqa: E402
from test_module_forwarding_support import (  # noqa: E402
    SOCKET_TIMEOUT, ModuleCase, after, drain_hashed, echo, header_value, raw_request, requests_tagged, tagged,
    wait_records_tagged)

SECRET = "s3cr3t-value"
PASSWORD = "open sesame"


def htpasswd_line(user, password):
    # "{SHA}" + base64(SHA-1): understood by APR's password check, as Debian's apache2 uses.
    return f"{user}:{{SHA}}{base64.b64encode(hashlib.sha1(password.encode()).digest()).decode()}\n"


def pattern_chunks(total, size=65536):
    """`total` bytes of a deterministic, non-repeating-per-chunk pattern, in pieces of `size`."""
    sent = 0
    while sent < total:
        n = min(size, total - sent)
        block = hashlib.sha256(str(sent).encode()).digest()
        yield (block * (n // len(block) + 1))[:n]
        sent += n


class RssWatch:
    """Samples a process's VmRSS in the background while the `with` body runs (bounded)."""

    def __init__(self, pid):
        self.pid = pid
        self.before = self.peak = vm_rss_kib(pid)
        self.done = threading.Event()
        self.thread = threading.Thread(target=self.sample, daemon=True)

    def sample(self):
        deadline = time.monotonic() + 60
        while not self.done.is_set() and time.monotonic() < deadline:
            self.peak = max(self.peak, vm_rss_kib(self.pid))
            time.sleep(0.02)

    def __enter__(self):
        self.thread.start()
        return self

    def __exit__(self, *exc):
        self.done.set()
        self.thread.join(5)

    def growth_mib(self):
        return (self.peak - self.before) / 1024


class ForwardedFieldsTest(ModuleCase):
    """One backend (with the worker's secret), one httpd with auth, mod_env and JkEnvVar."""

    BACKEND_ARGS = ("--secret", SECRET)
    WORKER_PROPS = {"secret": SECRET}
    HTTPD_KW = {"files": {"htpasswd": htpasswd_line("alice", PASSWORD)},
                "modules": ("authz_core", "authn_core", "authn_file", "authz_user", "auth_basic")}
    CONF = """LoadModule env_module /usr/lib/apache2/modules/mod_env.so
JkEnvVar MY_VAR
JkEnvVar WITH_DEFAULT dflt
JkEnvVar NEVER_SET
SetEnv MY_VAR hello
JkMount /app/* was1
JkMount /auth/* was1
<Location /app/limited>
  LimitRequestBody 1000
</Location>
<Location /auth>
  AuthType Basic
  AuthName "ajpgate test"
  AuthBasicProvider file
  AuthUserFile htpasswd
  Require valid-user
</Location>
"""

    def exchange(self, method, path, headers=None, body=None, **kw):
        """(response, body, client port) over a fresh client connection."""
        conn = self.connection()
        try:
            conn.connect()
            client_port = conn.sock.getsockname()[1]
            conn.request(method, path, body=body, headers=headers or {}, **kw)
            resp = conn.getresponse()
            return resp, resp.read(), client_port
        finally:
            conn.close()

    def test_get_every_field(self):
        headers = tagged("fields")
        headers.update({"Accept-Language": "en-GB", "Referer": "http://r.example/", "Cookie": "a=b",
                        "X-Custom-Thing": "Value With  Spaces", "User-Agent": "fwdtests/1"})
        resp, body, client_port = self.exchange("GET", "/app/dir/page.jsp?a=1&b=%20x", headers)
        self.assertEqual(resp.status, 200)
        got = echo(body)
        [rec] = wait_records_tagged(self.backend, "fields")
        for seen in (got, rec):
            self.assertEqual((seen["method"], seen["method_code"]), ("GET", 2))
            self.assertEqual(seen["uri"], "/app/dir/page.jsp")
            self.assertEqual(seen["query"], "a=1&b=%20x")
            self.assertEqual(seen["protocol"], "HTTP/1.1")
            self.assertEqual(seen["remote_addr"], "127.0.0.1")
            self.assertIsNone(seen["remote_host"])  # HostnameLookups Off: no name, not the address
            self.assertEqual(seen["server_name"], "127.0.0.1")
            self.assertEqual(seen["server_port"], self.httpd.port)
            self.assertIs(seen["is_ssl"], False)
            names = [h["name"] for h in seen["headers"]]
            # Coded headers arrive as codes (the decoder spells them in lower case) ...
            for coded in ("accept-language", "referer", "cookie", "user-agent", "host", "content-length"):
                self.assertIn(coded, names)
            # ... the rest as strings, exactly as the client spelled them.
            self.assertIn("X-Custom-Thing", names)
            self.assertEqual(header_value(seen, "X-Custom-Thing"), "Value With  Spaces")
            self.assertEqual(header_value(seen, "accept-language"), "en-GB")
            self.assertEqual(header_value(seen, "cookie"), "a=b")
            # A bodyless request tells the backend so: Content-Length: 0.
            self.assertEqual(header_value(seen, "content-length"), "0")
            self.assertIsNone(header_value(seen, "transfer-encoding"))
            attrs = seen["attributes"]
            self.assertEqual(attrs["secret"], SECRET)
            self.assertIsNone(attrs["remote_user"])
            self.assertIsNone(attrs["stored_method"])
            extra = {a["name"]: a["value"] for a in attrs["req_attributes"]}
            self.assertEqual(extra, {"AJP_REMOTE_PORT": str(client_port), "AJP_LOCAL_ADDR": "127.0.0.1",
                                     "MY_VAR": "hello", "WITH_DEFAULT": "dflt"})
        # Nothing but the request on the wire: no body packet for a zero length.
        following = after(self.backend, rec)
        self.assertEqual([r for r in following if r["type"] == "body"], [])

    def test_host_header_and_protocol(self):
        # UseCanonicalName Off (httpd's default): server name and port come from Host.
        resp = raw_request(self.httpd.port, b"GET /app/h HTTP/1.0\r\nHost: www.example.test:8080\r\n\r\n")
        self.assertEqual(resp.status, 200, resp.data[:200])
        got = echo(resp.body)
        self.assertEqual((got["protocol"], got["server_name"], got["server_port"]),
                         ("HTTP/1.0", "www.example.test", 8080))
        self.assertEqual(header_value(got, "host"), "www.example.test:8080")

    def test_secret_on_every_request(self):
        for i in range(3):
            status, _, body = self.httpd.get("/app/secret", headers=tagged(f"secret{i}"))
            self.assertEqual(status, 200, body)  # ajp-testd --secret answers 403 without it
        for i in range(3):
            [rec] = requests_tagged(self.backend, f"secret{i}")
            self.assertEqual(rec["attributes"]["secret"], SECRET)

    def test_methods(self):
        cases = [("GET", 2, None), ("POST", 4, None), ("PUT", 5, None), ("DELETE", 6, None),
                 ("OPTIONS", 1, None), ("PROPFIND", 8, None), ("MKCOL", 10, None),
                 ("PATCH", 0xFF, "PATCH"), ("FROBNICATE", 0xFF, "FROBNICATE")]
        for method, code, stored in cases:
            with self.subTest(method=method):
                body = b"x=1" if method in ("POST", "PUT", "PATCH") else None
                resp, data, _ = self.exchange(method, "/app/m", tagged("m-" + method), body=body)
                self.assertEqual(resp.status, 200, data)
                [rec] = wait_records_tagged(self.backend, "m-" + method)
                self.assertEqual(rec["method_code"], code)
                self.assertEqual(rec["method"], method)
                self.assertEqual(rec["attributes"]["stored_method"], stored)
                self.assertEqual(echo(data)["body_length"], len(body or b""))

    def test_remote_user_and_auth_type(self):
        token = base64.b64encode(f"alice:{PASSWORD}".encode()).decode()
        resp, body, _ = self.exchange("GET", "/auth/who", {"Authorization": "Basic " + token, "X-Tag": "auth"})
        self.assertEqual(resp.status, 200, body)
        attrs = echo(body)["attributes"]
        self.assertEqual((attrs["remote_user"], attrs["auth_type"]), ("alice", "Basic"))
        [rec] = wait_records_tagged(self.backend, "auth")
        self.assertEqual(rec["attributes"]["remote_user"], "alice")
        self.assertEqual(header_value(rec, "authorization"), "Basic " + token)
        # Wrong password: httpd refuses, the backend never hears of it.
        bad = base64.b64encode(b"alice:wrong").decode()
        resp, _, _ = self.exchange("GET", "/auth/who", {"Authorization": "Basic " + bad, "X-Tag": "auth-bad"})
        self.assertEqual(resp.status, 401)
        self.assertEqual(requests_tagged(self.backend, "auth-bad"), [])

    def test_content_length_body_first_packet_unsolicited(self):
        data = os.urandom(20000)
        resp, body, _ = self.exchange("POST", "/app/upload", tagged("cl"), body=data)
        self.assertEqual(resp.status, 200)
        got = echo(body)
        self.assertEqual(got["body_length"], len(data))
        self.assertEqual(got["body_sha256"], hashlib.sha256(data).hexdigest())
        [rec] = wait_records_tagged(self.backend, "cl")
        self.assertEqual(header_value(rec, "content-length"), str(len(data)))
        following = after(self.backend, rec)
        # The first body packet is the very next message on the wire, before any ask.
        self.assertEqual(following[0]["type"], "body")
        self.assertEqual(following[0]["seq"], rec["seq"] + 1)
        bodies = [r["body_len"] for r in following if r["type"] == "body"][:3]
        self.assertEqual(sum(bodies), len(data))  # 8186 + 8186 + 3628: exactly the length, no end packet

    def test_chunked_body(self):
        pieces = [b"a" * 10, b"b" * 9000, b"c" * 1]
        resp, body, _ = self.exchange("POST", "/app/chunked", tagged("chunked"), body=iter(pieces),
                                      encode_chunked=True)
        self.assertEqual(resp.status, 200)
        joined = b"".join(pieces)
        got = echo(body)
        self.assertEqual((got["body_length"], got["body_sha256"]), (len(joined), hashlib.sha256(joined).hexdigest()))
        [rec] = wait_records_tagged(self.backend, "chunked")
        self.assertIsNone(header_value(rec, "content-length"))
        self.assertIsNone(header_value(rec, "transfer-encoding"))
        lens = []
        for r in after(self.backend, rec):
            if r["type"] != "body":
                break
            lens.append(r["body_len"])
        self.assertEqual(sum(lens), len(joined))
        self.assertEqual(lens[-1], 0)  # unknown length ends with the empty packet

    def test_big_chunked_upload(self):
        total = 6 << 20
        digest = hashlib.sha256()

        def body():
            for piece in pattern_chunks(total, size=10007):
                digest.update(piece)
                yield piece

        resp, data, _ = self.exchange("POST", "/app/bigchunked", tagged("big-chunked"), body=body(),
                                      encode_chunked=True)
        self.assertEqual(resp.status, 200)
        got = echo(data)
        self.assertEqual((got["body_length"], got["body_sha256"]), (total, digest.hexdigest()))

    def test_empty_body(self):
        resp, body, _ = self.exchange("POST", "/app/empty", tagged("empty"), body=b"")
        self.assertEqual(resp.status, 200)
        self.assertEqual(echo(body)["body_length"], 0)
        [rec] = wait_records_tagged(self.backend, "empty")
        self.assertEqual(header_value(rec, "content-length"), "0")
        self.assertEqual([r for r in after(self.backend, rec) if r["type"] == "body"], [])

    def test_expect_100_continue(self):
        data = b"z" * 5000
        with socket.create_connection(("127.0.0.1", self.httpd.port), timeout=SOCKET_TIMEOUT) as s:
            s.sendall((f"POST /app/expect HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Tag: expect\r\n"
                       f"Content-Length: {len(data)}\r\nExpect: 100-continue\r\nConnection: close\r\n\r\n").encode())
            first = s.recv(4096)
            self.assertTrue(first.startswith(b"HTTP/1.1 100 Continue"), first)
            s.sendall(data)
            reply = first.split(b"\r\n\r\n", 1)[1]
            while True:
                chunk = s.recv(65536)
                if not chunk:
                    break
                reply += chunk
        self.assertTrue(reply.startswith(b"HTTP/1.1 200 OK"), reply[:100])
        self.assertEqual(echo(reply.split(b"\r\n\r\n", 1)[1])["body_length"], len(data))

    def rss_watch(self):
        children = children_of(self.httpd.process.proc.pid)
        self.assertEqual(len(children), 1, "one child expected (ServerLimit 1)")
        return RssWatch(children[0])

    def test_large_upload_is_streamed(self):
        total = 20 << 20
        digest = hashlib.sha256()

        def body():
            for piece in pattern_chunks(total):
                digest.update(piece)
                yield piece

        headers = tagged("big-up")
        headers["Content-Length"] = str(total)
        with self.rss_watch() as rss:
            resp, data, _ = self.exchange("PUT", "/app/big", headers, body=body())
        self.assertEqual(resp.status, 200)
        got = echo(data)
        self.assertEqual((got["body_length"], got["body_sha256"]), (total, digest.hexdigest()))
        self.assertLess(rss.growth_mib(), 8, f"httpd child grew by {rss.growth_mib():.1f} MiB during a 20 MiB upload")

    def test_long_upload_leaves_nothing_per_read(self):
        # 512 MiB, chunked: ap_get_client_block() would leave a brigade in the request's pool
        # per 8 KiB read (~2.3 MiB here); ajpgate reuses one brigade for the whole body.
        total = 512 << 20
        digest = hashlib.sha256()

        def body():
            for piece in pattern_chunks(total, size=1 << 20):
                digest.update(piece)
                yield piece

        with self.rss_watch() as rss:
            resp, data, _ = self.exchange("POST", "/app/long", tagged("long-up"), body=body(), encode_chunked=True)
        self.assertEqual(resp.status, 200)
        got = echo(data)
        self.assertEqual((got["body_length"], got["body_sha256"]), (total, digest.hexdigest()))
        self.assertLess(rss.growth_mib(), 1, f"httpd child grew by {rss.growth_mib():.1f} MiB during a 512 MiB upload")

    def test_limit_request_body_still_applies_to_chunked_bodies(self):
        small = b"s" * 900
        resp, data, _ = self.exchange("POST", "/app/limited/ok", tagged("limit-ok"), body=iter([small]),
                                      encode_chunked=True)
        self.assertEqual((resp.status, echo(data)["body_length"]), (200, len(small)))
        resp, _, _ = self.exchange("POST", "/app/limited/big", tagged("limit-big"), body=iter([b"b" * 5000]),
                                   encode_chunked=True)
        self.assertEqual(resp.status, 413)

    def test_large_download_to_a_slow_reader_is_streamed(self):
        # The client stops reading for a while: the backend must be held back (TCP), not
        # drained into httpd's memory.
        total = 32 << 20
        conn = http.client.HTTPConnection("127.0.0.1", self.httpd.port, timeout=SOCKET_TIMEOUT)
        try:
            with self.rss_watch() as rss:
                conn.request("GET", "/app/slowreader", headers=tagged("slow-reader", mode="fixed", size=total))
                resp = conn.getresponse()
                got, sha = drain_hashed(resp, pause_after_first=1.0)
        finally:
            conn.close()
        self.assertEqual((got, sha), (total, resp.getheader("X-Body-Sha256")))
        self.assertLess(rss.growth_mib(), 8, f"httpd child grew by {rss.growth_mib():.1f} MiB")

if __name__ == "__main__":
    unittest.main()
