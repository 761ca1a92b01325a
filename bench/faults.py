"""What an operator sees when one backend misbehaves under load: ajpgate's lb against Debian's
mod_jk lb, each in the same httpd (event MPM) with the seed's workers.properties (an lb
`loadbalancer` over was1 and was2, ajp13, lbfactor 1, every other property at its default).

    python3 bench/faults.py [--build build/bench] [--faults kill,stop,...] [--contenders ajpgate,modjk]
                            [--json FILE] [--md FILE] [--tomcat | --tomcat-only]

Per contender and fault: two ajp-testd backends (was1, was2; a 2-byte body and an X-Backend
header naming the one that answered), a fresh httpd, then 8 keep-alive client threads for
about 12 s (4 carry JSESSIONID=xxx.was1 or xxx.was2, so they are sticky; each request has a
30 s timeout, pause --think-ms between requests). At t=3 s was1 misbehaves:

    kill      kill -9 of was1; restarted on the same port after --fault-secs (10 s)
    stop      SIGSTOP of was1 for --fault-secs, then SIGCONT
    blackhole was1 killed and replaced by a listener that accepts and never answers, for
              --blackhole-secs (35 s: longer than the clients' timeout), then was1 again
    slow      was1 answers every request 3 s late for --fault-secs (CPONG prompt)
    slowjvm   was1 answers requests and CPINGs 3 s late for --fault-secs
    graceful  `apache2 -k graceful` (SIGUSR1 to httpd's parent) at t=3 s; no backend fault

slow and slowjvm are ajp-testd's own fault window (--fault-after/--fault-for, set when it
starts): no restart, no connection closed, the JVM just turns slow and recovers.

After the fault ends the load goes on until was1 answers a request sent after the end (that
delay is the "was1 back" column), at most --recover-max seconds, and at least until t=12 s.
Errors: a non-2xx answer or a socket error/timeout (latency then counts up to the failure; a
timeout is 30 s). A request that fails on a reused keep-alive connection before any answer
is sent once more on a new connection, as browsers do (counted as `resent`, not an error).

--tomcat: two real Tomcat 10 nodes in a session cluster (tests/integration/tomcat_cluster.py),
4 client threads with sessions, SIGSTOP of one node's JVM (its process group) for 15 s.

Prints a markdown table and writes JSON (--json, default bench/results/faults-<date>.json).
"""
import argparse
import datetime
import http.client
import json
import os
import platform
import shutil
import signal
import socket
import subprocess
import sys
import threading
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, os.path.join(ROOT, "tests", "integration"))

import harness  # noqa: E402
from httpd import Httpd  # noqa: E402
from modjk import MOD_JK, ModJkHttpd  # noqa: E402

FAULTS = ["kill", "stop", "blackhole", "slow", "slowjvm", "graceful"]
TITLES = {
    "kill": "kill -9 of was1 ({d} s, then restarted)",
    "stop": "SIGSTOP of was1 for {d} s",
    "blackhole": "was1 accepts, never answers ({d} s)",
    "slow": "was1 answers 3 s late for {d} s",
    "slowjvm": "was1 answers and CPONGs 3 s late for {d} s",
    "graceful": "graceful restart of httpd",
}
CONTENDERS = ["ajpgate", "modjk"]
FAULT_AT = 3.0          # seconds after the load starts
MIN_RUN = 12.0          # the load runs at least this long
SLOW_MS = 3000          # the slow faults' delay
CLIENT_TIMEOUT = 30.0   # per request
THREADS = 8
BODY = b"ab"  # ajp-testd's fixed body: 'a'..'z' repeating

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
    """One ajp-testd on a fixed port (kept across restarts, as the lb knows it)."""

    def __init__(self, testd, name, port, run_dir):
        self.testd, self.name, self.port, self.dir = testd, name, port, run_dir
        self.process = None
        self.started = None  # time.monotonic() when it was listening

    def start(self, *extra):
        ready = os.path.join(self.dir, f"{self.name}.ready")
        if os.path.exists(ready):
            os.unlink(ready)
        argv = [self.testd, "--port", str(self.port), "--ready-file", ready, "--quiet", "--size", str(len(BODY)),
                "--header", f"X-Backend:{self.name}"] + list(extra)
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


class Load:
    """THREADS keep-alive clients; each request is (thread, start, end, status, backend, error),
    times relative to t0."""

    def __init__(self, port, path, cookies, think, timeout=CLIENT_TIMEOUT, node_header="X-Backend"):
        self.port, self.path, self.cookies, self.think, self.timeout = port, path, cookies, think, timeout
        self.node_header = node_header
        self.done = threading.Event()
        self.results = [[] for _ in cookies]
        self.resent = [0] * len(cookies)
        self.t0 = None

    def start(self):
        self.t0 = time.monotonic()
        self.threads = [threading.Thread(target=self._client, args=(i,), daemon=True) for i in range(len(self.cookies))]
        for t in self.threads:
            t.start()

    def now(self):
        return time.monotonic() - self.t0

    def stop(self):
        self.done.set()
        for t in self.threads:
            t.join(self.timeout + 5)
        return [r for rs in self.results for r in rs]

    @staticmethod
    def _rebound(resp, cookie):
        """A browser keeps the session id the server sets (Tomcat rebinds it to the node
        that took the session over after a failover)."""
        for value in resp.headers.get_all("Set-Cookie") or []:
            if value.startswith("JSESSIONID="):
                return value.split(";", 1)[0][len("JSESSIONID="):]
        return cookie

    def _client(self, index):
        cookie = self.cookies[index]
        headers = {"Cookie": "JSESSIONID=" + cookie} if cookie else {}
        conn = None
        hard_stop = time.monotonic() + 3600  # bounded whatever happens
        while not self.done.is_set() and time.monotonic() < hard_stop:
            start = time.monotonic()
            status, node, error = 0, None, None
            for attempt in (0, 1):
                reused = conn is not None
                if conn is None:
                    conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=self.timeout)
                try:
                    conn.request("GET", self.path, headers=headers)
                    resp = conn.getresponse()
                    resp.read()
                    status, node, error = resp.status, resp.getheader(self.node_header), None
                    cookie = self._rebound(resp, cookie)
                    headers = {"Cookie": "JSESSIONID=" + cookie} if cookie else {}
                    if resp.will_close:
                        conn.close()
                        conn = None
                    break
                except (http.client.HTTPException, OSError) as e:
                    conn.close()
                    conn = None
                    stale = isinstance(e, (http.client.RemoteDisconnected, ConnectionResetError, BrokenPipeError))
                    if attempt == 0 and reused and stale:
                        self.resent[index] += 1  # a keep-alive connection the server had closed
                        continue
                    status, error = 0, "timeout" if isinstance(e, socket.timeout) else type(e).__name__
                    break
            end = time.monotonic()
            self.results[index].append((index, start - self.t0, end - self.t0, status, node, error))
            self.done.wait(self.think)
        if conn is not None:
            conn.close()


def percentile(values, p):
    if not values:
        return None
    values = sorted(values)
    return values[min(len(values) - 1, int(round(p / 100.0 * (len(values) - 1))))]


def summarise(results, fault_at, fault_end, end, resent, node="was1", alive=False, sticky=(0, 1)):
    """The row of one run; fault_end None when the fault has no end (then no recovery).
    alive: the node still exists during the fault (stopped or slow, not killed), so it may
    answer late what it was sent. sticky: the client threads whose session is on `node`."""
    errors = [r for r in results if r[5] or not 200 <= r[3] < 300]
    # "During": requests sent from the fault's start to its end (to the end of the run when
    # it has none); "after": from its start to the end of the run, recovery included.
    until = fault_end if fault_end is not None else end
    during = [r[2] - r[1] for r in results if fault_at <= r[1] < until]
    during_sticky = [r[2] - r[1] for r in results if fault_at <= r[1] < until and r[0] in sticky]
    after = [r[2] - r[1] for r in results if r[1] >= fault_at]
    latencies = [r[2] - r[1] for r in results]
    worst = max(results, key=lambda r: r[2] - r[1]) if results else None
    back = kept = None
    if fault_end is not None:
        def ok_from(r):
            return r[4] == node and not r[5] and 200 <= r[3] < 300
        # Still answering (however late) requests sent in the fault's last 2 s: the lb kept it.
        kept = alive and any(ok_from(r) and fault_end - 2.0 <= r[1] < fault_end for r in results)
        served = [r[2] for r in results if r[1] >= fault_end and ok_from(r)]
        back = round(min(served) - fault_end, 2) if served else None
    per_second = {}
    for r in results:
        s = per_second.setdefault(int(r[1]), {"requests": 0, "errors": 0, "by_node": {}, "max_latency": 0.0})
        s["requests"] += 1
        s["max_latency"] = round(max(s["max_latency"], r[2] - r[1]), 3)
        if r[5] or not 200 <= r[3] < 300:
            s["errors"] += 1
        elif r[4]:
            s["by_node"][r[4]] = s["by_node"].get(r[4], 0) + 1
    return {
        "requests": len(results),
        "errors": len(errors),
        "timeouts": sum(1 for r in errors if r[5] == "timeout"),
        "error_kinds": sorted({r[5] or f"status {r[3]}" for r in errors}),
        "resent": resent,
        "max_latency": round(max(latencies), 3) if latencies else None,
        "max_latency_started_at": round(worst[1], 2) if worst else None,
        "p50_during": round(percentile(during, 50), 4) if during else None,
        "p99_during": round(percentile(during, 99), 4) if during else None,
        "p50_during_sticky": round(percentile(during_sticky, 50), 4) if during_sticky else None,
        "p99_during_sticky": round(percentile(during_sticky, 99), 4) if during_sticky else None,
        "p50_after": round(percentile(after, 50), 4) if after else None,
        "p99_after": round(percentile(after, 99), 4) if after else None,
        "fault_at": round(fault_at, 2),
        "fault_end": round(fault_end, 2) if fault_end is not None else None,
        "node_back_after": back,
        "node_kept": kept,
        "run_secs": round(end, 1),
        "per_second": per_second,
    }


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


def wait_for_was1(load, fault_end, args):
    """Until was1 serves a request sent after the fault ended (bounded), then a little more."""
    deadline = fault_end + args.recover_max
    while load.now() < deadline:
        if any(r[1] >= fault_end and r[4] == "was1" for rs in load.results for r in list(rs)):
            break
        time.sleep(0.1)
    time.sleep(1.0)


def finish(load):
    """Runs the load to its minimum length, stops it: (end time, results)."""
    time.sleep(max(0.0, MIN_RUN - load.now()))
    end = load.now()
    return end, load.stop()


def run_fault(contender, fault, args, testd, run_dir):
    p1, p2 = harness.free_port(), harness.free_port()
    was1, was2 = Backend(testd, "was1", p1, run_dir), Backend(testd, "was2", p2, run_dir)
    dur = args.blackhole_secs if fault == "blackhole" else args.fault_secs
    lead = 2.0  # httpd start + warm-up happen within this after the backends start
    window = []
    if fault in ("slow", "slowjvm"):
        # Armed now for later: the window opens FAULT_AT s after the load starts (below).
        window = ["--delay", str(SLOW_MS), "--fault-after", str(int((lead + FAULT_AT) * 1000)),
                  "--fault-for", str(int(dur * 1000))]
        if fault == "slowjvm":
            window += ["--cpong-delay", str(SLOW_MS)]
    was1.start(*window)
    was2.start()
    server = make_httpd(contender, seed_workers(p1, p2))
    hole = None
    load = None
    try:
        server.start()
        warm_up(server)
        if fault in ("slow", "slowjvm"):
            wait = was1.started + lead - time.monotonic()
            if wait < 0:
                raise RuntimeError("httpd start and warm-up took longer than the slow fault's lead")
            time.sleep(wait)
        cookies = ["xxx.was1", "xxx.was1", "xxx.was2", "xxx.was2", None, None, None, None][:THREADS]
        load = Load(server.port, "/app/x", cookies, args.think_ms / 1000.0)
        load.start()
        time.sleep(max(0.0, FAULT_AT - load.now()))
        fault_at = load.now()
        fault_end = None
        if fault == "kill":
            was1.kill()
        elif fault == "stop":
            was1.signal(signal.SIGSTOP)
        elif fault == "blackhole":
            was1.kill()
            hole = BlackHole(p1)
        elif fault in ("slow", "slowjvm"):
            fault_at = was1.started + lead + FAULT_AT - load.t0  # when ajp-testd's window opens
        elif fault == "graceful":
            os.kill(server.process.proc.pid, signal.SIGUSR1)
        if fault != "graceful":
            if fault in ("slow", "slowjvm"):
                fault_end = fault_at + dur
            time.sleep(max(0.0, fault_at + dur - load.now()))
            if fault_end is None:
                fault_end = load.now()  # was1 comes back from here on
            if fault == "kill":
                was1.start()
            elif fault == "stop":
                was1.signal(signal.SIGCONT)
            elif fault == "blackhole":
                hole.stop()
                hole = None
                was1.start()
            wait_for_was1(load, fault_end, args)
        end, results = finish(load)
        row = summarise(results, fault_at, fault_end, end, sum(load.resent), alive=fault in ("stop", "slow", "slowjvm"))
        row["httpd_errors"] = log_problems(server)
        shutil.rmtree(server.dir, ignore_errors=True)  # kept (logs) only when the run failed
        return row
    finally:
        if load is not None and not load.done.is_set():
            load.stop()
        if hole is not None:
            hole.stop()
        server.stop()
        was1.stop()
        was2.stop()


def log_problems(server):
    """httpd error-log lines at level error or worse, and child crashes (first 10 kept)."""
    lines = [line.strip() for line in server.error_log().splitlines()
             if any(k in line for k in (":error]", ":crit]", ":alert]", ":emerg]", "exit signal"))]
    return {"count": len(lines), "first": lines[:10]}


# --- the Tomcat variant ------------------------------------------------------------------

TOMCAT_STOP_SECS = 15.0


def tomcat_sessions(server, want=2, tries=40):
    """Session ids (JSESSIONID values), `want` on each node, made through httpd's lb."""
    by_node = {"was1": [], "was2": []}
    for _ in range(tries):
        status, headers, _ = server.get("/app/counter.jsp", timeout=20)
        node = headers.get("X-Node")
        cookie = next((c.split(";", 1)[0][len("JSESSIONID="):] for c in headers.get_all("Set-Cookie") or []
                       if c.startswith("JSESSIONID=")), None)
        if status == 200 and cookie and node in by_node and len(by_node[node]) < want:
            by_node[node].append(cookie)
        if all(len(v) == want for v in by_node.values()):
            return by_node["was1"] + by_node["was2"]
    raise RuntimeError(f"could not make {want} sessions on each node: {by_node}")


def tomcat_ready(cluster):
    return all(harness.port_open(n.http_port) and harness.port_open(n.ajp_port) for n in cluster.nodes.values())


def run_tomcat(contender, cluster, args):
    from tomcat_cluster import lb_workers
    harness.wait_until(lambda: tomcat_ready(cluster), 120, 0.5, what="both Tomcat nodes")
    server = make_httpd(contender, lb_workers(cluster))
    node = cluster["was1"]
    load = None
    stopped = False
    try:
        server.start()
        cookies = tomcat_sessions(server)
        load = Load(server.port, "/app/counter.jsp", cookies, args.think_ms / 1000.0, node_header="X-Node")
        load.start()
        time.sleep(max(0.0, FAULT_AT - load.now()))
        fault_at = load.now()
        os.killpg(node.process.proc.pid, signal.SIGSTOP)  # catalina.sh and its JVM
        stopped = True
        time.sleep(max(0.0, fault_at + TOMCAT_STOP_SECS - load.now()))
        os.killpg(node.process.proc.pid, signal.SIGCONT)
        stopped = False
        fault_end = load.now()
        wait_for_was1(load, fault_end, args)
        end, results = finish(load)
        row = summarise(results, fault_at, fault_end, end, sum(load.resent), alive=True)
        row["httpd_errors"] = log_problems(server)
        shutil.rmtree(server.dir, ignore_errors=True)
        return row
    finally:
        if stopped:
            os.killpg(node.process.proc.pid, signal.SIGCONT)
        if load is not None and not load.done.is_set():
            load.stop()
        server.stop()


# --- report ---------------------------------------------------------------------------------

def secs(value):
    if value is None:
        return "-"
    return f"{value:.2f} s" if value >= 0.1 else f"{value * 1000:.1f} ms"


def table(rows, titles, back_label="was1 back after", rounds=1):
    out = ["| fault | contender | requests | errors | of which timeouts (30 s) | max latency | p50 / p99 during fault | "
           f"p50 / p99 during fault, was1's sessions | {back_label} |",
           "|---|---|---:|---:|---:|---:|---:|---:|---:|"]
    for row in rows:
        r = row["result"]
        if "error" in r:
            out.append(f"| {titles[row['fault']]} | {row['contender']} | run failed: {r['error']} |||||||")
            continue
        contender = row["contender"] + (f" #{row['round']}" if rounds > 1 else "")
        if r["fault_end"] is None:
            back = "n/a"
        elif r["node_kept"]:
            back = "never left"
        elif r["node_back_after"] is None:
            back = f"not within {row['recover_max']:.0f} s"
        else:
            back = secs(r["node_back_after"])
        out.append(f"| {titles[row['fault']]} | {contender} | {r['requests']} | {r['errors']} | {r['timeouts']} | "
                   f"{secs(r['max_latency'])} | {secs(r['p50_during'])} / {secs(r['p99_during'])} | "
                   f"{secs(r['p50_during_sticky'])} / {secs(r['p99_during_sticky'])} | {back} |")
    return "\n".join(out)


def git_commit():
    try:
        return subprocess.run(["git", "-C", ROOT, "rev-parse", "--short", "HEAD"], capture_output=True, text=True,
                              timeout=10).stdout.strip()
    except (OSError, subprocess.SubprocessError):
        return "?"


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--build", default=os.path.join(ROOT, "build", "bench"),
                    help="ajpgate build tree (modules/.libs/mod_jk.so, tools/ajp-testd)")
    ap.add_argument("--faults", default=",".join(FAULTS), help="comma-separated subset of " + ",".join(FAULTS))
    ap.add_argument("--contenders", default=",".join(CONTENDERS))
    ap.add_argument("--fault-secs", type=float, default=10.0, help="kill/stop/slow/slowjvm duration")
    ap.add_argument("--blackhole-secs", type=float, default=35.0)
    ap.add_argument("--recover-max", type=float, default=130.0,
                    help="after the fault ends, wait at most this long for was1 to take traffic again")
    ap.add_argument("--think-ms", type=float, default=20.0, help="pause between a client's requests")
    ap.add_argument("--rounds", type=int, default=1, help="runs per fault and contender (one row each)")
    ap.add_argument("--tomcat", action="store_true", help="also the real Tomcat cluster variant")
    ap.add_argument("--tomcat-only", action="store_true", help="only the real Tomcat cluster variant")
    ap.add_argument("--json", help="default bench/results/faults-<date>.json")
    ap.add_argument("--md", help="default bench/results/faults-<date>.md")
    args = ap.parse_args()

    args.build = os.path.abspath(args.build)
    os.environ["AJPGATE_BUILD"] = args.build  # httpd.py loads ajpgate's mod_jk.so from there
    testd = os.path.join(args.build, "tools", "ajp-testd")
    so = os.path.join(args.build, "modules", ".libs", "mod_jk.so")
    for path in (testd, so, MOD_JK):
        if not os.path.exists(path):
            sys.exit(f"faults: {path} is missing (build: see bench/README.md)")
    if "asan" in subprocess.run(["ldd", so], capture_output=True, text=True).stdout:
        sys.exit(f"faults: {so} is a sanitizer build; measure an optimised one")
    date = datetime.date.today().isoformat()
    json_path = args.json or os.path.join(ROOT, "bench", "results", f"faults-{date}.json")
    md_path = args.md or os.path.join(ROOT, "bench", "results", f"faults-{date}.md")
    faults = [f for f in args.faults.split(",") if f] if not args.tomcat_only else []
    contenders = [c for c in args.contenders.split(",") if c]
    for f in faults:
        if f not in FAULTS:
            sys.exit(f"faults: unknown fault {f}")
    titles = {f: t.format(d=f"{args.blackhole_secs if f == 'blackhole' else args.fault_secs:g}")
              for f, t in TITLES.items()}
    run_dir = harness.scratch_dir("faults")
    started = time.monotonic()
    rows = []
    for fault in faults:
        for round_no in range(1, args.rounds + 1):
            for contender in contenders:  # interleaved: the machine's state drifts alike for both
                t = time.monotonic()
                print(f"faults: {fault} / {contender} (round {round_no}) ...", file=sys.stderr, flush=True)
                try:
                    result = run_fault(contender, fault, args, testd, run_dir)
                except Exception as e:  # noqa: BLE001 - one broken run must not lose the others
                    result = {"error": f"{type(e).__name__}: {e}"}
                print(f"faults: {fault} / {contender} took {time.monotonic() - t:.0f} s", file=sys.stderr, flush=True)
                rows.append({"fault": fault, "contender": contender, "round": round_no,
                             "recover_max": args.recover_max, "result": result})

    tomcat_rows = []
    if args.tomcat or args.tomcat_only:
        from tomcat import tomcat_available
        from tomcat_cluster import Cluster
        if not tomcat_available():
            sys.exit("faults: Tomcat 10 is not installed (/usr/share/tomcat10)")
        cluster = Cluster(send_options=8)  # the seed's channelSendOptions (asynchronous)
        try:
            print("faults: starting the Tomcat cluster ...", file=sys.stderr, flush=True)
            cluster.start("was1", timeout=120)
            cluster.start("was2", timeout=120)
            for contender in contenders:
                t = time.monotonic()
                print(f"faults: tomcat / {contender} ...", file=sys.stderr, flush=True)
                try:
                    result = run_tomcat(contender, cluster, args)
                except Exception as e:  # noqa: BLE001
                    result = {"error": f"{type(e).__name__}: {e}"}
                print(f"faults: tomcat / {contender} took {time.monotonic() - t:.0f} s", file=sys.stderr, flush=True)
                tomcat_rows.append({"fault": "tomcat", "contender": contender, "recover_max": args.recover_max,
                                    "result": result})
        finally:
            cluster.stop()

    took = time.monotonic() - started
    meta = {"date": date, "commit": git_commit(), "machine": platform.machine(), "cpus": os.cpu_count(),
            "load_average_at_end": os.getloadavg(), "took_secs": round(took),
            "settings": {"threads": THREADS, "sticky_threads": 4, "fault_at": FAULT_AT, "min_run": MIN_RUN,
                         "fault_secs": args.fault_secs, "blackhole_secs": args.blackhole_secs,
                         "slow_ms": SLOW_MS, "client_timeout": CLIENT_TIMEOUT, "think_ms": args.think_ms,
                         "recover_max": args.recover_max, "rounds": args.rounds,
                         "tomcat_stop_secs": TOMCAT_STOP_SECS}}
    text = ""
    if rows:
        text += table(rows, titles, rounds=args.rounds) + "\n"
    if tomcat_rows:
        text += "\n" + table(tomcat_rows, {"tomcat": f"Tomcat cluster: SIGSTOP of was1's JVM for {TOMCAT_STOP_SECS:g} s"})
        text += "\n"
    print(text, end="")
    os.makedirs(os.path.dirname(json_path), exist_ok=True)
    with open(json_path, "w") as f:
        json.dump({"meta": meta, "faults": rows, "tomcat": tomcat_rows}, f, indent=1)
    command = " ".join(["python3", "bench/faults.py"] + sys.argv[1:])
    with open(md_path, "w") as f:
        f.write(f"# Faults under load: ajpgate lb vs mod_jk lb ({date}, commit {meta['commit']})\n\n"
                f"`{command}` (bench/README.md, \"Faults under load\"); {os.cpu_count()} CPUs, "
                f"load average at the end {meta['load_average_at_end'][0]:.1f}; took {took / 60:.1f} min. "
                f"Raw figures with a per-second timeline: [{os.path.basename(json_path)}]({os.path.basename(json_path)}).\n\n"
                + text)
    print(f"faults: wrote {md_path} and {json_path} ({took / 60:.1f} min)", file=sys.stderr)
    failed = [r for r in rows + tomcat_rows if "error" in r["result"]]
    if failed:
        print(f"faults: {len(failed)} run(s) failed; backend logs kept in {run_dir}", file=sys.stderr)
    else:
        shutil.rmtree(run_dir, ignore_errors=True)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
