// The verdict on a member's probe. Each outcome names the causes Tomcat is known to produce
// for it, most likely first, so the administrator knows where to look.
#include "check/probe_verdict.hpp"

#include "check/rules.hpp"

namespace ajpgate::check {
namespace {

std::string address_of(const config::Ajp13Worker& w) { return w.host + ":" + std::to_string(w.port); }

std::string ping_problem(const ProbeResult& r) {
    const std::string wait = std::to_string(r.timeout.count()) + " ms";
    switch (r.ping) {
    case ProbeResult::Ping::silent:
        return "accepts connections but sent no CPONG within " + wait +
               ": Tomcat bound the port but its AJP connector did not start (secretRequired without a secret does "
               "this), or the node is hung";
    case ProbeResult::Ping::closed:
        return "closed the connection instead of answering CPING: not a working AJP connector";
    case ProbeResult::Ping::not_ajp:
        return "answered CPING with bytes that are not AJP: the port is not an AJP connector (an HTTP connector "
               "answers this way)";
    case ProbeResult::Ping::other:
        return "answered CPING with an AJP packet that is not CPONG";
    case ProbeResult::Ping::cpong:
    case ProbeResult::Ping::not_sent:
        break;
    }
    return {};
}

}  // namespace

void judge_probe(const CheckInput& in, const Binding& member, const ProbeResult& r, std::vector<Finding>& out) {
    const config::Ajp13Worker& w = *member.worker;
    const std::string who = "worker '" + w.name + "' (" + address_of(w) + ")";
    const Location where = where_property(in.workers, w.name, "host");
    if (r.connect != ProbeResult::Connect::ok) {
        const char* why = r.connect == ProbeResult::Connect::unresolved ? "its host does not resolve"
                          : r.connect == ProbeResult::Connect::timeout  ? "the connect timed out (a firewall, or a "
                                                                          "host that is down)"
                                                                        : "the connection was refused (nothing "
                                                                          "listens there, or the connector binds "
                                                                          "another address)";
        out.push_back(make_finding("JKC601", who + " cannot be reached: " + why, where));
        return;
    }
    if (r.ping != ProbeResult::Ping::cpong) {
        out.push_back(make_finding("JKC602", who + " " + ping_problem(r), where));
        return;
    }
    if (r.status && *r.status == 403) {
        const std::string what = r.secret_sent ? "a request carrying the configured secret"
                                               : "a request without a secret (none is configured)";
        Finding f = make_finding("JKC603", who + " answered CPING, but refused " + what + " with 403", where);
        f.fix = r.secret_sent ? "Make worker." + w.name +
                                    ".secret the same as the AJP connector's secret (then restart both sides)."
                              : "Set worker." + w.name + ".secret to the AJP connector's secret.";
        out.push_back(std::move(f));
        return;
    }
    if (!r.status) {
        out.push_back(make_finding("JKC604", who + " answered CPING, but the probe request failed: " + r.failure,
                                   where));
    }
}

}  // namespace ajpgate::check
