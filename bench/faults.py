"""What an operator sees when backends misbehave, or httpd restarts, under load: ajpgate's lb
against Debian's mod_jk lb, each in the same httpd (event MPM) with the seed's
workers.properties (an lb `loadbalancer` over was1 and was2, ajp13, lbfactor 1, every other
property at its default).

    python3 bench/faults.py [--build build/bench] [--faults kill,stop,...] [--contenders ajpgate,modjk]
                            [--json FILE] [--md FILE] [--tomcat | --tomcat-only]

Per contender and fault: two ajp-testd backends (was1, was2; a 2-byte body, an X-Backend
header naming the one that answered, --route wasN so a session id of the other route is
rebound as Tomcat's JvmRouteBinderValve does), a fresh httpd, then 8 keep-alive client threads
for about 12 s (4 carry a session, two s<i>.was1, two s<i>.was2, and follow a rebinding
Set-Cookie; each request has a 30 s timeout and its own token the answer must echo; pause
--think-ms between requests). At t=3 s:

    kill      kill -9 of was1; restarted on the same port after --fault-secs (10 s)
    stop      SIGSTOP of was1 for --fault-secs, then SIGCONT
    blackhole was1 killed and replaced by a listener that accepts and never answers, for
              --blackhole-secs (35 s: longer than the clients' timeout), then was1 again
    slow      was1 answers every request 3 s late for --fault-secs (CPONG prompt)
    slowjvm   was1 answers requests and CPINGs 3 s late for --fault-secs
    reset     was1 sends headers and half the body, then resets the connection, for every
              request during --fault-secs
    bothdown  kill -9 of was1 and was2; was2 restarted after --fault-secs, was1 --fault-secs later
    graceful  `apache2 -k graceful` (SIGUSR1 to httpd's parent); no backend fault
    restart   `apache2 -k restart` (SIGHUP to httpd's parent); no backend fault

slow, slowjvm and reset are ajp-testd's own fault window (--fault-after/--fault-for, set when
it starts): no restart, no connection closed by the script, the JVM turns bad and recovers.

After the fault ends the load goes on until was1 answers a request sent after the end, at most
--recover-max seconds, and at least until t=12 s. Errors: a non-2xx answer or a socket
error/timeout (latency then counts up to the failure). An error is counted "with a healthy
member" unless every node was inside its fault window when the request was sent (bothdown
only). "cut": the answer had started when the connection failed: nobody can send it again
for the client, the connector cannot and a browser does not. A request that fails on a
reused keep-alive connection before any byte of an answer is sent once more on a new
connection, as browsers do (`resent`, not an error). "wrong node": an answer to a session
from a node other than the session's current route while that node was healthy (outside its
fault window and until it answered again). "wrong client": an answer carrying another request's
token (or a 2xx without one). "spliced": a 2xx answer made of several attempts' answers (the
request's token more than once, or a body that is not the backend's).

--tomcat: two real Tomcat 10 nodes in a session cluster (tests/integration/tomcat_cluster.py),
4 client threads with sessions, SIGSTOP of one node's JVM (its process group) for 15 s.

Prints a markdown table and writes JSON (--json, default bench/results/faults-<date>.json).
"""
import argparse
import datetime
import json
import os
import platform
import shutil
import signal
import subprocess
import sys
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, os.path.join(ROOT, "tests", "integration"))

import harness  # noqa: E402
from fault_kinds import (FAULT_AT, FAULTS, MIN_RUN, SLOW_MS, THREADS, TITLES, finish, log_problems,  # noqa: E402
                         make_httpd, run_fault, sleep_until, wait_for)
from fault_load import CLIENT_TIMEOUT, Load, summarise  # noqa: E402
from modjk import MOD_JK  # noqa: E402

CONTENDERS = ["ajpgate", "modjk"]

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
        sleep_until(load, FAULT_AT)
        fault_at = load.now()
        os.killpg(node.process.proc.pid, signal.SIGSTOP)  # catalina.sh and its JVM
        stopped = True
        sleep_until(load, fault_at + TOMCAT_STOP_SECS)
        os.killpg(node.process.proc.pid, signal.SIGCONT)
        stopped = False
        fault_end = load.now()
        wait_for(load, "was1", fault_end, args)
        end, results = finish(load)
        plan = {"at": fault_at, "end": fault_end, "sick": {"was1": (fault_at, fault_end)},
                "recover": [("was1 back", "was1", fault_end)], "alive": True}
        row = summarise(results, plan, end, sum(load.resent))
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


def recovered(r, recover_max):
    """The recovery cell: each measure of the run, "never left" when the lb kept a stopped or
    slow was1 (it answered requests sent in the fault's last 2 s)."""
    if r["node_kept"]:
        return "was1 never left"
    parts = []
    for m in r["recover"]:
        after = secs(m["after"]) if m["after"] is not None else f"not within {recover_max:.0f} s"
        parts.append(f"{m['label']}: {after}")
    return "; ".join(parts) or "n/a"


def table(rows, titles, rounds=1):
    out = ["| fault | contender | requests | errors, a member healthy | errors, none healthy | of which cut "
           "mid-response | longest wait | recovery | wrong node | wrong client | spliced answers | resent by client |",
           "|---|---|---:|---:|---:|---:|---:|---|---:|---:|---:|---:|"]
    for row in rows:
        r = row["result"]
        if "error" in r:
            out.append(f"| {titles[row['fault']]} | {row['contender']} | run failed: {r['error']} ||||||||||")
            continue
        contender = row["contender"] + (f" #{row['round']}" if rounds > 1 else "")
        out.append(f"| {titles[row['fault']]} | {contender} | {r['requests']} | {r['errors_member_healthy']} | "
                   f"{r['errors_none_healthy']} | {r['cut_mid_response']} | {secs(r['max_latency'])} | "
                   f"{recovered(r, row['recover_max'])} | {r['wrong_node']} | {r['wrong_client']} | {r['spliced']} | {r['resent']} |")
    return "\n".join(out)


def goals(rows):
    """The issue's goals per contender, each with the faults that miss it."""
    lines = []
    for contender in sorted({row["contender"] for row in rows}):
        ok = [row for row in rows if row["contender"] == contender and "error" not in row["result"]]

        def missed(test):
            names = sorted({row["fault"] for row in ok if test(row["fault"], row["result"])})
            return "holds" if not names else "missed: " + ", ".join(names)
        lines.append(f"- {contender}: no failed request while a healthy member exists: "
                     f"{missed(lambda f, r: r['errors_member_healthy'] > 0)}; no wait over 5 s: "
                     f"{missed(lambda f, r: r['max_latency'] > 5.0)}; 0 errors across a graceful restart: "
                     f"{missed(lambda f, r: f == 'graceful' and r['errors'] > 0)}; 0 answers to the wrong "
                     f"client: {missed(lambda f, r: r['wrong_client'] > 0)}; 0 spliced answers: "
                     f"{missed(lambda f, r: r['spliced'] > 0)}; 0 answers from the wrong node: "
                     f"{missed(lambda f, r: r['wrong_node'] > 0)}")
    return "\n".join(lines)


def git_commit():
    try:
        return subprocess.run(["git", "-C", ROOT, "rev-parse", "--short", "HEAD"], capture_output=True, text=True,
                              timeout=10).stdout.strip()
    except (OSError, subprocess.SubprocessError):
        return "?"


def run_matrix(faults, contenders, args, testd, run_dir):
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
    return rows


def run_tomcat_all(contenders, args):
    from tomcat import tomcat_available
    from tomcat_cluster import Cluster
    if not tomcat_available():
        sys.exit("faults: Tomcat 10 is not installed (/usr/share/tomcat10)")
    rows = []
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
            rows.append({"fault": "tomcat", "contender": contender, "recover_max": args.recover_max,
                         "result": result})
    finally:
        cluster.stop()
    return rows


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--build", default=os.path.join(ROOT, "build", "bench"),
                    help="ajpgate build tree (modules/.libs/mod_jk.so, tools/ajp-testd)")
    ap.add_argument("--faults", default=",".join(FAULTS), help="comma-separated subset of " + ",".join(FAULTS))
    ap.add_argument("--contenders", default=",".join(CONTENDERS))
    ap.add_argument("--fault-secs", type=float, default=10.0, help="kill/stop/slow/slowjvm/reset/bothdown duration")
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
    titles = {f: t.format(d=f"{args.fault_secs:g}", b=f"{args.blackhole_secs:g}") for f, t in TITLES.items()}
    run_dir = harness.scratch_dir("faults")
    started = time.monotonic()
    rows = run_matrix(faults, contenders, args, testd, run_dir)
    tomcat_rows = run_tomcat_all(contenders, args) if args.tomcat or args.tomcat_only else []

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
    text += "\nGoals (default settings):\n\n" + goals(rows + tomcat_rows) + "\n"
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
