"""Black-box tests of tools/ajp-testd at the edges: malformed input from the web server side,
the --record file, signals, and the command line. See test_testd.py for the behaviour tests.

    python3 -m unittest -v tests/integration/test_testd_wire.py
"""
import os
import signal
import socket
import struct
import subprocess
import sys
import time
import unittest

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

import ajpclient  # noqa: E402
from testd_backend import TestdBackend as Backend, testd_binary  # noqa: E402


class WireTest(unittest.TestCase):
    """Malformed input from the client, and what --record saw."""

    @classmethod
    def setUpClass(cls):
        if not os.access(testd_binary(), os.X_OK):
            raise unittest.SkipTest("ajp-testd not built at " + testd_binary())
        cls.backend = Backend("wire")

    @classmethod
    def tearDownClass(cls):
        rc = cls.backend.stop()
        assert rc == 0, "ajp-testd exited with %r: %s" % (rc, cls.backend.proc.log_text())

    def assert_closed_and_alive(self, payload, half_close=False):
        with self.backend.connect(timeout=5.0) as conn:
            conn.send(payload)
            if half_close:
                conn.sock.shutdown(socket.SHUT_WR)
            self.assertTrue(conn.is_closed(wait=5.0), "connection not closed after %r" % payload[:16])
        with self.backend.connect() as conn:
            self.assertTrue(conn.cping())

    def test_malformed_client_input_closes_connection(self):
        good = ajpclient.encode_forward_request("GET", "/")
        cases = [
            b"\x12\x35\x00\x01\x0a",                  # wrong signature
            b"GET / HTTP/1.1\r\n\r\n",                # not AJP at all
            b"\x12\x34\xff\xff" + b"\x02" * 100,      # length beyond the packet size
            b"\x12\x34" + struct.pack(">H", 10) + good[4:14],  # FORWARD_REQUEST cut short
            b"\x12\x34\x00\x01\x63",                  # unknown type
            ajpclient.SHUTDOWN_PACKET,
        ]
        for payload in cases:
            self.assert_closed_and_alive(payload)
        # A packet cut short by the peer's EOF (not by waiting: a slow peer is legitimate).
        self.assert_closed_and_alive(b"\x12\x34\x00\x01", half_close=True)
        self.assert_closed_and_alive(good[:20], half_close=True)

    def test_malformed_body_packet_closes(self):
        packet = ajpclient.encode_forward_request("POST", "/", [("Content-Length", "10")])
        bad_body = b"\x12\x34\x00\x05\x00\x09abc"  # inner length 9, only 3 bytes
        self.assert_closed_and_alive(packet + bad_body)

    def test_record_file(self):
        body = os.urandom(10000)
        with self.backend.connect() as conn:
            conn.cping()
            resp = conn.request("POST", "/rec", [("Host", "h"), ("X-Tag", "v")], body=body, query="q=1",
                                req_attributes=[("AJP_REMOTE_PORT", "4242")])
            number = resp.json()["conn"]
        records = self.backend.wait_closed_record(number)
        types = [r["type"] for r in records]
        self.assertEqual(types, ["open", "cping", "forward_request", "body", "body", "close"])
        self.assertEqual([r["seq"] for r in records], list(range(6)))
        fwd = records[2]
        self.assertEqual((fwd["method"], fwd["uri"], fwd["query"]), ("POST", "/rec", "q=1"))
        self.assertEqual(fwd["headers"][:2], [{"name": "host", "value": "h"}, {"name": "X-Tag", "value": "v"}])
        self.assertEqual(fwd["attributes"]["req_attributes"], [{"name": "AJP_REMOTE_PORT", "value": "4242"}])
        self.assertEqual(fwd["len"], len(ajpclient.encode_forward_request(
            "POST", "/rec", [("Host", "h"), ("X-Tag", "v"), ("Content-Length", "10000")], query="q=1",
            req_attributes=[("AJP_REMOTE_PORT", "4242")])) - 4)
        self.assertEqual([(r["len"], r["body_len"]) for r in records[3:5]], [(8188, 8186), (1816, 1814)])
        self.assertEqual(records[1]["len"], 1)
        self.assertEqual(records[-1]["reason"], "peer closed")

    def test_record_malformed(self):
        with self.backend.connect() as conn:
            number = conn.request("GET", "/", [("Content-Length", "0")]).json()["conn"]
            conn.send(b"\x12\x34\x00\x01\x63")
            self.assertTrue(conn.is_closed(wait=5.0))
        records = self.backend.wait_closed_record(number)
        self.assertEqual([r["type"] for r in records], ["open", "forward_request", "unknown", "close"])
        self.assertEqual(records[2]["len"], 1)


class ProcessTest(unittest.TestCase):
    def setUp(self):
        if not os.access(testd_binary(), os.X_OK):
            self.skipTest("ajp-testd not built at " + testd_binary())

    def test_sigterm_with_busy_connections(self):
        backend = Backend("term")
        idle = backend.connect()
        hanging = backend.connect()
        hanging.send(ajpclient.encode_forward_request("GET", "/", [("X-Testd", "fault=hang"),
                                                                   ("Content-Length", "0")]))
        self.assertTrue(idle.cping())
        time.sleep(0.2)  # let the hanging request start its wait
        start = time.monotonic()
        os.kill(backend.proc.proc.pid, signal.SIGTERM)
        self.assertEqual(backend.proc.proc.wait(timeout=8), 0)
        self.assertLess(time.monotonic() - start, 5.0)
        self.assertTrue(idle.is_closed())
        idle.close()
        hanging.close()
        backend.stop()

    def test_help_and_bad_arguments(self):
        out = subprocess.run([testd_binary(), "--help"], capture_output=True, timeout=10)
        self.assertEqual(out.returncode, 0)
        self.assertIn(b"X-Testd", out.stdout)
        out = subprocess.run([testd_binary(), "--port", "0", "--bogus"], capture_output=True, timeout=10)
        self.assertEqual(out.returncode, 2)
        self.assertIn(b"--bogus", out.stderr)
        out = subprocess.run([testd_binary()], capture_output=True, timeout=10)
        self.assertEqual(out.returncode, 2)

    def test_port_in_use_fails(self):
        backend = Backend("first")
        try:
            out = subprocess.run([testd_binary(), "--port", str(backend.port)], capture_output=True, timeout=10)
            self.assertEqual(out.returncode, 1)
            self.assertIn(b"cannot listen", out.stderr)
        finally:
            backend.stop()


if __name__ == "__main__":
    unittest.main()
