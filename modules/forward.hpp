// Serving a mapped request and turning the outcome into what the client sees: the
// backend's response, or 400/413/502/503/504 with one log line naming the worker.
// An ajp13 worker serves it in one attempt (with the transport's own connection retries);
// an lb worker (lb_forward.hpp) runs attempts on its members until one answers.
#pragma once

#include <string>
#include <vector>

#include "balancer/health.hpp"
#include "balancer/request_policy.hpp"
#include "config/uri_extensions.hpp"
#include "modules/httpd.hpp"
#include "modules/httpd_io.hpp"
#include "modules/jk_log_file.hpp"
#include "modules/request_builder.hpp"
#include "modules/worker_runtime.hpp"

namespace ajpgate::httpd {

// The client's side of a request, prepared once and shared by every attempt.
struct ClientSide {
    ClientSide(request_rec* r, std::string_view id, const log::Logger& request_logger)
        : body(r), response(r), request_id(id), logger(request_logger) {}
    ClientBody body;
    ClientResponse response;
    // The request's id (request_id.hpp), sent with every attempt, and the logger of the lines
    // about the request, each carrying the id.
    std::string_view request_id;
    log::Logger logger;
    // The first body packet a failed member received, kept for the next member: the client's
    // body cannot be read twice (lib/transport ServiceOutcome::first_body_packet).
    std::vector<std::uint8_t> kept_body_packet;
    std::uint64_t kept_body_bytes = 0;
};

// One attempt on one ajp13 worker: what the request policy needs to judge it, and its verdict.
struct Attempt {
    transport::ServiceOutcome outcome;
    balancer::PolicyInput input;     // how it ended (balancer/request_policy.hpp)
    balancer::Decision decision;     // the policy's verdict on it
    int backend_status = 0;          // the backend's status (use_server_errors answers with it)
    std::string failure;             // the log line: worker, what happened, the answer
    std::string_view worker;         // "worker was1 (host:port)" (the runtime keeps it alive)
};

Attempt attempt_on_ajp13(request_rec* r, const ServerConfig& cfg, Ajp13Runtime& w, const BuildInputs& inputs,
                         const config::RuleExtensions* ext, ClientSide& client);

// The last attempt's verdict: log its failure (if any), finish or abort the client response,
// and give the handler's return value.
int conclude(request_rec* r, const ServerConfig& cfg, const Attempt& attempt, const balancer::Decision& decision,
             ClientSide& client);

// reply_timeout for this request on worker `w` (mount extension and JK_REPLY_TIMEOUT win).
std::chrono::milliseconds reply_timeout(request_rec* r, const Ajp13Runtime& w, const config::RuleExtensions* ext);

int forward_request(request_rec* r, const ServerConfig& cfg, ChildRuntime& runtime, const char* worker_name,
                    const config::RuleExtensions* extensions);

}  // namespace ajpgate::httpd
