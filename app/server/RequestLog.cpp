#include "RequestLog.h"

#include <utility>

namespace gatehouse::server {

RequestLog::RequestLog(FILE *out)
    : m_out(out)
{
    if (m_out)
        m_thread = std::thread([this] { run(); });
}

RequestLog::~RequestLog()
{
    if (!m_thread.joinable())
        return;
    {
        std::lock_guard lock(m_mutex);
        m_stopping = true;
    }
    m_wake.notify_one();
    m_thread.join();
}

void RequestLog::add(QByteArrayView line)
{
    if (!m_out)
        return;
    bool batchFull = false;
    {
        std::lock_guard lock(m_mutex);
        if (m_pending.size() + line.size() + 1 > kMaxPendingBytes) {
            ++m_dropped;
            return;
        }
        m_pending.append(line).append('\n');
        // Wakes the writer once, when the batch fills; otherwise it wakes on its own.
        batchFull =
            m_pending.size() >= kBatchBytes && m_pending.size() - line.size() - 1 < kBatchBytes;
    }
    if (batchFull)
        m_wake.notify_one();
}

void RequestLog::run()
{
    QByteArray batch;
    std::unique_lock lock(m_mutex);
    for (;;) {
        m_wake.wait_for(lock, kFlushInterval,
                        [this] { return m_stopping || m_pending.size() >= kBatchBytes; });
        const bool last = m_stopping;
        batch.swap(m_pending);
        const qint64 dropped = std::exchange(m_dropped, 0);
        lock.unlock();
        if (dropped > 0) {
            batch.append(R"({"dropped":)")
                .append(QByteArray::number(dropped))
                .append(R"(,"reason":"the log output was not keeping up"})")
                .append('\n');
        }
        if (!batch.isEmpty()) {
            std::fwrite(batch.constData(), 1, size_t(batch.size()), m_out);
            std::fflush(m_out);
            batch.resize(0); // keeps its capacity for the next batch
        }
        lock.lock();
        if (last && m_pending.isEmpty())
            return;
    }
}

} // namespace gatehouse::server
