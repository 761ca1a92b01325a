#include "modules/forward.hpp"

#include <cstdlib>
#include <string>
#include <thread>

#include "modules/httpd_io.hpp"
#include "modules/jk_log_file.hpp"
#include "modules/messages.hpp"
#include "modules/request_builder.hpp"

namespace ajpgate::httpd {

namespace {

log::Logger logger_for(const ServerConfig& cfg) { return cfg.log ? cfg.log->logger() : log::Logger(); }

std::string describe_worker(const Ajp13Runtime& w) {
    return "worker " + w.config->name + " (" + w.config->host + ":" + std::to_string(w.config->port) + ")";
}

// reply_timeout: the worker's, unless the mount (;reply_timeout=) or JK_REPLY_TIMEOUT says otherwise.
std::chrono::milliseconds reply_timeout(request_rec* r, const Ajp13Runtime& w, const config::RuleExtensions* ext) {
    std::chrono::milliseconds timeout = w.config->reply_timeout;
    if (ext && ext->reply_timeout) timeout = *ext->reply_timeout;
    if (const char* env = apr_table_get(r->subprocess_env, "JK_REPLY_TIMEOUT")) {
        timeout = std::chrono::milliseconds(std::atol(env));
    }
    return timeout;
}

struct Failure {
    int status;
    log::Level level;
    log::Code code;
};

// How an exchange that did not complete maps to an HTTP status and a log line.
Failure classify(transport::ExchangeResult result) {
    using transport::ExchangeResult;
    switch (result) {
    case ExchangeResult::request_too_large: return {HTTP_REQUEST_ENTITY_TOO_LARGE, log::Level::error, msg::too_large};
    case ExchangeResult::client_read_failed: return {HTTP_BAD_REQUEST, log::Level::info, msg::client_read};
    case ExchangeResult::client_write_failed: return {HTTP_BAD_REQUEST, log::Level::info, msg::client_gone};
    case ExchangeResult::backend_timeout: return {HTTP_GATEWAY_TIME_OUT, log::Level::error, msg::reply_timeout};
    case ExchangeResult::protocol_error: return {HTTP_BAD_GATEWAY, log::Level::error, msg::protocol_error};
    case ExchangeResult::send_failed:
    case ExchangeResult::backend_closed: return {HTTP_BAD_GATEWAY, log::Level::error, msg::backend_closed};
    case ExchangeResult::ok: break;
    }
    return {HTTP_INTERNAL_SERVER_ERROR, log::Level::error, msg::protocol_error};
}

int serve_on_ajp13(request_rec* r, const ServerConfig& cfg, Ajp13Runtime& w, const BuildInputs& inputs,
                   const config::RuleExtensions* ext) {
    const auto logger = logger_for(cfg);
    const std::string who = describe_worker(w);
    if (!w.resolved) {
        logger.log(log::Level::error, msg::connect_failed, who + ": host name did not resolve at start-up; 503");
        return HTTP_SERVICE_UNAVAILABLE;
    }
    BuiltRequest built = build_forward_request(r, inputs);
    if (built.bad_content_length) return HTTP_BAD_REQUEST;

    ClientBody body(r);
    int refused = OK;
    if (!body.prepare(refused)) return refused;
    ClientResponse response(r);
    if (ext && ext->use_server_errors) response.use_server_errors_from(*ext->use_server_errors);

    transport::ExchangeOptions options;
    options.content_length = built.content_length;
    options.reply_timeout = reply_timeout(r, w, ext);
    options.flush_packets = cfg.effective_options.has(opt_flush_packets);
    options.flush_header = cfg.effective_options.has(opt_flush_header);
    options.head_request = r->header_only != 0;
    transport::ServiceOptions service = w.service;
    service.disable_reuse = service.disable_reuse || cfg.effective_options.has(opt_disable_reuse);

    const auto outcome = transport::serve_request(*w.pool, service, built.request, options, body, response,
                                                  [](std::chrono::milliseconds d) { std::this_thread::sleep_for(d); });
    if (outcome.result == transport::ServiceResult::busy) {
        logger.log(log::Level::error, msg::busy, who + ": no free connection within connection_acquire_timeout; 503");
        return HTTP_SERVICE_UNAVAILABLE;
    }
    if (outcome.result == transport::ServiceResult::connect_failed) {
        const char* what = outcome.cping_failed ? ": no CPONG within the ping timeout" : ": cannot connect";
        logger.log(log::Level::error, msg::connect_failed,
                   who + what + " after " + std::to_string(outcome.attempts) + " attempt(s); 503");
        return HTTP_SERVICE_UNAVAILABLE;
    }
    const auto& e = outcome.exchange;
    if (e.result == transport::ExchangeResult::ok) {
        if (logger.enabled(log::Level::debug)) {
            logger.log(log::Level::debug, msg::exchange_done,
                       std::string(r->method) + " " + r->uri + " on " + who + ": status " + std::to_string(e.status) +
                           ", " + std::to_string(e.response_bytes) + " bytes, " +
                           (e.reusable ? "connection kept" : "connection closed"));
        }
        if (response.suppressed()) return e.status;  // httpd renders its own error page
        response.finish();
        return OK;
    }
    const Failure failure = classify(e.result);
    // Headers the backend sent but httpd has not passed on yet can still give way to a clean
    // error page (httpd drops headers_out for it); once bytes went out, only an abort is honest.
    const bool under_way = e.response_started && response.sent_anything();
    // A retried request says so: the same failure on two connections is a different story.
    const std::string tries = outcome.attempts > 1 ? " after " + std::to_string(outcome.attempts) + " attempts" : "";
    logger.log(failure.level, failure.code,
               who + ": " + std::string(e.detail) + " (" + std::string(transport::to_string(e.result)) + ")" + tries +
                   (under_way ? "; response was under way, client connection aborted"
                              : "; " + std::to_string(failure.status)));
    if (under_way || e.result == transport::ExchangeResult::client_write_failed) {
        response.abort(failure.status);
        return OK;
    }
    return failure.status;
}

}  // namespace

int forward_request(request_rec* r, const ServerConfig& cfg, ChildRuntime& runtime, const char* worker_name,
                    const config::RuleExtensions* extensions) {
    const auto ref = runtime.workers().find(worker_name);
    if (!ref) {
        logger_for(cfg).log(log::Level::error, msg::unknown_worker,
                            std::string("worker '") + worker_name + "' is not defined in workers.properties");
        return HTTP_INTERNAL_SERVER_ERROR;
    }
    apr_table_setn(r->notes, "JK_WORKER_TYPE", config::to_string(ref->type));
    if (ref->type == config::WorkerType::ajp13) {
        Ajp13Runtime& w = runtime.ajp13(ref->index);
        BuildInputs inputs;
        inputs.server = &cfg;
        inputs.secret = w.config->secret;
        return serve_on_ajp13(r, cfg, w, inputs, extensions);
    }
    logger_for(cfg).log(log::Level::error, msg::unsupported_worker,
                        std::string("worker '") + worker_name + "' is of type " + config::to_string(ref->type) +
                            ", which this build does not serve yet");
    return HTTP_INTERNAL_SERVER_ERROR;
}

}  // namespace ajpgate::httpd
