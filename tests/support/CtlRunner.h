#pragma once

#include <QJsonObject>
#include <QMap>
#include <QString>
#include <QStringList>

namespace gatehouse::test {

// One run of the real gatehousectl binary.
struct CtlRun {
    int exitCode = -1; // -1 when it crashed or timed out
    QString out;
    QString err;

    QJsonObject json() const;
    QString errorCode() const; // error.code of a --json failure
    QString errorMessage() const; // error.message of a --json failure
};

// Runs gatehousectl on one store as scripts do: `--db <store>` first, a clean environment
// (no GATEHOUSE_* variables from the caller's) plus the given ones, `input` on stdin. Every
// --json run is checked against the scripting contract (exactly one line holding one JSON
// object); the runs that broke it are collected for a test to assert on at the end.
class CtlRunner
{
public:
    explicit CtlRunner(QString storePath = {})
        : m_storePath(std::move(storePath))
    {}

    void setStorePath(const QString &path) { m_storePath = path; }
    QString storePath() const { return m_storePath; }

    CtlRun run(const QStringList &arguments, const QByteArray &input = {},
               const QMap<QString, QString> &environment = {});

    QStringList contractBreaches() const { return m_breaches; }
    void clearContractBreaches() { m_breaches.clear(); }

private:
    QString m_storePath;
    QStringList m_breaches;
};

} // namespace gatehouse::test
