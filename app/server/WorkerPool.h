#pragma once

#include <condition_variable>
#include <deque>
#include <functional>
#include <mutex>
#include <thread>
#include <vector>

namespace gatehouse::server {

// The threads that run the endpoints: password hashing and store calls never run on the
// network threads (which only parse and write). The queue is bounded, so a flood of requests
// gets 503 at once instead of piling up memory and latency.
//
// Each thread keeps its own store connection (Store's per-thread connections) for the pool's
// life; stop() (or the destructor) joins the threads, so those connections close before the
// store does: stop the pool first.
class WorkerPool
{
public:
    WorkerPool(int threads, int queueCapacity);
    ~WorkerPool();
    WorkerPool(const WorkerPool &) = delete;
    WorkerPool &operator=(const WorkerPool &) = delete;

    // Queues `job`; false when the queue is full (or the pool is stopping).
    bool tryPost(std::function<void()> job);

    // Drops the jobs not started (their requests get no answer: the server is going away),
    // waits for the running ones and joins the threads. Idempotent.
    void stop();

    int threadCount() const { return int(m_threads.size()); }

private:
    void run();

    const size_t m_capacity;
    std::mutex m_mutex;
    std::condition_variable m_changed;
    std::deque<std::function<void()>> m_queue;
    bool m_stopping = false;
    std::vector<std::thread> m_threads;
};

} // namespace gatehouse::server
