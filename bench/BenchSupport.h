#pragma once

#include "auth/ServiceContext.h"
#include "model/Actor.h"
#include "model/Clock.h"
#include "model/Result.h"
#include "model/User.h"
#include "store/sqlite/SqliteStore.h"

#include <QList>
#include <QString>
#include <QStringList>
#include <QTemporaryDir>

#include <chrono>
#include <functional>
#include <memory>
#include <stdexcept>

// What every benchmark shares: the machine description, statistics, result tables and a
// throw-away store. Benchmarks are programs, not tests: they print figures and never assert
// on time, because a shared machine is too noisy for timed pass/fail.
namespace gatehouse::bench {

// A benchmark that cannot set itself up stops with this; main() prints it and exits 1 after
// the temporary store has been removed (which is why this is an exception and not exit()).
class Failure : public std::runtime_error
{
public:
    explicit Failure(const QString &what)
        : std::runtime_error(what.toStdString())
    {}
};

// The value of `result`, or a Failure naming `what` and the error.
template<typename T>
T require(Result<T> result, const char *what)
{
    if (!result)
        throw Failure(
            QStringLiteral("%1: %2").arg(QString::fromLatin1(what), result.error().message));
    return std::move(result).value();
}
void require(const Result<void> &result, const char *what);

// One line to stdout, UTF-8, flushed at once so a long run can be followed.
void print(const QString &line = {});

// CPU model, logical cores, kernel, transparent huge pages setting and library versions, as
// README.md records them.
QStringList machineDescription();
int cores();
// "## title", what is measured, the machine and its load average (1, 5, 15 min): other work
// on the machine slows every figure, so the load is part of the result.
void printHeader(const QString &title, const QString &what);
QString loadAverage();
// A count set by environment variable `name` (0 or more), else `fallback`; anything else is a
// Failure rather than a silent 0.
qint64 countFromEnvironment(const char *name, qint64 fallback);

using SteadyClock = std::chrono::steady_clock;
double secondsSince(SteadyClock::time_point start);
// CPU time the calling thread has used. Work per CPU-second is what a core can do, whatever
// else the machine is running; wall-clock throughput is what a caller sees.
double threadCpuSeconds();

struct Summary {
    double median = 0;
    double p95 = 0;
    double min = 0;
    double max = 0;
    int samples = 0;
};
// Nearest-rank percentiles; an empty list gives zeros.
Summary summarize(QList<double> samples);

QString fixed(double value, int decimals = 1);
// 1234567.8 -> "1,234,568"
QString grouped(double value);
QString percent(double ratio);

// A Markdown table, so figures paste straight into bench/README.md.
class Table
{
public:
    explicit Table(QStringList headers);
    void add(QStringList cells);
    void print() const;

private:
    QStringList m_headers;
    QList<QStringList> m_rows;
};

// One line per target for the summary `make bench` prints at the end (bench/run.sh collects
// lines starting with "RESULT|").
void printResult(const QString &target, const QString &goal, const QString &measured,
                 const QString &ratio, bool met);

// Reads every file once, so that every side of a comparison finds them in the page cache.
void warmCache(const QStringList &files);

// A user signed in with a session and a second factor, as the services see one.
Actor actorFor(const User &user);

// A new store with a first owner: a SQLite file in a temporary directory that goes with this
// object, or, given a `postgresUrl`, the store in that empty PostgreSQL database.
class BenchStore
{
public:
    explicit BenchStore(std::shared_ptr<const Clock> clock = Clock::system(),
                        const QString &postgresUrl = {});
    ~BenchStore();
    BenchStore(const BenchStore &) = delete;
    BenchStore &operator=(const BenchStore &) = delete;

    Store &store() const { return *m_store; }
    const ServiceContext &context() const { return *m_context; }
    const User &owner() const { return m_owner; }
    QString path() const { return m_path; }
    QString directory() const { return m_dir.path(); }

private:
    QTemporaryDir m_dir;
    QString m_path;
    std::unique_ptr<Store> m_store;
    std::unique_ptr<ServiceContext> m_context;
    User m_owner;
};

// Runs `body` and turns a Failure (or any exception) into exit code 1 with a message.
int runMain(const std::function<void()> &body);

} // namespace gatehouse::bench
