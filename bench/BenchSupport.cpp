#include "BenchSupport.h"

#include "auth/UserDirectory.h"
#include "store/postgres/PostgresStore.h"

#include <openssl/opensslv.h>

#include <QFile>
#include <QLocale>
#include <QSqlDatabase>
#include <QSqlQuery>
#include <QSysInfo>
#include <QThread>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <ctime>

namespace gatehouse::bench {

namespace {

// /proc files report a size of 0, so they are read whole rather than line by line.
QString procField(const QString &path, const QString &key)
{
    QFile file(path);
    if (!file.open(QIODevice::ReadOnly))
        return {};
    const QStringList lines = QString::fromUtf8(file.readAll()).split(u'\n');
    for (const QString &line : lines) {
        if (line.startsWith(key)) {
            const qsizetype colon = line.indexOf(u':');
            return colon < 0 ? line.trimmed() : line.mid(colon + 1).trimmed();
        }
    }
    return {};
}

// The SQLite library Qt's driver runs on, asked through the driver itself.
QString sqliteVersion()
{
    const QString name = QStringLiteral("gatehouse-bench-version");
    QString version = QStringLiteral("(unknown)");
    {
        QSqlDatabase db = QSqlDatabase::addDatabase(QStringLiteral("QSQLITE"), name);
        db.setDatabaseName(QStringLiteral(":memory:"));
        if (db.open()) {
            QSqlQuery query(db);
            if (query.exec(QStringLiteral("SELECT sqlite_version()")) && query.next())
                version = query.value(0).toString();
        }
    }
    QSqlDatabase::removeDatabase(name);
    return version;
}

QString fileText(const QString &path)
{
    QFile file(path);
    if (!file.open(QIODevice::ReadOnly))
        return QStringLiteral("(unreadable)");
    return QString::fromUtf8(file.readAll()).trimmed();
}

} // namespace

void require(const Result<void> &result, const char *what)
{
    if (!result)
        throw Failure(
            QStringLiteral("%1: %2").arg(QString::fromLatin1(what), result.error().message));
}

void print(const QString &line)
{
    const QByteArray bytes = line.toUtf8() + '\n';
    std::fwrite(bytes.constData(), 1, static_cast<size_t>(bytes.size()), stdout);
    std::fflush(stdout);
}

int cores()
{
    return std::max(1, QThread::idealThreadCount());
}

QStringList machineDescription()
{
    QString cpu = procField(QStringLiteral("/proc/cpuinfo"), QStringLiteral("model name"));
    if (cpu.isEmpty())
        cpu = QSysInfo::currentCpuArchitecture();
    // glibc.malloc.hugetlb=1 puts scrypt's buffer on transparent huge pages (madvise mode).
    const QString tunables = qEnvironmentVariable("GLIBC_TUNABLES");
    return {
        QStringLiteral("CPU: %1, %2 logical cores").arg(cpu).arg(cores()),
        QStringLiteral("Kernel: %1 %2 (%3)")
            .arg(QSysInfo::kernelType(), QSysInfo::kernelVersion(), QSysInfo::prettyProductName()),
        QStringLiteral("Transparent huge pages: %1")
            .arg(fileText(QStringLiteral("/sys/kernel/mm/transparent_hugepage/enabled"))),
        QStringLiteral("Libraries: Qt %1, %2, SQLite %3")
            .arg(QString::fromLatin1(qVersion()),
                 QString::fromLatin1(OPENSSL_FULL_VERSION_STR).prepend(QStringLiteral("OpenSSL ")),
                 sqliteVersion()),
        QStringLiteral("glibc tunables: %1")
            .arg(tunables.isEmpty() ? QStringLiteral("(none)") : tunables),
    };
}

qint64 countFromEnvironment(const char *name, qint64 fallback)
{
    if (!qEnvironmentVariableIsSet(name))
        return fallback;
    bool ok = false;
    const qint64 count = qEnvironmentVariable(name).toLongLong(&ok);
    if (!ok || count < 0)
        throw Failure(
            QStringLiteral("%1 must be a count (0 or more).").arg(QString::fromLatin1(name)));
    return count;
}

QString loadAverage()
{
    return fileText(QStringLiteral("/proc/loadavg")).section(u' ', 0, 2);
}

void printHeader(const QString &title, const QString &what)
{
    print(QStringLiteral("## %1").arg(title));
    print();
    print(what);
    print();
    for (const QString &line : machineDescription())
        print(QStringLiteral("- %1").arg(line));
    print(QStringLiteral("- Load average at start: %1").arg(loadAverage()));
    print();
}

double threadCpuSeconds()
{
    timespec now{};
    clock_gettime(CLOCK_THREAD_CPUTIME_ID, &now);
    return double(now.tv_sec) + double(now.tv_nsec) / 1e9;
}

double secondsSince(SteadyClock::time_point start)
{
    return std::chrono::duration<double>(SteadyClock::now() - start).count();
}

Summary summarize(QList<double> samples)
{
    Summary summary;
    if (samples.isEmpty())
        return summary;
    std::sort(samples.begin(), samples.end());
    const qsizetype n = samples.size();
    auto rank = [&](double fraction) {
        const qsizetype index = static_cast<qsizetype>(std::ceil(fraction * double(n))) - 1;
        return samples.at(std::clamp<qsizetype>(index, 0, n - 1));
    };
    summary.median = n % 2 ? samples.at(n / 2) : (samples.at(n / 2 - 1) + samples.at(n / 2)) / 2;
    summary.p95 = rank(0.95);
    summary.min = samples.first();
    summary.max = samples.last();
    summary.samples = int(n);
    return summary;
}

QString fixed(double value, int decimals)
{
    return QString::number(value, 'f', decimals);
}

QString grouped(double value)
{
    return QLocale(QLocale::English).toString(qint64(std::llround(value)));
}

QString percent(double ratio)
{
    return QStringLiteral("%1 %").arg(fixed(ratio * 100.0, 1));
}

Table::Table(QStringList headers)
    : m_headers(std::move(headers))
{}

void Table::add(QStringList cells)
{
    m_rows.append(std::move(cells));
}

void Table::print() const
{
    auto line = [](const QStringList &cells) {
        return QString(u"| " + cells.join(QStringLiteral(" | ")) + u" |");
    };
    bench::print(line(m_headers));
    QStringList rule;
    for (qsizetype i = 0; i < m_headers.size(); ++i)
        rule.append(QStringLiteral("---"));
    bench::print(QString(u'|' + rule.join(u'|') + u'|'));
    for (const QStringList &row : m_rows)
        bench::print(line(row));
    bench::print();
}

void printResult(const QString &target, const QString &goal, const QString &measured,
                 const QString &ratio, bool met)
{
    print(QStringList{QStringLiteral("RESULT"), target, goal, measured, ratio,
                      met ? QStringLiteral("met") : QStringLiteral("MISSED")}
              .join(u'|'));
}

Actor actorFor(const User &user)
{
    Actor actor;
    actor.kind = Actor::Kind::User;
    actor.credential = Actor::Credential::Session;
    actor.userId = user.id;
    actor.username = user.username;
    // Administrators sign in with their second factor (roles may require it: MfaPolicy).
    actor.mfaAuthenticated = true;
    actor.sourceIp = QStringLiteral("127.0.0.1");
    actor.requestId = QStringLiteral("bench");
    return actor;
}

BenchStore::BenchStore(std::shared_ptr<const Clock> clock, const QString &postgresUrl)
{
    if (!m_dir.isValid())
        throw Failure(QStringLiteral("cannot create a temporary directory"));
    if (!postgresUrl.isEmpty()) {
        PostgresStoreOptions options;
        options.clock = clock;
        m_store = require(PostgresStore::open(postgresUrl, options), "open the PostgreSQL store");
    } else {
        m_path = m_dir.filePath(QStringLiteral("bench.db"));
        SqliteStoreOptions options;
        options.clock = clock;
        m_store = require(SqliteStore::create(m_path, options), "create the store");
    }
    m_context = std::make_unique<ServiceContext>(*m_store, clock);
    m_owner = require(
        UserDirectory(*m_context)
            .createFirstOwner(Actor::localConsole(), NewUser{QStringLiteral("root"), {}, {}, {}}),
        "create the first owner");
}

BenchStore::~BenchStore()
{
    // This thread's connection closes before the directory and its files go.
    m_context.reset();
    m_store.reset();
}

int runMain(const std::function<void()> &body)
{
    try {
        body();
    } catch (const std::exception &failure) {
        print(QStringLiteral("benchmark failed: %1").arg(QString::fromUtf8(failure.what())));
        return 1;
    }
    return 0;
}

void warmCache(const QStringList &files)
{
    QByteArray sink;
    for (const QString &path : files) {
        QFile file(path);
        if (file.open(QIODevice::ReadOnly))
            sink = file.readAll();
    }
}

} // namespace gatehouse::bench
