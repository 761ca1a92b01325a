// C++ objects whose lifetime is an APR pool: constructed in pool memory, destroyed by a
// cleanup when the pool goes (httpd re-reads its configuration into a new pool on restart).
#pragma once

#include <new>
#include <utility>

#include <apr_pools.h>

namespace ajpgate::httpd {

template <typename T, typename... Args>
T* make_in_pool(apr_pool_t* pool, Args&&... args) {
    void* memory = apr_palloc(pool, sizeof(T));
    T* object = new (memory) T(std::forward<Args>(args)...);
    apr_pool_cleanup_register(
        pool, object,
        [](void* data) -> apr_status_t {
            static_cast<T*>(data)->~T();
            return APR_SUCCESS;
        },
        apr_pool_cleanup_null);
    return object;
}

}  // namespace ajpgate::httpd
