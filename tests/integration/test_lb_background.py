"""What each httpd child's background thread does instead of a user's request: recovery
probes (one into a node that accepts and never answers must not hold anyone up), the status
worker's "recover", and host names that did not resolve at start-up (warned about, the member
in error, the others serving). ajp-testd plays the healthy nodes; a Python listener plays
the hung one."""
import os
import socket
import sys
import threading
import time
import unittest

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

from harness import free_port, wait_until  # noqa: E402
from httpd import Httpd, module_path  # noqa: E402
from testd_backend import TestdBackend  # noqa: E402

CONF = """JkWorkersFile workers.properties
JkLogFile logs/mod_jk.log
JkLogLevel info
JkMount /app/* lb
JkMount /ghost/* ghost
JkMount /jkstatus jkstatus
"""
CPING = bytes([0x12, 0x34, 0x00, 0x01, 0x0A])


def workers(members, extra=""):
    """members: {name: (host, port)}"""
    text = "worker.list=lb,jkstatus\nworker.lb.type=lb\nworker.lb.balance_workers=" + ",".join(members) + "\n"
    text += "worker.jkstatus.type=status\n"
    for name, (host, port) in members.items():
        text += f"worker.{name}.type=ajp13\nworker.{name}.host={host}\nworker.{name}.port={port}\n"
    return text + extra


def prop_values(body, key):
    return [line.split("=", 1)[1] for line in body.decode().splitlines() if line.startswith(key + "=")]


class HungNode:
    """Accepts connections and never answers: what a probe meets in a node that is up at the
    TCP level but stuck. Remembers when each connection came and what it sent."""

    def __init__(self, port):
        self.sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        self.sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        self.sock.bind(("127.0.0.1", port))
        self.sock.listen(16)
        self.accepted = []  # (monotonic time, connection)
        self.received = b""
        self.closed = False
        threading.Thread(target=self._accept, daemon=True).start()

    def _accept(self):
        while not self.closed:
            try:
                conn, _ = self.sock.accept()
            except OSError:
                return
            self.accepted.append((time.monotonic(), conn))
            threading.Thread(target=self._read, args=(conn,), daemon=True).start()

    def _read(self, conn):
        try:
            while True:
                data = conn.recv(1024)
                if not data:
                    return
                self.received += data
        except OSError:
            return

    def close(self):
        self.closed = True
        for _, conn in self.accepted:
            try:
                conn.shutdown(socket.SHUT_RDWR)
                conn.close()
            except OSError:
                pass
        self.sock.close()


class BackgroundCase(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        if not os.path.exists(module_path()):
            raise unittest.SkipTest("mod_jk.so not built at " + module_path())
        cls.was1 = TestdBackend("was1", "--route", "was1")

    @classmethod
    def tearDownClass(cls):
        cls.was1.stop()

    def route(self, h, cookie=None):
        headers = {"Connection": "close"}
        if cookie:
            headers["Cookie"] = cookie
        started = time.monotonic()
        status, hdrs, _ = h.get("/app/x", headers=headers)
        return status, hdrs.get("X-Route"), time.monotonic() - started


class RecoveryProbeTest(BackgroundCase):
    def test_probe_into_a_hung_node_does_not_delay_requests(self):
        hung_port = free_port()  # nothing listens yet: the first request finds it dead
        extra = ("worker.lb.recover_time=1\nworker.maintain=1\n"
                 "worker.hung.ping_timeout=10000\nworker.hung.socket_connect_timeout=2000\n")
        members = {"was1": ("127.0.0.1", self.was1.port), "hung": ("127.0.0.1", hung_port)}
        with Httpd(CONF, workers=workers(members, extra), processes=2, threads=4) as h:
            for _ in range(4):
                self.assertEqual(self.route(h)[:2], (200, "was1"))
            wait_until(lambda: "member hung is now in error" in h.read("logs/mod_jk.log"), 5,
                       what="the dead member to be marked in error")
            node = HungNode(hung_port)
            try:
                # After recover_time the background thread probes it; the probe waits ping_timeout.
                wait_until(lambda: CPING in node.received, 10, what="the recovery probe's CPING")
                probe_started = node.accepted[0][0]
                latencies = []
                while time.monotonic() - probe_started < 6:  # well inside the 10 s ping_timeout
                    status, route, took = self.route(h)
                    self.assertEqual((status, route), (200, "was1"))
                    latencies.append(took)
                self.assertGreater(len(latencies), 10)
                self.assertLess(max(latencies), 3.0, f"a request waited for the probe: {max(latencies):.2f}s")
                # The probe was still outstanding the whole time (no verdict yet), and alone: a
                # recover_time shorter than the probe does not start another one every second.
                self.assertNotIn("recovery probe of hung", h.read("logs/mod_jk.log"))
                self.assertEqual(len(node.accepted), 1)
                wait_until(lambda: "recovery probe of hung got no CPONG" in h.read("logs/mod_jk.log"), 12,
                           what="the probe's timeout")
            finally:
                node.close()  # a probe in flight ends at once, so the child exits promptly

    def test_status_recover_probes_and_brings_the_member_back(self):
        was2_port = free_port()
        extra = "worker.lb.recover_time=600\n"  # only "recover" can bring it back in time
        members = {"was1": ("127.0.0.1", self.was1.port), "was2": ("127.0.0.1", was2_port)}
        with Httpd(CONF, workers=workers(members, extra)) as h:
            for _ in range(4):
                self.route(h)
            state = lambda: prop_values(h.get("/jkstatus?cmd=show&w=lb&sw=was2&mime=prop")[2], "worker.was2.state")
            self.assertEqual(state(), ["ERR"])
            was2 = TestdBackend("was2", "--route", "was2", "--port", str(was2_port))
            try:
                _, _, body = h.get("/jkstatus?cmd=recover&w=lb&sw=was2&mime=prop")
                self.assertEqual(prop_values(body, "worker.result.type"), ["OK"])
                # No request needed: the background thread's probe answers within a tick or two.
                wait_until(lambda: state()[0].startswith("OK"), 5, interval=0.2, what="was2 back to OK")
                self.assertIn("member was2 is back (recovery probe answered)", h.read("logs/mod_jk.log"))
                self.assertEqual({self.route(h)[1] for _ in range(8)}, {"was1", "was2"})
            finally:
                was2.stop()


class UnresolvedHostTest(BackgroundCase):
    def test_unresolved_member_is_in_error_and_the_others_serve(self):
        # .invalid never resolves (RFC 6761).
        members = {"was1": ("127.0.0.1", self.was1.port), "ghost": ("ajpgate-node.invalid", 8009)}
        extra = "worker.list=ghost\n"
        with Httpd(CONF, workers=workers(members, extra), processes=2, threads=4) as h:
            for _ in range(20):
                self.assertEqual(self.route(h)[:2], (200, "was1"))
            status, _, _ = h.get("/ghost/x")
            self.assertEqual(status, 503)
            log = h.read("logs/mod_jk.log")
            self.assertIn("AJPG0146 worker ghost (ajpgate-node.invalid:8009): host name does not resolve", log)
            self.assertIn("host name did not resolve at start-up; 503", log)
            pairs = h.get("/jkstatus?cmd=show&w=lb&sw=ghost&mime=prop")[2]
            self.assertEqual(prop_values(pairs, "worker.ghost.state"), ["ERR"])
            # The retries go on in the background without harm (1 s, 2 s, 4 s ...).
            time.sleep(3.5)
            self.assertEqual(self.route(h)[:2], (200, "was1"))
            self.assertTrue(h.process.alive())
        self.assertNotIn("AddressSanitizer", h.error_log())
        self.assertNotIn("runtime error", h.error_log())

    def test_name_that_starts_resolving_is_used_without_a_restart(self):
        # AJPGATE_TEST_HOSTS (test-only) puts a hosts-like file before DNS; the name gets its
        # line only once httpd runs, as a container's name appears when the container starts.
        was2 = TestdBackend("was2", "--route", "was2")
        members = {"was1": ("127.0.0.1", self.was1.port), "ghost": ("ajpgate-late.invalid", was2.port)}
        h = Httpd(CONF, workers=workers(members, "worker.list=ghost\n"), processes=2, threads=4)
        hosts = h.write("hosts", "")
        os.environ["AJPGATE_TEST_HOSTS"] = hosts
        try:
            with h:
                self.assertEqual(h.get("/ghost/x")[0], 503)
                self.assertEqual({self.route(h)[1] for _ in range(6)}, {"was1"})
                h.write("hosts", "127.0.0.1 ajpgate-late.invalid\n")
                # Retries at 1, 3, 7, 15 s after start-up: the next one finds it.
                wait_until(lambda: h.get("/ghost/x", headers={"Connection": "close"})[0] == 200, 20, interval=0.5,
                           what="the direct worker to resolve")
                # (the member named ghost is the ajp-testd that answers X-Route: was2)
                wait_until(lambda: "was2" in {self.route(h)[1] for _ in range(4)}, 10, interval=0.3,
                           what="the lb member to take requests again")
                log = h.read("logs/mod_jk.log")
                self.assertIn("AJPG0147 worker ghost (ajpgate-late.invalid:%d): host name resolves now (127.0.0.1:%d)"
                              % (was2.port, was2.port), log)
                self.assertIn("member ghost is back (recovery probe answered)", log)
            self.assertNotIn("AddressSanitizer", h.error_log())
        finally:
            del os.environ["AJPGATE_TEST_HOSTS"]
            was2.stop()


if __name__ == "__main__":
    unittest.main()
