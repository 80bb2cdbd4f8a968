#include "Clock.h"

namespace gatehouse {

namespace {

class SystemClock final : public Clock
{
public:
    QDateTime now() const override { return QDateTime::currentDateTimeUtc(); }
};

} // namespace

std::shared_ptr<const Clock> Clock::system()
{
    static const auto clock = std::make_shared<const SystemClock>();
    return clock;
}

ManualClock::ManualClock(QDateTime start)
    : m_msecsSinceEpoch(start.toMSecsSinceEpoch())
{}

QDateTime ManualClock::now() const
{
    return QDateTime::fromMSecsSinceEpoch(m_msecsSinceEpoch.load(), Qt::UTC);
}

void ManualClock::set(QDateTime time)
{
    m_msecsSinceEpoch.store(time.toMSecsSinceEpoch());
}

void ManualClock::advance(qint64 milliseconds)
{
    m_msecsSinceEpoch.fetch_add(milliseconds);
}

} // namespace gatehouse
