"""One id across the stack with a real Tomcat 10 cluster (issue 13 §5): httpd (mod_unique_id
loaded, LogFormat "%{JK_REQUEST_ID}n"), ajpgate (JkRequestIdAttribute On, JkLogFile) and two
Tomcat nodes whose AJP connectors allow the attribute (allowedRequestAttributesPattern) and
whose AccessLogValve prints it (%{JK_REQUEST_ID}r). A session's node is killed with kill -9;
the next request of the session fails over to the other node, and its id is the same in
httpd's access log, in the JkLogFile's failover line and in the access log of the node that
answered. Without the pattern, Tomcat refuses the attribute with 403, as the README warns."""
import os
import re
import sys
import unittest

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

from harness import wait_until  # noqa: E402
from httpd import Httpd  # noqa: E402
from test_tomcat_cluster import SEED_HTTPD, fetch  # noqa: E402
from tomcat import ajp13_worker, shared_node  # noqa: E402
from tomcat_cluster import WithCluster, lb_workers  # noqa: E402

# What the README tells the administrator to add to each node.
ACCESS_LOG_VALVE = ('<Valve className="org.apache.catalina.valves.AccessLogValve" directory="logs" '
                    'prefix="access" suffix=".log" rotatable="false" buffered="false" '
                    'pattern="%h %r %s %{JK_REQUEST_ID}r"/>')
ID_HTTPD = SEED_HTTPD + """JkRequestIdAttribute On
LogFormat "%{JK_REQUEST_ID}n %{UNIQUE_ID}e %s %r" ids
CustomLog logs/ids.log ids
"""


def httpd_ids(h, request_line):
    """(note, UNIQUE_ID, status) of the access log line of request_line ("GET /x HTTP/1.1")."""
    for line in h.read("logs/ids.log").splitlines():
        note, unique_id, status, rest = line.split(" ", 3)
        if rest == request_line:
            return note, unique_id, status
    return None


def tomcat_ids(node, request_line):
    """The ids (last field) of the node's access log lines for request_line."""
    try:
        with open(os.path.join(node.base, "logs", "access.log")) as f:
            lines = f.read().splitlines()
    except OSError:
        return []
    return [line.rsplit(" ", 1)[1] for line in lines if f" {request_line} " in line]


class TomcatRequestIdTest(WithCluster, unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.start_cluster(allowed_attributes="JK_REQUEST_ID", host_xml=ACCESS_LOG_VALVE)

    def test_failover_has_one_id_in_three_logs(self):
        with Httpd(ID_HTTPD, workers=lb_workers(self.cluster), modules=("authz_core", "unique_id")) as h:
            # A session on was1; its request's id is in was1's access log.
            for i in range(20):
                first = fetch(h.port, f"/app/counter.jsp?rid=new{i}")
                if first.node == "was1":
                    break
            self.assertEqual((first.status, first.node), (200, "was1"))
            line = f"GET /app/counter.jsp?rid=new{i} HTTP/1.1"
            note, unique_id, _ = wait_until(lambda: httpd_ids(h, line), 5, what="httpd access log line")
            self.assertEqual(note, unique_id)  # mod_unique_id's id is the request's id
            self.assertEqual(wait_until(lambda: tomcat_ids(self.cluster["was1"], line), 5), [note])

            self.cluster["was1"].kill()
            r = fetch(h.port, "/app/counter.jsp?rid=failover", first.session)
            self.assertEqual((r.status, r.node, r.count), (200, "was2", first.count + 1))
            line = "GET /app/counter.jsp?rid=failover HTTP/1.1"
            note, unique_id, status = wait_until(lambda: httpd_ids(h, line), 5, what="httpd access log line")
            self.assertEqual((note, status), (unique_id, "200"))
            # The failover line in the JkLogFile names the id ...
            failover = wait_until(lambda: [l for l in h.read("logs/mod_jk.log").splitlines()
                                           if "AJPG0140" in l and f"[{note}]" in l], 5, what="failover line")
            self.assertRegex(failover[0], r"\[warn\] \[" + re.escape(note) + r"\] AJPG0140 worker was1 .*"
                                          r"lb loadbalancer tries another member")
            # ... and the node that answered logged the same id.
            self.assertEqual(wait_until(lambda: tomcat_ids(self.cluster["was2"], line), 5), [note])
            self.assertEqual(tomcat_ids(self.cluster["was1"], line), [])

    def test_tomcat_refuses_the_attribute_without_the_pattern(self):
        node = shared_node()  # allowedRequestAttributesPattern="MY_.*": no JK_REQUEST_ID
        conf = "JkWorkersFile workers.properties\nJkLogFile logs/mod_jk.log\nJkMount /app/* was1\n"
        with Httpd(conf + "JkRequestIdAttribute On\n", workers=ajp13_worker(node)) as h:
            self.assertEqual(h.get("/app/ping.jsp")[0], 403)
        with Httpd(conf, workers=ajp13_worker(node)) as h:  # the default sends none
            self.assertEqual(h.get("/app/ping.jsp")[0], 200)


if __name__ == "__main__":
    unittest.main()
