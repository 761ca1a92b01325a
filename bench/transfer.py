"""One large HTTP transfer through curl while the httpd child's memory is watched
(bench/scale_bodies.py).

The child's VmRSS is sampled every 100 ms; before the transfer its peak counter is reset
(`clear_refs` 5), so VmHWM afterwards is that transfer's exact peak, however short it was.
"""
import os
import re
import subprocess
import threading

CURL_W = "%{http_code} %{size_download} %{size_upload} %{time_starttransfer} %{time_total}"


def child_pid(parent):
    found = subprocess.run(["pgrep", "-P", str(parent)], capture_output=True, text=True).stdout.split()
    return int(found[0]) if len(found) == 1 else None


def status_kib(pid, field):
    try:
        with open(f"/proc/{pid}/status") as f:
            return int(re.search(rf"^{field}:\s+(\d+)", f.read(), re.M).group(1))
    except (OSError, AttributeError):
        return None


class Sampler(threading.Thread):
    """VmRSS of one pid every `step` seconds until stopped; keeps the largest."""

    def __init__(self, pid, step=0.1):
        super().__init__(daemon=True)
        self.pid, self.step, self.peak, self.samples = pid, step, 0, 0
        self.done = threading.Event()

    def run(self):
        while not self.done.is_set():
            rss = status_kib(self.pid, "VmRSS")
            if rss is not None:
                self.peak, self.samples = max(self.peak, rss), self.samples + 1
            self.done.wait(self.step)


def curl(where, direction, size, body_file, mode, run_dir, timeout):
    """One transfer through curl; returns its figures, or an error string inside them."""
    headers = os.path.join(run_dir, "curl.headers")
    answer = os.path.join(run_dir, "curl.body")
    argv = ["curl", "-sS", "--max-time", str(timeout), "-o", "/dev/null" if direction == "down" else answer,
            "-D", headers, "-w", CURL_W, "-H", "Expect:"]  # no 100-continue round trip
    if mode:
        argv += ["-H", f"X-Testd: {mode}"]
    stdin = subprocess.DEVNULL
    if direction == "up":
        argv += ["-X", "POST", "-T", body_file]  # -T streams; --data-binary @f would load 1 GiB
    elif direction == "up-chunked":
        argv += ["-X", "POST", "-T", "-", "-H", "Transfer-Encoding: chunked"]
        stdin = open(body_file, "rb")
    try:
        done = subprocess.run(argv + [where], stdin=stdin, capture_output=True,
                              text=True, timeout=timeout + 30)
    finally:
        if stdin is not subprocess.DEVNULL:
            stdin.close()
    out = {"error": None}
    try:
        code, down, up, ttfb, total = done.stdout.split()
        out.update(status=int(code), bytes_down=int(down), bytes_up=int(up), ttfb_s=float(ttfb), secs=float(total))
    except ValueError:
        out["error"] = f"curl exit {done.returncode}: {done.stderr.strip()[:200]}"
        return out
    moved = out["bytes_down"] if direction == "down" else out["bytes_up"]
    # curl counts a chunked upload's framing too: the echo check tells the body's own length.
    short = moved < size if direction == "up-chunked" else moved != size
    if done.returncode != 0 or out["status"] != 200 or short:
        out["error"] = f"curl exit {done.returncode}, status {out['status']}, {moved} of {size} bytes"
    with open(headers, errors="replace") as f:
        out["headers"] = f.read()
    if direction != "down":
        with open(answer, errors="replace") as f:
            out["answer"] = f.read(4096)
    return out


def transfer(child, where, direction, size, body_file, mode, run_dir, timeout):
    """A curl transfer with the child's RSS watched: sampled peak and exact VmHWM (KiB)."""
    try:
        with open(f"/proc/{child}/clear_refs", "w") as f:
            f.write("5")  # resets VmHWM to the current RSS (Linux >= 4.0, needs root or the owner)
        hwm_reset = True
    except OSError:
        hwm_reset = False
    before = status_kib(child, "VmRSS")
    sampler = Sampler(child)
    sampler.start()
    try:
        out = curl(where, direction, size, body_file, mode, run_dir, timeout)
    finally:
        sampler.done.set()
        sampler.join(5)
    out.update(rss_before_kib=before, rss_peak_sampled_kib=sampler.peak, samples=sampler.samples,
               hwm_kib=status_kib(child, "VmHWM") if hwm_reset else None, alive=os.path.exists(f"/proc/{child}"))
    if not out["alive"] and not out["error"]:
        out["error"] = "httpd child gone"
    return out
