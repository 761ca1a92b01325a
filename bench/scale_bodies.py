"""Issue 15, axis 5: large bodies. A 1 GiB download and upload through ajpgate, Debian's mod_jk
and mod_proxy_ajp (each its own httpd, one member, the one-child event MPM of contenders.py),
and the same download served by httpd from a file (sendfile): the ceiling.

Backend: one ajp-testd, told per request what to do (`X-Testd`): `mode=fixed;size=N` streams N
bytes 'a'..'z'; uploads are answered with `mode=empty`, which reads the whole body in packets
and keeps none of it. ajp-testd hashes an upload only in echo mode, at ~250 MB/s: that would be
the bottleneck, so echo is used once per connector, size and framing as the check that every
byte arrived (body_length and body_sha256 against the file's), outside the timed rounds.

Directions: `down` (GET), `up` (POST with Content-Length, curl -T streams the file) and
`up-chunked` (POST with Transfer-Encoding: chunked from stdin, no length). Connectors are
interleaved, their order rotated each round. While a transfer runs the httpd child's VmRSS is
sampled every 100 ms; before it the child's peak counter is reset (clear_refs 5) so VmHWM
after it is that transfer's true peak. Growth = that peak minus the child's RSS after warm-up,
before the first large transfer: what large bodies cost the child, whenever it was paid.

    python3 bench/scale_bodies.py --build build/bench --run DIR --out F.json
        [--size 1G] [--small 64M] [--connectors ajpgate,modjk,proxy] [--rounds 3]
    python3 bench/scale_bodies.py --report F.json     (the table, as Markdown)
"""
import argparse
import hashlib
import json
import os
import re
import statistics
import subprocess
import sys
import time

import contenders as C
import procs as P
import scale_cli as CLI
import transfer as T

CONNECTORS = ("ajpgate", "modjk", "proxy")
DIRECTIONS = ("down", "up", "up-chunked")


def parse_size(text):
    m = re.fullmatch(r"(\d+)([kKmMgG]?)", text)
    if not m:
        raise argparse.ArgumentTypeError(f"bad size {text!r}")
    return int(m.group(1)) * {"": 1, "k": 1 << 10, "m": 1 << 20, "g": 1 << 30}[m.group(2).lower()]


def label(size):
    return f"{size >> 30} GiB" if size >= 1 << 30 and size % (1 << 30) == 0 else f"{size >> 20} MiB"


def write_body_file(path, size):
    """ajp-testd's fixed body, written out (not sparse): the static file and the upload source
    at once, so one SHA-256 checks all three."""
    block = C.static_body(26 * 40330)  # ~1 MiB, a multiple of 26 so blocks join seamlessly
    sha = hashlib.sha256()
    with open(path, "wb") as f:
        done = 0
        while done < size:
            part = block[:min(len(block), size - done)]
            f.write(part)
            sha.update(part)
            done += len(part)
    os.chmod(path, 0o644)
    return sha.hexdigest()


def error_lines(directory):
    """Lines of the error_log at error level or worse, and child crashes."""
    try:
        with open(os.path.join(directory, "logs", "error_log"), errors="replace") as f:
            return [l.rstrip() for l in f if re.search(r":(error|crit|alert|emerg)\]|AH00052|Segmentation", l)]
    except OSError:
        return []


def start(name, run_dir, procs, backends, so, files, body_limit):
    """One httpd per contender; the static one serves the body files."""
    directory = os.path.join(run_dir, name)
    port = P.free_port()
    conf = C.write("static" if name == "static" else f"{name}-single", directory, port, backends, 1, so)
    if body_limit is not None:  # httpd >= 2.4.54 refuses bodies over 1 GiB by default (413)
        with open(conf, "a") as f:
            f.write(f"LimitRequestBody {body_limit}\n")
    if name == "static":
        for size, (path, _) in files.items():
            os.link(path, os.path.join(directory, "htdocs", "app", f"body-{size}"))
    with open(os.path.join(directory, "htdocs", "app", "body-1"), "wb") as f:
        f.write(b"a")
    proc = P.start_httpd(procs, conf, port)
    P.wait_for(lambda: T.child_pid(proc.pid) is not None, 10)
    child = T.child_pid(proc.pid)
    if child is None:
        raise RuntimeError(f"{name}: no single httpd child under {proc.pid}")
    return {"dir": directory, "port": port, "proc": proc, "child": child}


def options():
    ap = CLI.parser(CONNECTORS)
    ap.add_argument("--size", type=parse_size, default=1 << 30)
    ap.add_argument("--small", type=parse_size, default=64 << 20, help="also this size: does RSS follow it? 0: no")
    ap.add_argument("--rounds", type=int, default=3)
    ap.add_argument("--timeout", type=int, default=300, help="seconds per transfer")
    ap.add_argument("--limit-request-body", type=int, help="LimitRequestBody of every httpd (0: none)")
    args = CLI.parse(ap)
    args.sizes = sorted({args.size} | ({args.small} if args.small else set()))
    return args


def url(host, name, size):
    """The static httpd serves the body files; the connectors pass /app/x to ajp-testd."""
    return f"http://127.0.0.1:{host['port']}/app/" + (f"body-{size}" if name == "static" else "x")


def warm(host, name, sizes):
    """A small request for each size (none: a 100-byte one), and for a size a HEAD too: ajp-testd
    hashes a fixed body (X-Body-Sha256) per connection thread, caching one size only (~4 s for
    1 GiB), so each size's rounds run together, after this."""
    asks = [(["-H", "X-Testd: mode=fixed;size=100"], url(host, name, 1))]  # static: the 1-byte file
    asks += [(["-I", "-H", f"X-Testd: mode=fixed;size={s}"], url(host, name, s)) for s in sizes]
    codes = [subprocess.run(["curl", "-sS", "--max-time", "120", "-o", "/dev/null", "-w", "%{http_code}"] + extra
                            + [where], capture_output=True, text=True, timeout=150).stdout for extra, where in asks]
    if any(c != "200" for c in codes):
        raise RuntimeError(f"{name}: warm-up answered {codes}")


def check_echo(out, size, sha):
    """An echo upload must report exactly the bytes sent."""
    if out["error"]:
        return out["error"]
    try:
        got = json.loads(out.get("answer", ""))
    except ValueError:
        return "echo answer is not JSON"
    if got.get("body_length") != size or got.get("body_sha256") != sha:
        return f"echo saw {got.get('body_length')} bytes, sha {str(got.get('body_sha256'))[:12]}"
    return None


def measure(args, procs, result):
    testd = os.path.join(args.build, "tools", "ajp-testd")
    so = os.path.join(args.build, "modules", ".libs", "mod_jk.so")
    files = {}
    for size in args.sizes:
        path = os.path.join(args.run, f"body-{size}.bin")
        files[size] = (path, write_body_file(path, size))
    backends = P.start_backends(procs, testd, args.run, 100)
    names = args.connectors.split(",")
    hosts = {name: start(name, args.run, procs, backends, so, files, args.limit_request_body)
             for name in names + ["static"]}
    for name, host in hosts.items():
        warm(host, name, [])
        result["baseline_kib"][name] = T.status_kib(host["child"], "VmRSS")
    print("baseline RSS KiB", result["baseline_kib"], flush=True)

    def run(name, direction, size, mode, **extra):
        host = hosts[name]
        row = {"connector": name, "direction": direction, "size": size, **extra}
        row.update(T.transfer(host["child"], url(host, name, size), direction, size, files[size][0], mode,
                            args.run, args.timeout))
        if direction == "down" and name != "static" and not row["error"]:
            m = re.search(r"^X-Body-Sha256:\s*(\w+)", row["headers"], re.M | re.I)
            if not m or m.group(1) != files[size][1]:
                row["error"] = "X-Body-Sha256 differs from the file's"
        row.pop("headers", None)
        print(json.dumps({k: v for k, v in row.items() if k != "answer"}), flush=True)
        return row

    for size in args.sizes:  # the small size first: its RSS is seen before the large one's
        for name in names:  # the byte-exact check of uploads (echo hashes: slow, so not timed)
            for direction in ("up", "up-chunked"):
                row = run(name, direction, size, "mode=echo", check=True)
                row["error"] = check_echo(row, size, files[size][1])
                row.pop("answer", None)
                result["checks"].append(row)
        for name, host in hosts.items():  # after the checks: a failed one may close the connection
            warm(host, name, [size])
        for r in range(args.rounds):
            order = names[r % len(names):] + names[:r % len(names)]  # who goes first moves each round
            for direction in DIRECTIONS:
                mode = f"mode=fixed;size={size}" if direction == "down" else "mode=empty"
                for name in order + (["static"] if direction == "down" else []):
                    row = run(name, direction, size, mode, round=r)
                    row.pop("answer", None)
                    result["rows"].append(row)
            with open(args.out, "w") as f:
                json.dump(result, f, indent=1)
    for name, host in hosts.items():
        result["hwm_end_kib"][name] = T.status_kib(host["child"], "VmHWM")
        result["error_log"][name] = error_lines(host["dir"])[:20]
        procs.stop(host["proc"], timeout=30)


def mib(kib):
    return None if kib is None else kib / 1024


def report(result):
    def num(v, digits=1):
        return "—" if v is None else f"{v:,.{digits}f}"
    rows = result["rows"]
    lines = ["| connector | direction | size | n | seconds | MiB/s | vs static | TTFB s | RSS growth MiB "
             "(max) | per-transfer MiB (max) | sampled MiB (max) | errors |",
             "|---|---|---|---:|---:|---:|---:|---:|---:|---:|---:|---|"]
    order = list(CONNECTORS) + ["static"]
    keys = sorted({(r["connector"], r["direction"], r["size"]) for r in rows},
                  key=lambda k: (k[2], DIRECTIONS.index(k[1]), order.index(k[0])))
    medians = {}
    for key in keys:
        good = [r for r in rows if (r["connector"], r["direction"], r["size"]) == key and not r["error"]]
        if good:
            medians[key] = statistics.median(r["secs"] for r in good)
    for key in keys:
        name, direction, size = key
        mine = [r for r in rows if (r["connector"], r["direction"], r["size"]) == key]
        good = [r for r in mine if not r["error"]]
        base = result["baseline_kib"].get(name)
        secs = medians.get(key)
        static = medians.get(("static", direction, size))
        ratio = secs and static and static / secs
        growth = [r["hwm_kib"] - base for r in mine if r.get("hwm_kib") and base]
        own = [r["hwm_kib"] - r["rss_before_kib"] for r in mine if r.get("hwm_kib") and r.get("rss_before_kib")]
        sampled = [r["rss_peak_sampled_kib"] - base for r in mine if r.get("rss_peak_sampled_kib") and base]
        errors = sorted({r["error"] for r in mine if r["error"]})
        lines.append(f"| {name} | {direction} | {label(size)} | {len(good)}/{len(mine)} | {num(secs, 2)} | "
                     f"{num(size / 2**20 / secs if secs else None, 0)} | "
                     f"{num(ratio, 2) if name != 'static' else '—'} | "
                     f"{num(statistics.median(r['ttfb_s'] for r in good) if good else None, 3)} | "
                     f"{num(mib(max(growth)) if growth else None)} | {num(mib(max(own)) if own else None)} | "
                     f"{num(mib(max(sampled)) if sampled else None)} | {'; '.join(errors) or 'none'} |")
    lines += ["", "Byte-exact upload checks (ajp-testd echo mode: body_length and SHA-256 against the file's):", "",
              "| connector | direction | size | seconds | RSS growth MiB | result |", "|---|---|---|---:|---:|---|"]
    for r in result["checks"]:
        base = result["baseline_kib"].get(r["connector"])
        growth = mib(r["hwm_kib"] - base) if r.get("hwm_kib") and base else None
        lines.append(f"| {r['connector']} | {r['direction']} | {label(r['size'])} | {num(r.get('secs'), 2)} | "
                     f"{num(growth)} | {r['error'] or 'ok'} |")
    lines += ["", "| connector | child RSS after warm-up MiB | VmHWM at the end MiB | error_log lines |",
              "|---|---:|---:|---:|"]
    for name in order:
        if name in result["baseline_kib"]:
            lines.append(f"| {name} | {num(mib(result['baseline_kib'][name]))} | "
                         f"{num(mib(result['hwm_end_kib'].get(name)))} | {len(result['error_log'].get(name, []))} |")
    return "\n".join(lines) + "\n"


def main():
    if CLI.report_requested(report):
        return 0
    args = options()
    os.makedirs(args.run, exist_ok=True)
    os.chmod(args.run, 0o755)
    procs = P.Procs(args.run)
    result = {"meta": {"date": time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime()), "sizes": args.sizes,
                       "limit_request_body": args.limit_request_body,
                       "rounds": args.rounds, "cpus": os.cpu_count(), "load": os.getloadavg()},
              "baseline_kib": {}, "hwm_end_kib": {}, "error_log": {}, "checks": [], "rows": []}
    try:
        measure(args, procs, result)
    finally:
        procs.stop_all()
        for size in args.sizes:  # the large files go whatever happened
            for path in (os.path.join(args.run, f"body-{size}.bin"),
                         os.path.join(args.run, "static", "htdocs", "app", f"body-{size}")):
                if os.path.exists(path):
                    os.unlink(path)
        CLI.save(result, args.out)
    return 0


if __name__ == "__main__":
    sys.exit(main())
