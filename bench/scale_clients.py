"""Issue 15, axis 3: many keep-alive clients on one lb of two members, for ajpgate, Debian's
mod_jk and mod_proxy_ajp + mod_proxy_balancer, side by side in one run, with httpd serving the
same 100 B as a file (`static`) as the ceiling.

Each connector gets the -lb configuration of bench/contenders.py (lb over was1, was2 on two
ajp-testd with a fixed 100 B body; `GET /app/body`), but an event MPM sized for the largest
client count: --children x --threads workers, so that no child ever runs out of idle workers
(then the event MPM closes keep-alive connections and wrk counts read errors for every
contender, static included). Per round, client count N and connector (interleaved, the order
rotated each round), a fresh httpd:
- a warm-up wrk of --warm seconds with N connections (opens the backend connections), then
  `wrk -t2 -cN -dSECS --latency` with a done() script printing p50/p99/p99.9 and the error
  counts (connect, read, write, timeout, non-2xx/3xx), and how many keep-alive connections the
  MPM closed itself meanwhile (its trace1 line in error_log: those are read errors too);
- ESTABLISHED TCP connections to the two backend ports (`ss`), right after wrk ends and again
  --settle seconds later, against the bound the pools imply: children x pool size per member,
  the pool size being ThreadsPerChild by default for mod_jk, ajpgate and mod_proxy alike.

    python3 bench/scale_clients.py --build build/bench --run DIR --out F.json
        [--clients 16,256,1000] [--connectors ajpgate,modjk,proxy] [--secs 5] [--rounds 3]
        [--children 4] [--threads 512] [--warm 1] [--settle 2]
    python3 bench/scale_clients.py --report F.json     (the tables, as Markdown)
"""
import json
import os
import re
import resource
import statistics
import subprocess
import sys
import time
import urllib.request

import contenders as C
import measure as M
import procs as P
import scale_cli as CLI

CONNECTORS = ("ajpgate", "modjk", "proxy", "static")
SIZE = 100
FDS = 16384  # wrk holds 1,000 sockets, each ajp-testd up to children x threads, httpd more

# bench/contenders.py's COMMON with room for the largest client count. StartServers =
# ServerLimit and MaxSpareThreads = every thread: no child is started or reaped mid-run.
MPM = """ServerRoot {dir}
Listen 127.0.0.1:{port}
ListenBacklog 2048
PidFile {dir}/logs/httpd.pid
DefaultRuntimeDir {dir}/logs
ErrorLog {dir}/logs/error_log
# trace1 of the MPM: its message when it closes keep-alive connections itself (mpm_closed).
LogLevel warn mpm_event:trace1
ServerName localhost
User {user}
Group {group}
LoadModule mpm_event_module {mods}/mod_mpm_event.so
LoadModule authz_core_module {mods}/mod_authz_core.so
StartServers {children}
ServerLimit {children}
ThreadsPerChild {threads}
ThreadLimit {threads}
MaxRequestWorkers {workers}
MinSpareThreads {threads}
MaxSpareThreads {workers}
KeepAlive On
MaxKeepAliveRequests 0
DocumentRoot {dir}/htdocs
EnableMMAP Off
EnableSendfile On
<Directory />
  AllowOverride None
</Directory>
"""

# wrk's --latency stops at p99; done() runs once, over every thread's latencies (microseconds).
DONE_LUA = """done = function(summary, latency, requests)
  local e = summary.errors
  io.write(string.format("SCALE p50_us=%d p99_us=%d p999_us=%d requests=%d connect=%d read=%d write=%d timeout=%d status=%d\\n",
    latency:percentile(50), latency:percentile(99), latency:percentile(99.9), summary.requests,
    e.connect, e.read, e.write, e.timeout, e.status))
end
"""


def write_conf(connector, directory, port, ports, so, children, threads):
    user, group = C.run_user()
    os.makedirs(os.path.join(directory, "htdocs", "app"), exist_ok=True)
    os.makedirs(os.path.join(directory, "logs"), exist_ok=True)
    os.chmod(os.path.join(directory, "logs"), 0o777)  # the children (www-data) write the jk shm
    os.chmod(directory, 0o755)
    conf = MPM.format(dir=directory, port=port, user=user, group=group, mods=C.MODULES, children=children,
                      threads=threads, workers=children * threads)
    if connector == "ajpgate":
        conf += C.jk_lines(so, True, ports[0], ports[1], directory)
    elif connector == "modjk":
        conf += C.jk_lines(f"{C.MODULES}/mod_jk.so", True, ports[0], ports[1], directory)
    elif connector == "proxy":
        conf += C.proxy_lines(True, ports[0], ports[1])
    return C.save_conf(directory, conf, SIZE if connector == "static" else None)


def check_body(port):
    """A wrong answer at full speed would look like a fast connector: check one first."""
    with urllib.request.urlopen(M.url(port), timeout=30) as r:
        body = r.read()
        if r.status != 200 or body != C.static_body(SIZE):
            raise RuntimeError(f"port {port}: status {r.status}, {len(body)} B instead of the {SIZE} B body")


def backend_conns(ports):
    """{port: ESTABLISHED connections from httpd to it}: the peer column of httpd's own sockets."""
    flt = "( " + " or ".join(f"dport = :{p}" for p in ports) + " )"
    out = subprocess.run(["ss", "-Htn", "state", "established", flt], capture_output=True, text=True,
                         timeout=30).stdout
    counts = {p: 0 for p in ports}
    for line in out.splitlines():
        fields = line.split()
        if len(fields) >= 4:
            peer = int(fields[3].rsplit(":", 1)[1])
            if peer in counts:
                counts[peer] += 1
    return counts


def mpm_closed(log, offset):
    """Keep-alive connections the event MPM closed because every worker of a child was busy,
    from `offset` of its error_log on: wrk counts them as read errors, whatever the connector."""
    total = 0
    with open(log, errors="replace") as f:
        f.seek(offset)
        for line in f:
            m = re.search(r"will (?:close|shutdown) (\d+) keep-alive", line)
            total += int(m.group(1)) if m else 0
    return total


def wrk(port, clients, secs, script, path=None, timeout=None):
    """wrk -t2 with DONE_LUA's figures (p50/p99/p99.9, error kinds) parsed into the result;
    `timeout` (seconds) replaces wrk's 2 s limit on one request."""
    argv = ["wrk", "-t2", f"-c{clients}", f"-d{secs}s", "--latency", "-s", script,
            M.url(port, {"path": path} if path else None)] + ([f"--timeout={timeout}s"] if timeout else [])
    done = subprocess.run(argv, capture_output=True, text=True, timeout=secs + 120)
    out = M.parse_wrk(done.stdout)
    out["raw"] = done.stdout + done.stderr
    for line in done.stdout.splitlines():
        if line.startswith("SCALE "):
            for pair in line.split()[1:]:
                key, value = pair.split("=")
                out[key] = int(value)
    return out


def measure(connector, conf, port, ports, clients, args, script):
    """One fresh httpd, one N: the figures of one cell of one round."""
    procs = P.Procs(args.run)
    proc = P.start_httpd(procs, conf, port, timeout=60)
    try:
        check_body(port)
        if args.warm:
            wrk(port, clients, args.warm, script)
        log = os.path.join(os.path.dirname(conf), "logs", "error_log")
        offset = os.path.getsize(log)
        got = wrk(port, clients, args.secs, script)
        row = {"connector": connector, "clients": clients, "rps": got["rps"], "mpm_closed": mpm_closed(log, offset)}
        for key in ("p50_us", "p99_us", "p999_us"):
            row[key.replace("_us", "_ms")] = got[key] / 1000 if key in got else None
        kinds = ("connect", "read", "write", "timeout", "status")
        row["errors"] = {k: got.get(k) for k in kinds}
        if any(v is None for v in row["errors"].values()):
            row["raw"] = got["raw"]  # the done() line is missing: keep what wrk said
        if connector != "static":
            row["backend_end"] = backend_conns(ports)
            time.sleep(args.settle)
            row["backend_settled"] = backend_conns(ports)
    finally:
        procs.stop(proc, timeout=60)
    return row


def med(values, digits=0):
    values = [v for v in values if v is not None]
    if not values:
        return "—"
    m = statistics.median(values)
    if len(values) == 1:
        return f"{m:,.{digits}f}"
    return f"{m:,.{digits}f} ({min(values):,.{digits}f}–{max(values):,.{digits}f})"


def report(result):
    """Medians (min–max) over the rounds per connector and N; errors summed; connections at most."""
    meta = result["meta"]
    bound = meta["children"] * meta["threads"]
    lines = [f"{meta['rounds']} rounds of wrk -t2 -dSECS with SECS = {meta['secs']} (after {meta['warm']} s warm-up), "
             f"event MPM {meta['children']} children x {meta['threads']} threads, lb of 2 members, GET 100 B. "
             f"Pool bound: {meta['children']} x {meta['threads']} = {bound:,} connections per member, "
             f"{2 * bound:,} for both.", "",
             "| connector | clients | req/s | p50 ms | p99 ms | p99.9 ms | errors | backend conns at end | 2 s later |",
             "|---|---:|---:|---:|---:|---:|---:|---:|---:|"]
    rows = result["rows"]
    clients = sorted({r["clients"] for r in rows})
    order = [c for c in CONNECTORS if any(r["connector"] == c for r in rows)]
    for conn in order:
        for n in clients:
            cell = [r for r in rows if r["connector"] == conn and r["clients"] == n]
            if not cell:
                continue
            errs = [sum(v or 0 for v in r["errors"].values()) for r in cell]
            kinds = {k: sum(r["errors"].get(k) or 0 for r in cell) for k in cell[0]["errors"]}
            detail = ", ".join(f"{k} {v}" for k, v in kinds.items() if v)
            closed = sum(r.get("mpm_closed") or 0 for r in cell)
            detail += f"; MPM closed {closed} keep-alive" if closed else ""
            conns = ["—", "—"]
            if conn != "static":
                conns = [" / ".join(str(max(r[key][p] for r in cell)) for p in cell[0][key])
                         for key in ("backend_end", "backend_settled")]
            lines.append(f"| {conn} | {n:,} | {med([r['rps'] for r in cell])} | {med([r['p50_ms'] for r in cell], 2)} | "
                         f"{med([r['p99_ms'] for r in cell], 2)} | {med([r['p999_ms'] for r in cell], 2)} | "
                         f"{sum(errs)}{f' ({detail})' if detail else ''} | {conns[0]} | {conns[1]} |")
    lines += ["", "Errors: summed over the rounds. MPM closed: keep-alive connections the event MPM closed itself "
              "because a child had no idle worker (its trace1 log; wrk counts a read error when a request was "
              "already on its way). Backend connections: the most seen over the rounds, was1 / was2."]
    if len(clients) < 2:
        return "\n".join(lines) + "\n"
    lines += ["",
              f"| connector | req/s {clients[-1]:,} / {clients[0]:,} clients (ratio of medians) | per round |",
              "|---|---:|---:|"]
    for conn in order:
        def by_round(n):
            return {r["round"]: r["rps"] for r in rows if r["connector"] == conn and r["clients"] == n and r["rps"]}
        low, high = by_round(clients[0]), by_round(clients[-1])
        if not low or not high:
            continue
        ratio = statistics.median(high.values()) / statistics.median(low.values())
        per = [high[k] / low[k] for k in low if k in high]
        lines.append(f"| {conn} | {ratio:.2f} | {med(per, 2)} |")
    return "\n".join(lines) + "\n"


def options():
    ap = CLI.parser(("ajpgate", "modjk", "proxy"))
    ap.add_argument("--clients", default="16,256,1000")
    ap.add_argument("--secs", type=int, default=5)
    ap.add_argument("--rounds", type=int, default=3)
    ap.add_argument("--children", type=int, default=4)
    ap.add_argument("--threads", type=int, default=512)
    ap.add_argument("--warm", type=int, default=1, help="seconds of wrk before the measured one (0: none)")
    ap.add_argument("--settle", type=float, default=2.0, help="seconds between the two backend counts")
    return CLI.parse(ap)


def raise_fd_limit():
    """Children inherit it: wrk, both ajp-testd and httpd."""
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    want = FDS if hard == resource.RLIM_INFINITY else min(FDS, hard)
    if soft != resource.RLIM_INFINITY and soft < want:
        resource.setrlimit(resource.RLIMIT_NOFILE, (want, hard))
    return resource.getrlimit(resource.RLIMIT_NOFILE)[0]


def main():
    if CLI.report_requested(report):
        return 0
    args = options()
    os.makedirs(args.run, exist_ok=True)
    fds = raise_fd_limit()
    clients = [int(x) for x in args.clients.split(",")]
    connectors = [c for c in args.connectors.split(",") if c] + ["static"]
    result = {"meta": {"date": time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime()), "secs": args.secs,
                       "rounds": args.rounds, "warm": args.warm, "settle": args.settle, "children": args.children,
                       "threads": args.threads, "size": SIZE, "cpus": os.cpu_count(), "nofile": fds}, "rows": []}
    script = os.path.join(args.run, "done.lua")
    with open(script, "w") as f:
        f.write(DONE_LUA)
    procs = P.Procs(args.run)
    so = os.path.join(args.build, "modules", ".libs", "mod_jk.so")
    try:
        ports = P.start_backends(procs, os.path.join(args.build, "tools", "ajp-testd"), args.run, SIZE)
        confs = {}
        for conn in connectors:
            port = P.free_port()
            confs[conn] = (write_conf(conn, os.path.join(args.run, conn), port, ports, so, args.children,
                                      args.threads), port)
        for rnd in range(args.rounds):
            # The order rotates so that no connector always runs first (or right after static).
            turn = connectors[rnd % len(connectors):] + connectors[:rnd % len(connectors)]
            for n in clients:
                for conn in turn:
                    row = measure(conn, *confs[conn], ports, n, args, script)
                    row["round"] = rnd
                    CLI.add_row(result, args, row)
    finally:
        procs.stop_all()
        CLI.save(result, args.out)
    return 0


if __name__ == "__main__":
    sys.exit(main())
