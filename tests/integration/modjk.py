"""The real mod_jk as the oracle: Debian's libapache2-mod-jk 1.2.48, loaded by its path into
the same minimal httpd that httpd.py writes for ajpgate (ModJkHttpd is an Httpd with another
jk_module), and its status worker read in the `cmd=list&mime=prop` format.

    with ModJkHttpd("JkWorkersFile workers.properties\\n...", workers=text) as h:
        keys = status_prop(h)          # [("worker.list", "lb"), ("worker.lb.type", "lb"), ...]

mod_jk reads workers.properties only when httpd starts (post_config): its `apache2 -t` checks
the directives alone. Whether mod_jk accepts a file is whether httpd starts.
"""
import difflib
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


# Keys whose values change from run to run or request to request, or name the product
# (server name and port, times, the version strings), masked before two outputs are compared.
# Counters, states, addresses, ratings and maps are compared: nothing has been served yet.
VOLATILE_SUFFIXES = (
    ".server_name", ".server_port", ".time_datetime", ".time_tz", ".time_unix", ".web_server",
    ".jk_version", "_ago", "_at", ".time_to_maintenance_min", ".time_to_maintenance_max",
)

# Where ajpgate differs from mod_jk on purpose (README: safe defaults: connections idle 300 s
# are closed, and a new connection is CPINGed, so connect_timeout shows the ping timeout),
# masked too. A file that sets them explicitly gets mod_jk's values and is compared.
DESIGN_DIFFERENCES_KEYS = ("connection_pool_timeout", "connect_timeout")
DESIGN_DIFFERENCES = tuple("." + key for key in DESIGN_DIFFERENCES_KEYS)


def model_lines(pairs, explicit=()):
    """The comparable model of one status output: `key=value` lines in their order, volatile
    values masked. `explicit`: key suffixes the configuration sets itself (not masked)."""
    out = []
    for key, value in pairs:
        masked = key.endswith(VOLATILE_SUFFIXES) or (key.endswith(DESIGN_DIFFERENCES) and
                                                      not key.endswith(tuple(explicit)))
        out.append(f"{key}={'*' if masked else value}")
    return out


def compare_status_props(ours, theirs, explicit=()):
    """Differences between two status outputs, keys and order included, as diff lines
    (empty: the same workers, members, hosts, ports, lbfactors, routes and maps, in the
    same order with the same spellings)."""
    mine, oracle = model_lines(ours, explicit), model_lines(theirs, explicit)
    if mine == oracle:
        return []
    return [line for line in difflib.unified_diff(oracle, mine, "mod_jk", "ajpgate", lineterm="", n=1)]
