// Start-up: validate everything before httpd serves (check_config, so `apachectl -t` shows
// the errors too), open the logs (post_config), and build each child's workers (child_init).
#pragma once

#include "modules/httpd.hpp"

namespace ajpgate::httpd {

int check_config(apr_pool_t* pconf, apr_pool_t* plog, apr_pool_t* ptemp, server_rec* main_server);
int post_config(apr_pool_t* pconf, apr_pool_t* plog, apr_pool_t* ptemp, server_rec* main_server);
void child_init(apr_pool_t* pchild, server_rec* main_server);

// The URI map of one server: its JkMount/JkUnMount lines (with the main server's, under
// JkMountCopy), the workers' `mount` properties (main server, or copying hosts), JkMountFile.
std::shared_ptr<const config::UriMap> build_uri_map(const ServerConfig& cfg, bool is_main,
                                                    const config::WorkersConfig& workers, config::Diagnostics& diags);

}  // namespace ajpgate::httpd
