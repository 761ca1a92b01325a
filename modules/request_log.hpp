// JkRequestLogFormat: one line per forwarded request into JkLogFile.
#pragma once

#include "modules/httpd.hpp"

namespace ajpgate::httpd {

void write_request_log(request_rec* r, const ServerConfig& cfg, const char* worker, int handler_status,
                       apr_time_t started);

}  // namespace ajpgate::httpd
