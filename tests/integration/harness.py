"""Process and port helpers shared by the integration suites.

Every server a test starts binds to 127.0.0.1 on a port picked here, logs into a file under
the test's own directory, and is stopped by the test (terminate, then kill after a bound)."""
import atexit
import os
import signal
import socket
import subprocess
import tempfile
import time


def free_port():
    """A TCP port that was free on 127.0.0.1 a moment ago (the OS picks it)."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_until(predicate, timeout, interval=0.05, what="condition"):
    """Polls predicate() until it returns a truthy value or timeout seconds pass."""
    deadline = time.monotonic() + timeout
    while True:
        value = predicate()
        if value:
            return value
        if time.monotonic() >= deadline:
            raise TimeoutError(f"timed out after {timeout}s waiting for {what}")
        time.sleep(interval)


def port_open(port, host="127.0.0.1"):
    try:
        with socket.create_connection((host, port), timeout=0.5):
            return True
    except OSError:
        return False


def read_to_end(sock):
    """Everything the peer sends until it closes the connection."""
    data = b""
    while True:
        chunk = sock.recv(65536)
        if not chunk:
            return data
        data += chunk


def build_dir():
    """The build tree the suites test (set by scripts/test.sh)."""
    root = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
    return os.environ.get("AJPGATE_BUILD", os.path.join(root, "build", "test"))


def scratch_dir(prefix):
    return tempfile.mkdtemp(prefix=f"ajpgate-{prefix}-")


_live = set()


def stop_all():
    """Stops every process a suite started and did not stop (a setUpClass that failed half
    way, an interrupted run): nothing a test started outlives the run."""
    leftovers = list(_live)
    for process in leftovers:
        process.stop(timeout=5)
    # Servers shared by the whole run on purpose end here too, but are no leak.
    return [" ".join(p.argv[:3]) for p in leftovers if not p.shared_by_run]


atexit.register(stop_all)


class Process:
    """A child process whose output goes to a log file; stopped for sure by stop() (or by
    stop_all() at the end of the run)."""

    def __init__(self, argv, log_path, env=None, cwd=None):
        self.argv = argv
        self.log_path = log_path
        self.shared_by_run = False  # set for servers kept for the whole test run on purpose
        self._log = open(log_path, "ab")
        self.proc = subprocess.Popen(argv, stdout=self._log, stderr=subprocess.STDOUT,
                                     stdin=subprocess.DEVNULL, env=env, cwd=cwd,
                                     start_new_session=True)
        _live.add(self)

    def alive(self):
        return self.proc.poll() is None

    def log_text(self):
        try:
            with open(self.log_path, "r", errors="replace") as f:
                return f.read()
        except OSError:
            return ""

    def stop(self, timeout=10.0):
        _live.discard(self)
        if self.proc.poll() is None:
            try:
                os.killpg(self.proc.pid, signal.SIGTERM)
            except ProcessLookupError:
                pass
            try:
                self.proc.wait(timeout=timeout)
            except subprocess.TimeoutExpired:
                os.killpg(self.proc.pid, signal.SIGKILL)
                self.proc.wait(timeout=5)
        if not self._log.closed:
            self._log.close()
        return self.proc.returncode
