#pragma once

#include <QString>
#include <QTemporaryDir>

#include <memory>

namespace gatehouse::test {

// A throwaway PostgreSQL cluster for one test: initdb in a temporary folder, a server that
// listens only on a Unix socket in that folder (and, if asked, on a loopback port), stopped
// and deleted with the object. Run as the `postgres` account when the test runs as root
// (PostgreSQL refuses root). Needs the postgresql package (packaging/install-deps.sh test).
class PostgresCluster
{
public:
    struct Options {
        // Also listen on 127.0.0.1:port(), with TLS from these PEM files when given.
        bool loopback = false;
        QString certificate;
        QString key;
    };
    PostgresCluster()
        : PostgresCluster(Options{})
    {}
    explicit PostgresCluster(const Options &options);
    ~PostgresCluster();
    PostgresCluster(const PostgresCluster &) = delete;
    PostgresCluster &operator=(const PostgresCluster &) = delete;

    bool started() const { return m_started; }
    QString error() const { return m_error; }
    // The folder of the server's socket, and its port.
    QString socketFolder() const { return m_dir.path(); }
    quint16 port() const { return m_port; }
    QString user() const { return m_user; }

    // A new empty database with C collation, as Gatehouse wants one; its URL (over the socket).
    QString createDatabase(const QString &name);
    // Runs SQL as the superuser in `database`; its output, or an empty string on failure.
    QString psql(const QString &database, const QString &sql);
    // Everything `database` holds, as pg_dump writes it (schema and data).
    QByteArray dump(const QString &database);

    // The binaries of the installed PostgreSQL (newest major version); empty if none.
    static QString binFolder();

private:
    bool run(const QString &program, const QStringList &arguments, QString *output = nullptr);
    // A copy of `source` in the cluster's folder that the server may read (a key: 0600).
    QString serverCopy(const QString &source, const QString &name);

    QTemporaryDir m_dir;
    QString m_data;
    QString m_user;
    quint16 m_port = 0;
    bool m_asPostgres = false;
    bool m_started = false;
    QString m_error;
};

} // namespace gatehouse::test
