"""Starting ajp-testd from a test: one running backend on a port it picks itself.

The binary comes from $AJP_TESTD, else tools/ajp-testd under the build directory
($AJPGATE_BUILD). Used by test_testd.py and by the suites that put httpd in front of it:

    backend = TestdBackend("was1", "--route", "was1")
    ... backend.port, backend.connect(), backend.records(conn) ...
    assert backend.stop() == 0
"""
import json
import os
import shutil

from ajpclient import AjpConnection
from harness import Process, build_dir, scratch_dir, wait_until

SOCKET_TIMEOUT = 10.0


def testd_binary():
    return os.environ.get("AJP_TESTD") or os.path.join(build_dir(), "tools", "ajp-testd")


def fixed_body(n):
    """The body of mode=fixed: 'a'..'z' repeating."""
    return bytes(97 + i % 26 for i in range(n))


class TestdBackend:
    """One running ajp-testd with --ready-file and --record in its own scratch directory."""

    def __init__(self, name, *args):
        self.name = name
        self.dir = scratch_dir("testd-" + name)
        self.ready = os.path.join(self.dir, "ready")
        self.record = os.path.join(self.dir, "record.jsonl")
        argv = [testd_binary(), "--port", "0", "--ready-file", self.ready, "--record", self.record,
                "--name", name] + list(args)
        self.proc = Process(argv, os.path.join(self.dir, "log"))
        wait_until(lambda: os.path.exists(self.ready) or not self.proc.alive(), 10, what="ajp-testd ready file")
        if not self.proc.alive():
            raise RuntimeError("ajp-testd did not start: " + self.proc.log_text())
        with open(self.ready) as f:
            self.port = int(f.read().strip())

    def connect(self, **kw):
        return AjpConnection("127.0.0.1", self.port, timeout=kw.pop("timeout", SOCKET_TIMEOUT), **kw)

    def records(self, conn=None):
        """The --record lines so far, optionally only those of one connection number."""
        with open(self.record) as f:
            lines = [json.loads(line) for line in f if line.strip()]
        return [r for r in lines if conn is None or r["conn"] == conn]

    def wait_closed_record(self, conn, timeout=5):
        """Waits for connection `conn`'s close line; returns all its lines."""
        wait_until(lambda: [r for r in self.records(conn) if r["type"] == "close"], timeout,
                   what="close record of connection %d" % conn)
        return self.records(conn)

    def stop(self):
        """Stops the backend; its directory (log, record) is kept only when the exit was unclean."""
        rc = self.proc.stop()
        if rc == 0:
            shutil.rmtree(self.dir, ignore_errors=True)
        return rc
