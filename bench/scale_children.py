"""Issue 15, axis 4: many httpd children, each with its own connection pool, for ajpgate, Debian's
mod_jk and mod_proxy_ajp + mod_proxy_balancer, in one run.

Part 1, layouts (lb of two ajp-testd, GET 100 B, wrk -c64 for --secs seconds per round): event
1 x 80, 4 x 80 and 16 x 80, and prefork 64. Every child has more threads than wrk has
connections, so the MPM never closes keep-alive connections itself. Figures: req/s, p99,
errors, and the backend connections httpd holds at the end, against the pools' bound
(processes x pool size per member; the pool is ThreadsPerChild, 1 under prefork).

Part 2, exhaustion (two real Tomcat 10 nodes with `maxThreads="50"` on the AJP connector; event
4 x 64, so children x pool = 256 connections per member): wrk -c128 --timeout 30s on
/app/slow.jsp?ms=100, with the node's default connection limit (requests queue for a thread)
and with `maxConnections="50" acceptCount="10"` (a node that stops accepting). Figures: req/s,
p50/p99, errors by kind, backend connections, and how often the lb put a member in error (the
members' `errors` in the status worker for ajpgate and mod_jk; for mod_proxy its AH00940 lines
and balancer-manager), the requests still in flight 15 s after the run (`busy`; Busy), and,
from httpd's access log read 15 s after wrk ends, every request httpd finished (wrk's
percentiles leave out those still waiting when it stops). `ajpgate-cap`
is ajpgate with busy_limit=50 (the node's maxThreads) and the lb waiting up to 3 s for a place
(retries=300 x retry_interval=10).

    python3 bench/scale_children.py --build build/bench --run DIR --out F.json
        [--connectors ajpgate,modjk,proxy] [--parts layouts,exhaustion] [--secs 5] [--rounds 2]
    python3 bench/scale_children.py --report F.json
"""
import os
import re
import statistics
import sys
import time
import urllib.request

import contenders as C
import procs as P
import scale_cli as CLI
import scale_clients as SC

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "tests", "integration"))

SIZE = 100
LAYOUTS = (("event", 1, 80), ("event", 4, 80), ("event", 16, 80), ("prefork", 64, 1))
TOMCAT_THREADS = 50
LIMITS = {"queue": f'maxThreads="{TOMCAT_THREADS}"',
          "refuse": f'maxThreads="{TOMCAT_THREADS}" maxConnections="{TOMCAT_THREADS}" acceptCount="10"'}
EXHAUST = {"children": 4, "threads": 64, "clients": 128, "path": "/app/slow.jsp?ms=100", "timeout": 30, "settle": 15}
# Every request's time as httpd saw it, answered or abandoned by wrk at its end: wrk's own
# percentiles leave out the requests still waiting when it stops.
ACCESS_LOG = 'LogFormat "%D %>s" took\nCustomLog logs/access_log took\n'
CAP = (f"worker.was1.busy_limit={TOMCAT_THREADS}\nworker.was2.busy_limit={TOMCAT_THREADS}\n"
       "worker.lb.retries=300\nworker.lb.retry_interval=10\n")

PREFORK = """LoadModule mpm_prefork_module {mods}/mod_mpm_prefork.so
LoadModule authz_core_module {mods}/mod_authz_core.so
StartServers {children}
ServerLimit {children}
MinSpareServers {children}
MaxSpareServers {children}
MaxRequestWorkers {children}
"""


def mpm_conf(directory, port, mpm, children, threads):
    """scale_clients' event block, or the same frame with a fixed set of prefork processes."""
    user, group = C.run_user()
    conf = SC.MPM.format(dir=directory, port=port, user=user, group=group, mods=C.MODULES, children=children,
                         threads=threads, workers=children * threads)
    if mpm == "prefork":
        conf = conf.replace(" mpm_event:trace1", "")
        conf = re.sub(r"LoadModule mpm_event_module .*\n(?:.*\n)*?MaxSpareThreads \d+\n",
                      PREFORK.format(mods=C.MODULES, children=children), conf)
    return conf


def write_conf(connector, directory, port, ports, so, layout, access_log=False):
    mpm, children, threads = layout
    for sub in ("logs", "htdocs"):
        os.makedirs(os.path.join(directory, sub), exist_ok=True)
    os.chmod(os.path.join(directory, "logs"), 0o777)  # the children (www-data) write the jk shm
    os.chmod(directory, 0o755)
    conf = mpm_conf(directory, port, mpm, children, threads) + (ACCESS_LOG if access_log else "")
    if connector.startswith("ajpgate") or connector == "modjk":
        so_path = so if connector.startswith("ajpgate") else f"{C.MODULES}/mod_jk.so"
        conf += C.jk_lines(so_path, True, ports[0], ports[1], directory) + "JkMount /jkstatus jkstatus\n"
        props_path = os.path.join(directory, "workers.properties")
        with open(props_path) as f:
            props = f.read().replace("worker.list=lb\n", "worker.list=lb,jkstatus\nworker.jkstatus.type=status\n")
        with open(props_path, "w") as f:
            f.write(props + (CAP if connector == "ajpgate-cap" else ""))
    elif connector == "proxy":
        conf += C.proxy_lines(True, ports[0], ports[1])
        conf += "<Location /balancer-manager>\n  SetHandler balancer-manager\n</Location>\n"
    return C.save_conf(directory, conf, SIZE if connector == "static" else None)


def lb_view(connector, port, directory):
    """The lb's own account after the run: how often it put a member in error (the members'
    `errors` in the status worker for ajpgate and mod_jk; mod_proxy's AH00940 lines plus members
    in error now) and how many requests its members still have in flight (`busy`; Busy in
    balancer-manager), which after the settle time are requests stuck on the backend."""
    if connector != "proxy":
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/jkstatus?cmd=list&mime=prop", timeout=30) as r:
            text = r.read().decode("utf-8", "replace")
        def total(key):
            return sum(int(m.group(1)) for m in re.finditer(rf"^worker\.was\d\.{key}=(\d+)", text, re.M))
        return {"member_errors": total("errors"), "in_flight": total("busy")}
    with urllib.request.urlopen(f"http://127.0.0.1:{port}/balancer-manager", timeout=30) as r:
        page = r.read().decode("utf-8", "replace")
    with open(os.path.join(directory, "logs", "error_log"), errors="replace") as f:
        disabled = sum(1 for line in f if "AH00940" in line)
    busy = 0
    for row in re.findall(r"<tr>(.*?)</tr>", page, re.S):
        cells = [re.sub(r"<[^>]+>", "", c).strip() for c in re.findall(r"<td>(.*?)</td>", row, re.S)]
        if cells and cells[0].startswith("ajp://") and len(cells) > 7 and cells[7].isdigit():
            busy += int(cells[7])  # Worker URL, Route, RouteRedir, Factor, Set, Status, Elected, Busy
    return {"member_errors": disabled + len(re.findall(r"<td>\s*Init\s+Err", page)), "in_flight": busy}


def server_side(directory):
    """From the access log: requests httpd finished, their p99 and longest time in ms, and how
    many took over 2 s."""
    with open(os.path.join(directory, "logs", "access_log")) as f:
        took = sorted(int(line.split()[0]) / 1000 for line in f if line.strip())
    if not took:
        return {"logged": 0}
    return {"logged": len(took), "p99_ms": took[int(0.99 * (len(took) - 1))], "max_ms": took[-1],
            "over_2s": sum(1 for t in took if t > 2000)}


def measure(connector, conf, port, ports, clients, secs, script, path=None, timeout=None, settle=0):
    procs = P.Procs(os.path.dirname(conf))
    proc = P.start_httpd(procs, conf, port, timeout=60)
    try:
        SC.wrk(port, clients, 1, script, path, timeout)  # opens the backend connections
        got = SC.wrk(port, clients, secs, script, path, timeout)
        row = {"connector": connector, "clients": clients, "rps": got["rps"]}
        for key in ("p50_us", "p99_us", "p999_us"):
            row[key.replace("_us", "_ms")] = got[key] / 1000 if key in got else None
        row["errors"] = {k: got.get(k) for k in ("connect", "read", "write", "timeout", "status")}
        row["backend_end"] = SC.backend_conns(ports)
        if connector != "static":
            row.update(lb_view(connector, port, os.path.dirname(conf)))
        if settle:
            time.sleep(settle)  # requests wrk left waiting finish (or not) and are logged
            row["after_settle"] = lb_view(connector, port, os.path.dirname(conf))
    finally:
        procs.stop(proc, timeout=60)
    row["child_crashes"] = child_crashes(os.path.dirname(conf))
    if settle:
        row["server"] = server_side(os.path.dirname(conf))
    return row


def child_crashes(directory):
    """Children that died of a signal (httpd's AH00052 line), shutdown included."""
    with open(os.path.join(directory, "logs", "error_log"), errors="replace") as f:
        return sum(1 for line in f if "AH00052" in line)


def run_layouts(result, args, script, connectors):
    procs = P.Procs(args.run)
    try:
        ports = P.start_backends(procs, os.path.join(args.build, "tools", "ajp-testd"), args.run, SIZE)
        so = os.path.join(args.build, "modules", ".libs", "mod_jk.so")
        for rnd in range(args.rounds):
            turn = connectors[rnd % len(connectors):] + connectors[:rnd % len(connectors)]
            for layout in LAYOUTS:
                for conn in turn:
                    directory = os.path.join(args.run, f"{conn}-{layout[0]}-{layout[1]}")
                    port = P.free_port()
                    conf = write_conf(conn, directory, port, ports, so, layout)
                    row = measure(conn, conf, port, ports, 64, args.secs, script)
                    row.update({"part": "layouts", "mpm": layout[0], "children": layout[1], "threads": layout[2],
                                "round": rnd})
                    CLI.add_row(result, args, row)
    finally:
        procs.stop_all()


def run_exhaustion(result, args, script, connectors):
    import tomcat
    so = os.path.join(args.build, "modules", ".libs", "mod_jk.so")
    layout = ("event", EXHAUST["children"], EXHAUST["threads"])
    for limit, attrs in LIMITS.items():
        nodes = [tomcat.TomcatNode(route, ajp_attrs=attrs) for route in ("was1", "was2")]
        try:
            for node in nodes:  # one at a time, as a cluster starts
                node.start()
            ports = [n.ajp_port for n in nodes]
            for conn in connectors + ["ajpgate-cap"] if "ajpgate" in connectors else connectors:
                directory = os.path.join(args.run, f"{conn}-tomcat-{limit}")
                port = P.free_port()
                conf = write_conf(conn, directory, port, ports, so, layout, access_log=True)
                row = measure(conn, conf, port, ports, EXHAUST["clients"], args.secs * 2, script, EXHAUST["path"],
                              EXHAUST["timeout"], EXHAUST["settle"])
                row.update({"part": "exhaustion", "limit": limit, "round": 0})
                CLI.add_row(result, args, row)
        finally:
            for node in nodes:
                node.stop()


def med(values, digits=0):
    values = [v for v in values if v is not None]
    return f"{statistics.median(values):,.{digits}f}" if values else "—"


def settled(row, key):
    """`key` at the end of wrk's run, and `settle` seconds later when it changed meanwhile."""
    now, later = row.get(key), (row.get("after_settle") or {}).get(key)
    return f"{now}" if later is None or later == now else f"{now} → {later}"


def server_text(server):
    if not server or not server.get("logged"):
        return "—"
    return (f"{server['logged']:,}, {server['p99_ms']:,.0f}, {server['max_ms']:,.0f}, "
            f"{server['over_2s']:,}")


def error_text(rows):
    kinds = {k: sum(r["errors"].get(k) or 0 for r in rows) for k in rows[0]["errors"]}
    total = sum(kinds.values())
    detail = ", ".join(f"{k} {v}" for k, v in kinds.items() if v)
    return f"{total}{f' ({detail})' if detail else ''}"


def report(result):
    rows = result["rows"]
    lines = []
    lay = [r for r in rows if r.get("part") == "layouts"]
    if lay:
        lines += [f"Layouts: lb of 2 ajp-testd, GET 100 B, wrk -t2 -c64, {result['meta']['secs']} s, "
                  f"median of {result['meta']['rounds']} rounds; the same 64 workers per layout.", "",
                  "| layout | connector | req/s | p99 ms | errors | backend conns (was1 / was2) | pool bound per member |",
                  "|---|---|---:|---:|---:|---:|---:|"]
        for mpm, children, threads in LAYOUTS:
            for conn in ("ajpgate", "modjk", "proxy"):
                cell = [r for r in lay if r["connector"] == conn and r["mpm"] == mpm and r["children"] == children]
                if not cell:
                    continue
                conns = " / ".join(str(max(r["backend_end"][p] for r in cell)) for p in cell[0]["backend_end"])
                lines.append(f"| {mpm} {children} x {threads} | {conn} | {med([r['rps'] for r in cell])} | "
                             f"{med([r['p99_ms'] for r in cell], 1)} | {error_text(cell)} | {conns} | "
                             f"{children * threads:,} |")
    ex = [r for r in rows if r.get("part") == "exhaustion"]
    if ex:
        lines += ["", f"Exhaustion: two Tomcat 10 nodes with maxThreads={TOMCAT_THREADS}, event "
                  f"{EXHAUST['children']} x {EXHAUST['threads']} (pools allow "
                  f"{EXHAUST['children'] * EXHAUST['threads']} connections per member), wrk -t2 "
                  f"-c{EXHAUST['clients']} on {EXHAUST['path']}, {result['meta']['secs'] * 2} s. "
                  "queue: the node's default maxConnections (requests queue for a thread); refuse: "
                  "maxConnections=50 acceptCount=10. ajpgate-cap: busy_limit=50, lb waits up to 3 s.", "",
                  "| node limit | connector | req/s | p50 ms | p99 ms | errors | backend conns | member errors | "
                  "httpd: requests, p99 ms, longest ms, over 2 s | still in flight |",
                  "|---|---|---:|---:|---:|---:|---:|---:|---|---:|"]
        for r in ex:
            conns = " / ".join(str(v) for v in r["backend_end"].values())
            lines.append(f"| {r['limit']} | {r['connector']} | {med([r['rps']])} | {med([r['p50_ms']], 1)} | "
                         f"{med([r['p99_ms']], 1)} | {error_text([r])} | {conns} | {settled(r, 'member_errors')} | {server_text(r.get('server'))} | "
                         f"{settled(r, 'in_flight')} |")
        lines += ["", "req/s and p50/p99 are wrk's, over the requests it saw answered; the httpd columns come "
                  f"from httpd's access log ({EXHAUST['settle']} s after wrk ends): every request httpd finished, "
                  "including those wrk stopped waiting for. Member errors and in flight (requests the lb counts as "
                  f"running on its members): when wrk ended → {EXHAUST['settle']} s later, when they changed; a request "
                  "still in flight then is stuck on a connection the node never accepted."]
    crashes = {}
    for r in rows:
        crashes[r["connector"]] = crashes.get(r["connector"], 0) + (r.get("child_crashes") or 0)
    if any(crashes.values()):
        lines += ["", "httpd children that died of a signal (error_log AH00052), over every run: " +
                  ", ".join(f"{c} {n}" for c, n in crashes.items()) + "."]
    return "\n".join(lines) + "\n"


def options():
    ap = CLI.parser(("ajpgate", "modjk", "proxy"))
    ap.add_argument("--parts", default="layouts,exhaustion")
    ap.add_argument("--secs", type=int, default=5)
    ap.add_argument("--rounds", type=int, default=2)
    return CLI.parse(ap)


def main():
    if CLI.report_requested(report):
        return 0
    args = options()
    SC.raise_fd_limit()
    result, _, _ = CLI.start(args, secs=args.secs, rounds=args.rounds)
    script = os.path.join(args.run, "done.lua")
    with open(script, "w") as f:
        f.write(SC.DONE_LUA)
    connectors = [c for c in args.connectors.split(",") if c]
    try:
        if "layouts" in args.parts:
            run_layouts(result, args, script, connectors)
        if "exhaustion" in args.parts:
            run_exhaustion(result, args, script, connectors)
    finally:
        CLI.save(result, args.out)
    return 0


if __name__ == "__main__":
    sys.exit(main())
