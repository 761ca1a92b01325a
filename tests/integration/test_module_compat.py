"""Configurations mod_jk runs although they are most likely mistakes, through the real httpd with
ajpgate: `apachectl -t` passes and names each oddity (AJPG0011, file:line, what mod_jk does and
the fix), httpd starts and serves what mod_jk serves; with `JkStrict On` the same file fails
the check (AJPG0010)."""
import json
import os
import re
import sys
import unittest

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

from httpd import Httpd, module_path  # noqa: E402
from testd_backend import TestdBackend  # noqa: E402

# Each line of this file is one of the classes of issue 10 (line numbers matter below).
ODD_WORKERS = """worker.list=one,lb
this line has no equals sign
worker.one.host=127.0.0.1
worker.one.port={port}
worker.one.lbfactor=0
worker.lb.type=lb
worker.lb.balance_workers=one,ghost
worker.lock=P
worker.tmpl.maintain=60
worker.tmpl.socket_keepalive=true
worker.one.reference=worker.tmpl
worker.one.max_packet_size=100000
"""

# (line, what the warning says)
ODD_FINDINGS = [
    (2, "no '=' on this line: skipped, as mod_jk skips it"),
    (5, "worker 'one' lbfactor: 0 is out of range 1..2147483647; mod_jk reads it as 1"),
    (7, "lb 'lb' member 'ghost' is not defined in workers.properties: mod_jk invents an ajp13 "
        "worker 'ghost' on localhost:8009"),
    (8, "'worker.lock' is not a global property and names no worker: mod_jk ignores it"),
    (9, "'maintain' is a global property: mod_jk ignores 'worker.tmpl.maintain'"),
    (12, "worker 'one' max_packet_size: 100000 is out of range 8192..65536 bytes; mod_jk reads it as 65536"),
]


class CompatCase(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        if not os.path.exists(module_path()):
            raise unittest.SkipTest("mod_jk.so not built at " + module_path())
        cls.one = TestdBackend("one")

    @classmethod
    def tearDownClass(cls):
        cls.one.stop()

    def odd_httpd(self, extra=""):
        return Httpd("JkWorkersFile workers.properties\nJkLogFile logs/mod_jk.log\n" + extra,
                     workers=ODD_WORKERS.format(port=self.one.port))


class SyntaxCheckTest(CompatCase):
    def test_check_passes_and_names_every_oddity(self):
        h = self.odd_httpd()
        rc, out = h.check_syntax()
        self.assertEqual(rc, 0, out)
        self.assertIn("Syntax OK", out)
        for line, text in ODD_FINDINGS:
            self.assertRegex(out, re.escape(f"AJPG0011 {h.dir}/workers.properties:{line}: warning: {text}"))
        self.assertNotIn("AJPG0010", out)

    def test_strict_refuses_every_oddity(self):
        h = self.odd_httpd("JkStrict On\n")
        rc, out = h.check_syntax()
        self.assertNotEqual(rc, 0, out)
        for line, text in ODD_FINDINGS:
            self.assertRegex(out, re.escape(f"AJPG0010 {h.dir}/workers.properties:{line}: error: {text}") +
                             r".*\[refused: JkStrict On\]")
        self.assertNotIn("AJPG0011", out)

    def test_strict_off_is_the_default(self):
        rc, out = self.odd_httpd("JkStrict Off\n").check_syntax()
        self.assertEqual(rc, 0, out)

    def test_what_mod_jk_refuses_is_refused_either_way(self):
        for strict in ("", "JkStrict Off\n"):
            h = Httpd("JkWorkersFile workers.properties\n" + strict,
                      workers="worker.list=a\nworker.a.port=8009\nworker.a.lbfacto=2\n")
            rc, out = h.check_syntax()
            self.assertNotEqual(rc, 0, out)
            self.assertIn(f"AJPG0010 {h.dir}/workers.properties:3: error: unknown property 'lbfacto'", out)


class StartupTest(CompatCase):
    def test_starts_serves_and_warns(self):
        with self.odd_httpd("JkMount /app/* one\n") as h:
            status, _, body = h.get("/app/x")
            self.assertEqual(status, 200)
            self.assertEqual(json.loads(body)["backend"]["name"], "one")
            console = h.read("logs/console.log") + h.error_log()
            for line, text in ODD_FINDINGS:
                self.assertIn(f"workers.properties:{line}: warning: {text}", console)


class MountTargetTest(CompatCase):
    """A rule naming a worker outside worker.list: httpd starts with a warning naming the rule's
    file:line, the rule's URIs answer 500 (as with mod_jk), everything else is served."""

    def test_undefined_and_unlisted_workers(self):
        workers = (f"worker.list=one,lb\nworker.one.host=127.0.0.1\nworker.one.port={self.one.port}\n"
                   f"worker.lb.type=lb\nworker.lb.balance_workers=m\nworker.m.host=127.0.0.1\n"
                   f"worker.m.port={self.one.port}\nworker.m.mount=/mm/*\n")
        conf = ("JkWorkersFile workers.properties\nJkLogFile logs/mod_jk.log\n"
                "JkMount /app/* one\nJkMount /ghost/* ghost\nJkMount /member/* m\nJkMount /lb/* lb\n"
                "JkMountFile uriworkermap.properties\n")
        files = {"uriworkermap.properties": "/file/*=ghost2\n/file-ok/*=one\n", "htdocs/static.txt": "static"}
        h = Httpd(conf, workers=workers, files=files)
        rc, out = h.check_syntax()
        self.assertEqual(rc, 0, out)
        conf_lines = open(h.conf_path).read().splitlines()
        ghost_line = conf_lines.index("JkMount /ghost/* ghost") + 1
        member_line = conf_lines.index("JkMount /member/* m") + 1
        self.assertIn(f"httpd.conf:{ghost_line}: warning: rule /ghost/*=ghost", out)
        self.assertIn("maps to worker 'ghost', which workers.properties does not define: mod_jk answers 500", out)
        self.assertIn(f"httpd.conf:{member_line}: warning: rule /member/*=m", out)
        self.assertIn("maps to worker 'm', which is not in worker.list (it is an lb member)", out)
        self.assertIn("uriworkermap.properties:1: warning: rule /file/*=ghost2", out)
        self.assertIn("workers.properties:8: warning: mount '/mm/*' of worker 'm' is ignored", out)
        with h:
            for path in ("/app/x", "/lb/x", "/file-ok/x"):
                status, _, body = h.get(path)
                self.assertEqual(status, 200, path)
                self.assertEqual(json.loads(body)["backend"]["name"], "one")
            for path in ("/ghost/x", "/member/x", "/file/x"):
                self.assertEqual(h.get(path)[0], 500, path)
            self.assertEqual(h.get("/mm/x")[0], 404)  # the member's own mount is not in effect
            self.assertEqual(h.get("/static.txt")[:3:2], (200, b"static"))
            self.assertIn("AJPG0101 worker 'ghost' is not in worker.list: 500", h.read("logs/mod_jk.log"))

    def test_strict_refuses_the_rule(self):
        h = Httpd("JkStrict On\nJkWorkersFile workers.properties\nJkMount /ghost/* ghost\n",
                  workers=f"worker.list=one\nworker.one.port={self.one.port}\n")
        rc, out = h.check_syntax()
        self.assertNotEqual(rc, 0, out)
        self.assertIn("AJPG0010", out)
        self.assertIn("maps to worker 'ghost'", out)


if __name__ == "__main__":
    unittest.main()
