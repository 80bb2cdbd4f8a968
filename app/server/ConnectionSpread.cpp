#include "ConnectionSpread.h"

#include <algorithm>
#include <cerrno>

#include <sched.h>

namespace gatehouse::server {

ConnectionSpread::ConnectionSpread(int threads, std::span<const int> cpus)
    : m_open(std::make_unique<std::atomic<int>[]>(size_t(std::max(threads, 1)))),
      m_threads(std::max(threads, 1))
{
    for (const int cpu : cpus) {
        if (cpu < 0)
            continue;
        if (size_t(cpu) >= m_rankOfCpu.size())
            m_rankOfCpu.resize(size_t(cpu) + 1, -1);
        m_rankOfCpu[size_t(cpu)] = m_cpus++;
    }
}

int ConnectionSpread::take(int cpu)
{
    const int least = leastLoaded();
    const int rank = cpu >= 0 && size_t(cpu) < m_rankOfCpu.size() ? m_rankOfCpu[size_t(cpu)] : -1;
    int thread = -1;
    if (rank >= 0) {
        // The CPU's threads: one when there are no more threads than CPUs, else every
        // m_cpus-th from its rank; the least loaded of them.
        for (int t = rank % m_threads; t < m_threads; t += m_cpus) {
            if (thread < 0 || openOn(t) < openOn(thread))
                thread = t;
        }
    }
    if (thread < 0 || openOn(thread) >= openOn(least) + kSlack)
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
        counts.push_back(openOn(t));
    return counts;
}

std::vector<int> ConnectionSpread::allowedCpus()
{
    // Sized at run time: a fixed cpu_set_t holds 1024 CPUs, and the call fails on a machine
    // that may have more.
    for (int possible = 1024; possible <= (1 << 20); possible *= 2) {
        cpu_set_t *set = CPU_ALLOC(possible);
        if (!set)
            return {};
        const size_t bytes = CPU_ALLOC_SIZE(possible);
        CPU_ZERO_S(bytes, set);
        const bool read = sched_getaffinity(0, bytes, set) == 0;
        const bool tooSmall = !read && errno == EINVAL;
        std::vector<int> cpus;
        for (int cpu = 0; read && cpu < possible; ++cpu) {
            if (CPU_ISSET_S(cpu, bytes, set))
                cpus.push_back(cpu);
        }
        CPU_FREE(set);
        if (!tooSmall)
            return cpus;
    }
    return {};
}

int ConnectionSpread::openOn(int thread) const
{
    return m_open[size_t(thread)].load(std::memory_order_relaxed);
}

int ConnectionSpread::leastLoaded() const
{
    int least = 0;
    for (int t = 1; t < m_threads; ++t) {
        if (openOn(t) < openOn(least))
            least = t;
    }
    return least;
}

} // namespace gatehouse::server
