"""The status worker's metrics views through the real httpd (several children) in front of
ajp-testd: Prometheus' exposition format (checked by promtool, counted against the traffic
sent, never lowered by cmd=reset), histograms that put a slow answer in its bucket, errors by
kind, sticky hits and failovers, and mime=json's typed tree and status codes."""
import json
import os
import re
import subprocess
import sys
import unittest

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

import harness  # noqa: E402

from httpd import Httpd  # noqa: E402
from test_status_worker import StatusCase  # noqa: E402

CONF = """JkWorkersFile workers.properties
JkLogFile logs/mod_jk.log
JkLogLevel info
JkMount /app/* lb
JkMount /solo/* solo
JkMount /jkstatus jkstatus
JkMount /jkstatus/* jkstatus
JkMount /ro jkro
"""

SAMPLE = re.compile(r'^([a-zA-Z_:][a-zA-Z0-9_:]*)(?:\{(.*)\})? (\S+)$')
LABEL = re.compile(r'([a-zA-Z_][a-zA-Z0-9_]*)="((?:[^"\\]|\\.)*)"')


def workers(ports, dead_port):
    text = "worker.list=lb,solo,jkstatus,jkro\nworker.lb.type=lb\nworker.lb.balance_workers=was1,was2\n"
    for name, port in ports.items():
        text += f"worker.{name}.host=127.0.0.1\nworker.{name}.port={port}\n"
    # A worker nothing listens for: every request is a connect error.
    text += f"worker.solo.host=127.0.0.1\nworker.solo.port={dead_port}\nworker.solo.retries=1\n"
    return text + "worker.jkstatus.type=status\nworker.jkro.type=status\nworker.jkro.read_only=true\n"


def parse_exposition(text):
    """{(name, frozenset(labels)): float} and {name: type} of a 0.0.4 text exposition."""
    samples, types = {}, {}
    for line in text.splitlines():
        if line.startswith("# TYPE "):
            _, _, name, kind = line.split(" ", 3)
            types[name] = kind
        elif line and not line.startswith("#"):
            m = SAMPLE.match(line)
            assert m, "not a sample line: " + line
            labels = frozenset(LABEL.findall(m.group(2) or ""))
            samples[(m.group(1), labels)] = float(m.group(3))
    return samples, types


def total(samples, name, **want):
    """The sum of every sample of `name` whose labels include `want`."""
    return sum(v for (n, labels), v in samples.items()
               if n == name and all((k, str(w)) in labels for k, w in want.items()))


class MetricsCase(StatusCase):
    """The status worker's two ajp-testd members (StatusCase), under this file's mounts."""

    def httpd(self):
        ports = {n: b.port for n, b in self.backends.items()}
        return Httpd(CONF, workers=workers(ports, harness.free_port()), modules=("authz_core",))

    def scrape(self, h, path="/jkstatus/metrics"):
        status, headers, body = h.get(path)
        self.assertEqual(status, 200)
        return headers, body.decode()


class PrometheusTest(MetricsCase):
    def test_the_exposition_passes_promtool_and_counts_the_traffic(self):
        with self.httpd() as h:
            for i in range(30):
                self.assertEqual(h.get(f"/app/ok{i}", headers={"Connection": "close"})[0], 200)
            for i in range(5):
                status, _, _ = h.get(f"/app/missing{i}", headers={"X-Testd": "status=404", "Connection": "close"})
                self.assertEqual(status, 404)
            headers, text = self.scrape(h)
            self.assertEqual(headers["Content-Type"], "text/plain; version=0.0.4; charset=utf-8")
            check = subprocess.run(["promtool", "check", "metrics"], input=text.encode(), capture_output=True)
            self.assertEqual(check.returncode, 0, check.stdout.decode() + check.stderr.decode())
            samples, types = parse_exposition(text)
            self.assertEqual(types["ajpgate_worker_requests_total"], "counter")
            self.assertEqual(types["ajpgate_worker_request_duration_seconds"], "histogram")
            self.assertEqual(types["ajpgate_member_state"], "gauge")
            self.assertEqual(total(samples, "ajpgate_worker_requests_total"), 35)
            self.assertEqual(total(samples, "ajpgate_worker_responses_total", **{"class": "2xx"}), 30)
            self.assertEqual(total(samples, "ajpgate_worker_responses_total", **{"class": "4xx"}), 5)
            # Both members served (lbfactor 1:1), and every request is in each histogram once.
            for w in ("was1", "was2"):
                self.assertGreater(total(samples, "ajpgate_worker_requests_total", worker=w), 5)
                self.assertEqual(total(samples, "ajpgate_worker_request_duration_seconds_count", worker=w),
                                 total(samples, "ajpgate_worker_requests_total", worker=w))
                self.assertEqual(total(samples, "ajpgate_member_state", lb="lb", worker=w), 1)
                self.assertEqual(total(samples, "ajpgate_member_activation", lb="lb", worker=w, activation="active"), 1)
            self.assertEqual(total(samples, "ajpgate_lb_members", lb="lb", rating="good"), 2)
            self.assertEqual(total(samples, "ajpgate_build_info"), 1)
            # mime=prometheus on the worker's own URI answers the same families.
            _, _, body = h.get("/jkstatus?mime=prometheus")
            self.assertIn("# TYPE ajpgate_worker_requests_total counter", body.decode())

    def test_reset_starts_mod_jks_views_again_but_never_lowers_a_counter(self):
        with self.httpd() as h:
            for i in range(10):
                h.get(f"/app/r{i}", headers={"Connection": "close"})
            before, _ = parse_exposition(self.scrape(h)[1])
            status, _, _ = h.get("/jkstatus?cmd=reset&w=lb&mime=prop")
            self.assertEqual(status, 200)
            _, _, prop = h.get("/jkstatus?cmd=list&mime=prop")
            elected = [line for line in prop.decode().splitlines() if line.startswith("worker.was1.elected=")]
            self.assertEqual(elected, ["worker.was1.elected=0"])
            after, _ = parse_exposition(self.scrape(h)[1])
            self.assertEqual(total(after, "ajpgate_worker_requests_total"), 10)
            for key, v in before.items():
                if key[0].endswith("_total") or key[0].endswith("_count") or key[0].endswith("_bucket"):
                    self.assertGreaterEqual(after[key], v, key)

    def test_a_slow_answer_lands_in_its_latency_bucket_and_a_dead_worker_counts_connect_errors(self):
        with self.httpd() as h:
            status, _, _ = h.get("/app/slow", headers={"X-Testd": "delay=300", "Connection": "close"})
            self.assertEqual(status, 200)
            for _ in range(3):
                self.assertEqual(h.get("/solo/x", headers={"Connection": "close"})[0], 503)
            samples, _ = parse_exposition(self.scrape(h)[1])
        name = "ajpgate_worker_response_headers_seconds_bucket"
        # 300 ms: not within 0.25 s, within 0.5 s, on whichever member took it.
        self.assertEqual(sum(total(samples, name, worker=w, le="0.25") for w in ("was1", "was2")), 0)
        self.assertEqual(sum(total(samples, name, worker=w, le="0.5") for w in ("was1", "was2")), 1)
        self.assertEqual(total(samples, "ajpgate_worker_errors_total", worker="solo", kind="connect"), 3)
        self.assertEqual(total(samples, "ajpgate_worker_errors_total", worker="solo", kind="backend"), 0)
        self.assertEqual(total(samples, "ajpgate_worker_responses_total", worker="solo"), 0)

    def test_sticky_hits_and_failovers_are_counted_per_member(self):
        with self.httpd() as h:
            for i in range(4):
                h.get(f"/app/s{i}", headers={"Cookie": "JSESSIONID=abc.was1", "Connection": "close"})
            # A route no member has: the session goes elsewhere (a failover where it lands).
            for i in range(3):
                h.get(f"/app/g{i}", headers={"Cookie": "JSESSIONID=abc.gone", "Connection": "close"})
            h.get("/app/none", headers={"Connection": "close"})
            samples, _ = parse_exposition(self.scrape(h)[1])
        self.assertEqual(total(samples, "ajpgate_member_sticky_hits_total", worker="was1"), 4)
        self.assertEqual(total(samples, "ajpgate_member_sticky_hits_total", worker="was2"), 0)
        self.assertEqual(total(samples, "ajpgate_member_failovers_total"), 3)


class JsonTest(MetricsCase):
    def test_json_is_the_xml_tree_with_typed_values(self):
        with self.httpd() as h:
            h.get("/app/x", headers={"Connection": "close"})
            status, headers, body = h.get("/jkstatus?cmd=list&mime=json")
            self.assertEqual(status, 200)
            self.assertEqual(headers["Content-Type"], "application/json")
            doc = json.loads(body)
        lb = doc["balancers"]["balancer"][0]
        self.assertEqual(lb["name"], "lb")
        self.assertIs(lb["sticky_session"], True)
        self.assertIsInstance(lb["retries"], int)
        self.assertIsInstance(lb["last_reset_at"], int)
        members = {m["name"]: m for m in lb["member"]}
        self.assertEqual(set(members), {"was1", "was2"})
        self.assertEqual(members["was1"]["route"], "was1")
        self.assertIsInstance(members["was1"]["port"], int)
        self.assertEqual(sum(m["metrics"]["requests"] for m in members.values()), 1)
        self.assertEqual(len(members["was1"]["metrics"]["latency"]["total"]["counts"]), 14)
        self.assertEqual(doc["result"]["type"], "OK")
        ajp = doc["ajp_workers"]["ajp"]
        self.assertEqual([w["name"] for w in ajp], ["solo"])
        self.assertEqual(ajp[0]["map"][0]["uri"], "/solo/*")

    def test_errors_answer_meaningful_status_codes(self):
        with self.httpd() as h:
            cases = [("/jkstatus?cmd=show&w=nosuch&mime=json", 404),
                     ("/jkstatus?cmd=show&w=lb&sw=nosuch&mime=json", 404),
                     ("/ro?cmd=reset&w=lb&mime=json", 403),
                     ("/jkstatus?cmd=bogus&mime=json", 400)]
            for path, want in cases:
                status, _, body = h.get(path)
                self.assertEqual(status, want, path)
                self.assertEqual(json.loads(body)["result"]["type"], "ERROR", path)
            # mod_jk's own formats keep answering 200 with the error inside, as mod_jk does.
            self.assertEqual(h.get("/jkstatus?cmd=show&w=nosuch&mime=xml")[0], 200)


class HistoryTest(MetricsCase):
    def test_history_holds_a_sample_per_interval_written_by_one_child(self):
        with self.httpd() as h:
            for i in range(20):
                self.assertEqual(h.get(f"/app/h{i}", headers={"Connection": "close"})[0], 200)
            h.get("/app/slow", headers={"X-Testd": "delay=300", "Connection": "close"})

            def history():
                status, headers, body = h.get("/jkstatus?cmd=history")
                self.assertEqual(status, 200)
                self.assertEqual(headers["Content-Type"], "application/json")
                return json.loads(body)

            def counted():
                doc = history()
                return sum(s["requests"] for w in doc["workers"] for s in w["samples"]) >= 21 and doc

            # Samples are 10 s apart: the first within about 10 s of start-up.
            doc = harness.wait_until(counted, 30, interval=1, what="a history sample with the requests")
        self.assertEqual(doc["interval_seconds"], 10)
        workers = {w["name"]: w["samples"] for w in doc["workers"]}
        self.assertEqual(set(workers), {"was1", "was2", "solo"})
        # Two children offered to write each interval; only one did: no interval twice.
        for name, samples in workers.items():
            stamps = [s["at"] for s in samples]
            self.assertEqual(len(stamps), len(set(stamps)), name)
        self.assertEqual(sum(s["requests"] for w in workers.values() for s in w), 21)
        slowest = max(s["headers_p99_seconds"] for w in ("was1", "was2") for s in workers[w])
        self.assertGreater(slowest, 0.25)
        self.assertLessEqual(slowest, 0.5)


if __name__ == "__main__":
    unittest.main()
