"""A real Prometheus server (Debian's) scrapes ajpgate's status mount while traffic runs: the
target is up, the counter it stored equals the requests sent, and its rate() over the traffic
matches the pace the test kept."""
import json
import os
import shutil
import sys
import threading
import time
import unittest
import urllib.parse
import urllib.request

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

import harness  # noqa: E402
from harness import Process, scratch_dir, wait_until  # noqa: E402
from httpd import Httpd, module_path  # noqa: E402
from test_metrics import CONF, workers  # noqa: E402
from testd_backend import TestdBackend  # noqa: E402

PACE = 25          # requests per second the traffic keeps
SECONDS = 10       # how long it runs (bounded: PACE * SECONDS requests at most)

SCRAPE_CONFIG = """global:
  scrape_interval: 1s
  evaluation_interval: 1s
scrape_configs:
  - job_name: ajpgate
    metrics_path: /jkstatus/metrics
    static_configs:
      - targets: ["127.0.0.1:{port}"]
"""


class Prometheus:
    """Debian's prometheus on 127.0.0.1, its own port and scratch storage."""

    def __init__(self, target_port):
        self.dir = scratch_dir("prometheus")
        self.port = harness.free_port()
        config = os.path.join(self.dir, "prometheus.yml")
        with open(config, "w") as f:
            f.write(SCRAPE_CONFIG.replace("{port}", str(target_port)))
        argv = ["prometheus", "--config.file=" + config, "--storage.tsdb.path=" + os.path.join(self.dir, "data"),
                f"--web.listen-address=127.0.0.1:{self.port}", "--log.level=warn"]
        self.proc = Process(argv, os.path.join(self.dir, "log"))
        wait_until(self.ready, 30, interval=0.2, what="prometheus ready")

    def ready(self):
        if not self.proc.alive():
            raise RuntimeError("prometheus exited: " + self.proc.log_text())
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{self.port}/-/ready", timeout=2) as r:
                return r.status == 200
        except OSError:
            return False

    def query(self, expr, at=None):
        """The instant vector of `expr` (at unix time `at`) as [(labels, float)]."""
        params = {"query": expr}
        if at is not None:
            params["time"] = f"{at:.3f}"
        url = f"http://127.0.0.1:{self.port}/api/v1/query?" + urllib.parse.urlencode(params)
        with urllib.request.urlopen(url, timeout=10) as r:
            answer = json.load(r)
        assert answer["status"] == "success", answer
        return [(s["metric"], float(s["value"][1])) for s in answer["data"]["result"]]

    def stop(self):
        self.proc.stop()


@unittest.skipUnless(shutil.which("prometheus"), "Debian's prometheus is not installed")
class RealPrometheusTest(unittest.TestCase):
    def setUp(self):
        if not os.path.exists(module_path()):
            raise unittest.SkipTest("mod_jk.so not built at " + module_path())
        self.backends = {n: TestdBackend(n, "--route", n) for n in ("was1", "was2")}
        ports = {n: b.port for n, b in self.backends.items()}
        self.httpd = Httpd(CONF, workers=workers(ports, harness.free_port()), modules=("authz_core",))
        self.httpd.start()
        self.prometheus = Prometheus(self.httpd.port)

    def tearDown(self):
        self.prometheus.stop()
        self.httpd.stop()
        for b in self.backends.values():
            b.stop()

    def traffic(self, sent, failures):
        began = time.time()
        for i in range(PACE * SECONDS):
            # Paced from the start, so a slow request does not shift the ones after it.
            delay = began + i / PACE - time.time()
            if delay > 0:
                time.sleep(delay)
            status, _, _ = self.httpd.get(f"/app/p{i}", headers={"Connection": "close"})
            sent.append(time.time())
            if status != 200:
                failures.append(status)

    def test_prometheus_scrapes_the_status_mount_and_its_rate_matches_the_traffic(self):
        p = self.prometheus
        wait_until(lambda: p.query('up{job="ajpgate"}') == [({"__name__": "up", "instance": f"127.0.0.1:{self.httpd.port}",
                                                              "job": "ajpgate"}, 1.0)],
                   20, interval=0.5, what="the first scrape of ajpgate")
        sent, failures = [], []
        worker = threading.Thread(target=self.traffic, args=(sent, failures))
        worker.start()
        worker.join(SECONDS * 3)
        self.assertFalse(worker.is_alive(), "the traffic did not end in time")
        self.assertEqual(failures, [])
        self.assertEqual(len(sent), PACE * SECONDS)

        # Two more scrapes after the last request: the stored counter is exactly what was sent.
        wait_until(lambda: p.query("sum(ajpgate_worker_requests_total)") and
                   p.query("sum(ajpgate_worker_requests_total)")[0][1] == len(sent),
                   15, interval=0.5, what="prometheus to store the final count")
        for member in ("was1", "was2"):
            stored = p.query(f'ajpgate_worker_requests_total{{worker="{member}"}}')
            self.assertEqual(len(stored), 1)
            self.assertGreater(stored[0][1], len(sent) / 4, member)

        # rate() over the middle of the traffic against the pace actually kept there.
        middle = sent[len(sent) // 2]
        window = 4
        kept = sum(1 for t in sent if middle - window < t <= middle) / window
        rate = p.query(f"sum(rate(ajpgate_worker_requests_total[{window}s]))", at=middle)
        self.assertEqual(len(rate), 1)
        self.assertAlmostEqual(rate[0][1], kept, delta=kept * 0.25,
                               msg=f"Prometheus' rate {rate[0][1]:.1f}/s, sent {kept:.1f}/s")
        self.assertEqual(p.query('up{job="ajpgate"}')[0][1], 1.0)
        sys.stderr.write(f"  prometheus: rate {rate[0][1]:.2f}/s for {kept:.2f}/s sent, "
                         f"stored total {len(sent)}\n")


if __name__ == "__main__":
    unittest.main()
