"""httpd + ajpgate -> AJP13 -> a real Tomcat 10: the edges of an exchange.

HEAD and 304, bodies of unknown length both ways, Expect: 100-continue, bodies Tomcat never
reads, a client that goes away mid-response, concurrent clients, and a request too big for one
AJP packet. After each, later requests must still get exactly their own answers (the pooled
backend connections stay in step)."""
import hashlib
import os
import socket
import sys
import threading
import unittest

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

import harness  # noqa: E402
from test_tomcat import FrontedTomcat  # noqa: E402
from test_tomcat_response import pattern_sha256  # noqa: E402
from tomcat import request  # noqa: E402


def read_to_close(sock):
    reply = b""
    while chunk := sock.recv(65536):
        reply += chunk
    return reply


def raw_exchange(port, request_bytes):
    """Sends bytes as they are and returns everything until the server closes."""
    with socket.create_connection(("127.0.0.1", port), timeout=20) as sock:
        sock.sendall(request_bytes)
        return read_to_close(sock)


class TomcatEdgeTest(FrontedTomcat):
    def get(self, path, headers=None, method="GET", body=None, chunked=False):
        return request(self.httpd.port, method, path, body=body, headers=headers, chunked=chunked)

    def assert_in_step(self, tag):
        """A fresh request gets its own answer: nothing of an earlier exchange is left over."""
        for i in range(3):
            answer = self.get(f"/app/echo.jsp?after={tag}-{i}")
            self.assertEqual(answer.status, 200, answer.body[:500])
            self.assertEqual(answer.echo()["param.after"], [f"{tag}-{i}"])

    def test_head_keeps_the_length_and_sends_no_body(self):
        answer = self.get("/app/big.jsp?size=100000", method="HEAD")
        self.assertEqual(answer.status, 200)
        self.assertEqual(answer.body, b"")
        self.assertEqual(answer.header("Content-Length"), "100000")
        self.assertEqual(answer.header("X-Body-Sha256"), pattern_sha256(100000))
        self.assert_in_step("head")

    def test_static_file_and_not_modified(self):
        first = self.get("/app/static.txt")
        self.assertEqual(first.status, 200)
        self.assertTrue(first.body.startswith(b"A static file"))
        etag, modified = first.header("ETag"), first.header("Last-Modified")
        self.assertTrue(etag and modified, first.headers)
        for condition in ({"If-None-Match": etag}, {"If-Modified-Since": modified}):
            with self.subTest(condition=condition):
                again = self.get("/app/static.txt", headers=condition)
                self.assertEqual((again.status, again.reason), (304, "Not Modified"))
                self.assertEqual(again.body, b"")
                self.assertEqual(again.header("ETag"), etag)
        self.assert_in_step("304")

    def test_response_of_unknown_length_is_streamed_whole(self):
        size = 1 << 20
        answer = self.get(f"/app/big.jsp?size={size}&nolength=1")
        self.assertEqual(answer.status, 200)
        self.assertIsNone(answer.header("Content-Length"))
        self.assertEqual(answer.header("Transfer-Encoding"), "chunked")  # httpd frames it for HTTP/1.1
        self.assertEqual(len(answer.body), size)
        self.assertEqual(hashlib.sha256(answer.body).hexdigest(), pattern_sha256(size))

    def test_http_1_0_client_gets_a_close_delimited_body(self):
        size = 300000
        reply = raw_exchange(self.httpd.port, f"GET /app/big.jsp?size={size}&nolength=1 HTTP/1.0\r\n\r\n".encode())
        head, _, body = reply.partition(b"\r\n\r\n")
        self.assertTrue(head.startswith(b"HTTP/1.1 200 OK"), head)
        self.assertNotIn(b"chunked", head.lower())  # no chunking for a 1.0 client: the close ends it
        self.assertEqual(hashlib.sha256(body).hexdigest(), pattern_sha256(size))
        echo = self.get("/app/echo.jsp")  # and Tomcat saw the protocol as sent
        self.assertEqual(echo.echo()["protocol"], ["HTTP/1.1"])
        reply = raw_exchange(self.httpd.port, b"GET /app/echo.jsp HTTP/1.0\r\n\r\n")
        self.assertIn(b"\nprotocol: HTTP/1.0\n", reply)

    def test_expect_100_continue(self):
        body = os.urandom(200000)
        with socket.create_connection(("127.0.0.1", self.httpd.port), timeout=20) as sock:
            sock.sendall(b"POST /app/echo.jsp HTTP/1.1\r\nHost: localhost\r\nContent-Type: application/octet-stream\r\n"
                         b"Expect: 100-continue\r\nConnection: close\r\n"
                         b"Content-Length: " + str(len(body)).encode() + b"\r\n\r\n")
            interim = sock.recv(1024)
            self.assertTrue(interim.startswith(b"HTTP/1.1 100 Continue\r\n"), interim)
            sock.sendall(body)
            reply = read_to_close(sock)
        head, _, text = reply.partition(b"\r\n\r\n")
        self.assertTrue(head.startswith(b"HTTP/1.1 200 OK"), head)
        self.assertIn(b"body_sha256: " + hashlib.sha256(body).hexdigest().encode(), text)
        # httpd sent the 100 itself; the header still travels (as with mod_jk), and Tomcat,
        # which cannot answer it over AJP, must not send a second interim response.
        self.assertEqual(reply.count(b"100 Continue"), 0)

    def test_bodies_tomcat_never_reads(self):
        # ping.jsp ignores its body: Tomcat must drain it from the AJP connection itself, and
        # what it drains must be the body, never the start of a request that follows.
        payload = b"\x12\x34" * 40000  # the AJP magic, so stray bytes would look like packets
        for chunked in (False, True):
            with self.subTest(chunked=chunked):
                answer = self.get("/app/ping.jsp", method="POST", body=iter([payload]) if chunked else payload,
                                  chunked=chunked, headers={"Content-Type": "application/octet-stream"})
                self.assertEqual((answer.status, answer.body.strip()), (200, b"pong"))
                self.assert_in_step(f"unread-{chunked}")

    def test_client_gone_mid_response(self):
        with socket.create_connection(("127.0.0.1", self.httpd.port), timeout=20) as sock:
            sock.sendall(b"GET /app/big.jsp?size=8388608 HTTP/1.1\r\nHost: localhost\r\n\r\n")
            got = 0
            while got < 200000:
                chunk = sock.recv(65536)
                self.assertTrue(chunk, "response ended early")
                got += len(chunk)
            sock.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, b"\x01\x00\x00\x00\x00\x00\x00\x00")  # RST
        harness.wait_until(lambda: "AJPG0117" in self.httpd.read("logs/mod_jk.log"), 10,
                           what="the client's departure in the log")
        self.assert_in_step("abort")
        answer = self.get("/app/big.jsp?size=300000")
        self.assertEqual(hashlib.sha256(answer.body).hexdigest(), pattern_sha256(300000))

    def test_concurrent_clients_get_their_own_answers(self):
        failures = []

        def client(n):
            try:
                for i in range(8):
                    tag = f"{n}-{i}"
                    if i % 3 == 2:
                        data = os.urandom(50000 + n)
                        echo = self.get(f"/app/echo.jsp?tag={tag}", method="PUT", body=data).echo()
                        if echo["body_sha256"] != [hashlib.sha256(data).hexdigest()]:
                            failures.append(f"{tag}: body mismatch")
                    else:
                        echo = self.get(f"/app/echo.jsp?tag={tag}").echo()
                    if echo.get("param.tag") != [tag]:
                        failures.append(f"{tag}: got {echo.get('param.tag')}")
            except Exception as e:  # noqa: BLE001 - reported below with the client's number
                failures.append(f"client {n}: {e!r}")

        threads = [threading.Thread(target=client, args=(n,)) for n in range(8)]
        for t in threads:
            t.start()
        for t in threads:
            t.join(60)
        self.assertEqual(failures, [])

    def test_request_too_big_for_one_packet_is_413(self):
        # 8 KiB AJP packets (Tomcat's packetSize, ajpgate's max_packet_size default).
        # Each field stays under httpd's LimitRequestFieldSize (8190), together they overflow.
        answer = self.get("/app/echo.jsp", headers={"X-Huge-1": "h" * 4500, "X-Huge-2": "h" * 4500})
        self.assertEqual(answer.status, 413)
        self.assertRegex(self.httpd.read("logs/mod_jk.log"), r"\[error\] \[[^\]\s]+\] AJPG0115 worker was1 .*; 413")
        # Just under the limit is fine.
        echo = self.get("/app/echo.jsp", headers={"X-Big": "b" * 7000}).echo()
        self.assertEqual(echo["header.x-big"], ["b" * 7000])
        self.assert_in_step("413")


if __name__ == "__main__":
    unittest.main()
