"""The benchmark's run: per case, start the backends and every contender, check that each
answers correctly, then measure (wrk rounds, interleaved; callgrind; strace) and save JSON.

    python3 bench/bench.py --build DIR --run DIR --out FILE.json [--quick] [--rounds N] [--secs S]
"""
import argparse
import http.client
import json
import os
import platform
import signal
import subprocess
import sys
import time

import contenders as C
import measure as M
import procs as P

CASES = [
    {"id": "get100", "title": "GET 100 B", "size": 100},
    {"id": "get64k", "title": "GET 64 KiB", "size": 65536},
    {"id": "get1m", "title": "GET 1 MiB", "size": 1048576},
    {"id": "post16k", "title": "POST 16 KiB", "size": 100, "post": 16384},
    {"id": "sticky", "title": "sticky GET 100 B", "size": 100, "cookie": "JSESSIONID=x.was1"},
]
# The deterministic figures (slow under callgrind) are taken on these cases only.
DET_CASES = ("get100", "get64k", "post16k", "sticky")


def contenders_for(case):
    # httpd's static handler refuses POST (405): there is no static ceiling for it.
    return [c for c in C.CONTENDERS if not (case.get("post") and c == "static")]


def fetch(case, port):
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
    headers = {"Cookie": case["cookie"]} if case.get("cookie") else {}
    body = None
    if case.get("post"):
        body = b"p" * case["post"]
        headers["Content-Type"] = "application/octet-stream"
    conn.request("POST" if body else "GET", C.URL_PATH, body=body, headers=headers)
    resp = conn.getresponse()
    data = resp.read()
    conn.close()
    return resp.status, data, resp.getheader("X-Backend")


def check(case, name, port):
    """Aborts unless the contender answers 200 with exactly the expected body (and, for the
    sticky case, from was1). Returns the set of backends seen over a few requests."""
    want = C.static_body(case["size"])
    seen = set()
    for _ in range(6):
        status, data, backend = fetch(case, port)
        if status != 200 or data != want:
            raise RuntimeError(f"{case['title']}: {name} answered status {status} with {len(data)} bytes "
                               f"(expected 200 with the {len(want)}-byte body)")
        seen.add(backend)
    if case.get("cookie") and name != "static" and seen != {"was1"}:
        raise RuntimeError(f"{case['title']}: {name} did not stick to was1 (answered by {sorted(seen)})")
    return seen


def log_problems(directory):
    """Error-log lines at level error or worse, and child crashes: signs of misbehaviour."""
    path = os.path.join(directory, "logs", "error_log")
    if not os.path.exists(path):
        return []
    with open(path, errors="replace") as f:
        return [line.strip() for line in f
                if any(k in line for k in (":error]", ":crit]", ":alert]", ":emerg]", "exit signal"))][:20]


def run_case(case, args, procs, result):
    testd = os.path.join(args.build, "tools", "ajp-testd")
    so = os.path.join(args.build, "modules", ".libs", "mod_jk.so")
    backends = P.start_backends(procs, testd, args.run, case["size"])
    names = contenders_for(case)
    confs, ports, running = {}, {}, {}
    for name in names:
        ports[name] = P.free_port()
        confs[name] = C.write(name, os.path.join(args.run, case["id"], name), ports[name], backends,
                              case["size"], so)
    out = {name: {"rounds": []} for name in names}
    result["cases"].append({"id": case["id"], "title": case["title"], "size": case["size"], "contenders": out})
    try:
        for name in names:
            running[name] = P.start_httpd(procs, confs[name], ports[name])
            seen = check(case, name, ports[name])
            out[name]["backends_seen"] = sorted(b for b in seen if b)
            print(f"  {name}: OK on :{ports[name]} (backends {out[name]['backends_seen']})", flush=True)
        for rnd in range(args.rounds):
            for name in names:
                r = M.run_wrk(case, ports[name], args.secs, args.run)
                raw = r.pop("raw")
                out[name]["rounds"].append(r)
                print(f"  round {rnd + 1} {name:15s} {r['rps'] or 0:10.0f} req/s  p50 {r['p50_ms']} ms  "
                      f"p99 {r['p99_ms']} ms  non2xx {r['non2xx']}  sockerr {r['socket_errors']}", flush=True)
                if r["rps"] is None:
                    raise RuntimeError(f"wrk printed no figures for {name}:\n{raw}")
    finally:
        for proc in running.values():
            procs.stop(proc)
    if case["id"] in args.det_cases:
        for name in names:
            det = out[name]
            det["ir"] = M.instructions_per_request(case, confs[name], ports[name], args.warm, args.count, args.run)
            det["syscalls"], det["top_syscalls"] = M.syscalls_per_request(
                case, confs[name], ports[name], args.warm, args.count, args.run)
            print(f"  {name:15s} {det['ir']:10.0f} instr/req  {det['syscalls']:6.1f} syscalls/req  "
                  f"{det['top_syscalls']}", flush=True)
    for name in names:
        out[name]["log_problems"] = log_problems(os.path.dirname(confs[name]))


def options():
    ap = argparse.ArgumentParser()
    ap.add_argument("--build", required=True)
    ap.add_argument("--run", required=True)
    ap.add_argument("--out", required=True)
    ap.add_argument("--quick", action="store_true", help="1 round x 2 s, 200 callgrind requests")
    ap.add_argument("--rounds", type=int)
    ap.add_argument("--secs", type=int)
    ap.add_argument("--count", type=int, help="requests measured by callgrind and strace")
    ap.add_argument("--warm", type=int, help="warm-up requests before those")
    ap.add_argument("--cases", default=",".join(c["id"] for c in CASES))
    ap.add_argument("--det-cases", default=",".join(DET_CASES))
    args = ap.parse_args()
    defaults = (1, 2, 200, 20) if args.quick else (5, 10, 2000, 200)
    for key, value in zip(("rounds", "secs", "count", "warm"), defaults):
        if getattr(args, key) is None:
            setattr(args, key, value)
    # httpd resolves relative paths against its ServerRoot, not our working directory.
    args.build, args.run, args.out = (os.path.abspath(p) for p in (args.build, args.run, args.out))
    args.cases = [c for c in CASES if c["id"] in args.cases.split(",")]
    args.det_cases = [c for c in args.det_cases.split(",") if c]
    return args


def main():
    # bench/run.sh's trap sends TERM: unwind through the finally blocks that stop everything.
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))
    args = options()
    os.makedirs(args.run, exist_ok=True)
    versions = subprocess.run([P.APACHE, "-v"], capture_output=True, text=True).stdout.split("\n")[0]
    result = {"meta": {"date": time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime()), "quick": args.quick,
                       "rounds": args.rounds, "secs": args.secs, "count": args.count, "warm": args.warm,
                       "cpus": os.cpu_count(), "loadavg_start": os.getloadavg(), "httpd": versions,
                       "kernel": platform.release()}, "cases": []}
    procs = P.Procs(args.run)
    status = 0
    try:
        for case in args.cases:
            print(f"== {case['title']}", flush=True)
            try:
                run_case(case, args, procs, result)
            finally:
                procs.stop_all()
    except (RuntimeError, subprocess.TimeoutExpired, OSError) as e:
        print(f"bench: ABORTED: {e}", file=sys.stderr)
        result["aborted"] = str(e)
        status = 1
    finally:
        procs.stop_all()
        result["meta"]["loadavg_end"] = os.getloadavg()
        with open(args.out, "w") as f:
            json.dump(result, f, indent=1)
    return status


if __name__ == "__main__":
    sys.exit(main())
