"""Black-box tests of tools/ajp-testd, driven by the independent client in ajpclient.py.

The binary comes from $AJP_TESTD, else tools/ajp-testd under the build directory
($AJPGATE_BUILD); testd_backend.py starts it on a port it picks itself (--port 0 --ready-file).
Every socket has a timeout and every loop a bound. Malformed input, --record, signals and
the command line are in test_testd_wire.py.

    python3 -m unittest -v tests/integration/test_testd.py
"""
import hashlib
import os
import socket
import struct
import sys
import threading
import time
import unittest

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

import ajpclient  # noqa: E402
from ajpclient import AjpConnectionClosed, AjpProtocolError  # noqa: E402
from harness import wait_until  # noqa: E402
from testd_backend import TestdBackend as Backend, fixed_body, testd_binary  # noqa: E402


class TestdCase(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        if not os.access(testd_binary(), os.X_OK):
            raise unittest.SkipTest("ajp-testd not built at " + testd_binary())
        cls.backend = Backend("main")
        cls.route = Backend("was1", "--route", "was1")
        cls.secret = Backend("secure", "--secret", "s3cr3t")
        cls.mute = Backend("mute", "--no-cpong")
        cls.sluggish = Backend("sluggish", "--cpong-delay", "300")

    @classmethod
    def tearDownClass(cls):
        for b in (cls.backend, cls.route, cls.secret, cls.mute, cls.sluggish):
            rc = b.stop()
            assert rc == 0, "ajp-testd exited with %r: %s" % (rc, b.proc.log_text())

    def get(self, backend=None, uri="/", testd=None, headers=(), **kw):
        headers = list(headers)
        if testd is not None:
            headers.append(("X-Testd", testd))
        with (backend or self.backend).connect() as conn:
            return conn.request(kw.pop("method", "GET"), uri, headers, **kw)


class EchoTest(TestdCase):
    def test_echo_reports_every_field(self):
        resp = self.get(
            uri="/app/x", method="GET", protocol="HTTP/1.0", remote_addr="10.0.0.5", remote_host="client.example",
            server_name="www.example.com", server_port=443, is_ssl=True, query="y=1&z=%20",
            headers=[("Host", "www.example.com"), ("X-Trace", "t1"), ("Accept", "*/*"), ("X-Trace", "t2")],
            remote_user="alice", auth_type="Basic", route="node1", ssl_cert="CERT", ssl_cipher="AES",
            ssl_session="SESS", ssl_key_size=256, req_attributes=[("AJP_REMOTE_PORT", "51000"), ("X", "y")],
            content_length=None)
        self.assertEqual(resp.status, 200)
        self.assertEqual(resp.reason, "OK")
        self.assertEqual(resp.header("Content-Type"), "application/json")
        self.assertEqual(int(resp.header("Content-Length")), len(resp.body))
        self.assertTrue(resp.reuse)
        j = resp.json()
        self.assertEqual((j["method"], j["method_code"], j["uri"], j["query"], j["protocol"]),
                         ("GET", 2, "/app/x", "y=1&z=%20", "HTTP/1.0"))
        self.assertEqual((j["remote_addr"], j["remote_host"], j["server_name"], j["server_port"], j["is_ssl"]),
                         ("10.0.0.5", "client.example", "www.example.com", 443, True))
        self.assertEqual(j["headers"], [{"name": "host", "value": "www.example.com"},
                                        {"name": "X-Trace", "value": "t1"},
                                        {"name": "accept", "value": "*/*"},
                                        {"name": "X-Trace", "value": "t2"}])
        a = j["attributes"]
        self.assertEqual((a["remote_user"], a["auth_type"], a["route"]), ("alice", "Basic", "node1"))
        self.assertEqual((a["ssl_cert"], a["ssl_cipher"], a["ssl_session"], a["ssl_key_size"]),
                         ("CERT", "AES", "SESS", 256))
        self.assertIsNone(a["secret"])
        self.assertEqual(a["req_attributes"], [{"name": "AJP_REMOTE_PORT", "value": "51000"},
                                               {"name": "X", "value": "y"}])
        self.assertEqual(a["order"], [3, 4, 5, 6, 7, 8, 9, 11, 10, 10])
        self.assertEqual(j["body_length"], 0)
        self.assertEqual(j["body_sha256"], hashlib.sha256(b"").hexdigest())
        self.assertEqual(j["request"], 1)
        self.assertEqual(j["backend"], {"name": "main", "route": ""})

    def test_stored_method_and_null_remote_host(self):
        resp = self.get(method="PATCH", uri="/p", remote_host=None, body=b"x")
        j = resp.json()
        self.assertEqual((j["method"], j["method_code"]), ("PATCH", 255))
        self.assertEqual(j["attributes"]["stored_method"], "PATCH")
        self.assertIsNone(j["remote_host"])

    def test_json_escapes_odd_bytes(self):
        resp = self.get(uri="/a\"b\\c", headers=[("X-Odd", b"tab\there\x01 \xff")], content_length=None)
        j = resp.json()
        self.assertEqual(j["uri"], "/a\"b\\c")
        self.assertEqual(j["headers"][0]["value"], "tab\there\x01 \u00ff")
        self.assertIn(b"\\u0001", resp.body)
        self.assertIn(b"\\u00ff", resp.body)  # a byte that is not UTF-8

    def test_keep_alive_many_requests_with_cping_between(self):
        with self.backend.connect() as conn:
            self.assertTrue(conn.cping())
            first = None
            for i in range(1, 51):
                resp = conn.request("GET", "/k/%d" % i, [("Content-Length", "0")])
                j = resp.json()
                self.assertTrue(resp.reuse)
                self.assertEqual(j["request"], i)
                self.assertEqual(j["uri"], "/k/%d" % i)
                first = first or j["conn"]
                self.assertEqual(j["conn"], first)
                if i % 10 == 0:
                    self.assertTrue(conn.cping())
                    self.assertTrue(conn.cping())
            self.assertEqual(resp.body_requests, [])  # Content-Length: 0 means no body at all

    def test_post_with_content_length(self):
        body = os.urandom(20000)
        resp = self.get(method="POST", uri="/post", body=body)
        j = resp.json()
        self.assertEqual(j["body_length"], 20000)
        self.assertEqual(j["body_sha256"], hashlib.sha256(body).hexdigest())
        # First 8186 bytes went unasked; like Tomcat, each GET_BODY_CHUNK asks for a full packet.
        self.assertEqual(resp.body_requests, [8186, 8186])
        # Smaller requests, which the web server must honour.
        resp = self.get(method="POST", uri="/post", body=body, testd="body-request=1000")
        self.assertEqual(resp.body_requests, [1000] * 12)
        self.assertEqual(resp.json()["body_sha256"], hashlib.sha256(body).hexdigest())

    def test_post_unknown_length_both_empty_forms(self):
        body = os.urandom(20000)
        for form in (ajpclient.EMPTY_BODY_SPEC, ajpclient.EMPTY_BODY_ZERO_LENGTH):
            with self.backend.connect() as conn:
                for _ in range(2):  # the connection stays in step after the empty packet
                    resp = conn.request("POST", "/chunked", body=body, content_length=None, empty_form=form,
                                        chunk_size=5000)
                    j = resp.json()
                    self.assertEqual(j["body_length"], 20000)
                    self.assertEqual(j["body_sha256"], hashlib.sha256(body).hexdigest())
                    self.assertEqual(resp.body_requests, [8186] * 5)  # 4 data packets, then the empty one

    def test_no_content_length_without_body_asks_once(self):
        resp = self.get(uri="/nobody", content_length=None)
        self.assertEqual(resp.body_requests, [8186])
        self.assertEqual(resp.json()["body_length"], 0)

    def test_big_body_sha256(self):
        body = os.urandom(3 * 1024 * 1024 + 17)
        resp = self.get(method="PUT", uri="/big", body=body)
        j = resp.json()
        self.assertEqual(j["body_length"], len(body))
        self.assertEqual(j["body_sha256"], hashlib.sha256(body).hexdigest())

    def test_concurrent_connections(self):
        results, errors = [], []

        def client(i):
            try:
                with self.backend.connect() as conn:
                    for k in range(1, 31):
                        body = bytes([i]) * (i * 100 + k)
                        j = conn.request("POST", "/c/%d" % i, body=body).json()
                        if (j["request"], j["body_sha256"]) != (k, hashlib.sha256(body).hexdigest()):
                            errors.append((i, k, j["request"]))
                    results.append(j["conn"])
            except Exception as e:  # reported below, the thread must not die silently
                errors.append((i, repr(e)))

        threads = [threading.Thread(target=client, args=(i,)) for i in range(16)]
        for t in threads:
            t.start()
        for t in threads:
            t.join(timeout=30)
        self.assertEqual(errors, [])
        self.assertEqual(len(set(results)), 16)  # each client had its own connection number

    def test_many_requests_are_fast(self):
        start = time.monotonic()
        with self.backend.connect() as conn:
            for _ in range(1000):
                resp = conn.request("GET", "/fast", [("Content-Length", "0"), ("X-Testd", "mode=empty")])
                self.assertEqual(resp.status, 200)
        took = time.monotonic() - start
        self.assertLess(took, 10.0, "1000 requests took %.2fs" % took)


class ModesTest(TestdCase):
    def test_fixed_sizes(self):
        for size in (0, 1, 8184, 8185, 100000):
            resp = self.get(testd="mode=fixed;size=%d" % size, headers=[("Content-Length", "0")])
            self.assertEqual(resp.status, 200)
            self.assertEqual(resp.body, fixed_body(size))
            self.assertEqual(resp.header("Content-Length"), str(size))
            self.assertEqual(resp.header("X-Body-Sha256"), hashlib.sha256(fixed_body(size)).hexdigest())
            self.assertTrue(all(c <= 8184 for c in resp.chunks))
            self.assertEqual(len(resp.chunks), (size + 8183) // 8184)
            self.assertEqual(resp.flushes, 0)

    def test_fixed_chunks_and_flush(self):
        resp = self.get(testd="size=10000;chunk=1000;flush", headers=[("Content-Length", "0")])
        self.assertEqual(resp.chunks, [1000] * 10)
        self.assertEqual(resp.flushes, 9)
        self.assertEqual(resp.body, fixed_body(10000))
        # SEND_HEADERS, then chunk (flush chunk)*9, END_RESPONSE
        self.assertEqual(resp.messages[0], ajpclient.SEND_HEADERS)
        self.assertEqual(resp.messages[-1], ajpclient.END_RESPONSE)
        self.assertEqual(len(resp.messages), 1 + 10 + 9 + 1)

    def test_status_reason_and_extra_headers(self):
        resp = self.get(testd="status=404;header=X-A:1;header=X-B: two", headers=[("Content-Length", "0")])
        self.assertEqual((resp.status, resp.reason), (404, "Not Found"))
        self.assertEqual(resp.header_all("X-A"), ["1"])
        self.assertEqual(resp.header("X-B"), "two")
        self.assertEqual(resp.json()["uri"], "/")
        resp = self.get(testd="status=503;reason=Busy Now;mode=empty", headers=[("Content-Length", "0")])
        self.assertEqual((resp.status, resp.reason, resp.body), (503, "Busy Now", b""))
        self.assertEqual(resp.header("Content-Length"), "0")

    def test_no_body_statuses_and_head(self):
        for status in (204, 304):
            resp = self.get(testd="status=%d" % status, headers=[("Content-Length", "0")])
            self.assertEqual(resp.status, status)
            self.assertEqual(resp.messages, [ajpclient.SEND_HEADERS, ajpclient.END_RESPONSE])
            self.assertIsNone(resp.header("Content-Length"))
        resp = self.get(method="HEAD", testd="size=500", headers=[("Content-Length", "0")])
        self.assertEqual(resp.messages, [ajpclient.SEND_HEADERS, ajpclient.END_RESPONSE])
        self.assertEqual(resp.header("Content-Length"), "500")

    def test_bad_testd_header_is_400_and_connection_survives(self):
        with self.backend.connect() as conn:
            resp = conn.request("GET", "/", [("X-Testd", "mode=banana"), ("Content-Length", "0")])
            self.assertEqual(resp.status, 400)
            self.assertIn(b"mode must be", resp.body)
            self.assertTrue(resp.reuse)
            self.assertEqual(conn.request("GET", "/", [("Content-Length", "0")]).status, 200)

    def test_delays(self):
        start = time.monotonic()
        resp = self.get(testd="delay=300", headers=[("Content-Length", "0")])
        self.assertGreaterEqual(time.monotonic() - start, 0.3)
        self.assertEqual(resp.status, 200)
        start = time.monotonic()
        resp = self.get(testd="size=3000;chunk=1000;body-delay=150", headers=[("Content-Length", "0")])
        self.assertGreaterEqual(time.monotonic() - start, 0.3)
        self.assertEqual(resp.body, fixed_body(3000))

    def test_packet_size_option(self):
        big = Backend("big", "--packet-size", "16384")
        try:
            with big.connect(packet_size=16384) as conn:
                resp = conn.request("POST", "/", [("X-Testd", "size=40000")], body=os.urandom(40000))
                self.assertEqual(resp.chunks, [16376, 16376, 40000 - 2 * 16376])
                self.assertEqual(resp.body_requests, [16378, 16378])
        finally:
            self.assertEqual(big.stop(), 0)


class RouteAndSecretTest(TestdCase):
    def test_session_created_kept_and_counted(self):
        with self.route.connect() as conn:
            resp = conn.request("GET", "/app", [("Content-Length", "0")])
            cookie = resp.header("Set-Cookie")
            self.assertRegex(cookie, r"^JSESSIONID=[0-9A-F]{32}\.was1; Path=/; HttpOnly$")
            sid = cookie.split(";")[0].split("=", 1)[1]
            self.assertIsNone(resp.header("X-Session-In"))
            self.assertEqual((resp.header("X-Session-Out"), resp.header("X-Route")), (sid, "was1"))
            self.assertEqual(resp.header("X-Session-Count"), "1")
            self.assertEqual(resp.json()["session"], {"in": None, "out": sid, "count": 1})
            for n in (2, 3):
                resp = conn.request("GET", "/app", [("Cookie", "a=b; JSESSIONID=" + sid), ("Content-Length", "0")])
                self.assertIsNone(resp.header("Set-Cookie"))
                self.assertEqual(resp.header("X-Session-In"), sid)
                self.assertEqual(resp.header("X-Session-Count"), str(n))
            # The same session through a path parameter.
            resp = conn.request("GET", "/app;jsessionid=" + sid, [("Content-Length", "0")])
            self.assertIsNone(resp.header("Set-Cookie"))
            self.assertEqual(resp.header("X-Session-Count"), "4")

    def test_foreign_route_is_rebound(self):
        resp = self.get(self.route, uri="/app", headers=[("Cookie", "JSESSIONID=ABCDEF.was2"),
                                                         ("Content-Length", "0")])
        self.assertEqual(resp.header("Set-Cookie"), "JSESSIONID=ABCDEF.was1; Path=/; HttpOnly")
        self.assertEqual(resp.header("X-Session-In"), "ABCDEF.was2")
        self.assertEqual(resp.header("X-Session-Out"), "ABCDEF.was1")
        self.assertEqual(resp.json()["session"]["in"], "ABCDEF.was2")
        self.assertEqual(resp.json()["backend"]["route"], "was1")
        resp = self.get(self.route, uri="/app", headers=[("Cookie", "JSESSIONID=ABCDEF.was1"),
                                                         ("Content-Length", "0")])
        self.assertIsNone(resp.header("Set-Cookie"))
        self.assertEqual(resp.header("X-Session-Count"), "2")

    def test_secret(self):
        for secret in (None, "wrong", "s3cr3", "s3cr3ts3cr3t"):
            resp = self.get(self.secret, secret=secret, headers=[("Content-Length", "0")])
            self.assertEqual(resp.status, 403, "secret %r" % secret)
        resp = self.get(self.secret, secret="s3cr3t", headers=[("Content-Length", "0")])
        self.assertEqual(resp.status, 200)
        self.assertEqual(resp.json()["attributes"]["secret"], "s3cr3t")


class FaultTest(TestdCase):
    def fault(self, name, extra=""):
        conn = self.backend.connect(timeout=5.0)
        conn.send(ajpclient.encode_forward_request("GET", "/fault", [("X-Testd", "fault=" + name + extra),
                                                                     ("Content-Length", "0")]))
        return conn

    def test_close_before_headers(self):
        with self.fault("close-before-headers") as conn:
            with self.assertRaises(AjpConnectionClosed) as caught:
                conn.read_packet()
            self.assertEqual(caught.exception.partial, b"")

    def test_close_mid_body(self):
        with self.fault("close-mid-body", ";size=100000") as conn:
            with self.assertRaises(AjpConnectionClosed):
                conn.read_response()
        # Seen message by message: headers promising 100000 bytes, about half of them, then EOF.
        with self.fault("close-mid-body", ";size=100000") as conn:
            status, _, headers = ajpclient.decode_send_headers(conn.read_packet())
            self.assertEqual((status, dict(headers)["Content-Length"]), (200, "100000"))
            got = b""
            with self.assertRaises(AjpConnectionClosed):
                for _ in range(100):
                    got += ajpclient.decode_body_chunk(conn.read_packet())
            self.assertEqual(got, fixed_body(50000))

    def test_reset_mid_body(self):
        with self.fault("reset-mid-body", ";size=100000") as conn:
            status, _, headers = ajpclient.decode_send_headers(conn.read_packet())
            self.assertEqual(status, 200)
            with self.assertRaises(ConnectionResetError):
                for _ in range(100):
                    ajpclient.decode_body_chunk(conn.read_packet())

    def test_body_anyway(self):
        # A body where HTTP allows none: for 204 and 304, and for HEAD.
        for status in (204, 304):
            with self.fault("body-anyway", f";status={status};mode=fixed;size=700") as conn:
                resp = conn.read_response()
                self.assertEqual((resp.status, resp.body), (status, fixed_body(700)))
        conn = self.backend.connect(timeout=5.0)
        with conn:
            conn.send(ajpclient.encode_forward_request("HEAD", "/fault", [
                ("X-Testd", "fault=body-anyway;mode=fixed;size=70"), ("Content-Length", "0")]))
            self.assertEqual(conn.read_response().body, fixed_body(70))

    def test_garbage(self):
        with self.fault("garbage") as conn:
            with self.assertRaisesRegex(AjpProtocolError, "bad signature"):
                conn.read_packet()

    def test_oversize_packet(self):
        with self.fault("oversize-packet") as conn:
            header = conn.read_raw(4)
            self.assertEqual(header[:2], b"AB")
            self.assertEqual(struct.unpack(">H", header[2:4])[0] + 4, 8192 + 1)
        with self.fault("oversize-packet") as conn:
            with self.assertRaisesRegex(AjpProtocolError, "exceeds packet size"):
                conn.read_packet()

    def test_chunk_length_overflow(self):
        with self.fault("chunk-length-overflow") as conn:
            with self.assertRaisesRegex(AjpProtocolError, "does not match payload"):
                conn.read_response()

    def test_headers_twice(self):
        with self.fault("headers-twice") as conn:
            with self.assertRaisesRegex(AjpProtocolError, "SEND_HEADERS twice"):
                conn.read_response()

    def test_no_reuse(self):
        with self.fault("no-reuse") as conn:
            resp = conn.read_response()
            self.assertEqual(resp.status, 200)
            self.assertFalse(resp.reuse)
            self.assertTrue(conn.is_closed())

    def test_close_after_end(self):
        with self.fault("close-after-end") as conn:
            resp = conn.read_response()
            self.assertEqual(resp.status, 200)
            self.assertTrue(resp.reuse)  # promised, like a backend whose idle timeout then fires
            self.assertTrue(conn.is_closed())

    def test_second_response(self):
        with self.fault("second-response") as conn:
            first = conn.read_response()
            self.assertEqual(first.status, 200)
            self.assertTrue(first.reuse)
            second = conn.read_response()  # arrives although nothing was asked
            self.assertEqual((second.status, second.body), (200, b"second response\n"))

    def test_no_cpong_fault_and_flag(self):
        with self.fault("no-cpong") as conn:
            self.assertEqual(conn.read_response().status, 200)
            conn.settimeout(0.5)
            with self.assertRaises(socket.timeout):
                conn.cping()
        with self.mute.connect(timeout=0.5) as conn:
            with self.assertRaises(socket.timeout):
                conn.cping()
        with self.backend.connect() as conn:  # other connections still answer
            self.assertTrue(conn.cping())

    def test_cpong_delay_flag(self):
        # A JVM too busy to answer: each CPONG comes late, requests are not delayed.
        with self.sluggish.connect() as conn:
            for _ in range(2):
                start = time.monotonic()
                self.assertTrue(conn.cping())
                self.assertGreaterEqual(time.monotonic() - start, 0.3)
            start = time.monotonic()
            self.assertEqual(conn.request("GET", "/", []).status, 200)
            self.assertLess(time.monotonic() - start, 0.3)

    def test_fault_window(self):
        # --fault-after/--fault-for: the command line's delays apply within the window only
        # (a JVM that turns slow, then recovers by itself); before and after, prompt answers.
        b = Backend("window", "--delay", "300", "--cpong-delay", "300", "--fault-after", "700", "--fault-for", "1000")
        started = time.monotonic()
        try:
            with b.connect() as conn:
                def exchange():
                    t = time.monotonic()
                    self.assertTrue(conn.cping())
                    self.assertEqual(conn.request("GET", "/", []).status, 200)
                    return time.monotonic() - t
                self.assertLess(exchange(), 0.3)  # before the window
                time.sleep(max(0.0, 0.9 - (time.monotonic() - started)))
                self.assertGreaterEqual(exchange(), 0.6)  # in it: both late
                time.sleep(max(0.0, 1.9 - (time.monotonic() - started)))
                self.assertLess(exchange(), 0.3)  # after it
        finally:
            self.assertEqual(b.stop(), 0)

    def test_fault_window_covers_every_fault(self):
        # The window holds for --no-cpong and --fault as for the delays: bench/faults.py arms a
        # backend that resets mid-response for a while, then answers normally again.
        b = Backend("window-all", "--no-cpong", "--fault", "reset-mid-body", "--size", "1000",
                    "--fault-after", "0", "--fault-for", "1500")
        started = time.monotonic()
        try:
            with b.connect(timeout=5.0) as conn:
                conn.settimeout(0.3)
                with self.assertRaises(socket.timeout):
                    conn.cping()
            with b.connect(timeout=5.0) as conn:
                with self.assertRaises((AjpConnectionClosed, ConnectionResetError)):
                    conn.request("GET", "/", [])
            self.assertLess(time.monotonic() - started, 1.2)  # both were inside the window
            time.sleep(max(0.0, 1.8 - (time.monotonic() - started)))
            with b.connect(timeout=5.0) as conn:
                self.assertTrue(conn.cping())
                resp = conn.request("GET", "/", [])
                self.assertEqual((resp.status, resp.body), (200, fixed_body(1000)))
        finally:
            self.assertEqual(b.stop(), 0)

    def test_slow(self):
        start = time.monotonic()
        with self.fault("slow") as conn:
            self.assertEqual(conn.read_response().status, 200)
        self.assertGreaterEqual(time.monotonic() - start, 1.0)  # the default slow delay

    def test_hang_is_bounded(self):
        start = time.monotonic()
        with self.fault("hang", ";hang-ms=400") as conn:
            with self.assertRaises(AjpConnectionClosed):
                conn.read_packet()
        self.assertGreaterEqual(time.monotonic() - start, 0.4)
        # A peer that gives up ends the (default 30 s) hang at once; a CPING gets no answer.
        def hang_closes():
            return len([r for r in self.backend.records() if r["type"] == "close" and r["reason"] == "fault hang"])
        before = wait_until(hang_closes, 5, what="first hang closed")
        with self.fault("hang") as conn:
            conn.send(ajpclient.CPING_PACKET)
            conn.settimeout(0.3)
            with self.assertRaises(socket.timeout):
                conn.read_packet()
        wait_until(lambda: hang_closes() == before + 1, 5, what="hang ended by the peer's close")


if __name__ == "__main__":
    unittest.main()
