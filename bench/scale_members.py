"""Issue 15, axis 2: what a balanced request costs as the lb grows from 2 to 64 members, for
ajpgate, Debian's mod_jk and mod_proxy_ajp + mod_proxy_balancer, side by side in one run.

For each member count N: N ajp-testd backends (one per member, each its own port, fixed 100 B
body), an lb over members m1..mN with lbfactor 1, `JkMount /app/* lb` (ProxyPass to a
balancer with `route=mK` and `stickysession=JSESSIONID|jsessionid` for mod_proxy). Requests:
- `balanced`: no session, the lb chooses by its method (mod_jk's default, Request; byrequests);
- `sticky`: `JSESSIONID=x.mN`, the route of the member the config names last (a connector that
  looks routes up one by one pays the most for it).
Figures per connector and N:
- instructions per request (callgrind on `httpd -X`, two lives that differ by `count` requests,
  bench/measure.py), minus the same request served as a static file: what the connector costs;
- req/s (wrk, 16 connections, a few seconds);
- failover: the last member's backend is killed (SIGKILL: its port refuses), then sticky requests
  for its route are sent one by one: the first one's time, the median of the next ones, and
  whether each was answered 200 (by another member). The backend is started again afterwards.

    python3 bench/scale_members.py --build build/bench --run DIR --out F.json
        [--members 2,8,64] [--connectors ajpgate,modjk,proxy] [--count 500] [--secs 3]
    python3 bench/scale_members.py --report F.json     (the table, as Markdown)
"""
import json
import os
import signal
import statistics
import sys
import time
import urllib.request

import contenders as C
import measure as M
import procs as P
import scale_cli as CLI

CONNECTORS = ("ajpgate", "modjk", "proxy")
PATH = "/app/body"
SIZE = 100
AFTER_KILL = 20  # sticky requests timed after the first one following the kill


def start_backend(procs, testd, run_dir, name, port=0):
    ready = os.path.join(run_dir, f"{name}.port")
    if os.path.exists(ready):
        os.unlink(ready)
    proc = procs.start([testd, "--port", str(port), "--ready-file", ready, "--quiet", "--size", str(SIZE)],
                       os.path.join(run_dir, f"{name}.log"))
    if not P.wait_for(lambda: os.path.exists(ready) and os.path.getsize(ready) > 0, 10):
        raise RuntimeError(f"ajp-testd {name} did not become ready (see {run_dir}/{name}.log)")
    with open(ready) as f:
        return proc, int(f.read().strip())


def jk_lines(module, n, ports, directory):
    names = [f"m{i + 1}" for i in range(n)]
    props = [f"worker.list=lb", "worker.lb.type=lb", f"worker.lb.balance_workers={','.join(names)}"]
    for name, port in zip(names, ports):
        props += [f"worker.{name}.type=ajp13", f"worker.{name}.host=127.0.0.1", f"worker.{name}.port={port}",
                  f"worker.{name}.lbfactor=1"]
    with open(os.path.join(directory, "workers.properties"), "w") as f:
        f.write("\n".join(props) + "\n")
    return (f"LoadModule jk_module {module}\nJkWorkersFile {directory}/workers.properties\n"
            f"JkShmFile {directory}/logs/jk-runtime-status\nJkLogFile {directory}/logs/mod_jk.log\n"
            "JkLogLevel error\nJkMount /app/* lb\n")


def proxy_lines(n, ports):
    mods = "".join(f"LoadModule {m}_module {C.MODULES}/mod_{m}.so\n"
                   for m in ("proxy", "proxy_ajp", "proxy_balancer", "lbmethod_byrequests", "slotmem_shm"))
    members = "".join(f"  BalancerMember ajp://127.0.0.1:{port} route=m{i + 1}\n" for i, port in enumerate(ports))
    return (mods + "<Proxy balancer://cluster>\n" + members
            + "  ProxySet stickysession=JSESSIONID|jsessionid lbmethod=byrequests\n</Proxy>\n"
            + "ProxyPass /app/ balancer://cluster/app/\n")


def write_conf(connector, n, directory, port, ports, ajpgate_so):
    user, group = C.run_user()
    for sub in ("logs", "htdocs/app"):
        os.makedirs(os.path.join(directory, sub), exist_ok=True)
    os.chmod(os.path.join(directory, "logs"), 0o777)
    os.chmod(directory, 0o755)
    conf = C.COMMON.format(dir=directory, port=port, user=user, group=group, mods=C.MODULES)
    if connector == "ajpgate":
        conf += jk_lines(ajpgate_so, n, ports, directory)
    elif connector == "modjk":
        conf += jk_lines(f"{C.MODULES}/mod_jk.so", n, ports, directory)
    elif connector == "proxy":
        conf += proxy_lines(n, ports)
    return C.save_conf(directory, conf, SIZE if connector == "static" else None)


def cases(n):
    return {"balanced": {"path": PATH}, "sticky": {"path": PATH, "cookie": f"JSESSIONID=x.m{n}"}}


def timed_get(port, cookie, timeout=30):
    """(seconds, status) of one request on a new connection; status None when it failed."""
    request = urllib.request.Request(f"http://127.0.0.1:{port}{PATH}", headers={"Cookie": cookie})
    started = time.monotonic()
    try:
        with urllib.request.urlopen(request, timeout=timeout) as r:
            r.read()
            status = r.status
    except urllib.error.HTTPError as e:
        status = e.code
    except OSError:
        status = None
    return time.monotonic() - started, status


def native(conf, port, n, run_dir, secs, victim, restart):
    """req/s per case, then the failover figures with the last member's backend killed."""
    procs = P.Procs(run_dir)
    proc = P.start_httpd(procs, conf, port, timeout=60)
    out = {"rps": {}}
    try:
        for kind, case in cases(n).items():
            M.run_ab(case, port, max(100, 4 * n), run_dir, timeout=120)  # every member's pool warm
            got = M.run_wrk(case, port, secs, run_dir)
            out["rps"][kind] = got["rps"]
            out.setdefault("errors", 0)
            out["errors"] += got["non2xx"] + got["socket_errors"]
        cookie = cases(n)["sticky"]["cookie"]
        victim.send_signal(signal.SIGKILL)
        victim.wait(10)
        first, status = timed_get(port, cookie)
        later = [timed_get(port, cookie) for _ in range(AFTER_KILL)]
        out["failover"] = {"first_ms": round(first * 1000, 2), "first_status": status,
                           "next_median_ms": round(statistics.median(t for t, _ in later) * 1000, 2),
                           "next_not_200": sum(1 for _, s in later if s != 200)}
    finally:
        procs.stop(proc, timeout=60)
        restart()
    return out


def report(result):
    def num(v, digits=0):
        return "—" if v is None else f"{v:,.{digits}f}"
    lines = ["| connector | members | instr balanced | instr sticky | req/s balanced | req/s sticky "
             "| failover: first request ms | next requests ms (median) | failed requests |",
             "|---|---:|---:|---:|---:|---:|---:|---:|---:|"]
    for row in sorted(result["rows"], key=lambda r: (CONNECTORS.index(r["connector"]), r["members"])):
        instr, rps, fo = row.get("instr", {}), row.get("rps", {}), row.get("failover", {})
        failed = (0 if fo.get("first_status") == 200 else 1) + fo.get("next_not_200", 0) if fo else None
        lines.append(f"| {row['connector']} | {row['members']} | {num(instr.get('balanced'))} | "
                     f"{num(instr.get('sticky'))} | {num(rps.get('balanced'))} | {num(rps.get('sticky'))} | "
                     f"{num(fo.get('first_ms'), 1)} | {num(fo.get('next_median_ms'), 1)} | {num(failed)} |")
    return "\n".join(lines) + "\n"


def options():
    ap = CLI.parser(CONNECTORS)
    ap.add_argument("--members", default="2,8,64")
    ap.add_argument("--count", type=int, default=500)
    ap.add_argument("--secs", type=int, default=3)
    return CLI.parse(ap)


def main():
    if CLI.report_requested(report):
        return 0
    args = options()
    result, testd, so = CLI.start(args, count=args.count, secs=args.secs)
    procs = P.Procs(args.run)
    counts = [int(x) for x in args.members.split(",")]
    try:
        backends = [start_backend(procs, testd, args.run, f"m{i + 1}") for i in range(max(counts))]
        ports = [port for _, port in backends]
        static_dir = os.path.join(args.run, "static")
        port = P.free_port()
        conf = write_conf("static", 0, static_dir, port, ports, so)
        result["static"] = M.instructions_per_request({"path": PATH}, conf, port, 200, args.count, args.run)
        print("static", round(result["static"]), flush=True)

        def measure(connector, n, directory, port):
            conf = write_conf(connector, n, directory, port, ports[:n], so)
            warm = max(200, 4 * n)  # every member's connection opened before counting
            row = {"instr": {kind: M.instructions_per_request(case, conf, port, warm, args.count, args.run)
                             - result["static"] for kind, case in cases(n).items()}}

            def restart(k=n - 1):
                backends[k] = start_backend(procs, testd, args.run, f"m{k + 1}", ports[k])
            row.update(native(conf, port, n, args.run, args.secs, backends[n - 1][0], restart))
            return row
        CLI.run_rows(result, args, counts, "members", measure)
    finally:
        procs.stop_all()
        CLI.save(result, args.out)
    return 0


if __name__ == "__main__":
    sys.exit(main())
