// A request's id in httpd's world (lib/log/request_id.hpp decides what it is): found or made
// once, kept in the request note JK_REQUEST_ID (LogFormat "%{JK_REQUEST_ID}n"), carried by the
// logger of the request's JkLogFile lines, and sent to the backend as the AJP request attribute
// JkRequestIdAttribute names.
#pragma once

#include "log/log.hpp"
#include "modules/httpd.hpp"

namespace ajpgate::httpd {

inline constexpr const char* request_id_note = "JK_REQUEST_ID";
// `JkRequestIdAttribute On`: the attribute has the note's name, so one name finds the id
// everywhere (Tomcat's AccessLogValve prints it with %{JK_REQUEST_ID}r).
inline constexpr const char* default_request_id_attribute = "JK_REQUEST_ID";

// The id of request r: its note when set; else the JkRequestIdIndicator variable
// (mod_unique_id's UNIQUE_ID) when it holds a usable id; else the id of the request r came
// from (an internal redirect or a subrequest); else a new one of ours. Sets the note (and
// httpd's own r->log_id, when nothing set it, so ErrorLogFormat's %L agrees). "" only in a
// process whose child_init did not run (no generator).
const char* request_id(request_rec* r, const ServerConfig& cfg);

// logger_for(cfg) for lines about request r: each one carries r's id.
log::Logger request_logger(request_rec* r, const ServerConfig& cfg);

// The attribute name requests of this server send their id in; empty: none (the default,
// since Tomcat answers 403 to an attribute its allowedRequestAttributesPattern does not cover).
inline std::string_view request_id_attribute(const ServerConfig& cfg) {
    return cfg.request_id_attribute ? std::string_view(*cfg.request_id_attribute) : std::string_view();  // Off
}

// Seeds this child's generator of ids (one random draw per child process).
void init_request_ids(GlobalConfig& global);

}  // namespace ajpgate::httpd
