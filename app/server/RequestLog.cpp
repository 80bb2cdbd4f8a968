#include "RequestLog.h"

#include <algorithm>
#include <cerrno>
#include <climits>
#include <utility>

#include <poll.h>
#include <unistd.h>

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
    // Straight to the descriptor from here on, so that a write can wait with a time limit;
    // anything the process wrote through stdio before goes first.
    std::fflush(m_out);
    std::optional<std::chrono::steady_clock::time_point> giveUpAt;
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
            writeOut(batch, giveUpAt);
            batch.resize(0); // keeps its capacity for the next batch
        }
        lock.lock();
        if (last && m_pending.isEmpty())
            return;
    }
}

bool RequestLog::writeOut(QByteArrayView bytes,
                          std::optional<std::chrono::steady_clock::time_point> &giveUpAt)
{
    const int fd = ::fileno(m_out);
    qsizetype done = 0;
    while (done < bytes.size()) {
        if (m_stopping) {
            const auto now = std::chrono::steady_clock::now();
            if (!giveUpAt)
                giveUpAt = now + kFinalFlushLimit;
            else if (now >= *giveUpAt)
                return false;
        }
        // Waits in short steps to notice a stop. Once the output can take data, a write of
        // PIPE_BUF bytes or fewer does not block on a pipe (POSIX), nor for long on a file or
        // a socket.
        pollfd ready{fd, POLLOUT, 0};
        const int polled = ::poll(&ready, 1, 100);
        if (polled < 0 && errno != EINTR)
            return false;
        if (polled <= 0)
            continue;
        const ssize_t written = ::write(fd, bytes.data() + done,
                                        size_t(std::min<qsizetype>(bytes.size() - done, PIPE_BUF)));
        if (written > 0)
            done += written;
        else if (written < 0 && errno != EAGAIN && errno != EINTR)
            return false; // a closed pipe (EPIPE) or a full disk: the batch is lost
    }
    return true;
}

} // namespace gatehouse::server
