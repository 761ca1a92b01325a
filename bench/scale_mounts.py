"""Issue 15, axis 1: what a request costs as the number of mount rules grows, for ajpgate,
Debian's mod_jk and mod_proxy_ajp, side by side in one run.

For each rule count N the same rules are given to each connector: a realistic mix on one
worker of exact paths, `/ctx/*` prefixes, `/ctx/*.do` head-and-tail rules and unmounts, plus
one early rule and one `/*.jsp` rule that every connector tries last (mod_jk and ajpgate sort
it last, having the fewest '/'; mod_proxy_ajp reads its ProxyPass lines in order, and it comes last).
As JkMount/JkUnMount for ajpgate and mod_jk; as ProxyPass (exact and prefix), `ProxyPass ... !`
(unmounts, before their prefix) and ProxyPassMatch (the rest) for mod_proxy_ajp.

Three requests: `early` (the rule every connector tries first), `late` (only the `/*.jsp` rule
matches) and `unmapped` (no rule: httpd serves the file itself). For each:
- instructions per request inside `ap_process_async_request` (callgrind with collection toggled on
  there only, so start-up is not counted and one httpd life per figure is enough), minus the
  same request served as a static file by httpd without any connector;
- req/s (wrk, 16 connections, a few seconds);
and per connector and N the start-up time (to the port answering) and the child's RSS.

    python3 bench/scale_mounts.py --build build/bench --run DIR --out F.json
        [--rules 10,1000,10000,100000] [--connectors ajpgate,modjk,proxy] [--count 500] [--secs 3]
        [--callgrind-start-limit 8] [--start-limit 180]
    python3 bench/scale_mounts.py --report F.json     (the table, as Markdown)

A connector whose native start-up takes longer than --callgrind-start-limit seconds is not
run under callgrind for that N (valgrind would need 30-50 times as long): its row says so.
"""
import json
import os
import re
import subprocess
import sys
import time
import urllib.request

import contenders as C
import measure as M
import procs as P
import scale_cli as CLI

KINDS = {"early": "/early/a/b/c/d/e.html", "late": "/late/page.jsp", "unmapped": "/static/none.txt"}
CONNECTORS = ("ajpgate", "modjk", "proxy")


def rules(n):
    """(kind, pattern) in the order given: the early rule first, `*.jsp` last."""
    out = [("exact", KINDS["early"])]
    for i in range(max(n - 2, 0)):
        k = i % 10
        if k < 4:
            out.append(("exact", f"/e{i}/page{i}.html"))
        elif k < 8:
            out.append(("prefix", f"/p{i}/*"))
        elif k == 8:
            out.append(("headtail", f"/s{i}/*.do"))
        else:
            out.append(("unmount", f"/p{i - 2}/static/*"))
    out.append(("suffix", "/*.jsp"))  # mod_jk refuses a JkMount not starting with '/'
    return out


def jk_conf(n, module, directory, backend):
    with open(os.path.join(directory, "workers.properties"), "w") as f:
        f.write(f"worker.list=was1\nworker.was1.type=ajp13\nworker.was1.host=127.0.0.1\nworker.was1.port={backend}\n")
    lines = [f"LoadModule jk_module {module}", f"JkWorkersFile {directory}/workers.properties",
             f"JkShmFile {directory}/logs/jk-runtime-status", f"JkLogFile {directory}/logs/mod_jk.log",
             "JkLogLevel error"]
    for kind, pattern in rules(n):
        lines.append(f"{'JkUnMount' if kind == 'unmount' else 'JkMount'} {pattern} was1")
    return "\n".join(lines) + "\n"


def proxy_conf(n, backend):
    mods = [f"LoadModule {m}_module {C.MODULES}/mod_{m}.so" for m in ("proxy", "proxy_ajp")]
    target = f"ajp://127.0.0.1:{backend}"
    lines = []
    for kind, pattern in rules(n):
        if kind == "exact":
            lines.append(f"ProxyPass {pattern} {target}{pattern}")
        elif kind == "prefix":
            lines.append(f"ProxyPass {pattern[:-1]} {target}{pattern[:-1]}")
        elif kind == "unmount":
            # mod_proxy takes the first ProxyPass that matches: the exclusion goes before its prefix.
            prefix = pattern[:-1]
            owner = f"ProxyPass {prefix[:prefix.index('/static/') + 1]} "
            at = next(i for i, line in enumerate(lines) if line.startswith(owner))
            lines.insert(at, f"ProxyPass {prefix} !")
        elif kind == "headtail":
            head, tail = pattern.split("*")
            lines.append(f'ProxyPassMatch "^{re.escape(head)}.*{re.escape(tail)}$" {target}')
        else:  # *.jsp
            lines.append(f'ProxyPassMatch "\\.jsp$" {target}')
    # ProxyPassMatch with a bare backend URL forwards the request's own path.
    return "\n".join(mods + lines) + "\n"


def vhost_lines(connector, vhosts, port):
    """`vhosts` name-based hosts on the same port, each using the main server's rules
    (JkMountCopy On; mod_proxy's ProxyPass lines are inherited anyway). The requests go to the
    last one, so a connector that looks hosts up one by one pays for all of them."""
    lines = []
    for v in range(vhosts):
        copy = "  JkMountCopy On\n" if connector in ("ajpgate", "modjk") else ""
        lines.append(f"<VirtualHost 127.0.0.1:{port}>\n  ServerName v{v}.test\n{copy}</VirtualHost>\n")
    return "".join(lines)


def write_conf(connector, n, directory, port, backend, ajpgate_so, vhosts=0):
    user, group = C.run_user()
    os.makedirs(os.path.join(directory, "logs"), exist_ok=True)
    os.chmod(os.path.join(directory, "logs"), 0o777)
    os.chmod(directory, 0o755)
    for path in KINDS.values():  # the static twin of every request, and the unmapped file
        full = os.path.join(directory, "htdocs", path.lstrip("/"))
        os.makedirs(os.path.dirname(full), exist_ok=True)
        with open(full, "wb") as f:
            f.write(C.static_body(100))
    conf = C.COMMON.format(dir=directory, port=port, user=user, group=group, mods=C.MODULES)
    if connector == "ajpgate":
        conf += jk_conf(n, ajpgate_so, directory, backend)
    elif connector == "modjk":
        conf += jk_conf(n, f"{C.MODULES}/mod_jk.so", directory, backend)
    elif connector == "proxy":
        conf += proxy_conf(n, backend)
    if vhosts:  # static too: httpd's own host lookup is then in the baseline
        conf += vhost_lines(connector, vhosts, port)
    path = os.path.join(directory, "httpd.conf")
    with open(path, "w") as f:
        f.write(conf)
    return path


def child_rss_kib(parent_pid):
    found = subprocess.run(["pgrep", "-P", str(parent_pid)], capture_output=True, text=True).stdout.split()
    best = 0
    for pid in found:
        try:
            with open(f"/proc/{pid}/status") as f:
                best = max(best, int(re.search(r"^VmRSS:\s+(\d+)", f.read(), re.M).group(1)))
        except (OSError, AttributeError):
            pass
    return best


def first_answer(port, path, timeout, host=None):
    """Waits for one 200 (a child may still be building its map after the port opens)."""
    request = urllib.request.Request(f"http://127.0.0.1:{port}{path}", headers={"Host": host} if host else {})
    with urllib.request.urlopen(request, timeout=timeout) as r:
        if r.status != 200:
            raise RuntimeError(f"{path} answered {r.status}")


def native(conf, port, run_dir, secs, limit, host=None):
    """Start-up seconds (to the first answer), child RSS (KiB) after some requests, and req/s
    per kind (wrk)."""
    procs = P.Procs(run_dir)
    started = time.monotonic()
    try:
        proc = P.start_httpd(procs, conf, port, timeout=limit)
    except RuntimeError as e:
        return {"startup_s": None, "error": str(e)}
    try:
        first_answer(port, KINDS["early"], max(limit - (time.monotonic() - started), 1), host)
    except OSError as e:
        procs.stop(proc, timeout=60)
        return {"startup_s": None, "error": f"no answer within {limit} s: {e}"}
    out = {"startup_s": round(time.monotonic() - started, 2), "rps": {}}
    try:
        for kind, path in KINDS.items():
            case = {"path": path, "host": host}
            M.run_ab(case, port, 50, run_dir, timeout=60)
            wrk_host = ["-H", f"Host: {host}"] if host else []
            text = subprocess.run(["wrk", "-t1", "-c16", f"-d{secs}s"] + wrk_host + [M.url(port, case)], capture_output=True,
                                  text=True, timeout=secs + 30).stdout
            got = M.parse_wrk(text)
            out["rps"][kind] = got["rps"]
        out["rss_kib"] = child_rss_kib(proc.pid)
    finally:
        procs.stop(proc, timeout=60)
    return out


def instructions(conf, port, path, count, run_dir, host=None):
    """Instructions per request inside ap_process_request, over `count` requests."""
    logs = os.path.join(os.path.dirname(conf), "logs")
    M.hand_logs_to_run_user(logs)
    for old in os.listdir(logs):
        if old.startswith("callgrind."):
            os.unlink(os.path.join(logs, old))
    prefix = M.as_run_user() + ["valgrind", "--tool=callgrind", "--vgdb=no", "--collect-atstart=no",
                                # the event MPM's path, and the synchronous one
                                "--toggle-collect=ap_process_async_request", "--toggle-collect=ap_process_request",
                                f"--callgrind-out-file={os.path.join(logs, 'callgrind.%p')}"]
    procs = P.Procs(run_dir)
    proc = P.start_httpd(procs, conf, port, prefix=prefix, single=True, timeout=900)
    try:
        first_answer(port, path, 1800, host)  # counted too: `count` + 1 requests
        M.run_ab({"path": path, "host": host}, port, count, run_dir, timeout=1800)
    finally:
        procs.stop(proc, timeout=300)
    for name in os.listdir(logs):
        if name.startswith("callgrind."):
            with open(os.path.join(logs, name)) as f:
                for line in f:
                    if line.startswith(("totals:", "summary:")):
                        return int(line.split()[1]) / (count + 1)
    raise RuntimeError(f"no callgrind totals in {logs}")


def report(result):
    """The result as Markdown: one row per connector and rule count."""
    def num(v, digits=0):
        return "—" if v is None else f"{v:,.{digits}f}"
    lines = ["| connector | rules | start-up s | child RSS MiB | instr early | instr late | instr unmapped "
             "| req/s early | req/s late | req/s unmapped |", "|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|"]
    for row in sorted(result["rows"], key=lambda r: (CONNECTORS.index(r["connector"]), r["rules"])):
        instr = row.get("instr", {})
        rps = row.get("rps", {})
        rss = row.get("rss_kib")
        lines.append(f"| {row['connector']} | {row['rules']:,} | {num(row.get('startup_s'), 2)} | "
                     f"{num(rss / 1024 if rss else None, 1)} | "
                     + " | ".join(num(instr.get(k)) for k in KINDS) + " | "
                     + " | ".join(num(rps.get(k)) for k in KINDS) + " |")
    return "\n".join(lines) + "\n"


def options():
    ap = CLI.parser(CONNECTORS)
    ap.add_argument("--rules", default="10,1000,10000,100000")
    ap.add_argument("--count", type=int, default=500)
    ap.add_argument("--secs", type=int, default=3)
    ap.add_argument("--callgrind-start-limit", type=float, default=8.0)
    ap.add_argument("--start-limit", type=float, default=180.0, help="give up on a start-up after this")
    ap.add_argument("--vhosts", type=int, default=0, help="the rules in the main server, copied into this many "
                    "virtual hosts (JkMountCopy On); requests go to the last one")
    return CLI.parse(ap)


def main():
    if CLI.report_requested(report):
        return 0
    args = options()
    result, testd, so = CLI.start(args, count=args.count, secs=args.secs, kinds=KINDS, vhosts=args.vhosts)
    result["static"] = {}
    procs = P.Procs(args.run)
    try:
        backend = P.start_backends(procs, testd, args.run, 100)[0]
        static_dir = os.path.join(args.run, "static")
        port = P.free_port()
        host = f"v{args.vhosts - 1}.test" if args.vhosts else None
        conf = write_conf("static", 0, static_dir, port, backend, so, args.vhosts)
        for kind, path in KINDS.items():
            result["static"][kind] = instructions(conf, port, path, args.count, args.run, host)
        print("static", {k: round(v) for k, v in result["static"].items()}, flush=True)

        def measure(connector, n, directory, port):
            conf = write_conf(connector, n, directory, port, backend, so, args.vhosts)
            row = native(conf, port, args.run, args.secs, args.start_limit, host)
            if row.get("startup_s") is not None and row["startup_s"] <= args.callgrind_start_limit:
                row["instr"] = {kind: instructions(conf, port, path, args.count, args.run, host)
                                - result["static"][kind] for kind, path in KINDS.items()}
            return row
        CLI.run_rows(result, args, [int(x) for x in args.rules.split(",")], "rules", measure)
    finally:
        procs.stop_all()
        CLI.save(result, args.out)
    return 0


if __name__ == "__main__":
    sys.exit(main())
