#include "transport/liveness.hpp"

#include "transport/ajp_service.hpp"

namespace ajpgate::transport {

bool probe_new_connection(Connector& connector, std::size_t packet_size, std::chrono::milliseconds timeout) {
    IoResult why = IoResult::ok;
    std::unique_ptr<Link> link = connector.connect(why);
    if (!link) return false;
    Connection connection(std::move(link), packet_size);
    return cping(connection.channel(), timeout);
}

}  // namespace ajpgate::transport
