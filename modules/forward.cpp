#include "modules/forward.hpp"

#include <cstdlib>
#include <string>
#include <thread>

#include <apr_strings.h>

#include "modules/jk_log_file.hpp"
#include "modules/lb_forward.hpp"
#include "modules/member_liveness.hpp"
#include "modules/messages.hpp"
#include "modules/request_id.hpp"
#include "modules/status_handler.hpp"
#include "check/rule_ids.hpp"

namespace ajpgate::httpd {

std::chrono::milliseconds reply_timeout(request_rec* r, const Ajp13Runtime& w, const config::RuleExtensions* ext) {
    std::chrono::milliseconds timeout = w.config->reply_timeout;
    if (ext && ext->reply_timeout) timeout = *ext->reply_timeout;
    if (const char* env = apr_table_get(r->subprocess_env, "JK_REPLY_TIMEOUT")) {
        timeout = std::chrono::milliseconds(std::atol(env));
    }
    return timeout;
}

namespace {

transport::ExchangeOptions exchange_options(request_rec* r, const ServerConfig& cfg, const Ajp13Runtime& w,
                                            const BuiltRequest& built, const config::RuleExtensions* ext) {
    transport::ExchangeOptions options;
    options.content_length = built.content_length;
    options.reply_timeout = reply_timeout(r, w, ext);
    options.socket_timeout = std::chrono::duration_cast<std::chrono::milliseconds>(w.config->socket_timeout);
    options.flush_packets = cfg.effective_options.has(opt_flush_packets);
    options.flush_header = cfg.effective_options.has(opt_flush_header);
    options.head_request = r->header_only != 0;
    return options;
}

// The log line of a failed attempt: the worker, what happened, and what the client gets.
std::string describe_failure(const Attempt& a, const std::string& who) {
    using balancer::Failure;
    const auto& o = a.outcome;
    const auto& e = o.exchange;
    const auto& d = a.decision;
    const std::string tries = o.attempts > 1 ? " after " + std::to_string(o.attempts) + " attempts" : "";
    const std::string answer = d.abort_client ? "; response was under way, client connection aborted"
                                              : "; " + std::to_string(d.http_status);
    switch (a.input.failure) {
    case Failure::unresolved: return who + ": host name did not resolve at start-up" + answer;
    case Failure::busy: return who + ": no free connection within connection_acquire_timeout" + answer;
    case Failure::connect_failed:
    case Failure::cping_failed:
        if (a.input.failure == Failure::connect_failed) {
            return who + ": cannot connect after " + std::to_string(o.attempts) + " attempt(s)" + answer;
        }
        return who + ": no CPONG within the ping timeout after " + std::to_string(o.attempts) + " attempt(s)" + answer +
               check::rule_ids::no_cpong_note;
    case Failure::bad_request: return who + ": the request's Content-Length is not a number" + answer;
    case Failure::status_fail_member:
    case Failure::status_fail_request:
        return who + ": status " + std::to_string(a.backend_status) + " is in fail_on_status" + answer;
    default: break;
    }
    const char* note = e.result == transport::ExchangeResult::backend_hung ? check::rule_ids::no_cpong_note : "";
    return who + ": " + std::string(e.detail) + " (" + std::string(transport::to_string(e.result)) + ")" + tries + answer +
           note;
}

Attempt attempt_once(request_rec* r, const ServerConfig& cfg, Ajp13Runtime& w, const BuildInputs& inputs,
                     const config::RuleExtensions* ext, ClientSide& client) {
    Attempt a;
    transport::ServiceOptions service = w.service;
    service.disable_reuse = service.disable_reuse || cfg.effective_options.has(opt_disable_reuse);
    service.method = balancer::method_kind(r->method);
    a.input.method = service.method;
    a.input.recovery = service.recovery;
    if (!w.resolved) {
        a.input.failure = balancer::Failure::unresolved;
        return a;
    }
    BuiltRequest built = build_forward_request(r, inputs);
    if (built.bad_content_length) {  // httpd normally refuses these itself
        a.input.failure = balancer::Failure::bad_request;
        return a;
    }
    client.response.fail_on_status(w.config->fail_on_status);
    transport::ExchangeOptions exchange = exchange_options(r, cfg, w, built, ext);
    const GlobalConfig& global = server_config(ap_server_conf ? ap_server_conf : r->server).global;
    MemberLiveness liveness(w, global.hung_check, client.logger);
    if (global.hung_check.enabled() && w.shared) {
        exchange.liveness = &liveness;
        exchange.liveness_after = global.hung_check.after;
    }
    if (!client.kept_body_packet.empty()) {
        exchange.replay_body = client.kept_body_packet;
        exchange.replay_body_bytes = client.kept_body_bytes;
    }
    a.outcome = transport::serve_request(*w.pool, service, built.request, exchange, client.body, client.response,
                                         [](std::chrono::milliseconds d) { std::this_thread::sleep_for(d); });
    if (!a.outcome.first_body_packet.empty()) {
        client.kept_body_packet = std::move(a.outcome.first_body_packet);
        client.kept_body_bytes = a.outcome.first_body_bytes;
    }
    a.input = transport::policy_input(a.outcome, service);
    a.backend_status = a.outcome.exchange.status;
    // What only the web server's side knows: fail_on_status, and bytes already at the client.
    if (a.input.failure == balancer::Failure::none) {
        const auto verdict = client.response.status_verdict();
        if (verdict == balancer::StatusVerdict::fail_member) a.input.failure = balancer::Failure::status_fail_member;
        if (verdict == balancer::StatusVerdict::fail_request) a.input.failure = balancer::Failure::status_fail_request;
    }
    if (a.input.progress == balancer::Progress::headers_received && client.response.sent_anything()) {
        a.input.progress = balancer::Progress::response_under_way;
    }
    return a;
}

balancer::AjpRequestEnd::Verdict verdict_of(balancer::Outcome health) {
    using V = balancer::AjpRequestEnd::Verdict;
    switch (health) {
    case balancer::Outcome::success: return V::ok;
    case balancer::Outcome::client_error: return V::client_error;
    default: return V::error;
    }
}

}  // namespace

Attempt attempt_on_ajp13(request_rec* r, const ServerConfig& cfg, Ajp13Runtime& w, const BuildInputs& inputs,
                         const config::RuleExtensions* ext, ClientSide& client) {
    // The worker's figures for the status worker, summed over every child in shared memory.
    if (w.shared) balancer::ajp_request_begin(*w.shared);
    Attempt a = attempt_once(r, cfg, w, inputs, ext, client);
    a.worker = w.description;
    a.decision = balancer::decide(a.input);
    if (a.decision.step == balancer::NextStep::done) note_answer(w);
    if (a.decision.step != balancer::NextStep::done) a.failure = describe_failure(a, w.description);
    const auto& exchange = a.outcome.exchange;
    if (exchange.status != 0 && w.refusals.note(exchange.status, exchange.reusable)) {
        client.logger.log(log::Level::warn, msg::secret_refused,
                          w.description + ": the last " + std::to_string(balancer::RefusalWatch::kDefaultThreshold) +
                              " requests were all refused with 403 and the connection closed, which is how Tomcat "
                              "answers a secret that differs from its AJP connector's: compare the secret sent to it (worker." +
                              w.config->name + ".secret, or its lb's) with the connector's" +
                              check::rule_ids::refused_note);
    }
    if (w.shared) {
        const auto& e = a.outcome.exchange;
        balancer::ajp_request_end(*w.shared,
                                  {verdict_of(a.decision.health), a.decision.health == balancer::Outcome::reply_timeout,
                                   e.body_bytes_read, e.response_bytes},
                                  r->request_time / APR_USEC_PER_SEC);
        const auto& o = a.outcome;
        balancer::record_attempt(w.shared->metrics,
                                 {a.input.failure, e.status, o.headers_time, o.total_time, o.connect_time});
    }
    return a;
}

int conclude(request_rec* r, const ServerConfig&, const Attempt& a, const balancer::Decision& decision,
             ClientSide& client) {
    const log::Logger& logger = client.logger;
    if (decision.step == balancer::NextStep::done) {
        const auto& o = a.outcome;
        const auto& e = o.exchange;
        if (o.attempts > 1) {
            // Not an error (the client saw none), but a sign of backends closing pooled
            // connections early or refusing connects: worth a line.
            logger.log(log::Level::info, msg::retried,
                       std::string(r->method) + " " + r->uri + " on " + std::string(a.worker) + ": answered on attempt " + std::to_string(o.attempts) +
                           " (the earlier connection could not be opened or was closed by the backend before it "
                           "answered; the request went again, body included)");
        }
        if (logger.enabled(log::Level::debug)) {
            logger.log(log::Level::debug, msg::exchange_done,
                       std::string(r->method) + " " + r->uri + " on " + std::string(a.worker) + ": status " +
                           std::to_string(e.status) + ", " +
                           std::to_string(e.response_bytes) + " bytes, " +
                           (e.reusable ? "connection kept" : "connection closed"));
        }
        if (client.response.suppressed()) return e.status;  // use_server_errors: httpd renders its own page
        client.response.finish();
        return OK;
    }
    logger.log(decision.level, decision.code, a.failure);
    if (decision.abort_client) {
        client.response.abort(decision.http_status);
        return OK;
    }
    return decision.http_status;
}

int forward_request(request_rec* r, const ServerConfig& cfg, ChildRuntime& runtime, const char* worker_name,
                    const config::RuleExtensions* extensions) {
    // As mod_jk, a request reaches only the workers of worker.list (an lb member is not one).
    // Every forwarded request gets its id (and its note) whether or not a line is written.
    const char* id = request_id(r, cfg);
    const log::Logger logger = logger_for(cfg).for_request(id);
    const auto ref = runtime.workers().find_mapped(worker_name);
    if (!ref) {
        logger.log(log::Level::error, msg::unknown_worker, std::string("worker '") + worker_name + "' is not in worker.list: 500");
        return HTTP_INTERNAL_SERVER_ERROR;
    }
    apr_table_setn(r->notes, "JK_WORKER_NAME", apr_pstrdup(r->pool, worker_name));
    apr_table_setn(r->notes, "JK_WORKER_TYPE", config::to_string(ref->type));
    if (ref->type == config::WorkerType::status) {
        const GlobalConfig& global = server_config(ap_server_conf ? ap_server_conf : r->server).global;
        return serve_status(r, cfg, runtime, global, runtime.workers().status_workers()[ref->index]);
    }
    ClientSide client(r, id, logger);
    int refused = OK;
    if (!client.body.prepare(refused)) return refused;
    if (extensions && extensions->use_server_errors) client.response.use_server_errors_from(*extensions->use_server_errors);
    if (ref->type == config::WorkerType::lb) return forward_to_lb(r, cfg, runtime, ref->index, extensions, client);

    Ajp13Runtime& w = runtime.ajp13(ref->index);
    BuildInputs inputs;
    inputs.server = &cfg;
    inputs.secret = w.config->secret;
    inputs.request_id = id;
    apr_table_setn(r->notes, "JK_WORKER_ROUTE", w.config->route.c_str());
    const Attempt attempt = attempt_on_ajp13(r, cfg, w, inputs, extensions, client);
    // A single worker has no other member: the policy's "another member" ends here too.
    return conclude(r, cfg, attempt, attempt.decision, client);
}

}  // namespace ajpgate::httpd
