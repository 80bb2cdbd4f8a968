#include "ConnectionSpread.h"

#include <algorithm>

#include <sched.h>

namespace gatehouse::server {

ConnectionSpread::ConnectionSpread(int threads, std::span<const int> cpus)
    : m_open(std::make_unique<std::atomic<int>[]>(size_t(std::max(threads, 1)))),
      m_threads(std::max(threads, 1))
{
    int rank = 0;
    for (const int cpu : cpus) {
        if (cpu < 0)
            continue;
        if (size_t(cpu) >= m_threadOfCpu.size())
            m_threadOfCpu.resize(size_t(cpu) + 1, -1);
        m_threadOfCpu[size_t(cpu)] = rank++ % m_threads;
    }
}

int ConnectionSpread::take(int cpu)
{
    const int least = leastLoaded();
    int thread = cpu >= 0 && size_t(cpu) < m_threadOfCpu.size() ? m_threadOfCpu[size_t(cpu)] : -1;
    if (thread < 0
        || m_open[size_t(thread)].load(std::memory_order_relaxed)
            >= m_open[size_t(least)].load(std::memory_order_relaxed) + kSlack)
        thread = least;
    m_open[size_t(thread)].fetch_add(1, std::memory_order_relaxed);
    return thread;
}

void ConnectionSpread::give(int thread)
{
    m_open[size_t(thread)].fetch_sub(1, std::memory_order_relaxed);
}

std::vector<int> ConnectionSpread::open() const
{
    std::vector<int> counts;
    for (int t = 0; t < m_threads; ++t)
        counts.push_back(m_open[size_t(t)].load(std::memory_order_relaxed));
    return counts;
}

std::vector<int> ConnectionSpread::allowedCpus()
{
    std::vector<int> cpus;
    cpu_set_t set;
    CPU_ZERO(&set);
    if (sched_getaffinity(0, sizeof set, &set) == 0) {
        for (int cpu = 0; cpu < CPU_SETSIZE; ++cpu) {
            if (CPU_ISSET(cpu, &set))
                cpus.push_back(cpu);
        }
    }
    return cpus;
}

int ConnectionSpread::leastLoaded() const
{
    int least = 0;
    for (int t = 1; t < m_threads; ++t) {
        if (m_open[size_t(t)].load(std::memory_order_relaxed)
            < m_open[size_t(least)].load(std::memory_order_relaxed))
            least = t;
    }
    return least;
}

} // namespace gatehouse::server
