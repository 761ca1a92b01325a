"""One chart per axis of the scale benchmark (issue 15), from its result JSON, with gnuplot.

    python3 bench/scale_chart.py bench/results/scale-<axis>-<date>.json [more.json ...]

Writes <same name>.png next to each JSON. The axis is recognised by the key of its rows
(`rules`, `members`, `part` for children, `clients`) or, for large bodies, by `direction`. Lines: one per
connector and request kind, the figure the axis is about (instructions per request beyond the
static file; req/s; MiB/s for bodies).
"""
import json
import os
import statistics
import subprocess
import sys


def series_by(rows, key, figures):
    """{title: [(x, y), ...]} for each connector and each (label, getter) in `figures`; rows of
    several rounds give the median of their figures."""
    values = {}
    for row in rows:
        for label, get in figures:
            value = get(row)
            if value is not None:
                values.setdefault(f"{row['connector']} {label}", {}).setdefault(row[key], []).append(value)
    return {title: [(x, statistics.median(ys)) for x, ys in sorted(points.items())]
            for title, points in values.items()}


def mounts(result):
    figures = [(kind, lambda r, k=kind: (r.get("instr") or {}).get(k)) for kind in ("late", "unmapped")]
    return ("mount rules", "instructions per request beyond static (log)", "xy",
            series_by(result["rows"], "rules", figures))


def members(result):
    figures = [(kind, lambda r, k=kind: (r.get("instr") or {}).get(k)) for kind in ("balanced", "sticky")]
    return ("lb members", "instructions per request beyond static", "",
            series_by(result["rows"], "members", figures))


def by_rps(key, label):
    def extract(result):
        rows = [r for r in result["rows"] if key in r]
        get = [("req/s", lambda r: r.get("rps") if not isinstance(r.get("rps"), dict) else r["rps"].get("median"))]
        return (label, "req/s", "x" if key == "clients" else "", series_by(rows, key, get))
    return extract


def children(result):
    """req/s by the number of httpd processes, event and prefork apart (the layouts part)."""
    rows = [r for r in result["rows"] if r.get("part") == "layouts"]
    figures = [(mpm, lambda r, m=mpm: r.get("rps") if r["mpm"] == m else None) for mpm in ("event", "prefork")]
    return ("httpd processes (event: 80 threads each; prefork: 1)", "req/s", "x", series_by(rows, "children", figures))


def bodies(result):
    """MiB/s by body size, per connector and direction (median over the rounds)."""
    groups = {}
    for r in result["rows"]:
        if r.get("error") is None and r.get("secs"):
            groups.setdefault((r["connector"], r["direction"], r["size"]), []).append(r["size"] / r["secs"] / 2 ** 20)
    out = {}
    for (connector, direction, size), speeds in sorted(groups.items()):
        out.setdefault(f"{connector} {direction}", []).append((size / 2 ** 20, statistics.median(speeds)))
    return ("body size, MiB", "MiB/s", "x", out)


def extractor(result):
    rows = result.get("rows") or [{}]
    # The children axis ("part") before clients: its rows name their client count too.
    for key, extract in (("rules", mounts), ("members", members), ("part", children),
                         ("clients", by_rps("clients", "clients")), ("direction", bodies)):
        if key in rows[0]:
            return extract
    raise ValueError("not a scale result: rows have none of rules, members, clients, children, direction")


def chart(path):
    with open(path) as f:
        result = json.load(f)
    xlabel, ylabel, logscale, series = extractor(result)(result)
    base = os.path.splitext(path)[0]
    data = base + ".chart.dat"
    with open(data, "w") as f:
        for title, points in series.items():
            f.write(f'"{title}"\n' + "".join(f"{x} {y}\n" for x, y in points) + "\n\n")
    plots = ", ".join(f"'{data}' index {i} using 1:2 with linespoints title columnheader(1)"
                      for i in range(len(series)))
    script = f"""set terminal png size 1000,560
set output '{base}.png'
set title '{os.path.basename(base)}'
set xlabel '{xlabel}'
set ylabel '{ylabel}'
{f'set logscale {logscale}' if logscale else ''}
{'' if 'y' in logscale else 'set yrange [0:*]'}
set grid
set key outside right
plot {plots}
"""
    try:
        subprocess.run(["gnuplot"], input=script, text=True, check=True, timeout=60, capture_output=True)
    finally:
        os.unlink(data)
    return base + ".png"


def main():
    for path in sys.argv[1:]:
        print(chart(path))
    return 0


if __name__ == "__main__":
    sys.exit(main())
