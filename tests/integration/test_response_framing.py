"""What a backend sends never steers httpd's framing of the client connection (issue 12, part 1):
hop-by-hop headers stay behind, a status outside 100..599 or a 1xx final status is a 502, two
different Content-Length values are a 502, and the client's keep-alive connection carries the
next response intact after all of them."""
import http.client
import os
import socket
import sys
import unittest

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

from harness import read_to_end, wait_until  # noqa: E402
from test_module_forwarding_support import ModuleCase  # noqa: E402
from testd_backend import fixed_body as fixed_body_bytes  # noqa: E402

HOP = ("Connection: X-Hop", "X-Hop: secret", "Keep-Alive: timeout=99", "Transfer-Encoding: chunked",
       "Upgrade: h2c", "Trailer: X-T", "TE: trailers", "Proxy-Connection: keep-alive",
       # A header named only by the sixth Connection header stays behind too.
       "Connection: x-a", "Connection: x-b", "Connection: x-c", "Connection: x-d", "Connection: X-Late",
       "X-Late: secret")


def testd(**options):
    """An X-Testd value; `headers` is a list of Name: Value lines."""
    items = [f"header={h}" for h in options.pop("headers", ())]
    items += [f"{k.replace('_', '-')}={v}" for k, v in options.items()]
    return ";".join(items)


class ResponseFramingTest(ModuleCase):
    def keepalive(self):
        return http.client.HTTPConnection("127.0.0.1", self.httpd.port, timeout=10)

    def test_hop_by_hop_headers_stay_behind_and_the_connection_stays_in_step(self):
        conn = self.keepalive()
        try:
            conn.request("GET", "/app/hop", headers={"X-Testd": testd(headers=HOP, mode="fixed", size=3000)})
            r = conn.getresponse()
            body = r.read()
            self.assertEqual(r.status, 200)
            self.assertEqual(body, fixed_body_bytes(3000))
            names = {k.lower() for k in r.headers.keys()}
            for gone in ("x-hop", "x-late", "keep-alive", "upgrade", "trailer", "te", "proxy-connection"):
                self.assertNotIn(gone, names, r.headers)
            # httpd's own framing only: a Content-Length or its own chunking, never the backend's.
            self.assertTrue("content-length" in names or r.headers.get("Transfer-Encoding") == "chunked", r.headers)
            # The next response on the same connection is a whole, separate answer.
            conn.request("GET", "/app/next", headers={"X-Testd": testd(mode="fixed", size=10)})
            r2 = conn.getresponse()
            self.assertEqual((r2.status, r2.read()), (200, fixed_body_bytes(10)))
        finally:
            conn.close()

    def test_statuses_outside_the_http_range_are_502(self):
        for status in (999, 600, 100, 101):
            with self.subTest(status=status):
                conn = self.keepalive()
                try:
                    conn.request("GET", "/app/status", headers={"X-Testd": testd(status=status)})
                    r = conn.getresponse()
                    r.read()
                    self.assertEqual(r.status, 502)
                finally:
                    conn.close()
        wait_until(lambda: "outside 100..599" in self.httpd.read("logs/mod_jk.log") and
                   "1xx status as its final answer" in self.httpd.read("logs/mod_jk.log"), 5, what="the log lines")

    def test_two_different_content_lengths_are_502(self):
        conn = self.keepalive()
        try:
            conn.request("GET", "/app/cl", headers={"X-Testd": testd(
                headers=("Content-Length: 5", "Content-Length: 50"), mode="fixed", size=5)})
            r = conn.getresponse()
            r.read()
            self.assertEqual(r.status, 502)
        finally:
            conn.close()
        wait_until(lambda: "two different Content-Length values" in self.httpd.read("logs/mod_jk.log"), 5,
                   what="the log line")


    def status_of(self, path, **options):
        conn = self.keepalive()
        try:
            conn.request("GET", path, headers={"X-Testd": testd(**options)})
            r = conn.getresponse()
            return r.status, r.read()
        finally:
            conn.close()

    def test_body_longer_than_its_content_length_never_reaches_the_client(self):
        self.assertEqual(self.status_of("/app/long", headers=("Content-Length: 10",), mode="fixed", size=3000)[0], 502)
        wait_until(lambda: "more body than its Content-Length" in self.httpd.read("logs/mod_jk.log"), 5,
                   what="the log line")

    def test_body_shorter_than_its_content_length_is_never_a_whole_answer(self):
        # Small: nothing went out yet, a clean 502.
        self.assertEqual(self.status_of("/app/short", headers=("Content-Length: 5000",), mode="fixed", size=3000)[0],
                         502)
        # Large: bytes were on their way; the client connection is cut, never a short "complete" answer.
        conn = self.keepalive()
        try:
            conn.request("GET", "/app/shortbig", headers={"X-Testd": testd(
                headers=("Content-Length: 400000",), mode="fixed", size=300000)})
            r = conn.getresponse()
            self.assertEqual(r.status, 200)
            with self.assertRaises(http.client.IncompleteRead):
                r.read()
        finally:
            conn.close()
        wait_until(lambda: "less body than its Content-Length" in self.httpd.read("logs/mod_jk.log"), 5,
                   what="the log line")

    def test_no_body_ever_follows_head_204_or_304(self):
        # The backend sends a body (and a Content-Length for it) where HTTP allows none; the
        # client must get the headers only, and its keep-alive connection must stay in step:
        # stray bytes would be read as the start of the next response.
        cases = (("HEAD", 200), ("GET", 204), ("GET", 304), ("HEAD", 304))
        for method, status in cases:
            with self.subTest(method=method, status=status):
                sock = socket.create_connection(("127.0.0.1", self.httpd.port), timeout=10)
                try:
                    value = testd(fault="body-anyway", status=status, mode="fixed", size=700)
                    sock.sendall(f"{method} /app/nobody HTTP/1.1\r\nHost: t\r\nX-Testd: {value}\r\n\r\n"
                                 f"GET /app/after HTTP/1.1\r\nHost: t\r\nX-Testd: {testd(mode='fixed', size=10)}\r\n"
                                 "Connection: close\r\n\r\n".encode())
                    raw = read_to_end(sock)
                finally:
                    sock.close()
                head, sep, rest = raw.partition(b"\r\n\r\n")
                self.assertTrue(sep, raw[:300])
                self.assertTrue(head.startswith(f"HTTP/1.1 {status} ".encode()), head)
                # Nothing between the first response's headers and the second response.
                self.assertTrue(rest.startswith(b"HTTP/1.1 200 "), rest[:200])
                second_head, _, second_body = rest.partition(b"\r\n\r\n")
                self.assertEqual(second_body, fixed_body_bytes(10))
                if status in (204, 304):
                    self.assertNotIn(b"\r\ntransfer-encoding:", head.lower())


if __name__ == "__main__":
    unittest.main()
