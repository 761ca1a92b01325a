"""httpd + ajpgate in front of ajp-testd: responses (big bodies, status lines, HEAD, 204/304,
cookies, flushing), the ForwardURI* modes, and connection reuse as the backend saw it."""
import hashlib
import os
import socket
import sys
import time
import unittest

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

from test_module_forwarding_support import (  # noqa: E402
    SOCKET_TIMEOUT, ModuleCase, drain_hashed, echo, raw_request, tagged, wait_records_tagged)


def timed_body_arrival(port, path, headers, expected, timeout=SOCKET_TIMEOUT):
    """(seconds until the first body byte, seconds until `expected` body bytes) on a raw socket."""
    headers = {"Host": f"127.0.0.1:{port}", **headers}
    lines = [f"GET {path} HTTP/1.1", "Connection: close"] + [f"{k}: {v}" for k, v in headers.items()]
    started = time.monotonic()
    first = last = None
    data = b""
    with socket.create_connection(("127.0.0.1", port), timeout=timeout) as s:
        s.sendall(("\r\n".join(lines) + "\r\n\r\n").encode())
        while time.monotonic() - started < timeout:
            chunk = s.recv(65536)
            if not chunk:
                break
            data += chunk
            head, sep, body = data.partition(b"\r\n\r\n")
            if sep and body and first is None:
                first = time.monotonic() - started
            if sep and len(body) >= expected:
                last = time.monotonic() - started
                break
    return first, last


class ResponsesTest(ModuleCase):
    def test_big_download_checksum(self):
        size = 10 << 20
        conn = self.connection()
        try:
            conn.request("GET", "/app/big", headers=tagged("big-down", mode="fixed", size=size))
            resp = conn.getresponse()
            n, sha = drain_hashed(resp)
        finally:
            conn.close()
        self.assertEqual(resp.status, 200)
        self.assertEqual(n, size)
        self.assertEqual(resp.getheader("Content-Length"), str(size))
        self.assertEqual(sha, resp.getheader("X-Body-Sha256"))

    def test_many_tiny_chunks_arrive_intact(self):
        # Each packet's data goes down httpd's filters as a transient bucket over a buffer that
        # the next packet overwrites: any filter keeping it without a copy would corrupt this.
        for size, chunk in ((50000, 13), (70001, 8000)):
            with self.subTest(chunk=chunk):
                status, headers, body = self.httpd.get("/app/tiny", headers=tagged("tiny", mode="fixed",
                                                                                      size=size, chunk=chunk))
                self.assertEqual((status, len(body)), (200, size))
                self.assertEqual(hashlib.sha256(body).hexdigest(), headers["X-Body-Sha256"])

    def test_status_line_reason_phrases(self):
        cases = [(200, None, "OK"), (201, None, "Created"), (404, None, "Not Found"),
                 (404, "Nope", "Not Found"),  # a known code keeps the standard phrase
                 (500, None, "Internal Server Error"), (503, None, "Service Unavailable"),
                 (299, "Quite-Odd", "Quite-Odd")]  # unknown code: the backend's phrase
        conn = self.connection()
        try:
            for status, reason, expected in cases:
                with self.subTest(status=status, reason=reason):
                    options = {"status": status}
                    if reason:
                        options["reason"] = reason
                    conn.request("GET", "/app/status", headers=tagged("status", **options))
                    resp = conn.getresponse()
                    body = resp.read()
                    self.assertEqual((resp.status, resp.reason), (status, expected))
                    self.assertEqual(echo(body)["uri"], "/app/status")  # the backend's body, not httpd's page
        finally:
            conn.close()

    def test_redirect_location_passes_through(self):
        conn = self.connection()
        try:
            conn.request("GET", "/app/r", headers=tagged("redir", status=302, header="Location:/app/there"))
            resp = conn.getresponse()
            resp.read()
            self.assertEqual((resp.status, resp.reason, resp.getheader("Location")), (302, "Found", "/app/there"))
        finally:
            conn.close()

    def assert_no_body_then_usable(self, method, headers):
        """A bodyless answer, then a second request on the same client connection parses cleanly
        (stray body bytes would corrupt it)."""
        conn = self.connection()
        try:
            conn.request(method, "/app/nobody", headers=headers)
            resp = conn.getresponse()
            first_status, first_body = resp.status, resp.read()
            conn.request("GET", "/app/after", headers=tagged("after"))
            second = conn.getresponse()
            self.assertEqual(second.status, 200)
            self.assertEqual(echo(second.read())["uri"], "/app/after")
        finally:
            conn.close()
        return first_status, first_body

    def test_head_has_no_body(self):
        status, body = self.assert_no_body_then_usable("HEAD", tagged("head"))
        self.assertEqual((status, body), (200, b""))
        [rec] = wait_records_tagged(self.backend, "head")
        self.assertEqual((rec["method"], rec["method_code"]), ("HEAD", 3))

    def test_204_and_304_have_no_body(self):
        for status in (204, 304):
            with self.subTest(status=status):
                got, body = self.assert_no_body_then_usable("GET", tagged(f"nb{status}", status=status))
                self.assertEqual((got, body), (status, b""))

    def test_many_set_cookie_headers(self):
        conn = self.connection()
        try:
            headers = {"X-Tag": "cookies2",
                       "X-Testd": "header=Set-Cookie:a=1;header=Set-Cookie:b=2;header=Set-Cookie:c=3"}
            conn.request("GET", "/app/c", headers=headers)
            resp = conn.getresponse()
            resp.read()
            self.assertEqual(resp.headers.get_all("Set-Cookie"), ["a=1", "b=2", "c=3"])
        finally:
            conn.close()

    def test_flush_from_backend_reaches_client_early(self):
        # Four chunks 0.6 s apart with the backend's flush packet between them (ajp-testd sends
        # it after the pause): chunk 1 must reach the client at ~0.6 s, not with the rest at ~1.8 s.
        first, last = timed_body_arrival(self.httpd.port, "/app/flush",
                                         tagged("flush", mode="fixed", size=4000, chunk=1000, flush=1,
                                                body_delay=600), 4000)
        self.assertIsNotNone(first)
        self.assertIsNotNone(last)
        self.assertGreater(last, 1.7)
        self.assertLess(first, last - 0.9, f"first chunk at {first:.2f}s, last at {last:.2f}s")

    def test_sequential_requests_share_one_backend_connection(self):
        conns = []
        for i in range(6):
            status, _, body = self.httpd.get(f"/app/reuse{i}", headers=tagged(f"reuse{i}"))
            self.assertEqual(status, 200)
            conns.append(echo(body)["conn"])
        self.assertEqual(len(set(conns)), 1, conns)
        # The request counter of that one connection went up by one each time.
        requests = [r["request"] for r in (echo(self.httpd.get("/app/n")[2]), echo(self.httpd.get("/app/n")[2]))]
        self.assertEqual(requests[1], requests[0] + 1)


# One vhost per option, chosen by Host: the first is the default (ForwardURIProxy).
URI_VHOSTS = [("proxy.test", ""), ("unparsed.test", "+ForwardURICompatUnparsed"), ("compat.test", "+ForwardURICompat"),
              ("escaped.test", "+ForwardURIEscaped"), ("noreuse.test", "+DisableReuse"),
              ("flushpackets.test", "+FlushPackets"), ("flushheader.test", "+FlushHeader")]
# Mount extensions, in vhosts of their own.
EXTENSION_VHOSTS = [("servererrors.test", ";use_server_errors=400")]


class OptionsTest(ModuleCase):
    """JkOptions per virtual host: the ForwardURI* modes, DisableReuse, FlushPackets."""

    CONF = "".join(f"<VirtualHost *>\n  ServerName {name}\n  JkMount /app/* was1{extension}\n"
                   + (f"  JkOptions {option}\n" if option else "") + "</VirtualHost>\n"
                   for name, option, extension in [(n, o, "") for n, o in URI_VHOSTS]
                   + [(n, "", e) for n, e in EXTENSION_VHOSTS])

    def uri_seen(self, host, raw_path):
        request = f"GET {raw_path} HTTP/1.1\r\nHost: {host}\r\nConnection: close\r\n\r\n".encode()
        resp = raw_request(self.httpd.port, request)
        self.assertEqual(resp.status, 200, resp.data[:300])
        return echo(resp.body)["uri"]

    def test_forward_uri_modes(self):
        raw = "/app/x%20y/./z/../w;jsessionid=ABC"
        # Every mode keeps the URL-rewritten session id: Tomcat needs it to find the session.
        expected = {
            "proxy.test": "/app/x%20y/w;jsessionid=ABC",      # re-encoded normalised path
            "unparsed.test": raw,                              # exactly what the client sent
            "compat.test": "/app/x y/w;jsessionid=ABC",        # decoded, normalised
            "escaped.test": "/app/x%20y/w;jsessionid=ABC",     # httpd's escaping of the decoded path
        }
        for host, uri in expected.items():
            with self.subTest(host=host):
                self.assertEqual(self.uri_seen(host, raw + "?q=%41"), uri)

    def test_proxy_encoding_round_trips(self):
        # Decoded by httpd, re-encoded for the backend: '%' and non-ASCII bytes escaped, the
        # characters a path may carry as they are.
        cases = {"/app/100%25": "/app/100%25", "/app/a+b~c(d)": "/app/a+b~c(d)",
                 "/app/caf%C3%A9": "/app/caf%C3%A9", "/app/sp%20ace/q%3Fmark": "/app/sp%20ace/q%3Fmark",
                 # Mapping works on the decoded path, where an encoded ';' starts a path parameter
                 # like any other; the backend gets the path that was mapped and access-checked.
                 "/app/x%3Bparam/y": "/app/x/y"}
        for raw, forwarded in cases.items():
            with self.subTest(raw=raw):
                self.assertEqual(self.uri_seen("proxy.test", raw), forwarded)

    def test_query_string_untouched_in_every_mode(self):
        for host, _ in URI_VHOSTS[:4]:
            request = f"GET /app/q?a=%41+b&c HTTP/1.1\r\nHost: {host}\r\nConnection: close\r\n\r\n".encode()
            self.assertEqual(echo(raw_request(self.httpd.port, request).body)["query"], "a=%41+b&c")

    def test_disable_reuse_opens_a_connection_per_request(self):
        conns = []
        for _ in range(3):
            status, _, body = self.httpd.get("/app/dr", headers={"Host": "noreuse.test"})
            self.assertEqual(status, 200)
            conns.append(echo(body)["conn"])
        self.assertEqual(len(set(conns)), 3, conns)
        # The default vhost on the same worker still reuses.
        kept = [echo(self.httpd.get("/app/keep", headers={"Host": "proxy.test"})[2])["conn"] for _ in range(3)]
        self.assertEqual(len(set(kept[1:])), 1, kept)

    def test_flush_packets_flushes_without_backend_flush(self):
        first, last = timed_body_arrival(self.httpd.port, "/app/fp",
                                         {"Host": "flushpackets.test",
                                          "X-Testd": "mode=fixed;size=4000;chunk=1000;body-delay=600"}, 4000)
        # No flush packet from the backend at all: +FlushPackets flushes after every chunk.
        self.assertIsNotNone(first)
        self.assertIsNotNone(last)
        self.assertLess(first, last - 0.9, f"first chunk at {first:.2f}s, last at {last:.2f}s")

    def test_flush_header_sends_headers_before_the_body(self):
        # The backend sends headers and chunk 1 at once, then pauses: without a flush both would
        # sit in httpd's output buffer; with +FlushHeader the status line is out at once.
        headers = {"Host": "flushheader.test", "X-Testd": "mode=fixed;size=2000;chunk=1000;body-delay=2000"}
        lines = ["GET /app/fh HTTP/1.1", "Connection: close"] + [f"{k}: {v}" for k, v in headers.items()]
        with socket.create_connection(("127.0.0.1", self.httpd.port), timeout=SOCKET_TIMEOUT) as s:
            started = time.monotonic()
            s.sendall(("\r\n".join(lines) + "\r\n\r\n").encode())
            first = s.recv(100)
            took = time.monotonic() - started
        self.assertTrue(first.startswith(b"HTTP/1.1 200"), first)
        self.assertLess(took, 1.2)

    def test_use_server_errors_renders_httpds_page(self):
        conn = self.connection()
        try:
            conn.request("GET", "/app/se", headers={"Host": "servererrors.test", "X-Testd": "status=404;header=X-B:1"})
            resp = conn.getresponse()
            body = resp.read()
            self.assertEqual((resp.status, resp.reason), (404, "Not Found"))
            self.assertIn(b"<title>404 Not Found</title>", body)  # httpd's page, not the echo JSON
            # A 401 keeps the backend's challenge, or the browser could never authenticate.
            conn.request("GET", "/app/se401", headers={"Host": "servererrors.test",
                                                       "X-Testd": "status=401;header=WWW-Authenticate:Basic realm=x"})
            resp = conn.getresponse()
            body = resp.read()
            self.assertEqual(resp.status, 401)
            self.assertIn(b"<title>401 Unauthorized</title>", body)
            self.assertEqual(resp.getheader("WWW-Authenticate"), "Basic realm=x")
            # Below the threshold the backend's answer passes as it is; the connection stays usable.
            conn.request("GET", "/app/se2", headers={"Host": "servererrors.test", "X-Testd": "status=302"})
            resp = conn.getresponse()
            self.assertEqual((resp.status, echo(resp.read())["uri"]), (302, "/app/se2"))
        finally:
            conn.close()


if __name__ == "__main__":
    unittest.main()
