// The hung-backend check of one attempt (balancer/hung_check.hpp): asked by the exchange when
// the first packet of the answer is late. The verdict comes from the worker's shared record
// when it is fresh, else from a CPING on a new connection; either way it is recorded there
// for every other waiting request of every child.
#pragma once

#include "balancer/hung_check.hpp"
#include "log/log.hpp"
#include "modules/worker_runtime.hpp"
#include "transport/liveness.hpp"

namespace ajpgate::httpd {

class MemberLiveness final : public transport::LivenessCheck {
public:
    MemberLiveness(Ajp13Runtime& worker, const balancer::HungCheckSettings& settings, const log::Logger& logger)
        : worker_(worker), settings_(settings), logger_(logger) {}
    bool member_alive() override;

private:
    Ajp13Runtime& worker_;
    const balancer::HungCheckSettings& settings_;
    const log::Logger& logger_;
};

// A whole answer came from the worker: it is alive (no probe for the next waiting requests).
void note_answer(Ajp13Runtime& worker);

}  // namespace ajpgate::httpd
