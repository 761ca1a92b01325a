#include "testd/request_json.hpp"

namespace ajpgate::testd {
namespace {

void write_attributes(JsonWriter& json, const ajp13::DecodedForwardRequest& r) {
    json.key("attributes").begin_object();
    json.key("context").value(r.context);
    json.key("servlet_path").value(r.servlet_path);
    json.key("remote_user").value(r.remote_user);
    json.key("auth_type").value(r.auth_type);
    json.key("route").value(r.route);
    json.key("ssl_cert").value(r.ssl_cert);
    json.key("ssl_cipher").value(r.ssl_cipher);
    json.key("ssl_session").value(r.ssl_session);
    json.key("ssl_key_size");
    if (r.ssl_key_size) {
        json.value(static_cast<unsigned>(*r.ssl_key_size));
    } else {
        json.null();
    }
    json.key("secret").value(r.secret);
    json.key("stored_method").value(r.stored_method);
    json.key("req_attributes").begin_array();
    for (const auto& attribute : r.attributes) {
        json.begin_object().key("name").value(attribute.name).key("value").value(attribute.value).end_object();
    }
    json.end_array();
    json.key("order").begin_array();
    for (const auto code : r.attribute_order) json.value(static_cast<unsigned>(code));
    json.end_array();
    json.end_object();
}

}  // namespace

void write_request_fields(JsonWriter& json, const ajp13::DecodedForwardRequest& r) {
    json.key("method").value(r.method);
    json.key("method_code").value(static_cast<unsigned>(r.method_code));
    json.key("uri").value(r.uri);
    json.key("query").value(r.query_string);
    json.key("protocol").value(r.protocol);
    json.key("remote_addr").value(r.remote_addr);
    json.key("remote_host").value(r.remote_host);
    json.key("server_name").value(r.server_name);
    json.key("server_port").value(static_cast<unsigned>(r.server_port));
    json.key("is_ssl").value(r.is_ssl);
    json.key("headers").begin_array();
    for (const auto& header : r.headers) {
        json.begin_object().key("name").value(header.name).key("value").value(header.value).end_object();
    }
    json.end_array();
    write_attributes(json, r);
}

std::string echo_body(const ajp13::DecodedForwardRequest& request, const EchoContext& context) {
    JsonWriter json;
    json.begin_object();
    write_request_fields(json, request);
    json.key("body_length").value(context.body_length);
    json.key("body_sha256").value(context.body_sha256);
    json.key("conn").value(context.connection);
    json.key("request").value(context.request);
    json.key("in_flight").value(context.in_flight);
    json.key("peak_in_flight").value(context.peak_in_flight);
    json.key("backend").begin_object();
    json.key("name").value(context.backend_name);
    json.key("route").value(context.route);
    json.end_object();
    json.key("session").begin_object();
    json.key("in").value(context.session_in);
    json.key("out").value(context.session_out);
    json.key("count").value(context.session_count);
    json.end_object();
    json.end_object();
    return json.take();
}

}  // namespace ajpgate::testd
