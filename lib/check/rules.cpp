// The rule table. Texts are written for the administrator who reads them at 3 a.m.: what
// goes wrong for users, then what to change. Facts about Tomcat are those of Tomcat 9.0.31
// and later (10.x, 11.x) unless a text says otherwise.
#include "check/rules.hpp"

#include <algorithm>
#include <array>
#include <cctype>

namespace ajpgate::check {
namespace {

constexpr std::array kRules{
    // 0xx: the configuration files themselves.
    Rule{"JKC001", "config-error", Severity::error, "httpd's side does not parse",
         "workers.properties, a JkWorkerProperty line or a Jk directive is refused by the parser "
         "ajpgate itself uses: httpd would not start (or, for a warning, would start with what mod_jk "
         "makes of it).",
         "Fix the line named in the message; `apachectl -t` reports the same."},
    Rule{"JKC002", "tomcat-read", Severity::warning, "part of a Tomcat node could not be read",
         "A ${property} with no value, an entity that would need the network, or a context or web.xml "
         "file that does not parse. The checks that need it are skipped for that part.",
         "Give the property (catalina.properties or -Dname=value), make the file local or fix it."},
    // 1xx: which node is which.
    Rule{"JKC101", "route-missing", Severity::error, "the node has no jvmRoute",
         "Tomcat appends '.<jvmRoute>' to every session id; without it a session id carries no route, "
         "so the balancer cannot keep a session on the node that holds it: each request of a session "
         "may land on any member.",
         "Set <Engine jvmRoute=\"ROUTE\"> to the member's route (worker.NAME.route, default: the worker's name)."},
    Rule{"JKC102", "route-mismatch", Severity::error, "the member's route differs from the node's jvmRoute",
         "Session ids end in '.<jvmRoute>', which no member's route matches: stickiness is lost, every "
         "request of a session is balanced anew, and without replication the user is logged out.",
         "Make worker.NAME.route (default: the worker's name) and <Engine jvmRoute> the same."},
    Rule{"JKC103", "route-duplicate", Severity::error, "two nodes share one jvmRoute",
         "Session ids from both nodes name the same route, so the balancer sends both nodes' sessions to "
         "one member; the other node's users lose their sessions on their next request.",
         "Give every node its own jvmRoute, and every member the matching route."},
    Rule{"JKC104", "route-dot", Severity::warning, "a route contains '.'",
         "The route is read from the session id after its first '.'. ajpgate and mod_jk then read "
         "'a.b' whole, but anything that splits the id at its last '.' (log analysers, other front ends, "
         "some session id generators) reads a different route.",
         "Use letters, digits, '-' and '_' in routes and jvmRoutes."},
    Rule{"JKC105", "member-without-node", Severity::info, "a member matches none of the given nodes",
         "No --node has an AJP connector on the member's port (or is named after it), so the member's "
         "side of every check is skipped.",
         "Name the node: --node NAME=CATALINA_BASE, with NAME the worker's name or its route."},
    Rule{"JKC106", "node-without-member", Severity::warning, "a node is not a member of any worker",
         "The node was given but no ajp13 worker points at its AJP connector: it gets no traffic from "
         "this httpd.",
         "Add a worker for it (host, port, route) and list it in the lb's balance_workers, or drop --node."},
    // 2xx: the AJP connector.
    Rule{"JKC201", "connector-missing", Severity::error, "no connector on the member's port",
         "The member's port is none of the node's connectors: every connect is refused and the member "
         "is put in error.",
         "Point worker.NAME.port at the node's <Connector protocol=\"AJP/1.3\" port>."},
    Rule{"JKC202", "connector-not-ajp", Severity::error, "the member's port is not an AJP connector",
         "The port speaks HTTP, not AJP13: Tomcat answers the CPING or the forwarded request with an "
         "HTTP 400 that the connector cannot read, and the member is put in error.",
         "Use the port of the AJP connector (protocol=\"AJP/1.3\", often 8009), not the HTTP one."},
    Rule{"JKC203", "connector-loopback", Severity::error, "the AJP connector listens on loopback only",
         "Since Tomcat 9.0.31 an AJP connector without `address` listens on the loopback address only; "
         "an httpd on another host is refused.",
         "Set address=\"<the node's address httpd reaches>\" on the AJP connector, and a secret."},
    Rule{"JKC204", "connector-disabled", Severity::error, "the AJP connector is disabled",
         "<Connector enabled=\"false\"> is never started: every connect is refused.",
         "Remove enabled=\"false\" or point the member at a connector that runs."},
    Rule{"JKC210", "secret-mismatch", Severity::error, "the member's secret differs from the connector's",
         "Tomcat compares the secret of every request with its own and answers 403 to each one that differs.",
         "Make worker.NAME.secret (or the lb's secret) and the connector's secret the same."},
    Rule{"JKC211", "secret-not-sent", Severity::error, "the connector requires a secret httpd does not send",
         "Every request arrives without the secret and Tomcat answers 403.",
         "Set worker.NAME.secret (or the lb's secret) to the connector's secret."},
    Rule{"JKC212", "secret-required-unset", Severity::error, "the connector requires a secret but has none",
         "Since Tomcat 9.0.31 secretRequired is true by default, and an AJP connector with "
         "secretRequired=\"true\" and no secret fails to start (IllegalArgumentException in the log). "
         "Its port stays bound, so connects succeed but nothing ever answers: each request waits for "
         "the CPING or reply timeouts, then the member is put in error (seen with Tomcat 10.1).",
         "Set secret=\"...\" on the connector and the same worker.NAME.secret, or (only on a private "
         "network) secretRequired=\"false\"."},
    Rule{"JKC213", "secret-ignored", Severity::warning, "httpd sends a secret the connector does not check",
         "The connector has no secret and secretRequired=\"false\": it accepts every request, with or "
         "without the secret. The secret protects nothing.",
         "Set the same secret on the connector."},
    Rule{"JKC214", "public-without-secret", Severity::warning, "the AJP port is reachable without a secret",
         "The connector listens beyond loopback and accepts requests without a secret: anyone who reaches "
         "the port can send requests as if from httpd, with any remote address or user (Ghostcat, CVE-2020-1938).",
         "Set a secret on the connector and in workers.properties, and keep the port off public networks."},
    Rule{"JKC215", "trusted-user-without-secret", Severity::warning,
         "tomcatAuthentication=\"false\" without a secret",
         "Tomcat trusts the user name httpd passes; without a secret anyone reaching the port can claim "
         "any user.",
         "Set a secret on the connector and in workers.properties."},
    Rule{"JKC220", "packet-size", Severity::error, "max_packet_size and packetSize differ",
         "Each side refuses packets larger than its own size. With Tomcat's packetSize larger, a response "
         "with large headers is refused by httpd (502); with httpd's larger, a request whose headers do not "
         "fit Tomcat's packetSize gets 400 from Tomcat (its log: \"Header message of length ... received but "
         "the packetSize is only ...\").",
         "Set worker.NAME.max_packet_size and the connector's packetSize to the same value."},
    Rule{"JKC221", "redirect-port", Severity::info, "redirectPort is not httpd's HTTPS port",
         "A CONFIDENTIAL security constraint redirects plain requests to redirectPort (default 8443) on "
         "the host the client used, which is httpd's: httpd usually serves HTTPS on 443.",
         "Set redirectPort=\"443\" (or httpd's HTTPS port) on the AJP connector."},
    // 3xx: timeouts and capacity.
    Rule{"JKC301", "pool-timeout", Severity::warning, "httpd keeps idle connections longer than Tomcat",
         "Tomcat closes an idle AJP connection after keepAliveTimeout (default: connectionTimeout) "
         "milliseconds; httpd keeps it for connection_pool_timeout seconds (0: for ever). The next request "
         "on a connection Tomcat closed fails and is sent again, and with recovery options set it may fail "
         "for the user.",
         "Set worker.NAME.connection_pool_timeout (seconds) to at most the connector's keepAliveTimeout "
         "(or connectionTimeout) in milliseconds / 1000, e.g. 600 and 600000."},
    Rule{"JKC302", "threads", Severity::warning, "httpd can send more requests at once than Tomcat has threads",
         "httpd's MaxRequestWorkers can all be forwarded to one member (when the others are down); "
         "Tomcat processes maxThreads at a time and queues the rest, so answers slow down and a "
         "reply_timeout may put a healthy member in error.",
         "Raise maxThreads (or the Executor's), or lower MaxRequestWorkers or the member's busy_limit."},
    Rule{"JKC303", "connections", Severity::warning, "httpd can open more connections than Tomcat accepts",
         "Each httpd child keeps a pool of up to connection_pool_size connections to each member; Tomcat "
         "accepts maxConnections, and the rest wait in the accept queue until connect timeouts fire.",
         "Raise maxConnections, or lower connection_pool_size (or the number of httpd children)."},
    Rule{"JKC310", "env-var-not-allowed", Severity::error, "a JkEnvVar name is not allowed by the connector",
         "Since Tomcat 9.0.31 an AJP connector answers 403 to a request carrying an attribute it does not "
         "recognise unless allowedRequestAttributesPattern matches its name: every request for which httpd "
         "sets the variable is refused.",
         "Add the name to the connector's allowedRequestAttributesPattern (a Java regular expression "
         "matched against the whole name), or remove the JkEnvVar."},
    // 4xx: sessions and the cluster.
    Rule{"JKC401", "session-cookie", Severity::error, "the lb reads a different session cookie than the application sets",
         "The lb takes the route from session_cookie (default JSESSIONID) and session_path (default "
         ";jsessionid); the application names its cookie otherwise, so no request is ever sticky.",
         "Set worker.LB.session_cookie (and session_path) to the application's cookie name."},
    Rule{"JKC402", "no-cluster", Severity::warning, "several members, no session replication",
         "Without a <Cluster> a session lives on one node only: when it stops, its users lose their "
         "sessions (and with sticky_session=false they lose them on any request that lands elsewhere).",
         "Add a <Cluster> (SimpleTcpCluster with DeltaManager) to each node and <distributable/> to the "
         "application, or accept that failover logs users out."},
    Rule{"JKC403", "manager-not-replicated", Severity::error, "a context's Manager replaces the cluster's",
         "A <Manager> in a Context that is not a cluster manager (DeltaManager, BackupManager) takes the "
         "place of the cluster's: that application's sessions are not replicated.",
         "Remove the Context's <Manager>, or make it a DeltaManager or BackupManager."},
    Rule{"JKC404", "binder-valve-missing", Severity::error, "the cluster has no JvmRouteBinderValve",
         "Writing any <Valve> inside <Cluster> replaces Tomcat's default valves. Without JvmRouteBinderValve "
         "a session that failed over keeps the dead node's route, so every one of its requests is a "
         "failover, and it goes back to the old node when that returns.",
         "Add <Valve className=\"org.apache.catalina.ha.session.JvmRouteBinderValve\"/> inside <Cluster>."},
    Rule{"JKC405", "replication-valve-missing", Severity::error, "the cluster has no ReplicationValve",
         "Writing any <Valve> inside <Cluster> replaces Tomcat's default valves. Without ReplicationValve "
         "the changes a request makes to its session are not sent to the other nodes.",
         "Add <Valve className=\"org.apache.catalina.ha.tcp.ReplicationValve\" filter=\"\"/> inside <Cluster>."},
    Rule{"JKC406", "session-listener-missing", Severity::error, "the cluster has no ClusterSessionListener",
         "Writing any <ClusterListener> replaces Tomcat's default. Without ClusterSessionListener the node "
         "ignores the session changes the other nodes send, and failover finds stale or no sessions.",
         "Add <ClusterListener className=\"org.apache.catalina.ha.session.ClusterSessionListener\"/>."},
    Rule{"JKC407", "binder-valve-disabled", Severity::error, "JvmRouteBinderValve is disabled",
         "enabled=\"false\" keeps the valve from rewriting the route of a session that failed over.",
         "Remove enabled=\"false\"."},
    Rule{"JKC408", "replication-async", Severity::info, "replication does not wait for the other nodes",
         "channelSendOptions without USE_ACK (the default 8 is asynchronous) answers the user before the "
         "other nodes have the change: a node that dies takes its last changes with it.",
         "Set channelSendOptions=\"6\" (USE_ACK | SYNCHRONIZED_ACK) on <Cluster> if those matter."},
    Rule{"JKC409", "expire-on-shutdown", Severity::warning, "stopping one node expires its sessions everywhere",
         "With expireSessionsOnShutdown=\"true\" a node that shuts down expires its sessions and tells "
         "the other nodes to expire them too: a restart logs out every user that node ever served.",
         "Set expireSessionsOnShutdown=\"false\" on the cluster's Manager."},
    Rule{"JKC410", "static-member-unknown", Severity::error, "a static member is none of the nodes",
         "A <Member> of static membership names a host and port where no given node's Receiver listens: "
         "the node never finds that peer and does not replicate to it.",
         "Make each <Member host port> the peer's <Receiver address port>."},
    Rule{"JKC411", "receiver-port-clash", Severity::error, "two nodes on one host use one receiver port",
         "The second node's Receiver cannot bind the port and moves to another (autoBind), where its "
         "static peers do not look for it.",
         "Give each node on a host its own <Receiver port>."},
    Rule{"JKC412", "receiver-auto-address", Severity::warning, "the Receiver's address is \"auto\"",
         "\"auto\" is the address of the host's name, which on Debian is often 127.0.1.1: peers on other "
         "hosts cannot reach it.",
         "Set <Receiver address> to the node's address on the cluster network."},
    // 5xx: the applications.
    Rule{"JKC501", "not-distributable", Severity::error, "a clustered application is not <distributable/>",
         "Tomcat replicates the sessions of distributable applications only: this application's sessions "
         "are lost when its node stops.",
         "Add <distributable/> to WEB-INF/web.xml."},
    Rule{"JKC502", "javax-namespace", Severity::warning, "a Java EE (javax) application on Tomcat 10 or later",
         "Tomcat 10 implements Jakarta EE (jakarta.* packages); an application built for javax.servlet "
         "fails to load its servlets and filters.",
         "Migrate the application to jakarta.* (or deploy it through Tomcat's webapps-javaee migration)."},
    // 6xx: found by --probe, and logged by the module when it meets them at run time.
    Rule{"JKC601", "probe-unreachable", Severity::error, "the member cannot be reached",
         "jkcheck --probe could not connect to the member's host and port. Every request balanced to it "
         "fails over (or fails, for a standalone worker) until it answers.",
         "Start the node, or correct worker.NAME.host/port; check that the AJP connector's address is one "
         "httpd's host can reach."},
    Rule{"JKC602", "probe-no-cpong", Severity::error, "the member does not answer CPING",
         "A connection to the member's port opens, but a CPING gets no CPONG. Tomcat binds the port and then "
         "fails to start an AJP connector that requires a secret it lacks; an HTTP connector answers with an "
         "HTTP error; a hung node answers nothing. ajpgate's module logs this id when a CPING it sends "
         "(ping_mode, a recovery probe, a hung-backend check) gets no CPONG.",
         "Point the member at the node's AJP connector, and read the node's catalina log for why the "
         "connector did not start."},
    Rule{"JKC603", "probe-refused", Severity::error, "the member refuses requests with 403",
         "The AJP connector answers CPING but refuses the request itself with 403: Tomcat does this to every "
         "request whose secret differs from the connector's, or that carries none when one is required, "
         "and to requests with attributes allowedRequestAttributesPattern does not allow. Users get 403 on "
         "every page. ajpgate's module logs this id when a member has answered many requests in a row with "
         "403 and closed the connection each time, which is what a secret mismatch looks like.",
         "Make worker.NAME.secret (or the lb's secret) equal to the connector's secret."},
    Rule{"JKC604", "probe-request-failed", Severity::warning, "the member answers CPING but not a request",
         "The probe request (GET /, with the member's secret) got no valid response: the connector answers "
         "CPING, but requests time out, break off or are malformed.",
         "Read the node's logs for the probe request; compare max_packet_size with the connector's packetSize."},
};

bool equal_ignoring_case(std::string_view a, std::string_view b) noexcept {
    return a.size() == b.size() &&
           std::equal(a.begin(), a.end(), b.begin(), [](unsigned char x, unsigned char y) {
               return std::tolower(x) == std::tolower(y);
           });
}

}  // namespace

std::span<const Rule> all_rules() noexcept { return kRules; }

const Rule* find_rule(std::string_view id_or_name) noexcept {
    for (const Rule& rule : kRules) {
        if (equal_ignoring_case(rule.id, id_or_name) || equal_ignoring_case(rule.name, id_or_name)) {
            return &rule;
        }
    }
    return nullptr;
}

Finding make_finding(std::string_view rule_id, std::string message, Location primary) {
    Finding f;
    f.id = std::string(rule_id);
    if (const Rule* rule = find_rule(rule_id)) {
        f.severity = rule->severity;
        f.effect = std::string(rule->explanation);
        f.fix = std::string(rule->fix);
    }
    f.message = std::move(message);
    f.primary = std::move(primary);
    return f;
}

}  // namespace ajpgate::check
