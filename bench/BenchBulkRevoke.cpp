// Bulk revocation: 100,000 live sessions revoked with their audit records through
// Sessions::revokeOlderThan (one call), revokeMany (10 calls of 10,000 ids, the most one call
// takes) and revokeAllOfUser (100 users holding 1,000 sessions each, the per-user ceiling).
// Target: at most 3 s for the 100,000, whichever way.
#include "BenchSupport.h"

#include "auth/Sessions.h"
#include "auth/UserDirectory.h"
#include "auth/UserRows.h"

#include <QCoreApplication>
#include <QRandomGenerator>
#include <QSqlQuery>
#include <QUuid>

using namespace gatehouse;
using namespace gatehouse::bench;

namespace {

constexpr int kUsers = 100;
constexpr int kSessionsPerUser = SessionPolicy::MaxSessionsCeiling; // 1,000
constexpr int kSessions = kUsers * kSessionsPerUser;
constexpr int kRepetitions = 3;
constexpr double kTargetSeconds = 3.0;

struct Population {
    QStringList userIds;
    QStringList sessionIds;
};

Result<int> countOf(const BenchStore &bench, const QString &sql)
{
    return bench.store().transact<int>(Store::Access::Read, [&](SqlTransaction &tx) -> Result<int> {
        Result<QVariant> n = tx.scalar(sql);
        if (!n)
            return n.error();
        return n->toInt();
    });
}

// Live sessions as sign-ins leave them (hashed tokens, client details), written directly:
// starting 100,000 sessions one by one would measure sign-in, not revocation.
Population populate(const BenchStore &bench)
{
    SessionPolicy policy;
    policy.maxSessionsPerUser = kSessionsPerUser;
    require(Sessions(bench.context()).setPolicy(actorFor(bench.owner()), policy),
            "raise the per-user session limit");
    UserDirectory users(bench.context());
    Population population;
    for (int i = 0; i < kUsers; ++i) {
        population.userIds.append(
            require(users.create(actorFor(bench.owner()),
                                 NewUser{QStringLiteral("kiosk%1").arg(i), {}, {}, {Role::User}}),
                    "create a user")
                .id);
    }
    const QDateTime now = bench.context().clock().now();
    QRandomGenerator random(11);
    require(bench.store().transaction(
                Store::Access::Write,
                [&](SqlTransaction &tx) -> Result<void> {
                    QSqlQuery insert(tx.database());
                    if (!insert.prepare(QStringLiteral(
                            "INSERT INTO sessions (id, token_hash, user_id, state, created_at,"
                            " last_seen_at, idle_expires_at, absolute_expires_at, source_ip,"
                            " user_agent, mfa_authenticated)"
                            " VALUES (?, ?, ?, 'active', ?, ?, ?, ?, ?, ?, ?)"))) {
                        return makeError(ErrorCode::Internal, QStringLiteral("prepare failed"));
                    }
                    for (int i = 0; i < kSessions; ++i) {
                        // Started over the last 11 hours, in the order they were written (as
                        // sign-ins write them), the users' sign-ins interleaved; each used within
                        // the last 20 minutes.
                        const QDateTime created =
                            now.addMSecs(-qint64(kSessions - i) * 11 * 3600 * 1000 / kSessions);
                        const QDateTime seen =
                            std::max(created, now.addSecs(-qint64(random.bounded(1200))));
                        QByteArray hash(32, Qt::Uninitialized);
                        random.fillRange(reinterpret_cast<quint32 *>(hash.data()), 8);
                        const QString id = QUuid::createUuid().toString(QUuid::WithoutBraces);
                        population.sessionIds.append(id);
                        insert.addBindValue(id);
                        insert.addBindValue(hash);
                        insert.addBindValue(population.userIds.at(i % kUsers));
                        insert.addBindValue(UserRows::isoUtc(created));
                        insert.addBindValue(UserRows::isoUtc(seen));
                        insert.addBindValue(UserRows::isoUtc(seen.addSecs(1800)));
                        insert.addBindValue(UserRows::isoUtc(created.addSecs(12 * 3600)));
                        insert.addBindValue(QStringLiteral("203.0.113.%1").arg(i % 250));
                        insert.addBindValue(QStringLiteral("Mozilla/5.0 (Windows NT 10.0; Win64; "
                                                           "x64) Kiosk/%1")
                                                .arg(i % 7));
                        insert.addBindValue(i % 3 == 0 ? 1 : 0);
                        if (!insert.exec())
                            return makeError(ErrorCode::Internal, QStringLiteral("insert failed"));
                    }
                    return {};
                }),
            "write the sessions");
    return population;
}

// Makes every session live again between runs (fixture upkeep, not timed).
void revive(const BenchStore &bench)
{
    require(bench.store().transaction(Store::Access::Write,
                                      [](SqlTransaction &tx) -> Result<void> {
                                          Result<QSqlQuery> done = tx.exec(QStringLiteral(
                                              "UPDATE sessions SET revoked_at = NULL,"
                                              " revoked_by = NULL, revoke_reason = NULL"));
                                          if (!done)
                                              return done.error();
                                          return {};
                                      }),
            "revive the sessions");
}

struct Way {
    QString name;
    int calls = 0;
    std::function<Result<int>(const Sessions &, const Actor &, const Population &, int call)> run;
};

void run()
{
    printHeader(QStringLiteral("Bulk session revocation"),
                QStringLiteral("%1 live sessions (%2 users x %3) revoked with their audit "
                               "records, three ways; the store as shipped (WAL, "
                               "synchronous=FULL, secure_delete). %4 runs each, sessions revived "
                               "between runs (not timed); medians.")
                    .arg(grouped(kSessions), grouped(kUsers), grouped(kSessionsPerUser))
                    .arg(kRepetitions));
    BenchStore bench;
    const Population population = populate(bench);
    const Sessions sessions(bench.context());
    const Actor owner = actorFor(bench.owner());
    const QString reason = QStringLiteral("incident 4711: credentials leaked");

    const QList<Way> ways{
        {QStringLiteral("revokeOlderThan (1 call)"), 1,
         [&](const Sessions &s, const Actor &a, const Population &, int) {
             return s.revokeOlderThan(a, bench.context().clock().now().addSecs(1), reason);
         }},
        {QStringLiteral("revokeMany (10 calls x 10,000 ids)"), kSessions / Sessions::kMaxBulkIds,
         [&](const Sessions &s, const Actor &a, const Population &p, int call) {
             return s.revokeMany(
                 a,
                 p.sessionIds.mid(qsizetype(call) * Sessions::kMaxBulkIds, Sessions::kMaxBulkIds),
                 reason);
         }},
        {QStringLiteral("revokeAllOfUser (100 calls x 1,000)"), kUsers,
         [&](const Sessions &s, const Actor &a, const Population &p, int call) {
             return s.revokeAllOfUser(a, p.userIds.at(call), reason);
         }},
    };

    Table table({QStringLiteral("way"), QStringLiteral("median"), QStringLiteral("min..max"),
                 QStringLiteral("sessions/s"), QStringLiteral("audit records"),
                 QStringLiteral("vs target 3 s")});
    QList<std::pair<QString, double>> results;
    for (const Way &way : ways) {
        QList<double> times;
        for (int repetition = 0; repetition < kRepetitions; ++repetition) {
            revive(bench);
            const int auditBefore =
                require(countOf(bench, QStringLiteral("SELECT count(*) FROM audit_events")),
                        "count audit records");
            int revoked = 0;
            const SteadyClock::time_point began = SteadyClock::now();
            for (int call = 0; call < way.calls; ++call)
                revoked += require(way.run(sessions, owner, population, call), "revoke");
            times << secondsSince(began);
            const int audited =
                require(countOf(bench, QStringLiteral("SELECT count(*) FROM audit_events")),
                        "count audit records")
                - auditBefore;
            const int stillLive = require(
                countOf(bench,
                        QStringLiteral("SELECT count(*) FROM sessions WHERE revoked_at IS NULL")),
                "count live sessions");
            if (revoked != kSessions || stillLive != 0 || audited != way.calls) {
                throw Failure(QStringLiteral("%1 revoked %2 sessions (%3 left) with %4 audit "
                                             "records")
                                  .arg(way.name)
                                  .arg(revoked)
                                  .arg(stillLive)
                                  .arg(audited));
            }
        }
        const Summary s = summarize(times);
        table.add({way.name, QStringLiteral("%1 s").arg(fixed(s.median, 2)),
                   QStringLiteral("%1..%2 s").arg(fixed(s.min, 2), fixed(s.max, 2)),
                   grouped(kSessions / s.median), QString::number(way.calls),
                   percent(s.median / kTargetSeconds)});
        results.append({way.name, s.median});
    }
    table.print();
    print(QStringLiteral("Load average at end: %1").arg(loadAverage()));
    print();
    for (const auto &[name, seconds] : results) {
        printResult(QStringLiteral("bulk revoke 100,000: %1").arg(name), QStringLiteral("<= 3 s"),
                    QStringLiteral("%1 s").arg(fixed(seconds, 2)),
                    percent(seconds / kTargetSeconds), seconds <= kTargetSeconds);
    }
}

} // namespace

int main(int argc, char *argv[])
{
    QCoreApplication app(argc, argv);
    return runMain(run);
}
