"""Which addresses reach the backend: the client's, httpd's own (+ForwardLocalAddress), the one
mod_remoteip took from X-Forwarded-For, or the peer's (+ForwardPhysicalAddress).

The client connects from 127.0.0.5 (any 127/8 source works on loopback) to httpd on
127.0.0.1, so client and local addresses differ."""
import http.client
import os
import sys
import unittest

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

from test_module_forwarding_support import SOCKET_TIMEOUT, ModuleCase, echo  # noqa: E402

CLIENT = "127.0.0.5"
VHOSTS = {
    "plain.test": "",
    "local.test": "JkOptions +ForwardLocalAddress\n",
    "remoteip.test": "RemoteIPHeader X-Forwarded-For\nRemoteIPInternalProxy 127.0.0.0/8\n",
    "physical.test": ("RemoteIPHeader X-Forwarded-For\nRemoteIPInternalProxy 127.0.0.0/8\n"
                      "JkOptions +ForwardPhysicalAddress\n"),
}


class AddressesTest(ModuleCase):
    HTTPD_KW = {"modules": ("authz_core", "remoteip")}
    CONF = "".join(f"<VirtualHost *>\n  ServerName {name}\n  JkMount /app/* was1\n{extra}</VirtualHost>\n"
                   for name, extra in VHOSTS.items())

    def seen(self, host, headers=None):
        """(echo of the request, the client's port) for a request from CLIENT."""
        conn = http.client.HTTPConnection("127.0.0.1", self.httpd.port, timeout=SOCKET_TIMEOUT,
                                          source_address=(CLIENT, 0))
        try:
            conn.connect()
            port = conn.sock.getsockname()[1]
            conn.request("GET", "/app/addr", headers={"Host": host, **(headers or {})})
            resp = conn.getresponse()
            self.assertEqual(resp.status, 200)
            return echo(resp.read()), port
        finally:
            conn.close()

    def attributes(self, got):
        return {a["name"]: a["value"] for a in got["attributes"]["req_attributes"]}

    def test_client_address_and_port(self):
        got, port = self.seen("plain.test")
        self.assertEqual(got["remote_addr"], CLIENT)
        self.assertEqual(self.attributes(got), {"AJP_REMOTE_PORT": str(port), "AJP_LOCAL_ADDR": "127.0.0.1"})

    def test_forward_local_address(self):
        got, _ = self.seen("local.test")
        self.assertEqual(got["remote_addr"], "127.0.0.1")
        self.assertEqual(self.attributes(got)["AJP_LOCAL_ADDR"], "127.0.0.1")

    def test_remoteip_address_is_forwarded_by_default(self):
        got, _ = self.seen("remoteip.test", {"X-Forwarded-For": "203.0.113.7"})
        self.assertEqual(got["remote_addr"], "203.0.113.7")

    def test_forward_physical_address(self):
        got, _ = self.seen("physical.test", {"X-Forwarded-For": "203.0.113.7"})
        self.assertEqual(got["remote_addr"], CLIENT)


if __name__ == "__main__":
    unittest.main()
