#pragma once

#include <QByteArray>
#include <QList>
#include <QPair>
#include <QProcess>
#include <QProcessEnvironment>
#include <QString>
#include <QStringList>

#include <memory>

namespace gatehouse::test {

// A real gatehouse-server process on a free loopback port, stopped (SIGTERM, then SIGKILL)
// when the object goes. Its request log (stdout) goes to a file the test can read, or, with an
// empty `logPath`, into a pipe with no reader (a log reader that went away).
class ServerProcess
{
public:
    // `environment`: GATEHOUSE_* settings besides GATEHOUSE_LISTEN, which is `host` (default
    // 127.0.0.1) with port 0.
    ServerProcess(const QProcessEnvironment &environment, const QStringList &arguments,
                  const QString &logPath, const QString &host = {});
    ~ServerProcess();

    // False when the server did not report its port within a few seconds; error() says why.
    bool started() const { return m_port != 0; }
    quint16 port() const { return m_port; }
    QString error() const { return m_error; }
    QProcess &process() { return *m_process; }

    // SIGTERM; true if the process then exits with status 0 within `timeoutMs`.
    bool terminate(int timeoutMs = 15000);

    // Makes a new store and its first owner: runs `gatehouse-server init` with `password` on
    // stdin and `settings` (e.g. GATEHOUSE_DATA_KEY_FILE) in its environment. Returns
    // `database`, or an empty string on failure.
    static QString initStore(const QString &database, const QString &owner,
                             const QByteArray &password,
                             const QList<QPair<QString, QString>> &settings = {});

private:
    std::unique_ptr<QProcess> m_process;
    quint16 m_port = 0;
    QString m_error;
};

// One HTTP exchange over a raw socket, bytes exactly as given (normal clients tidy up what
// they send). Reads until the server closes or `timeoutMs` passes.
struct RawExchange {
    QByteArray response; // everything received
    bool closedByServer = false;

    int status() const; // from the status line; 0 if none
    QByteArray header(const QByteArray &name) const; // case-insensitive; first one
    QByteArray body() const;
};
RawExchange rawExchange(quint16 port, const QByteArray &request, int timeoutMs = 5000);

// A well-formed HTTP/1.1 request that closes the connection after the answer.
QByteArray httpRequest(const QByteArray &method, const QByteArray &target,
                       const QByteArray &body = {},
                       const QList<QPair<QByteArray, QByteArray>> &headers = {});

} // namespace gatehouse::test
