#include "WorkerPool.h"

namespace gatehouse::server {

WorkerPool::WorkerPool(int threads, int queueCapacity)
    : m_capacity(size_t(std::max(1, queueCapacity)))
{
    for (int i = 0; i < std::max(1, threads); ++i)
        m_threads.emplace_back([this] { run(); });
}

WorkerPool::~WorkerPool()
{
    stop();
}

void WorkerPool::stop()
{
    std::deque<std::function<void()>> dropped;
    {
        std::lock_guard lock(m_mutex);
        m_stopping = true;
        dropped.swap(m_queue);
    }
    m_changed.notify_all();
    dropped.clear(); // outside the lock: a job's captures may take a while to go
    for (std::thread &thread : m_threads) {
        if (thread.joinable())
            thread.join();
    }
}

bool WorkerPool::tryPost(std::function<void()> job)
{
    {
        std::lock_guard lock(m_mutex);
        if (m_stopping || m_queue.size() >= m_capacity)
            return false;
        m_queue.push_back(std::move(job));
    }
    m_changed.notify_one();
    return true;
}

void WorkerPool::run()
{
    for (;;) {
        std::function<void()> job;
        {
            std::unique_lock lock(m_mutex);
            m_changed.wait(lock, [this] { return m_stopping || !m_queue.empty(); });
            if (m_stopping)
                return;
            job = std::move(m_queue.front());
            m_queue.pop_front();
        }
        job();
    }
}

} // namespace gatehouse::server
