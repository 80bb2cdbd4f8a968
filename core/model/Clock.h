#pragma once

#include <QDateTime>

#include <atomic>
#include <memory>

namespace gatehouse {

// Every time decision in core (expiry, rotation, lockout, audit time) asks a Clock, so tests
// can move time instead of sleeping. Times are always UTC.
class Clock
{
public:
    virtual ~Clock() = default;
    virtual QDateTime now() const = 0;

    // The process-wide wall clock.
    static std::shared_ptr<const Clock> system();
};

// A clock that stands still until told to move; for tests and replays. Thread-safe.
class ManualClock final : public Clock
{
public:
    explicit ManualClock(QDateTime start);
    QDateTime now() const override;
    void set(QDateTime time);
    void advance(qint64 milliseconds);

private:
    std::atomic<qint64> m_msecsSinceEpoch;
};

} // namespace gatehouse
