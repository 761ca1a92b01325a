"""Starting and stopping the benchmark's processes, every wait bounded.

Each started pid is also appended to <run>/pids so bench/run.sh's trap can stop
whatever is left if this process dies without cleaning up.
"""
import os
import signal
import socket
import subprocess
import time

APACHE = "/usr/sbin/apache2"


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_for(predicate, timeout, step=0.1):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return True
        time.sleep(step)
    return False


def port_open(port):
    try:
        with socket.create_connection(("127.0.0.1", port), timeout=0.5):
            return True
    except OSError:
        return False


class Procs:
    """The processes of one run; stop_all() ends them (TERM, then KILL after a timeout)."""

    def __init__(self, run_dir):
        self.run_dir = run_dir
        self.live = []

    def start(self, argv, log_path):
        log = open(log_path, "ab")
        # A session of its own: prefork's parent signals its whole process group at shutdown,
        # which would otherwise include this script.
        proc = subprocess.Popen(argv, stdout=log, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL,
                                start_new_session=True)
        log.close()
        with open(os.path.join(self.run_dir, "pids"), "a") as f:
            f.write(f"{proc.pid}\n")
        self.live.append(proc)
        return proc

    def stop(self, proc, timeout=20, sig=signal.SIGTERM):
        if proc.poll() is None:
            proc.send_signal(sig)
            try:
                proc.wait(timeout)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait(5)
        if proc in self.live:
            self.live.remove(proc)
        return proc.returncode

    def stop_all(self):
        for proc in list(self.live):
            self.stop(proc, timeout=10)


def start_backends(procs, testd, run_dir, size):
    """Two ajp-testd in fixed mode; X-Backend tells which one answered (same length for both)."""
    ports = []
    for name in ("was1", "was2"):
        ready = os.path.join(run_dir, f"{name}.port")
        if os.path.exists(ready):
            os.unlink(ready)
        procs.start([testd, "--port", "0", "--ready-file", ready, "--quiet", "--size", str(size),
                     "--header", f"X-Backend:{name}"], os.path.join(run_dir, f"{name}.log"))
        if not wait_for(lambda: os.path.exists(ready) and os.path.getsize(ready) > 0, 10):
            raise RuntimeError(f"ajp-testd {name} did not become ready in 10 s (see {run_dir}/{name}.log)")
        with open(ready) as f:
            ports.append(int(f.read().strip()))
    return ports


def start_httpd(procs, conf, port, prefix=(), single=False, timeout=30):
    """httpd in the foreground (its pid is ours to stop); single=True is `-X` (one process)."""
    argv = list(prefix) + [APACHE, "-f", conf] + (["-X"] if single else ["-DFOREGROUND"])
    log = os.path.join(os.path.dirname(conf), "logs", "console.log")
    proc = procs.start(argv, log)
    if not wait_for(lambda: port_open(port) or proc.poll() is not None, timeout, 0.2) or proc.poll() is not None:
        procs.stop(proc)
        what = (f"exited with status {proc.returncode}" if proc.returncode is not None and proc.returncode >= 0
                else f"did not listen on {port} within {timeout} s")
        raise RuntimeError(f"httpd ({conf}) {what}: see {log} and {os.path.dirname(conf)}/logs/error_log")
    return proc
