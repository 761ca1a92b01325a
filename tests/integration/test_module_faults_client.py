"""httpd + ajpgate when the other side misbehaves: clients that go away or send broken bodies,
a backend that restarts under a pooled connection or comes up late, and many clients at once
(each gets its own answer, whatever its neighbours do)."""
import hashlib
import os
import socket
import sys
import threading
import time
import unittest

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

from harness import wait_until  # noqa: E402
from test_module_forwarding_support import (  # noqa: E402
    SOCKET_TIMEOUT, ModuleCase, backend, echo, log_lines, raw_request, requests_tagged, tagged,
    wait_log_lines, wait_records_tagged, worker_lines)


class ClientFaultsTest(ModuleCase):
    """After a client fault the backend connection is closed, never pooled half-used."""

    def assert_conn_dropped_and_next_ok(self, tag):
        [rec] = wait_records_tagged(self.backend, tag)
        self.backend.wait_closed_record(rec["conn"])
        status, _, body = self.httpd.get("/app/next", headers=tagged("next"))
        self.assertEqual(status, 200)
        self.assertNotEqual(echo(body)["conn"], rec["conn"])

    def test_client_gone_mid_download(self):
        before = len(log_lines(self.httpd, "AJPG0117"))
        with socket.create_connection(("127.0.0.1", self.httpd.port), timeout=SOCKET_TIMEOUT) as s:
            s.sendall(b"GET /app/dl HTTP/1.1\r\nHost: x\r\nX-Tag: gone\r\nX-Testd: mode=fixed;size=64M\r\n\r\n")
            got = 0
            while got < 200000:
                data = s.recv(65536)
                self.assertTrue(data)
                got += len(data)
            s.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, b"\x01\x00\x00\x00\x00\x00\x00\x00")  # RST
        self.assert_conn_dropped_and_next_ok("gone")
        lines = wait_log_lines(self.httpd, "AJPG0117", before + 1)
        time.sleep(0.2)
        self.assertEqual(len(log_lines(self.httpd, "AJPG0117")), before + 1, lines)
        self.assertIn("worker was1 ", lines[-1])

    def test_client_body_shorter_than_its_length(self):
        with socket.create_connection(("127.0.0.1", self.httpd.port), timeout=SOCKET_TIMEOUT) as s:
            s.sendall(b"POST /app/short HTTP/1.1\r\nHost: x\r\nX-Tag: short\r\nContent-Length: 100000\r\n\r\n"
                      + b"0123456789")
            s.shutdown(socket.SHUT_WR)
            s.settimeout(5)
            try:
                while s.recv(65536):
                    pass
            except OSError:
                pass
        # The request goes out together with its first body packet, which never filled: the
        # backend hears nothing of it (no half-sent request), and the next one is served.
        status, _, body = self.httpd.get("/app/next", headers=tagged("next"))
        self.assertEqual(status, 200)
        time.sleep(0.2)
        self.assertEqual(requests_tagged(self.backend, "short"), [])

    def test_broken_chunked_body(self):
        resp = raw_request(self.httpd.port, b"POST /app/badchunk HTTP/1.1\r\nHost: x\r\nX-Tag: badchunk\r\n"
                                            b"Transfer-Encoding: chunked\r\nConnection: close\r\n\r\n"
                                            b"5\r\nhello\r\nZZZ\r\nxx\r\n0\r\n\r\n")
        self.assertEqual(resp.status, 400, resp.data[:200])
        self.assert_conn_dropped_and_next_ok("badchunk")

    def test_many_clients_each_get_their_own_answer(self):
        results, errors = {}, []

        def client(n):
            try:
                for i in range(5):
                    path = f"/app/c{n}/r{i}"
                    # Some clients make the backend misbehave: garbage (a 502 for them alone), or
                    # an extra unasked-for response that must never reach the next client.
                    headers = tagged(f"mc{n}-{i}")
                    if n % 3 == 0 and i == 1:
                        headers["X-Testd"] = "fault=garbage"
                    elif n % 3 == 1 and i == 2:
                        headers["X-Testd"] = "fault=second-response"
                    status, _, body = self.httpd.get(path, headers=headers)
                    if headers.get("X-Testd") == "fault=garbage":
                        results[(n, i)] = (status == 502, path)
                    else:
                        results[(n, i)] = (status == 200 and echo(body)["uri"] == path, path)
            except Exception as e:  # noqa: BLE001 - reported below
                errors.append(repr(e))

        threads = [threading.Thread(target=client, args=(n,), daemon=True) for n in range(12)]
        for t in threads:
            t.start()
        for t in threads:
            t.join(30)
        self.assertEqual(errors, [])
        self.assertEqual(len(results), 60)
        self.assertEqual([v for v in results.values() if not v[0]], [])


class PreforkTest(ModuleCase):
    """The prefork MPM (one thread per child, a pool of one): forwarding, reuse, recovery."""

    HTTPD_KW = {"mpm": "prefork"}

    def test_forward_reuse_and_recover(self):
        data = os.urandom(30000)
        status, _, body = self.httpd.get("/app/p", data=data, method="POST")
        self.assertEqual((status, echo(body)["body_length"]), (200, len(data)))
        first = echo(body)["conn"]
        self.assertEqual(echo(self.httpd.get("/app/p2")[2])["conn"], first)
        status, _, _ = self.httpd.get("/app/g", headers=tagged("pf-garbage", fault="garbage"))
        self.assertEqual(status, 502)
        status, _, body = self.httpd.get("/app/p3")
        self.assertEqual(status, 200)
        self.assertNotEqual(echo(body)["conn"], first)


class IdlePoolTest(ModuleCase):
    """connection_pool_timeout: the watchdog closes connections idle for longer (none kept:
    connection_pool_minsize=0), and the next request simply opens a new one."""

    CONF = "JkMount /app/* was1\nJkWatchdogInterval 1\n"
    WORKER_PROPS = {"connection_pool_timeout": 1, "connection_pool_minsize": 0}

    def test_idle_connection_closed_by_watchdog(self):
        status, _, body = self.httpd.get("/app/idle")
        self.assertEqual(status, 200)
        idle = echo(body)["conn"]
        started = time.monotonic()
        self.backend.wait_closed_record(idle, timeout=5)
        self.assertGreater(time.monotonic() - started, 0.5)  # not closed at once: it was idle first
        status, _, body = self.httpd.get("/app/after-idle")
        self.assertEqual(status, 200)
        self.assertNotEqual(echo(body)["conn"], idle)


class BackendRestartTest(ModuleCase):
    """A backend that restarts on its port: a pooled connection it closed is not used, and a
    worker whose backend was down serves again as soon as it is up (ajp13 workers keep no state)."""

    def restart_backend(self, port):
        self.backend.stop()
        self.__class__.backend = backend("restarted", "--port", str(port))

    def test_restart_under_a_pooled_connection(self):
        port = self.backend.port
        status, _, body = self.httpd.get("/app/one")
        self.assertEqual(status, 200)
        self.restart_backend(port)
        errors_before = len(log_lines(self.httpd, "[error]"))
        status, _, body = self.httpd.get("/app/two", headers=tagged("two"))
        self.assertEqual(status, 200, body)
        self.assertEqual(echo(body)["conn"], 1)  # the new backend's first connection
        # The stale connection was noticed before use: no request went to it, no error logged.
        self.assertEqual(len(log_lines(self.httpd, "[error]")), errors_before)

    def test_post_on_a_connection_the_backend_just_closed(self):
        # The pooled connection was used moments ago, so it is taken without a liveness check;
        # the backend closed it meanwhile. The request and its first body packet go again, as
        # they were, on a new connection: the client sees nothing of it, and no error is logged.
        errors_before = len(log_lines(self.httpd, "[error]"))
        data = os.urandom(5000)
        status, _, body = self.httpd.get("/app/first", headers=tagged("closing", fault="close-after-end"))
        self.assertEqual(status, 200)
        closed = echo(body)["conn"]
        self.backend.wait_closed_record(closed)
        status, _, body = self.httpd.get("/app/upload", headers=tagged("replayed"), data=data, method="POST")
        self.assertEqual(status, 200, body)
        got = echo(body)
        self.assertNotEqual(got["conn"], closed)
        self.assertEqual((got["body_length"], got["body_sha256"]), (len(data), hashlib.sha256(data).hexdigest()))
        self.assertEqual(len(requests_tagged(self.backend, "replayed")), 1)
        self.assertEqual(len(log_lines(self.httpd, "[error]")), errors_before)
        # Sent on the dead connection first (it was not checked), then again: two attempts.
        [line] = [l for l in log_lines(self.httpd, "AJPG0119") if "/app/upload" in l]
        self.assertIn("answered on attempt 2", line)

    def test_backend_down_then_up(self):
        port = self.backend.port
        self.backend.stop()
        status, _, _ = self.httpd.get("/app/down")
        self.assertEqual(status, 503)
        self.__class__.backend = backend("up-again", "--port", str(port))
        wait_until(lambda: self.httpd.get("/app/up")[0] == 200, 5, what="the worker to serve again")


class SlowConnectTest(ModuleCase):
    """socket_connect_timeout bounds a connect that nobody answers (a full listen backlog)."""

    @classmethod
    def extra_workers(cls):
        # A listener that never accepts, with its backlog filled, stands for a firewalled host.
        cls.sink = socket.socket()
        cls.sink.bind(("127.0.0.1", 0))
        cls.sink.listen(0)
        cls.fillers = []
        for _ in range(8):
            s = socket.socket()
            s.setblocking(False)
            s.connect_ex(cls.sink.getsockname())
            cls.fillers.append(s)
        return (worker_lines("blackhole", cls.sink.getsockname()[1], socket_connect_timeout=300,
                             retries=1),)

    CONF = "JkMount /app/* was1\nJkMount /bh/* blackhole\n"

    @classmethod
    def tearDownClass(cls):
        super().tearDownClass()
        for s in cls.fillers + [cls.sink]:
            s.close()

    def test_connect_timeout(self):
        started = time.monotonic()
        status, _, _ = self.httpd.get("/bh/x")
        took = time.monotonic() - started
        self.assertEqual(status, 503)
        self.assertLess(took, 3.0)
        lines = wait_log_lines(self.httpd, "AJPG0110", 1)
        self.assertIn("worker blackhole ", lines[-1])


if __name__ == "__main__":
    unittest.main()
