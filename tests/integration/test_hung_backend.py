"""A member that hangs, through the real httpd: JkHungBackendCheck's defaults (2000 ms wait,
2000 ms CPONG) against ajp-testd stopped with SIGSTOP, a listener that accepts and never
answers, and a merely slow backend (3 s replies, prompt CPONG) that must not be taken for
hung. The seed's lb (was1, was2); requests carry was1's session so they go there first.
"""
import os
import signal
import socket
import sys
import threading
import time
import unittest

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

from harness import free_port  # noqa: E402
from httpd import Httpd, module_path  # noqa: E402
from test_lb import SEED_HTTPD, seed_workers  # noqa: E402
from testd_backend import TestdBackend  # noqa: E402

SESSION = {"Cookie": "JSESSIONID=A1B2.was1"}


class BlackHole:
    """Accepts connections on a port and never answers (a JVM whose acceptor still runs)."""

    def __init__(self, port=0):
        self.sock = socket.socket()
        self.sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        self.sock.bind(("127.0.0.1", port))
        self.sock.listen(64)
        self.port = self.sock.getsockname()[1]
        self.accepted = []
        self.stopping = False
        self.thread = threading.Thread(target=self._accept, daemon=True)
        self.thread.start()

    def _accept(self):
        self.sock.settimeout(0.2)
        while not self.stopping:
            try:
                conn, _ = self.sock.accept()
                self.accepted.append(conn)
            except OSError:
                continue

    def stop(self):
        self.stopping = True
        self.thread.join(5)
        for c in self.accepted:
            c.close()
        self.sock.close()


class HungBackendTest(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        if not os.path.exists(module_path()):
            raise unittest.SkipTest("mod_jk.so not built at " + module_path())

    def setUp(self):
        self.cleanup = []

    def tearDown(self):
        for stop in reversed(self.cleanup):
            stop()

    def backend(self, name, *args):
        b = TestdBackend(name, "--route", name, *args)
        self.cleanup.append(b.stop)
        return b

    def timed(self, h, method="GET", data=None):
        start = time.monotonic()
        status, headers, _ = h.get("/app/x", headers=SESSION, method=method, data=data, timeout=30)
        return status, headers.get("X-Route"), time.monotonic() - start

    def test_stopped_jvm_costs_a_get_about_four_seconds_and_a_post_a_clean_504(self):
        was1, was2 = self.backend("was1"), self.backend("was2")
        workers = seed_workers({"was1": was1.port, "was2": was2.port}, "worker.loadbalancer.recover_time=600\n")
        with Httpd(SEED_HTTPD, workers=workers) as h:
            self.assertEqual(self.timed(h)[:2], (200, "was1"))  # a pooled connection to was1
            os.kill(was1.proc.proc.pid, signal.SIGSTOP)
            self.cleanup.append(lambda: os.kill(was1.proc.proc.pid, signal.SIGCONT))
            status, route, took = self.timed(h)
            self.assertEqual((status, route), (200, "was2"))
            self.assertGreater(took, 3.5)  # 2 s wait + 2 s without a CPONG
            self.assertLess(took, 5.0)
            log = h.read("logs/mod_jk.log")
            self.assertIn("AJPG0122", log)
            self.assertIn("member was1 is now in error", log)
            # Later requests of the session go straight to was2.
            status, route, took = self.timed(h)
            self.assertEqual((status, route), (200, "was2"))
            self.assertLess(took, 1.0)

    def test_post_to_a_stopped_jvm_is_a_504_not_a_second_execution(self):
        was1, was2 = self.backend("was1"), self.backend("was2")
        workers = seed_workers({"was1": was1.port, "was2": was2.port})
        with Httpd(SEED_HTTPD, workers=workers) as h:
            self.assertEqual(self.timed(h)[:2], (200, "was1"))
            os.kill(was1.proc.proc.pid, signal.SIGSTOP)
            self.cleanup.append(lambda: os.kill(was1.proc.proc.pid, signal.SIGCONT))
            status, _, took = self.timed(h, method="POST", data=b"order=1")
            self.assertEqual(status, 504)
            self.assertLess(took, 5.0)
            self.assertEqual([r for r in was2.records() if r["type"] == "forward_request"], [])

    def test_listener_that_never_answers(self):
        hole = BlackHole()
        self.cleanup.append(hole.stop)
        was2 = self.backend("was2")
        workers = seed_workers({"was1": hole.port, "was2": was2.port})
        with Httpd(SEED_HTTPD, workers=workers) as h:
            status, route, took = self.timed(h)
            self.assertEqual((status, route), (200, "was2"))
            self.assertLess(took, 5.0)
            self.assertIn("AJPG0122", h.read("logs/mod_jk.log"))

    def test_slow_backend_is_not_hung(self):
        # 3 s per answer, CPONG at once: the check's CPING is answered, the request waits.
        was1, was2 = self.backend("was1", "--delay", "3000"), self.backend("was2")
        workers = seed_workers({"was1": was1.port, "was2": was2.port})
        with Httpd(SEED_HTTPD, workers=workers) as h:
            status, route, took = self.timed(h)
            self.assertEqual((status, route), (200, "was1"))
            self.assertGreater(took, 2.9)
            self.assertLess(took, 4.0)
            log = h.read("logs/mod_jk.log")
            self.assertNotIn("AJPG0122", log)
            self.assertNotIn("is now in error", log)
            self.assertEqual([r for r in was2.records() if r["type"] == "forward_request"], [])

    def test_off_waits_as_mod_jk_does(self):
        was1, was2 = self.backend("was1"), self.backend("was2")
        workers = seed_workers({"was1": was1.port, "was2": was2.port})
        with Httpd(SEED_HTTPD + "JkHungBackendCheck Off\n", workers=workers) as h:
            self.assertEqual(self.timed(h)[:2], (200, "was1"))
            os.kill(was1.proc.proc.pid, signal.SIGSTOP)
            threading.Timer(6.0, lambda: os.kill(was1.proc.proc.pid, signal.SIGCONT)).start()
            status, route, took = self.timed(h)
            self.assertEqual((status, route), (200, "was1"))  # the JVM came back and answered
            self.assertGreater(took, 5.5)

    def test_directive_values(self):
        for line, ok in (("JkHungBackendCheck 1500", True), ("JkHungBackendCheck 1500 800", True),
                         ("JkHungBackendCheck off", True), ("JkHungBackendCheck 0", False),
                         ("JkHungBackendCheck soon", False), ("JkHungBackendCheck Off 5", False)):
            with self.subTest(line=line):
                h = Httpd(SEED_HTTPD + line + "\n", workers=seed_workers({"was1": free_port()}))
                rc, out = h.check_syntax()
                self.assertEqual(rc == 0, ok, out)
                if not ok:
                    self.assertIn("JkHungBackendCheck", out)


if __name__ == "__main__":
    unittest.main()
