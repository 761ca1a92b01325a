"""cmd=drain through the real httpd (several children) in front of ajp-testd, whose --route
nodes re-bind a foreign session id as Tomcat's JvmRouteBinderValve does: the member is
disabled at once (new sessions elsewhere, its own still reach it), the progress shows in JSON
and on the HTML page, "drained" comes drain_idle seconds after the last request with its route,
migrate stops it and counts the sessions re-bound away, and bad requests are refused."""
import json
import os
import sys
import time
import unittest

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

from harness import wait_until  # noqa: E402
from test_status_worker import StatusCase, prop, value  # noqa: E402

WAS1_SESSION = "JSESSIONID=ABC.was1"


def member(doc, name, lb="lb"):
    balancer = next(b for b in doc["balancers"]["balancer"] if b["name"] == lb)
    return next(m for m in balancer["member"] if m["name"] == name)


class DrainCase(StatusCase):
    def json_member(self, h, name="was1"):
        status, _, body = self.status(h, "cmd=list&mime=json", headers={"Connection": "close"})
        self.assertEqual(status, 200)
        return member(json.loads(body), name)

    def drain(self, h, query, want=200):
        status, headers, body = self.status(h, "cmd=drain&mime=json&w=lb&" + query)
        self.assertEqual(status, want, body)
        return json.loads(body)["result"]

    def wait_phase(self, h, phase, timeout=10):
        return wait_until(lambda: (lambda m: m if m.get("drain", {}).get("phase") == phase else None)(
            self.json_member(h)), timeout, interval=0.2, what="drain phase " + phase)


class DrainTest(DrainCase):
    def test_drain_disables_at_once_and_is_drained_after_drain_idle(self):
        with self.httpd() as h:
            self.assertNotIn("drain", self.json_member(h))
            self.assertEqual(self.drain(h, "sw=was1&drain_idle=2")["type"], "OK")
            _, _, body = self.status(h, "cmd=show&w=lb&sw=was1&mime=prop")
            self.assertEqual(value(prop(body), "worker.was1.activation"), ["DIS"])
            # New sessions avoid it, in every child; its own sessions still reach it.
            self.assertEqual({self.served_by(h) for _ in range(20)}, {"was2"})
            started = time.monotonic()
            for _ in range(3):
                status, headers, _ = h.get("/app/x", headers={"Cookie": WAS1_SESSION, "Connection": "close"})
                self.assertEqual((status, headers.get("X-Route")), (200, "was1"))
            m = self.json_member(h)
            d = m["drain"]
            self.assertEqual((d["mode"], d["phase"], d["drained"], d["stopped"]), ("drain", "draining", False, False))
            self.assertEqual(d["route_requests_recent"], 3)
            self.assertEqual(d["route_window_seconds"], 10)
            self.assertIn(d["seconds_since_last_route_request"], (0, 1))
            self.assertEqual((d["in_flight"], d["drain_idle_seconds"], d["rebinds"]), (0, 2, 0))
            self.assertIsNone(d["drained_after_seconds"])
            self.assertLessEqual(abs(d["started_at"] - time.time()), 3)
            self.assertNotIn("drain", self.json_member(h, "was2"))
            _, _, page = self.status(h, "cmd=list")
            self.assertIn(b'<p class="drain">Drain of <b>was1</b>: drain: draining for ', page)
            d = self.wait_phase(h, "drained")["drain"]
            waited = time.monotonic() - started
            self.assertTrue(d["drained"])
            self.assertGreaterEqual(d["idle_seconds"], 2)
            self.assertGreaterEqual(waited, 2)
            self.assertLess(waited, 5, "drained later than about drain_idle + a check")
            self.assertEqual(self.json_member(h)["activation"], "DIS")  # drain never stops it
            # A session comes back: busy again; the first time it was drained is kept.
            h.get("/app/x", headers={"Cookie": WAS1_SESSION, "Connection": "close"})
            d = self.json_member(h)["drain"]
            self.assertEqual((d["phase"], d["drained"]), ("draining", False))
            self.assertIsInstance(d["drained_after_seconds"], int)
            log = h.read("logs/mod_jk.log")
            self.assertRegex(log, r"AJPG0150 Status worker 'jkstatus' draining sub worker 'was1' of lb worker 'lb' "
                                  r"\(mode drain, drain_idle 2 s\): changing 'activation' from 'ACT' to 'DIS' "
                                  r"\(from 127\.0\.0\.1\)")
            self.assertRegex(log, r"AJPG0152 lb lb: drain of member was1: drained after \d+ s")
            # Setting the activation by hand ends the drain.
            self.status(h, "cmd=update&mime=prop&w=lb&sw=was1&vwa=A")
            self.assertNotIn("drain", self.json_member(h))
            self.assertEqual({self.served_by(h) for _ in range(20)}, {"was1", "was2"})

    def test_migrate_stops_the_member_and_counts_rebound_sessions(self):
        with self.httpd() as h:
            self.assertEqual(self.drain(h, "sw=was1&mode=migrate&drain_idle=2")["type"], "OK")
            # Nothing is in flight: the next check (about a second) stops it.
            wait_until(lambda: self.json_member(h)["activation"] == "STP", 5, interval=0.2, what="STP")
            self.assertEqual(self.json_member(h)["drain"]["phase"], "migrating")
            for i in range(4):
                status, headers, _ = h.get("/app/x", headers={"Cookie": f"JSESSIONID=S{i}.was1", "Connection": "close"})
                self.assertEqual((status, headers.get("X-Route")), (200, "was2"))
                self.assertIn(f"JSESSIONID=S{i}.was2", headers.get("Set-Cookie", ""))
            d = self.json_member(h)["drain"]
            self.assertEqual((d["mode"], d["stopped"], d["rebinds"], d["route_requests_recent"]), ("migrate", True, 4, 4))
            # A re-bound session goes on with was2's route: no longer one of was1's.
            status, headers, _ = h.get("/app/x", headers={"Cookie": "JSESSIONID=S0.was2", "Connection": "close"})
            self.assertEqual(headers.get("X-Route"), "was2")
            self.assertEqual(self.json_member(h)["drain"]["route_requests_recent"], 4)
            d = self.wait_phase(h, "drained")["drain"]
            self.assertEqual(d["rebinds"], 4)
            self.assertRegex(h.read("logs/mod_jk.log"),
                             r"AJPG0152 lb lb: drain of member was1: nothing in flight, activation now STP")

    def test_bad_requests_are_refused(self):
        with self.httpd() as h:
            cases = [("sw=nosuch", 404, "could not find sub worker"),
                     ("sw=was1&mode=stop", 400, "mode must be drain or migrate"),
                     ("sw=was1&drain_idle=86401", 400, "drain_idle must be a whole number of seconds from 0 to 86400"),
                     ("sw=was1&drain_idle=abc", 400, "drain_idle must be a whole number of seconds from 0 to 86400"),
                     ("", 400, "sw must name the member to drain"),
                     ("sw=was*", 400, "wildcard not allowed in sub worker for this command")]
            for query, want, message in cases:
                self.assertEqual(self.drain(h, query, want), {"type": "ERROR", "message": message}, query)
            status, _, body = h.get("/ro?cmd=drain&mime=json&w=lb&sw=was1")
            self.assertEqual((status, json.loads(body)["result"]["message"]),
                             (403, "This command is not allowed in read only mode."))
            status, _, _ = h.get("/jkstatus?cmd=drain&w=lb&sw=was1", headers={"Sec-Fetch-Site": "cross-site"})
            self.assertEqual(status, 403)
            # mod_jk's formats answer 200 with the error inside.
            status, _, body = self.status(h, "cmd=drain&mime=prop&w=lb&sw=nosuch")
            self.assertEqual((status, value(prop(body), "worker.result.type")), (200, ["ERROR"]))
            # Nothing changed.
            m = self.json_member(h)
            self.assertEqual(m["activation"], "ACT")
            self.assertNotIn("drain", m)


if __name__ == "__main__":
    unittest.main()
