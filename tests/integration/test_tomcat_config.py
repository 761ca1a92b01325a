"""httpd + ajpgate -> AJP13 -> a real Tomcat 10: configuration end to end.

- the AJP secret against a Tomcat whose connector requires one (right, missing, wrong);
- the seed configuration (../shared/seeds/000_*): its httpd.conf block used as written,
  including the Windows-style piped rotatelogs and the odd stamp format."""
import glob
import hashlib
import http.client
import os
import re
import sys
import time
import unittest

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

import harness  # noqa: E402
from httpd import Httpd, module_path  # noqa: E402
from test_tomcat import require_module_and_tomcat  # noqa: E402
from tomcat import TomcatNode, ajp13_worker, exchange, request, shared_node  # noqa: E402

SECRET = "s3cr3t"


class TomcatSecretTest(unittest.TestCase):
    """One Tomcat with secretRequired="true" secret="s3cr3t"; three httpds in front of it."""

    @classmethod
    def setUpClass(cls):
        require_module_and_tomcat()
        cls.node = TomcatNode("was1", secret=SECRET).start()
        cls.fronts = {}
        try:
            for name, props in (("right", {"secret": SECRET}), ("missing", {}), ("wrong", {"secret": "s3cr3T"})):
                conf = "JkWorkersFile workers.properties\nJkLogFile logs/mod_jk.log\nJkLogLevel debug\nJkMount /* was1\n"
                cls.fronts[name] = Httpd(conf, workers=ajp13_worker(cls.node, **props)).start()
        except Exception:
            cls.tearDownClass()
            raise

    @classmethod
    def tearDownClass(cls):
        for front in cls.fronts.values():
            front.stop()
        cls.node.stop()

    def test_right_secret_is_served(self):
        for i in range(5):  # pooled connections keep sending it
            answer = request(self.fronts["right"].port, "GET", f"/app/echo.jsp?i={i}")
            self.assertEqual(answer.status, 200, answer.body[:500])
            echo = answer.echo()
            self.assertEqual(echo["param.i"], [str(i)])
            # The secret is checked and consumed by the connector, never shown to the webapp.
            self.assertFalse([k for k in echo if SECRET in k or any(SECRET in v for v in echo[k])], echo)

    def test_missing_secret_is_refused_by_tomcat(self):
        for _ in range(3):  # Tomcat closes the connection each time; the next one must work alike
            answer = request(self.fronts["missing"].port, "GET", "/app/echo.jsp")
            self.assertEqual((answer.status, answer.reason), (403, "Forbidden"))
            self.assertNotIn(b"remote_addr", answer.body)  # the JSP never ran

    def test_wrong_secret_is_refused_by_tomcat(self):
        answer = request(self.fronts["wrong"].port, "POST", "/app/echo.jsp", body=b"x" * 1000,
                         headers={"Content-Type": "application/octet-stream"})
        self.assertEqual((answer.status, answer.reason), (403, "Forbidden"))
        self.assertNotIn(b"remote_addr", answer.body)

    def test_refusal_is_tomcats_answer_not_a_gateway_error(self):
        request(self.fronts["wrong"].port, "GET", "/app/echo.jsp")
        log = self.fronts["wrong"].read("logs/mod_jk.log")
        self.assertRegex(log, r"GET /app/echo.jsp on worker was1 \(127.0.0.1:\d+\): status 403")


class TomcatIdleCloseTest(unittest.TestCase):
    """Tomcat closes idle AJP connections (connectionTimeout, 1 s here); the pooled connection
    is then dead, and the next request, with or without a body, must still be served."""

    @classmethod
    def setUpClass(cls):
        require_module_and_tomcat()
        cls.node = TomcatNode("was1", ajp_timeout_ms=1000).start()
        try:
            conf = "JkWorkersFile workers.properties\nJkLogFile logs/mod_jk.log\nJkLogLevel debug\nJkMount /app/* was1\n"
            cls.httpd = Httpd(conf, workers=ajp13_worker(cls.node)).start()
        except Exception:
            cls.node.stop()
            raise

    @classmethod
    def tearDownClass(cls):
        cls.httpd.stop()
        cls.node.stop()

    def test_requests_after_tomcat_closed_the_idle_connection(self):
        data = os.urandom(100000)
        cases = (("GET", None, False), ("POST", data, False), ("POST", [data[:5000], data[5000:]], True))
        # One client connection (httpd's keep-alive outlasts the pauses): every request lands in
        # the same httpd child, whose pool holds the connection Tomcat has since closed.
        conn = http.client.HTTPConnection("127.0.0.1", self.httpd.port, timeout=20)
        try:
            self.assertEqual(exchange(conn, "GET", "/app/ping.jsp").status, 200)
            for method, body, chunked in cases:
                with self.subTest(method=method, chunked=chunked):
                    time.sleep(1.6)  # Tomcat has closed the pooled connection by now
                    answer = exchange(conn, method, "/app/echo.jsp", body=iter(body) if chunked else body,
                                      chunked=chunked, headers={"Content-Type": "application/octet-stream"})
                    self.assertEqual(answer.status, 200, self.httpd.read("logs/mod_jk.log")[-3000:])
                    self.assertEqual(answer.echo()["body_sha256"], [hashlib.sha256(body and data or b"").hexdigest()])
        finally:
            conn.close()


class TomcatAttributePatternTest(unittest.TestCase):
    """Tomcat 10 refuses AJP attributes outside allowedRequestAttributesPattern: a JkEnvVar
    that does not match gets Tomcat's 403, passed on as such (the shared node allows MY_*)."""

    @classmethod
    def setUpClass(cls):
        require_module_and_tomcat()
        cls.node = shared_node("was1")
        conf = ("JkWorkersFile workers.properties\nJkLogFile logs/mod_jk.log\nJkLogLevel debug\n"
                "JkMount /app/* was1\nJkEnvVar NOT_ALLOWED some-value\n")
        cls.httpd = Httpd(conf, workers=ajp13_worker(cls.node)).start()

    @classmethod
    def tearDownClass(cls):
        cls.httpd.stop()

    def test_attribute_outside_the_pattern_is_refused(self):
        for _ in range(2):
            answer = request(self.httpd.port, "GET", "/app/echo.jsp")
            self.assertEqual((answer.status, answer.reason), (403, "Forbidden"))
            self.assertNotIn(b"remote_addr", answer.body)


# The seed's httpd.conf block, exactly as published (trailing blanks included); {worker} is the
# mounted worker: the seed's own "loadbalancer", or the single ajp13 worker "was1".
SEED_CONF = "\n".join([
    "LoadModule jk_module modules/mod_jk.so",
    "<IfModule jk_module>",
    "  JkWorkersFile conf/workers.properties ",
    "",
    '  JkLogStampFormat "[%a %b %d %H: %M: %S %Y]" ',
    '  JkLogFile "|bin/rotatelogs.exe -l logs/mod_jk_%Y%m%d.log 86400" ',
    "  JkLogLevel Info ",
    "",
    "  JkMount /* {worker}",
    "</IfModule>",
    ""])

# The seed's workers.properties, hosts and ports pointed at the test node (both members: one
# Tomcat stands in for the pair).
SEED_LB_WORKERS = """worker.list=loadbalancer

worker.loadbalancer.type=lb
worker.loadbalancer.balance_workers=was1,was2

worker.was1.type=ajp13
worker.was1.host=127.0.0.1
worker.was1.port={port}
worker.was1.lbfactor=1

worker.was2.type=ajp13
worker.was2.host=127.0.0.1
worker.was2.port={port}
worker.was2.lbfactor=1
"""


# The stamp exactly as the seed's format renders it, then "[pid:tid]" straight after: like mod_jk,
# nothing is inserted between the user's stamp and the rest of the line.
STAMP = re.compile(r"^\[(Mon|Tue|Wed|Thu|Fri|Sat|Sun) (Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec) "
                   r"\d\d \d\d: \d\d: \d\d \d{4}\]\[\d+:\d+\] \[(info|warn|error)\] (\[[^\]\s]+\] )?AJPG\d{4} ")


class TomcatSeedConfigTest(unittest.TestCase):
    """Issue 3's criterion: the seed's httpd.conf lines with a single-worker workers.properties."""

    worker = "was1"
    started = "1 ajp13, 0 lb"  # what the start-up line counts

    @classmethod
    def workers(cls, node):
        return ajp13_worker(node, cls.worker)
    @classmethod
    def setUpClass(cls):
        require_module_and_tomcat()
        cls.node = shared_node("was1")
        cls.httpd = Httpd(SEED_CONF.format(worker=cls.worker),
                          files={"conf/workers.properties": cls.workers(cls.node)})
        # The seed loads "modules/mod_jk.so" relative to ServerRoot: put the built module there
        # and drop the harness's own absolute LoadModule so the seed's line is the one used.
        os.makedirs(os.path.join(cls.httpd.dir, "modules"))
        os.symlink(module_path(), os.path.join(cls.httpd.dir, "modules", "mod_jk.so"))
        with open(cls.httpd.conf_path) as f:
            lines = [line for line in f.read().splitlines(keepends=True)
                     if line != f"LoadModule jk_module {module_path()}\n"]
        with open(cls.httpd.conf_path, "w") as f:
            f.write("".join(lines))
        cls.httpd.start()

    @classmethod
    def tearDownClass(cls):
        cls.httpd.stop()

    def test_seed_config_passes_the_syntax_check(self):
        code, output = self.httpd.check_syntax()
        self.assertEqual(code, 0, output)
        self.assertIn("Syntax OK", output)

    def test_webapp_is_served(self):
        answer = request(self.httpd.port, "GET", "/app/echo.jsp?from=seed")
        self.assertEqual(answer.status, 200, answer.body[:500])
        self.assertEqual(answer.echo()["param.from"], ["seed"])
        session = request(self.httpd.port, "GET", "/app/session.jsp")
        self.assertRegex(session.header("Set-Cookie") or "", r"^JSESSIONID=[0-9A-F]+\.was1;")

    def test_everything_is_mounted(self):
        # JkMount /*: even "/" goes to Tomcat, which has no ROOT webapp and answers its own 404.
        answer = request(self.httpd.port, "GET", "/")
        self.assertEqual(answer.status, 404)
        self.assertIn(b"HTTP Status 404", answer.body)

    def test_context_root_redirect_comes_from_tomcat(self):
        answer = request(self.httpd.port, "GET", "/app?x=1")
        self.assertEqual(answer.status, 302)
        self.assertEqual(answer.header("Location"), "/app/?x=1")

    def test_windows_rotatelogs_is_found_on_path_with_a_warning(self):
        self.assertRegex(self.httpd.error_log(),
                         r"AJPG0003 JkLogFile: 'bin/rotatelogs.exe' is not under ServerRoot .*; using /\S*rotatelogs")

    def test_log_file_is_rotated_by_date_with_the_seed_stamp(self):
        request(self.httpd.port, "GET", "/app/ping.jsp")
        pattern = os.path.join(self.httpd.dir, "logs", "mod_jk_*.log")
        files = harness.wait_until(lambda: glob.glob(pattern), 10, what="rotatelogs' mod_jk_YYYYMMDD.log")
        self.assertEqual(len(files), 1, files)
        name = os.path.basename(files[0])
        # -l: the file name uses local time (checked on both sides of a possible midnight).
        self.assertIn(name, {time.strftime("mod_jk_%Y%m%d.log", time.localtime(t))
                             for t in (time.time() - 60, time.time())})
        text = harness.wait_until(lambda: self.httpd.read(os.path.join("logs", name)), 10, what="log lines")
        lines = text.splitlines()
        self.assertTrue(lines)
        for line in lines:
            self.assertRegex(line, STAMP)
        self.assertIn("[info] AJPG0001 ajpgate started: " + self.started, text)
        self.assertNotIn("[debug]", text)  # JkLogLevel Info



class TomcatSeedLbConfigTest(TomcatSeedConfigTest):
    """The seed as published: its own lb workers.properties and `JkMount /* loadbalancer`."""

    worker = "loadbalancer"
    started = "2 ajp13, 1 lb"

    @classmethod
    def workers(cls, node):
        return SEED_LB_WORKERS.format(port=node.ajp_port)


if __name__ == "__main__":
    unittest.main()
