"""httpd + ajpgate -> AJP13 -> a real Tomcat 10: what the client gets back.

Status codes and reason phrases, Set-Cookie, redirects, a JSP session pinned by jvmRoute,
big and flushed bodies, and keep-alive on the client side."""
import hashlib
import http.client
import os
import re
import sys
import time
import unittest

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

from test_tomcat import FrontedTomcat  # noqa: E402
from tomcat import exchange, request  # noqa: E402

PATTERN = bytes(ord("a") + i % 26 for i in range(8192))  # big.jsp's repeating block


def pattern_sha256(size):
    digest = hashlib.sha256()
    for done in range(0, size, len(PATTERN)):
        digest.update(PATTERN[:min(len(PATTERN), size - done)])
    return digest.hexdigest()


class TomcatResponseTest(FrontedTomcat):
    def get(self, path, headers=None, method="GET"):
        return request(self.httpd.port, method, path, headers=headers)

    # --- status codes -----------------------------------------------------------------------

    def test_status_codes_and_reason_phrases(self):
        # Tomcat sends the digits as the reason ("418"); codes without a registered phrase get
        # httpd's own "Unknown Reason" rather than "418 418".
        cases = ((200, "OK"), (201, "Created"), (202, "Accepted"), (404, "Not Found"), (418, "Unknown Reason"),
                 (299, "Unknown Reason"), (500, "Internal Server Error"), (503, "Service Unavailable"))
        for code, reason in cases:
            with self.subTest(code=code):
                answer = self.get(f"/app/status.jsp?code={code}")
                self.assertEqual((answer.status, answer.reason), (code, reason))
                self.assertEqual(answer.body.strip(), f"status {code}".encode())

    def test_no_content_has_no_body(self):
        answer = self.get("/app/status.jsp?code=204")
        self.assertEqual((answer.status, answer.reason), (204, "No Content"))
        self.assertEqual(answer.body, b"")
        self.assertIsNone(answer.header("Transfer-Encoding"))

    def test_tomcat_own_404_is_passed_on(self):
        answer = self.get("/app/no-such-page.jsp")
        self.assertEqual(answer.status, 404)
        # Tomcat's error report, not httpd's "Not Found" page: the request did reach Tomcat.
        self.assertIn(b"HTTP Status 404", answer.body)

    def test_send_error_500_carries_tomcat_error_page(self):
        answer = self.get("/app/status.jsp?code=500&error=1")
        self.assertEqual((answer.status, answer.reason), (500, "Internal Server Error"))
        self.assertIn(b"HTTP Status 500", answer.body)
        self.assertIn(b"requested error 500", answer.body)

    def test_send_error_503(self):
        answer = self.get("/app/status.jsp?code=503&error=1")
        self.assertEqual((answer.status, answer.reason), (503, "Service Unavailable"))
        self.assertIn(b"requested error 503", answer.body)

    def test_response_headers_arrive_unchanged(self):
        answer = self.get("/app/headers.jsp?set=X-Extra:a%3Db%2C%20c&set=Vary:Accept&set=Vary:Cookie")
        self.assertEqual(answer.status, 200)
        self.assertEqual(answer.all("X-Multi"), ["one", "two"])
        self.assertEqual(answer.header("Content-Language"), "ko-KR")  # AJP-coded response header
        self.assertEqual(answer.header("Last-Modified"), "Tue, 14 Nov 2023 22:13:20 GMT")
        self.assertEqual(answer.header("Cache-Control"), "no-store, max-age=0")
        self.assertEqual(answer.header("X-Long"), "L" * 4000)
        self.assertEqual(answer.header("X-Extra"), "a=b, c")
        self.assertEqual(answer.all("Vary"), ["Accept,Cookie"])  # httpd's header filter folds Vary
        self.assertEqual(answer.header("Content-Type"), "text/plain;charset=UTF-8")
        self.assertEqual(answer.body.strip(), b"headers set")

    # --- redirects --------------------------------------------------------------------------

    def test_302_redirect_location_is_not_followed(self):
        answer = self.get("/app/redirect.jsp?to=%2Fapp%2Fecho.jsp%3Fx%3D1")
        self.assertEqual((answer.status, answer.reason), (302, "Found"))
        self.assertEqual(answer.header("Location"), "/app/echo.jsp?x=1")

    def test_302_redirect_to_absolute_url(self):
        answer = self.get("/app/redirect.jsp?to=https%3A%2F%2Fexample.test%2Fpath%3Fa%3Db")
        self.assertEqual(answer.status, 302)
        self.assertEqual(answer.header("Location"), "https://example.test/path?a=b")

    def test_301_redirect(self):
        answer = self.get("/app/redirect.jsp?code=301&to=%2Fapp%2Fping.jsp")
        self.assertEqual((answer.status, answer.reason), (301, "Moved Permanently"))
        self.assertEqual(answer.header("Location"), "/app/ping.jsp")

    # --- cookies and sessions ---------------------------------------------------------------

    def test_two_set_cookie_headers(self):
        answer = self.get("/app/cookies.jsp")
        self.assertEqual(answer.status, 200)
        cookies = answer.all("Set-Cookie")
        self.assertEqual(len(cookies), 2, cookies)
        self.assertTrue(cookies[0].startswith("alpha=1"), cookies)
        self.assertIn("Path=/app", cookies[0])
        self.assertTrue(cookies[1].startswith("beta=two"), cookies)
        self.assertIn("HttpOnly", cookies[1])

    def test_cookies_sent_back_reach_tomcat(self):
        first = self.get("/app/cookies.jsp")
        jar = "; ".join(c.split(";", 1)[0] for c in first.all("Set-Cookie"))
        second = self.get("/app/cookies.jsp", headers={"Cookie": jar})
        self.assertIn(b"cookie.alpha: 1\n", second.body)
        self.assertIn(b"cookie.beta: two\n", second.body)

    def counter(self, answer):
        self.assertEqual(answer.status, 200, answer.body)
        fields = dict(line.split(": ", 1) for line in answer.body.decode().splitlines() if line)
        return fields["session"], int(fields["count"])

    def test_session_cookie_carries_route_and_counter_increments(self):
        first = self.get("/app/session.jsp")
        session, count = self.counter(first)
        self.assertEqual(count, 1)
        set_cookie = first.header("Set-Cookie")
        match = re.match(r"JSESSIONID=([0-9A-F]+\.was1);", set_cookie or "")
        self.assertIsNotNone(match, set_cookie)
        self.assertEqual(match.group(1), session)
        for expected in (2, 3):
            again = self.get("/app/session.jsp", headers={"Cookie": "JSESSIONID=" + session})
            self.assertEqual(self.counter(again), (session, expected))
            self.assertIsNone(again.header("Set-Cookie"))  # same session: no new cookie

    def test_session_in_url_path_parameter(self):
        session, _ = self.counter(self.get("/app/session.jsp"))
        for expected in (2, 3):
            again = self.get(f"/app/session.jsp;jsessionid={session}?x=1")
            self.assertEqual(self.counter(again), (session, expected))

    # --- big and flushed bodies -------------------------------------------------------------

    def test_five_mib_response_checksum(self):
        size = 5 << 20
        answer = self.get(f"/app/big.jsp?size={size}")
        self.assertEqual(answer.status, 200)
        self.assertEqual(len(answer.body), size)
        self.assertEqual(answer.header("Content-Length"), str(size))
        self.assertEqual(answer.header("X-Body-Sha256"), pattern_sha256(size))
        self.assertEqual(hashlib.sha256(answer.body).hexdigest(), pattern_sha256(size))

    def test_flushed_bytes_arrive_progressively(self):
        # 8 blocks of 8 KiB, Tomcat flushes after each then sleeps 250 ms: about 2 s in all. If
        # Tomcat's flushes are relayed, the first block is here long before the last one.
        size, pause = 8 * 8192, 0.25
        conn = http.client.HTTPConnection("127.0.0.1", self.httpd.port, timeout=20)
        try:
            started = time.monotonic()
            conn.request("GET", f"/app/big.jsp?size={size}&flush=8192&pause={int(pause * 1000)}")
            response = conn.getresponse()
            self.assertEqual(response.status, 200)
            arrivals, body = [], b""
            while len(body) < size:
                piece = response.read1(size)
                if not piece:
                    break
                body += piece
                arrivals.append((time.monotonic() - started, len(body)))
        finally:
            conn.close()
        self.assertEqual(hashlib.sha256(body).hexdigest(), pattern_sha256(size))
        first_time, first_bytes = arrivals[0]
        last_time = arrivals[-1][0]
        self.assertLess(first_bytes, size, f"everything arrived at once: {arrivals}")
        self.assertGreater(last_time - first_time, 4 * pause, f"no progressive delivery: {arrivals}")
        self.assertGreater(len(arrivals), 4, arrivals)

    # --- client keep-alive ------------------------------------------------------------------

    def test_many_requests_on_one_client_connection(self):
        conn = http.client.HTTPConnection("127.0.0.1", self.httpd.port, timeout=20)
        try:
            conn.connect()
            sock = conn.sock
            client_port = sock.getsockname()[1]
            for i in range(40):
                path = f"/app/echo.jsp?i={i}" if i % 4 else f"/app/big.jsp?size={100000 + i}"
                answer = exchange(conn, "GET", path)
                self.assertEqual(answer.status, 200)
                self.assertIsNot(conn.sock, None)
                self.assertIs(conn.sock, sock, f"client connection was closed before request {i}")
                if i % 4:
                    echo = answer.echo()
                    self.assertEqual(echo["param.i"], [str(i)])
                    self.assertEqual(echo["remote_port"], [str(client_port)])
                else:
                    self.assertEqual(len(answer.body), 100000 + i)
        finally:
            conn.close()


if __name__ == "__main__":
    unittest.main()
