"""Where a request's CPU goes: per request, httpd's user and kernel time, the backend's, context
switches and TCP segments, for some contenders under the benchmark's load (wrk -t1 -c16).

    python3 bench/cpu_split.py --build DIR [--case get100|post16k] [--secs 5] [--rounds 3]
                               [contender ...]   (default: ajpgate-single modjk-single proxy-single static)

It explains the throughput table: what a connector costs beyond what httpd costs anyway (the
static row) and beyond the backend's share, which every connector pays alike. Figures come from
/proc (per-process CPU ticks, context switches) and /proc/net/snmp (TCP segments sent); they
are medians over the rounds, each round running every contender once.
"""
import argparse
import glob
import os
import shutil
import statistics
import subprocess
import sys
import tempfile

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import contenders as C  # noqa: E402
import measure as M  # noqa: E402
import procs as P  # noqa: E402

CASES = {"get100": {"size": 100}, "post16k": {"size": 100, "post": 16384}}
TICK_US = 1e6 / os.sysconf("SC_CLK_TCK")


def cpu_ticks(pid):
    """(user, system) ticks of a process, all its threads included."""
    with open(f"/proc/{pid}/stat") as f:
        fields = f.read().rsplit(")", 1)[1].split()
    return int(fields[11]), int(fields[12])


def switches(pid):
    total = 0
    for path in glob.glob(f"/proc/{pid}/task/*/status"):
        try:
            with open(path) as f:
                # voluntary_ctxt_switches and nonvoluntary_ctxt_switches
                total += sum(int(line.split()[1]) for line in f if "ctxt_switches:" in line)
        except OSError:
            pass  # a thread that ended meanwhile
    return total


def tcp_out_segments():
    with open("/proc/net/snmp") as f:
        rows = [l.split() for l in f if l.startswith("Tcp:")]
    return int(dict(zip(rows[0][1:], rows[1][1:]))["OutSegs"])


def sample(pids):
    return {"ticks": [cpu_ticks(p) for p in pids], "switches": sum(switches(p) for p in pids)}


def measure(case, port, httpd_pids, backend_pids, secs, run_dir):
    subprocess.run(M.wrk_cmd(case, port, 1, run_dir), capture_output=True, timeout=60)  # warm-up
    h0, b0, s0 = sample(httpd_pids), sample(backend_pids), tcp_out_segments()
    out = subprocess.run(M.wrk_cmd(case, port, secs, run_dir), capture_output=True, text=True, timeout=secs + 60)
    h1, b1, s1 = sample(httpd_pids), sample(backend_pids), tcp_out_segments()
    wrk = M.parse_wrk(out.stdout)
    n = wrk["requests"] or 1

    def per_req(a, b, i):
        return sum(y[i] - x[i] for x, y in zip(a["ticks"], b["ticks"])) * TICK_US / n
    return {"rps": wrk["rps"] or 0.0,
            "httpd_user_us": per_req(h0, h1, 0), "httpd_sys_us": per_req(h0, h1, 1),
            "backend_us": per_req(b0, b1, 0) + per_req(b0, b1, 1),
            "httpd_switches": (h1["switches"] - h0["switches"]) / n,
            "backend_switches": (b1["switches"] - b0["switches"]) / n,
            "tcp_segments": (s1 - s0) / n}


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--build", required=True)
    ap.add_argument("--case", default="get100", choices=sorted(CASES))
    ap.add_argument("--secs", type=int, default=5)
    ap.add_argument("--rounds", type=int, default=3)
    ap.add_argument("contenders", nargs="*", default=["ajpgate-single", "modjk-single", "proxy-single", "static"])
    args = ap.parse_args()
    args.build = os.path.abspath(args.build)  # httpd resolves relative paths against its ServerRoot
    case = CASES[args.case]
    names = [n for n in args.contenders if not (case.get("post") and n == "static")]
    run_dir = tempfile.mkdtemp(prefix="ajpgate-cpu-split-")
    os.chmod(run_dir, 0o755)
    procs = P.Procs(run_dir)
    try:
        backend_ports = P.start_backends(procs, os.path.join(args.build, "tools", "ajp-testd"), run_dir, case["size"])
        backend_pids = [p.pid for p in procs.live]
        servers = {}
        for name in names:
            port = P.free_port()
            conf = C.write(name, os.path.join(run_dir, name), port, backend_ports, case["size"],
                           os.path.join(args.build, "modules", ".libs", "mod_jk.so"))
            proc = P.start_httpd(procs, conf, port)
            children = subprocess.run(["pgrep", "-P", str(proc.pid)], capture_output=True, text=True).stdout.split()
            servers[name] = (port, [proc.pid] + [int(c) for c in children])
        rows = {name: [] for name in names}
        for _ in range(args.rounds):
            for name in names:
                port, pids = servers[name]
                rows[name].append(measure(case, port, pids, backend_pids, args.secs, run_dir))
        keys = ["rps", "httpd_user_us", "httpd_sys_us", "backend_us", "httpd_switches", "backend_switches",
                "tcp_segments"]
        print(f"{args.case}, per request (medians of {args.rounds} rounds x {args.secs} s, wrk -t1 -c16):")
        print("| contender | req/s | httpd user µs | httpd kernel µs | backend µs | httpd switches | "
              "backend switches | TCP segments |")
        print("|---|---|---|---|---|---|---|---|")
        for name in names:
            med = {k: statistics.median(r[k] for r in rows[name]) for k in keys}
            print(f"| {name} | {med['rps']:,.0f} | {med['httpd_user_us']:.1f} | {med['httpd_sys_us']:.1f} | "
                  f"{med['backend_us']:.1f} | {med['httpd_switches']:.2f} | {med['backend_switches']:.2f} | "
                  f"{med['tcp_segments']:.2f} |")
    finally:
        procs.stop_all()
        shutil.rmtree(run_dir, ignore_errors=True)


if __name__ == "__main__":
    main()
