"""Runs wrk, callgrind and strace against each contender and parses what they print.

Used by bench/run.sh through bench/bench.py; each function measures one contender once.
"""
import glob
import os
import pwd
import re
import signal
import subprocess
import time

import contenders
import procs as P

WRK_POST = """wrk.method = "POST"
wrk.body = string.rep("p", {size})
wrk.headers["Content-Type"] = "application/octet-stream"
"""
UNITS = {"us": 1e-3, "ms": 1.0, "s": 1000.0, "m": 60000.0}
BYTES = {"B": 1, "KB": 1024, "MB": 1024 ** 2, "GB": 1024 ** 3}


def url(port, case=None):
    """The URL a case requests: its own "path" (bench/scale_mounts.py), else the benchmark's."""
    return f"http://127.0.0.1:{port}{(case or {}).get('path', contenders.URL_PATH)}"


def wrk_cmd(case, port, secs, run_dir):
    argv = ["wrk", "-t1", "-c16", f"-d{secs}s", "--latency"]
    if case.get("post"):
        script = os.path.join(run_dir, f"post{case['post']}.lua")
        with open(script, "w") as f:
            f.write(WRK_POST.format(size=case["post"]))
        argv += ["-s", script]
    if case.get("cookie"):
        argv += ["-H", f"Cookie: {case['cookie']}"]
    return argv + [url(port, case)]


def parse_wrk(text):
    """The figures of one wrk run; missing ones stay None so the report shows them as gaps."""
    out = {"rps": None, "p50_ms": None, "p99_ms": None, "requests": 0, "non2xx": 0, "socket_errors": 0,
           "bytes_per_req": None}
    m = re.search(r"Requests/sec:\s+([\d.]+)", text)
    if m:
        out["rps"] = float(m.group(1))
    for pct, key in (("50", "p50_ms"), ("99", "p99_ms")):
        m = re.search(rf"^\s+{pct}%\s+([\d.]+)(us|ms|s|m)\s*$", text, re.M)
        if m:
            out[key] = float(m.group(1)) * UNITS[m.group(2)]
    m = re.search(r"(\d+) requests in [\d.]+\w+, ([\d.]+)(B|KB|MB|GB) read", text)
    if m:
        out["requests"] = int(m.group(1))
        if out["requests"]:
            out["bytes_per_req"] = float(m.group(2)) * BYTES[m.group(3)] / out["requests"]
    m = re.search(r"Non-2xx or 3xx responses: (\d+)", text)
    if m:
        out["non2xx"] = int(m.group(1))
    m = re.search(r"Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)", text)
    if m:
        out["socket_errors"] = sum(int(g) for g in m.groups())
    return out


def run_wrk(case, port, secs, run_dir):
    argv = wrk_cmd(case, port, secs, run_dir)
    done = subprocess.run(argv, capture_output=True, text=True, timeout=secs + 60)
    result = parse_wrk(done.stdout)
    result["raw"] = done.stdout + done.stderr
    return result


def ab_cmd(case, port, count, run_dir):
    argv = ["ab", "-q", "-k", "-c", "1", "-n", str(count), "-s", "60"]
    if case.get("post"):
        path = os.path.join(run_dir, f"post{case['post']}.bin")
        with open(path, "wb") as f:
            f.write(b"p" * case["post"])
        argv += ["-p", path, "-T", "application/octet-stream"]
    if case.get("cookie"):
        argv += ["-C", case["cookie"]]
    if case.get("host"):  # a name-based virtual host (bench/scale_mounts.py --vhosts)
        argv += ["-H", f"Host: {case['host']}"]
    return argv + [url(port, case)]


def run_ab(case, port, count, run_dir, timeout):
    """A bounded client: exactly `count` requests; raises when any of them failed."""
    done = subprocess.run(ab_cmd(case, port, count, run_dir), capture_output=True, text=True, timeout=timeout)
    complete = re.search(r"Complete requests:\s+(\d+)", done.stdout)
    failed = re.search(r"Failed requests:\s+(\d+)", done.stdout)
    non2xx = re.search(r"Non-2xx responses:\s+(\d+)", done.stdout)
    if (done.returncode != 0 or not complete or int(complete.group(1)) != count
            or (failed and int(failed.group(1))) or non2xx):
        raise RuntimeError(f"ab against port {port} did not complete {count} good requests:\n"
                           f"{done.stdout[-1500:]}{done.stderr[-500:]}")


def as_run_user():
    """The -X runs drop no privileges when started as the run user, so valgrind can write its dump."""
    if os.getuid() != 0:
        return []
    user, group = contenders.run_user()
    return ["setpriv", f"--reuid={user}", f"--regid={group}", "--clear-groups"]


def hand_logs_to_run_user(logs):
    """The earlier (root-started) runs left root-owned logs the unprivileged -X run must append to."""
    if os.getuid() != 0:
        return
    user = pwd.getpwnam(contenders.run_user()[0])
    for name in os.listdir(logs):
        os.chown(os.path.join(logs, name), user.pw_uid, user.pw_gid)


def callgrind_total(case, conf, port, warm, extra, run_dir):
    """Instructions (Ir) of a whole `httpd -X` life: start, `warm` + `extra` requests, stop."""
    logs = os.path.join(os.path.dirname(conf), "logs")
    hand_logs_to_run_user(logs)
    for old in glob.glob(os.path.join(logs, "callgrind.*")):
        os.unlink(old)
    out = os.path.join(logs, "callgrind.%p")
    # --vgdb=no: vgdb (callgrind_control) hangs valgrind 3.19 in this container.
    prefix = as_run_user() + ["valgrind", "--tool=callgrind", "--vgdb=no", f"--callgrind-out-file={out}"]
    procs = P.Procs(run_dir)
    proc = P.start_httpd(procs, conf, port, prefix=prefix, single=True, timeout=120)
    try:
        run_ab(case, port, warm, run_dir, timeout=300)
        if extra:
            run_ab(case, port, extra, run_dir, timeout=900)
    finally:
        procs.stop(proc, timeout=120)
    files = glob.glob(os.path.join(logs, "callgrind.*"))
    for path in files:
        with open(path) as f:
            for line in f:
                if line.startswith(("totals:", "summary:")):
                    return int(line.split()[1])
    raise RuntimeError(f"no callgrind totals in {files} (see {logs}/console.log)")


def instructions_per_request(case, conf, port, warm, count, run_dir):
    """Two lives of `httpd -X` that differ only by `count` requests: start-up, warm-up and
    shutdown cancel out, and what is left is the cost of those requests."""
    base = callgrind_total(case, conf, port, warm, 0, run_dir)
    full = callgrind_total(case, conf, port, warm, count, run_dir)
    return (full - base) / count


def traced(pid):
    """True once strace holds every thread of pid."""
    try:
        for status in glob.glob(f"/proc/{pid}/task/*/status"):
            with open(status) as f:
                if re.search(r"^TracerPid:\s+0$", f.read(), re.M):
                    return False
        return True
    except OSError:
        return False


def parse_strace(text):
    """(total calls, {syscall: calls}) from `strace -c` output."""
    per = {}
    total = None
    for line in text.splitlines():
        fields = line.split()
        if len(fields) >= 5 and re.match(r"^[\d.]+$", fields[0]) and fields[3].isdigit():
            if fields[-1] == "total":
                total = int(fields[3])
            else:
                per[fields[-1]] = int(fields[3])
    return total, per


def syscalls_per_request(case, conf, port, warm, count, run_dir):
    """strace -c -f attached to a warm `httpd -X` over exactly `count` requests."""
    procs = P.Procs(run_dir)
    proc = P.start_httpd(procs, conf, port, single=True)
    out = os.path.join(os.path.dirname(conf), "logs", "strace.txt")
    try:
        run_ab(case, port, warm, run_dir, timeout=120)
        tracer = procs.start(["strace", "-c", "-f", "-q", "-o", out, "-p", str(proc.pid)], out + ".log")
        if not P.wait_for(lambda: traced(proc.pid), 10):
            raise RuntimeError("strace did not attach within 10 s")
        time.sleep(0.2)
        run_ab(case, port, count, run_dir, timeout=300)
        procs.stop(tracer, timeout=30, sig=signal.SIGINT)
    finally:
        procs.stop_all()
        procs.stop(proc)
    with open(out) as f:
        total, per = parse_strace(f.read())
    if total is None:
        raise RuntimeError(f"no strace summary in {out}")
    top = sorted(per.items(), key=lambda kv: -kv[1])[:6]
    return total / count, {name: round(calls / count, 2) for name, calls in top}
