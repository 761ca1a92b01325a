#include "modules/request_builder.hpp"

#include <cctype>
#include <cstdlib>
#include <cstring>
#include <string>

#include <apr_strings.h>
#include <apr_tables.h>

namespace ajpgate::httpd {

namespace {

std::string_view pool_copy(apr_pool_t* pool, std::string_view text) {
    return {apr_pstrmemdup(pool, text.data(), text.size()), text.size()};
}

const char* env(request_rec* r, const std::string& name) {
    return name.empty() ? nullptr : apr_table_get(r->subprocess_env, name.c_str());
}

bool is_unreserved_path_char(unsigned char c) {
    if (std::isalnum(c)) return true;
    return std::strchr("-._~!$&'()*+,;=:@/", c) != nullptr && c != 0;
}

// The session id carried as a path parameter (";jsessionid=..."), which servlet
// normalisation drops from r->uri but Tomcat needs to find URL-rewritten sessions.
std::string_view session_path_parameter(const char* unparsed_uri) {
    if (!unparsed_uri) return {};
    std::string_view raw(unparsed_uri);
    raw = raw.substr(0, raw.find_first_of("?#"));
    const std::size_t at = raw.find(";jsessionid=");
    if (at == std::string_view::npos) return {};
    std::string_view param = raw.substr(at);
    const std::size_t end = param.find_first_of("/", 1);
    return param.substr(0, end);
}

// r->uri is the normalised path the mapper matched (translate_name dropped its path
// parameters), so every mode but the unparsed one puts the session id back: mod_jk
// forwarded httpd's r->uri, which still carried it.
// JkOptions +ForwardSSLCertChain: the client certificate followed by the chain the client
// sent (mod_ssl's SSL_CLIENT_CERT_CHAIN_0, _1, ... until one is missing), as mod_jk does.
std::string_view with_cert_chain(request_rec* r, std::string_view cert, const std::string& prefix) {
    constexpr int max_chain = 64;  // far beyond any real chain; bounds the lookups
    std::string all(cert);
    for (int i = 0; i < max_chain; ++i) {
        const char* next = apr_table_get(r->subprocess_env, (prefix + std::to_string(i)).c_str());
        if (!next || !*next) break;
        all += next;
    }
    return all.size() == cert.size() ? cert : pool_copy(r->pool, all);
}

std::string_view forwarded_uri(request_rec* r, const JkOptions& options) {
    std::string uri;
    switch (options.forward_uri.value_or(ForwardUri::proxy)) {
    case ForwardUri::compat_unparsed: {
        std::string_view raw(r->unparsed_uri ? r->unparsed_uri : r->uri);
        return raw.substr(0, raw.find_first_of("?#"));
    }
    case ForwardUri::compat: uri = r->uri; break;
    case ForwardUri::escaped: uri = ap_escape_uri(r->pool, r->uri); break;
    case ForwardUri::proxy: uri = encode_path_for_proxy(r->uri); break;
    }
    uri += session_path_parameter(r->unparsed_uri);
    return pool_copy(r->pool, uri);
}

}  // namespace

std::string encode_path_for_proxy(std::string_view decoded_path) {
    static constexpr char hex[] = "0123456789ABCDEF";
    std::string out;
    out.reserve(decoded_path.size());
    for (unsigned char c : decoded_path) {
        // ';' was a path parameter separator only before decoding: a decoded one is data.
        if (is_unreserved_path_char(c) && c != ';') {
            out += static_cast<char>(c);
        } else {
            out += '%';
            out += hex[c >> 4];
            out += hex[c & 0xF];
        }
    }
    return out;
}

BuiltRequest build_forward_request(request_rec* r, const BuildInputs& inputs) {
    BuiltRequest built;
    ajp13::ForwardRequest& req = built.request;
    const ServerConfig& cfg = *inputs.server;
    const JkOptions& options = cfg.effective_options;
    conn_rec* c = r->connection;

    req.method = r->method;
    req.protocol = r->protocol;
    req.uri = forwarded_uri(r, options);

    const char* remote_addr = options.has(opt_forward_physical_address) ? c->client_ip : r->useragent_ip;
    if (options.has(opt_forward_local_address)) remote_addr = c->local_ip;
    if (const char* v = env(r, cfg.indicators.remote_addr)) remote_addr = v;
    req.remote_addr = remote_addr ? remote_addr : "";
    const char* remote_host = ap_get_useragent_host(r, REMOTE_HOST, nullptr);
    if (const char* v = env(r, cfg.indicators.remote_host)) remote_host = v;
    if (remote_host) req.remote_host = remote_host;
    const char* local_name = env(r, cfg.indicators.local_name);
    req.server_name = local_name ? local_name : ap_get_server_name(r);
    const char* local_port = env(r, cfg.indicators.local_port);
    req.server_port = static_cast<std::uint16_t>(local_port ? std::atoi(local_port) : ap_get_server_port(r));

    const char* https = env(r, cfg.indicators.https);
    req.is_ssl = https && !strcasecmp(https, "on");

    // Headers: every request header, with the body framing made AJP's (see reference §5).
    const apr_array_header_t* in = apr_table_elts(r->headers_in);
    const auto* entries = reinterpret_cast<const apr_table_entry_t*>(in->elts);
    auto* fields = static_cast<ajp13::HeaderField*>(apr_pcalloc(r->pool, sizeof(ajp13::HeaderField) * (in->nelts + 1)));
    std::size_t count = 0;
    const char* te = apr_table_get(r->headers_in, "Transfer-Encoding");
    const bool chunked = te != nullptr;
    const char* cl = apr_table_get(r->headers_in, "Content-Length");
    const bool ignore_cl = env(r, cfg.indicators.ignore_cl) != nullptr;
    for (int i = 0; i < in->nelts; ++i) {
        if (!entries[i].key) continue;
        if (!strcasecmp(entries[i].key, "Transfer-Encoding")) continue;  // AJP frames the body itself
        if (!strcasecmp(entries[i].key, "Content-Length") && (chunked || ignore_cl)) continue;
        fields[count++] = {entries[i].key, entries[i].val ? entries[i].val : ""};
    }
    if (chunked || ignore_cl) {
        built.content_length = std::nullopt;
    } else if (cl) {
        char* end = nullptr;
        const long long value = std::strtoll(cl, &end, 10);
        if (!*cl || *end || value < 0) built.bad_content_length = true;
        built.content_length = static_cast<std::uint64_t>(value < 0 ? 0 : value);
    } else {
        // For AJP a missing length means "unknown, maybe non-empty": say it is empty.
        fields[count++] = {"Content-Length", "0"};
        built.content_length = 0;
    }
    req.headers = {fields, count};

    // Attributes, in mod_jk's order; the names come from configuration, never the client.
    if (!inputs.secret.empty()) req.secret = inputs.secret;
    if (r->user) req.remote_user = r->user;
    if (const char* v = env(r, cfg.indicators.remote_user)) req.remote_user = v;
    if (r->ap_auth_type) req.auth_type = r->ap_auth_type;
    if (const char* v = env(r, cfg.indicators.auth_type)) req.auth_type = v;
    if (r->args) req.query_string = r->args;
    if (inputs.route) req.route = *inputs.route;
    if (req.is_ssl && cfg.extract_ssl.value_or(true)) {
        // mod_ssl exports SSL_CLIENT_CERT as "" when the client sent none: that is no
        // certificate, and an empty one would make Tomcat try to parse nothing.
        if (const char* v = env(r, cfg.indicators.certs); v && *v) {
            req.ssl_cert = v;
            if (options.has(opt_forward_ssl_cert_chain)) {
                req.ssl_cert = with_cert_chain(r, v, cfg.indicators.cert_chain_prefix);
            }
        }
        if (const char* v = env(r, cfg.indicators.cipher); v && *v) req.ssl_cipher = v;
        if (const char* v = env(r, cfg.indicators.session); v && *v) req.ssl_session = v;
        if (options.has(opt_forward_key_size)) {
            if (const char* v = env(r, cfg.indicators.key_size)) req.ssl_key_size = static_cast<std::uint16_t>(std::atoi(v));
        }
    }

    auto* attrs = static_cast<ajp13::RequestAttribute*>(
        apr_pcalloc(r->pool, sizeof(ajp13::RequestAttribute) * (5 + cfg.env_vars.size())));
    std::size_t n = 0;
    if (req.is_ssl && cfg.extract_ssl.value_or(true)) {
        if (const char* v = env(r, cfg.indicators.ssl_protocol)) attrs[n++] = {"AJP_SSL_PROTOCOL", v};
    }
    const char* remote_port = env(r, cfg.indicators.remote_port);
    if (!remote_port && c->client_addr) remote_port = apr_itoa(r->pool, c->client_addr->port);
    if (remote_port) attrs[n++] = {"AJP_REMOTE_PORT", remote_port};
    const char* local_addr = env(r, cfg.indicators.local_addr);
    if (!local_addr) local_addr = c->local_ip;
    if (local_addr) attrs[n++] = {"AJP_LOCAL_ADDR", local_addr};
    if (inputs.lb_activation) attrs[n++] = {"JK_LB_ACTIVATION", *inputs.lb_activation};
    if (cfg.request_id_attribute && !cfg.request_id_attribute->empty() && !inputs.request_id.empty()) {
        attrs[n++] = {*cfg.request_id_attribute, inputs.request_id};
    }
    for (const auto& var : cfg.env_vars) {
        const char* value = apr_table_get(r->subprocess_env, var.name.c_str());
        if (!value && var.default_value) value = var.default_value->c_str();
        if (value) attrs[n++] = {var.name, value};
    }
    req.attributes = {attrs, n};
    return built;
}

}  // namespace ajpgate::httpd
