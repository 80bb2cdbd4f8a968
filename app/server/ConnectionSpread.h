#pragma once

#include <atomic>
#include <memory>
#include <span>
#include <vector>

namespace gatehouse::server {

// Which network thread takes a new connection: the one numbered after the CPU that received
// the connection's packets. Connections received on one CPU then share a thread, and the
// kernel moves a thread towards the CPU that wakes it, so a client and the thread answering
// it stop feeding each other across CPUs. Dealt round robin instead, a thread kept busy from
// one CPU ran through whole scheduler ticks while the clients on its own CPU waited
// (bench/README.md has the figures).
//
// Balance comes first when it has to: a connection whose CPU is unknown or not one this
// process may use, or whose thread already holds kSlack more connections than the least
// loaded one, goes to the least loaded thread. So when one CPU receives everything (a
// single-queue network card), its thread takes the first kSlack connections alone, and the
// threads stay within kSlack of each other after that. The slack is large because clients
// do not connect evenly: a load generator's threads connect one after the other, and a small
// slack spread the first one's connections over every thread (p99 back to 6 to 7 ms).
//
// take() is called by one thread at a time (the acceptor); give() by any.
class ConnectionSpread
{
public:
    static constexpr int kSlack = 64;

    // `cpus`: the CPUs this process may run on, in order. The n-th of them maps to thread n
    // modulo `threads`; with more threads than CPUs, to threads n, n + CPUs, n + 2 CPUs, ...
    ConnectionSpread(int threads, std::span<const int> cpus);

    // The thread for a connection received on `cpu` (-1: unknown), counted as open on it.
    int take(int cpu);
    // The connection on `thread` has closed.
    void give(int thread);
    // Open connections on each thread.
    std::vector<int> open() const;

    // The CPUs the calling thread may run on, in order.
    static std::vector<int> allowedCpus();

private:
    int openOn(int thread) const;
    int leastLoaded() const;

    std::vector<int> m_rankOfCpu; // by CPU number: its place among ours, -1 for CPUs not ours
    int m_cpus = 0;
    std::unique_ptr<std::atomic<int>[]> m_open;
    int m_threads;
};

} // namespace gatehouse::server
