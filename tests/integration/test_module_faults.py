"""httpd + ajpgate in front of a misbehaving ajp-testd: every fault mode, what the client got,
what the backend saw, one clear log line per error naming the worker, and that the broken
connection is never reused (the next request succeeds on a new connection).

Workers, all on the same ajp-testd unless said otherwise:
  was1  defaults (retries 2)               /app/*
  slow1 reply_timeout=500                  /slow/*
  ping1 ping_mode=A, ping_timeout=300      /ping/*
  dead1 a port nobody listens on           /dead/*
  nocp1 ping_mode=C on an ajp-testd started with --no-cpong   /nocp/*
  once1 retries=1                          /once/*
  norc1 recovery_options=1 (no retry once the request was sent)   /norc/*
  one1  connection_pool_size=1, connection_acquire_timeout=300    /one/*
"""
import threading
import hashlib
import os
import sys
import time
import unittest

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

from harness import free_port, wait_until  # noqa: E402
from test_module_forwarding_support import (  # noqa: E402
    ModuleCase, after, echo, raw_get, requests_tagged, tagged, wait_records_tagged, worker_lines)

PINGS = {"ping_timeout": 300, "connect_timeout": 300, "prepost_timeout": 300}


class FaultsTest(ModuleCase):
    CONF = ("JkMount /app/* was1\nJkMount /slow/* slow1\nJkMount /ping/* ping1\n"
            "JkMount /dead/* dead1\nJkMount /nocp/* nocp1\nJkMount /once/* once1\nJkMount /norc/* norc1\n"
            "JkMount /one/* one1\nJkMount /ext/* was1;reply_timeout=400\nJkUnMount /app/secret/* was1\n"
            "LoadModule env_module /usr/lib/apache2/modules/mod_env.so\n"
            "<Location /app/envtimeout>\n  SetEnv JK_REPLY_TIMEOUT 400\n</Location>\n")
    EXTRA_BACKENDS = {"nocpong": ("--no-cpong",)}

    @classmethod
    def extra_workers(cls):
        port = cls.backend.port
        return (worker_lines("slow1", port, reply_timeout=500),
                worker_lines("ping1", port, ping_mode="A", **PINGS),
                worker_lines("dead1", free_port(), socket_connect_timeout=500, retry_interval=50),
                worker_lines("nocp1", cls.backends["nocpong"].port, ping_mode="C", retry_interval=50, **PINGS),
                worker_lines("once1", port, retries=1),
                worker_lines("norc1", port, recovery_options=1),
                worker_lines("one1", port, connection_pool_size=1, connection_acquire_timeout=300))

    def log_mark(self):
        return len(self.httpd.read("logs/mod_jk.log").splitlines())

    def new_log_lines(self, mark, settle=0.2):
        """The log lines written since mark, once at least one arrived and a moment passed."""
        wait_until(lambda: self.log_mark() > mark, 5, what="a new mod_jk.log line")
        time.sleep(settle)
        return self.httpd.read("logs/mod_jk.log").splitlines()[mark:]

    def assert_one_error_line(self, mark, code, worker, *words):
        # The start-up banner (AJPG0001) of a slow start may land after the mark: not ours.
        lines = [line for line in self.new_log_lines(mark) if "AJPG0001" not in line]
        errors = [line for line in lines if "[error]" in line]
        self.assertEqual(len(errors), 1, lines)
        self.assertEqual(len(lines), 1, "one failure, one line at level info: %r" % lines)
        self.assertIn(code, errors[0])
        self.assertIn(f"worker {worker} ", errors[0])
        for word in words:
            self.assertIn(word, errors[0])
        return errors[0]

    def assert_next_request_on_new_connection(self, broken_conns, path="/app/next"):
        """The next request succeeds, and not on any connection the fault broke (they are closed)."""
        for conn in broken_conns:
            self.backend.wait_closed_record(conn)
        status, _, body = self.httpd.get(path, headers=tagged("next"))
        self.assertEqual(status, 200, body)
        self.assertNotIn(echo(body)["conn"], broken_conns)
        return echo(body)["conn"]

    def test_close_before_headers_get_is_retried_once(self):
        mark = self.log_mark()
        status, _, _ = self.httpd.get("/app/cbh", headers=tagged("cbh", fault="close-before-headers"))
        self.assertEqual(status, 502)
        # A bodyless request the backend never answered is safe to replay: two attempts, two connections.
        records = wait_records_tagged(self.backend, "cbh", 2)
        conns = [r["conn"] for r in records]
        self.assertEqual(len(set(conns)), 2, conns)
        self.assert_one_error_line(mark, "AJPG0114", "was1", "after 2 attempts", "502")
        self.assert_next_request_on_new_connection(conns)

    def test_close_before_headers_not_retried_when_configured_so(self):
        for prefix, worker in (("once", "once1"), ("norc", "norc1")):
            for data in (None, b"payload"):
                with self.subTest(worker=worker, body=data is not None):
                    tag = prefix + ("p" if data else "")
                    mark = self.log_mark()
                    status, _, _ = self.httpd.get(f"/{prefix}/x", data=data, method="POST" if data else "GET",
                                                  headers=tagged(tag, fault="close-before-headers"))
                    self.assertEqual(status, 502)
                    time.sleep(0.2)
                    self.assertEqual(len(requests_tagged(self.backend, tag)), 1)
                    self.assert_one_error_line(mark, "AJPG0114", worker)

    def test_close_before_headers_with_small_body_is_replayed_once(self):
        # As mod_jk does: a body that went whole in the packet sent with the request is still in
        # hand, so the request can go again like a bodyless one, body included, byte for byte.
        mark = self.log_mark()
        status, _, _ = self.httpd.get("/app/cbhp", data=b"payload", method="POST",
                                      headers=tagged("cbhp", fault="close-before-headers"))
        self.assertEqual(status, 502)
        records = wait_records_tagged(self.backend, "cbhp", 2)
        conns = [r["conn"] for r in records]
        self.assertEqual(len(set(conns)), 2, conns)
        for rec in records:
            [body] = [r for r in after(self.backend, rec) if r["type"] == "body"][:1]
            self.assertEqual(body["seq"], rec["seq"] + 1)
        self.assert_one_error_line(mark, "AJPG0114", "was1", "after 2 attempts", "502")
        self.assert_next_request_on_new_connection(conns)

    def test_close_before_headers_after_asking_for_body_is_not_retried(self):
        # The backend asked for (and got) more than the first packet: that part of the body was
        # read from the client once and cannot be sent again.
        mark = self.log_mark()
        status, _, _ = self.httpd.get("/app/cbhb", data=os.urandom(20000), method="POST",
                                      headers=tagged("cbhb", fault="close-before-headers"))
        self.assertEqual(status, 502)
        time.sleep(0.2)
        records = requests_tagged(self.backend, "cbhb")
        self.assertEqual(len(records), 1, "a body read beyond the first packet cannot be replayed")
        line = self.assert_one_error_line(mark, "AJPG0114", "was1")
        self.assertNotIn("attempts", line)
        self.assert_next_request_on_new_connection([records[0]["conn"]])

    def test_close_mid_body_truncates_the_response(self):
        # Big: many packets went out. Small: half a packet, still in httpd's buffers when the
        # backend vanished; either way the client must see a cut, never a complete-looking answer.
        # reset-mid-body ends the backend connection with an RST instead of a FIN.
        for fault in ("close-mid-body", "reset-mid-body"):
            for size in (200000, 100):
                with self.subTest(fault=fault, size=size):
                    tag = f"cmb{size}{fault[0]}"
                    mark = self.log_mark()
                    resp = raw_get(self.httpd.port, "/app/cmb", tagged(tag, mode="fixed", size=size,
                                                                        fault=fault).items())
                    self.assertEqual(resp.status, 200)  # the headers had gone out
                    self.assertTrue(resp.closed)
                    self.assertEqual(resp.content_length(), size)
                    self.assertLess(len(resp.body), size)
                    if fault == "close-mid-body":  # an RST may discard what was still in flight
                        self.assertGreater(len(resp.body), 0)
                    self.assert_one_error_line(mark, "AJPG0114", "was1", "client connection aborted")
                    [rec] = wait_records_tagged(self.backend, tag)
                    self.assert_next_request_on_new_connection([rec["conn"]])

    def assert_bad_gateway(self, tag, fault, code="AJPG0112", **testd):
        mark = self.log_mark()
        resp = raw_get(self.httpd.port, "/app/" + tag, tagged(tag, fault=fault, **testd).items())
        # Before the response started: a clean 502. After: the client connection is cut short.
        if resp.status is not None:
            self.assertEqual(resp.status, 502, resp.data[:200])
        else:
            self.assertTrue(resp.closed)
        records = wait_records_tagged(self.backend, tag)
        self.assertEqual(len(records), 1, "a bad answer is not retried")
        self.assert_one_error_line(mark, code, "was1")
        self.assert_next_request_on_new_connection([records[0]["conn"]])
        return resp

    def test_garbage(self):
        resp = self.assert_bad_gateway("garbage", "garbage")
        self.assertEqual(resp.status, 502)

    def test_oversize_packet(self):
        resp = self.assert_bad_gateway("oversize", "oversize-packet")
        self.assertEqual(resp.status, 502)

    def assert_clean_502_keeps_client_connection(self, tag, fault):
        """The backend failed after its headers but before any byte went to the client: a
        clean 502 page, and the client's keep-alive connection carries the next request."""
        mark = self.log_mark()
        conn = self.connection()
        try:
            conn.request("GET", "/app/" + tag, headers=tagged(tag, fault=fault))
            resp = conn.getresponse()
            body = resp.read()
            self.assertEqual((resp.status, resp.reason), (502, "Bad Gateway"))
            self.assertIn(b"Bad Gateway", body)
            self.assertTrue(resp.getheader("Content-Type").startswith("text/html"))  # httpd's page
            conn.request("GET", "/app/same-client-conn")
            self.assertEqual(conn.getresponse().status, 200)
        finally:
            conn.close()
        line = self.assert_one_error_line(mark, "AJPG0112", "was1", "; 502")
        self.assertNotIn("aborted", line)
        [rec] = wait_records_tagged(self.backend, tag)
        self.assert_next_request_on_new_connection([rec["conn"]])

    def test_chunk_length_overflow(self):
        self.assert_clean_502_keeps_client_connection("overflow", "chunk-length-overflow")

    def test_headers_twice(self):
        self.assert_clean_502_keeps_client_connection("twice", "headers-twice")

    def test_second_response_is_not_delivered_and_connection_dropped(self):
        status, _, body = self.httpd.get("/app/second", headers=tagged("second", fault="second-response"))
        self.assertEqual(status, 200)
        first = echo(body)  # the real answer, not "second response"
        self.assertEqual(first["uri"], "/app/second")
        self.assert_next_request_on_new_connection([first["conn"]])

    def test_no_reuse_answer_closes_the_connection(self):
        status, _, body = self.httpd.get("/app/noreuse", headers=tagged("noreuse", fault="no-reuse"))
        self.assertEqual(status, 200)
        conn = echo(body)["conn"]
        fresh = self.assert_next_request_on_new_connection([conn])
        # ... and that new one is kept again.
        self.assertEqual(echo(self.httpd.get("/app/again")[2])["conn"], fresh)

    def test_hang_times_out_with_504(self):
        mark = self.log_mark()
        started = time.monotonic()
        status, _, _ = self.httpd.get("/slow/hang", headers=tagged("hang", fault="hang"))
        took = time.monotonic() - started
        self.assertEqual(status, 504)
        self.assertGreater(took, 0.4)
        self.assertLess(took, 3.0)
        self.assert_one_error_line(mark, "AJPG0113", "slow1", "504")
        [rec] = wait_records_tagged(self.backend, "hang")
        self.assert_next_request_on_new_connection([rec["conn"]], path="/slow/next")

    def test_reply_timeout_from_mount_extension_and_environment(self):
        for path, tag in (("/ext/hang", "ext-hang"), ("/app/envtimeout", "env-hang")):
            with self.subTest(path=path):
                mark = self.log_mark()
                started = time.monotonic()
                status, _, _ = self.httpd.get(path, headers=tagged(tag, fault="hang"))
                took = time.monotonic() - started
                self.assertEqual(status, 504)
                self.assertGreater(took, 0.3)
                self.assertLess(took, 3.0)
                self.assert_one_error_line(mark, "AJPG0113", "was1", "504")

    def test_reply_timeout_is_per_packet_not_per_response(self):
        # Four packets 250 ms apart under a 400 ms reply_timeout: a whole second in total, yet
        # never 400 ms of silence, so it is served in full.
        status, headers, body = self.httpd.get("/ext/trickle", headers=tagged(
            "trickle", mode="fixed", size=4000, chunk=1000, body_delay=250))
        self.assertEqual((status, len(body)), (200, 4000))
        self.assertEqual(hashlib.sha256(body).hexdigest(), headers["X-Body-Sha256"])

    def test_no_cpong_on_a_pooled_connection_moves_to_a_new_one(self):
        status, _, body = self.httpd.get("/ping/a", headers=tagged("nocpong", fault="no-cpong"))
        self.assertEqual(status, 200)
        silent = echo(body)["conn"]
        started = time.monotonic()
        status, _, body = self.httpd.get("/ping/b", headers=tagged("after-nocpong"))
        self.assertEqual(status, 200)
        self.assertLess(time.monotonic() - started, 3.0)
        self.assertNotEqual(echo(body)["conn"], silent)
        types = [r["type"] for r in self.backend.wait_closed_record(silent)]
        self.assertEqual(types[-2:], ["cping", "close"])  # probed, unanswered, dropped

    def test_backend_without_cpong_gives_503(self):
        mark = self.log_mark()
        started = time.monotonic()
        status, _, _ = self.httpd.get("/nocp/x", headers=tagged("nocp"))
        self.assertEqual(status, 503)
        self.assertLess(time.monotonic() - started, 3.0)
        self.assert_one_error_line(mark, "AJPG0110", "nocp1", "no CPONG", "after 2 attempt(s); 503")
        forwarded = [r for r in self.backends["nocpong"].records() if r["type"] == "forward_request"]
        self.assertEqual(forwarded, [], "no request may go out on a connection that failed its CPING")

    def test_backend_down_gives_503(self):
        mark = self.log_mark()
        started = time.monotonic()
        status, _, _ = self.httpd.get("/dead/x")
        self.assertEqual(status, 503)
        self.assertLess(time.monotonic() - started, 3.0)
        self.assert_one_error_line(mark, "AJPG0110", "dead1", "cannot connect after 2 attempt(s); 503")

    def test_pool_exhausted_gives_503_after_acquire_timeout(self):
        slow = {}

        def hold_the_only_connection():
            slow["answer"] = self.httpd.get("/one/slow", headers=tagged("hold", delay=1500))

        holder = threading.Thread(target=hold_the_only_connection, daemon=True)
        holder.start()
        wait_records_tagged(self.backend, "hold")
        mark = self.log_mark()
        started = time.monotonic()
        status, _, _ = self.httpd.get("/one/waiting")
        took = time.monotonic() - started
        self.assertEqual(status, 503)
        self.assertGreater(took, 0.25)
        self.assertLess(took, 1.4)  # gave up before the holder finished
        self.assert_one_error_line(mark, "AJPG0111", "one1", "503")
        holder.join(10)
        self.assertEqual(slow["answer"][0], 200)
        self.assertEqual(self.httpd.get("/one/after")[0], 200)

    def test_request_headers_too_large_for_a_packet(self):
        mark = self.log_mark()
        headers = tagged("huge")
        headers.update({f"X-Big-{i}": "v" * 4000 for i in range(3)})  # each under httpd's 8190 limit
        status, _, _ = self.httpd.get("/app/huge", headers=headers)
        self.assertEqual(status, 413)
        self.assert_one_error_line(mark, "AJPG0115", "was1", "413")
        time.sleep(0.1)
        self.assertEqual(requests_tagged(self.backend, "huge"), [])
        self.assertEqual(self.httpd.get("/app/small")[0], 200)

    def test_uri_above_the_root_is_refused(self):
        for path in ("/app/../../x", "/app/%2e%2e/%2e%2e/x", "/../app/x"):
            with self.subTest(path=path):
                resp = raw_get(self.httpd.port, path, [("X-Tag", "climb")])
                self.assertEqual(resp.status, 400, resp.data[:200])
        time.sleep(0.1)
        self.assertEqual(requests_tagged(self.backend, "climb"), [])

    def test_path_parameter_dot_segments(self):
        # httpd sees "..;" as a plain segment; Tomcat would drop the parameter and climb.
        # The module maps (and forwards) the path Tomcat would see.
        mark = self.log_mark()
        resp = raw_get(self.httpd.port, "/app/..;/..;/x", [("X-Tag", "dotparam")])
        self.assertEqual(resp.status, 400, resp.data[:200])
        lines = self.new_log_lines(mark)
        self.assertEqual(len([line for line in lines if "AJPG0102" in line]), 1, lines)
        # An unmounted area stays unreachable through "..;".
        for path in ("/app/pub/..;/secret/x", "/app/secret/x", "/app/pub;x=1/..;/secret/x"):
            with self.subTest(path=path):
                self.assertEqual(raw_get(self.httpd.port, path, [("X-Tag", "dotparam")]).status, 404)
        time.sleep(0.1)
        self.assertEqual(requests_tagged(self.backend, "dotparam"), [])
        # Inside the mount it is forwarded as the path Tomcat would serve.
        resp = raw_get(self.httpd.port, "/app/pub/..;/other", [("X-Tag", "dotparam-ok")])
        self.assertEqual((resp.status, echo(resp.body)["uri"]), (200, "/app/other"))


if __name__ == "__main__":
    unittest.main()
