"""Turns bench.py's JSON into the markdown tables and the gnuplot bar chart.

    python3 bench/report.py RESULT.json OUT_BASE      (writes OUT_BASE.md and OUT_BASE.png)
"""
import json
import os
import statistics
import subprocess
import sys

import contenders as C


def fmt(value, digits=0):
    if value is None:
        return "—"
    return f"{value:,.{digits}f}"


def spread(rounds, key, digits=0):
    """'median (min–max)' of one figure over the rounds."""
    values = [r[key] for r in rounds if r.get(key) is not None]
    if not values:
        return "—", None
    med = statistics.median(values)
    if len(values) == 1:
        return fmt(med, digits), med
    return f"{fmt(med, digits)} ({fmt(min(values), digits)}–{fmt(max(values), digits)})", med


def medians(case, key):
    return {name: spread(data["rounds"], key)[1] for name, data in case["contenders"].items()}


def table(header, rows):
    lines = ["| " + " | ".join(header) + " |", "|" + "---|" * len(header)]
    lines += ["| " + " | ".join(str(c) for c in row) + " |" for row in rows]
    return "\n".join(lines) + "\n"


def ratio(a, b):
    return f"{a / b:.2f}x" if a and b else "—"


def throughput_tables(cases):
    out = "## Throughput, req/s: median (min–max over the rounds)\n\n"
    out += table(["case"] + C.CONTENDERS, [
        [c["title"]] + [spread(c["contenders"][n]["rounds"], "rps")[0] if n in c["contenders"] else "—"
                        for n in C.CONTENDERS] for c in cases])
    out += "\n## Latency, ms: median over the rounds of wrk's p50 / p99\n\n"
    rows = []
    for c in cases:
        row = [c["title"]]
        for n in C.CONTENDERS:
            if n not in c["contenders"]:
                row.append("—")
                continue
            rounds = c["contenders"][n]["rounds"]
            row.append(f"{spread(rounds, 'p50_ms', 2)[0].split(' ')[0]} / {spread(rounds, 'p99_ms', 2)[0].split(' ')[0]}")
        rows.append(row)
    out += table(["case"] + C.CONTENDERS, rows)
    out += "\n## Ratios of median req/s: to mod_jk of the same topology, and to static\n\n"
    proxies = [n for n in C.CONTENDERS if n in C.PEER]
    rows = []
    for c in cases:
        rps = medians(c, "rps")
        rows.append([c["title"]] + [f"{ratio(rps.get(n), rps.get(C.PEER[n]))} / {ratio(rps.get(n), rps.get('static'))}"
                                    for n in proxies] + [ratio(rps.get("modjk-lb"), rps.get("static")),
                                                         ratio(rps.get("modjk-single"), rps.get("static"))])
    out += table(["case"] + [f"{n} vs mod_jk / static" for n in proxies]
                 + ["modjk-lb / static", "modjk-single / static"], rows)
    return out + best_peer_table(cases)


# The other connectors: every contender but ajpgate's and static.
PEERS = [n for n in C.CONTENDERS if not n.startswith("ajpgate") and n != "static"]


def paired(case, name, peer):
    """Ratios of name's to peer's req/s round by round: rounds are interleaved, so both ran in the
    same minute and the machine's drift over the run (other guests, host load) mostly cancels."""
    a = [r.get("rps") for r in case["contenders"][name]["rounds"]]
    b = [r.get("rps") for r in case["contenders"][peer]["rounds"]]
    return [x / y for x, y in zip(a, b) if x and y]


def best_peer_table(cases):
    """ajpgate against the fastest peer (by median req/s) of each case: the issue's targets."""
    rows = []
    for c in cases:
        rps = medians(c, "rps")
        peers = [p for p in PEERS if rps.get(p)]
        if not peers:
            continue
        best = max(peers, key=lambda p: rps[p])
        row = [c["title"], f"{best} ({fmt(rps[best])})"]
        for n in ("ajpgate-lb", "ajpgate-single"):
            if not rps.get(n):
                row += ["—", "—"]
                continue
            per_round = paired(c, n, best)
            spread_text = "—"
            if per_round:
                spread_text = f"{statistics.median(per_round):.2f}x ({min(per_round):.2f}–{max(per_round):.2f})"
            row += [ratio(rps[n], rps[best]), spread_text]
        rows.append(row)
    if not rows:
        return ""
    return ("\n## Against the best peer of each case\n\nRatio of medians, and the median (min–max) of the "
            "round-by-round ratios (each round runs every contender within a minute, so drift of the machine "
            "between rounds cancels).\n\n" +
            table(["case", "best peer (median req/s)", "ajpgate-lb", "ajpgate-lb per round", "ajpgate-single",
                   "ajpgate-single per round"], rows))


def deterministic_table(cases, meta):
    det = [c for c in cases if any("ir" in d for d in c["contenders"].values())]
    if not det:
        return ""
    out = (f"\n## Deterministic: per request in `httpd -X`, over {meta['count']} requests after "
           f"{meta['warm']} warm-up (ab -k -c1)\n\n"
           "Instructions: callgrind, two httpd lives differing only by the measured requests. "
           "Added = minus static. Syscalls: `strace -c -f` attached to the warm process.\n\n")
    rows = []
    for c in det:
        static = c["contenders"].get("static", {}).get("ir")
        for n in C.CONTENDERS:
            d = c["contenders"].get(n)
            if not d or "ir" not in d:
                continue
            added = d["ir"] - static if static is not None and n != "static" else None
            top = ", ".join(f"{k} {v}" for k, v in d.get("top_syscalls", {}).items())
            rows.append([c["title"], n, fmt(d["ir"]), fmt(added), fmt(d.get("syscalls"), 1), top])
    return out + table(["case", "contender", "instr/req", "added over static", "syscalls/req", "top syscalls/req"],
                       rows)


def anomalies(result):
    """Everything that makes a figure suspect: errors under load, short bodies, error-log lines."""
    lines = []
    for c in result["cases"]:
        for n, d in c["contenders"].items():
            for i, r in enumerate(d["rounds"]):
                if r.get("non2xx") or r.get("socket_errors"):
                    lines.append(f"- {c['title']} / {n} round {i + 1}: {r['non2xx']} non-2xx, "
                                 f"{r['socket_errors']} socket errors")
                # wrk rounds its "MB read" to 2 digits: allow 2% before calling a body short.
                if r.get("bytes_per_req") and r["bytes_per_req"] < 0.98 * c.get("size", 0):
                    lines.append(f"- {c['title']} / {n} round {i + 1}: {r['bytes_per_req']:.0f} bytes read "
                                 f"per response, less than the {c['size']}-byte body")
            for line in d.get("log_problems", []):
                lines.append(f"- {c['title']} / {n} error_log: `{line[:300]}`")
    if result.get("aborted"):
        lines.append(f"- RUN ABORTED: {result['aborted']}")
    return "\n## Anomalies\n\n" + ("\n".join(lines) if lines else "none seen (no non-2xx, no socket errors, "
                                   "no error-level log lines)") + "\n"


def header(meta):
    kind = ("**SMOKE RUN (`--quick`): pipeline check only, NOT a result.** " if meta["quick"] else "")
    return (f"# ajpgate benchmark, {meta['date']}\n\n{kind}"
            f"{meta['rounds']} interleaved round(s) × {meta['secs']} s of `wrk -t1 -c16` per case and contender; "
            f"{meta['cpus']} CPUs, load average at start {meta['loadavg_start'][0]:.2f}, at end "
            f"{meta['loadavg_end'][0]:.2f}; {meta['httpd']}, kernel {meta['kernel']}.\n\n")


def chart(cases, out_base):
    data = out_base + ".dat"
    with open(data, "w") as f:
        f.write("case " + " ".join(C.CONTENDERS) + "\n")
        for c in cases:
            rps = medians(c, "rps")
            f.write('"' + c["title"] + '" ' + " ".join(
                f"{rps[n]:.0f}" if rps.get(n) else "-" for n in C.CONTENDERS) + "\n")
    script = f"""set terminal png size 1200,600
set output '{out_base}.png'
set title 'req/s per case and contender (median)'
set style data histograms
set style histogram clustered gap 1
set style fill solid 0.9 border -1
set datafile missing '-'
set key autotitle columnhead outside right
set ylabel 'req/s'
set yrange [0:*]
set grid ytics
plot for [i=2:{len(C.CONTENDERS) + 1}] '{data}' using i:xtic(1)
"""
    subprocess.run(["gnuplot"], input=script, text=True, check=True, timeout=60)
    os.unlink(data)


def main():
    src, out_base = sys.argv[1], sys.argv[2]
    with open(src) as f:
        result = json.load(f)
    cases = result["cases"]
    md = header(result["meta"]) + f"![req/s per case]({os.path.basename(out_base)}.png)\n\n"
    md += throughput_tables(cases) + deterministic_table(cases, result["meta"]) + anomalies(result)
    with open(out_base + ".md", "w") as f:
        f.write(md)
    chart(cases, out_base)
    print(md)


if __name__ == "__main__":
    main()
