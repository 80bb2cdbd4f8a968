#include "PostgresCluster.h"

#include <QDir>
#include <QProcess>
#include <QTcpServer>

#include <pwd.h>
#include <unistd.h>

namespace gatehouse::test {

namespace {

quint16 freePort()
{
    QTcpServer probe;
    probe.listen(QHostAddress::LocalHost, 0);
    return probe.serverPort();
}

} // namespace

QString PostgresCluster::binFolder()
{
    QStringList versions = QDir(QStringLiteral("/usr/lib/postgresql"))
                               .entryList(QDir::Dirs | QDir::NoDotAndDotDot, QDir::Name);
    std::sort(versions.begin(), versions.end(),
              [](const QString &a, const QString &b) { return a.toInt() < b.toInt(); });
    for (auto it = versions.crbegin(); it != versions.crend(); ++it) {
        const QString bin = QStringLiteral("/usr/lib/postgresql/%1/bin").arg(*it);
        if (QFile::exists(bin + QStringLiteral("/initdb")))
            return bin;
    }
    return {};
}

PostgresCluster::PostgresCluster(const Options &options)
    : m_dir(QDir::tempPath() + QStringLiteral("/gatehouse-pg-XXXXXX"))
{
    if (binFolder().isEmpty()) {
        m_error = QStringLiteral("PostgreSQL is not installed (packaging/install-deps.sh test)");
        return;
    }
    m_asPostgres = geteuid() == 0;
    m_user = m_asPostgres ? QStringLiteral("postgres")
                          : QString::fromLocal8Bit(getpwuid(geteuid())->pw_name);
    if (m_asPostgres) {
        const passwd *account = getpwnam("postgres");
        if (!account
            || chown(QFile::encodeName(m_dir.path()).constData(), account->pw_uid, account->pw_gid)
                != 0) {
            m_error = QStringLiteral("no postgres account to run the cluster as");
            return;
        }
    }
    m_data = m_dir.filePath(QStringLiteral("data"));
    m_port = freePort();
    if (!run(binFolder() + QStringLiteral("/initdb"),
             {QStringLiteral("-D"), m_data, QStringLiteral("-U"), m_user,
              QStringLiteral("--auth=trust"), QStringLiteral("--locale=C"),
              QStringLiteral("--encoding=UTF8"), QStringLiteral("--no-sync")})) {
        return;
    }
    const QString listen = options.loopback ? QStringLiteral("127.0.0.1") : QString();
    QString settings =
        QStringLiteral("-c listen_addresses='%1' -c unix_socket_directories='%2' -p %3 "
                       "-c fsync=off -c max_connections=200 -c shared_buffers=32MB")
            .arg(listen, m_dir.path())
            .arg(m_port);
    if (!options.certificate.isEmpty()) {
        settings += QStringLiteral(" -c ssl=on -c ssl_cert_file='%1' -c ssl_key_file='%2'")
                        .arg(serverCopy(options.certificate, QStringLiteral("server.crt")),
                             serverCopy(options.key, QStringLiteral("server.key")));
    }
    if (!run(binFolder() + QStringLiteral("/pg_ctl"),
             {QStringLiteral("-D"), m_data, QStringLiteral("-l"),
              m_dir.filePath(QStringLiteral("server.log")), QStringLiteral("-o"), settings,
              QStringLiteral("-w"), QStringLiteral("-t"), QStringLiteral("60"),
              QStringLiteral("start")})) {
        return;
    }
    m_started = true;
}

PostgresCluster::~PostgresCluster()
{
    if (m_started) {
        run(binFolder() + QStringLiteral("/pg_ctl"),
            {QStringLiteral("-D"), m_data, QStringLiteral("-m"), QStringLiteral("immediate"),
             QStringLiteral("-w"), QStringLiteral("stop")});
    }
}

QString PostgresCluster::serverCopy(const QString &source, const QString &name)
{
    const QString target = m_dir.filePath(name);
    QFile::remove(target);
    QFile::copy(source, target);
    QFile::setPermissions(target, QFile::ReadOwner | QFile::WriteOwner);
    if (m_asPostgres) {
        if (const passwd *account = getpwnam("postgres"))
            (void)chown(QFile::encodeName(target).constData(), account->pw_uid, account->pw_gid);
    }
    return target;
}

bool PostgresCluster::run(const QString &program, const QStringList &arguments, QString *output)
{
    QProcess process;
    process.setProcessChannelMode(QProcess::MergedChannels);
    process.setWorkingDirectory(m_dir.path());
    if (m_asPostgres) {
        process.start(QStringLiteral("runuser"),
                      QStringList{QStringLiteral("-u"), QStringLiteral("postgres"),
                                  QStringLiteral("--"), program}
                          + arguments);
    } else {
        process.start(program, arguments);
    }
    const bool finished = process.waitForFinished(120000);
    const QString text = QString::fromLocal8Bit(process.readAll());
    if (output)
        *output = text;
    if (!finished || process.exitStatus() != QProcess::NormalExit || process.exitCode() != 0) {
        m_error =
            QStringLiteral("%1 failed: %2").arg(QFileInfo(program).fileName(), text.left(2000));
        return false;
    }
    return true;
}

QString PostgresCluster::psql(const QString &database, const QString &sql)
{
    QString output;
    if (!run(binFolder() + QStringLiteral("/psql"),
             {QStringLiteral("-h"), m_dir.path(), QStringLiteral("-p"), QString::number(m_port),
              QStringLiteral("-U"), m_user, QStringLiteral("-d"), database, QStringLiteral("-v"),
              QStringLiteral("ON_ERROR_STOP=1"), QStringLiteral("-tAc"), sql},
             &output)) {
        return {};
    }
    return output.isEmpty() ? QStringLiteral("\n") : output;
}

QByteArray PostgresCluster::dump(const QString &database)
{
    QString output;
    if (!run(binFolder() + QStringLiteral("/pg_dump"),
             {QStringLiteral("-h"), m_dir.path(), QStringLiteral("-p"), QString::number(m_port),
              QStringLiteral("-U"), m_user, database},
             &output)) {
        return {};
    }
    return output.toUtf8();
}

QString PostgresCluster::createDatabase(const QString &name)
{
    if (psql(QStringLiteral("postgres"),
             QStringLiteral("CREATE DATABASE \"%1\" TEMPLATE template0 LC_COLLATE 'C' LC_CTYPE "
                            "'C' ENCODING 'UTF8'")
                 .arg(name))
            .isEmpty()) {
        return {};
    }
    return QStringLiteral("postgresql://%1@/%2?host=%3&port=%4")
        .arg(m_user, name, m_dir.path())
        .arg(m_port);
}

} // namespace gatehouse::test
