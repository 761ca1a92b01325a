// The two ends of an exchange on httpd's side: the client's request body (read through
// httpd's input filters, de-chunked, 100-continue handled by httpd) and the response
// (status, headers and body pushed down the output filters as packets arrive).
#pragma once

#include <span>

#include "balancer/health.hpp"
#include "modules/httpd.hpp"
#include "transport/interfaces.hpp"

namespace ajpgate::httpd {

class ClientBody final : public transport::BodySource {
public:
    explicit ClientBody(request_rec* r) : r_(r) {}
    // Tells httpd how the body is framed; false with `status` set when it refuses the request.
    bool prepare(int& status);
    transport::IoResult read(std::span<std::uint8_t> into, std::size_t& got) override;

private:
    request_rec* r_;
    apr_bucket_brigade* brigade_ = nullptr;  // made at the first read, reused for every read
    bool expecting_ = false;
    bool ended_ = false;  // the filters delivered the end of the body
};

class ClientResponse final : public transport::ResponseSink {
public:
    explicit ClientResponse(request_rec* r);
    bool start(ajp13::SendHeadersView& headers) override;
    // Body data is held, uncopied, until the exchange would wait for the backend (idle), a
    // flush, or 64 KiB: one write to the client carries many AJP packets. end() copies what
    // is still held for finish().
    bool body(std::span<const std::uint8_t> data) override;
    bool flush() override;
    bool idle() override;
    bool end() override;
    // Flushes what is left and ends the response (EOS).
    bool finish();
    // The response broke after it had started: make httpd close the client connection so
    // the client sees a truncated response, never a complete-looking one.
    void abort(int status);
    // Status >= this threshold: httpd's own error page instead of the backend's body
    // (the ;use_server_errors= mount extension). 0: never.
    void use_server_errors_from(int threshold) { server_errors_from_ = threshold; }
    bool suppressed() const noexcept { return suppressed_; }
    // fail_on_status: a listed status is not passed on; the exchange still runs to its end
    // (so the connection stays usable) and the caller answers 503 or tries another member.
    void fail_on_status(std::span<const int> codes) { fail_on_status_ = codes; }
    balancer::StatusVerdict status_verdict() const noexcept { return verdict_; }
    // Before another member answers: forget this attempt's status and suppression.
    void reset_for_retry();
    // Whether anything (headers included) went down the output filters: until then a failed
    // exchange can still be answered with a clean error page.
    bool sent_anything() const noexcept { return sent_; }

private:
    // Appends `bucket` (if any) to what is held and passes it all down `filters` (default: the
    // request's output filters).
    bool pass(apr_bucket* bucket, ap_filter_t* filters = nullptr);
    bool pass_held();

    request_rec* r_;
    apr_bucket_brigade* brigade_;
    int server_errors_from_ = 0;
    std::span<const int> fail_on_status_;
    balancer::StatusVerdict verdict_ = balancer::StatusVerdict::pass;
    bool suppressed_ = false;
    bool sent_ = false;
    std::size_t held_bytes_ = 0;  // body bytes in brigade_ not yet passed to the filters
};

}  // namespace ajpgate::httpd
