"""Shared pieces of the module forwarding and fault suites (no tests of its own).

One ajp-testd (or more) behind one real httpd per test class; requests go through httpd and the
tests look at both ends: what the client received and what ajp-testd recorded on the wire.
The httpd runs ONE child process so every request sees the same per-child connection pool.
"""
import hashlib
import http.client
import json
import os
import socket
import time
import unittest

from harness import wait_until
from httpd import Httpd, module_path
from testd_backend import TestdBackend

SOCKET_TIMEOUT = 10.0
# One child, so one connection pool: pool reuse is observable from the records.
ONE_CHILD = "ServerLimit 1\nStartServers 1\nMaxRequestWorkers 16\nThreadsPerChild 16\n"
BASE_JK = "JkWorkersFile workers.properties\nJkLogFile logs/mod_jk.log\nJkLogLevel info\n"


def workers_file(*blocks):
    """workers.properties text: worker.list names every worker of the blocks (worker_lines)."""
    names = [block.split(".", 2)[1] for block in blocks]
    return f"worker.list={','.join(names)}\n" + "".join(blocks)


def worker_lines(name, port, **props):
    lines = [f"worker.{name}.type=ajp13", f"worker.{name}.host=127.0.0.1", f"worker.{name}.port={port}"]
    lines += [f"worker.{name}.{key}={value}" for key, value in props.items()]
    return "\n".join(lines) + "\n"


ONE_PREFORK_CHILD = "ServerLimit 1\nStartServers 1\nMinSpareServers 1\nMaxSpareServers 1\nMaxRequestWorkers 1\n"


def start_httpd(conf, workers, **kw):
    if not os.path.exists(module_path()):
        raise unittest.SkipTest("mod_jk.so not built at " + module_path())
    one_child = ONE_PREFORK_CHILD if kw.get("mpm") == "prefork" else ONE_CHILD
    return Httpd(one_child + BASE_JK + conf, workers=workers, **kw).start()


class RawResponse:
    """A response read off a raw socket until the server closed it (or a bound passed)."""

    def __init__(self, data, closed):
        self.data = data
        self.closed = closed  # the server closed the connection (vs. our read timed out)
        head, sep, self.body = data.partition(b"\r\n\r\n")
        self.complete_head = bool(sep)
        lines = head.decode("latin-1").split("\r\n")
        self.status_line = lines[0] if lines else ""
        parts = self.status_line.split(" ", 2)
        self.status = int(parts[1]) if len(parts) > 1 and parts[1].isdigit() else None
        self.headers = {}
        for line in lines[1:]:
            name, _, value = line.partition(":")
            self.headers.setdefault(name.strip().lower(), value.strip())

    def content_length(self):
        value = self.headers.get("content-length")
        return int(value) if value is not None else None


def raw_request(port, request_bytes, timeout=SOCKET_TIMEOUT, max_bytes=64 << 20):
    """Sends bytes as they are (no client normalisation) and reads until close or timeout."""
    chunks, closed = [], False
    with socket.create_connection(("127.0.0.1", port), timeout=timeout) as s:
        s.sendall(request_bytes)
        deadline = time.monotonic() + timeout
        total = 0
        while time.monotonic() < deadline and total < max_bytes:
            try:
                data = s.recv(65536)
            except socket.timeout:
                break
            except ConnectionResetError:
                closed = True
                break
            if not data:
                closed = True
                break
            chunks.append(data)
            total += len(data)
    return RawResponse(b"".join(chunks), closed)


def raw_get(port, path, headers=(), method="GET"):
    lines = [f"{method} {path} HTTP/1.1", f"Host: 127.0.0.1:{port}", "Connection: close"]
    lines += [f"{name}: {value}" for name, value in headers]
    return raw_request(port, ("\r\n".join(lines) + "\r\n\r\n").encode("latin-1"))


def tagged(tag, **testd):
    """Request headers that label a request in the records (X-Tag) and steer ajp-testd (X-Testd)."""
    headers = {"X-Tag": tag}
    if testd:
        headers["X-Testd"] = ";".join(f"{k.replace('_', '-')}={v}" for k, v in testd.items())
    return headers


def header_value(record, name):
    for header in record["headers"]:
        if header["name"].lower() == name.lower():
            return header["value"]
    return None


def requests_tagged(backend, tag):
    """The forward_request records (oldest first) of the requests carrying X-Tag: tag."""
    return [r for r in backend.records() if r["type"] == "forward_request" and header_value(r, "X-Tag") == tag]


def wait_records_tagged(backend, tag, count=1, timeout=5):
    return wait_until(lambda: len(requests_tagged(backend, tag)) >= count and requests_tagged(backend, tag),
                      timeout, what=f"{count} record(s) tagged {tag}")


def after(backend, record):
    """The records of record's connection that follow it."""
    return [r for r in backend.records(record["conn"]) if r["seq"] > record["seq"]]


def drain_hashed(resp, pause_after_first=0.0):
    """(bytes read, SHA-256 hex) of a response body read in 1 MiB pieces; optionally stops
    reading for a while after the first piece (a slow client)."""
    digest, total = hashlib.sha256(), 0
    while True:
        piece = resp.read(1 << 20)
        if not piece:
            return total, digest.hexdigest()
        if total == 0 and pause_after_first:
            time.sleep(pause_after_first)
        digest.update(piece)
        total += len(piece)


def echo(body):
    return json.loads(body)


def log_lines(httpd, code):
    return [line for line in httpd.read("logs/mod_jk.log").splitlines() if code in line]


def wait_log_lines(httpd, code, count, timeout=5):
    """The log lines with `code` once there are at least `count` (the log is written after the answer)."""
    return wait_until(lambda: len(log_lines(httpd, code)) >= count and log_lines(httpd, code), timeout,
                      what=f"{count} log line(s) {code}")


def stop_all(*servers):
    for server in servers:
        if server is not None:
            server.stop()


def backend(name, *args):
    return TestdBackend(name, "--quiet", *args)


class ModuleCase(unittest.TestCase):
    """One ajp-testd ("was1" behind worker was1) and one httpd shared by a test class.
    Subclasses set CONF (httpd directives), and may set BACKEND_ARGS, WORKER_PROPS
    (worker.was1.* properties), EXTRA_BACKENDS ({name: ajp-testd args}, in cls.backends),
    extra_workers() (more worker_lines blocks) and HTTPD_KW."""

    CONF = "JkMount /app/* was1\n"
    BACKEND_ARGS = ()
    WORKER_PROPS = {}
    EXTRA_BACKENDS = {}
    HTTPD_KW = {}

    @classmethod
    def extra_workers(cls):
        return ()

    @classmethod
    def setUpClass(cls):
        cls.backend = backend(cls.__name__, *cls.BACKEND_ARGS)
        cls.backends = {}
        cls.httpd = None
        try:
            for name, args in cls.EXTRA_BACKENDS.items():
                cls.backends[name] = backend(name, *args)
            workers = workers_file(worker_lines("was1", cls.backend.port, **cls.WORKER_PROPS), *cls.extra_workers())
            cls.httpd = start_httpd(cls.CONF, workers, **cls.HTTPD_KW)
        except Exception:
            cls.tearDownClass()
            raise

    @classmethod
    def tearDownClass(cls):
        stop_all(cls.httpd, cls.backend, *cls.backends.values())

    def connection(self):
        return http.client.HTTPConnection("127.0.0.1", self.httpd.port, timeout=SOCKET_TIMEOUT)
