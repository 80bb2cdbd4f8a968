#pragma once

#include <QByteArray>
#include <QByteArrayView>

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstdio>
#include <mutex>
#include <optional>
#include <thread>

namespace gatehouse::server {

// The request log's lines, from every thread, written by a thread of its own in batches: at
// the latest kFlushInterval after a line was added, or as soon as kBatchBytes are waiting.
// A request never waits on the output (stdout into a pipe or journald can block), and a busy
// server makes one write per batch instead of one per request. If the output stops taking
// lines, at most kMaxPendingBytes wait; later lines are dropped and their number written when
// the output moves again, rather than holding requests up or memory without bound. The price:
// if the process dies, the lines of its last moments (at most kFlushInterval) are lost; the
// audit log, in the store, is the record that must survive, and does. When the log goes, what
// is waiting is written within kFinalFlushLimit, or dropped: an output that takes nothing must
// not keep a stopping server from exiting.
class RequestLog
{
public:
    static constexpr auto kFlushInterval = std::chrono::milliseconds(50);
    static constexpr qsizetype kBatchBytes = 64 * 1024;
    static constexpr qsizetype kMaxPendingBytes = 16 * 1024 * 1024;
    static constexpr auto kFinalFlushLimit = std::chrono::seconds(5);

    // `out` null: lines are discarded.
    explicit RequestLog(FILE *out);
    // Writes what is waiting (within kFinalFlushLimit), then stops the thread.
    ~RequestLog();
    RequestLog(const RequestLog &) = delete;
    RequestLog &operator=(const RequestLog &) = delete;

    // `line` without its newline.
    void add(QByteArrayView line);

private:
    void run();
    // Writes `bytes` to the output, waiting for it while the log runs; once it is stopping,
    // only until `giveUpAt` (set on the first wait after the stop). False if some were not
    // written: the output failed, or the time ran out.
    bool writeOut(QByteArrayView bytes,
                  std::optional<std::chrono::steady_clock::time_point> &giveUpAt);

    FILE *const m_out;
    std::mutex m_mutex;
    std::condition_variable m_wake;
    QByteArray m_pending;
    qint64 m_dropped = 0;
    std::atomic<bool> m_stopping{false};
    std::thread m_thread;
};

} // namespace gatehouse::server
