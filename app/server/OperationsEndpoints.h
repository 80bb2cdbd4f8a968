#pragma once

#include "Metrics.h"
#include "Router.h"
#include "model/Clock.h"
#include "store/Store.h"

namespace gatehouse::server {

// What operators and load balancers call: /healthz (the process answers), /readyz (the
// store answers too) and /metrics (Prometheus text; only to loopback clients, since counts of
// sign-ins and failures are not for the internet).
class OperationsEndpoints
{
public:
    OperationsEndpoints(Store &store, const Clock &clock, const Metrics &metrics)
        : m_store(store),
          m_clock(clock),
          m_metrics(metrics)
    {}

    void addTo(Router &router) const;

private:
    // The gatehouse_locked_accounts gauge, or nothing if the store cannot be read.
    QByteArray lockedAccounts() const;

    Store &m_store;
    const Clock &m_clock; // the core's, which sets and ends locks
    const Metrics &m_metrics;
};

} // namespace gatehouse::server
