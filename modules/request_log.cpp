#include "modules/request_log.hpp"

#include "modules/jk_log_file.hpp"
#include "modules/messages.hpp"
#include "modules/request_id.hpp"

namespace ajpgate::httpd {

void write_request_log(request_rec* r, const ServerConfig& cfg, const char* worker, int handler_status,
                       apr_time_t started) {
    if (!cfg.log || !cfg.request_log) return;
    log::RequestLogFields f;
    f.bytes_sent = static_cast<std::uint64_t>(r->bytes_sent);
    f.protocol = r->protocol ? r->protocol : "";
    f.method = r->method ? r->method : "";
    f.query = r->args ? r->args : "";
    f.request_line = r->the_request ? r->the_request : "";
    f.path = r->uri ? r->uri : "";
    f.canonical_server = r->server->server_hostname ? r->server->server_hostname : "";
    f.server_name = ap_get_server_name(r);
    f.worker = worker;
    if (const char* member = apr_table_get(r->notes, "JK_WORKER_ROUTE")) f.member = member;
    f.port = ap_get_server_port(r);
    f.status = handler_status == OK ? r->status : handler_status;
    f.took = std::chrono::microseconds(apr_time_now() - started);
    // mod_jk logs these at its "request" level, which is always written.
    cfg.log->write(log::Level::info, msg::request_log, request_id(r, cfg), cfg.request_log->render(f));
}

}  // namespace ajpgate::httpd
