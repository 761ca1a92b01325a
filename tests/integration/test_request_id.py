"""One id per request (issue 13 §5) through httpd in front of ajp-testd: the id in httpd's
access log (LogFormat "%{JK_REQUEST_ID}n"), in every JkLogFile line about the request, and at
the backend as the AJP request attribute JkRequestIdAttribute names (ajp-testd echoes what it
received). mod_unique_id's UNIQUE_ID when it is loaded, ajpgate's own id otherwise, the
JkRequestIdIndicator variable when it holds a usable id; no attribute unless configured, and
`Off` in a virtual host. The same with a real Tomcat cluster and a failover:
test_tomcat_request_id.py."""
import os
import re
import sys
import unittest

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

from harness import free_port, wait_until  # noqa: E402
from httpd import Httpd  # noqa: E402
from test_module_forwarding_support import ModuleCase, echo, log_lines, tagged, worker_lines  # noqa: E402

OWN_ID = re.compile(r"^[A-Za-z0-9_-]{20}$")
# The note and mod_unique_id's variable side by side, then the path: one line per request.
ID_LOG = 'LogFormat "%{JK_REQUEST_ID}n %{UNIQUE_ID}e %U" ids\nCustomLog logs/ids.log ids\n'
DEBUG_LOG = 'JkLogLevel debug\nJkRequestLogFormat "%w %U %s"\n'


def sent_attributes(body):
    """The AJP request attributes (name: value) the backend received, from its echo."""
    return {a["name"]: a["value"] for a in echo(body)["attributes"]["req_attributes"]}


class RequestIdCase(ModuleCase):
    def access_log_line(self, path):
        """(note, UNIQUE_ID) of path's access log line, once httpd wrote it."""
        def line():
            for text in self.httpd.read("logs/ids.log").splitlines():
                fields = text.split(" ")
                if len(fields) == 3 and fields[2] == path:
                    return fields
            return None
        fields = wait_until(line, 5, what=f"access log line of {path}")
        return fields[0], fields[1]

    def module_lines(self, request_id):
        """The JkLogFile lines carrying request_id, each as '<level> <code>'."""
        marker = re.compile(r"\] \[(\w+)\] \[" + re.escape(request_id) + r"\] (AJPG\d{4}) ")
        return [" ".join(m.groups()) for line in self.httpd.read("logs/mod_jk.log").splitlines()
                if (m := marker.search(line))]

    def wait_module_lines(self, request_id, *expected):
        wait_until(lambda: set(expected) <= set(self.module_lines(request_id)), 5,
                   what=f"log lines {expected} with id {request_id}")
        return self.module_lines(request_id)


class OwnIdTest(RequestIdCase):
    """No mod_unique_id: ajpgate's own ids, sent as JK_REQUEST_ID (JkRequestIdAttribute On)."""

    DEAD_PORT = free_port()
    CONF = "JkMount /app/* was1\nJkMount /lb/* lb\nJkRequestIdAttribute On\n" + DEBUG_LOG + ID_LOG

    @classmethod
    def extra_workers(cls):
        # An lb whose member 'dead' refuses connections: sessions routed to it fail over to was1.
        return (worker_lines("dead", cls.DEAD_PORT),
                "worker.lb.type=lb\nworker.lb.balance_workers=dead,was1\nworker.lb.recover_time=600\n")

    def test_every_request_has_its_own_id_everywhere(self):
        ids = []
        for i in range(5):
            path = f"/app/own/{i}"
            status, _, body = self.httpd.get(path, headers=tagged(f"own{i}"))
            self.assertEqual(status, 200, body)
            sent = sent_attributes(body)["JK_REQUEST_ID"]
            self.assertRegex(sent, OWN_ID)
            self.assertEqual(self.access_log_line(path), (sent, "-"))  # no mod_unique_id
            # Its story at debug level, and its JkRequestLogFormat line, all carry the id.
            lines = self.wait_module_lines(sent, "debug AJPG0100", "debug AJPG0120", "info AJPG0130")
            self.assertEqual(len(lines), 3, lines)
            ids.append(sent)
        self.assertEqual(len(set(ids)), 5, ids)
        # One child process: one prefix, then its counter.
        self.assertEqual(len({i[:12] for i in ids}), 1, ids)

    def test_failover_keeps_the_id(self):
        status, headers, body = self.httpd.get("/lb/failover", headers={"Cookie": "JSESSIONID=abc.dead"})
        self.assertEqual(status, 200, body)
        self.assertEqual(echo(body)["backend"]["name"], self.__class__.__name__)  # was1 answered
        sent = sent_attributes(body)["JK_REQUEST_ID"]
        self.assertEqual(self.access_log_line("/lb/failover")[0], sent)
        lines = self.wait_module_lines(sent, "warn AJPG0140", "error AJPG0143", "info AJPG0130")
        failover = [line for line in log_lines(self.httpd, "AJPG0140") if f"[{sent}]" in line]
        self.assertRegex(failover[0], r"worker dead \(127\.0\.0\.1:\d+\): cannot connect .*lb tries another member")
        self.assertIn("debug AJPG0145", lines)  # the member picks are about the request too


class UniqueIdTest(RequestIdCase):
    """mod_unique_id loaded: its UNIQUE_ID is the id, sent under a name of the administrator's."""

    HTTPD_KW = {"modules": ("authz_core", "unique_id")}
    CONF = "JkMount /app/* was1\nJkRequestIdAttribute ajpgate.request-id\n" + DEBUG_LOG + ID_LOG

    def test_unique_id_everywhere(self):
        seen = set()
        for i in range(3):
            path = f"/app/unique/{i}"
            status, _, body = self.httpd.get(path)
            self.assertEqual(status, 200, body)
            attributes = sent_attributes(body)
            self.assertNotIn("JK_REQUEST_ID", attributes)
            sent = attributes["ajpgate.request-id"]
            self.assertNotRegex(sent, OWN_ID)  # mod_unique_id's, not ours
            note, unique_id = self.access_log_line(path)
            self.assertEqual((note, unique_id), (sent, sent))
            self.wait_module_lines(sent, "debug AJPG0100", "debug AJPG0120", "info AJPG0130")
            seen.add(sent)
        self.assertEqual(len(seen), 3)


class IndicatorTest(RequestIdCase):
    """JkRequestIdIndicator names the variable; a value that could break a log line is not
    taken. No JkRequestIdAttribute: nothing is sent (Tomcat would refuse an unknown attribute),
    yet the note and the log lines have the id."""

    HTTPD_KW = {"modules": ("authz_core", "setenvif")}
    CONF = """JkMount /app/* was1
JkRequestIdIndicator MY_ID
SetEnvIf Request_URI ^/app/given MY_ID=given-id.1
SetEnvIf Request_URI ^/app/spaced "MY_ID=two words"
SetEnvIf Request_URI ^/app/bracket "MY_ID=x]y"
""" + DEBUG_LOG + ID_LOG

    def test_variable_taken_when_usable(self):
        status, _, body = self.httpd.get("/app/given")
        self.assertEqual(status, 200, body)
        self.assertEqual(set(sent_attributes(body)), {"AJP_REMOTE_PORT", "AJP_LOCAL_ADDR"})  # no id sent
        self.assertEqual(self.access_log_line("/app/given")[0], "given-id.1")
        self.wait_module_lines("given-id.1", "debug AJPG0100", "debug AJPG0120", "info AJPG0130")

    def test_unusable_values_replaced_by_own_ids(self):
        for path in ("/app/spaced", "/app/bracket", "/app/unset"):
            status, _, body = self.httpd.get(path)
            self.assertEqual(status, 200, body)
            note = self.access_log_line(path)[0]
            self.assertRegex(note, OWN_ID, path)
            self.wait_module_lines(note, "debug AJPG0120")
        self.assertNotIn("two words", self.httpd.read("logs/mod_jk.log"))

    def test_directive_refuses_bad_names(self):
        for value, reason in (("has$dollar", "is not On, Off or an attribute name"),
                              ("AJP_REMOTE_PORT", "an attribute ajpgate already sends")):
            h = Httpd(f"JkWorkersFile workers.properties\nJkRequestIdAttribute {value}\n",
                      workers="worker.list=one\nworker.one.port=8009\n")
            rc, out = h.check_syntax()
            self.assertNotEqual(rc, 0, out)
            self.assertIn(reason, out)


class VirtualHostOffTest(RequestIdCase):
    """JkRequestIdAttribute is inherited by virtual hosts, and `Off` in one turns it off there."""

    CONF = """JkMount /app/* was1
JkRequestIdAttribute On
<VirtualHost *:*>
  ServerName on.test
  JkMountCopy On
</VirtualHost>
<VirtualHost *:*>
  ServerName off.test
  JkMountCopy On
  JkRequestIdAttribute Off
</VirtualHost>
"""

    def test_off_in_one_host(self):
        status, _, body = self.httpd.get("/app/on", headers={"Host": "on.test"})
        self.assertEqual(status, 200, body)
        self.assertRegex(sent_attributes(body)["JK_REQUEST_ID"], OWN_ID)
        status, _, body = self.httpd.get("/app/off", headers={"Host": "off.test"})
        self.assertEqual(status, 200, body)
        self.assertNotIn("JK_REQUEST_ID", sent_attributes(body))


if __name__ == "__main__":
    unittest.main()
