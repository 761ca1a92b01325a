// The module record: `LoadModule jk_module modules/mod_jk.so` finds this, exactly as it
// finds mod_jk's. Everything else lives in the files named by the hooks below.
#include "modules/httpd.hpp"
#include "modules/request_hooks.hpp"
#include "modules/startup.hpp"

namespace {

void register_hooks(apr_pool_t*) {
    using namespace ajpgate::httpd;
    // After mod_rewrite, so rewritten URIs are mapped (mod_jk's ForwardURIProxy promise).
    static const char* const after_rewrite[] = {"mod_rewrite.c", nullptr};
    ap_hook_check_config(check_config, nullptr, nullptr, APR_HOOK_MIDDLE);
    ap_hook_post_config(post_config, nullptr, nullptr, APR_HOOK_MIDDLE);
    ap_hook_child_init(child_init, nullptr, nullptr, APR_HOOK_MIDDLE);
    ap_hook_translate_name(translate_name, after_rewrite, nullptr, APR_HOOK_MIDDLE);
    ap_hook_map_to_storage(map_to_storage, nullptr, nullptr, APR_HOOK_MIDDLE);
    ap_hook_handler(handler, nullptr, nullptr, APR_HOOK_MIDDLE);
}

}  // namespace

extern "C" {
module AP_MODULE_DECLARE_DATA jk_module = {
    STANDARD20_MODULE_STUFF,
    nullptr,                                 // per-directory config: none (mounts are per server)
    nullptr,                                 // merge per-directory config
    ajpgate::httpd::create_server_config,
    ajpgate::httpd::merge_server_config,
    ajpgate::httpd::directive_table().data(),
    register_hooks,
    AP_MODULE_FLAG_NONE,
};
}
