"""The status worker (worker.X.type=status) through the real httpd with several children:
every format and command answers, edits reach every child at once and steer traffic, access
rules (read_only, user, other sites' pages) hold, hostile names come out escaped, and the
worker is reachable only where it is mounted."""
import base64
import collections
import os
import socket
import subprocess
import sys
import time
import unittest
import urllib.parse

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

from harness import read_to_end, wait_until  # noqa: E402
from httpd import Httpd, module_path  # noqa: E402
from test_module_directives import raw_get  # noqa: E402
from testd_backend import TestdBackend  # noqa: E402

CONF = """JkWorkersFile workers.properties
JkLogFile logs/mod_jk.log
JkLogLevel info
JkMount /app/* lb
JkMount /jkstatus jkstatus
JkMount /ro jkro
LogFormat "%P %U%q" pids
CustomLog logs/access_log pids
"""


def workers(ports, extra=""):
    text = "worker.list=lb,jkstatus,jkro\nworker.lb.type=lb\nworker.lb.balance_workers=was1,was2\n"
    for name, port in ports.items():
        text += f"worker.{name}.host=127.0.0.1\nworker.{name}.port={port}\nworker.{name}.secret=Tops3cret\n"
    text += "worker.jkstatus.type=status\nworker.jkro.type=status\nworker.jkro.read_only=true\n"
    return text + extra


def concurrent_status(h, target, count):
    """Opens `count` connections first, then sends `target` on each: a child whose threads are
    all reading a request accepts no more, so the others go to another child. The bodies."""
    sockets = [socket.create_connection(("127.0.0.1", h.port), timeout=20) for _ in range(count)]
    bodies = []
    try:
        time.sleep(0.3)  # every connection accepted and waiting for its request
        for s in sockets:
            s.sendall(f"GET {target} HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n".encode())
        for s in sockets:
            bodies.append(read_to_end(s).split(b"\r\n\r\n", 1)[1])
    finally:
        for s in sockets:
            s.close()
    return bodies


def prop(body):
    """The key=value lines of a mime=prop answer, in order (keys may repeat)."""
    return [tuple(line.split("=", 1)) for line in body.decode().splitlines() if "=" in line]


def value(pairs, key):
    return [v for k, v in pairs if k == key]


class StatusCase(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        if not os.path.exists(module_path()):
            raise unittest.SkipTest("mod_jk.so not built at " + module_path())
        cls.backends = {n: TestdBackend(n, "--route", n) for n in ("was1", "was2")}

    @classmethod
    def tearDownClass(cls):
        for b in cls.backends.values():
            b.stop()

    def httpd(self, extra="", conf=CONF, **kw):
        ports = {n: b.port for n, b in self.backends.items()}
        return Httpd(conf, workers=workers(ports, extra), modules=("authz_core",), **kw)

    def status(self, h, query, path="/jkstatus", **kw):
        return h.get(path + "?" + query, **kw)

    def served_by(self, h):
        status, headers, _ = h.get("/app/x", headers={"Connection": "close"})
        return headers.get("X-Route") if status == 200 else status


class FormatsTest(StatusCase):
    def test_prop_txt_xml_and_html_answer_with_mod_jks_headers(self):
        with self.httpd() as h:
            status, headers, body = self.status(h, "cmd=list&mime=prop")
            self.assertEqual(status, 200)
            self.assertTrue(headers["Content-Type"].startswith("text/plain"))
            self.assertEqual(headers["Cache-Control"], "no-cache")
            pairs = prop(body)
            self.assertEqual(value(pairs, "worker.lb.balance_workers"), ["was1", "was2"])
            self.assertEqual(value(pairs, "worker.was1.activation"), ["ACT"])
            self.assertEqual(value(pairs, "worker.lb.member_count"), ["2"])
            self.assertEqual(pairs[-2:], [("worker.result.type", "OK"), ("worker.result.message", "Action finished")])
            self.assertNotIn(b"Tops3cret", body)

            status, headers, body = self.status(h, "mime=txt")
            self.assertEqual(status, 200)
            self.assertIn(b'Result: type=OK message="Action finished"\n', body)
            self.assertIn(b"Member: name=was2 type=ajp13", body)

            status, headers, body = self.status(h, "mime=xml")
            self.assertTrue(headers["Content-Type"].startswith("text/xml"))
            self.assertIn(b'xmlns:jk="http://tomcat.apache.org"', body)
            lint = subprocess.run(["xmllint", "--noout", "-"], input=body, capture_output=True, timeout=30)
            self.assertEqual(lint.returncode, 0, lint.stderr.decode())

            status, headers, body = self.status(h, "")
            self.assertTrue(headers["Content-Type"].startswith("text/html"))
            self.assertIn(b"was1", body)

            for query in ("cmd=version&mime=prop", "cmd=dump&mime=prop", "cmd=show&w=lb&sw=was2&mime=prop",
                          "cmd=edit&w=lb&sw=was1", "cmd=dump"):
                status, _, body = self.status(h, query)
                self.assertEqual(status, 200, query)
                self.assertNotIn(b"Tops3cret", body, query)
                self.assertNotIn(b"ERROR", body, query)

    def test_errors_are_http_200_with_a_result(self):
        with self.httpd() as h:
            for query, message in (("cmd=bogus&mime=prop", "Invalid command."),
                                   ("cmd=list&mime=bogus", "Invalid mime type."),
                                   ("cmd=show&w=nope&mime=prop", "Could not find given worker")):
                status, _, body = self.status(h, query)
                self.assertEqual(status, 200, query)
                pairs = prop(body) if "mime=bogus" not in query else []
                if pairs:
                    self.assertEqual(value(pairs, "worker.result.type"), ["ERROR"], query)
                    self.assertEqual(value(pairs, "worker.result.message"), [message], query)
                else:
                    self.assertIn(message.encode(), body, query)


class EditsTest(StatusCase):
    def test_disable_is_seen_by_every_child_and_steers_new_sessions(self):
        with self.httpd() as h:
            status, _, body = self.status(h, "cmd=update&mime=txt&w=lb&sw=was1&vwa=D")
            self.assertEqual(status, 200)
            self.assertEqual(body, b'Result: type=OK message="Action finished"\n')
            # Many connections open at once: more than one child's threads can take, so both
            # children answer (one after the other, an idle child may win every accept).
            for body in concurrent_status(h, "/jkstatus?cmd=show&w=lb&sw=was1&mime=prop", 40):
                self.assertEqual(value(prop(body), "worker.was1.activation"), ["DIS"])
            pids = {line.split()[0] for line in h.read("logs/access_log").splitlines() if "/jkstatus" in line}
            self.assertGreaterEqual(len(pids), 2, "the status page was not served by several children")
            # New sessions avoid the disabled member; its own sessions stay with it.
            self.assertEqual(collections.Counter(self.served_by(h) for _ in range(30)), {"was2": 30})
            status, headers, _ = h.get("/app/x", headers={"Cookie": "JSESSIONID=ABC.was1"})
            self.assertEqual(headers.get("X-Route"), "was1")
            log = h.read("logs/mod_jk.log")
            self.assertRegex(log, r"AJPG0150 Status worker 'jkstatus' changing 'activation' for sub worker 'was1' "
                                  r"of lb worker 'lb' from 'ACT' to 'DIS' \(from 127\.0\.0\.1\)")
            # Stopped: not even its sessions.
            self.status(h, "cmd=update&mime=prop&w=lb&sw=was1&vwa=S")
            status, headers, _ = h.get("/app/x", headers={"Cookie": "JSESSIONID=ABC.was1"})
            self.assertEqual(headers.get("X-Route"), "was2")
            self.status(h, "cmd=update&mime=prop&w=lb&sw=was1&vwa=A")
            self.assertEqual(set(self.served_by(h) for _ in range(30)), {"was1", "was2"})

    def test_lbfactor_route_and_lb_settings(self):
        with self.httpd() as h:
            _, _, body = self.status(h, "cmd=update&mime=prop&w=lb&sw=was2&vwf=3&vwn=node2")
            self.assertEqual(value(prop(body), "worker.result.type"), ["OK"])
            # The new route is what sessions follow now, in every child.
            for _ in range(10):
                status, headers, _ = h.get("/app/x", headers={"Cookie": "JSESSIONID=X.node2", "Connection": "close"})
                self.assertEqual(headers.get("X-Route"), "was2")
            _, _, body = self.status(h, "cmd=update&mime=prop&w=lb&vlr=4&vls=0&vlm=B")
            self.assertEqual(value(prop(body), "worker.result.type"), ["OK"])
            for _ in range(10):
                pairs = prop(self.status(h, "mime=prop", headers={"Connection": "close"})[2])
                self.assertEqual(value(pairs, "worker.was2.lbfactor"), ["3"])
                self.assertEqual(value(pairs, "worker.was2.route"), ["node2"])
                self.assertEqual(value(pairs, "worker.lb.retries"), ["4"])
                self.assertEqual(value(pairs, "worker.lb.sticky_session"), ["False"])
                self.assertEqual(value(pairs, "worker.lb.method"), ["Busyness"])

    def test_reset_and_recover(self):
        with self.httpd("worker.lb.recover_time=600\n") as h:
            for _ in range(6):
                self.served_by(h)
            pairs = prop(self.status(h, "mime=prop")[2])
            self.assertGreater(sum(int(v) for v in value(pairs, "worker.was1.elected") + value(pairs, "worker.was2.elected")), 0)
            self.status(h, "cmd=reset&w=lb&mime=prop")
            pairs = prop(self.status(h, "mime=prop")[2])
            self.assertEqual(value(pairs, "worker.was1.elected") + value(pairs, "worker.was2.elected"), ["0", "0"])
            # recover only applies to a member in error
            _, _, body = self.status(h, "cmd=recover&w=lb&sw=was1&mime=prop")
            self.assertEqual(value(prop(body), "worker.result.message"), ["Marking worker for recovery failed"])

    def test_read_only_and_cross_site_change_nothing(self):
        with self.httpd() as h:
            status, _, body = self.status(h, "cmd=update&mime=prop&w=lb&sw=was1&vwa=S", path="/ro")
            self.assertEqual(status, 200)
            self.assertEqual(value(prop(body), "worker.result.type"), ["ERROR"])
            self.assertEqual(value(prop(body), "worker.result.message"),
                             ["This command is not allowed in read only mode."])
            # A page on another site posting the form, or linking the update: 403, nothing changes.
            form = urllib.parse.urlencode({"cmd": "update", "w": "lb", "sw": "was1", "vwa": "S"}).encode()
            status, _, _ = h.get("/jkstatus", data=form, headers={"Origin": "http://evil.example",
                                                                  "Content-Type": "application/x-www-form-urlencoded"})
            self.assertEqual(status, 403)
            status, _, _ = self.status(h, "cmd=update&mime=prop&w=lb&sw=was1&vwa=S",
                                       headers={"Sec-Fetch-Site": "cross-site"})
            self.assertEqual(status, 403)
            pairs = prop(self.status(h, "mime=prop")[2])
            self.assertEqual(value(pairs, "worker.was1.activation"), ["ACT"])
            self.assertRegex(h.read("logs/mod_jk.log"), r"\[warn\] \[[^\]\s]+\] AJPG0151 .*refused")
            # The same form from the status page itself goes through.
            status, _, body = h.get("/jkstatus?mime=prop", data=form,
                                    headers={"Origin": f"http://127.0.0.1:{h.port}", "Sec-Fetch-Site": "same-origin",
                                             "Content-Type": "application/x-www-form-urlencoded"})
            self.assertEqual(status, 200)
            self.assertEqual(value(prop(self.status(h, "mime=prop")[2]), "worker.was1.activation"), ["STP"])


class AccessTest(StatusCase):
    def test_user_list_against_httpds_authenticated_user(self):
        conf = CONF + """<Location /jkstatus>
  AuthType Basic
  AuthName jk
  AuthBasicProvider file
  AuthUserFile passwords
  Require valid-user
</Location>
"""
        ports = {n: b.port for n, b in self.backends.items()}
        with Httpd(conf, workers=workers(ports, "worker.jkstatus.user=admin\nworker.jkstatus.user_case_insensitive=true\n"),
                   modules=("authz_core", "auth_basic", "authn_file", "authn_core", "authz_user")) as h:
            passwords = os.path.join(h.dir, "passwords")
            for first, user in ((True, "Admin"), (False, "bob")):
                subprocess.run(["htpasswd"] + (["-c"] if first else []) + ["-b", "-m", passwords, user, "pw"],
                               check=True, capture_output=True, timeout=30)
            os.chmod(passwords, 0o644)

            def as_user(user):
                token = base64.b64encode(f"{user}:pw".encode()).decode()
                return self.status(h, "mime=prop", headers={"Authorization": "Basic " + token})
            status, _, body = as_user("Admin")
            self.assertEqual(value(prop(body), "worker.result.type"), ["OK"])
            status, _, body = as_user("bob")
            self.assertEqual(status, 200)
            self.assertEqual(value(prop(body), "worker.result.message"), ["Access denied."])
            self.assertNotIn(b"worker.lb.", body)

    def test_reachable_only_where_mounted(self):
        with self.httpd() as h:
            self.assertEqual(raw_get(h.port, "/jkstatus?mime=prop")[0], 200)
            # (httpd itself resolves "/x/../jkstatus" and "//jkstatus" before any module sees
            # them, for its own <Location> checks too: those are the plain path.)
            for target in ("/jkstatus;x?mime=prop", "/jkstatus/..;/jkstatus?mime=prop", "/jkstatus%3bx?mime=prop",
                           "/app/..;/jkstatus?mime=prop", "/jkstatus;jsessionid=1?mime=prop"):
                status, data = raw_get(h.port, target)
                self.assertNotIn(b"worker.result.type", data, target)
                self.assertNotEqual(status, 200, target)

    def test_hostile_names_come_out_escaped(self):
        extra = ('worker.was2.route=<script>alert(1)</script>\nworker.was1.redirect=<script>alert(1)</script>\n'
                 'worker.was1.domain="><img src=x>\nworker.bad.host=<svg/onload=alert(2)>\nworker.bad.port=1\n'
                 'worker.list=bad\n')
        with self.httpd(extra) as h:
            _, _, html = self.status(h, "")
            self.assertNotIn(b"<script>alert(1)", html)
            self.assertNotIn(b"<img src=x>", html)
            self.assertNotIn(b"<svg", html)
            self.assertIn(b"&lt;svg/onload=alert(2)&gt;", html)
            self.assertIn(b"&lt;script&gt;", html)
            _, _, xml = self.status(h, "mime=xml")
            lint = subprocess.run(["xmllint", "--noout", "-"], input=xml, capture_output=True, timeout=30)
            self.assertEqual(lint.returncode, 0, lint.stderr.decode())
            _, _, html = self.status(h, "cmd=show&w=lb&sw=was2&re=5&opt=%3Cx%3E")
            self.assertNotIn(b"<x>", html)


if __name__ == "__main__":
    unittest.main()
