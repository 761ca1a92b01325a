// Everything the checks judge: httpd's side (the parsed workers, where each property was
// written, the httpd configuration when one was given) and the Tomcat nodes; plus which
// node each ajp13 worker points at. Built once by bind_nodes, read by every check.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "check/finding.hpp"
#include "check/httpd_conf.hpp"
#include "check/tomcat_model.hpp"
#include "config/properties_reader.hpp"
#include "config/worker_model.hpp"

namespace ajpgate::check {

struct WorkersSide {
    std::string label;  // the workers file (or the httpd conf, for JkWorkerProperty only)
    config::PropertySources sources;
    config::PropertyStore store;
    std::optional<config::WorkersConfig> workers;
    std::vector<config::Diagnostic> diagnostics;
};

// Reads workers.properties (and the httpd configuration's JkWorkerProperty lines) with the
// module's own parser.
WorkersSide read_workers_side(const HttpdConf* httpd, const std::optional<std::string>& workers_file);
// The same from sources already made (unit tests: text).
WorkersSide workers_side_of(std::string label, config::PropertySources sources);

// One ajp13 worker and what it reaches.
struct Binding {
    const config::Ajp13Worker* worker = nullptr;
    std::string route;          // as an lb member: its route (the worker's name by default)
    std::string secret;         // what it sends: its own, else its lb's
    std::vector<const config::LbWorker*> lbs;  // the lbs it is a member of
    const TomcatNode* node = nullptr;          // the node it was matched to, if any
    const Service* service = nullptr;          // the node's service holding the connector
    const Connector* connector = nullptr;      // the connector on the worker's port, if any
};

struct CheckInput {
    const HttpdConf* httpd = nullptr;  // null with --workers
    WorkersSide workers;
    std::vector<TomcatNode> nodes;
    std::vector<std::string> node_names;  // given by --node NAME=..., "" when matched by port
    std::vector<Binding> bindings;        // one per ajp13 worker
};

// Matches every ajp13 worker to a node: by name (the --node NAME is the worker's name or its
// route), else by an AJP (then any) connector on the worker's port whose address can be the
// worker's host.
void bind_nodes(CheckInput& input);

// Where a worker property was written: worker.NAME.PROPERTY, else the worker's first line,
// else the file.
Location where_property(const WorkersSide& side, const std::string& worker, const std::string& property);

// Tomcat's int attribute, or `fallback` when absent or not a number.
long attribute_number(const Attribute& a, long fallback);
// Tomcat's boolean attribute ("true" case-insensitively), or `fallback` when absent.
bool attribute_flag(const Attribute& a, bool fallback);
// The connector's effective keep-alive timeout in ms (keepAliveTimeout, else
// connectionTimeout, else -1: never).
long keep_alive_ms(const Connector& c);
bool is_loopback_host(const std::string& host);

// The checks, by family; each appends its findings.
void check_identity(const CheckInput& in, std::vector<Finding>& out);
void check_connectors(const CheckInput& in, std::vector<Finding>& out);
void check_capacity(const CheckInput& in, std::vector<Finding>& out);
void check_cluster(const CheckInput& in, std::vector<Finding>& out);
void check_webapps(const CheckInput& in, std::vector<Finding>& out);

// All of them, plus the configuration's own diagnostics and reading notes, sorted.
std::vector<Finding> run_checks(const CheckInput& in);

}  // namespace ajpgate::check
