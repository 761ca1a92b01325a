"""Runs the real Debian apache2 with ajpgate's mod_jk.so from the build tree (or, given
`jk_module`, another mod_jk.so: modjk.py runs Debian's real one with it).

Each Httpd gets its own ServerRoot in a scratch directory, a config written here (MPM, the
few modules a test needs, the jk module by path), and a free port on 127.0.0.1. When the
module was built with sanitizers, their runtimes are preloaded into httpd so it runs checked.
"""
import os
import pwd
import subprocess
import urllib.request

import harness

APACHE2 = "/usr/sbin/apache2"
MODULES = "/usr/lib/apache2/modules"


def module_path():
    return os.path.join(harness.build_dir(), "modules", ".libs", "mod_jk.so")


def sanitizer_env(module=None):
    """LD_PRELOAD for a module linked against ASan/UBSan (httpd itself is not)."""
    try:
        out = subprocess.run(["ldd", module or module_path()], capture_output=True, text=True,
                             timeout=10).stdout
    except (OSError, subprocess.SubprocessError):
        return {}
    libs = [line.split("=>")[1].split()[0] for line in out.splitlines()
            if "=>" in line and ("libasan" in line or "libubsan" in line)]
    if not libs:
        return {}
    libs.sort(key=lambda p: 0 if "libasan" in p else 1)  # ASan's runtime must come first
    return {"LD_PRELOAD": " ".join(libs),
            # httpd's own allocations are not ours to judge; the module's errors still abort.
            "ASAN_OPTIONS": "detect_leaks=0:abort_on_error=1:halt_on_error=1",
            "UBSAN_OPTIONS": "print_stacktrace=1:halt_on_error=1"}


def run_user():
    for name in ("www-data", "nobody"):
        try:
            pwd.getpwnam(name)
            return name
        except KeyError:
            continue
    return "nobody"


class Httpd:
    """conf: the test's own directives (JkWorkersFile, JkMount, <VirtualHost> ...), appended
    to a minimal httpd.conf. workers: text of workers.properties (written as
    workers.properties in the ServerRoot), or None. files: {relative path: text} to create.
    jk_module: the mod_jk.so to load (default: ours from the build tree)."""

    def __init__(self, conf, workers=None, files=None, modules=("authz_core",), mpm="event",
                 log_level="info", threads=16, processes=2, jk_module=None):
        self.jk_module = jk_module or module_path()
        self.dir = harness.scratch_dir("httpd")
        os.chmod(self.dir, 0o755)  # the children run as the httpd user and may read files here
        os.makedirs(os.path.join(self.dir, "logs"))
        os.makedirs(os.path.join(self.dir, "htdocs"))
        self.port = harness.free_port()
        self.process = None
        if workers is not None:
            self.write("workers.properties", workers)
        for path, text in (files or {}).items():
            self.write(path, text)
        user = run_user()
        mpm_conf = (f"StartServers {processes}\nThreadsPerChild {threads}\nMaxRequestWorkers {threads * processes}\n"
                    f"ServerLimit {processes}\nMinSpareThreads 1\nMaxSpareThreads {threads * processes}\n"
                    if mpm != "prefork" else "StartServers 2\nMaxRequestWorkers 8\n")
        loads = "\n".join(f"LoadModule {m}_module {MODULES}/mod_{m}.so" for m in modules)
        self.conf_path = self.write("httpd.conf", f"""ServerRoot {self.dir}
Listen 127.0.0.1:{self.port}
PidFile {self.dir}/logs/httpd.pid
ErrorLog {self.dir}/logs/error_log
LogLevel {log_level}
LoadModule mpm_{mpm}_module {MODULES}/mod_mpm_{mpm}.so
{mpm_conf}{loads}
LoadModule jk_module {self.jk_module}
User {user}
Group {'www-data' if user == 'www-data' else 'nogroup'}
ServerName localhost
DocumentRoot {self.dir}/htdocs
{conf}
""")

    def write(self, path, text):
        full = os.path.join(self.dir, path)
        os.makedirs(os.path.dirname(full), exist_ok=True)
        with open(full, "w", newline="") as f:  # a test's CRLF stays CRLF
            f.write(text)
        os.chmod(full, 0o644)
        return full

    def env(self):
        env = dict(os.environ)
        env.update(sanitizer_env(self.jk_module))
        return env

    def check_syntax(self):
        """`apache2 -t`: (exit code, what it printed)."""
        r = subprocess.run([APACHE2, "-f", self.conf_path, "-t"], capture_output=True, text=True,
                           env=self.env(), timeout=60)
        return r.returncode, r.stdout + r.stderr

    def start(self, timeout=30):
        self.process = harness.Process([APACHE2, "-f", self.conf_path, "-DFOREGROUND"],
                                       os.path.join(self.dir, "logs", "console.log"), env=self.env())
        harness.wait_until(lambda: harness.port_open(self.port) or not self.process.alive(), timeout,
                           what="httpd to listen")
        if not self.process.alive():
            raise RuntimeError("httpd did not start:\n" + self.process.log_text() + self.error_log())
        return self

    def url(self, path):
        return f"http://127.0.0.1:{self.port}{path}"

    def get(self, path, headers=None, data=None, method=None, timeout=20):
        """(status, headers, body) of one request; HTTP errors are answers, not exceptions."""
        req = urllib.request.Request(self.url(path), data=data, headers=headers or {}, method=method)
        try:
            with urllib.request.urlopen(req, timeout=timeout) as r:
                return r.status, r.headers, r.read()
        except urllib.error.HTTPError as e:
            return e.code, e.headers, e.read()

    def read(self, path):
        try:
            with open(os.path.join(self.dir, path), errors="replace") as f:
                return f.read()
        except OSError:
            return ""

    def error_log(self):
        return self.read("logs/error_log")

    def stop(self):
        if self.process:
            self.process.stop(timeout=15)
            self.process = None

    def __enter__(self):
        return self.start()

    def __exit__(self, *exc):
        self.stop()


def vm_rss_kib(pid):
    try:
        with open(f"/proc/{pid}/status") as f:
            for line in f:
                if line.startswith("VmRSS:"):
                    return int(line.split()[1])
    except OSError:
        pass
    return 0


def children_of(pid):
    kids = []
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            with open(f"/proc/{entry}/stat") as f:
                fields = f.read().rsplit(")", 1)[1].split()
        except OSError:
            continue
        if int(fields[1]) == pid:
            kids.append(int(entry))
    return kids
