// Per-request hooks: map the URI to a worker (translate_name), keep httpd from looking for
// a file behind a mapped URI (map_to_storage), and serve it (the jakarta-servlet handler).
#pragma once

#include "modules/httpd.hpp"

namespace ajpgate::httpd {

int translate_name(request_rec* r);
int map_to_storage(request_rec* r);
int handler(request_rec* r);

}  // namespace ajpgate::httpd
