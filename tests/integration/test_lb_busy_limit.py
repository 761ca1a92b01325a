"""Full members are not broken ones. busy_limit as a cap across httpd's children: however many
children send requests at once, a member never answers more than its busy_limit of them
(counted by the backend itself, with ajp-testd's peak_in_flight); requests over the cap wait a
bounded time (lb retries x retry_interval) for a place, and a member that is merely full stays
OK. And a backend that stops accepting connections (Tomcat at maxConnections with its
acceptCount backlog full) while it answers others is full too: requests go to another member
and it is not put in error."""
import collections
import concurrent.futures
import json
import os
import sys
import unittest

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

from harness import wait_until  # noqa: E402
from httpd import Httpd, module_path  # noqa: E402
from modjk import status_prop  # noqa: E402
from test_lb import SEED_HTTPD, seed_workers  # noqa: E402
from testd_backend import TestdBackend  # noqa: E402

LIMIT = 2
CHILDREN = 4
CLIENTS = 16       # at once, four per child if the children share them evenly
HOLD_MS = 300      # how long the backend holds each request
STATUS = "JkMount /jkstatus jkstatus\nLogFormat \"%P %>s\" pid\nCustomLog logs/access_log pid\n"


class BusyLimitAcrossChildrenTest(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        if not os.path.exists(module_path()):
            raise unittest.SkipTest("mod_jk.so not built at " + module_path())
        cls.backends = {n: TestdBackend(n, "--route", n, "--quiet") for n in ("was1", "was2")}

    @classmethod
    def tearDownClass(cls):
        for b in cls.backends.values():
            b.stop()

    def httpd(self, retries):
        extra = ("worker.list=loadbalancer,jkstatus\nworker.jkstatus.type=status\n"
                 f"worker.loadbalancer.retries={retries}\nworker.loadbalancer.retry_interval=100\n"
                 + "".join(f"worker.{n}.busy_limit={LIMIT}\n" for n in self.backends))
        ports = {n: b.port for n, b in self.backends.items()}
        return Httpd(SEED_HTTPD + STATUS, workers=seed_workers(ports, extra), threads=8, processes=CHILDREN)

    def burst(self, h):
        """CLIENTS requests at once, each on its own connection; [(status, echo or None)]."""
        def one(_):
            status, _, body = h.get("/app/x", headers={"X-Testd": f"delay={HOLD_MS}", "Connection": "close"},
                                    timeout=30)
            return status, json.loads(body) if status == 200 else None
        with concurrent.futures.ThreadPoolExecutor(CLIENTS) as pool:
            return list(pool.map(one, range(CLIENTS)))

    def peak(self, name):
        """The most requests the backend ever answered at once, asked of it directly."""
        conn = self.backends[name].connect()
        try:
            body = conn.request("GET", "/peak").body
        finally:
            conn.close()
        return json.loads(body)["peak_in_flight"]

    def member_props(self, h):
        pairs = wait_until(lambda: status_prop(h), 10, what="status worker")
        props = collections.defaultdict(dict)
        for key, value in pairs:
            parts = key.split(".")
            if len(parts) == 3 and parts[1] in self.backends:
                props[parts[1]][parts[2]] = value
        return props

    def served_by_children(self, h):
        wait_until(lambda: h.read("logs/access_log").count("\n") >= CLIENTS, 10, what="access log lines")
        return {line.split()[0] for line in h.read("logs/access_log").splitlines() if line.endswith(" 200")}

    def test_members_never_exceed_the_limit_and_waiting_requests_are_served(self):
        # 16 requests of 300 ms on 2 x 2 places take about 1.2 s: 40 rounds of 100 ms cover it.
        with self.httpd(retries=40) as h:
            results = self.burst(h)
            self.assertEqual([s for s, _ in results], [200] * CLIENTS)
            self.assertGreater(len(self.served_by_children(h)), 1, "the burst should reach several children")
            props = self.member_props(h)
        for name in self.backends:
            self.assertLessEqual(self.peak(name), LIMIT, name)
            # OK/IDLE (no pick since the last maintenance) and OK/BUSY are OK too; ERR is not.
            self.assertEqual(props[name]["state"].split("/")[0], "OK", name)
            self.assertEqual(props[name]["errors"], "0", name)
            self.assertLessEqual(int(props[name]["max_busy"]), LIMIT, name)
            self.assertEqual(props[name]["busy"], "0", name)
        self.assertEqual(set(e["backend"]["name"] for _, e in results), set(self.backends))

    def test_a_wait_too_short_ends_in_503_without_putting_a_member_in_error(self):
        # 2 rounds of 100 ms cannot outlast a 300 ms request: the requests beyond the four
        # places are refused, the four in place are answered, and both members stay OK.
        with self.httpd(retries=2) as h:
            statuses = collections.Counter(s for s, _ in self.burst(h))
            props = self.member_props(h)
            self.assertEqual(h.get("/app/x")[0], 200, "a request after the burst is served")
        self.assertGreaterEqual(statuses[200], 2 * LIMIT, statuses)
        self.assertGreater(statuses[503], 0, statuses)
        self.assertEqual(statuses[200] + statuses[503], CLIENTS, statuses)
        for name in self.backends:
            # OK/IDLE (no pick since the last maintenance) and OK/BUSY are OK too; ERR is not.
            self.assertEqual(props[name]["state"].split("/")[0], "OK", name)
            self.assertEqual(props[name]["errors"], "0", name)


class FullAcceptQueueTest(unittest.TestCase):
    """was1 is ajp-testd with --max-connections 2 --accept-count 0, closing every connection
    after its answer (as a connector's idle timeout would): beyond two connections and its one
    backlog place, a new connection's SYN is dropped and the connect times out."""

    def test_a_member_that_accepts_no_more_connections_but_answers_stays_ok(self):
        if not os.path.exists(module_path()):
            raise unittest.SkipTest("mod_jk.so not built at " + module_path())
        full = TestdBackend("was1", "--route", "was1", "--quiet", "--max-connections", "2", "--accept-count", "0",
                            "--fault", "no-reuse")
        other = TestdBackend("was2", "--route", "was2", "--quiet")
        try:
            extra = ("worker.list=loadbalancer,jkstatus\nworker.jkstatus.type=status\n"
                     "worker.was1.socket_connect_timeout=500\nworker.was2.socket_connect_timeout=500\n")
            conf = SEED_HTTPD.replace("JkLogLevel info", "JkLogLevel warn") + STATUS
            with Httpd(conf, workers=seed_workers({"was1": full.port, "was2": other.port}, extra), threads=16,
                       processes=2) as h:
                self.backends = {"was1": full, "was2": other}
                results = self.burst(h)
                props = self.member_props(h)
                log = h.read("logs/mod_jk.log")
        finally:
            rc = (full.stop(), other.stop())
        self.assertEqual([s for s, _ in results], [200] * CLIENTS)
        self.assertIn("AJPG0153", log, "no connect to was1 timed out: the test did not fill its queue")
        self.assertNotIn("AJPG0143", log)
        self.assertEqual((props["was1"]["state"].split("/")[0], props["was1"]["errors"]), ("OK", "0"))
        self.assertEqual(rc, (0, 0))

    burst = BusyLimitAcrossChildrenTest.burst
    member_props = BusyLimitAcrossChildrenTest.member_props


if __name__ == "__main__":
    unittest.main()
