// Audit lookups over the store's own log: AuditQuery::lookup (the query
// in a read transaction) and AuditTrail::lookup (plus the access check and the lookup's own
// audit record, a durable write), first page of 50, for single attributes with a time range
// and for three attributes. Targets, as for CloudTrail files: ≤ 10 ms and ≤ 50 ms.
//
// The records are written by the real AuditLog::append (hash chain included) in transactions
// of 20,000, with the lookup indexes dropped during the load and created again from their own
// definitions afterwards (a live log grows one record at a time and never needs this).
//
// `make bench` uses 1,000,000 records (about 3 minutes to write); the figure is for
// 10,000,000, which takes about 25 minutes to write on two cores:
//     GATEHOUSE_BENCH_AUDIT_RECORDS=10000000 build/bench/bench/BenchAuditLookup
// The same on PostgreSQL, in an empty database made with C collation:
//     GATEHOUSE_BENCH_AUDIT_DATABASE=postgresql://...?host=/socket/dir
//     build/bench/bench/BenchAuditLookup
#include "BenchSupport.h"

#include "audit/AuditQuery.h"
#include "auth/AuditTrail.h"

#include <QCoreApplication>
#include <QRandomGenerator>
#include <QSqlQuery>

using namespace gatehouse;
using namespace gatehouse::bench;

namespace {

constexpr qint64 kDefaultRecords = 1000000;
constexpr int kPerTransaction = 20000;
constexpr int kQueriesPerKind = 25;
constexpr double kSingleTargetMs = 10.0;
constexpr double kThreeTargetMs = 50.0;
const QDateTime kStart(QDate(2026, 1, 1), QTime(0, 0), Qt::UTC);
constexpr qint64 kSpanSeconds = 90 * 86400;

const QStringList kEvents{
    QStringLiteral("ValidateSession"),    QStringLiteral("ConsoleLogin"),
    QStringLiteral("ListUsers"),          QStringLiteral("GetUser"),
    QStringLiteral("CreateSession"),      QStringLiteral("RevokeSession"),
    QStringLiteral("VerifyServiceToken"), QStringLiteral("IssueAccessToken"),
    QStringLiteral("UpdateUser"),         QStringLiteral("CreateUser"),
    QStringLiteral("SetUserRoles"),       QStringLiteral("RotateServiceToken"),
    QStringLiteral("CreateServiceToken"), QStringLiteral("DisableUser"),
    QStringLiteral("ResetUserMfa"),       QStringLiteral("LookupEvents"),
    QStringLiteral("RotateSigningKey"),   QStringLiteral("SetPasswordPolicy"),
    QStringLiteral("DeleteUser"),         QStringLiteral("CreateAuditCheckpoint")};

// Zipf-like: event i about twice as common as event i+1... flattened a little.
int skewed(QRandomGenerator &random, int count)
{
    const double u = random.generateDouble();
    return std::min(count - 1, int(count * u * u * u));
}

AuditEvent eventAt(QRandomGenerator &random)
{
    AuditEvent event;
    event.eventName = kEvents.at(skewed(random, int(kEvents.size())));
    event.eventSource = event.eventName == u"ConsoleLogin" || event.eventName == u"ValidateSession"
            || event.eventName == u"CreateSession"
        ? QStringLiteral("auth.gatehouse")
        : QStringLiteral("admin.gatehouse");
    event.readOnly = event.eventName.startsWith(u"List") || event.eventName.startsWith(u"Get")
        || event.eventName.startsWith(u"Lookup") || event.eventName.startsWith(u"Validate");
    event.actor.kind = Actor::Kind::User;
    const int user = skewed(random, 5000);
    event.actor.username = QStringLiteral("user%1").arg(user);
    event.actor.userId =
        QStringLiteral("00000000-0000-4000-8000-%1").arg(user, 12, 10, QLatin1Char('0'));
    event.actor.sourceIp =
        QStringLiteral("198.51.%1.%2").arg(random.bounded(40)).arg(random.bounded(250));
    event.actor.userAgent =
        QStringLiteral("Mozilla/5.0 (X11; Linux x86_64) Gatehouse/%1").arg(random.bounded(5));
    event.actor.requestId =
        QStringLiteral("req-%1").arg(random.generate64(), 16, 16, QLatin1Char('0'));
    if (random.bounded(8) == 0)
        event.actor.accessKeyId = QStringLiteral("ghk_%1").arg(random.bounded(300));
    if (random.bounded(20) == 0) {
        event.errorCode = random.bounded(3) ? QStringLiteral("PermissionDenied")
                                            : QStringLiteral("Unauthenticated");
        event.errorMessage = QStringLiteral("Refused.");
    }
    event.resources.append({QStringLiteral("Gatehouse::User"),
                            QStringLiteral("00000000-0000-4000-8000-%1")
                                .arg(random.bounded(200000), 12, 10, QLatin1Char('0'))});
    event.requestParameters = QJsonObject{{QStringLiteral("reason"), QStringLiteral("routine")}};
    return event;
}

struct Query {
    QString kind;
    EventLookup lookup;
};

QList<Query> queries(QRandomGenerator &random, const QDateTime &end)
{
    QList<Query> out;
    const auto recent = [&](qint64 days) {
        EventLookup lookup;
        lookup.endTime = end.addSecs(-qint64(random.bounded(20 * 86400)));
        lookup.startTime = lookup.endTime.addSecs(-days * 86400);
        return lookup;
    };
    for (int i = 0; i < kQueriesPerKind; ++i) {
        EventLookup name = recent(1);
        name.conditions.append({LookupAttribute::EventName, kEvents.at(random.bounded(8))});
        out.append({QStringLiteral("single: EventName, 1 day"), name});
        EventLookup user = recent(7);
        user.conditions.append(
            {LookupAttribute::Username, QStringLiteral("user%1").arg(3000 + random.bounded(1999))});
        out.append({QStringLiteral("single: rare Username, 7 days"), user});
        EventLookup error = recent(1);
        error.conditions.append({LookupAttribute::ErrorCode, QStringLiteral("Unauthenticated")});
        out.append({QStringLiteral("single: ErrorCode, 1 day"), error});
        EventLookup resource = recent(90);
        resource.conditions.append({LookupAttribute::ResourceName,
                                    QStringLiteral("00000000-0000-4000-8000-%1")
                                        .arg(random.bounded(200000), 12, 10, QLatin1Char('0'))});
        out.append({QStringLiteral("single: ResourceName, 90 days"), resource});
        EventLookup three = recent(7);
        three.conditions.append({LookupAttribute::EventName, QStringLiteral("ConsoleLogin")});
        three.conditions.append(
            {LookupAttribute::Username, QStringLiteral("user%1").arg(random.bounded(200))});
        three.conditions.append({LookupAttribute::ReadOnly, QStringLiteral("false")});
        out.append({QStringLiteral("three: EventName+Username+ReadOnly, 7 days"), three});
        EventLookup three2 = recent(30);
        three2.conditions.append({LookupAttribute::EventSource, QStringLiteral("admin.gatehouse")});
        three2.conditions.append({LookupAttribute::ErrorCode, QStringLiteral("PermissionDenied")});
        three2.conditions.append(
            {LookupAttribute::SourceIpAddress,
             QStringLiteral("198.51.%1.%2").arg(random.bounded(40)).arg(random.bounded(250))});
        out.append({QStringLiteral("three: EventSource+ErrorCode+SourceIP, 30 days"), three2});
    }
    return out;
}

void run()
{
    const qint64 records = countFromEnvironment("GATEHOUSE_BENCH_AUDIT_RECORDS", kDefaultRecords);
    printHeader(QStringLiteral("Audit lookups over %1 records").arg(records),
                QStringLiteral("First page (50) of LookupEvents-style queries on the store's own "
                               "audit log."));
    const QString postgresUrl = qEnvironmentVariable("GATEHOUSE_BENCH_AUDIT_DATABASE");
    if (!postgresUrl.isEmpty())
        print(QStringLiteral("Store: PostgreSQL"));
    auto clock = std::make_shared<ManualClock>(kStart);
    BenchStore bench(clock, postgresUrl);
    Store &store = bench.store();

    // The lookup indexes, dropped for the load and made again from their own definitions.
    QStringList indexes;
    require(store.transaction(
                Store::Access::Write,
                [&](SqlTransaction &tx) -> Result<void> {
                    // Not the primary keys: the load needs them.
                    Result<QSqlQuery> rows = tx.exec(
                        tx.postgres()
                            ? QStringLiteral("SELECT indexname, indexdef FROM pg_indexes WHERE"
                                             " tablename IN ('audit_events', 'audit_resources')"
                                             " AND indexname NOT IN (SELECT conname FROM "
                                             "pg_constraint)")
                            : QStringLiteral("SELECT name, sql FROM sqlite_schema WHERE type = "
                                             "'index' AND sql IS NOT NULL AND"
                                             " tbl_name IN ('audit_events', 'audit_resources')"));
                    if (!rows)
                        return rows.error();
                    QStringList names;
                    while (rows->next()) {
                        names.append(rows->value(0).toString());
                        indexes.append(rows->value(1).toString());
                    }
                    for (const QString &name : names) {
                        if (Result<QSqlQuery> dropped =
                                tx.exec(QStringLiteral("DROP INDEX ") + name);
                            !dropped)
                            return dropped.error();
                    }
                    return {};
                }),
            "drop the lookup indexes");

    // PostgreSQL keeps every version of the chain's one head row that a transaction writes, and
    // each append reads the head through them: 20,000 appends in one transaction slowed the
    // load to a few hundred records a second. A live log appends a few per transaction.
    const int perTransaction = postgresUrl.isEmpty() ? kPerTransaction : 500;
    QRandomGenerator random(42);
    const double step = double(kSpanSeconds) * 1000.0 / double(records);
    const auto loadStart = SteadyClock::now();
    for (qint64 done = 0; done < records;) {
        require(store.transaction(
                    Store::Access::Write,
                    [&](SqlTransaction &tx) -> Result<void> {
                        for (int i = 0; i < perTransaction && done < records; ++i, ++done) {
                            clock->set(kStart.addMSecs(qint64(double(done) * step)));
                            if (Result<void> appended =
                                    bench.context().audit().append(tx, eventAt(random));
                                !appended)
                                return appended;
                        }
                        return {};
                    }),
                "append records");
        if (done % 1000000 == 0)
            print(QStringLiteral("  %1 records, %2 s")
                      .arg(done)
                      .arg(secondsSince(loadStart), 0, 'f', 1));
    }
    const double loadSeconds = secondsSince(loadStart);
    const auto indexStart = SteadyClock::now();
    require(store.transaction(Store::Access::Write,
                              [&](SqlTransaction &tx) -> Result<void> {
                                  for (const QString &sql : indexes) {
                                      if (Result<QSqlQuery> made = tx.exec(sql); !made)
                                          return made.error();
                                  }
                                  // PostgreSQL's planner needs the tables' statistics, which
                                  // autovacuum would gather only later.
                                  if (tx.postgres()) {
                                      if (Result<QSqlQuery> analysed = tx.exec(QStringLiteral(
                                              "ANALYZE audit_events, audit_resources"));
                                          !analysed)
                                          return analysed.error();
                                  }
                                  return {};
                              }),
            "create the lookup indexes");
    print(QStringLiteral("Loaded %1 records in %2 s (%3 records/s), indexes in %4 s")
              .arg(records)
              .arg(loadSeconds, 0, 'f', 1)
              .arg(double(records) / loadSeconds, 0, 'f', 0)
              .arg(secondsSince(indexStart), 0, 'f', 1));
    print();

    AuditTrail trail(bench.context());
    const Actor owner = actorFor(bench.owner());
    QMap<QString, QList<double>> queryMs;
    QMap<QString, QList<double>> serviceMs;
    QMap<QString, qint64> found;
    for (const Query &query : queries(random, clock->now())) {
        auto start = SteadyClock::now();
        Result<EventPage> page =
            store.transact<EventPage>(Store::Access::Read, [&](SqlTransaction &tx) {
                return AuditQuery::lookup(tx, query.lookup);
            });
        queryMs[query.kind].append(secondsSince(start) * 1000.0);
        require(page, "lookup");
        found[query.kind] += page->events.size();
        start = SteadyClock::now();
        require(trail.lookup(owner, query.lookup), "audited lookup");
        serviceMs[query.kind].append(secondsSince(start) * 1000.0);
    }

    Table table({QStringLiteral("query (first page of 50)"), QStringLiteral("events found"),
                 QStringLiteral("query median ms"), QStringLiteral("p95"), QStringLiteral("max"),
                 QStringLiteral("audited median ms"), QStringLiteral("p95")});
    bool singleMet = true;
    bool threeMet = true;
    double singleWorst = 0;
    double threeWorst = 0;
    for (auto it = queryMs.cbegin(); it != queryMs.cend(); ++it) {
        const Summary q = summarize(it.value());
        const Summary s = summarize(serviceMs.value(it.key()));
        table.add({it.key(), QString::number(found.value(it.key())),
                   QString::number(q.median, 'f', 2), QString::number(q.p95, 'f', 2),
                   QString::number(q.max, 'f', 2), QString::number(s.median, 'f', 2),
                   QString::number(s.p95, 'f', 2)});
        if (it.key().startsWith(u"single")) {
            singleWorst = std::max(singleWorst, q.p95);
            singleMet = singleMet && q.p95 <= kSingleTargetMs;
        } else {
            threeWorst = std::max(threeWorst, q.p95);
            threeMet = threeMet && q.p95 <= kThreeTargetMs;
        }
    }
    table.print();
    print();
    printResult(
        QStringLiteral(
            "audit lookup, one attribute + time range, %1 records (p95 of the slowest kind)")
            .arg(records),
        QStringLiteral("≤ %1 ms").arg(kSingleTargetMs),
        QStringLiteral("%1 ms").arg(singleWorst, 0, 'f', 2),
        QStringLiteral("%1×").arg(singleWorst / kSingleTargetMs, 0, 'f', 2), singleMet);
    printResult(
        QStringLiteral(
            "audit lookup, three attributes + time range, %1 records (p95 of the slowest kind)")
            .arg(records),
        QStringLiteral("≤ %1 ms").arg(kThreeTargetMs),
        QStringLiteral("%1 ms").arg(threeWorst, 0, 'f', 2),
        QStringLiteral("%1×").arg(threeWorst / kThreeTargetMs, 0, 'f', 2), threeMet);
}

} // namespace

int main(int argc, char *argv[])
{
    QCoreApplication app(argc, argv);
    return runMain(run);
}
