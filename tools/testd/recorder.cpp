#include "testd/recorder.hpp"

#include "log/json_writer.hpp"
#include "testd/request_json.hpp"

namespace ajpgate::testd {

using log::JsonWriter;
namespace {

JsonWriter start_line(std::uint64_t conn, std::uint64_t seq, std::string_view type) {
    JsonWriter json;
    json.begin_object().key("conn").value(conn).key("seq").value(seq).key("type").value(type);
    return json;
}

}  // namespace

Recorder::~Recorder() {
    if (file_ != nullptr) std::fclose(file_);
}

bool Recorder::open(const std::string& path) {
    file_ = std::fopen(path.c_str(), "a");
    return file_ != nullptr;
}

void Recorder::write_line(const std::string& line) {
    const std::lock_guard lock(mutex_);
    std::fwrite(line.data(), 1, line.size(), file_);
    std::fputc('\n', file_);
    std::fflush(file_);
}

void Recorder::connection_open(std::uint64_t conn, std::uint64_t seq, std::string_view peer) {
    if (!enabled()) return;
    JsonWriter json = start_line(conn, seq, "open");
    json.key("peer").value(peer).end_object();
    write_line(json.str());
}

void Recorder::connection_close(std::uint64_t conn, std::uint64_t seq, std::string_view reason) {
    if (!enabled()) return;
    JsonWriter json = start_line(conn, seq, "close");
    json.key("reason").value(reason).end_object();
    write_line(json.str());
}

void Recorder::forward_request(std::uint64_t conn, std::uint64_t seq, std::size_t payload_len,
                               const ajp13::DecodedForwardRequest& request) {
    if (!enabled()) return;
    JsonWriter json = start_line(conn, seq, "forward_request");
    json.key("len").value(payload_len);
    write_request_fields(json, request);
    json.end_object();
    write_line(json.str());
}

void Recorder::body(std::uint64_t conn, std::uint64_t seq, std::size_t payload_len, std::size_t data_len) {
    if (!enabled()) return;
    JsonWriter json = start_line(conn, seq, "body");
    json.key("len").value(payload_len).key("body_len").value(data_len).end_object();
    write_line(json.str());
}

void Recorder::simple(std::uint64_t conn, std::uint64_t seq, std::string_view type, std::size_t payload_len,
                      std::string_view detail) {
    if (!enabled()) return;
    JsonWriter json = start_line(conn, seq, type);
    json.key("len").value(payload_len);
    if (!detail.empty()) json.key("detail").value(detail);
    json.end_object();
    write_line(json.str());
}

}  // namespace ajpgate::testd
