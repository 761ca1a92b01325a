"""A two-node Tomcat 10 session cluster for the failover tests: the seed's server.xml
(SimpleTcpCluster, DeltaManager, ReplicationValve, JvmRouteBinderValve, ClusterSessionListener)
with static membership over loopback, since multicast does not reach across 127.0.0.1.

ClusterNode wraps tomcat.TomcatNode: its ports (HTTP, AJP, cluster receiver) are chosen once
and kept, so a node killed with kill -9 comes back on the same AJP port the balancer knows.
fetch() is one browser-like exchange through httpd; WithCluster runs one cluster for a test
class (test_tomcat_cluster.py, test_tomcat_drain.py)."""
import http.client
import os
import re
import signal
import time
import unittest

import harness
from httpd import module_path
from tomcat import TomcatNode, tomcat_available

# Tribes identifies a member by host, port and a 16-byte unique id; node i gets {0,...,0,i}.
def unique_id(index):
    return "{" + ",".join(["0"] * 15 + [str(index + 1)]) + "}"


def static_member(tag, port, index):
    return (f'<{tag} className="org.apache.catalina.tribes.membership.StaticMember" host="127.0.0.1" '
            f'port="{port}" securePort="-1" domain="ajpgate-test" uniqueId="{unique_id(index)}"/>')


# The seed sends asynchronously (channelSendOptions="8"): a request's changes are queued for
# the other nodes and the answer does not wait, so a node killed with kill -9 takes its last
# one or two increments with it (measured: the survivor went on from 1-2 counts back). The
# tests use 6 (USE_ACK | SYNCHRONIZED_ACK) by default: an answer the client saw is replicated.
# Membership timeouts are short so a dead peer is noticed within a few seconds; the receiver
# answers on loopback only.
CLUSTER_XML = """<Cluster className="org.apache.catalina.ha.tcp.SimpleTcpCluster" channelSendOptions="{send_options}">
  <Manager className="org.apache.catalina.ha.session.DeltaManager" expireSessionsOnShutdown="false"
           notifyListenersOnReplication="true" stateTransferTimeout="30"/>
  <Channel className="org.apache.catalina.tribes.group.GroupChannel">
    <Membership className="org.apache.catalina.tribes.membership.StaticMembershipService"
                connectTimeout="500" expirationTime="3000" rpcTimeout="2000" pingInterval="500">
      {local}
      {others}
    </Membership>
    <Receiver className="org.apache.catalina.tribes.transport.nio.NioReceiver" address="127.0.0.1"
              port="{port}" autoBind="0" selectorTimeout="100" maxThreads="6"/>
    <Sender className="org.apache.catalina.tribes.transport.ReplicationTransmitter">
      <Transport className="org.apache.catalina.tribes.transport.nio.PooledParallelSender" timeout="3000"/>
    </Sender>
    <Interceptor className="org.apache.catalina.tribes.group.interceptors.TcpFailureDetector"
                 connectTimeout="500"/>
    <Interceptor className="org.apache.catalina.tribes.group.interceptors.MessageDispatchInterceptor"/>
  </Channel>
  <Valve className="org.apache.catalina.ha.tcp.ReplicationValve" filter=""/>
  <Valve className="org.apache.catalina.ha.session.JvmRouteBinderValve"/>
  <ClusterListener className="org.apache.catalina.ha.session.ClusterSessionListener"/>
</Cluster>"""


def cluster_xml(index, receiver_ports, send_options=6):
    """The <Cluster> element for node index of a static cluster whose receivers listen on
    receiver_ports (one per node, in node order)."""
    others = [static_member("Member", port, i) for i, port in enumerate(receiver_ports) if i != index]
    return CLUSTER_XML.format(local=static_member("LocalMember", receiver_ports[index], index),
                              others="\n      ".join(others), port=receiver_ports[index],
                              send_options=send_options)


# Pages only the cluster tests use, written into each node's copy of the webapp with the
# node's route baked in, so an answer names the node that served it whatever its session id
# says (the id's route suffix is exactly what failover rewrites, so it cannot be the witness).
NODE_JSP = """<%@ page contentType="text/plain" session="false" %><%
response.setHeader("X-Node", "{route}");
%>node: {route}
"""
COUNTER_JSP = """<%@ page contentType="text/plain" %><%
Integer count = (Integer) session.getAttribute("count");
count = (count == null) ? 1 : count + 1;
session.setAttribute("count", count);
response.setHeader("X-Node", "{route}");
// Echoed so a load generator can tell that each answer reached the request that asked for it.
String token = request.getHeader("X-Token");
if (token != null) response.setHeader("X-Token", token);
out.println("node: {route}");
out.println("session: " + session.getId());
out.println("count: " + count);
%>"""


class ClusterNode(TomcatNode):
    """A TomcatNode in the static cluster; kill() is kill -9 of its JVM, start() again
    restarts it on the same ports."""

    def __init__(self, route, xml, **node):
        super().__init__(route, cluster_xml=xml, **node)
        app = os.path.join(self.base, "webapps", "app")
        for name, text in (("node.jsp", NODE_JSP), ("counter.jsp", COUNTER_JSP)):
            with open(os.path.join(app, name), "w") as f:
                f.write(text.replace("{route}", route))

    def kill(self):
        """SIGKILL to the whole process group (catalina.sh and the JVM): no shutdown hooks,
        no session hand-over, sockets reset by the kernel. Returns (when the signal was sent,
        when the JVM was reaped), both time.monotonic(); its sockets close only at the second."""
        sent = time.monotonic()
        if self.process:
            os.killpg(self.process.proc.pid, signal.SIGKILL)
            sent = time.monotonic()
            self.process.proc.wait(timeout=10)
            self.process.stop()  # closes the log; the process is already gone
            self.process = None
        return sent, time.monotonic()

    def alive(self):
        return self.process is not None and self.process.alive()


class Cluster:
    """Nodes was1..wasN; start() brings them up one after the other, so each later node
    takes the sessions of the running ones by DeltaManager state transfer."""

    def __init__(self, routes=("was1", "was2"), send_options=6, **node):
        """node: TomcatNode settings every node gets (allowed_attributes, host_xml ...)."""
        ports = [harness.free_port() for _ in routes]
        self.nodes = {route: ClusterNode(route, cluster_xml(i, ports, send_options), **node)
                      for i, route in enumerate(routes)}
        self.receiver_ports = dict(zip(routes, ports))

    def __getitem__(self, route):
        return self.nodes[route]

    def start(self, route, timeout=60.0):
        started = time.monotonic()
        self.nodes[route].start(timeout=timeout)
        return time.monotonic() - started

    def stop(self):
        for node in self.nodes.values():
            try:
                node.stop()
            except Exception:  # noqa: BLE001 - stop every node even if one fails
                node.kill()


def lb_workers(cluster, factors=None, extra=""):
    """The seed's workers.properties (lb 'loadbalancer' over was1, was2), pointed at the
    cluster's AJP ports; factors: {route: lbfactor} (default 1 each)."""
    factors = factors or {}
    text = "worker.list=loadbalancer\n\nworker.loadbalancer.type=lb\n"
    text += "worker.loadbalancer.balance_workers=" + ",".join(cluster.nodes) + "\n"
    for route, node in cluster.nodes.items():
        text += (f"\nworker.{route}.type=ajp13\nworker.{route}.host=127.0.0.1\nworker.{route}.port={node.ajp_port}\n"
                 f"worker.{route}.lbfactor={factors.get(route, 1)}\n")
    return text + extra


COOKIE = re.compile(r"JSESSIONID=([^;]+)")


class Reply:
    """One exchange as a browser would keep it: status, serving node, session id, counter."""

    def __init__(self, status, headers, body, started, ended):
        self.status = status
        self.node = headers.get("X-Node") if headers else None
        text = body.decode("utf-8", "replace") if body else ""
        fields = dict(line.split(": ", 1) for line in text.splitlines() if ": " in line)
        self.session = fields.get("session")
        self.count = int(fields["count"]) if "count" in fields else None
        cookies = headers.get_all("Set-Cookie") if headers else None
        self.set_cookie = next((m.group(1) for c in cookies or [] if (m := COOKIE.search(c))), None)
        self.started = started
        self.ended = ended


def fetch(port, path, session=None, timeout=5.0):
    """GET path through httpd on a fresh connection, the session (if any) as a cookie.
    Network errors and timeouts are answers with status 0, so a load loop counts them."""
    started = time.monotonic()
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=timeout)
    try:
        conn.request("GET", path, headers={"Cookie": "JSESSIONID=" + session} if session else {})
        r = conn.getresponse()
        return Reply(r.status, r.headers, r.read(), started, time.monotonic())
    except (OSError, http.client.HTTPException):
        return Reply(0, None, b"", started, time.monotonic())
    finally:
        conn.close()


class WithCluster:
    """A mixin for a TestCase class that runs one two-node cluster for all its tests (the
    other suites that need the cluster use it too, without this file's tests)."""

    @classmethod
    def start_cluster(cls, between=None, **options):
        """was1, then `between()` (if any), then was2; skips without the module or Tomcat.
        `options` go to Cluster() (allowed_attributes, host_xml, ...)."""
        if not os.path.exists(module_path()):
            raise unittest.SkipTest("mod_jk.so not built at " + module_path())
        if not tomcat_available():
            raise unittest.SkipTest("Debian tomcat10 is not installed")
        cls.cluster = Cluster(**options)
        try:
            cls.cluster.start("was1")
            if between:
                between()
            cls.cluster.start("was2")
        except Exception:
            cls.cluster.stop()
            raise

    @classmethod
    def tearDownClass(cls):
        cls.cluster.stop()

    def new_session_on(self, h, route, tries=20):
        """A fresh session that the balancer placed on route (sessionless requests alternate)."""
        for _ in range(tries):
            r = fetch(h.port, "/app/counter.jsp")
            self.assertEqual(r.status, 200)
            if r.node == route:
                return r
        self.fail(f"no new session landed on {route} in {tries} requests")
