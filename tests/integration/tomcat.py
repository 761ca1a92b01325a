"""Runs a real Tomcat 10 node (Debian's tomcat10) for end-to-end tests.

Each node gets its own CATALINA_BASE in a scratch directory: server.xml written here with an
HTTP connector (for readiness checks) and an AJP connector on 127.0.0.1, the node's jvmRoute,
and the test webapp from tests/integration/webapp deployed as /app."""
import atexit
import html
import http.client
import os
import shutil
import urllib.request

import harness

CATALINA_HOME = "/usr/share/tomcat10"
WEBAPP_SRC = os.path.join(os.path.dirname(os.path.abspath(__file__)), "webapp")
# Files a CATALINA_BASE needs from the packaged configuration (default and JSP servlets, logging).
CONF_FILES = ("web.xml", "logging.properties", "context.xml", "catalina.properties")

SERVER_XML = """<?xml version="1.0" encoding="UTF-8"?>
<Server port="-1" shutdown="SHUTDOWN">
  <Service name="Catalina">
    <Connector address="127.0.0.1" port="{http_port}" protocol="HTTP/1.1" connectionTimeout="20000"/>
    <Connector address="127.0.0.1" port="{ajp_port}" protocol="AJP/1.3" {secret_attrs}
               packetSize="{packet_size}" connectionTimeout="{ajp_timeout_ms}"
               tomcatAuthentication="{tomcat_authentication}" {attribute_pattern} {ajp_attrs}/>
    <Engine name="Catalina" defaultHost="localhost" jvmRoute="{route}">
      {cluster}
      <Host name="localhost" appBase="webapps" unpackWARs="false" autoDeploy="false">{host_xml}</Host>
    </Engine>
  </Service>
</Server>
"""


def tomcat_available():
    return os.path.exists(os.path.join(CATALINA_HOME, "bin", "catalina.sh"))


class TomcatNode:
    def __init__(self, route="was1", secret=None, packet_size=8192, cluster_xml="",
                 ajp_timeout_ms=60000, tomcat_authentication=True, allowed_attributes=None, host_xml="",
                 ajp_attrs=""):
        """tomcat_authentication=False: trust the user httpd authenticated (AJP remote_user),
        as mod_jk set-ups do when httpd guards the application. allowed_attributes: the AJP
        connector's allowedRequestAttributesPattern (a regex), which JkEnvVar names must match or
        Tomcat answers 403. host_xml: elements inside <Host> (an AccessLogValve, say). ajp_attrs:
        more attributes of the AJP connector, as XML text (`maxThreads="50"`, say)."""
        self.route = route
        self.secret = secret
        self.base = harness.scratch_dir(f"tomcat-{route}")
        self.http_port = harness.free_port()
        self.ajp_port = harness.free_port()
        self.packet_size = packet_size
        self.cluster_xml = cluster_xml
        self.ajp_timeout_ms = ajp_timeout_ms
        self.tomcat_authentication = tomcat_authentication
        self.allowed_attributes = allowed_attributes
        self.host_xml = host_xml
        self.ajp_attrs = ajp_attrs
        self.process = None
        self._write_base()

    def _write_base(self):
        conf = os.path.join(self.base, "conf")
        for sub in ("conf", "logs", "temp", "work", "webapps"):
            os.makedirs(os.path.join(self.base, sub), exist_ok=True)
        for name in CONF_FILES:
            shutil.copy(os.path.join("/etc/tomcat10", name), conf)
        if self.secret is None:
            secret_attrs = 'secretRequired="false"'
        else:
            secret_attrs = f'secretRequired="true" secret="{self.secret}"'
        with open(os.path.join(conf, "server.xml"), "w") as f:
            f.write(SERVER_XML.format(http_port=self.http_port, ajp_port=self.ajp_port,
                                      secret_attrs=secret_attrs, packet_size=self.packet_size,
                                      route=self.route, cluster=self.cluster_xml,
                                      ajp_timeout_ms=self.ajp_timeout_ms,
                                      tomcat_authentication=str(self.tomcat_authentication).lower(),
                                      attribute_pattern=self._attribute_pattern(), host_xml=self.host_xml,
                                      ajp_attrs=self.ajp_attrs))
        shutil.copytree(WEBAPP_SRC, os.path.join(self.base, "webapps", "app"))

    def _attribute_pattern(self):
        if self.allowed_attributes is None:
            return ""
        return 'allowedRequestAttributesPattern="' + html.escape(self.allowed_attributes) + '"'

    def start(self, timeout=90.0):
        env = dict(os.environ)
        env.update(CATALINA_HOME=CATALINA_HOME, CATALINA_BASE=self.base,
                   CATALINA_TMPDIR=os.path.join(self.base, "temp"),
                   CATALINA_OPTS="-Xms64m -Xmx256m -XX:+UseSerialGC -Djava.security.egd=file:/dev/urandom")
        self.process = harness.Process([os.path.join(CATALINA_HOME, "bin", "catalina.sh"), "run"],
                                       os.path.join(self.base, "logs", "console.log"), env=env)
        # Ready when the webapp answers over HTTP (first JSP compile included).
        harness.wait_until(lambda: self._ping() or not self.process.alive(), timeout,
                           interval=0.25, what=f"tomcat {self.route} to serve /app/ping.jsp")
        if not self.process.alive():
            raise RuntimeError(f"tomcat {self.route} exited:\n{self.process.log_text()[-3000:]}")
        return self

    def _ping(self):
        try:
            url = f"http://127.0.0.1:{self.http_port}/app/ping.jsp"
            with urllib.request.urlopen(url, timeout=2) as r:
                return r.status == 200
        except OSError:
            return False

    def stop(self):
        """Stops the node; its CATALINA_BASE (logs, compiled JSPs) is kept only after an unclean exit."""
        if self.process:
            rc = self.process.stop(timeout=20)
            self.process = None
            if rc in (0, 143):  # 143: the JVM's exit after SIGTERM ran its shutdown hooks
                shutil.rmtree(self.base, ignore_errors=True)

    def log_text(self):
        return self.process.log_text() if self.process else ""


_shared = {}
# Request attributes the shared nodes accept (JkEnvVar names in the suites start with this).
SHARED_ATTRIBUTES = "MY_.*"


def shared_node(route="was1"):
    """One started plain node (no secret; remote_user from httpd trusted; MY_* attributes) per route for the whole
    test run: Tomcat takes seconds to start, and suites that only read from it need not pay that
    each time."""
    if route not in _shared:
        node = TomcatNode(route, tomcat_authentication=False, allowed_attributes=SHARED_ATTRIBUTES).start()
        node.process.shared_by_run = True
        atexit.register(node.stop)
        _shared[route] = node
    return _shared[route]


def ajp13_worker(node, name="was1", **props):
    """workers.properties text for one ajp13 worker pointing at node (props: extra settings)."""
    lines = ["worker.list=" + name, f"worker.{name}.type=ajp13", f"worker.{name}.host=127.0.0.1",
             f"worker.{name}.port={node.ajp_port}"]
    lines += [f"worker.{name}.{key}={value}" for key, value in props.items()]
    return "\n".join(lines) + "\n"


def parse_echo(body):
    """echo.jsp's "key: value" lines as {key: [values in order]} (headers may repeat)."""
    seen = {}
    for line in body.decode("utf-8").splitlines():
        key, sep, value = line.partition(": ")
        if sep:
            seen.setdefault(key, []).append(value)
    return seen


class Answer:
    """One HTTP exchange as the client saw it: status, reason, headers (all values), body."""

    def __init__(self, response, body):
        self.status = response.status
        self.reason = response.reason
        self.headers = response.headers
        self.body = body

    def header(self, name):
        return self.headers.get(name)

    def all(self, name):
        return self.headers.get_all(name) or []

    def echo(self):
        return parse_echo(self.body)


def exchange(conn, method, path, body=None, headers=None, chunked=False):
    """Sends one request on an open http.client connection (no redirect following) and reads
    the whole answer, leaving the connection usable for the next request."""
    conn.request(method, path, body=body, headers=headers or {}, encode_chunked=chunked)
    response = conn.getresponse()
    return Answer(response, response.read())


def request(port, method, path, body=None, headers=None, chunked=False, timeout=30):
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=timeout)
    try:
        return exchange(conn, method, path, body, headers, chunked)
    finally:
        conn.close()
