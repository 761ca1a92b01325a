#include "modules/forward.hpp"

#include <cstdlib>
#include <string>
#include <thread>

#include <apr_strings.h>

#include "modules/jk_log_file.hpp"
#include "modules/lb_forward.hpp"
#include "modules/messages.hpp"
#include "modules/status_handler.hpp"

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

struct Failure {
    int status;
    log::Level level;
    log::Code code;
    balancer::Outcome health;
};

// How an exchange that did not complete maps to an HTTP status, a log line, and a verdict
// on the backend's health (client-side trouble is never the member's fault).
Failure classify(transport::ExchangeResult result) {
    using transport::ExchangeResult;
    using balancer::Outcome;
    switch (result) {
    case ExchangeResult::request_too_large:
        return {HTTP_REQUEST_ENTITY_TOO_LARGE, log::Level::error, msg::too_large, Outcome::client_error};
    case ExchangeResult::client_read_failed:
        return {HTTP_BAD_REQUEST, log::Level::info, msg::client_read, Outcome::client_error};
    case ExchangeResult::client_write_failed:
        return {HTTP_BAD_REQUEST, log::Level::info, msg::client_gone, Outcome::client_error};
    case ExchangeResult::backend_timeout:
        return {HTTP_GATEWAY_TIME_OUT, log::Level::error, msg::reply_timeout, Outcome::reply_timeout};
    case ExchangeResult::protocol_error:
        return {HTTP_BAD_GATEWAY, log::Level::error, msg::protocol_error, Outcome::protocol_error};
    case ExchangeResult::send_failed:
    case ExchangeResult::backend_closed:
        return {HTTP_BAD_GATEWAY, log::Level::error, msg::backend_closed, Outcome::closed};
    case ExchangeResult::ok: break;
    }
    return {HTTP_INTERNAL_SERVER_ERROR, log::Level::error, msg::protocol_error, Outcome::protocol_error};
}

// May another member answer after this failed exchange? Only when nothing reached the client,
// no request body was consumed (it cannot be replayed), the failure says something about the
// backend (a slow backend is not asked twice), and recovery_options allow it.
bool replayable_elsewhere(const transport::ExchangeOutcome& e, const ClientResponse& response, unsigned recovery) {
    using transport::ExchangeResult;
    if (response.sent_anything() || e.body_bytes_read > 0) return false;
    if ((recovery & 1u) && e.request_sent) return false;
    if ((recovery & 2u) && e.response_started) return false;
    return e.result == ExchangeResult::send_failed || e.result == ExchangeResult::backend_closed ||
           e.result == ExchangeResult::protocol_error;
}

transport::ExchangeOptions exchange_options(request_rec* r, const ServerConfig& cfg, const Ajp13Runtime& w,
                                            const BuiltRequest& built, const config::RuleExtensions* ext) {
    transport::ExchangeOptions options;
    options.content_length = built.content_length;
    options.reply_timeout = reply_timeout(r, w, ext);
    options.flush_packets = cfg.effective_options.has(opt_flush_packets);
    options.flush_header = cfg.effective_options.has(opt_flush_header);
    options.head_request = r->header_only != 0;
    return options;
}

void fail_before_exchange(Attempt& a, const std::string& who, balancer::Outcome health, log::Code code,
                          const std::string& why) {
    a.status = HTTP_SERVICE_UNAVAILABLE;
    a.health = health;
    a.another_member_may_try = true;
    a.code = code;
    a.failure = who + why;
}

}  // namespace

namespace {

Attempt attempt_once(request_rec* r, const ServerConfig& cfg, Ajp13Runtime& w, const BuildInputs& inputs,
                     const config::RuleExtensions* ext, ClientSide& client) {
    Attempt a;
    const std::string& who = w.description;
    if (!w.resolved) {
        fail_before_exchange(a, who, balancer::Outcome::connect_failed, msg::connect_failed,
                             ": host name did not resolve at start-up; 503");
        return a;
    }
    BuiltRequest built = build_forward_request(r, inputs);
    if (built.bad_content_length) {  // httpd normally refuses these itself
        a.status = HTTP_BAD_REQUEST;
        a.health = balancer::Outcome::client_error;
        a.level = log::Level::info;
        a.code = msg::client_read;
        a.failure = who + ": the request's Content-Length is not a number; 400";
        return a;
    }
    client.response.fail_on_status(w.config->fail_on_status);
    transport::ServiceOptions service = w.service;
    service.disable_reuse = service.disable_reuse || cfg.effective_options.has(opt_disable_reuse);
    a.outcome = transport::serve_request(*w.pool, service, built.request, exchange_options(r, cfg, w, built, ext),
                                         client.body, client.response,
                                         [](std::chrono::milliseconds d) { std::this_thread::sleep_for(d); });
    const auto& o = a.outcome;
    if (o.result == transport::ServiceResult::busy) {
        fail_before_exchange(a, who, balancer::Outcome::client_error, msg::busy,
                             ": no free connection within connection_acquire_timeout; 503");
        return a;
    }
    if (o.result == transport::ServiceResult::connect_failed) {
        fail_before_exchange(a, who, o.cping_failed ? balancer::Outcome::cping_failed : balancer::Outcome::connect_failed,
                             msg::connect_failed,
                             std::string(o.cping_failed ? ": no CPONG within the ping timeout" : ": cannot connect") +
                                 " after " + std::to_string(o.attempts) + " attempt(s); 503");
        return a;
    }
    const auto& e = o.exchange;
    if (e.result == transport::ExchangeResult::ok) {
        const auto verdict = client.response.status_verdict();
        if (verdict == balancer::StatusVerdict::pass) {
            a.done = true;
            a.status = client.response.suppressed() ? e.status : OK;  // suppressed: httpd's error page
            if (o.attempts > 1) {
                // Not an error (the client saw none), but a sign of backends closing pooled
                // connections early or refusing connects: worth a line.
                logger_for(cfg).log(log::Level::info, msg::retried,
                                    std::string(r->method) + " " + r->uri + " on " + who + ": answered on attempt " +
                                        std::to_string(o.attempts) +
                                        " (the earlier connection could not be opened or was closed by the backend "
                                        "before it answered; the request went again, body included)");
            }
            if (logger_for(cfg).enabled(log::Level::debug)) {
                a.failure = std::string(r->method) + " " + r->uri + " on " + who + ": status " + std::to_string(e.status) +
                            ", " + std::to_string(e.response_bytes) + " bytes, " +
                            (e.reusable ? "connection kept" : "connection closed");
            }
            return a;
        }
        const bool member = verdict == balancer::StatusVerdict::fail_member;
        a.status = HTTP_SERVICE_UNAVAILABLE;
        a.health = member ? balancer::Outcome::status_fail_member : balancer::Outcome::status_fail_request;
        a.another_member_may_try = member && e.body_bytes_read == 0;
        a.code = msg::failed_status;
        a.failure = who + ": status " + std::to_string(e.status) + " is in fail_on_status; 503";
        return a;
    }
    const Failure failure = classify(e.result);
    // Headers the backend sent but httpd has not passed on yet can still give way to a clean
    // error page (httpd drops headers_out for it); once bytes went out, only an abort is honest.
    const bool under_way = e.response_started && client.response.sent_anything();
    const std::string tries = o.attempts > 1 ? " after " + std::to_string(o.attempts) + " attempts" : "";
    a.status = failure.status;
    a.health = failure.health;
    a.level = failure.level;
    a.code = failure.code;
    a.done = under_way || e.result == transport::ExchangeResult::client_write_failed;
    a.another_member_may_try = !a.done && replayable_elsewhere(e, client.response, w.config->recovery_options);
    a.failure = who + ": " + std::string(e.detail) + " (" + std::string(transport::to_string(e.result)) + ")" + tries +
                (under_way ? "; response was under way, client connection aborted" : "; " + std::to_string(failure.status));
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
    if (!w.shared) return attempt_once(r, cfg, w, inputs, ext, client);
    // The worker's figures for the status worker, summed over every child in shared memory.
    balancer::ajp_request_begin(*w.shared);
    Attempt a = attempt_once(r, cfg, w, inputs, ext, client);
    const auto& e = a.outcome.exchange;
    balancer::ajp_request_end(*w.shared,
                              {verdict_of(a.health), a.health == balancer::Outcome::reply_timeout, e.body_bytes_read,
                               e.response_bytes},
                              r->request_time / APR_USEC_PER_SEC);
    return a;
}

int conclude(request_rec*, const ServerConfig& cfg, const Attempt& a, ClientSide& client) {
    const auto logger = logger_for(cfg);
    const bool succeeded = a.health == balancer::Outcome::success && a.done;
    if (succeeded) {
        if (!a.failure.empty()) logger.log(log::Level::debug, msg::exchange_done, a.failure);
        if (a.status != OK) return a.status;  // use_server_errors: httpd renders its own page
        client.response.finish();
        return OK;
    }
    logger.log(a.level, a.code, a.failure);
    if (a.done) {
        client.response.abort(a.status);
        return OK;
    }
    return a.status;
}

int forward_request(request_rec* r, const ServerConfig& cfg, ChildRuntime& runtime, const char* worker_name,
                    const config::RuleExtensions* extensions) {
    // As mod_jk, a request reaches only the workers of worker.list (an lb member is not one).
    const auto ref = runtime.workers().find_mapped(worker_name);
    if (!ref) {
        logger_for(cfg).log(log::Level::error, msg::unknown_worker,
                            std::string("worker '") + worker_name + "' is not in worker.list: 500");
        return HTTP_INTERNAL_SERVER_ERROR;
    }
    apr_table_setn(r->notes, "JK_WORKER_NAME", apr_pstrdup(r->pool, worker_name));
    apr_table_setn(r->notes, "JK_WORKER_TYPE", config::to_string(ref->type));
    if (ref->type == config::WorkerType::status) {
        const GlobalConfig& global = server_config(ap_server_conf ? ap_server_conf : r->server).global;
        return serve_status(r, cfg, runtime, global, runtime.workers().status_workers()[ref->index]);
    }
    ClientSide client(r);
    int refused = OK;
    if (!client.body.prepare(refused)) return refused;
    if (extensions && extensions->use_server_errors) client.response.use_server_errors_from(*extensions->use_server_errors);
    if (ref->type == config::WorkerType::lb) return forward_to_lb(r, cfg, runtime, ref->index, extensions, client);

    Ajp13Runtime& w = runtime.ajp13(ref->index);
    BuildInputs inputs;
    inputs.server = &cfg;
    inputs.secret = w.config->secret;
    apr_table_setn(r->notes, "JK_WORKER_ROUTE", w.config->route.c_str());
    const Attempt attempt = attempt_on_ajp13(r, cfg, w, inputs, extensions, client);
    return conclude(r, cfg, attempt, client);
}

}  // namespace ajpgate::httpd
