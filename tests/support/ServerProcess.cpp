#include "ServerProcess.h"

#include <QDeadlineTimer>
#include <QRegularExpression>
#include <QTcpSocket>

#include <csignal>

#include <fcntl.h>
#include <unistd.h>

namespace gatehouse::test {

ServerProcess::ServerProcess(const QProcessEnvironment &environment, const QStringList &arguments,
                             const QString &logPath, const QString &host)
    : m_process(std::make_unique<QProcess>())
{
    QProcessEnvironment env = environment;
    env.insert(QStringLiteral("GATEHOUSE_LISTEN"),
               (host.isEmpty() ? QStringLiteral("127.0.0.1") : host) + QStringLiteral(":0"));
    m_process->setProcessEnvironment(env);
    // No log file: stdout is a pipe whose reading end is closed once the server has started.
    int noReader[2] = {-1, -1};
    if (logPath.isEmpty() && ::pipe2(noReader, O_CLOEXEC) == 0)
        m_process->setStandardOutputFile(QStringLiteral("/proc/self/fd/%1").arg(noReader[1]));
    else
        m_process->setStandardOutputFile(logPath);
    m_process->setReadChannel(QProcess::StandardError);
    // As a shell starts it: this test process ignores SIGPIPE (Qt Network does), and the
    // server would inherit that.
    m_process->setChildProcessModifier([] { ::signal(SIGPIPE, SIG_DFL); });
    m_process->start(QStringLiteral(GATEHOUSE_SERVER_PATH), arguments);
    for (const int fd : noReader) {
        if (fd >= 0)
            ::close(fd);
    }
    static const QRegularExpression serving(QStringLiteral("serving https? on [^:]+:(\\d+)"));
    QByteArray errors;
    QDeadlineTimer deadline(10000);
    while (!deadline.hasExpired() && m_process->state() != QProcess::NotRunning) {
        m_process->waitForReadyRead(100);
        errors += m_process->readAllStandardError();
        const QRegularExpressionMatch match = serving.match(QString::fromUtf8(errors));
        if (match.hasMatch()) {
            m_port = quint16(match.captured(1).toUInt());
            return;
        }
    }
    m_error = QString::fromUtf8(errors + m_process->readAllStandardError());
}

ServerProcess::~ServerProcess()
{
    if (m_process->state() != QProcess::NotRunning && !terminate(10000)) {
        m_process->kill();
        m_process->waitForFinished(5000);
    }
}

bool ServerProcess::terminate(int timeoutMs)
{
    if (m_process->state() == QProcess::NotRunning)
        return false;
    ::kill(pid_t(m_process->processId()), SIGTERM);
    return m_process->waitForFinished(timeoutMs) && m_process->exitStatus() == QProcess::NormalExit
        && m_process->exitCode() == 0;
}

QString ServerProcess::initStore(const QString &database, const QString &owner,
                                 const QByteArray &password,
                                 const QList<QPair<QString, QString>> &settings)
{
    QProcess init;
    QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
    env.insert(QStringLiteral("GATEHOUSE_DATABASE"), database);
    for (const auto &[name, value] : settings)
        env.insert(name, value);
    init.setProcessEnvironment(env);
    init.start(QStringLiteral(GATEHOUSE_SERVER_PATH),
               {QStringLiteral("init"), QStringLiteral("--owner"), owner, QStringLiteral("--email"),
                owner + QStringLiteral("@example.com")});
    init.write(password + '\n');
    init.closeWriteChannel();
    if (!init.waitForFinished(60000) || init.exitCode() != 0) {
        qWarning("gatehouse-server init: %s", init.readAllStandardError().constData());
        return {};
    }
    return database;
}

RawExchange rawExchange(quint16 port, const QByteArray &request, int timeoutMs)
{
    RawExchange exchange;
    QTcpSocket socket;
    socket.connectToHost(QStringLiteral("127.0.0.1"), port);
    if (!socket.waitForConnected(timeoutMs))
        return exchange;
    socket.write(request);
    socket.waitForBytesWritten(timeoutMs);
    QDeadlineTimer deadline(timeoutMs);
    while (!deadline.hasExpired()) {
        if (socket.state() != QAbstractSocket::ConnectedState) {
            exchange.closedByServer = true;
            break;
        }
        if (socket.waitForReadyRead(int(std::max<qint64>(1, deadline.remainingTime()))))
            exchange.response += socket.readAll();
        else if (socket.state() != QAbstractSocket::ConnectedState)
            exchange.closedByServer = true;
    }
    exchange.response += socket.readAll();
    return exchange;
}

int RawExchange::status() const
{
    if (!response.startsWith("HTTP/1.1 "))
        return 0;
    return response.mid(9, 3).toInt();
}

QByteArray RawExchange::header(const QByteArray &name) const
{
    const qsizetype end = response.indexOf("\r\n\r\n");
    for (const QByteArray &line : response.left(end).split('\n')) {
        const qsizetype colon = line.indexOf(':');
        if (colon > 0 && line.left(colon).trimmed().toLower() == name.toLower())
            return line.mid(colon + 1).trimmed();
    }
    return {};
}

QByteArray RawExchange::body() const
{
    const qsizetype end = response.indexOf("\r\n\r\n");
    return end < 0 ? QByteArray() : response.mid(end + 4);
}

QByteArray httpRequest(const QByteArray &method, const QByteArray &target, const QByteArray &body,
                       const QList<QPair<QByteArray, QByteArray>> &headers)
{
    QByteArray request = method + ' ' + target + " HTTP/1.1\r\nHost: 127.0.0.1\r\n";
    for (const auto &[name, value] : headers)
        request += name + ": " + value + "\r\n";
    if (!body.isEmpty() || method == "POST")
        request += "Content-Length: " + QByteArray::number(body.size()) + "\r\n";
    request += "Connection: close\r\n\r\n" + body;
    return request;
}

} // namespace gatehouse::test
