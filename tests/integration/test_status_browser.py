"""The status worker's HTML page in a real browser (headless Chromium): it renders the lb and
its members, an operator disables a member through the edit form and resets it with the R
button (both POSTed by the browser from the page itself, so they pass the cross-site check),
and a page on another site that posts the same form to the status worker is refused (403)
and changes nothing.

AJPGATE_SCREENSHOT=<file.png> also saves a screenshot of the page (scripts/status-screenshot.sh
uses it for the README)."""
import http.server
import os
import re
import sys
import threading
import unittest

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

import browser  # noqa: E402
from harness import free_port, wait_until  # noqa: E402
from httpd import Httpd, module_path  # noqa: E402
from testd_backend import TestdBackend  # noqa: E402

CONF = """JkWorkersFile workers.properties
JkLogFile logs/mod_jk.log
JkMount /app/* lb
JkMount /jkstatus jkstatus
"""


def workers(ports):
    text = "worker.list=lb,jkstatus\nworker.lb.type=lb\nworker.lb.balance_workers=was1,was2\n"
    for name, port in ports.items():
        text += f"worker.{name}.host=127.0.0.1\nworker.{name}.port={port}\n"
    return text + "worker.was2.lbfactor=2\nworker.jkstatus.type=status\n"


def activation(h, member):
    _, _, body = h.get(f"/jkstatus?cmd=show&w=lb&sw={member}&mime=prop")
    return re.search(rf"^worker\.{member}\.activation=(\w+)$", body.decode(), re.M).group(1)


class AttackerSite:
    """Another origin (a port of its own) serving a page that posts the status worker's form
    as soon as it loads: what a malicious page would do to an administrator's browser."""

    def __init__(self, target):
        page = (f'<html><body><form id="f" method="post" action="{target}">'
                '<input type="hidden" name="cmd" value="update"><input type="hidden" name="w" value="lb">'
                '<input type="hidden" name="sw" value="was1"><input type="hidden" name="vwa" value="2">'
                '</form><script>document.getElementById("f").submit()</script></body></html>').encode()

        class Handler(http.server.BaseHTTPRequestHandler):
            timeout = 5  # Chromium opens spare connections that never send a request

            def do_GET(self):  # noqa: N802 - http.server's naming
                self.send_response(200)
                self.send_header("Content-Type", "text/html")
                self.send_header("Content-Length", str(len(page)))
                self.end_headers()
                self.wfile.write(page)

            def log_message(self, *args):
                pass

        # One thread per connection, so an idle spare connection of the browser never holds up
        # the page or shutdown().
        self.server = http.server.ThreadingHTTPServer(("127.0.0.1", free_port()), Handler)
        self.server.daemon_threads = True
        self.url = f"http://127.0.0.1:{self.server.server_port}/"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()

    def stop(self):
        self.server.shutdown()
        self.server.server_close()


class StatusPageInBrowser(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        if not os.path.exists(module_path()):
            raise unittest.SkipTest("mod_jk.so not built at " + module_path())
        if not browser.available():
            raise unittest.SkipTest("chromium, chromium-driver and python3-selenium are needed")
        cls.backends = {n: TestdBackend(n, "--route", n) for n in ("was1", "was2")}

    @classmethod
    def tearDownClass(cls):
        for b in cls.backends.values():
            b.stop()

    def test_operator_disables_and_resets_a_member_and_another_site_cannot(self):
        from selenium.webdriver.common.by import By

        ports = {n: b.port for n, b in self.backends.items()}
        with Httpd(CONF, workers=workers(ports)) as h, browser.Browser() as b:
            for _ in range(6):
                h.get("/app/x")
            d = b.driver
            d.get(h.url("/jkstatus"))
            self.assertEqual(d.title, "JK Status Manager")
            page = d.find_element(By.TAG_NAME, "body").text
            self.assertIn("Worker Status for lb", page)
            rows = {r.find_elements(By.TAG_NAME, "td")[1].text: r for r in d.find_elements(By.XPATH, "//table//tr")
                    if len(r.find_elements(By.TAG_NAME, "td")) > 3 and r.find_elements(By.TAG_NAME, "td")[1].text
                    in ("was1", "was2")}
            self.assertEqual(set(rows), {"was1", "was2"}, "a row per member")
            self.assertIn("ACT", rows["was1"].text)
            if os.environ.get("AJPGATE_SCREENSHOT"):
                d.save_screenshot(os.environ["AJPGATE_SCREENSHOT"])

            # E on was1's row: the edit form; choose Disabled and submit (a POST from the page).
            rows["was1"].find_element(By.LINK_TEXT, "E").click()
            wait_until(lambda: d.find_elements(By.CSS_SELECTOR, "input[name=vwa][value='1']"), 10, what="edit form")
            form = d.find_element(By.XPATH, "//form[.//input[@name='vwa']]")
            self.assertEqual(form.get_attribute("method"), "post")
            d.find_element(By.CSS_SELECTOR, "input[name=vwa][value='1']").click()
            form.find_element(By.CSS_SELECTOR, "input[type=submit]").click()
            wait_until(lambda: activation(h, "was1") == "DIS", 10, what="was1 disabled through the page")
            self.assertIn("changing 'activation' for sub worker 'was1' of lb worker 'lb' from 'ACT' to 'DIS'",
                          h.read("logs/mod_jk.log"))

            # The page shows it, and the member's R button (a POST form) resets its counters.
            d.get(h.url("/jkstatus"))
            row = next(r for r in d.find_elements(By.XPATH, "//table//tr")
                       if len(r.find_elements(By.TAG_NAME, "td")) > 3 and r.find_elements(By.TAG_NAME, "td")[1].text == "was1")
            self.assertIn("DIS", row.text)
            reset = row.find_element(By.XPATH, ".//button[normalize-space()='R']")
            self.assertEqual(reset.find_element(By.XPATH, "./ancestor::form").get_attribute("method"), "post")
            reset.click()
            wait_until(lambda: "reset sub worker 'was1' of lb worker 'lb'" in h.read("logs/mod_jk.log"), 10,
                       what="reset through the page")

            # Another site's page posts the same form: refused, nothing changes.
            attacker = AttackerSite(h.url("/jkstatus"))
            try:
                d.get(attacker.url)
                wait_until(lambda: "AJPG0151" in h.read("logs/mod_jk.log"), 10, what="the cross-site post refused")
            finally:
                attacker.stop()
            self.assertEqual(activation(h, "was1"), "DIS")
            self.assertIn("403", d.find_element(By.TAG_NAME, "body").text + d.title)


if __name__ == "__main__":
    unittest.main()
