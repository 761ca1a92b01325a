"""What a change costs on the request path, in instructions per request: two ajpgate builds
(before and after a change) measured the benchmark's way (callgrind on `apache2 -X`, two
lives of httpd that differ only by N requests; see README.md), on the same backends, per
case, with the difference. Also counts the syscalls per request of each build (strace), as
a change on the request path may add none.

    python3 bench/cost.py --before BUILD_A --after BUILD_B --run DIR [--cases get100,sticky,post16k]
                          [--contenders ajpgate-lb,ajpgate-single] [--count 2000] [--warm 200] [--out F.json]
"""
import argparse
import json
import os

import contenders as C
import measure as M
import procs as P
from bench import CASES, check


def options():
    ap = argparse.ArgumentParser()
    ap.add_argument("--before", required=True, help="build directory of the code before the change")
    ap.add_argument("--after", required=True, help="build directory of the code after the change")
    ap.add_argument("--run", required=True)
    ap.add_argument("--cases", default="get100,sticky,post16k")
    ap.add_argument("--contenders", default="ajpgate-lb,ajpgate-single")
    ap.add_argument("--count", type=int, default=2000)
    ap.add_argument("--warm", type=int, default=200)
    ap.add_argument("--out")
    args = ap.parse_args()
    args.before, args.after, args.run = (os.path.abspath(p) for p in (args.before, args.after, args.run))
    return args


def main():
    args = options()
    cases = [c for c in CASES if c["id"] in args.cases.split(",")]
    builds = {"before": args.before, "after": args.after}
    results = []
    for case in cases:
        procs = P.Procs(args.run)
        # Both builds talk to the same backends (the after build's ajp-testd).
        backends = P.start_backends(procs, os.path.join(args.after, "tools", "ajp-testd"), args.run, case["size"])
        try:
            for contender in args.contenders.split(","):
                row = {"case": case["id"], "contender": contender}
                for label, build in builds.items():
                    so = os.path.join(build, "modules", ".libs", "mod_jk.so")
                    port = P.free_port()
                    conf = C.write(contender, os.path.join(args.run, case["id"], contender + "-" + label), port,
                                   backends, case["size"], so)
                    proc = P.start_httpd(procs, conf, port)
                    try:
                        check(case, contender, port)
                    finally:
                        procs.stop(proc)
                    row[label] = M.instructions_per_request(case, conf, port, args.warm, args.count, args.run)
                    row[label + "_syscalls"], _ = M.syscalls_per_request(case, conf, port, args.warm, args.count,
                                                                         args.run)
                row["added"] = row["after"] - row["before"]
                results.append(row)
                print(f"{case['id']:8s} {contender:15s} before {row['before']:9.0f}  after {row['after']:9.0f}  "
                      f"added {row['added']:+7.0f} instr/req   syscalls/req {row['before_syscalls']:.2f} -> "
                      f"{row['after_syscalls']:.2f}", flush=True)
        finally:
            procs.stop_all()
    if args.out:
        with open(args.out, "w") as f:
            json.dump(results, f, indent=1)


if __name__ == "__main__":
    main()
