"""The real mod_jk as the oracle: Debian's libapache2-mod-jk 1.2.48, loaded by its path into
the same minimal httpd that httpd.py writes for ajpgate (ModJkHttpd is an Httpd with another
jk_module), and its status worker read in the `cmd=list&mime=prop` format.

    with ModJkHttpd("JkWorkersFile workers.properties\\n...", workers=text) as h:
        keys = status_prop(h)          # [("worker.list", "lb"), ("worker.lb.type", "lb"), ...]

mod_jk reads workers.properties only when httpd starts (post_config): its `apache2 -t` checks
the directives alone. Whether mod_jk accepts a file is whether httpd starts.
"""
import os

from httpd import Httpd

MOD_JK = "/usr/lib/apache2/modules/mod_jk.so"

# What a status worker adds to a configuration (the file's own status worker is used instead
# when it has one in worker.list).
STATUS_WORKER = "jkstatus"
STATUS_PATH = "/jkstatus"


def available():
    return os.path.exists(MOD_JK)


class ModJkHttpd(Httpd):
    """An Httpd running the real mod_jk. Its shared memory file and log stay in the ServerRoot."""

    def __init__(self, conf, **kw):
        super().__init__("JkShmFile logs/jk.shm\n" + conf, jk_module=MOD_JK, **kw)


def starts(server, timeout=30):
    """Whether httpd starts and listens (then it is stopped again), and what it printed."""
    try:
        server.start(timeout=timeout)
    except (RuntimeError, TimeoutError) as e:
        server.stop()
        return False, str(e)
    server.stop()
    return True, server.read("logs/console.log") + server.error_log()


def parse_prop(text):
    """`key=value` lines of the properties output, in order, repeats kept."""
    pairs = []
    for line in text.splitlines():
        if not line or line.startswith("#") or "=" not in line:
            continue
        key, value = line.split("=", 1)
        pairs.append((key, value))
    return pairs


def status_prop(server, path=STATUS_PATH):
    """The status worker's `cmd=list&mime=prop` answer as (key, value) pairs; None unless it
    answers 200 with worker.result.type=OK."""
    status, _, body = server.get(path + "?cmd=list&mime=prop", timeout=10)
    if status != 200:
        return None
    pairs = parse_prop(body.decode("utf-8", "replace"))
    return pairs if ("worker.result.type", "OK") in pairs else None


# Keys whose values change from run to run or request to request (times, counters, runtime
# state, the server's own name and port), masked before two outputs are compared.
VOLATILE_SUFFIXES = (
    ".server_name", ".server_port", ".time_datetime", ".time_tz", ".time_unix", ".web_server",
    ".jk_version", "_ago", "_at", ".state", ".lbvalue", ".elected", ".sessions", ".errors",
    ".client_errors", ".reply_timeouts", ".transferred", ".read", ".busy", ".max_busy",
    ".connected", ".max_connected", ".time_to_recover_min", ".time_to_recover_max",
    ".time_to_maintenance_min", ".time_to_maintenance_max", ".used", ".map_count",
    ".good", ".degraded", ".bad", ".address", ".result.message",
)

# Where ajpgate differs from mod_jk on purpose (README: safe defaults), unless the file sets
# them: masked too.
DESIGN_DIFFERENCES = (".connection_pool_timeout", ".connect_timeout")


def model_lines(pairs):
    """The comparable model of one status output: sorted `key=value` lines, volatile values
    masked."""
    out = []
    for key, value in pairs:
        if key.endswith(VOLATILE_SUFFIXES) or key.endswith(DESIGN_DIFFERENCES):
            value = "*"
        out.append(f"{key}={value}")
    return sorted(out)


def compare_status_props(ours, theirs):
    """Differences between two status outputs' models, as readable lines (empty: the same
    workers, members, hosts, ports, lbfactors, routes and maps)."""
    mine, oracle = model_lines(ours), model_lines(theirs)
    only_ours = sorted(set(mine) - set(oracle))
    only_theirs = sorted(set(oracle) - set(mine))
    return [f"ajpgate only: {line}" for line in only_ours] + \
           [f"mod_jk only:  {line}" for line in only_theirs]
