"""max_packet_size above the default: headers that would not fit in 8 KiB pass, body packets
carry up to the bigger size both ways, and the sizes stay within what was agreed."""
import hashlib
import os
import sys
import unittest

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

from test_module_forwarding_support import ModuleCase, after, echo, tagged, wait_records_tagged  # noqa: E402

PACKET = 65536


class BigPacketTest(ModuleCase):
    BACKEND_ARGS = ("--packet-size", str(PACKET))
    WORKER_PROPS = {"max_packet_size": PACKET}

    def test_headers_beyond_8k_fit(self):
        headers = tagged("bighead")
        headers.update({f"X-Big-{i}": "v" * 4000 for i in range(4)})
        status, _, body = self.httpd.get("/app/bighead", headers=headers)
        self.assertEqual(status, 200, body[:200])
        got = echo(body)
        self.assertEqual(len([h for h in got["headers"] if h["name"].startswith("X-Big-")]), 4)
        [rec] = wait_records_tagged(self.backend, "bighead")
        self.assertGreater(rec["len"], 16000)
        self.assertLessEqual(rec["len"], PACKET - 4)

    def test_body_packets_use_the_bigger_size(self):
        data = os.urandom(150000)
        status, _, body = self.httpd.get("/app/bigbody", data=data, method="POST", headers=tagged("bigbody"))
        self.assertEqual(status, 200)
        got = echo(body)
        self.assertEqual((got["body_length"], got["body_sha256"]), (len(data), hashlib.sha256(data).hexdigest()))
        [rec] = wait_records_tagged(self.backend, "bigbody")
        sizes = [r["body_len"] for r in after(self.backend, rec) if r["type"] == "body"][:3]
        self.assertEqual(sizes, [PACKET - 6, PACKET - 6, len(data) - 2 * (PACKET - 6)])

    def test_big_response_packets(self):
        size = 3 << 20
        status, headers, body = self.httpd.get("/app/down", headers=tagged("down", mode="fixed", size=size))
        self.assertEqual((status, len(body)), (200, size))
        self.assertEqual(hashlib.sha256(body).hexdigest(), headers["X-Body-Sha256"])


if __name__ == "__main__":
    unittest.main()
