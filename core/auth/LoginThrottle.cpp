#include "LoginThrottle.h"

#include "UserRows.h"

#include <QHostAddress>

#include <algorithm>

namespace gatehouse {

namespace {

// Keeps `failures + 1` far from overflow however long a run lasts; the block is long capped
// well before this.
constexpr int kMaxCountedFailures = 1'000'000'000;

Result<void> checkArguments(const QString &key, const QDateTime *now)
{
    if (key.isEmpty())
        return makeError(ErrorCode::Internal, QStringLiteral("Sign-in throttling needs a key."));
    if (now && !now->isValid())
        return makeError(ErrorCode::Internal, QStringLiteral("Sign-in throttling needs a time."));
    return {};
}

Error corruptRow()
{
    return makeError(ErrorCode::Integrity,
                     QStringLiteral("A sign-in throttling record is damaged; ask an administrator "
                                    "to check the store."));
}

} // namespace

LoginThrottle::LoginThrottle(LoginThrottlePolicy policy)
    : m_policy(policy)
{
    m_policy.maxFailuresPerWindow = std::max(m_policy.maxFailuresPerWindow, 1);
    m_policy.windowSeconds = std::max<qint64>(m_policy.windowSeconds, 1);
    m_policy.baseBlockSeconds = std::max<qint64>(m_policy.baseBlockSeconds, 1);
    m_policy.maxBlockSeconds = std::max(m_policy.maxBlockSeconds, m_policy.baseBlockSeconds);
}

QString LoginThrottle::keyFor(QStringView sourceIp)
{
    const QString unknown = QStringLiteral("ip:unknown");
    QHostAddress address;
    if (sourceIp.isEmpty() || !address.setAddress(sourceIp.toString()))
        return unknown;
    bool isIPv4 = false;
    const quint32 ipv4 = address.toIPv4Address(&isIPv4);
    if (isIPv4)
        return QStringLiteral("ip:") + QHostAddress(ipv4).toString();
    if (address.protocol() != QHostAddress::IPv6Protocol)
        return unknown;
    // Rebuilt from the first 8 bytes only, which also drops any scope id ("%eth0").
    Q_IPV6ADDR network = address.toIPv6Address();
    std::fill(std::begin(network.c) + 8, std::end(network.c), quint8(0));
    return QStringLiteral("ip:") + QHostAddress(network).toString() + QStringLiteral("/64");
}

qint64 LoginThrottle::blockSeconds(int failures) const
{
    qint64 block = m_policy.baseBlockSeconds;
    for (int past = failures - m_policy.maxFailuresPerWindow;
         past > 0 && block < m_policy.maxBlockSeconds; --past) {
        block = block > m_policy.maxBlockSeconds / 2 ? m_policy.maxBlockSeconds : block * 2;
    }
    return std::min(block, m_policy.maxBlockSeconds);
}

Result<std::optional<QDateTime>> LoginThrottle::blockedUntil(SqlTransaction &tx, const QString &key,
                                                             const QDateTime &now) const
{
    if (Result<void> checked = checkArguments(key, &now); !checked)
        return checked.error();
    Result<QVariant> stored =
        tx.scalar(QStringLiteral("SELECT blocked_until FROM login_throttle WHERE key = ?"), {key});
    if (!stored)
        return stored.error();
    if (stored->isNull())
        return std::optional<QDateTime>();
    const QDateTime until = UserRows::fromIso(*stored);
    if (!until.isValid())
        return corruptRow();
    // Compared with the stored end only, so a clock that went back never ends a block early.
    if (until > now)
        return std::optional<QDateTime>(until);
    return std::optional<QDateTime>();
}

Result<void> LoginThrottle::recordFailure(SqlTransaction &tx, const QString &key,
                                          const QDateTime &now) const
{
    if (Result<void> checked = checkArguments(key, &now); !checked)
        return checked.error();
    Result<QSqlQuery> row = tx.exec(QStringLiteral("SELECT failures, window_started_at,"
                                                   " blocked_until FROM login_throttle"
                                                   " WHERE key = ?"),
                                    {key});
    if (!row)
        return row.error();

    int failures = 0;
    QDateTime block; // the block to keep: only one still running at `now`
    if (row->next()) {
        const QDateTime latestFailure = UserRows::fromIso(row->value(1));
        const QDateTime storedBlock = UserRows::fromIso(row->value(2));
        if (!latestFailure.isValid() || (!row->value(2).isNull() && !storedBlock.isValid()))
            return corruptRow();
        const QDateTime quietSince =
            storedBlock.isValid() ? std::max(latestFailure, storedBlock) : latestFailure;
        const bool runEnded = quietSince.addSecs(m_policy.windowSeconds) <= now;
        // A latest failure after `now` means the clock went back: the run cannot be placed in
        // time, so a fresh one starts (the block below still stands).
        const bool clockWentBack = latestFailure > now;
        if (!runEnded && !clockWentBack)
            failures = std::clamp(row->value(0).toInt(), 0, kMaxCountedFailures);
        if (storedBlock.isValid() && storedBlock > now)
            block = storedBlock;
    }
    ++failures;
    if (failures >= m_policy.maxFailuresPerWindow) {
        const QDateTime until = now.addSecs(blockSeconds(failures));
        if (!block.isValid() || until > block)
            block = until;
    }

    Result<QSqlQuery> saved =
        tx.exec(QStringLiteral("INSERT INTO login_throttle (key, failures, window_started_at,"
                               " blocked_until) VALUES (?, ?, ?, ?) ON CONFLICT(key) DO UPDATE SET"
                               " failures = excluded.failures,"
                               " window_started_at = excluded.window_started_at,"
                               " blocked_until = excluded.blocked_until"),
                {key, failures, UserRows::isoUtc(now),
                 block.isValid() ? QVariant(UserRows::isoUtc(block)) : QVariant()});
    if (!saved)
        return saved.error();
    return {};
}

Result<void> LoginThrottle::recordSuccess(SqlTransaction &tx, const QString &key) const
{
    if (Result<void> checked = checkArguments(key, nullptr); !checked)
        return checked.error();
    Result<QSqlQuery> deleted =
        tx.exec(QStringLiteral("DELETE FROM login_throttle WHERE key = ?"), {key});
    if (!deleted)
        return deleted.error();
    return {};
}

Result<int> LoginThrottle::purge(SqlTransaction &tx, const QDateTime &now) const
{
    if (!now.isValid())
        return makeError(ErrorCode::Internal, QStringLiteral("Sign-in throttling needs a time."));
    // The same test as recordFailure()'s "run ended", on the stored text: isoUtc() writes a
    // fixed-width UTC form, so text order is time order. Rows from a clock that went back have
    // a future latest failure and stay until that time has passed too.
    const QString cutoff = UserRows::isoUtc(now.addSecs(-m_policy.windowSeconds));
    Result<QSqlQuery> deleted =
        tx.exec(QStringLiteral("DELETE FROM login_throttle WHERE window_started_at <= ?"
                               " AND (blocked_until IS NULL OR blocked_until <= ?)"),
                {cutoff, cutoff});
    if (!deleted)
        return deleted.error();
    return deleted->numRowsAffected();
}

} // namespace gatehouse
