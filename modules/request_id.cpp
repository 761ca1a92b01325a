#include "modules/request_id.hpp"

#include <unistd.h>

#include <cstdint>

#include <apr_general.h>
#include <apr_strings.h>
#include <apr_time.h>

#include "log/request_id.hpp"
#include "modules/jk_log_file.hpp"

namespace ajpgate::httpd {

namespace {

const char* note_of(const request_rec* r) { return r ? apr_table_get(r->notes, request_id_note) : nullptr; }

const char* generate(request_rec* r) {
    const GlobalConfig& global = server_config(ap_server_conf ? ap_server_conf : r->server).global;
    if (!global.request_ids) return "";
    char* id = static_cast<char*>(apr_palloc(r->pool, log::RequestIdGenerator::length + 1));
    global.request_ids->next(id);
    id[log::RequestIdGenerator::length] = '\0';
    return id;
}

}  // namespace

const char* request_id(request_rec* r, const ServerConfig& cfg) {
    if (const char* id = note_of(r)) return id;
    const std::string& variable = cfg.indicators.request_id;
    const char* environment = variable.empty() ? nullptr : apr_table_get(r->subprocess_env, variable.c_str());
    // An internal redirect's original, else a subrequest's main request.
    const char* inherited = r->prev ? note_of(r->prev) : note_of(r->main);
    const char* id = "";
    switch (log::choose_request_id(environment ? environment : "", inherited ? inherited : "")) {
    case log::RequestIdSource::environment: id = environment; break;
    case log::RequestIdSource::inherited: id = inherited; break;
    case log::RequestIdSource::generated: id = generate(r); break;
    }
    if (!*id) return id;
    apr_table_setn(r->notes, request_id_note, id);
    if (!r->log_id) r->log_id = id;
    return id;
}

log::Logger request_logger(request_rec* r, const ServerConfig& cfg) {
    return logger_for(cfg).for_request(request_id(r, cfg));
}

void init_request_ids(GlobalConfig& global) {
    log::RequestIdGenerator::Seed seed{};
    if (apr_generate_random_bytes(seed.data(), seed.size()) != APR_SUCCESS) {
        // No entropy source: the time and the pid still tell this child from its siblings
        // and from the children of earlier starts.
        const auto mix = static_cast<std::uint64_t>(apr_time_now()) ^ (static_cast<std::uint64_t>(::getpid()) << 40);
        for (std::size_t i = 0; i < seed.size(); ++i) seed[i] = static_cast<std::uint8_t>(mix >> (8 * (i % 8)));
    }
    global.request_ids = std::make_shared<log::RequestIdGenerator>(seed);
}

}  // namespace ajpgate::httpd
