// gatehouse-server over HTTP, side by side with Node.js servers of the kind web applications
// run today, all on 127.0.0.1 and loaded by wrk in turn:
//   (a) Express + jsonwebtoken (the seed applications' stack): a JWT verified per request,
//       sign-in by Node's crypto.scrypt;
//   (b) plain node:http in cluster mode, one worker per core: an opaque token looked up by its
//       SHA-256 in a Map.
// Bearer validation (GET /auth/user, 64 connections) on plain HTTP for all, and gatehouse-server
// on TLS beside them; password sign-in (POST /auth/login at the default scrypt cost) beside
// Express as people run it and started with glibc's huge-page tunable, and beside raw
// EVP_PBE_scrypt on every core in this process. The Node servers come from bench/node's pinned
// package-lock.json, installed with `npm ci` in the build tree.
#include "BenchSupport.h"
#include "crypto/PasswordHasher.h"

#include <QCoreApplication>
#include <QDir>
#include <QElapsedTimer>
#include <QFile>
#include <QJsonDocument>
#include <QJsonObject>
#include <QProcess>
#include <QRegularExpression>
#include <QStandardPaths>
#include <QTcpServer>
#include <QTcpSocket>
#include <QThread>

#include <openssl/evp.h>

#include <atomic>
#include <functional>
#include <memory>
#include <thread>
#include <vector>

#include <unistd.h>

using namespace gatehouse;
using namespace gatehouse::bench;

namespace {

const QString kPassword = QStringLiteral("correct horse battery staple 9");
constexpr int kConnections = 64;
constexpr int kValidationSeconds = 10;
constexpr int kValidationRounds = 3;
constexpr int kLoginConnections = 4;
constexpr int kLoginSeconds = 20;
constexpr int kLoginRounds = 2;

quint16 freePort()
{
    QTcpServer probe;
    if (!probe.listen(QHostAddress::LocalHost, 0))
        throw Failure(QStringLiteral("no free loopback port"));
    return probe.serverPort();
}

// One server process of the comparison, stopped (SIGTERM, then SIGKILL) with this object.
class Peer
{
public:
    Peer(const QString &name, const QString &program, const QStringList &arguments,
         const QProcessEnvironment &environment, const QString &workingDirectory = {})
        : m_name(name)
    {
        m_process.setProgram(program);
        m_process.setArguments(arguments);
        m_process.setProcessEnvironment(environment);
        if (!workingDirectory.isEmpty())
            m_process.setWorkingDirectory(workingDirectory);
        // gatehouse-server's request log (stdout) is written and thrown away: the lines are
        // made as in production, but a disk is not part of the comparison. Its messages
        // (stderr) go to a file, so that a full pipe can never hold it up.
        m_process.setStandardOutputFile(QProcess::nullDevice());
        m_messages = QDir::temp().filePath(QStringLiteral("gatehouse-bench-%1-%2.err")
                                               .arg(QCoreApplication::applicationPid())
                                               .arg(QString::number(qHash(name), 16)));
        m_process.setStandardErrorFile(m_messages);
    }
    ~Peer()
    {
        QFile::remove(m_messages);
        if (m_process.state() == QProcess::NotRunning)
            return;
        m_process.terminate();
        if (!m_process.waitForFinished(10000)) {
            m_process.kill();
            m_process.waitForFinished(5000);
        }
    }

    // Starts it and waits for a line of its output (stdout, else its messages) matching
    // `ready`; returns the match.
    QRegularExpressionMatch start(const QRegularExpression &ready, bool readyOnStdout)
    {
        if (readyOnStdout)
            m_process.setStandardOutputFile(QString());
        m_process.start();
        if (!m_process.waitForStarted(10000))
            throw Failure(
                QStringLiteral("%1 did not start: %2").arg(m_name, m_process.errorString()));
        QByteArray seen;
        QElapsedTimer waited;
        waited.start();
        // Node's Express side derives its stored hash at start: up to a few seconds.
        while (waited.elapsed() < 60000) {
            if (readyOnStdout)
                m_process.waitForReadyRead(200);
            else
                QThread::msleep(100);
            if (readyOnStdout) {
                seen += m_process.readAllStandardOutput();
            } else {
                QFile messages(m_messages);
                seen = messages.open(QIODevice::ReadOnly) ? messages.readAll() : QByteArray();
            }
            for (const QByteArray &line : seen.split('\n')) {
                const QRegularExpressionMatch match = ready.match(QString::fromUtf8(line));
                if (match.hasMatch())
                    return match;
            }
            if (m_process.state() == QProcess::NotRunning)
                break;
        }
        throw Failure(QStringLiteral("%1 did not get ready: %2")
                          .arg(m_name, QString::fromUtf8(seen.right(500))));
    }

    qint64 pid() const { return m_process.processId(); }

private:
    QString m_name;
    QString m_messages; // stderr
    QProcess m_process;
};

// One exchange with Connection: close over plain HTTP; the body of the answer.
QByteArray httpExchange(quint16 port, const QByteArray &method, const QByteArray &path,
                        const QByteArray &body = {})
{
    QTcpSocket socket;
    socket.connectToHost(QHostAddress::LocalHost, port);
    if (!socket.waitForConnected(5000))
        throw Failure(QStringLiteral("cannot connect to port %1").arg(port));
    QByteArray request =
        method + ' ' + path + " HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n";
    if (!body.isEmpty()) {
        request += "Content-Type: application/json\r\nContent-Length: "
            + QByteArray::number(body.size()) + "\r\n";
    }
    socket.write(request + "\r\n" + body);
    QByteArray answer;
    while (socket.waitForReadyRead(30000) || socket.bytesAvailable() > 0)
        answer += socket.readAll();
    const qsizetype split = answer.indexOf("\r\n\r\n");
    if (!answer.startsWith("HTTP/1.1 200") || split < 0)
        throw Failure(QStringLiteral("%1 %2 failed: %3")
                          .arg(QString::fromLatin1(method), QString::fromLatin1(path),
                               QString::fromUtf8(answer.left(200))));
    return answer.mid(split + 4);
}

// gatehouse-server's open connections by network thread, from /metrics (its own connection
// included): how wrk's connections were spread.
QString connectionsByThread(quint16 port)
{
    static const QRegularExpression gauge(
        QStringLiteral("^gatehouse_open_connections\\{thread=\"\\d+\"\\} (\\d+)$"),
        QRegularExpression::MultilineOption);
    QStringList counts;
    for (const QRegularExpressionMatch &match :
         gauge.globalMatch(QString::fromUtf8(httpExchange(port, "GET", "/metrics"))))
        counts.append(match.captured(1));
    return QStringLiteral("open connections by network thread %1").arg(counts.join(u'/'));
}

QString signInBody()
{
    return QString::fromUtf8(
        QJsonDocument(QJsonObject{{QStringLiteral("username"), QStringLiteral("bench")},
                                  {QStringLiteral("password"), kPassword}})
            .toJson(QJsonDocument::Compact));
}

struct WrkRun {
    double requestsPerSecond = 0;
    double p50Ms = 0;
    double p99Ms = 0;
    double serverCpuMicroseconds = 0; // per request, the server's processes only
    QString probed; // what the side's probe saw half way through
};

// CPU seconds (user and system) used so far by process `pid` and all its descendants (the
// Node.js cluster's workers), from /proc. A figure per request that other work on the machine
// changes far less than a rate.
double cpuSecondsOfTree(qint64 pid, int *processes = nullptr)
{
    QFile stat(QStringLiteral("/proc/%1/stat").arg(pid));
    if (!stat.open(QIODevice::ReadOnly))
        return 0;
    // Fields 14 and 15 (utime, stime) after the ")" that ends the command name.
    const QByteArray line = stat.readAll();
    const QList<QByteArray> fields = line.mid(line.lastIndexOf(')') + 2).split(' ');
    if (processes)
        ++*processes;
    double seconds = fields.size() > 13
        ? double(fields[11].toLongLong() + fields[12].toLongLong()) / double(sysconf(_SC_CLK_TCK))
        : 0;
    const QDir tasks(QStringLiteral("/proc/%1/task").arg(pid));
    for (const QString &task : tasks.entryList(QDir::Dirs | QDir::NoDotAndDotDot)) {
        QFile children(tasks.filePath(task + QStringLiteral("/children")));
        if (!children.open(QIODevice::ReadOnly))
            continue;
        for (const QByteArray &child : children.readAll().simplified().split(' ')) {
            if (!child.isEmpty())
                seconds += cpuSecondsOfTree(child.toLongLong(), processes);
        }
    }
    return seconds;
}

double milliseconds(const QString &figure)
{
    static const QRegularExpression unit(QStringLiteral("^([0-9.]+)(us|ms|s|m)$"));
    const QRegularExpressionMatch match = unit.match(figure);
    if (!match.hasMatch())
        return 0;
    const double value = match.captured(1).toDouble();
    const QString u = match.captured(2);
    return u == u"us" ? value / 1000
        : u == u"ms"  ? value
        : u == u"s"   ? value * 1000
                      : value * 60000;
}

// wrk for `seconds` on `connections` over two threads; a run with errors or non-2xx answers
// is a Failure, not a figure, and so is one with no answer at all unless it was `warmUp`.
WrkRun runWrk(const QString &url, int connections, int seconds, const QStringList &extra,
              bool warmUp = false, const std::function<QString()> &probe = {})
{
    QProcess wrk;
    QStringList arguments{QStringLiteral("-t2"),
                          QStringLiteral("-c%1").arg(connections),
                          QStringLiteral("-d%1s").arg(seconds),
                          QStringLiteral("--latency"),
                          QStringLiteral("--timeout"),
                          QStringLiteral("30s")};
    wrk.start(QStringLiteral("wrk"), arguments + extra + QStringList{url});
    QString probed;
    if (probe) {
        QThread::msleep(quint64(seconds) * 500);
        probed = probe();
    }
    if (!wrk.waitForFinished((seconds + 60) * 1000))
        throw Failure(QStringLiteral("wrk did not finish against %1").arg(url));
    const QString out = QString::fromUtf8(wrk.readAllStandardOutput());
    if (out.contains(QLatin1String("Non-2xx")) || out.contains(QLatin1String("Socket errors")))
        throw Failure(QStringLiteral("wrk saw failures against %1:\n%2").arg(url, out));
    WrkRun run;
    run.probed = probed;
    static const QRegularExpression rate(QStringLiteral("Requests/sec:\\s+([0-9.]+)"));
    static const QRegularExpression p50(QStringLiteral("\\n\\s+50%\\s+(\\S+)"));
    static const QRegularExpression p99(QStringLiteral("\\n\\s+99%\\s+(\\S+)"));
    run.requestsPerSecond = rate.match(out).captured(1).toDouble();
    run.p50Ms = milliseconds(p50.match(out).captured(1));
    run.p99Ms = milliseconds(p99.match(out).captured(1));
    if (run.requestsPerSecond <= 0 && !warmUp)
        throw Failure(QStringLiteral("wrk printed no rate against %1:\n%2").arg(url, out));
    return run;
}

// A side of a comparison: what wrk is pointed at, and its runs.
struct Side {
    QString name;
    QString url;
    QStringList wrkArguments;
    qint64 serverPid = 0; // whose CPU time counts
    QList<WrkRun> runs;
    std::function<QString()> probe = {}; // looked at half way through each timed run

    double median(double WrkRun::*field) const
    {
        QList<double> values;
        for (const WrkRun &run : runs)
            values.append(run.*field);
        return summarize(values).median;
    }
};

// Every side `rounds` times for `seconds`, the order turned each round, after a warm-up of
// `warmUpSeconds` each.
void alternate(QList<Side> &sides, int connections, int seconds, int rounds, int warmUpSeconds)
{
    for (Side &side : sides)
        runWrk(side.url, connections, warmUpSeconds, side.wrkArguments, true);
    for (int round = 0; round < rounds; ++round) {
        for (qsizetype k = 0; k < sides.size(); ++k) {
            Side &side = sides[(k + round) % sides.size()];
            const double cpuBefore = cpuSecondsOfTree(side.serverPid);
            WrkRun run =
                runWrk(side.url, connections, seconds, side.wrkArguments, false, side.probe);
            const double cpu = cpuSecondsOfTree(side.serverPid) - cpuBefore;
            run.serverCpuMicroseconds = cpu * 1e6 / (run.requestsPerSecond * seconds);
            side.runs.append(run);
            const double rate = side.runs.last().requestsPerSecond;
            print(QStringLiteral("  round %1, %2: %3/s%4")
                      .arg(round + 1)
                      .arg(side.name, rate < 100 ? fixed(rate, 2) : grouped(rate),
                           run.probed.isEmpty() ? QString() : QStringLiteral(", ") + run.probed));
        }
    }
}

// Raw EVP_PBE_scrypt with the product's parameters on `threads` threads for `seconds`.
double rawScryptPerSecond(int threads, int seconds)
{
    const crypto::PasswordHasher::Parameters parameters;
    std::atomic<int> done{0};
    std::atomic<bool> stop{false};
    std::vector<std::thread> workers;
    const auto started = SteadyClock::now();
    for (int t = 0; t < threads; ++t) {
        workers.emplace_back([&, t] {
            const QByteArray password = kPassword.toUtf8();
            const QByteArray salt(crypto::PasswordHasher::kSaltLength, char('a' + t));
            unsigned char key[crypto::PasswordHasher::kHashLength];
            while (!stop.load()) {
                if (EVP_PBE_scrypt(password.constData(), size_t(password.size()),
                                   reinterpret_cast<const unsigned char *>(salt.constData()),
                                   size_t(salt.size()), quint64{1} << parameters.log2N,
                                   parameters.r, parameters.p,
                                   crypto::PasswordHasher::kMaxMemoryBytes, key, sizeof key)
                    == 1)
                    ++done;
            }
        });
    }
    std::this_thread::sleep_for(std::chrono::seconds(seconds));
    stop = true;
    for (std::thread &worker : workers)
        worker.join();
    return done.load() / secondsSince(started);
}

QString ratioOf(double ours, double theirs)
{
    return theirs > 0 ? percent(ours / theirs) : QStringLiteral("-");
}

// The median over rounds of `ours` / `theirs` within the same round: sides run back to back,
// so this holds up better than a ratio of medians when other work on the machine comes and
// goes between rounds.
double roundRatio(const Side &ours, const Side &theirs)
{
    QList<double> ratios;
    for (qsizetype i = 0; i < std::min(ours.runs.size(), theirs.runs.size()); ++i)
        ratios.append(ours.runs[i].requestsPerSecond / theirs.runs[i].requestsPerSecond);
    return summarize(ratios).median;
}

void run()
{
    const QString nodeProgram = QStandardPaths::findExecutable(QStringLiteral("node"));
    const QString npmProgram = QStandardPaths::findExecutable(QStringLiteral("npm"));
    if (QStandardPaths::findExecutable(QStringLiteral("wrk")).isEmpty())
        throw Failure(QStringLiteral("wrk is missing; install it (make bench-deps)"));
    if (nodeProgram.isEmpty() || npmProgram.isEmpty())
        throw Failure(QStringLiteral("node and npm are needed for the Node.js sides"));

    printHeader(QStringLiteral("gatehouse-server beside Node.js servers (wrk, loopback)"),
                QStringLiteral("GET /auth/user with a bearer token, %1 connections, %2 rounds of "
                               "%3 s per side, sides alternated; POST /auth/login at the "
                               "default scrypt cost, %4 connections, %5 rounds of %6 s; medians.")
                    .arg(kConnections)
                    .arg(kValidationRounds)
                    .arg(kValidationSeconds)
                    .arg(kLoginConnections)
                    .arg(kLoginRounds)
                    .arg(kLoginSeconds));

    // The Node.js servers, from the pinned lock file, in the build tree.
    const QString nodeDir = QCoreApplication::applicationDirPath() + QStringLiteral("/node");
    QDir().mkpath(nodeDir);
    for (const char *file : {"package.json", "package-lock.json", "user.js", "express-server.js",
                             "cluster-server.js"}) {
        const QString target = nodeDir + u'/' + QLatin1String(file);
        QFile::remove(target);
        if (!QFile::copy(QStringLiteral(GATEHOUSE_BENCH_NODE_SOURCE "/") + QLatin1String(file),
                         target))
            throw Failure(QStringLiteral("cannot copy %1 to %2").arg(QLatin1String(file), nodeDir));
    }
    if (!QFile::exists(nodeDir + QStringLiteral("/node_modules/express"))) {
        QProcess npm;
        npm.setWorkingDirectory(nodeDir);
        npm.start(
            npmProgram,
            {QStringLiteral("ci"), QStringLiteral("--no-audit"), QStringLiteral("--no-fund")});
        if (!npm.waitForFinished(600000) || npm.exitCode() != 0)
            throw Failure(QStringLiteral("npm ci failed in %1: %2")
                              .arg(nodeDir, QString::fromUtf8(npm.readAllStandardError())));
    }

    QTemporaryDir dir;
    if (!dir.isValid())
        throw Failure(QStringLiteral("no temporary directory"));
    const QString database = dir.filePath(QStringLiteral("store.db"));
    QProcessEnvironment environment = QProcessEnvironment::systemEnvironment();
    environment.insert(QStringLiteral("GATEHOUSE_DATABASE"), database);
    // The per-address limit stays on, set high: wrk is one address.
    environment.insert(QStringLiteral("GATEHOUSE_RATE_LIMIT"), QStringLiteral("10000000"));
    environment.insert(QStringLiteral("GATEHOUSE_MAX_CONNECTIONS_PER_ADDRESS"),
                       QStringLiteral("1024"));
    {
        QProcess init;
        init.setProcessEnvironment(environment);
        init.start(QStringLiteral(GATEHOUSE_SERVER_PATH),
                   {QStringLiteral("init"), QStringLiteral("--owner"), QStringLiteral("bench"),
                    QStringLiteral("--email"), QStringLiteral("bench@example.com")});
        init.write(kPassword.toUtf8() + '\n');
        init.closeWriteChannel();
        if (!init.waitForFinished(60000) || init.exitCode() != 0)
            throw Failure(QStringLiteral("gatehouse-server init failed: %1")
                              .arg(QString::fromUtf8(init.readAllStandardError())));
    }
    QProcess openssl;
    openssl.start(QStringLiteral("openssl"),
                  {QStringLiteral("req"), QStringLiteral("-x509"), QStringLiteral("-newkey"),
                   QStringLiteral("ec"), QStringLiteral("-pkeyopt"),
                   QStringLiteral("ec_paramgen_curve:P-256"), QStringLiteral("-nodes"),
                   QStringLiteral("-subj"), QStringLiteral("/CN=127.0.0.1"),
                   QStringLiteral("-addext"), QStringLiteral("subjectAltName=IP:127.0.0.1"),
                   QStringLiteral("-days"), QStringLiteral("1"), QStringLiteral("-keyout"),
                   dir.filePath(QStringLiteral("key.pem")), QStringLiteral("-out"),
                   dir.filePath(QStringLiteral("cert.pem"))});
    if (!openssl.waitForFinished(30000) || openssl.exitCode() != 0)
        throw Failure(QStringLiteral("openssl could not make a certificate"));

    const QRegularExpression serving(QStringLiteral("serving (http|https) on"));
    const quint16 plainPort = freePort();
    QProcessEnvironment plainEnvironment = environment;
    plainEnvironment.insert(QStringLiteral("GATEHOUSE_LISTEN"),
                            QStringLiteral("127.0.0.1:%1").arg(plainPort));
    Peer plain(QStringLiteral("gatehouse-server"), QStringLiteral(GATEHOUSE_SERVER_PATH),
               {QStringLiteral("--insecure-http")}, plainEnvironment);
    plain.start(serving, false);
    const quint16 tlsPort = freePort();
    QProcessEnvironment tlsEnvironment = environment;
    tlsEnvironment.insert(QStringLiteral("GATEHOUSE_LISTEN"),
                          QStringLiteral("127.0.0.1:%1").arg(tlsPort));
    tlsEnvironment.insert(QStringLiteral("GATEHOUSE_TLS_CERT"),
                          dir.filePath(QStringLiteral("cert.pem")));
    tlsEnvironment.insert(QStringLiteral("GATEHOUSE_TLS_KEY"),
                          dir.filePath(QStringLiteral("key.pem")));
    Peer tls(QStringLiteral("gatehouse-server (TLS)"), QStringLiteral(GATEHOUSE_SERVER_PATH), {},
             tlsEnvironment);
    tls.start(serving, false);

    QProcessEnvironment nodeEnvironment = QProcessEnvironment::systemEnvironment();
    nodeEnvironment.insert(QStringLiteral("BENCH_PASSWORD"), kPassword);
    nodeEnvironment.remove(QStringLiteral("GLIBC_TUNABLES"));
    const QRegularExpression ready(QStringLiteral("^ready (\\d+) (\\S+)$"));
    const quint16 clusterPort = freePort();
    Peer cluster(QStringLiteral("node:http cluster"), nodeProgram,
                 {QStringLiteral("cluster-server.js"), QString::number(clusterPort)},
                 nodeEnvironment, nodeDir);
    const QString clusterToken = cluster.start(ready, true).captured(2);
    const quint16 expressPort = freePort();
    Peer express(QStringLiteral("Express"), nodeProgram,
                 {QStringLiteral("express-server.js"), QString::number(expressPort)},
                 nodeEnvironment, nodeDir);
    const QString expressToken = express.start(ready, true).captured(2);
    QProcessEnvironment hugeEnvironment = nodeEnvironment;
    hugeEnvironment.insert(QStringLiteral("GLIBC_TUNABLES"),
                           QStringLiteral("glibc.malloc.hugetlb=1"));
    const quint16 hugePort = freePort();
    Peer expressHuge(QStringLiteral("Express (hugetlb)"), nodeProgram,
                     {QStringLiteral("express-server.js"), QString::number(hugePort)},
                     hugeEnvironment, nodeDir);
    expressHuge.start(ready, true);

    const QString session = QJsonDocument::fromJson(httpExchange(plainPort, "POST", "/auth/login",
                                                                 signInBody().toUtf8()))
                                .object()
                                .value(QStringLiteral("token"))
                                .toString();
    if (session.isEmpty())
        throw Failure(QStringLiteral("gatehouse-server gave no session token"));
    const auto bearer = [](const QString &token) {
        return QStringList{QStringLiteral("-H"), QStringLiteral("Authorization: Bearer ") + token};
    };

    print();
    print(QStringLiteral("### GET /auth/user, %1 connections").arg(kConnections));
    QList<Side> validation{
        {QStringLiteral("gatehouse-server"),
         QStringLiteral("http://127.0.0.1:%1/auth/user").arg(plainPort),
         bearer(session),
         plain.pid(),
         {}},
        {QStringLiteral("(b) node:http cluster"),
         QStringLiteral("http://127.0.0.1:%1/auth/user").arg(clusterPort),
         bearer(clusterToken),
         cluster.pid(),
         {}},
        {QStringLiteral("(a) Express + jsonwebtoken"),
         QStringLiteral("http://127.0.0.1:%1/auth/user").arg(expressPort),
         bearer(expressToken),
         express.pid(),
         {}},
        {QStringLiteral("gatehouse-server, TLS 1.3"),
         QStringLiteral("https://127.0.0.1:%1/auth/user").arg(tlsPort),
         bearer(session),
         tls.pid(),
         {}},
    };
    int clusterProcesses = 0;
    cpuSecondsOfTree(cluster.pid(), &clusterProcesses);
    if (clusterProcesses < 1 + cores())
        throw Failure(QStringLiteral("the node:http cluster's workers are not found under /proc "
                                     "(%1 processes); its CPU time would be undercounted")
                          .arg(clusterProcesses));
    validation[0].probe = [plainPort] {
        return connectionsByThread(plainPort);
    };
    alternate(validation, kConnections, kValidationSeconds, kValidationRounds, 2);
    const double ours = validation[0].median(&WrkRun::requestsPerSecond);
    const double clusterRate = validation[1].median(&WrkRun::requestsPerSecond);
    const double expressRate = validation[2].median(&WrkRun::requestsPerSecond);
    Table validationTable({QStringLiteral("server"), QStringLiteral("requests/s (median)"),
                           QStringLiteral("p50 ms"), QStringLiteral("p99 ms"),
                           QStringLiteral("gatehouse-server (HTTP) / this, median of rounds"),
                           QStringLiteral("server CPU µs per request (median)")});
    for (const Side &side : validation) {
        validationTable.add({side.name, grouped(side.median(&WrkRun::requestsPerSecond)),
                             fixed(side.median(&WrkRun::p50Ms), 2),
                             fixed(side.median(&WrkRun::p99Ms), 2),
                             percent(roundRatio(validation[0], side)),
                             fixed(side.median(&WrkRun::serverCpuMicroseconds), 1)});
    }
    validationTable.print();
    print(QStringLiteral("Server CPU per request, (b) node:http cluster / gatehouse-server: %1")
              .arg(percent(validation[1].median(&WrkRun::serverCpuMicroseconds)
                           / validation[0].median(&WrkRun::serverCpuMicroseconds))));

    print();
    print(QStringLiteral("### POST /auth/login, %1 connections").arg(kLoginConnections));
    const QString script = dir.filePath(QStringLiteral("login.lua"));
    {
        QFile lua(script);
        if (!lua.open(QIODevice::WriteOnly))
            throw Failure(QStringLiteral("cannot write %1").arg(script));
        const QByteArray body = signInBody().toUtf8();
        lua.write("wrk.method = \"POST\"\nwrk.headers[\"Content-Type\"] = \"application/json\"\n"
                  "wrk.body = [["
                  + body + "]]\n");
    }
    const QStringList post{QStringLiteral("-s"), script};
    QList<Side> logins{
        {QStringLiteral("gatehouse-server"),
         QStringLiteral("http://127.0.0.1:%1/auth/login").arg(plainPort),
         post,
         plain.pid(),
         {}},
        {QStringLiteral("Express, crypto.scrypt"),
         QStringLiteral("http://127.0.0.1:%1/auth/login").arg(expressPort),
         post,
         express.pid(),
         {}},
        {QStringLiteral("Express, crypto.scrypt, GLIBC_TUNABLES=glibc.malloc.hugetlb=1"),
         QStringLiteral("http://127.0.0.1:%1/auth/login").arg(hugePort),
         post,
         expressHuge.pid(),
         {}},
    };
    alternate(logins, kLoginConnections, kLoginSeconds, kLoginRounds, 5);
    print(QStringLiteral("  raw EVP_PBE_scrypt, %1 threads ...").arg(cores()));
    QList<double> raw;
    for (int round = 0; round < kLoginRounds; ++round)
        raw.append(rawScryptPerSecond(cores(), kLoginSeconds));
    const double rawRate = summarize(raw).median;
    const double ourLogins = logins[0].median(&WrkRun::requestsPerSecond);
    const double nodeLogins = logins[1].median(&WrkRun::requestsPerSecond);
    const double hugeLogins = logins[2].median(&WrkRun::requestsPerSecond);
    Table loginTable({QStringLiteral("sign-ins"), QStringLiteral("per second (median)"),
                      QStringLiteral("gatehouse-server / this, median of rounds")});
    for (const Side &side : logins) {
        loginTable.add({side.name, fixed(side.median(&WrkRun::requestsPerSecond), 2),
                        percent(roundRatio(logins[0], side))});
    }
    loginTable.add({QStringLiteral("raw EVP_PBE_scrypt, %1 threads, this process").arg(cores()),
                    fixed(rawRate, 2), ratioOf(ourLogins, rawRate)});
    loginTable.print();

    const double p99 = validation[0].median(&WrkRun::p99Ms);
    const double versusCluster = roundRatio(validation[0], validation[1]);
    const double versusExpress = roundRatio(validation[0], validation[2]);
    const double versusNode = roundRatio(logins[0], logins[1]);
    const double versusHuge = roundRatio(logins[0], logins[2]);
    printResult(QStringLiteral("GET /auth/user vs node:http cluster (b), 64 connections"),
                QStringLiteral(">= 150 %"),
                QStringLiteral("%1/s vs %2/s").arg(grouped(ours), grouped(clusterRate)),
                percent(versusCluster), versusCluster >= 1.5);
    printResult(QStringLiteral("GET /auth/user vs Express + jsonwebtoken (a)"),
                QStringLiteral(">= 1000 %"),
                QStringLiteral("%1/s vs %2/s").arg(grouped(ours), grouped(expressRate)),
                percent(versusExpress), versusExpress >= 10);
    printResult(QStringLiteral("GET /auth/user p99 at 64 connections"), QStringLiteral("<= 5 ms"),
                QStringLiteral("%1 ms").arg(fixed(p99, 2)), percent(p99 / 5), p99 <= 5);
    printResult(QStringLiteral("sign-ins vs raw EVP_PBE_scrypt, %1 threads").arg(cores()),
                QStringLiteral(">= 90 %"),
                QStringLiteral("%1/s vs %2/s").arg(fixed(ourLogins, 2), fixed(rawRate, 2)),
                ratioOf(ourLogins, rawRate), ourLogins >= 0.9 * rawRate);
    printResult(QStringLiteral("sign-ins vs Node (Express, crypto.scrypt)"),
                QStringLiteral("about 200 %"),
                QStringLiteral("%1/s vs %2/s").arg(fixed(ourLogins, 2), fixed(nodeLogins, 2)),
                percent(versusNode), versusNode >= 1.8);
    printResult(QStringLiteral("sign-ins vs Node with glibc.malloc.hugetlb=1"),
                QStringLiteral(">= 100 %"),
                QStringLiteral("%1/s vs %2/s").arg(fixed(ourLogins, 2), fixed(hugeLogins, 2)),
                percent(versusHuge), versusHuge >= 1.0);
}

} // namespace

int main(int argc, char *argv[])
{
    QCoreApplication app(argc, argv);
    return runMain(run);
}
