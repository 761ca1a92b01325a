"""The faults of bench/faults.py against ajp-testd backends: the backends, httpd, and one run
of one fault under the load (fault_load.Load)."""
import os
import shutil
import signal
import socket
import threading
import time

import harness
from fault_load import Load, summarise
from httpd import Httpd
from modjk import ModJkHttpd

FAULTS = ["kill", "stop", "blackhole", "slow", "slowjvm", "reset", "bothdown", "graceful", "restart"]
TITLES = {
    "kill": "kill -9 of was1 ({d} s, then restarted)",
    "stop": "SIGSTOP of was1 for {d} s",
    "blackhole": "was1 accepts, never answers ({b} s)",
    "slow": "was1 answers 3 s late for {d} s",
    "slowjvm": "was1 answers and CPONGs 3 s late for {d} s",
    "reset": "was1 resets every connection mid-response for {d} s",
    "bothdown": "kill -9 of both; was2 back after {d} s, was1 {d} s later",
    "graceful": "graceful restart of httpd (-k graceful)",
    "restart": "restart of httpd (-k restart)",
}
FAULT_AT = 3.0          # seconds after the load starts
MIN_RUN = 12.0          # the load runs at least this long
SLOW_MS = 3000          # the slow faults' delay
THREADS = 8
BODY = b"ab"  # ajp-testd's fixed body: 'a'..'z' repeating
LEAD = 2.0    # httpd start + warm-up happen within this after the backends start

# The seed's httpd.conf: JkMount /* loadbalancer (the log at info, as there).
JK_CONF = """JkWorkersFile workers.properties
JkLogFile logs/mod_jk.log
JkLogLevel info
JkMount /* loadbalancer
"""


def seed_workers(p1, p2):
    """The seed's workers.properties on local ports: nothing but type, host, port, lbfactor."""
    text = "worker.list=loadbalancer\n\nworker.loadbalancer.type=lb\nworker.loadbalancer.balance_workers=was1,was2\n"
    for name, port in (("was1", p1), ("was2", p2)):
        text += f"\nworker.{name}.type=ajp13\nworker.{name}.host=127.0.0.1\nworker.{name}.port={port}\nworker.{name}.lbfactor=1\n"
    return text


class Backend:
    """One ajp-testd on a fixed port (kept across restarts, as the lb knows it), playing a
    Tomcat node with jvmRoute = its name: a session id of the other route is rebound to it."""

    def __init__(self, testd, name, port, run_dir):
        self.testd, self.name, self.port, self.dir = testd, name, port, run_dir
        self.process = None
        self.started = None  # time.monotonic() when it was listening

    def start(self, *extra):
        ready = os.path.join(self.dir, f"{self.name}.ready")
        if os.path.exists(ready):
            os.unlink(ready)
        argv = [self.testd, "--port", str(self.port), "--ready-file", ready, "--quiet", "--size", str(len(BODY)),
                "--route", self.name, "--header", f"X-Backend:{self.name}"] + list(extra)
        self.process = harness.Process(argv, os.path.join(self.dir, f"{self.name}.log"))
        deadline = time.monotonic() + 10
        while not (os.path.exists(ready) and os.path.getsize(ready) > 0):
            if not self.process.alive() or time.monotonic() > deadline:
                raise RuntimeError(f"ajp-testd {self.name} did not start: {self.process.log_text()}")
            time.sleep(0.002)
        self.started = time.monotonic()
        return self

    def signal(self, sig):
        os.kill(self.process.proc.pid, sig)

    def kill(self):
        self.signal(signal.SIGKILL)
        self.process.proc.wait(timeout=10)
        self.process.stop()

    def stop(self):
        if self.process:
            try:
                self.signal(signal.SIGCONT)  # a stopped backend cannot handle SIGTERM
            except ProcessLookupError:
                pass
            self.process.stop(timeout=5)
            self.process = None


class BlackHole:
    """Accepts connections on `port` and never reads nor answers; stop() closes them all."""

    def __init__(self, port):
        self.sock = socket.socket()
        self.sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        self.sock.bind(("127.0.0.1", port))
        self.sock.listen(128)
        self.sock.settimeout(0.2)
        self.accepted = []
        self.done = threading.Event()
        self.thread = threading.Thread(target=self._run, daemon=True)
        self.thread.start()

    def _run(self):
        while not self.done.is_set():
            try:
                conn, _ = self.sock.accept()
                self.accepted.append(conn)
            except socket.timeout:
                continue
            except OSError:
                return

    def stop(self):
        self.done.set()
        self.thread.join(5)
        self.sock.close()
        for conn in self.accepted:
            conn.close()
        return len(self.accepted)


def make_httpd(contender, workers):
    kw = dict(workers=workers, mpm="event", log_level="warn")
    return ModJkHttpd(JK_CONF, **kw) if contender == "modjk" else Httpd(JK_CONF, **kw)


def warm_up(server):
    """Both backends answer through httpd before the clock starts."""
    seen = set()
    for _ in range(20):
        status, headers, body = server.get("/app/warm", timeout=10)
        if status != 200 or body != BODY:
            raise RuntimeError(f"warm-up: status {status}, body {body[:80]!r}; see {server.dir}/logs")
        seen.add(headers.get("X-Backend"))
    if seen != {"was1", "was2"}:
        raise RuntimeError(f"warm-up: only {sorted(seen)} answered")


def wait_for(load, node, since, args):
    """Until `node` serves a request sent at or after `since` (bounded), then a little more."""
    deadline = since + args.recover_max
    while load.now() < deadline and not load.answered_by(node, since):
        time.sleep(0.1)
    time.sleep(1.0)


def finish(load):
    """Runs the load to its minimum length, stops it: (end time, results)."""
    time.sleep(max(0.0, MIN_RUN - load.now()))
    end = load.now()
    return end, load.stop()


def log_problems(server):
    """httpd error-log lines at level error or worse, and child crashes (first 10 kept)."""
    lines = [line.strip() for line in server.error_log().splitlines()
             if any(k in line for k in (":error]", ":crit]", ":alert]", ":emerg]", "exit signal"))]
    return {"count": len(lines), "first": lines[:10]}


def sleep_until(load, t):
    time.sleep(max(0.0, t - load.now()))


# ajp-testd's own fault window (--fault-after/--fault-for, armed when it starts): the backend
# turns bad and recovers by itself, no restart and no connection closed by us.
WINDOW_FAULTS = {
    "slow": ["--delay", str(SLOW_MS)],
    "slowjvm": ["--delay", str(SLOW_MS), "--cpong-delay", str(SLOW_MS)],
    "reset": ["--fault", "reset-mid-body"],
}


def inject(fault, load, server, was1, was2, dur, args):
    """Does `fault` from now (t = FAULT_AT) to its end; returns summarise()'s fault dict."""
    at = load.now()
    if fault in ("graceful", "restart"):
        # -k graceful is SIGUSR1 to httpd's parent, -k restart SIGHUP (what apachectl sends).
        os.kill(server.process.proc.pid, signal.SIGUSR1 if fault == "graceful" else signal.SIGHUP)
        return {"at": at, "end": None, "recover": [("first answer", None, at)]}
    if fault == "bothdown":
        was1.kill()
        was2.kill()
        sleep_until(load, at + dur)
        was2.start()
        one = load.now()
        sleep_until(load, one + dur)
        was1.start()
        end = load.now()
        wait_for(load, "was1", end, args)
        return {"at": at, "end": end, "sick": {"was1": (at, end), "was2": (at, one)},
                "recover": [("first answer after was2's restart", None, one), ("was1 back", "was1", end)]}
    hole = None
    if fault in WINDOW_FAULTS:
        at = was1.started + LEAD + FAULT_AT - load.t0  # when ajp-testd's window opens
    elif fault == "kill":
        was1.kill()
    elif fault == "stop":
        was1.signal(signal.SIGSTOP)
    elif fault == "blackhole":
        was1.kill()
        hole = BlackHole(was1.port)
    try:
        sleep_until(load, at + dur)
    finally:
        if hole is not None:
            hole.stop()
    end = at + dur if fault in WINDOW_FAULTS else load.now()  # was1 comes back from here on
    if fault in ("kill", "blackhole"):
        was1.start()
    elif fault == "stop":
        was1.signal(signal.SIGCONT)
    wait_for(load, "was1", end, args)
    return {"at": at, "end": end, "sick": {"was1": (at, end)}, "recover": [("was1 back", "was1", end)],
            "alive": fault in ("stop", "slow", "slowjvm", "reset")}


def run_fault(contender, fault, args, testd, run_dir):
    p1, p2 = harness.free_port(), harness.free_port()
    was1, was2 = Backend(testd, "was1", p1, run_dir), Backend(testd, "was2", p2, run_dir)
    dur = args.blackhole_secs if fault == "blackhole" else args.fault_secs
    window = []
    if fault in WINDOW_FAULTS:
        # Armed now for later: the window opens FAULT_AT s after the load starts (below).
        window = WINDOW_FAULTS[fault] + ["--fault-after", str(int((LEAD + FAULT_AT) * 1000)),
                                         "--fault-for", str(int(dur * 1000))]
    was1.start(*window)
    was2.start()
    server = make_httpd(contender, seed_workers(p1, p2))
    load = None
    try:
        server.start()
        warm_up(server)
        if fault in WINDOW_FAULTS:
            wait = was1.started + LEAD - time.monotonic()
            if wait < 0:
                raise RuntimeError("httpd start and warm-up took longer than the fault window's lead")
            time.sleep(wait)
        # Two sessions on each node (distinct ids: ajp-testd counts per id), four clients without.
        cookies = ["s0.was1", "s1.was1", "s2.was2", "s3.was2", None, None, None, None][:THREADS]
        load = Load(server.port, "/app/x", cookies, args.think_ms / 1000.0, body=BODY)
        load.start()
        sleep_until(load, FAULT_AT)
        plan = inject(fault, load, server, was1, was2, dur, args)
        end, results = finish(load)
        row = summarise(results, plan, end, sum(load.resent))
        row["httpd_errors"] = log_problems(server)
        shutil.rmtree(server.dir, ignore_errors=True)  # kept (logs) only when the run failed
        return row
    finally:
        if load is not None and not load.done.is_set():
            load.stop()
        server.stop()
        was1.stop()
        was2.stop()
