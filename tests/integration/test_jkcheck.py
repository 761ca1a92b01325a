"""jkcheck on real files: a correct two-node cluster as the Tomcat tests write it (server.xml
with the static cluster, the webapp, catalina.properties from Debian's tomcat10) gives no
finding and exit 0; each broken copy gives its rule's id at both locations and exit 1; the
formats parse; suppressions, --explain and the exit codes for bad input and usage hold.
Broken configurations are also started in the real Tomcat 10, and --probe or a request
through httpd shows each static finding is what Tomcat does: 403 for a wrong or missing secret
(JKC210/211) and for a JkEnvVar the connector does not allow (JKC310), a connector requiring a
secret it lacks binds but never answers (JKC212), an HTTP port is not AJP (JKC202), a request
larger than packetSize is refused with 400 (JKC220); the module's log names JKC602/JKC603."""
import json
import os
import re
import shutil
import socket
import subprocess
import sys
import unittest

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

import harness  # noqa: E402
import tomcat_cluster  # noqa: E402
from httpd import Httpd, module_path  # noqa: E402
from tomcat import TomcatNode, request, tomcat_available  # noqa: E402

JKCHECK = os.path.join(harness.build_dir(), "tools", "jkcheck")


def jkcheck(*args):
    run = subprocess.run([JKCHECK, *args], capture_output=True, text=True, timeout=60)
    return run.returncode, run.stdout, run.stderr


def edit(path, old, new):
    with open(path) as f:
        text = f.read()
    assert old in text, f"{old!r} not in {path}"
    with open(path, "w") as f:
        f.write(text.replace(old, new, 1))


def line_of(path, needle):
    with open(path) as f:
        for number, line in enumerate(f, 1):
            if needle in line:
                return number
    raise AssertionError(f"{needle!r} not in {path}")


class Cluster:
    """Two node bases (not started), workers.properties and an httpd.conf, in a scratch dir."""

    def __init__(self):
        if not tomcat_available():
            raise unittest.SkipTest("tomcat10 is not installed")
        self.dir = harness.scratch_dir("jkcheck")
        receivers = [harness.free_port(), harness.free_port()]
        self.nodes = [TomcatNode(route, cluster_xml=tomcat_cluster.cluster_xml(i, receivers))
                      for i, route in enumerate(("was1", "was2"))]
        lines = ["worker.list=lb"]
        for n in self.nodes:
            lines += [f"worker.{n.route}.type=ajp13", f"worker.{n.route}.host=127.0.0.1",
                      f"worker.{n.route}.port={n.ajp_port}", f"worker.{n.route}.connection_pool_timeout=60"]
        lines += ["worker.lb.type=lb", "worker.lb.balance_workers=was1,was2"]
        self.workers = os.path.join(self.dir, "workers.properties")
        with open(self.workers, "w") as f:
            f.write("\n".join(lines) + "\n")
        self.httpd = os.path.join(self.dir, "httpd.conf")
        with open(self.httpd, "w") as f:
            f.write("LoadModule mpm_event_module /usr/lib/apache2/modules/mod_mpm_event.so\n"
                    "ServerLimit 6\nThreadsPerChild 25\nMaxRequestWorkers 150\n"
                    f"JkWorkersFile {self.workers}\nJkMount /app/* lb\n")

    def server_xml(self, i):
        return os.path.join(self.nodes[i].base, "conf", "server.xml")

    def check(self, *extra):
        args = ["--httpd-conf", self.httpd, "--catalina-home", "/usr/share/tomcat10", "--format", "json"]
        for n in self.nodes:
            args += ["--node", n.base]
        rc, out, err = jkcheck(*args, *extra)
        return rc, (json.loads(out) if out.strip().startswith("{") else None), err

    def remove(self):
        for n in self.nodes:
            shutil.rmtree(n.base, ignore_errors=True)
        shutil.rmtree(self.dir, ignore_errors=True)


def require_jkcheck():
    if not os.access(JKCHECK, os.X_OK):
        raise unittest.SkipTest(f"{JKCHECK} is not built")


class JkcheckTableTest(unittest.TestCase):
    def setUp(self):
        require_jkcheck()
        self.c = Cluster()
        self.addCleanup(self.c.remove)

    def test_correct_cluster_has_no_finding(self):
        rc, report, err = self.c.check()
        self.assertEqual((rc, report["findings"]), (0, []), err)
        self.assertEqual(report["summary"]["error"], 0)
        self.assertIn(self.c.server_xml(0), report["inputs"])

    def expect(self, rule, primary, related=None):
        rc, report, err = self.c.check()
        ids = [f["id"] for f in report["findings"]]
        self.assertIn(rule, ids, report)
        finding = report["findings"][ids.index(rule)]
        files = [(l["file"], l["line"]) for l in finding["locations"]]
        self.assertEqual(files[0], primary, finding)
        if related:
            self.assertIn(related, files[1:], finding)
        self.assertEqual(rc, 1 if any(f["severity"] == "error" for f in report["findings"]) else 0)
        return finding

    def test_route_mismatch(self):
        xml = self.c.server_xml(1)
        edit(xml, 'jvmRoute="was2"', 'jvmRoute="node2"')
        self.expect("JKC102", (self.c.workers, line_of(self.c.workers, "worker.was2.type")),
                    (xml, line_of(xml, "<Engine")))

    def test_route_missing(self):
        xml = self.c.server_xml(0)
        edit(xml, ' jvmRoute="was1"', "")
        self.expect("JKC101", (xml, line_of(xml, "<Engine")))

    def test_secret_required_without_secret(self):
        xml = self.c.server_xml(0)
        edit(xml, 'secretRequired="false"', "")
        self.expect("JKC212", (xml, line_of(xml, 'protocol="AJP/1.3"')))

    def test_secret_not_sent(self):
        xml = self.c.server_xml(1)
        edit(xml, 'secretRequired="false"', 'secretRequired="true" secret="s3cr3t"')
        self.expect("JKC211", (self.c.workers, line_of(self.c.workers, "worker.was2.type")),
                    (xml, line_of(xml, 'protocol="AJP/1.3"')))

    def test_binder_valve_dropped_by_written_valves(self):
        xml = self.c.server_xml(0)
        edit(xml, '<Valve className="org.apache.catalina.ha.session.JvmRouteBinderValve"/>', "")
        self.expect("JKC404", (xml, line_of(xml, "<Cluster ")))

    def test_env_var_not_allowed(self):
        with open(self.c.httpd, "a") as f:
            f.write("JkEnvVar MY_TENANT\n")
        self.expect("JKC310", (self.c.httpd, line_of(self.c.httpd, "JkEnvVar")))

    def test_not_distributable(self):
        web = os.path.join(self.c.nodes[1].base, "webapps", "app", "WEB-INF", "web.xml")
        edit(web, "<distributable/>", "")
        self.expect("JKC501", (web, line_of(web, "<web-app")))

    def test_pool_timeout_longer_than_tomcat(self):
        edit(self.c.workers, "worker.was1.connection_pool_timeout=60", "worker.was1.connection_pool_timeout=600")
        xml = self.c.server_xml(0)
        self.expect("JKC301", (self.c.workers, line_of(self.c.workers, "worker.was1.connection_pool_timeout")),
                    (xml, line_of(xml, 'protocol="AJP/1.3"')))

    def test_suppression_comment(self):
        xml = self.c.server_xml(0)
        edit(xml, 'jvmRoute="was1"', 'jvmRoute="tc1"')
        edit(self.c.workers, "worker.was1.type=ajp13", "# jkcheck:disable=route-mismatch\nworker.was1.type=ajp13")
        rc, report, _ = self.c.check()
        self.assertEqual((rc, report["findings"], report["summary"]["suppressed"]), (0, [], 1))

    def test_text_and_sarif(self):
        edit(self.c.server_xml(1), 'jvmRoute="was2"', 'jvmRoute="node2"')
        args = ["--httpd-conf", self.c.httpd, "--node", self.c.nodes[0].base, "--node", self.c.nodes[1].base]
        rc, out, _ = jkcheck(*args)
        self.assertEqual(rc, 1)
        self.assertRegex(out, r"(?m)^" + re.escape(self.c.workers) + r":\d+: error\[JKC102\]: member 'was2'")
        self.assertIn("  fix: ", out)
        rc, out, _ = jkcheck(*args, "--format", "sarif")
        sarif = json.loads(out)
        self.assertEqual(sarif["version"], "2.1.0")
        results = sarif["runs"][0]["results"]
        self.assertEqual([r["ruleId"] for r in results], ["JKC102"])
        rule_ids = [r["id"] for r in sarif["runs"][0]["tool"]["driver"]["rules"]]
        self.assertIn("JKC102", rule_ids)
        # --fail-on error: warnings alone exit 0; --fail-on info: the info finding of a
        # default channelSendOptions exits 1.
        edit(self.c.server_xml(1), 'jvmRoute="node2"', 'jvmRoute="was2"')
        edit(self.c.server_xml(0), 'channelSendOptions="6"', "")
        self.assertEqual(jkcheck(*args)[0], 0)
        self.assertEqual(jkcheck(*args, "--fail-on", "info")[0], 1)


README = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "README.md")


def readme_text():
    with open(README) as f:
        return f.read()


class JkcheckReadmeTest(unittest.TestCase):
    """The README shows what jkcheck really prints, and every rule it has."""

    def setUp(self):
        require_jkcheck()

    def test_example_is_the_real_output(self):
        block = re.search(r"<!-- jkcheck-example -->\n(.*?)<!-- /jkcheck-example -->", readme_text(), re.S).group(1)
        lines = [line[4:] for line in block.splitlines()]
        self.assertTrue(lines[0].startswith("$ jkcheck"), lines)
        expected = "\n".join(lines[2:]) + "\n"
        c = Cluster()
        self.addCleanup(c.remove)
        edit(c.server_xml(1), 'jvmRoute="was2"', 'jvmRoute="node2"')
        rc, out, err = jkcheck("--httpd-conf", c.httpd, "--catalina-home", "/usr/share/tomcat10",
                               "--node", "was1=" + c.nodes[0].base, "--node", "was2=" + c.nodes[1].base)
        self.assertEqual(rc, 1, err)
        out = out.replace(c.workers, "/etc/libapache2-mod-jk/workers.properties")
        for i, n in enumerate(c.nodes):
            out = out.replace(n.base, f"/var/lib/tomcat-was{i + 1}")
        self.assertEqual(out, expected)

    def test_rule_table_lists_every_rule(self):
        rows = re.findall(r"^\| (JKC\d+) \| `([a-z-]+)` \| (\w+) \| (.+?) \|$", readme_text(), re.M)
        rc, out, _ = jkcheck("--list-rules")
        self.assertEqual(rc, 0)
        rules = [tuple(line.split("  ", 3)) for line in out.splitlines()]
        self.assertEqual(rows, rules)


class JkcheckCommandLineTest(unittest.TestCase):
    def setUp(self):
        require_jkcheck()

    def test_exit_codes(self):
        self.assertEqual(jkcheck("--bogus")[0], 3)
        self.assertEqual(jkcheck()[0], 3)
        self.assertEqual(jkcheck("--workers", "/nonexistent/workers.properties")[0], 2)
        self.assertEqual(jkcheck("--httpd-conf", "/nonexistent/httpd.conf")[0], 2)
        rc, out, _ = jkcheck("--explain", "JKC212")
        self.assertEqual(rc, 0)
        self.assertIn("secretRequired", out)
        self.assertEqual(jkcheck("--explain", "JKC999")[0], 3)
        rc, out, _ = jkcheck("--list-rules")
        self.assertEqual(rc, 0)
        self.assertGreaterEqual(len(out.splitlines()), 30)


class JkcheckAgainstTomcatTest(unittest.TestCase):
    """Broken configurations started in the real Tomcat 10, one node for all of them: an AJP
    connector with secret "right", a second AJP connector requiring a secret it lacks
    (JKC212), and the HTTP connector. Workers point at each of them in a different wrong way;
    jkcheck's static findings are what --probe then meets in the running Tomcat."""

    @classmethod
    def setUpClass(cls):
        require_jkcheck()
        if not tomcat_available():
            raise unittest.SkipTest("tomcat10 is not installed")
        cls.node = TomcatNode("was1", secret="right")
        cls.unstarted_port = harness.free_port()
        cls.closed_port = harness.free_port()
        cls.xml = os.path.join(cls.node.base, "conf", "server.xml")
        edit(cls.xml, "<Engine ", f'<Connector address="127.0.0.1" port="{cls.unstarted_port}" '
                                  'protocol="AJP/1.3" secretRequired="true"/>\n    <Engine ')
        cls.dir = harness.scratch_dir("jkcheck-live")
        cls.workers = os.path.join(cls.dir, "workers.properties")
        members = {"good": (cls.node.ajp_port, "right"), "wrong": (cls.node.ajp_port, "wrong"),
                   "nosecret": (cls.node.ajp_port, None), "unstarted": (cls.unstarted_port, None),
                   "http": (cls.node.http_port, None), "closed": (cls.closed_port, None)}
        lines = ["worker.list=" + ",".join(members)]
        for name, (port, secret) in members.items():
            lines += [f"worker.{name}.type=ajp13", f"worker.{name}.host=127.0.0.1", f"worker.{name}.port={port}",
                      f"worker.{name}.route=was1", f"worker.{name}.connection_pool_timeout=30"]
            if secret:
                lines.append(f"worker.{name}.secret={secret}")
        with open(cls.workers, "w") as f:
            f.write("\n".join(lines) + "\n")
        cls.static = cls.findings_by_worker()
        try:
            cls.node.start()
        except Exception:
            cls.node.stop()
            raise
        cls.live = cls.findings_by_worker("--probe", "--probe-timeout", "1500")

    @classmethod
    def tearDownClass(cls):
        cls.node.stop()
        shutil.rmtree(cls.dir, ignore_errors=True)

    @classmethod
    def findings_by_worker(cls, *extra):
        rc, out, err = jkcheck("--workers", cls.workers, "--node", cls.node.base, "--format", "json", *extra)
        assert rc == 1, (rc, out, err)
        by_worker = {}
        for f in json.loads(out)["findings"]:
            match = re.search(r"(?:member|worker) '(\w+)'", f["message"])
            if match:
                by_worker.setdefault(match.group(1), {})[f["id"]] = f
        return by_worker

    def live_ids(self, worker):
        return sorted(i for i in self.live.get(worker, {}) if i.startswith("JKC6"))

    def test_correct_member_has_no_finding_either_way(self):
        # Only the capacity warning every member here gets: with --workers alone, httpd's
        # default MaxRequestWorkers (400) is assumed against maxThreads 200.
        self.assertEqual(list(self.static.get("good", {})), ["JKC302"])
        self.assertEqual(self.live_ids("good"), [])

    def test_secret_mismatch_is_refused_with_403(self):
        self.assertIn("JKC210", self.static["wrong"])
        finding = self.live["wrong"]["JKC603"]
        self.assertIn("carrying the configured secret with 403", finding["message"])
        self.assertEqual(finding["locations"][0]["line"], line_of(self.workers, "worker.wrong.host"))

    def test_secret_not_sent_is_refused_with_403(self):
        self.assertIn("JKC211", self.static["nosecret"])
        self.assertIn("without a secret", self.live["nosecret"]["JKC603"]["message"])

    def test_connector_requiring_a_missing_secret_binds_but_never_answers(self):
        finding = self.static["unstarted"]["JKC212"]
        self.assertEqual(finding["locations"][0]["line"], line_of(self.xml, str(self.unstarted_port)))
        # Tomcat binds the port at init and fails at start: a connect succeeds, a CPING is
        # never answered, and the log names the invalid combination.
        self.assertEqual(self.live_ids("unstarted"), ["JKC602"])
        self.assertIn("no CPONG within 1500 ms", self.live["unstarted"]["JKC602"]["message"])
        self.assertIn('secretRequired="true" but the secret attribute is either null or ""', self.node.log_text())
        conn = socket.create_connection(("127.0.0.1", self.unstarted_port), timeout=3)
        self.addCleanup(conn.close)
        conn.sendall(bytes([0x12, 0x34, 0x00, 0x01, 0x0A]))
        with self.assertRaises(socket.timeout):
            conn.recv(16)

    def test_http_connector_is_not_ajp(self):
        self.assertIn("JKC202", self.static["http"])
        self.assertEqual(self.live_ids("http"), ["JKC602"])
        self.assertIn("not AJP", self.live["http"]["JKC602"]["message"])

    def test_nothing_listening_is_unreachable(self):
        self.assertEqual(self.live_ids("closed"), ["JKC601"])
        self.assertIn("connection was refused", self.live["closed"]["JKC601"]["message"])

    def test_module_logs_the_same_rule_ids_at_run_time(self):
        """httpd with ajpgate in front of the same node: the wrong secret and the connector that
        never answers are logged with jkcheck's ids (one child, so one streak)."""
        if not os.path.exists(module_path()):
            self.skipTest("mod_jk.so not built")
        port = self.node.ajp_port
        workers = (f"worker.list=wrong,unstarted\n"
                   f"worker.wrong.type=ajp13\nworker.wrong.host=127.0.0.1\nworker.wrong.port={port}\n"
                   f"worker.wrong.secret=wrong\n"
                   f"worker.unstarted.type=ajp13\nworker.unstarted.host=127.0.0.1\n"
                   f"worker.unstarted.port={self.unstarted_port}\nworker.unstarted.ping_mode=C\n"
                   f"worker.unstarted.ping_timeout=500\n")
        conf = ("JkWorkersFile workers.properties\nJkLogFile logs/mod_jk.log\nJkLogLevel info\n"
                "JkMount /app/* wrong\nJkMount /hung/* unstarted\n")
        front = Httpd(conf, workers=workers, processes=1).start()
        self.addCleanup(front.stop)
        for i in range(25):
            self.assertEqual(request(front.port, "GET", f"/app/echo.jsp?i={i}").status, 403)
        log = front.read("logs/mod_jk.log")
        refused = [line for line in log.splitlines() if "AJPG0149" in line]
        self.assertEqual(len(refused), 1, log[-3000:])  # once per streak, not once per request
        self.assertIn("the last 10 requests were all refused with 403", refused[0])
        self.assertIn("[JKC603: jkcheck --explain JKC603]", refused[0])
        self.assertEqual(request(front.port, "GET", "/hung/x").status, 503)
        log = front.read("logs/mod_jk.log")
        self.assertRegex(log, r"worker unstarted \(127.0.0.1:\d+\): no CPONG within the ping timeout after \d "
                              r"attempt\(s\); 503 \[JKC602: jkcheck --explain JKC602\]")

    def front_and_findings(self, conf, **props):
        """An httpd with ajpgate in front of the node's AJP connector (the right secret), and
        jkcheck's findings on that httpd's own configuration."""
        if not os.path.exists(module_path()):
            self.skipTest("mod_jk.so not built")
        lines = ["worker.list=was1", "worker.was1.type=ajp13", "worker.was1.host=127.0.0.1",
                 f"worker.was1.port={self.node.ajp_port}", "worker.was1.secret=right",
                 "worker.was1.connection_pool_timeout=30"]
        lines += [f"worker.was1.{k}={v}" for k, v in props.items()]
        front = Httpd("JkWorkersFile workers.properties\nJkLogFile logs/mod_jk.log\nJkMount /app/* was1\n" + conf,
                      workers="\n".join(lines) + "\n", processes=1)
        rc, out, err = jkcheck("--httpd-conf", front.conf_path, "--node", "was1=" + self.node.base,
                               "--format", "json")
        findings = {f["id"]: f for f in json.loads(out)["findings"]}
        self.assertEqual(rc, 1, (out, err))
        self.addCleanup(front.stop)
        return front.start(), findings

    def test_env_var_the_connector_does_not_allow_is_refused(self):
        front, findings = self.front_and_findings("JkEnvVar MY_TENANT acme\n")
        self.assertEqual(findings["JKC310"]["locations"][0]["file"], front.conf_path)
        answer = request(front.port, "GET", "/app/echo.jsp")
        self.assertEqual(answer.status, 403)
        self.assertNotIn(b"remote_addr", answer.body)  # refused before the JSP ran

    def test_packet_size_larger_than_tomcats_refuses_large_requests(self):
        front, findings = self.front_and_findings("", max_packet_size=65536)
        self.assertIn("JKC220", findings)
        self.assertEqual(request(front.port, "GET", "/app/echo.jsp").status, 200)
        # 12 KB of headers (each under httpd's own 8190-byte limit): one AJP packet Tomcat's
        # 8 KiB buffer cannot take.
        headers = {f"X-Big-{i}": "b" * 4000 for i in range(3)}
        answer = request(front.port, "GET", "/app/echo.jsp", headers=headers)
        self.assertEqual(answer.status, 400)  # Tomcat's answer, not a gateway error
        self.assertRegex(self.node.log_text(), r"Header message of length \[12,\d+\] received but the packetSize "
                                               r"is only \[8,192\]")

    def test_probe_is_off_by_default(self):
        for worker in self.static:
            self.assertEqual([i for i in self.static[worker] if i.startswith("JKC6")], [], worker)


if __name__ == "__main__":
    unittest.main()
