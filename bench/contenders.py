"""Writes one httpd configuration per contender, identical except for the module under test.

Every contender is its own httpd instance (Debian's /usr/sbin/apache2) with the same MPM
settings, so the only difference between two rows of the report is the connector.
"""
import os
import pwd

MODULES = "/usr/lib/apache2/modules"
CONTENDERS = ["ajpgate-lb", "ajpgate-single", "modjk-lb", "modjk-single",
              "proxy-balancer", "proxy-single", "static"]
# Which contender a proxying contender is compared with ("same topology").
PEER = {"ajpgate-lb": "modjk-lb", "ajpgate-single": "modjk-single",
        "proxy-balancer": "modjk-lb", "proxy-single": "modjk-single"}
URL_PATH = "/app/body"

# Identical for every contender: event MPM, one child of 64 threads, no access log.
# MaxKeepAliveRequests 0 keeps wrk's 16 connections open for the whole run.
COMMON = """ServerRoot {dir}
Listen 127.0.0.1:{port}
PidFile {dir}/logs/httpd.pid
DefaultRuntimeDir {dir}/logs
ErrorLog {dir}/logs/error_log
LogLevel warn
ServerName localhost
User {user}
Group {group}
LoadModule mpm_event_module {mods}/mod_mpm_event.so
LoadModule authz_core_module {mods}/mod_authz_core.so
StartServers 1
ServerLimit 1
ThreadsPerChild 64
ThreadLimit 64
MaxRequestWorkers 64
MinSpareThreads 1
MaxSpareThreads 128
KeepAlive On
MaxKeepAliveRequests 0
DocumentRoot {dir}/htdocs
# mmap + munmap per static request (EnableMMAP's default) costs a TLB shootdown across the
# 64 threads: it made the ceiling 2-3x slower than the proxies on this machine. sendfile
# serves the file in one syscall instead of 8 KiB read()s (the proxies never send files).
EnableMMAP Off
EnableSendfile On
# Debian's httpd defaults to AllowOverride All: 9 .htaccess probes per static request.
<Directory />
  AllowOverride None
</Directory>
"""

MEMBERS = """worker.was1.type=ajp13
worker.was1.host=127.0.0.1
worker.was1.port={p1}
worker.was1.lbfactor=1
worker.was2.type=ajp13
worker.was2.host=127.0.0.1
worker.was2.port={p2}
worker.was2.lbfactor=1
"""


def run_user():
    """httpd refuses to run its children as root: use www-data then."""
    if os.getuid() != 0:
        name = pwd.getpwuid(os.getuid()).pw_name
        return name, name
    return ("www-data", "www-data")


def jk_lines(module_path, lb, p1, p2, directory):
    """mod_jk and ajpgate read the same directives: that is the point of a drop-in."""
    # The lb's members are named after the routes (was1, was2) as mod_jk expects.
    mount = "lb" if lb else "was1"
    props = f"worker.list={mount}\n"
    if lb:
        props += "worker.lb.type=lb\nworker.lb.balance_workers=was1,was2\n"
    members = MEMBERS.format(p1=p1, p2=p2)
    # ajpgate warns about defined-but-unused workers: the single contender defines was1 only.
    props += members if lb else "\n".join(l for l in members.splitlines() if "was2" not in l) + "\n"
    with open(os.path.join(directory, "workers.properties"), "w") as f:
        f.write(props)
    return (f"LoadModule jk_module {module_path}\n"
            f"JkWorkersFile {directory}/workers.properties\n"
            f"JkShmFile {directory}/logs/jk-runtime-status\n"
            f"JkLogFile {directory}/logs/mod_jk.log\n"
            "JkLogLevel error\n"
            f"JkMount /app/* {mount}\n")


def proxy_lines(lb, p1, p2):
    mods = "".join(f"LoadModule {m}_module {MODULES}/mod_{m}.so\n"
                   for m in ("proxy", "proxy_ajp", "proxy_balancer", "lbmethod_byrequests", "slotmem_shm"))
    if not lb:
        return mods + f"ProxyPass /app/ ajp://127.0.0.1:{p1}/app/\n"
    return mods + (
        "<Proxy balancer://cluster>\n"
        f"  BalancerMember ajp://127.0.0.1:{p1} route=was1\n"
        f"  BalancerMember ajp://127.0.0.1:{p2} route=was2\n"
        "  ProxySet stickysession=JSESSIONID|jsessionid lbmethod=byrequests\n"
        "</Proxy>\n"
        "ProxyPass /app/ balancer://cluster/app/\n")


def static_body(size):
    """The bytes ajp-testd sends in fixed mode: 'a'..'z' repeating."""
    alphabet = b"abcdefghijklmnopqrstuvwxyz"
    return (alphabet * (size // 26 + 1))[:size]


def save_conf(directory, conf, static_size=None):
    """Writes <directory>/httpd.conf and returns its path; with `static_size`, also the static
    twin of the proxied body (htdocs/app/body), which httpd serves itself."""
    if static_size is not None:
        os.makedirs(os.path.join(directory, "htdocs", "app"), exist_ok=True)
        with open(os.path.join(directory, "htdocs", "app", "body"), "wb") as f:
            f.write(static_body(static_size))
    path = os.path.join(directory, "httpd.conf")
    with open(path, "w") as f:
        f.write(conf)
    return path


def write(contender, directory, port, backend_ports, body_size, ajpgate_so):
    """Writes <directory>/httpd.conf for one contender; returns the conf's path."""
    user, group = run_user()
    for sub in ("logs", "htdocs/app"):
        os.makedirs(os.path.join(directory, sub), exist_ok=True)
    # The children (www-data) write callgrind dumps and the jk shm under logs/.
    os.chmod(os.path.join(directory, "logs"), 0o777)
    os.chmod(directory, 0o755)
    p1, p2 = backend_ports
    conf = COMMON.format(dir=directory, port=port, user=user, group=group, mods=MODULES)
    lb = contender.endswith("-lb") or contender == "proxy-balancer"
    if contender.startswith("ajpgate"):
        conf += jk_lines(ajpgate_so, lb, p1, p2, directory)
    elif contender.startswith("modjk"):
        conf += jk_lines(f"{MODULES}/mod_jk.so", lb, p1, p2, directory)
    elif contender.startswith("proxy"):
        conf += proxy_lines(lb, p1, p2)
    elif contender != "static":
        raise ValueError(f"unknown contender {contender}")
    return save_conf(directory, conf, body_size if contender == "static" else None)
