// The one place modules/ includes httpd's headers, and the module's shared declarations.
#pragma once

#include <cstddef>
#include <array>
#include <string>
#include <vector>

#include <httpd.h>
#include <http_config.h>
#include <http_core.h>
#include <http_log.h>
#include <http_main.h>
#include <http_protocol.h>
#include <http_request.h>

#include "modules/module_config.hpp"

extern "C" {
extern module AP_MODULE_DECLARE_DATA jk_module;
}
// ap_log_error() & co. tag our lines with the module (LogLevel jk:debug works).
APLOG_USE_MODULE(jk);

namespace ajpgate::httpd {

// The JkXxxIndicator directives, by name, and the field each one sets.
struct IndicatorField {
    const char* directive;
    std::string Indicators::*member;
};
inline constexpr std::array<IndicatorField, 18> indicator_fields = {{
    {"JkHTTPSIndicator", &Indicators::https},
    {"JkSSLPROTOCOLIndicator", &Indicators::ssl_protocol},
    {"JkCERTSIndicator", &Indicators::certs},
    {"JkCIPHERIndicator", &Indicators::cipher},
    {"JkCERTCHAINPrefix", &Indicators::cert_chain_prefix},
    {"JkSESSIONIndicator", &Indicators::session},
    {"JkKEYSIZEIndicator", &Indicators::key_size},
    {"JkWorkerIndicator", &Indicators::worker},
    {"JkRemoteAddrIndicator", &Indicators::remote_addr},
    {"JkRemotePortIndicator", &Indicators::remote_port},
    {"JkRemoteHostIndicator", &Indicators::remote_host},
    {"JkRemoteUserIndicator", &Indicators::remote_user},
    {"JkAuthTypeIndicator", &Indicators::auth_type},
    {"JkLocalNameIndicator", &Indicators::local_name},
    {"JkLocalAddrIndicator", &Indicators::local_addr},
    {"JkLocalPortIndicator", &Indicators::local_port},
    {"JkIgnoreCLIndicator", &Indicators::ignore_cl},
    {"JkRequestIdIndicator", &Indicators::request_id},
}};

void* create_server_config(apr_pool_t* pool, server_rec* server);
void* merge_server_config(apr_pool_t* pool, void* base, void* add);
ServerConfig& server_config(const server_rec* server);

const std::vector<command_rec>& directive_table();

// The handler name that sends a request to a worker (SetHandler jakarta-servlet).
inline constexpr const char* handler_name = "jakarta-servlet";
// Request note carrying the worker chosen by the URI map.
inline constexpr const char* worker_note = "JK_WORKER_NAME";

}  // namespace ajpgate::httpd
