// Session token validation: Sessions::validate() on a SQLite store, single-threaded and with
// one thread per core, beside a hand-written lookup (SHA-256 of the token and one prepared
// SELECT through the SQLite C API on its own connection), the least any validator must do.
// Target: at least 300,000 validations per second per core.
#include "BenchSupport.h"

#include "auth/ServiceTokens.h"
#include "auth/Sessions.h"
#include "auth/UserDirectory.h"
#include "auth/UserRows.h"

#include <openssl/sha.h>
#ifdef GATEHOUSE_BENCH_RAW_SQLITE
#include <sqlite3.h>
#endif

#include <QCoreApplication>
#include <QRandomGenerator>
#include <QSqlQuery>
#include <QUuid>

#include <atomic>
#include <barrier>
#include <functional>
#include <thread>

using namespace gatehouse;
using namespace gatehouse::bench;

namespace {

constexpr int kUsers = 50;
constexpr int kSessionsPerUser = 20; // the default per-user cap: every one stays live
constexpr int kEndedSessions = 100000; // expired and revoked rows kept for retention
constexpr double kRoundSeconds = 0.5;
constexpr int kRounds = 7;
constexpr double kTargetPerCore = 300000;

constexpr int kServiceTokens = 100; // the per-owner ceiling

struct Fixture {
    QStringList tokens;
    QList<QByteArray> asciiTokens;
    QStringList serviceTokens; // live, introspect scope, the owner's
};

Fixture populate(const BenchStore &bench)
{
    UserDirectory users(bench.context());
    Sessions sessions(bench.context());
    Fixture fixture;
    QStringList userIds;
    for (int i = 0; i < kUsers; ++i) {
        const User user = require(users.create(actorFor(bench.owner()),
                                               NewUser{QStringLiteral("user%1").arg(i),
                                                       QStringLiteral("user%1@example.com").arg(i),
                                                       QStringLiteral("User %1").arg(i),
                                                       {Role::User}}),
                                  "create a user");
        userIds.append(user.id);
    }
    Actor client;
    client.sourceIp = QStringLiteral("198.51.100.7");
    client.userAgent = QStringLiteral("Mozilla/5.0 (X11; Linux x86_64) Gatehouse-bench");
    require(
        bench.store().transaction(
            Store::Access::Write,
            [&](SqlTransaction &tx) -> Result<void> {
                for (const QString &userId : userIds) {
                    for (int i = 0; i < kSessionsPerUser; ++i) {
                        Result<IssuedSession> issued =
                            sessions.start(tx, userId, client, false, false);
                        if (!issued)
                            return issued.error();
                        fixture.tokens.append(issued->token);
                        fixture.asciiTokens.append(issued->token.toLatin1());
                    }
                }
                // History: sessions that ended within the retention period.
                QSqlQuery insert(tx.database());
                if (!insert.prepare(QStringLiteral(
                        "INSERT INTO sessions (id, token_hash, user_id, state, created_at,"
                        " last_seen_at, idle_expires_at, absolute_expires_at, revoked_at,"
                        " revoked_by, revoke_reason, source_ip, user_agent)"
                        " VALUES (?, ?, ?, 'active', ?, ?, ?, ?, ?, ?, ?, ?, ?)"))) {
                    return makeError(ErrorCode::Internal, QStringLiteral("prepare failed"));
                }
                const QDateTime now = bench.context().clock().now();
                QRandomGenerator random(7);
                for (int i = 0; i < kEndedSessions; ++i) {
                    const QDateTime created = now.addSecs(-qint64(random.bounded(29 * 86400)));
                    const bool revoked = i % 4 == 0;
                    QByteArray hash(32, Qt::Uninitialized);
                    random.fillRange(reinterpret_cast<quint32 *>(hash.data()), 8);
                    insert.addBindValue(QUuid::createUuid().toString(QUuid::WithoutBraces));
                    insert.addBindValue(hash);
                    insert.addBindValue(userIds.at(i % kUsers));
                    insert.addBindValue(UserRows::isoUtc(created));
                    insert.addBindValue(UserRows::isoUtc(created.addSecs(600)));
                    insert.addBindValue(UserRows::isoUtc(created.addSecs(2400)));
                    insert.addBindValue(UserRows::isoUtc(created.addSecs(12 * 3600)));
                    insert.addBindValue(revoked ? QVariant(UserRows::isoUtc(created.addSecs(900)))
                                                : QVariant());
                    insert.addBindValue(revoked ? QVariant(userIds.at(i % kUsers)) : QVariant());
                    insert.addBindValue(revoked ? QVariant(QStringLiteral("logout")) : QVariant());
                    insert.addBindValue(client.sourceIp);
                    insert.addBindValue(client.userAgent);
                    if (!insert.exec())
                        return makeError(ErrorCode::Internal, QStringLiteral("insert failed"));
                }
                return {};
            }),
        "start sessions");
    ServiceTokens serviceTokens(bench.context());
    for (int i = 0; i < kServiceTokens; ++i) {
        const ServiceTokenSecret created = require(
            serviceTokens.create(actorFor(bench.owner()),
                                 NewServiceToken{{},
                                                 QStringLiteral("resource server %1").arg(i),
                                                 {ServiceTokenScope::Introspect},
                                                 0}),
            "create a service token");
        fixture.serviceTokens.append(created.secret);
    }
    return fixture;
}

#ifdef GATEHOUSE_BENCH_RAW_SQLITE
// What any validator has to do at least: hash the token, find the row, check it is live.
class RawLookup
{
public:
    explicit RawLookup(const QString &path)
    {
        if (sqlite3_open_v2(path.toUtf8().constData(), &m_db, SQLITE_OPEN_READWRITE, nullptr)
            != SQLITE_OK) {
            throw Failure(QStringLiteral("raw SQLite connection: cannot open the store"));
        }
        sqlite3_busy_timeout(m_db, 5000);
        const char *sql =
            "SELECT s.id, s.user_id, u.username, s.state, s.idle_expires_at,"
            " s.absolute_expires_at, s.revoked_at, s.mfa_authenticated, u.status"
            " FROM sessions s JOIN users u ON u.id = s.user_id WHERE s.token_hash = ?";
        if (sqlite3_prepare_v3(m_db, sql, -1, SQLITE_PREPARE_PERSISTENT, &m_statement, nullptr)
            != SQLITE_OK) {
            throw Failure(QStringLiteral("raw SQLite connection: cannot prepare the lookup"));
        }
    }
    ~RawLookup()
    {
        sqlite3_finalize(m_statement);
        sqlite3_close(m_db);
    }
    RawLookup(const RawLookup &) = delete;
    RawLookup &operator=(const RawLookup &) = delete;

    bool valid(const QByteArray &token, const QByteArray &now)
    {
        unsigned char hash[SHA256_DIGEST_LENGTH];
        SHA256(reinterpret_cast<const unsigned char *>(token.constData()),
               static_cast<size_t>(token.size()), hash);
        sqlite3_bind_blob(m_statement, 1, hash, sizeof hash, SQLITE_TRANSIENT);
        bool live = false;
        if (sqlite3_step(m_statement) == SQLITE_ROW) {
            auto text = [&](int column) {
                return QByteArrayView(
                    reinterpret_cast<const char *>(sqlite3_column_text(m_statement, column)),
                    sqlite3_column_bytes(m_statement, column));
            };
            live = sqlite3_column_type(m_statement, 6) == SQLITE_NULL && text(4) > now
                && text(5) > now && text(3) == "active" && text(8) == "active";
        }
        sqlite3_reset(m_statement);
        return live;
    }

private:
    sqlite3 *m_db = nullptr;
    sqlite3_stmt *m_statement = nullptr;
};

#endif

struct Rate {
    double wall = 0; // validations per second per thread, as a caller sees them
    double cpu = 0; // validations per CPU-second: what one core does
};

// Runs `validateOne` on `threads` threads at once, each for about kRoundSeconds.
Rate throughput(int threads, const std::function<std::function<bool(quint32)>()> &makeWorker)
{
    std::atomic<bool> failed{false};
    std::barrier start(threads);
    std::vector<double> seconds(static_cast<size_t>(threads));
    std::vector<double> cpuSeconds(static_cast<size_t>(threads));
    std::vector<qint64> counts(static_cast<size_t>(threads));
    std::vector<std::thread> workers;
    for (int t = 0; t < threads; ++t) {
        workers.emplace_back([&, t] {
            auto validateOne = makeWorker();
            start.arrive_and_wait();
            const SteadyClock::time_point began = SteadyClock::now();
            const double cpuBegan = threadCpuSeconds();
            qint64 done = 0;
            quint32 index = quint32(t) * 7919u;
            while (secondsSince(began) < kRoundSeconds) {
                for (int i = 0; i < 64; ++i) {
                    if (!validateOne(index))
                        failed = true;
                    index += 7919u;
                }
                done += 64;
            }
            const size_t slot = static_cast<size_t>(t);
            seconds[slot] = secondsSince(began);
            cpuSeconds[slot] = threadCpuSeconds() - cpuBegan;
            counts[slot] = done;
        });
    }
    for (std::thread &worker : workers)
        worker.join();
    if (failed)
        throw Failure(QStringLiteral("a live session did not validate"));
    Rate rate;
    double allCpu = 0;
    qint64 all = 0;
    for (size_t t = 0; t < counts.size(); ++t) {
        rate.wall += double(counts[t]) / seconds[t] / threads;
        allCpu += cpuSeconds[t];
        all += counts[t];
    }
    rate.cpu = double(all) / allCpu;
    return rate;
}

// One validator under test: makes a per-thread worker that validates the token at an index.
struct Subject {
    Subject(QString subjectName, std::function<std::function<bool(quint32)>()> worker)
        : name(std::move(subjectName)),
          makeWorker(std::move(worker))
    {}

    QString name;
    std::function<std::function<bool(quint32)>()> makeWorker;
    QList<double> wall1, cpu1, wallN, cpuN;
};

void run()
{
    printHeader(QStringLiteral("Token validation"),
                QStringLiteral("Sessions::validate() on a SQLite store holding %1 live and %2 "
                               "ended sessions, tokens taken in a scattered order, side by side "
                               "with a hand-written lookup (SHA-256 + one prepared SELECT via "
                               "the SQLite C API, its own connection). Rounds of %3 s, subjects "
                               "alternated; medians of %4 rounds. Per CPU-second is what one "
                               "core does whatever else the machine runs; per thread (wall) is "
                               "what callers saw.")
                    .arg(grouped(kUsers * kSessionsPerUser), grouped(kEndedSessions),
                         fixed(kRoundSeconds), QString::number(kRounds)));
    BenchStore bench;
    const Fixture fixture = populate(bench);
    const Sessions sessions(bench.context());
    const qsizetype count = fixture.tokens.size();

    QList<Subject> subjects;
    subjects.append(Subject(QStringLiteral("Sessions::validate()"), [&] {
        return std::function<bool(quint32)>([&](quint32 index) {
            return sessions.validate(fixture.tokens.at(index % count)).ok();
        });
    }));
#ifdef GATEHOUSE_BENCH_RAW_SQLITE
    const QByteArray rawNow =
        UserRows::isoUtc(bench.context().clock().now().addSecs(60)).toLatin1();
    subjects.append(Subject(QStringLiteral("raw SQLite lookup (peer)"), [&] {
        auto lookup = std::make_shared<RawLookup>(bench.path());
        return std::function<bool(quint32)>([&, lookup](quint32 index) {
            return lookup->valid(fixture.asciiTokens.at(index % count), rawNow);
        });
    }));
#else
    print(QStringLiteral("(The raw SQLite peer was not built: install libsqlite3-dev.)"));
#endif
    const ServiceTokens serviceTokens(bench.context());
    Actor resourceServer;
    resourceServer.sourceIp = QStringLiteral("198.51.100.20");
    resourceServer.userAgent = QStringLiteral("Gatehouse-bench resource server");
    const qsizetype serviceCount = fixture.serviceTokens.size();
    subjects.append(Subject(QStringLiteral("ServiceTokens::validate()"), [&] {
        return std::function<bool(quint32)>([&](quint32 index) {
            return serviceTokens
                .validate(fixture.serviceTokens.at(index % serviceCount), resourceServer)
                .ok();
        });
    }));

    // Alternated rounds, so every subject sees the same machine: a slow spell hits all.
    const int threads = cores();
    for (int round = 0; round < kRounds; ++round) {
        for (Subject &subject : subjects) {
            const Rate one = throughput(1, subject.makeWorker);
            const Rate all = throughput(threads, subject.makeWorker);
            subject.wall1 << one.wall;
            subject.cpu1 << one.cpu;
            subject.wallN << all.wall;
            subject.cpuN << all.cpu;
        }
    }

    const Subject &product = subjects.first();
    Table table({QStringLiteral("validator"), QStringLiteral("threads"),
                 QStringLiteral("per thread /s (wall, min..max)"), QStringLiteral("per CPU-second"),
                 QStringLiteral("µs CPU each"), QStringLiteral("vs Sessions::validate()"),
                 QStringLiteral("vs target 300,000/s")});
    for (const Subject &subject : subjects) {
        for (const bool many : {false, true}) {
            const Summary w = summarize(many ? subject.wallN : subject.wall1);
            const Summary c = summarize(many ? subject.cpuN : subject.cpu1);
            const Summary p = summarize(many ? product.cpuN : product.cpu1);
            table.add({subject.name, QString::number(many ? threads : 1),
                       QStringLiteral("%1 (%2..%3)")
                           .arg(grouped(w.median), grouped(w.min), grouped(w.max)),
                       grouped(c.median), fixed(1e6 / c.median, 2), percent(c.median / p.median),
                       percent(c.median / kTargetPerCore)});
        }
    }
    table.print();
    print(QStringLiteral("Load average at end: %1").arg(loadAverage()));
    print();

    for (const Subject &subject : subjects) {
        const bool isSessions = &subject == &product;
        if (!isSessions && subject.name != u"ServiceTokens::validate()")
            continue; // the raw peer has no target
        const QString what = isSessions ? QStringLiteral("session validation")
                                        : QStringLiteral("service token validation");
        const double single = summarize(subject.cpu1).median;
        const double perCore = summarize(subject.cpuN).median;
        printResult(QStringLiteral("%1, 1 thread").arg(what), QStringLiteral(">= 300,000/s"),
                    QStringLiteral("%1 per CPU-s").arg(grouped(single)),
                    percent(single / kTargetPerCore), single >= kTargetPerCore);
        printResult(QStringLiteral("%1, %2 threads, per core").arg(what).arg(threads),
                    QStringLiteral(">= 300,000/s"),
                    QStringLiteral("%1 per CPU-s").arg(grouped(perCore)),
                    percent(perCore / kTargetPerCore), perCore >= kTargetPerCore);
    }
}

} // namespace

int main(int argc, char *argv[])
{
    QCoreApplication app(argc, argv);
    return runMain(run);
}
