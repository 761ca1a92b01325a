"""The seed's set-up end to end: httpd + ajpgate (lb 'loadbalancer' over was1, was2, JkMount /*)
in front of a real two-node Tomcat 10 session cluster (DeltaManager replication, static
membership on loopback, JvmRouteBinderValve). Issue 4, "End to end with a real Tomcat cluster":
lbfactor split, stickiness by cookie and ;jsessionid=, draining a node through the status
worker (disable, stop, activate: issue 10), kill -9 of a session's node under
concurrent load (failover that keeps the session and follows the rebound route), and recovery
after the node restarts on the same AJP port.

The measured failover figures are printed and, if AJPGATE_FAILOVER_REPORT names a file,
written there as JSON. Run: AJPGATE_BUILD=<build dir> python3 tests/integration/run.py tomcat_cluster"""
import collections
import json
import os
import re
import signal
import sys
import threading
import time
import unittest

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

from httpd import Httpd  # noqa: E402
from tomcat_cluster import WithCluster, fetch, lb_workers  # noqa: E402

SEED_HTTPD = """JkWorkersFile workers.properties
JkLogFile logs/mod_jk.log
JkLogLevel info
JkMount /* loadbalancer
"""
# Small enough that a restarted node is probed back within the test's time. ping_timeout:
# a starting Tomcat listens on its AJP port (bindOnInit) seconds before it answers, and a
# recovery probe in that window waits the whole CPONG timeout (default 10 s) inside the
# request that happened to run it; 1 s keeps that stall below the clients' timeout.
RECOVERY = ("worker.loadbalancer.recover_time=2\nworker.maintain=1\n"
            "worker.was1.ping_timeout=1000\nworker.was2.ping_timeout=1000\n")
class ClusterCase(WithCluster, unittest.TestCase):
    """One cluster for the whole class: was1 first, a session on it, then was2 (which takes
    that session by state transfer). The tests run in name order; the kill test is last."""

    @classmethod
    def setUpClass(cls):
        def early_session():
            cls.early = cls.direct("was1", "/app/counter.jsp")
        cls.start_cluster(early_session)
        cls.figures = {}

    @classmethod
    def direct(cls, route, path, session=None):
        """A request to a node's own HTTP connector, bypassing httpd."""
        return fetch(cls.cluster[route].http_port, path, session)

    # --- 0. the cluster itself --------------------------------------------------------------

    def test_0_second_node_took_the_first_nodes_sessions(self):
        self.assertEqual((self.early.status, self.early.count, self.early.node), (200, 1, "was1"))
        r = self.direct("was2", "/app/counter.jsp", self.early.session)
        # Replicated by state transfer at was2's start; JvmRouteBinderValve moved it to was2.
        self.assertEqual((r.status, r.node, r.count), (200, "was2", 2))
        self.assertEqual(r.set_cookie, self.early.session.rsplit(".", 1)[0] + ".was2")

    # --- 1. sessionless requests split by lbfactor ------------------------------------------

    def test_1_sessionless_requests_split_by_lbfactor(self):
        for factors, share in (({"was1": 1, "was2": 1}, 0.5), ({"was1": 3, "was2": 1}, 0.75)):
            with Httpd(SEED_HTTPD, workers=lb_workers(self.cluster, factors), threads=4) as h:
                counts = collections.Counter(fetch(h.port, "/app/node.jsp").node for _ in range(200))
            self.assertEqual(counts["was1"] + counts["was2"], 200, counts)
            self.assertAlmostEqual(counts["was1"] / 200, share, delta=0.03, msg=f"{factors}: {counts}")

    # --- 2. stickiness ------------------------------------------------------------------------

    def test_2_session_stays_on_its_node_by_cookie_and_by_path(self):
        with Httpd(SEED_HTTPD, workers=lb_workers(self.cluster)) as h:
            for route in ("was1", "was2"):
                first = self.new_session_on(h, route)
                self.assertEqual(first.count, 1)
                self.assertTrue(first.session.endswith("." + route), first.session)
                count = 1
                for i in range(20):
                    if i % 2:
                        r = fetch(h.port, "/app/counter.jsp;jsessionid=" + first.session)
                    else:
                        r = fetch(h.port, "/app/counter.jsp", first.session)
                    count += 1
                    self.assertEqual((r.status, r.node, r.session, r.count), (200, route, first.session, count),
                                     "by path" if i % 2 else "by cookie")

    # --- 2b. drain a node through the status worker (jkstatus), as before a deploy -----------

    def status_update(self, h, **values):
        query = "&".join(["cmd=update", "mime=prop", "w=loadbalancer"] + [f"{k}={v}" for k, v in values.items()])
        r = fetch(h.port, "/jkstatus?" + query)
        self.assertEqual(r.status, 200)
        return r

    def test_2b_drain_through_the_status_worker(self):
        conf = SEED_HTTPD + "JkMount /jkstatus jkstatus\n"
        workers = lb_workers(self.cluster).replace("worker.list=loadbalancer", "worker.list=loadbalancer,jkstatus")
        workers += "worker.jkstatus.type=status\n"
        with Httpd(conf, workers=workers) as h:
            on_was1 = self.new_session_on(h, "was1")
            on_was2 = self.new_session_on(h, "was2")
            # Disabled: new sessions go only to was2, was1's sessions stay on was1.
            self.status_update(h, sw="was1", vwa="D")
            self.assertEqual({fetch(h.port, "/app/node.jsp").node for _ in range(20)}, {"was2"})
            count = on_was1.count
            for _ in range(5):
                r = fetch(h.port, "/app/counter.jsp", on_was1.session)
                count += 1
                self.assertEqual((r.status, r.node, r.count), (200, "was1", count))
            r = fetch(h.port, "/app/counter.jsp", on_was2.session)
            self.assertEqual((r.status, r.node, r.count), (200, "was2", on_was2.count + 1))
            # Stopped: was1's session moves to was2 with its data, and the route is rebound there.
            self.status_update(h, sw="was1", vwa="S")
            r = fetch(h.port, "/app/counter.jsp", on_was1.session)
            count += 1
            self.assertEqual((r.status, r.node, r.count), (200, "was2", count))
            moved = on_was1.session.rsplit(".", 1)[0] + ".was2"
            self.assertEqual(r.set_cookie, moved)
            r = fetch(h.port, "/app/counter.jsp", moved)
            count += 1
            self.assertEqual((r.status, r.node, r.count, r.set_cookie), (200, "was2", count, None))
            # Active again: was1 takes new sessions.
            self.status_update(h, sw="was1", vwa="A")
            nodes = collections.Counter(self.new_session_on(h, "was1").node for _ in range(3))
            self.assertEqual(nodes, {"was1": 3})
            self.assertIn("changing 'activation' for sub worker 'was1' of lb worker 'loadbalancer' from 'DIS' to 'STP'",
                          h.read("logs/mod_jk.log"))

    # --- 3 and 4. kill -9 under load, then restart ------------------------------------------

    def test_2c_stopped_jvm_under_load(self):
        """SIGSTOP of one node's JVM for 15 s while four clients with sessions run (a long GC
        pause, a debugger): with JkHungBackendCheck's defaults the stopped node is found hung
        and no request fails; after SIGCONT the node takes traffic again. The survivor itself
        stalls while its synchronous session replication waits for the stopped peer
        (channelSendOptions=6): a client talking to it directly, bypassing httpd, measures that
        stall, and no request through httpd may wait more than 5 s longer than it."""
        self.addCleanup(self.report)
        victim, survivor = "was2", "was1"
        with Httpd(SEED_HTTPD, workers=lb_workers(self.cluster, extra=RECOVERY)) as h:
            sessions = [self.new_session_on(h, route) for route in ("was1", "was2", "was1", "was2")]
            load = Load(h.port, [s.session for s in sessions], timeout=30.0, limit=40.0)
            load.start()
            direct = Ticker(self.cluster[survivor].http_port, "/app/counter.jsp", timeout=30.0,
                            session=sessions[0].session)
            time.sleep(2.0)
            direct.start()
            group = self.cluster[victim].process.proc.pid
            os.killpg(group, signal.SIGSTOP)
            stopped_at, stopped_wall = time.monotonic(), time.time()
            try:
                time.sleep(15.0)
            finally:
                os.killpg(group, signal.SIGCONT)
            resumed_at = time.monotonic()
            direct.join()
            ticker = Ticker(h.port, "/app/node.jsp")
            ticker.start()
            back = ticker.first_from(victim, timeout=30.0)
            ticker.join()
            load.join(after_kill=0.5)
            replies = [r for rs in load.replies for r in rs]
            during = [r for r in replies if r.ended > stopped_at and r.started < resumed_at]
            failed = [r for r in replies + ticker.replies if r.status != 200]
            self.figures["sigstop"] = {
                "requests": len(replies), "during_stop": len(during), "failed": len(failed),
                "failed_statuses": sorted(collections.Counter(r.status for r in failed).items()),
                "longest_wait_ms": round(max(r.ended - r.started for r in replies) * 1000),
                "longest_wait_during_stop_ms": round(max((r.ended - r.started for r in during), default=0) * 1000),
                "back_after_sigcont_s": round(back - resumed_at, 2) if back else None,
                "survivor_direct_longest_ms": round(max(r.ended - r.started for r in direct.replies) * 1000),
                "hung_lines": h.read("logs/mod_jk.log").count("AJPG0122"),
                "slowest": [(r.node, r.status, round((r.ended - r.started) * 1000), round(r.started - stopped_at, 2))
                            for r in sorted(replies, key=lambda r: r.started - r.ended)[:6]]}
            self.assertEqual(len(failed), 0, self.figures["sigstop"])
            figures = self.figures["sigstop"]
            # The requests waiting on the stopped node gave up on it within ~4 s (2 s wait,
            # 2 s without a CPONG) and went to the survivor; what they waited there is the
            # survivor's replication stall, which ajpgate cannot shorten.
            stamps = re.finditer(r"^\[(\w+ \w+ \d+ [\d:]+)(\.\d+) (\d+)\].*AJPG0122", h.read("logs/mod_jk.log"),
                                 re.M)
            verdicts = [time.mktime(time.strptime(m.group(1) + " " + m.group(3), "%a %b %d %H:%M:%S %Y")) +
                        float(m.group(2)) for m in stamps]
            figures["hung_verdict_after_stop_s"] = round(min(verdicts) - stopped_wall, 2) if verdicts else None
            self.assertTrue(verdicts, figures)
            self.assertLess(figures["hung_verdict_after_stop_s"], 5.0, figures)
            self.assertIsNotNone(back, f"{victim} took no request within 30 s of SIGCONT")

    def test_3_kill_under_load_fails_over_and_the_node_recovers(self):
        self.addCleanup(self.report)  # the figures are printed even when a check fails
        with Httpd(SEED_HTTPD, workers=lb_workers(self.cluster, extra=RECOVERY)) as h:
            sessions = [self.new_session_on(h, route) for route in ("was1", "was2", "was1", "was2")]
            victim = "was1"  # the node of the first load session
            survivor = "was2"
            load = Load(h.port, [s.session for s in sessions])
            load.start()
            time.sleep(2.0)  # a few hundred requests before the kill
            killed_at, reaped_at = self.cluster[victim].kill()
            self.figures["kill_to_jvm_reaped_ms"] = round((reaped_at - killed_at) * 1000, 1)
            load.join(after_kill=6.0)
            self.figures["replayed_on_another_member"] = h.read("logs/mod_jk.log").count("tries another member")
            self.check_failover(load, sessions, victim, survivor, killed_at)

            # Light sessionless traffic goes on while the node restarts, so the balancer keeps
            # probing it every recover_time as it would in production.
            ticker = Ticker(h.port, "/app/node.jsp")
            ticker.start()
            restarted_at = time.monotonic()
            self.cluster.start(victim)
            ready_at = time.monotonic()
            back = ticker.first_from(victim, timeout=30.0)
            ticker.join()
            # recovery_after_ready_s may be slightly negative: the harness polls readiness
            # every 0.25 s, the balancer may get there first.
            slowest = max(r.ended - r.started for r in ticker.replies)
            self.figures.update(restart_tomcat_ready_s=round(ready_at - restarted_at, 2),
                                recovery_s=round(back - restarted_at, 2) if back else None,
                                recovery_after_ready_s=round(back - ready_at, 2) if back else None,
                                failed_during_restart=sum(1 for r in ticker.replies if r.status != 200),
                                slowest_during_restart_ms=round(slowest * 1000))
            self.assertIsNotNone(back, f"{victim} took no request within 30 s of being ready again")
            self.assertEqual(self.figures["failed_during_restart"], 0)
            self.assertEqual(self.new_session_on(h, victim).count, 1)  # it takes new sessions again
            # The restarted node rejoined the cluster and took the survivor's sessions again.
            last = load.replies[1][-1]
            r = self.direct(victim, "/app/counter.jsp", last.session)
            self.assertEqual((r.status, r.node, r.count), (200, victim, last.count + 1))
            log = h.read("logs/mod_jk.log")
            self.assertIn("AJPG0143", log)  # the killed member was marked in error
            self.assertIn("AJPG0144", log)  # ... and came back through a recovery probe

    def check_failover(self, load, sessions, victim, survivor, killed_at):
        replies = load.replies
        total = sum(len(r) for r in replies)
        failed = [r for rs in replies for r in rs if r.status != 200]
        in_flight = sum(1 for rs in replies for r in rs if r.started < killed_at < r.ended)
        self.figures.update(requests_during_load=total, in_flight_at_kill=in_flight, failed_requests=len(failed),
                            failed_statuses=sorted(collections.Counter(r.status for r in failed).items()),
                            slowest_request_ms=round(max(r.ended - r.started for rs in replies for r in rs) * 1000, 1))
        first_success = None
        for i, session in enumerate(sessions):
            rs = replies[i]
            self.assertTrue(rs, f"thread {i} made no request")
            served = [r for r in rs if r.status == 200]
            counts = [r.count for r in served]
            if session.node != victim:
                self.assertEqual(counts, list(range(2, 2 + len(counts))), f"thread {i} ({session.node}) counts")
                self.assertEqual({r.node for r in served}, {survivor}, f"thread {i}")
                continue
            # A request in flight at the kill may have been answered by the victim before it
            # died, or replayed on the survivor; the first request sent after the kill is
            # "the very next request" and must be served, by the survivor.
            after = [r for r in rs if r.started >= killed_at]
            self.assertTrue(after, f"thread {i}: no request after the kill")
            self.assertEqual((after[0].status, after[0].node), (200, survivor), f"thread {i}: next request")
            moved = next(n for n, r in enumerate(served) if r.node == survivor)
            self.check_counter_across_failover(i, counts, moved)
            # The survivor's first answer rebinds the session to its route (JvmRouteBinderValve);
            # the client follows the new cookie and every later answer comes from the survivor.
            self.assertEqual(served[moved].set_cookie, session.session.rsplit(".", 1)[0] + "." + survivor,
                             f"thread {i}: JvmRouteBinderValve's new cookie")
            self.assertEqual({r.node for r in served[moved:]}, {survivor}, f"thread {i}: later requests stick")
            first_success = min(first_success or served[moved].ended, served[moved].ended)
        self.figures["kill_to_first_failover_success_ms"] = round((first_success - killed_at) * 1000, 1)
        self.assertEqual(len(failed), 0, f"failed requests during the kill: {self.figures}")

    def check_counter_across_failover(self, thread, counts, moved):
        """The counter goes on from where it was (replicated, not reset to 1): +1 per request,
        except the step onto the survivor, which may also be +2: a GET the victim had processed
        and replicated but not answered when it died is replayed on the survivor. (Replication
        is synchronous here; see tomcat_cluster.CLUSTER_XML for the seed's asynchronous one.)"""
        steps = [b - a for a, b in zip([1] + counts, counts)]  # the session was made with count 1
        self.figures.setdefault("counter_steps_at_failover", []).append(steps[moved])
        self.assertIn(steps[moved], (1, 2), f"thread {thread}: counts {counts[max(0, moved - 3):moved + 3]}")
        self.assertEqual(steps[:moved] + steps[moved + 1:], [1] * (len(steps) - 1), f"thread {thread}: counts")

    def report(self):
        print("\n  failover figures: " + json.dumps(self.figures), flush=True)
        path = os.environ.get("AJPGATE_FAILOVER_REPORT")
        if path:
            with open(path, "w") as f:
                json.dump(self.figures, f, indent=2)


class Load:
    """One client thread per session, each sending GET /app/counter.jsp with its session
    cookie back to back (following a rewritten cookie as a browser does), every request
    bounded by a timeout, until told to stop; at most 20 s in all."""

    def __init__(self, port, sessions, timeout=5.0, limit=20.0):
        self.port = port
        self.replies = [[] for _ in sessions]
        self.stop = threading.Event()
        self.deadline = time.monotonic() + limit
        self.threads = [threading.Thread(target=self.run, args=(i, s, timeout), daemon=True)
                        for i, s in enumerate(sessions)]

    def run(self, i, session, timeout):
        for _ in range(5000):
            if self.stop.is_set() or time.monotonic() > self.deadline:
                return
            r = fetch(self.port, "/app/counter.jsp", session, timeout)
            self.replies[i].append(r)
            session = r.set_cookie or session

    def start(self):
        for t in self.threads:
            t.start()

    def join(self, after_kill):
        time.sleep(after_kill)
        self.stop.set()
        for t in self.threads:
            t.join(timeout=10)


class Ticker:
    """GETs (sessionless, or with one session) on one thread every interval, each bounded by a
    timeout, until joined; at most limit seconds in all."""

    def __init__(self, port, path, interval=0.05, timeout=5.0, limit=60.0, session=None):
        self.port, self.path, self.interval, self.timeout = port, path, interval, timeout
        self.session = session
        self.replies = []
        self.done = threading.Event()
        self.deadline = time.monotonic() + limit
        self.thread = threading.Thread(target=self.run, daemon=True)

    def run(self):
        while not self.done.is_set() and time.monotonic() < self.deadline:
            self.replies.append(fetch(self.port, self.path, self.session, timeout=self.timeout))
            self.done.wait(self.interval)

    def start(self):
        self.thread.start()

    def first_from(self, node, timeout):
        """When (time.monotonic()) the first answer from node ended, waiting up to timeout."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            hit = next((r for r in list(self.replies) if r.node == node), None)
            if hit:
                return hit.ended
            time.sleep(0.05)
        return None

    def join(self):
        self.done.set()
        self.thread.join(timeout=10)


if __name__ == "__main__":
    unittest.main()
