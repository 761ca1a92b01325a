"""The Jk* directives through the real httpd: mounts, <Location>, virtual hosts and
JkMountCopy, JkMountFile and its reload, JkWorkerProperty, SetHandler, no-jk, JkStripSession,
JkAutoAlias, and normalised paths meeting httpd's own access control."""
import json
import os
import socket
import sys
import time
import unittest

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

from harness import wait_until  # noqa: E402
from httpd import Httpd, children_of, module_path, vm_rss_kib  # noqa: E402
from testd_backend import TestdBackend  # noqa: E402


def raw_get(port, target, host="localhost", timeout=10):
    """Status of a request sent byte for byte (clients would normalise the path first)."""
    with socket.create_connection(("127.0.0.1", port), timeout=timeout) as s:
        s.sendall(f"GET {target} HTTP/1.1\r\nHost: {host}\r\nConnection: close\r\n\r\n".encode())
        data = b""
        while len(data) < 65536:
            chunk = s.recv(4096)
            if not chunk:
                break
            data += chunk
    return int(data.split(b" ", 2)[1]), data


class DirectivesCase(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        if not os.path.exists(module_path()):
            raise unittest.SkipTest("mod_jk.so not built at " + module_path())
        cls.one = TestdBackend("one")
        cls.two = TestdBackend("two")

    @classmethod
    def tearDownClass(cls):
        cls.one.stop()
        cls.two.stop()

    def workers(self):
        return (f"worker.list=one,two\nworker.one.host=127.0.0.1\nworker.one.port={self.one.port}\n"
                f"worker.two.host=127.0.0.1\nworker.two.port={self.two.port}\n")

    def backend_of(self, httpd, path, host=None):
        """Which backend served `path` ('one', 'two'), or the HTTP status when none did."""
        status, _, body = httpd.get(path, headers={"Host": host} if host else None)
        if status != 200:
            return status
        try:
            return json.loads(body)["backend"]["name"]
        except ValueError:
            return "httpd"


class MountTest(DirectivesCase):
    def test_patterns_exclusions_and_location(self):
        conf = """JkWorkersFile workers.properties
JkMount /app/* one
JkMount /app/special/* two
JkMount /*.jsp two
JkUnMount /app/*.gif one
JkWorkerProperty worker.one.retries=1
<Location /exact>
  JkMount one
</Location>
"""
        with Httpd(conf, workers=self.workers(), files={"htdocs/app/logo.gif": "GIF"}) as h:
            self.assertEqual(self.backend_of(h, "/app/x"), "one")
            self.assertEqual(self.backend_of(h, "/app/special/y"), "two")   # more slashes wins
            self.assertEqual(self.backend_of(h, "/app/x.jsp"), "one")       # /app/* has more slashes
            self.assertEqual(self.backend_of(h, "/z.jsp"), "two")
            self.assertEqual(self.backend_of(h, "/app/logo.gif"), "httpd")  # excluded: httpd serves the file
            self.assertEqual(self.backend_of(h, "/exact"), "one")
            self.assertEqual(self.backend_of(h, "/exact/below"), 404)       # one-argument form is exact
            self.assertEqual(self.backend_of(h, "/elsewhere"), 404)

    def test_normalised_path_meets_location_access_control(self):
        conf = """JkWorkersFile workers.properties
JkMount /* one
<Location /manager>
  Require all denied
</Location>
"""
        with Httpd(conf, workers=self.workers()) as h:
            self.assertEqual(raw_get(h.port, "/manager/html")[0], 403)
            # Tomcat would serve /manager/html for these; httpd must see the same path.
            self.assertEqual(raw_get(h.port, "/app/..;x=y/manager/html")[0], 403)
            self.assertEqual(raw_get(h.port, "/app;x/../manager/html")[0], 403)
            self.assertEqual(raw_get(h.port, "//manager//html")[0], 403)
            self.assertEqual(raw_get(h.port, "/app/../../etc/passwd")[0], 400)
            status, body = raw_get(h.port, "/app/./x;jsessionid=ABC")
            self.assertEqual(status, 200)
            self.assertIn(b'"uri":"/app/x;jsessionid=ABC"', body)

    def test_sethandler_and_no_jk(self):
        conf = """JkWorkersFile workers.properties
JkMount /app/* one
SetEnvIf Request_URI "\\.css$" no-jk
<Location /handled>
  SetHandler jakarta-servlet
  SetEnv JK_WORKER_NAME two
</Location>
"""
        with Httpd(conf, workers=self.workers(), modules=("authz_core", "setenvif", "env"),
                   files={"htdocs/app/site.css": "body{}", "htdocs/handled/x": "local"}) as h:
            self.assertEqual(self.backend_of(h, "/handled/x"), "two")
            status, _, body = h.get("/app/site.css")
            self.assertEqual((status, body), (200, b"body{}"))

    def test_strip_session_and_auto_alias(self):
        conf = """JkWorkersFile workers.properties
JkMount /app/*.jsp one
JkStripSession On
JkAutoAlias webapps
"""
        files = {"htdocs/static.txt": "static", "webapps/app/page.html": "from webapps",
                 "webapps/app/WEB-INF/web.xml": "<secret/>"}
        with Httpd(conf, workers=self.workers(), files=files) as h:
            self.assertEqual(h.get("/static.txt;jsessionid=ABC.was1")[:3:2], (200, b"static"))
            self.assertEqual(h.get("/app/page.html")[:3:2], (200, b"from webapps"))
            self.assertEqual(h.get("/app/WEB-INF/web.xml")[0], 403)
            self.assertEqual(self.backend_of(h, "/app/x.jsp"), "one")


class VirtualHostTest(DirectivesCase):
    def test_mount_copy(self):
        conf = """JkWorkersFile workers.properties
JkMount /main/* one
<VirtualHost *:*>
  ServerName own.test
  JkMount /own/* two
</VirtualHost>
<VirtualHost *:*>
  ServerName copy.test
  JkMountCopy On
  JkMount /own/* two
</VirtualHost>
"""
        with Httpd(conf, workers=self.workers()) as h:
            self.assertEqual(self.backend_of(h, "/own/x", host="own.test"), "two")
            self.assertEqual(self.backend_of(h, "/main/x", host="own.test"), 404)  # not inherited
            self.assertEqual(self.backend_of(h, "/main/x", host="copy.test"), "one")
            self.assertEqual(self.backend_of(h, "/own/x", host="copy.test"), "two")

    def test_many_copying_hosts_share_one_map(self):
        # The hosting setup: the mounts once in the main server, hundreds of hosts with
        # JkMountCopy On and nothing of their own. Each host used to build its own copy of the
        # map (500 hosts x 10,000 mounts: 3.4 GB); they now share the main server's.
        hosts, mounts = 300, 3000
        lines = ["JkWorkersFile workers.properties", "JkUnMount /m7/private/* one"]
        lines += [f"JkMount /m{i}/* {'one' if i % 2 else 'two'}" for i in range(mounts)]
        for i in range(hosts):
            lines += ["<VirtualHost *:*>", f"  ServerName h{i}.test", "  JkMountCopy On", "</VirtualHost>"]
        workers = self.workers() + "worker.two.mount=/by-property/*\n"
        with Httpd("\n".join(lines) + "\n", workers=workers, processes=1) as h:
            last = f"h{hosts - 1}.test"
            self.assertEqual(self.backend_of(h, "/m7/x", host=last), "one")
            self.assertEqual(self.backend_of(h, f"/m{mounts - 2}/x", host=last), "two")
            self.assertEqual(self.backend_of(h, "/m7/private/x", host=last), 404)
            self.assertEqual(self.backend_of(h, "/by-property/x", host="h0.test"), "two")
            self.assertEqual(self.backend_of(h, "/nothing/x", host="h0.test"), 404)
            rss = max(vm_rss_kib(pid) for pid in children_of(h.process.proc.pid))
            self.assertLess(rss, 150 * 1024, f"a child holds {rss // 1024} MiB")

    def test_mount_copy_all(self):
        conf = """JkWorkersFile workers.properties
JkMountCopy All
JkMount /main/* one
<VirtualHost *:*>
  ServerName any.test
</VirtualHost>
"""
        with Httpd(conf, workers=self.workers()) as h:
            self.assertEqual(self.backend_of(h, "/main/x", host="any.test"), "one")


class MountFileTest(DirectivesCase):
    def test_reload(self):
        self.check_reload(strict=False)

    def test_reload_strict(self):
        self.check_reload(strict=True)

    def check_reload(self, strict):
        conf = "JkWorkersFile workers.properties\nJkMountFile uriworkermap.properties\nJkMountFileReload 1\n" \
               "JkLogFile logs/mod_jk.log\n" + ("JkStrict On\n" if strict else "")
        # One child: every child re-reads the file on its own, lazily, so with several the
        # intermediate version may be seen by some and not others.
        with Httpd(conf, workers=self.workers(), files={"uriworkermap.properties": "/a/*=one\n"},
                   processes=1) as h:
            self.assertEqual(self.backend_of(h, "/a/x"), "one")
            self.assertEqual(self.backend_of(h, "/b/x"), 404)
            time.sleep(1.1)  # the file's mtime must move past the one seen at start-up
            h.write("uriworkermap.properties", "/a/*=two\n/b/*=one\n")
            wait_until(lambda: self.backend_of(h, "/b/x") == "one", 10, interval=0.3, what="reload")
            self.assertEqual(self.backend_of(h, "/a/x"), "two")
            self.assertIn("AJPG0012", h.read("logs/mod_jk.log"))
            time.sleep(1.1)
            h.write("uriworkermap.properties", "/c/*=nosuchworker\n")
            if strict:
                # Under JkStrict On a rule naming no worker breaks the file: reported, and the
                # previous mappings stay. Reloads happen lazily, on requests: keep asking.
                wait_until(lambda: self.backend_of(h, "/c/x") and "keeping the previous mappings" in
                           h.read("logs/mod_jk.log"), 10, interval=0.3, what="broken reload report")
                self.assertEqual(self.backend_of(h, "/b/x"), "one")
                self.assertIn("maps to worker 'nosuchworker'", h.read("logs/mod_jk.log"))
            else:
                # As with mod_jk, the file is taken: its rule answers 500, and /b/* is gone.
                wait_until(lambda: self.backend_of(h, "/c/x") == 500, 10, interval=0.3, what="reload")
                self.assertEqual(self.backend_of(h, "/b/x"), 404)
                log = h.read("logs/mod_jk.log")
                self.assertIn("AJPG0011", log)
                self.assertIn("maps to worker 'nosuchworker', which workers.properties does not define", log)
                self.assertNotIn("keeping the previous mappings", log)


class LoggingTest(DirectivesCase):
    STAMP = r"\[\w{3} \w{3} \d{2} \d{2}:\d{2}:\d{2}\.\d{3} \d{4}\] "

    def log_lines(self, h, pattern="logs/mod_jk_*.log"):
        import glob
        files = glob.glob(os.path.join(h.dir, pattern))
        return "".join(open(f).read() for f in files)

    def test_piped_rotatelogs_with_stamp_and_request_log(self):
        import re
        conf = """JkWorkersFile workers.properties
JkMount /app/* one
JkLogFile "|/usr/bin/rotatelogs -l logs/mod_jk_%Y%m%d.log 86400"
JkLogStampFormat "[%a %b %d %H:%M:%S.%Q %Y] "
JkLogLevel info
JkRequestLogFormat "%w %V %m %U%q %s %B"
"""
        with Httpd(conf, workers=self.workers()) as h:
            self.assertEqual(h.get("/app/logged?x=1")[0], 200)
            wait_until(lambda: "one 127.0.0.1 GET /app/logged?x=1 200" in self.log_lines(h), 10,
                       what="request log line")
            text = self.log_lines(h)
        lines = [l for l in text.splitlines() if l]
        self.assertTrue(lines)
        for line in lines:
            self.assertRegex(line, "^" + self.STAMP + r"\[\d+:\d+\] \[(info|warn|error)\] (\[[^\]\s]+\] )?AJPG\d{4} ")
        self.assertIn("AJPG0001 ajpgate started", text)
        self.assertNotIn("[debug]", text)

    def test_relative_windows_style_pipe_and_levels(self):
        # The seed's line: a Windows path under ServerRoot; here it resolves to rotatelogs on PATH.
        conf = """JkWorkersFile workers.properties
JkMount /app/* one
JkLogFile "|bin/rotatelogs.exe -l logs/mod_jk_%Y%m%d.log 86400"
JkLogStampFormat "[%a %b %d %H: %M: %S %Y]"
JkLogLevel debug
"""
        with Httpd(conf, workers=self.workers()) as h:
            self.assertEqual(h.get("/app/debugged")[0], 200)
            wait_until(lambda: "AJPG0120 GET /app/debugged" in self.log_lines(h), 10, what="debug story")
            self.assertIn("AJPG0003", h.error_log())  # says where the program was found
            self.assertIn("AJPG0100 /app/debugged -> /app/*=one", self.log_lines(h))

    def test_error_log_without_jklogfile(self):
        with Httpd("JkWorkersFile workers.properties\nJkMount /app/* one\n", workers=self.workers()) as h:
            h.get("/app/x")
            wait_until(lambda: "AJPG0001" in h.error_log(), 10, what="start-up line in error_log")


class ConfigErrorTest(DirectivesCase):
    def check_refused(self, conf, workers, *expected):
        h = Httpd(conf, workers=workers)
        rc, out = h.check_syntax()
        self.assertNotEqual(rc, 0, out)
        for text in expected:
            self.assertIn(text, out)

    def test_errors_name_file_line_and_reason(self):
        good = self.workers()
        self.check_refused("JkWorkersFile workers.properties\n", good + "worker.one.lbfacto=2\n",
                           "workers.properties:6", "did you mean 'lbfactor'")
        # mod_jk starts with a mount naming no worker (it answers 500 there): only JkStrict refuses
        self.check_refused("JkStrict On\nJkWorkersFile workers.properties\nJkMount /x/* three\n", good,
                           "httpd.conf:", "AJPG0010", "worker 'three'", "[refused: JkStrict On]")
        self.check_refused("<VirtualHost *:*>\nJkStrict On\n</VirtualHost>\nJkWorkersFile workers.properties\n",
                           good, "JkStrict is only allowed in the main server")
        self.check_refused("JkWorkersFile workers.properties\nJkOptions +NoSuchOption\n", good,
                           "NoSuchOption")
        self.check_refused("JkWorkersFile workers.properties\nJkLogLevel chatty\n", good, "chatty")
        self.check_refused("JkWorkersFile workers.properties\nJkLogStampFormat \"%Q %q\"\n", good, "%Q")
        self.check_refused("<VirtualHost *:*>\nJkWorkersFile workers.properties\n</VirtualHost>\n", good,
                           "only allowed in the main server")
        self.check_refused("JkWorkersFile missing.properties\n", None, "missing.properties")

    def test_mount_naming_no_worker_passes_with_a_warning(self):
        h = Httpd("JkWorkersFile workers.properties\nJkMount /x/* three\n", workers=self.workers())
        rc, out = h.check_syntax()
        self.assertEqual(rc, 0, out)
        self.assertIn("Syntax OK", out)
        self.assertRegex(out, r"AJPG0011 \S*httpd.conf:\d+: warning: rule /x/\*=three .* maps to worker 'three'")

    def test_good_config_passes(self):
        rc, out = Httpd("JkWorkersFile workers.properties\nJkMount /a/* one\n", workers=self.workers()).check_syntax()
        self.assertEqual(rc, 0, out)
        self.assertIn("Syntax OK", out)


if __name__ == "__main__":
    unittest.main()
