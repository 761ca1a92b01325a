"""recovery_options through the real httpd, one bit at a time, against ajp-testd faults.

The seed's lb (was1, was2; ajp-testd playing Tomcat with --route). Every request carries the
session of was1, so it goes there first; was1 is started with the fault under test as its
default for every request, was2 answers normally. Whether the request went on to was2 (the
client gets was2's 200) or stopped (the client gets a 502/504 and was2 saw nothing) is the
bit's effect; ajp-testd's records say what each backend saw.
"""
import os
import socket
import sys
import time
import unittest

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

from harness import wait_until  # noqa: E402
from httpd import Httpd, module_path  # noqa: E402
from test_lb import SEED_HTTPD, seed_workers  # noqa: E402
from testd_backend import TestdBackend  # noqa: E402

SESSION = {"Cookie": "JSESSIONID=A1B2.was1"}


class RecoveryOptionsTest(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        if not os.path.exists(module_path()):
            raise unittest.SkipTest("mod_jk.so not built at " + module_path())

    def setUp(self):
        self.backends = {}

    def tearDown(self):
        for b in self.backends.values():
            b.stop()

    def lb(self, recovery, *was1_args, extra=""):
        """httpd in front of was1 (started with was1_args) and a healthy was2."""
        self.backends["was1"] = TestdBackend("was1", "--route", "was1", *was1_args)
        self.backends["was2"] = TestdBackend("was2", "--route", "was2")
        ports = {n: b.port for n, b in self.backends.items()}
        extra = f"worker.was1.recovery_options={recovery}\nworker.loadbalancer.recover_time=600\n" + extra
        return Httpd(SEED_HTTPD, workers=seed_workers(ports, extra))

    def requests_seen(self, name):
        return [r for r in self.backends[name].records() if r["type"] == "forward_request"]

    def ask(self, h, method="GET", data=None):
        status, headers, _ = h.get("/app/x", headers=SESSION, method=method, data=data)
        return status, headers.get("X-Route")

    def test_bit_1_no_resend_once_the_backend_had_the_request(self):
        # was1 reads the request and closes without a word (Tomcat killed mid-request).
        for bits, expected in ((0, (200, "was2")), (1, (502, None))):
            with self.subTest(recovery_options=bits), self.lb(bits, "--fault", "close-before-headers") as h:
                self.assertEqual(self.ask(h), expected)
                self.assertGreaterEqual(len(self.requests_seen("was1")), 1)
                self.assertEqual(len(self.requests_seen("was2")), 1 if bits == 0 else 0)
                if bits == 1:
                    self.assertIn("AJPG0114", h.read("logs/mod_jk.log"))
            self.tearDown()
            self.setUp()

    def test_bit_2_no_resend_once_headers_arrived(self):
        # was1 sends its headers, then a second set: a protocol error after the headers
        # arrived and before anything reached the client.
        for bits, expected in ((0, (200, "was2")), (2, (502, None))):
            with self.subTest(recovery_options=bits), self.lb(bits, "--fault", "headers-twice") as h:
                self.assertEqual(self.ask(h), expected)
                self.assertEqual(len(self.requests_seen("was2")), 1 if bits == 0 else 0)
                if bits == 2:
                    self.assertIn("AJPG0112", h.read("logs/mod_jk.log"))
            self.tearDown()
            self.setUp()

    def fresh(self, bits, method, *was1_args, data=None):
        """One request on a fresh lb (a failed member is in error afterwards and would be skipped)."""
        self.tearDown()
        self.setUp()
        with self.lb(bits, *was1_args) as h:
            answer = self.ask(h, method=method, data=data)
            return answer, [r["method"] for r in self.requests_seen("was2")]

    def test_bit_8_resends_head_despite_bit_1(self):
        close = ("--fault", "close-before-headers")
        self.assertEqual(self.fresh(1 | 8, "HEAD", *close), ((200, "was2"), ["HEAD"]))
        self.assertEqual(self.fresh(1 | 8, "GET", *close), ((502, None), []))

    def test_bit_16_resends_get_despite_bit_1(self):
        close = ("--fault", "close-before-headers")
        self.assertEqual(self.fresh(1 | 16, "GET", *close), ((200, "was2"), ["GET"]))
        self.assertEqual(self.fresh(1 | 16, "POST", *close, data=b""), ((502, None), []))
        self.assertEqual(self.fresh(1 | 8 | 16, "GET", *close), ((200, "was2"), ["GET"]))

    def test_bit_4_resets_the_backend_connection_when_the_client_fails(self):
        # The client announces 20000 bytes of body, sends 10000 and goes away: ajpgate sent the
        # first packet, the backend asks for more, the client's body ends short. With bit 4 the
        # backend connection is reset (the application's read fails); without, it is closed.
        for bits, reason in ((0, "body read eof"), (4, "body read error")):
            with self.subTest(recovery_options=bits), self.lb(bits) as h:
                with socket.create_connection(("127.0.0.1", h.port), timeout=10) as s:
                    s.sendall(b"POST /app/upload HTTP/1.1\r\nHost: localhost\r\nCookie: JSESSIONID=A1B2.was1\r\n"
                              b"Content-Length: 20000\r\n\r\n" + b"x" * 10000)
                    # Wait until the backend asked for more than the first packet, then leave.
                    wait_until(lambda: self.requests_seen("was1"), 10, what="was1 to get the request")
                    time.sleep(0.3)
                    s.shutdown(socket.SHUT_WR)
                    s.recv(100)
                closes = []
                wait_until(lambda: closes.extend(r for r in self.backends["was1"].records()
                                                 if r["type"] == "close") or closes, 10,
                           what="was1's connection to close")
                self.assertEqual(closes[0]["reason"], reason, closes)
                self.assertEqual(self.requests_seen("was2"), [])  # the client's fault: no failover
            self.tearDown()
            self.setUp()

    def test_post_body_in_its_first_packet_goes_to_the_next_member(self):
        # was1 takes the POST and its body (one packet, sent with the request) and closes: the
        # next member gets the same body, though the client sent it once (mod_jk keeps the
        # first body packet too). was2 routes it under its own route and secret.
        import hashlib
        import json
        body = b"order=42&item=" + b"x" * 2000
        with self.lb(0, "--fault", "close-before-headers") as h:
            status, headers, answer = h.get("/app/x", headers=SESSION, method="POST", data=body)
            self.assertEqual((status, headers.get("X-Route")), (200, "was2"))
            echo = json.loads(answer)
            self.assertEqual(echo["body_length"], len(body))
            self.assertEqual(echo["body_sha256"], hashlib.sha256(body).hexdigest())
            self.assertEqual(echo["attributes"]["route"], "was2")
            self.assertGreaterEqual(len(self.requests_seen("was1")), 1)

    def test_reply_timeout_resends_only_what_may_run_twice(self):
        # was1 answers 3 s late; reply_timeout is 500 ms. GET is safe to send to was2; a POST
        # may still be running on was1: 504.
        with self.lb(0, "--delay", "3000", extra="worker.was1.reply_timeout=500\n") as h:
            start = time.monotonic()
            self.assertEqual(self.ask(h, method="GET"), (200, "was2"))
            self.assertLess(time.monotonic() - start, 2.5)
        self.tearDown()
        self.setUp()
        with self.lb(0, "--delay", "3000", extra="worker.was1.reply_timeout=500\n") as h:
            self.assertEqual(self.ask(h, method="POST", data=b"a=1"), (504, None))
            self.assertEqual(self.requests_seen("was2"), [])
            self.assertIn("AJPG0113", h.read("logs/mod_jk.log"))


if __name__ == "__main__":
    unittest.main()
