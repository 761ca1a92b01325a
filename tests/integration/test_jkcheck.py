"""jkcheck on real files: a correct two-node cluster as the Tomcat tests write it (server.xml
with the static cluster, the webapp, catalina.properties from Debian's tomcat10) gives no
finding and exit 0; each broken copy gives its rule's id at both locations and exit 1; the
formats parse; suppressions, --explain and the exit codes for bad input and usage hold. One
broken configuration is also started in the real Tomcat 10 to show the finding is what
Tomcat does (an AJP connector requiring a secret it lacks never answers)."""
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
from tomcat import TomcatNode, tomcat_available  # noqa: E402

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
    """JKC212 says the connector does not work: start the real Tomcat with that server.xml."""

    def test_connector_requiring_a_missing_secret_does_not_start(self):
        require_jkcheck()
        c = Cluster()
        self.addCleanup(c.remove)
        node = TomcatNode("was1")
        self.addCleanup(node.stop)
        xml = os.path.join(node.base, "conf", "server.xml")
        edit(xml, 'secretRequired="false"', "")
        with open(c.workers, "w") as f:
            f.write(f"worker.list=was1\nworker.was1.type=ajp13\nworker.was1.host=127.0.0.1\n"
                    f"worker.was1.port={node.ajp_port}\nworker.was1.connection_pool_timeout=60\n")
        rc, out, _ = jkcheck("--workers", c.workers, "--node", "was1=" + node.base, "--format", "json")
        ids = [f["id"] for f in json.loads(out)["findings"]]
        self.assertIn("JKC212", ids)
        self.assertEqual(rc, 1)
        node.start()  # ready once its HTTP connector serves the webapp
        # Tomcat binds the port at init and fails at start: a connect succeeds, a CPING is
        # never answered, and the log names the invalid combination.
        conn = socket.create_connection(("127.0.0.1", node.ajp_port), timeout=3)
        self.addCleanup(conn.close)
        conn.sendall(bytes([0x12, 0x34, 0x00, 0x01, 0x0A]))
        with self.assertRaises(socket.timeout):
            conn.recv(16)
        self.assertIn('secretRequired="true" but the secret attribute is either null or ""', node.log_text())

if __name__ == "__main__":
    unittest.main()
