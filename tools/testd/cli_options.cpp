#include "testd/cli_options.hpp"

#include <charconv>

#include "ajp13/constants.hpp"

namespace ajpgate::testd {
namespace {

bool parse_int(std::string_view text, long min, long max, long& out) noexcept {
    long value = 0;
    const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
    if (text.empty() || ec != std::errc{} || end != text.data() + text.size()) return false;
    if (value < min || value > max) return false;
    out = value;
    return true;
}

// Options that only set a per-request default go through the same parser as X-Testd,
// so the two spellings can never drift apart.
std::optional<std::string_view> request_option_key(std::string_view flag) noexcept {
    static constexpr std::string_view keys[] = {"mode", "size", "chunk", "body-request", "status", "reason", "header",
                                                "delay", "body-delay", "hang-ms", "fault"};
    if (!flag.starts_with("--")) return std::nullopt;
    for (const auto key : keys) {
        if (flag.substr(2) == key) return key;
    }
    return std::nullopt;
}

bool apply_server_option(ServerOptions& options, std::string_view flag, std::string_view value,
                         std::string& error) {
    long number = 0;
    if (flag == "--port") {
        if (!parse_int(value, 0, 65535, number)) {
            error = "--port wants 0..65535";
            return false;
        }
        options.port = static_cast<int>(number);
    } else if (flag == "--packet-size") {
        if (!parse_int(value, 1, 65536, number)) {
            error = "--packet-size wants 8192..65536";
            return false;
        }
        options.packet_size = ajp13::align_packet_size(static_cast<std::size_t>(number));
    } else if (flag == "--cpong-delay") {
        if (!parse_int(value, 0, 3600000, number)) {
            error = "--cpong-delay wants 0..3600000 (milliseconds)";
            return false;
        }
        options.cpong_delay = std::chrono::milliseconds(number);
    } else if (flag == "--fault-after" || flag == "--fault-for") {
        if (!parse_int(value, 0, 86400000, number)) {
            error = std::string(flag) + " wants 0..86400000 (milliseconds)";
            return false;
        }
        (flag == "--fault-after" ? options.fault_after : options.fault_for) = std::chrono::milliseconds(number);
    } else if (flag == "--max-connections" || flag == "--accept-count") {
        if (!parse_int(value, 0, 65535, number)) {
            error = std::string(flag) + " wants 0..65535";
            return false;
        }
        if (flag == "--max-connections") {
            options.max_connections = static_cast<std::size_t>(number);
        } else {
            options.accept_count = static_cast<int>(number);
        }
    } else if (flag == "--host") {
        options.host = std::string(value);
    } else if (flag == "--route") {
        options.route = std::string(value);
    } else if (flag == "--name") {
        options.name = std::string(value);
    } else if (flag == "--secret") {
        options.secret = std::string(value);
    } else if (flag == "--record") {
        options.record_path = std::string(value);
    } else if (flag == "--ready-file") {
        options.ready_file = std::string(value);
    } else {
        error = "unknown option " + std::string(flag) + " (see --help)";
        return false;
    }
    return true;
}

}  // namespace

CliOutcome parse_command_line(std::span<const std::string_view> args, ServerOptions& options,
                              std::string& error) {
    for (std::size_t i = 0; i < args.size(); ++i) {
        std::string_view flag = args[i];
        if (flag == "--help" || flag == "-h") return CliOutcome::help;
        if (flag == "--no-cpong") {
            options.no_cpong = true;
            continue;
        }
        if (flag == "--quiet") {
            options.quiet = true;
            continue;
        }
        if (flag == "--flush") {
            options.defaults.flush = true;
            continue;
        }
        // --name=value and --name value are both accepted.
        std::string_view value;
        const auto equals = flag.find('=');
        if (equals != std::string_view::npos) {
            value = flag.substr(equals + 1);
            flag = flag.substr(0, equals);
        } else if (i + 1 < args.size()) {
            value = args[++i];
        } else {
            error = std::string(flag) + " needs a value";
            return CliOutcome::error;
        }
        const bool ok = request_option_key(flag)
                            ? apply_option(options.defaults, *request_option_key(flag), value, error)
                            : apply_server_option(options, flag, value, error);
        if (!ok) return CliOutcome::error;
    }
    if (options.port < 0) {
        error = "--port is required (0 picks a free port)";
        return CliOutcome::error;
    }
    return CliOutcome::run;
}

bool command_line_faults_apply(const ServerOptions& options, std::chrono::milliseconds since_start) noexcept {
    if (since_start < options.fault_after) return false;
    return options.fault_for.count() == 0 || since_start - options.fault_after < options.fault_for;
}

RequestOptions defaults_at(const ServerOptions& options, std::chrono::milliseconds since_start) {
    RequestOptions defaults = options.defaults;
    if (!command_line_faults_apply(options, since_start)) {
        const RequestOptions normal;
        defaults.delay = normal.delay;
        defaults.body_delay = normal.body_delay;
        defaults.hang = normal.hang;
        defaults.fault = normal.fault;
    }
    return defaults;
}

std::string usage_text() {
    return R"(ajp-testd: a scriptable AJP13 backend (container side) for tests and benchmarks.

usage: ajp-testd --port PORT [options]

Server options:
  --port N            port to listen on (required); 0 picks a free port, printed on stdout
  --host ADDR         address to bind (default 127.0.0.1)
  --packet-size N     AJP packet size incl. header, aligned like mod_jk (default 8192)
  --route NAME        play a Tomcat node with jvmRoute=NAME: create JSESSIONID=<hex>.NAME,
                      rebind foreign-route ids to NAME (Set-Cookie), count requests per session;
                      response headers X-Session-In, X-Session-Out, X-Route, X-Session-Count
  --name NAME         backend name reported in the echo body (default ajp-testd)
  --secret S          require attribute 0x0C == S (else 403), as Tomcat's secret does
  --record FILE       append one JSON line per message received and per connection open/close
  --ready-file PATH   write the listening port to PATH once listening
  --no-cpong          never answer CPING (same as fault=no-cpong on every connection)
  --cpong-delay MS    wait MS milliseconds before each CPONG (a JVM too busy to answer quickly)
  --max-connections N accept nothing while N connections are open (Tomcat's maxConnections)
  --accept-count N    the listen backlog (Tomcat's acceptCount; default 1024): beyond it
                      a new connection's SYN is dropped and its connect times out
  --fault-after MS    --delay, --body-delay, --hang-ms, --fault, --cpong-delay and --no-cpong
  --fault-for MS      apply only to requests and CPINGs arriving from MS ms after the start
                      (a backend that turns bad under load; default 0) for MS ms (then it
                      recovers by itself; default 0: for ever); outside that window they are
                      answered normally. X-Testd applies whatever the time.
  --quiet             do not log protocol errors of clients on stderr
  --help              this text

Per-request defaults (each also settable per request with a header
`X-Testd: key=value;key=value`, e.g. `X-Testd: mode=fixed;size=100000;chunk=1000;flush`):
  --mode M            echo (default): 200 application/json describing the request;
                      fixed: SIZE bytes 'a'..'z' repeating, header X-Body-Sha256;
                      empty: no body
  --size N            fixed body size in bytes, suffix k/M/G allowed (implies mode=fixed)
  --chunk N           bytes per SEND_BODY_CHUNK (default: the largest that fits)
  --flush             send an empty SEND_BODY_CHUNK (flush) between chunks (key: flush=1)
  --body-request N    bytes asked for per GET_BODY_CHUNK (default: packet size - 6, as
                      Tomcat asks even when less remains; capped to that)
  --status N          status code (default 200); --reason TEXT overrides the phrase
  --header Name:Value extra response header (repeatable)
  --delay MS          wait before SEND_HEADERS
  --body-delay MS     wait between body chunks
  --hang-ms MS        how long fault=hang stays silent before closing (default 30000)
  --fault NAME        close-before-headers | close-mid-body | garbage | oversize-packet |
                      chunk-length-overflow | no-cpong | second-response | no-reuse |
                      close-after-end (reuse promised, then closed) | headers-twice |
                      slow (delay, default 1000 ms) | hang |
                      body-anyway (a body even for HEAD, 204, 304) |
                      reset-mid-body (as close-mid-body, ended by RST) | none

Request bodies: with Content-Length > 0 the first packet is expected unsolicited, the rest
is asked for with GET_BODY_CHUNK; without Content-Length, GET_BODY_CHUNK until an empty
packet (both empty forms accepted); Content-Length: 0 means no body. The whole body is read
before the response starts.
An invalid X-Testd header gets 400 with the reason in the body.
Signals: SIGTERM/SIGINT close the listener and every connection, then exit 0.
)";
}

}  // namespace ajpgate::testd
