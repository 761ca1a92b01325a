"""What every bench/scale_<axis>.py shares (bench/scale.sh runs them one after the other): the
command line `--build B --run DIR --out F.json [--connectors ...]` plus the axis's own options,
`--report F.json` to print the Markdown table of a result, and SIGTERM ending the run through
its `finally` (which stops every process the run started)."""
import argparse
import json
import os
import signal
import sys


def report_requested(report):
    """True (after printing the table) when the command line is `--report F.json`."""
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))
    if len(sys.argv) == 3 and sys.argv[1] == "--report":
        with open(sys.argv[2]) as f:
            sys.stdout.write(report(json.load(f)))
        return True
    return False


def parser(connectors):
    """The options every axis has; the caller adds its own, then calls parse()."""
    ap = argparse.ArgumentParser()
    ap.add_argument("--build", required=True, help="an ajpgate build without sanitizers (build/bench)")
    ap.add_argument("--run", required=True, help="a directory for confs, logs and pids")
    ap.add_argument("--out", required=True, help="the result, JSON (written as the run goes)")
    ap.add_argument("--connectors", default=",".join(connectors))
    return ap


def parse(ap):
    args = ap.parse_args()
    args.build, args.run, args.out = (os.path.abspath(p) for p in (args.build, args.run, args.out))
    return args


def save(result, path):
    with open(path, "w") as f:
        json.dump(result, f, indent=1)


def run_rows(result, args, counts, key, measure):
    """One row per count and connector, in that order: `measure(connector, n, directory, port)`
    gives its figures; each row is printed and saved as soon as it is known, so an interrupted
    run keeps what it measured."""
    import procs  # only here: --report needs nothing of the benchmark's
    for n in counts:
        for connector in args.connectors.split(","):
            row = {"connector": connector, key: n}
            row.update(measure(connector, n, os.path.join(args.run, f"{connector}-{n}"), procs.free_port()))
            add_row(result, args, row)


def add_row(result, args, row):
    """A measured row: printed, kept, and the result saved at once."""
    print(json.dumps(row), flush=True)
    result["rows"].append(row)
    save(result, args.out)


def start(args, **meta):
    """The run's directory made, its result skeleton (with `meta`), and the paths of the build's
    ajp-testd and module."""
    import time
    os.makedirs(args.run, exist_ok=True)
    result = {"meta": {"date": time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime()), "cpus": os.cpu_count(), **meta},
              "rows": []}
    testd = os.path.join(args.build, "tools", "ajp-testd")
    so = os.path.join(args.build, "modules", ".libs", "mod_jk.so")
    return result, testd, so
