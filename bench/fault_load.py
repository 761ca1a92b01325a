"""The load of bench/faults.py and what one run of it comes to.

Load: keep-alive client threads, some with a session (JSESSIONID=<id>.<route>); every request
carries its own token and the answer must echo it, so an answer delivered to the wrong client
is seen (ajp-testd echoes it through `X-Testd: header=X-Token: <token>`, the Tomcat page
through the X-Token request header). summarise(): one run's row from its requests and from
when each node was sick.
"""
import collections
import http.client
import socket
import threading
import time
import uuid

CLIENT_TIMEOUT = 30.0   # per request

# One request as the client saw it; times relative to the load's start. route: the route of
# the session id it sent (None without one); token_ok: the answer carried no other request's
# token (None when it carried none and none was due: an error page of httpd's own); intact:
# a 2xx answer is one answer, the token once and the body expected (None when not a 2xx);
# cut: the answer had started (status line and headers) when the connection failed.
Req = collections.namedtuple("Req", "thread start end status node error route token_ok intact cut")

# Errors of a reused keep-alive connection that mean "closed before answering": a browser
# sends the request again on a new connection (only when no byte of an answer had come).
STALE = (http.client.RemoteDisconnected, ConnectionResetError, BrokenPipeError)


def route_of(session_id):
    return session_id.split(".", 1)[1] if session_id and "." in session_id else None


class Load:
    """len(cookies) keep-alive clients; cookies[i] is thread i's session id or None. A thread
    that has a session follows a Set-Cookie that rebinds it (Tomcat's JvmRouteBinderValve and
    ajp-testd --route rebind an id to the node that took it over after a failover); one without
    keeps sending none, so the lb's choice for new work stays visible."""

    def __init__(self, port, path, cookies, think, timeout=CLIENT_TIMEOUT, node_header="X-Backend", body=None):
        self.port, self.path, self.cookies, self.think, self.timeout = port, path, cookies, think, timeout
        self.node_header, self.body = node_header, body  # body: every 2xx answer's, when known
        self.done = threading.Event()
        self.results = [[] for _ in cookies]
        self.resent = [0] * len(cookies)
        self.t0 = None
        self.threads = []

    def start(self):
        self.t0 = time.monotonic()
        self.threads = [threading.Thread(target=self._client, args=(i,), daemon=True) for i in range(len(self.cookies))]
        for t in self.threads:
            t.start()

    def now(self):
        return time.monotonic() - self.t0

    def stop(self):
        self.done.set()
        for t in self.threads:
            t.join(self.timeout + 5)
        return [r for rs in self.results for r in rs]

    def answered_by(self, node, since):
        """Some request sent at or after `since` was answered well by `node`."""
        return any(r.start >= since and r.node == node and not r.error and 200 <= r.status < 300
                   for rs in self.results for r in list(rs))

    @staticmethod
    def _rebound(resp, cookie):
        for value in resp.headers.get_all("Set-Cookie") or []:
            if value.startswith("JSESSIONID="):
                return value.split(";", 1)[0][len("JSESSIONID="):]
        return cookie

    def _exchange(self, conn, headers):
        """One request on conn: (response or None, error or None); the response is set when
        its status line and headers came, even if the body then failed."""
        resp = None
        try:
            conn.request("GET", self.path, headers=headers)
            resp = conn.getresponse()
            resp.body = resp.read()
            return resp, None
        except (http.client.HTTPException, OSError) as e:
            return resp, e

    def _client(self, index):
        cookie = self.cookies[index]
        conn = None
        hard_stop = time.monotonic() + 3600  # bounded whatever happens
        while not self.done.is_set() and time.monotonic() < hard_stop:
            token = uuid.uuid4().hex
            headers = {"X-Token": token, "X-Testd": "header=X-Token: " + token}
            if cookie:
                headers["Cookie"] = "JSESSIONID=" + cookie
            sent_route = route_of(cookie)
            start = time.monotonic()
            for attempt in (0, 1):  # at most one resend
                reused = conn is not None
                if conn is None:
                    conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=self.timeout)
                resp, e = self._exchange(conn, headers)
                if e is None and not resp.will_close:
                    break
                conn.close()
                conn = None
                if e is not None and resp is None and attempt == 0 and reused and isinstance(e, STALE):
                    self.resent[index] += 1
                    continue
                break
            end = time.monotonic()
            status = resp.status if resp is not None else 0
            node = resp.getheader(self.node_header) if resp is not None else None
            # Every X-Token field of the answer (http.client joins repeated fields with ", ").
            echoed = (resp.getheader("X-Token") or "").split(", ") if resp is not None else [""]
            echoed = [t for t in echoed if t]
            # An answer without the token is wrong only when it came from the backend (2xx);
            # httpd's own 503 page carries none and is nobody else's answer.
            if echoed:
                token_ok = all(t == token for t in echoed)
            else:
                token_ok = False if 200 <= status < 300 else None
            # Our token more than once, or a body that is not the backend's: an answer spliced
            # from several attempts (mod_jk re-sends a request after part of an answer).
            intact = None
            if 200 <= status < 300 and e is None:
                intact = len(echoed) == 1 and (self.body is None or resp.body == self.body)
            error = None
            if e is not None:
                error = "timeout" if isinstance(e, socket.timeout) else type(e).__name__
            self.results[index].append(Req(index, start - self.t0, end - self.t0, status, node, error, sent_route,
                                           token_ok, intact, resp is not None and e is not None))
            if cookie and resp is not None:
                cookie = self._rebound(resp, cookie)
            self.done.wait(self.think)
        if conn is not None:
            conn.close()


def percentile(values, p):
    if not values:
        return None
    values = sorted(values)
    return values[min(len(values) - 1, int(round(p / 100.0 * (len(values) - 1))))]


def good(r):
    return not r.error and 200 <= r.status < 300


def first_good(results, node, since):
    """End of the first good answer (from `node`, or any node when None) to a request sent at
    or after `since`; None if there is none."""
    ends = [r.end for r in results if r.start >= since and good(r) and (node is None or r.node == node)]
    return min(ends) if ends else None


def summarise(results, fault, end, resent):
    """The row of one run. fault: "at" (s), "end" (None when it has no end), "sick"
    {node: (from, to)} (the node misbehaves, or is down, in that window), "recover" [(label,
    node or None, since)] (each: from `since` until `node` answers a request sent after it),
    "node" (the faulty node) and "alive" (it still exists during the fault, stopped or slow,
    so it may answer late what it was sent)."""
    fault_at, fault_end, sick = fault["at"], fault["end"], fault.get("sick", {})
    nodes = {"was1", "was2"}
    errors = [r for r in results if not good(r)]

    def all_sick(t):
        return all(n in sick and sick[n][0] <= t < sick[n][1] for n in nodes)

    # A node is trusted with its sessions again once it answers after its window: until then
    # an lb that sends its sessions elsewhere is failing over, not misrouting.
    unhealthy = {}
    for n, (since, until) in sick.items():
        back = first_good(results, n, until)
        unhealthy[n] = (since, back if back is not None else end)

    def wrong_node(r):
        if not r.route or not r.node or r.node == r.route:
            return False
        window = unhealthy.get(r.route)
        return window is None or r.end < window[0] or r.start > window[1]

    until = fault_end if fault_end is not None else end
    during = [r.end - r.start for r in results if fault_at <= r.start < until]
    node = fault.get("node", "was1")
    during_sticky = [r.end - r.start for r in results if fault_at <= r.start < until and r.route == node]
    after = [r.end - r.start for r in results if r.start >= fault_at]
    latencies = [r.end - r.start for r in results]
    worst = max(results, key=lambda r: r.end - r.start) if results else None
    kept = None
    if fault_end is not None:
        # Still answering (however late) requests sent in the fault's last 2 s: the lb kept it.
        kept = fault.get("alive", False) and any(good(r) and r.node == node and fault_end - 2.0 <= r.start < fault_end
                                                 for r in results)
    recover = []
    for label, who, since in fault.get("recover", []):
        t = first_good(results, who, since)
        recover.append({"label": label, "node": who, "since": round(since, 2),
                        "after": round(t - since, 3) if t is not None else None})
    per_second = {}
    for r in results:
        s = per_second.setdefault(int(r.start), {"requests": 0, "errors": 0, "by_node": {}, "max_latency": 0.0})
        s["requests"] += 1
        s["max_latency"] = round(max(s["max_latency"], r.end - r.start), 3)
        if not good(r):
            s["errors"] += 1
        elif r.node:
            s["by_node"][r.node] = s["by_node"].get(r.node, 0) + 1

    def rnd(v, n=4):
        return round(v, n) if v is not None else None

    return {
        "requests": len(results),
        "errors": len(errors),
        "errors_member_healthy": sum(1 for r in errors if not all_sick(r.start)),
        "errors_none_healthy": sum(1 for r in errors if all_sick(r.start)),
        "cut_mid_response": sum(1 for r in errors if r.cut),
        "timeouts": sum(1 for r in errors if r.error == "timeout"),
        "error_kinds": dict(collections.Counter(r.error or f"status {r.status}" for r in errors)),
        "wrong_node": sum(1 for r in results if wrong_node(r)),
        "wrong_client": sum(1 for r in results if r.token_ok is False),
        "spliced": sum(1 for r in results if r.intact is False),
        "resent": resent,
        "max_latency": round(max(latencies), 3) if latencies else None,
        "max_latency_started_at": round(worst.start, 2) if worst else None,
        "over_5s": sum(1 for v in latencies if v > 5.0),
        "p50_during": rnd(percentile(during, 50)),
        "p99_during": rnd(percentile(during, 99)),
        "p50_during_sticky": rnd(percentile(during_sticky, 50)),
        "p99_during_sticky": rnd(percentile(during_sticky, 99)),
        "p50_after": rnd(percentile(after, 50)),
        "p99_after": rnd(percentile(after, 99)),
        "fault_at": round(fault_at, 2),
        "fault_end": rnd(fault_end, 2),
        "sick": {n: [round(a, 2), round(b, 2)] for n, (a, b) in sick.items()},
        "recover": recover,
        "node_kept": kept,
        "run_secs": round(end, 1),
        "per_second": per_second,
    }
