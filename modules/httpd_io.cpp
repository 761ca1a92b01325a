#include "modules/httpd_io.hpp"

#include <cstdlib>
#include <cstring>
#include <string>

#include <apr_buckets.h>
#include <apr_strings.h>
#include <http_protocol.h>
#include <util_filter.h>

#include "ajp13/codes.hpp"
#include "ajp13/response_checks.hpp"

namespace ajpgate::httpd {

bool ClientBody::prepare(int& status) {
    status = ap_setup_client_block(r_, REQUEST_CHUNKED_DECHUNK);
    if (status != OK) return false;
    // Sends "100 Continue" when the client asked for it, as the backend never does.
    expecting_ = ap_should_client_block(r_) != 0;
    return true;
}

// Reads through the input filters into one brigade kept for the whole body and emptied after
// every read. ap_get_client_block() does the same with a new brigade in the request's pool per
// call, which the pool keeps until the request ends: ~4.5 MiB per GiB uploaded (issue 15).
transport::IoResult ClientBody::read(std::span<std::uint8_t> into, std::size_t& got) {
    got = 0;
    if (!expecting_ || ended_ || into.empty()) return transport::IoResult::ok;
    if (brigade_ == nullptr) brigade_ = apr_brigade_create(r_->pool, r_->connection->bucket_alloc);
    const apr_status_t rv =
        ap_get_brigade(r_->input_filters, brigade_, AP_MODE_READBYTES, APR_BLOCK_READ, into.size());
    if (rv != APR_SUCCESS) {
        apr_brigade_cleanup(brigade_);
        // As ap_get_client_block(): what is left of the body cannot be read, so the
        // connection cannot carry another request.
        r_->connection->keepalive = AP_CONN_CLOSE;
        return transport::IoResult::error;
    }
    ended_ = !APR_BRIGADE_EMPTY(brigade_) && APR_BUCKET_IS_EOS(APR_BRIGADE_LAST(brigade_));
    apr_size_t length = into.size();
    const apr_status_t flattened = apr_brigade_flatten(brigade_, reinterpret_cast<char*>(into.data()), &length);
    apr_brigade_cleanup(brigade_);
    if (flattened != APR_SUCCESS) return transport::IoResult::error;
    r_->read_length += static_cast<apr_off_t>(length);
    got = length;
    return transport::IoResult::ok;
}

ClientResponse::ClientResponse(request_rec* r)
    : r_(r), brigade_(apr_brigade_create(r->pool, r->connection->bucket_alloc)) {}

namespace {

// Tomcat (8.5 and later) sends the status digits as the "reason" because an empty one once
// broke httpd; "418 418" on the wire would be no reason at all.
bool is_placeholder_reason(std::uint16_t status, std::string_view reason) {
    return reason == std::to_string(status);
}

// The status line httpd sends: its own reason phrase when it knows the code, else ours,
// else the backend's (which is informational only; reference §10.9).
const char* status_line(request_rec* r, std::uint16_t status, std::optional<std::string_view> backend_reason) {
    std::string_view reason = ajp13::reason_phrase(status);
    // httpd's own line is a constant: when it reads the same, no formatting (the common path).
    // For a code it does not know httpd answers its class's default line, hence the checks.
    const std::string_view known = ap_get_status_line(status);
    if (!reason.empty() && known.size() > 4 && std::strtol(known.data(), nullptr, 10) == status &&
        known.substr(4) == reason) {
        return known.data();
    }
    if (reason.empty() && backend_reason && !backend_reason->empty() &&
        !is_placeholder_reason(status, *backend_reason)) {
        reason = *backend_reason;
    }
    if (reason.empty()) reason = "Unknown Reason";
    return apr_psprintf(r->pool, "%u %.*s", status, static_cast<int>(reason.size()), reason.data());
}

bool is_named(std::string_view name, std::string_view wanted) {
    return name.size() == wanted.size() && !strncasecmp(name.data(), wanted.data(), wanted.size());
}

}  // namespace

bool ClientResponse::start(ajp13::SendHeadersView& headers) {
    verdict_ = balancer::classify_status(fail_on_status_, headers.status);
    if (verdict_ != balancer::StatusVerdict::pass) {
        suppressed_ = true;  // nothing of this response reaches the client
        return true;
    }
    r_->status = headers.status;
    r_->status_line = status_line(r_, headers.status, headers.reason);
    ajp13::HeaderField field;
    if (server_errors_from_ > 0 && headers.status >= server_errors_from_) {
        suppressed_ = true;  // the handler returns the status; httpd renders its error page
        // ... which must still carry a 401's challenge, or the client can never authenticate
        // (err_headers_out survives into httpd's error response, headers_out does not).
        while (headers.status == HTTP_UNAUTHORIZED && ajp13::next_header(headers, field)) {
            if (field.name.size() == 16 && !strncasecmp(field.name.data(), "WWW-Authenticate", 16)) {
                apr_table_add(r_->err_headers_out, "WWW-Authenticate",
                              apr_pstrmemdup(r_->pool, field.value.data(), field.value.size()));
            }
        }
        return true;
    }
    // The backend's Connection headers may name more headers of its own hop (RFC 9110 7.6.1).
    const ajp13::HopByHopFilter hop_by_hop(headers);
    while (ajp13::next_header(headers, field)) {
        // httpd frames the client's connection itself: the backend's framing stays behind.
        if (hop_by_hop.drops(field.name)) continue;
        // Both copied into one pool block (the packet buffer is reused by the next receive);
        // the tables then take them as they are (the ...n calls: no second copy).
        char* name = static_cast<char*>(apr_palloc(r_->pool, field.name.size() + field.value.size() + 2));
        std::memcpy(name, field.name.data(), field.name.size());
        name[field.name.size()] = '\0';
        char* value = name + field.name.size() + 1;
        std::memcpy(value, field.value.data(), field.value.size());
        value[field.value.size()] = '\0';
        if (is_named(field.name, "Content-Type")) {
            ap_set_content_type(r_, value);
        } else if (is_named(field.name, "Content-Length")) {
            // httpd recomputes or streams; keeping the backend's value lets it stay
            // on a keep-alive connection without chunking.
            apr_table_setn(r_->headers_out, name, value);
        } else {
            apr_table_addn(r_->headers_out, name, value);
        }
    }
    return !r_->connection->aborted;
}

void ClientResponse::reset_for_retry() {
    apr_brigade_cleanup(brigade_);
    held_bytes_ = 0;
    suppressed_ = false;
    verdict_ = balancer::StatusVerdict::pass;
    r_->status = HTTP_OK;
    r_->status_line = nullptr;
    apr_table_clear(r_->headers_out);
    apr_table_clear(r_->err_headers_out);
}

namespace {

// Held body data is written out once this much has gathered, even mid-burst.
constexpr std::size_t max_held_bytes = 64 * 1024;

}  // namespace

bool ClientResponse::pass(apr_bucket* bucket, ap_filter_t* filters) {
    if (bucket) APR_BRIGADE_INSERT_TAIL(brigade_, bucket);
    sent_ = true;
    held_bytes_ = 0;
    const apr_status_t rv = ap_pass_brigade(filters ? filters : r_->output_filters, brigade_);
    apr_brigade_cleanup(brigade_);
    return rv == APR_SUCCESS && !r_->connection->aborted;
}

bool ClientResponse::pass_held() { return APR_BRIGADE_EMPTY(brigade_) || pass(nullptr); }

bool ClientResponse::body(std::span<const std::uint8_t> data) {
    if (suppressed_) return true;
    // No copy: the bytes stay in the connection's receive buffer until idle() or end() (the
    // exchange's promise), and a filter that keeps them past its call copies them (setaside).
    APR_BRIGADE_INSERT_TAIL(brigade_, apr_bucket_transient_create(reinterpret_cast<const char*>(data.data()),
                                                                  data.size(), r_->connection->bucket_alloc));
    held_bytes_ += data.size();
    return held_bytes_ < max_held_bytes || pass_held();
}

bool ClientResponse::idle() { return suppressed_ || pass_held(); }

bool ClientResponse::end() {
    // The last batch waits for finish() to go out with EOS (one write for a small response),
    // but the buffer it points into is about to serve another request: copy it.
    for (apr_bucket* b = APR_BRIGADE_FIRST(brigade_); b != APR_BRIGADE_SENTINEL(brigade_); b = APR_BUCKET_NEXT(b)) {
        if (apr_bucket_setaside(b, r_->pool) != APR_SUCCESS) return false;
    }
    return true;
}

bool ClientResponse::flush() {
    if (suppressed_) return true;
    return pass(apr_bucket_flush_create(r_->connection->bucket_alloc));
}

bool ClientResponse::finish() {
    if (suppressed_) return true;
    if (!pass(apr_bucket_eos_create(r_->connection->bucket_alloc))) return false;
    if (r_->main) return true;  // a subrequest's output is part of its parent's response
    // The response is complete: send it now. httpd would hold a small one in the connection's
    // output buffer until after logging and its check for a pipelined request; written first,
    // the client has its answer sooner and its next request may already be waiting then.
    return pass(apr_bucket_flush_create(r_->connection->bucket_alloc), r_->connection->output_filters);
}

void ClientResponse::abort(int status) {
    apr_brigade_cleanup(brigade_);  // held body data is not worth sending into an abort
    r_->connection->keepalive = AP_CONN_CLOSE;
    apr_bucket* error = ap_bucket_error_create(status, nullptr, r_->pool, r_->connection->bucket_alloc);
    APR_BRIGADE_INSERT_TAIL(brigade_, error);
    APR_BRIGADE_INSERT_TAIL(brigade_, apr_bucket_eos_create(r_->connection->bucket_alloc));
    ap_pass_brigade(r_->output_filters, brigade_);
    apr_brigade_cleanup(brigade_);
}

}  // namespace ajpgate::httpd
