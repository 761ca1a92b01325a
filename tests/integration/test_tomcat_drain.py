"""cmd=drain end to end (issue 13, "Drain in one action"): httpd + ajpgate in front of the real
two-node Tomcat 10 session cluster (tomcat_cluster.py: DeltaManager, JvmRouteBinderValve),
four clients with sessions running (two on was1, two on was2). First mode=drain: was1's
sessions stay on was1 and keep it "draining"; then mode=migrate: was1 is stopped, every was1
session goes on on was2 with its data and an id re-bound to .was2, the JSON counts the
re-bindings and reaches "drained". No client sees an error.

The measured figures are printed. Run:
AJPGATE_BUILD=<build dir> python3 tests/integration/run.py tomcat_drain"""
import collections
import json
import os
import sys
import time
import unittest

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

from httpd import Httpd  # noqa: E402
from test_drain import member  # noqa: E402
from test_tomcat_cluster import SEED_HTTPD, Load  # noqa: E402
from tomcat_cluster import WithCluster, fetch, lb_workers  # noqa: E402

DRAIN_IDLE = 2


class TomcatDrainTest(WithCluster, unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.start_cluster()

    def was1(self, h):
        status, _, body = h.get("/jkstatus?cmd=list&mime=json", headers={"Connection": "close"})
        self.assertEqual(status, 200)
        return member(json.loads(body), "was1", lb="loadbalancer")

    def drain(self, h, mode):
        status, _, body = h.get(f"/jkstatus?cmd=drain&mime=json&w=loadbalancer&sw=was1&mode={mode}"
                                f"&drain_idle={DRAIN_IDLE}", headers={"Connection": "close"})
        self.assertEqual((status, json.loads(body)["result"]["type"]), (200, "OK"))
        return time.monotonic()

    def test_migrate_moves_every_was1_session_to_was2_without_an_error(self):
        figures = {}
        self.addCleanup(lambda: print("\n  drain figures: " + json.dumps(figures), flush=True))
        conf = SEED_HTTPD + "JkMount /jkstatus jkstatus\n"
        workers = lb_workers(self.cluster).replace("worker.list=loadbalancer", "worker.list=loadbalancer,jkstatus")
        workers += "worker.jkstatus.type=status\n"
        with Httpd(conf, workers=workers) as h:
            sessions = [self.new_session_on(h, route) for route in ("was1", "was2", "was1", "was2")]
            load = Load(h.port, [s.session for s in sessions], limit=40.0)
            load.start()
            time.sleep(1.0)
            # mode=drain: new sessions avoid was1, was1's own keep coming: never drained.
            self.drain(h, "drain")
            self.assertEqual({fetch(h.port, "/app/node.jsp").node for _ in range(10)}, {"was2"})
            time.sleep(DRAIN_IDLE + 1.5)
            d = self.was1(h)["drain"]
            self.assertEqual((d["phase"], d["stopped"], d["rebinds"]), ("draining", False, 0), d)
            self.assertGreater(d["route_requests_recent"], 0, d)
            figures["route_requests_in_10s_while_draining"] = d["route_requests_recent"]
            # mode=migrate: stopped once nothing is in flight, the sessions move, then drained.
            migrate_at = self.drain(h, "migrate")
            phases, stopped_at, drained = [], None, None
            deadline = time.monotonic() + 20
            while time.monotonic() < deadline and drained is None:
                m = self.was1(h)
                phase = m["drain"]["phase"]
                if not phases or phases[-1] != phase:
                    phases.append(phase)
                if stopped_at is None and m["activation"] == "STP":
                    stopped_at = time.monotonic()
                if phase == "drained":
                    drained, drained_at = m["drain"], time.monotonic()
                time.sleep(0.1)
            _, _, page = h.get("/jkstatus")
            load.join(after_kill=1.0)
            replies = [r for rs in load.replies for r in rs]
            failed = [r for r in replies if r.status != 200]
            figures.update(requests=len(replies), errors=len(failed), phases=phases,
                           migrate_to_stopped_s=round(stopped_at - migrate_at, 2) if stopped_at else None,
                           migrate_to_drained_s=round(drained_at - migrate_at, 2) if drained else None,
                           drained=drained)
            self.assertIsNotNone(drained, figures)
            self.assertEqual(failed, [], figures)
            self.assertEqual(drained["rebinds"], 2, figures)  # the two was1 sessions, once each
            self.assertEqual((drained["in_flight"], drained["stopped"], drained["drained"]), (0, True, True))
            self.assertGreaterEqual(drained["idle_seconds"], DRAIN_IDLE)
            self.assertIn(b'Drain of <b>was1</b>: migrate: drained after ', page)
            for i, session in enumerate(sessions):
                self.check_client(i, session, load.replies[i], migrate_at)
            log = h.read("logs/mod_jk.log")
            self.assertIn("draining sub worker 'was1' of lb worker 'loadbalancer' (mode migrate, drain_idle 2 s)", log)
            self.assertIn("drain of member was1: nothing in flight, activation now STP", log)
            self.assertIn("drain of member was1: drained after", log)

    def check_client(self, i, session, replies, migrate_at):
        """Every answer 200, the counter +1 each time (the session's data came along); a was1
        session ends on was2 with its id re-bound to .was2 and stays there."""
        self.assertTrue(replies, f"client {i} made no request")
        counts = [r.count for r in replies]
        self.assertEqual(counts, list(range(session.count + 1, session.count + 1 + len(counts))), f"client {i}")
        nodes = [r.node for r in replies]
        if session.node == "was2":
            self.assertEqual(set(nodes), {"was2"}, f"client {i}")
            return
        moved = nodes.index("was2")
        self.assertEqual(set(nodes[:moved]), {"was1"}, f"client {i}")
        self.assertEqual(set(nodes[moved:]), {"was2"}, f"client {i}: later requests stick to was2")
        self.assertGreater(replies[moved].started, migrate_at, f"client {i} moved before migrate")
        base = session.session.rsplit(".", 1)[0]
        self.assertEqual(replies[moved].set_cookie, base + ".was2", f"client {i}: JvmRouteBinderValve's new id")
        self.assertEqual({r.session for r in replies[moved:]}, {base + ".was2"}, f"client {i}")
        self.assertGreater(len(replies) - moved, 5, f"client {i}: too few requests after the move")
        self.assertEqual(collections.Counter(r.status for r in replies), {200: len(replies)})


if __name__ == "__main__":
    unittest.main()
