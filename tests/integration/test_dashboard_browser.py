"""The live dashboard (cmd=dashboard) in headless Chromium while traffic runs: its charts get
points that grow, a member whose backend dies turns red within a few seconds, the drain
button disables a member end to end (new sessions go elsewhere), no console error, no request
to another origin, and the page carries its strict headers. Saves a screenshot under the build
directory (AJPGATE_SCREENSHOT_DASHBOARD overrides the path: scripts/status-screenshot.sh)."""
import os
import sys
import threading
import time
import unittest

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

import browser  # noqa: E402
import harness  # noqa: E402
from httpd import Httpd, module_path  # noqa: E402
from test_metrics import CONF, workers  # noqa: E402
from testd_backend import TestdBackend  # noqa: E402

TRAFFIC_SECONDS = 60  # the most the background traffic runs, whatever happens


class Traffic:
    """Requests on two keep-alive-free client loops until stopped (or TRAFFIC_SECONDS)."""

    def __init__(self, h):
        self.h, self.stop_flag, self.statuses = h, threading.Event(), []
        self.threads = [threading.Thread(target=self.run, args=(i,)) for i in range(2)]
        for t in self.threads:
            t.start()

    def run(self, n):
        end = time.monotonic() + TRAFFIC_SECONDS
        i = 0
        while not self.stop_flag.is_set() and time.monotonic() < end:
            try:
                status, _, _ = self.h.get(f"/app/t{n}-{i}", headers={"Connection": "close"}, timeout=10)
            except OSError:
                status = "error"
            self.statuses.append(status)
            i += 1
            time.sleep(0.05)

    def stop(self):
        self.stop_flag.set()
        for t in self.threads:
            t.join(15)


@unittest.skipUnless(browser.available(), "chromium, chromium-driver or python3-selenium missing")
class DashboardInBrowser(unittest.TestCase):
    def setUp(self):
        if not os.path.exists(module_path()):
            raise unittest.SkipTest("mod_jk.so not built at " + module_path())
        self.backends = {n: TestdBackend(n, "--route", n) for n in ("was1", "was2")}
        ports = {n: b.port for n, b in self.backends.items()}
        self.h = Httpd(CONF, workers=workers(ports, harness.free_port()), modules=("authz_core",)).start()

    def tearDown(self):
        self.h.stop()
        for b in self.backends.values():
            b.stop()

    def test_live_charts_a_dead_member_turns_red_and_drain_works(self):
        h = self.h
        status, headers, _ = h.get("/jkstatus?cmd=dashboard")
        self.assertEqual(status, 200)
        csp = headers["Content-Security-Policy"]
        self.assertIn("default-src 'none'", csp)
        self.assertIn("frame-ancestors 'none'", csp)
        self.assertEqual(headers["X-Content-Type-Options"], "nosniff")
        self.assertEqual(headers["Cache-Control"], "no-store")
        self.assertEqual(h.get("/jkstatus?cmd=dashboard&asset=nosuch")[0], 404)
        # The classic page links to it.
        self.assertIn(b"cmd=dashboard", h.get("/jkstatus")[2])

        traffic = Traffic(h)
        timings = {}
        try:
            with browser.Browser(width=1200, height=900) as b:
                d = b.driver
                began = time.monotonic()
                d.get(h.url("/jkstatus?cmd=dashboard"))

                def points(worker, chart="requests"):
                    return d.execute_script(
                        "const p = document.querySelector('.worker[data-worker=\"' + arguments[0] + '\"] "
                        "figure[data-chart=\"' + arguments[1] + '\"] polyline');"
                        "return p ? p.getAttribute('points').trim().split(' ').filter(Boolean).length : 0;",
                        worker, chart)

                def requests_shown(worker):
                    return int(d.find_element("css selector", f'.worker[data-worker="{worker}"] .requests').text)

                harness.wait_until(lambda: d.find_element("id", "live").text.startswith("live"), 15,
                                   what="the dashboard's first poll")
                harness.wait_until(lambda: points("was1") >= 3 and points("was2") >= 3, 20, interval=0.5,
                                   what="three live points per member")
                timings["charts_s"] = time.monotonic() - began
                first = requests_shown("was1")
                harness.wait_until(lambda: requests_shown("was1") > first and points("was1") >= 4, 15, interval=0.5,
                                   what="the request count and the chart to grow")
                self.assertIn("good", d.find_element("css selector", '.worker[data-worker="was2"]').get_attribute("class"))

                # was2's backend dies: its card turns red (ERR) within a few seconds.
                killed = time.monotonic()
                self.backends["was2"].stop()
                harness.wait_until(
                    lambda: "bad" in d.find_element("css selector", '.worker[data-worker="was2"]').get_attribute("class"),
                    10, interval=0.2, what="was2's card to turn red")
                timings["red_s"] = time.monotonic() - killed
                self.assertEqual(d.find_element("css selector", '.worker[data-worker="was2"] .badge.state').text, "ERR")

                # Drain was1 from its button (cmd=drain): disabled in the shared state, the card dashed.
                d.find_element("css selector", '.worker[data-worker="was1"] form.drain button').click()
                harness.wait_until(
                    lambda: "disabled" in d.find_element("css selector", '.worker[data-worker="was1"]').get_attribute("class"),
                    10, interval=0.2, what="was1's card to show it disabled")
                _, _, prop = h.get("/jkstatus?cmd=show&w=lb&sw=was1&mime=prop")
                self.assertIn(b"worker.was1.activation=DIS", prop)
                self.assertEqual(d.find_element("css selector", '.worker[data-worker="was1"] .badge.activation').text, "DIS")
                # Its progress shows on the card; the panel now offers Activate instead.
                harness.wait_until(lambda: d.find_element(
                    "css selector", '.worker[data-worker="was1"] .drain-progress').text.startswith("drain: "),
                    10, interval=0.5, what="the drain's progress on was1's card")
                self.assertTrue(d.find_element("css selector", '.worker[data-worker="was1"] form.activate button').is_displayed())
                self.assertFalse(d.find_element("css selector", '.worker[data-worker="was1"] form.drain button').is_displayed())
                # The change is listed under the last admin actions, with who made it.
                harness.wait_until(lambda: "'was1'" in d.find_element("id", "actions").text, 10, interval=0.5,
                                   what="the drain in the last admin actions")
                line = d.find_element("css selector", "#actions li").text
                self.assertIn("from 'ACT' to 'DIS'", line)
                self.assertIn("127.0.0.1", line)

                shot = os.environ.get("AJPGATE_SCREENSHOT_DASHBOARD") or os.path.join(harness.build_dir(), "dashboard.png")
                d.save_screenshot(shot)

                # Nothing went to another origin; the console saw no error (CSP violations included).
                origins = d.execute_script(
                    "return performance.getEntriesByType('resource').map(e => new URL(e.name).origin)")
                self.assertTrue(origins)
                self.assertEqual(set(origins), {f"http://127.0.0.1:{h.port}"})
                errors = [e for e in d.get_log("browser") if e["level"] == "SEVERE"]
                self.assertEqual(errors, [])
        finally:
            traffic.stop()
        # A phone-sized screen: one column, nothing wider than the screen, the charts drawn.
        with browser.Browser(width=390, height=844) as b:
            d = b.driver
            d.get(h.url("/jkstatus?cmd=dashboard"))
            harness.wait_until(lambda: d.find_element("id", "live").text.startswith("live"), 15,
                               what="the dashboard's first poll on a phone-sized screen")
            widths = d.execute_script(
                "return [document.documentElement.scrollWidth, window.innerWidth,"
                " document.querySelector('.worker').getBoundingClientRect().width]")
            self.assertLessEqual(widths[0], widths[1])
            self.assertGreater(widths[2], widths[1] * 0.8)  # a card takes the whole width
            if os.environ.get("AJPGATE_SCREENSHOT_DASHBOARD"):
                d.save_screenshot(os.environ["AJPGATE_SCREENSHOT_DASHBOARD"].replace(".png", "-phone.png"))
        sys.stderr.write(f"  dashboard: charts after {timings.get('charts_s', 0):.1f} s, was2 red "
                         f"{timings.get('red_s', 0):.1f} s after its backend died\n")
        # Every client got an answer; after was2 died, none of them an error page.
        self.assertNotIn("error", traffic.statuses)


if __name__ == "__main__":
    unittest.main()
