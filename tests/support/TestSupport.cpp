#include "TestSupport.h"

#include "auth/MfaPolicy.h"
#include "store/sqlite/SqliteStore.h"

#include <QCryptographicHash>
#include <QFile>
#include <QSqlDatabase>
#include <QSqlError>
#include <QSqlQuery>

namespace gatehouse::test {

Actor actorFor(const User &user, const QString &sessionId)
{
    Actor actor;
    actor.kind = Actor::Kind::User;
    actor.credential = Actor::Credential::Session;
    actor.userId = user.id;
    actor.username = user.username;
    actor.sessionId = sessionId;
    actor.mfaAuthenticated = true;
    actor.sourceIp = QStringLiteral("127.0.0.1");
    actor.requestId = QStringLiteral("req-1");
    return actor;
}

bool requireMfaForNoRole(const QString &storePath)
{
    Result<std::unique_ptr<SqliteStore>> store = SqliteStore::open(storePath);
    if (!store)
        return false;
    MfaPolicy policy;
    policy.requiredForRoles.clear();
    return (*store)
        ->transaction(Store::Access::Write,
                      [&](SqlTransaction &tx) {
                          return policy.save(tx, QStringLiteral("2026-01-01T00:00:00.000Z"),
                                             QStringLiteral("test"));
                      })
        .ok();
}

Result<crypto::SecretBox> newDataKey()
{
    Result<QByteArray> key = crypto::SecretBox::generateKey();
    if (!key)
        return key.error();
    return crypto::SecretBox::fromKey(*key);
}

QString execByHand(const QString &storePath, const QString &statement, const QVariantMap &bindings)
{
    const QString name = QStringLiteral("by-hand");
    QString problem;
    {
        QSqlDatabase db = QSqlDatabase::addDatabase(QStringLiteral("QSQLITE"), name);
        db.setDatabaseName(storePath);
        if (!db.open()) {
            problem = db.lastError().text();
        } else {
            QSqlQuery query(db);
            if (!query.exec(QStringLiteral("PRAGMA foreign_keys = ON"))
                || !query.prepare(statement))
                problem = query.lastError().text();
            for (auto it = bindings.cbegin(); problem.isEmpty() && it != bindings.cend(); ++it) {
                if (statement.contains(it.key()))
                    query.bindValue(it.key(), it.value());
            }
            if (problem.isEmpty() && !query.exec())
                problem = query.lastError().text();
        }
        db.close();
    }
    QSqlDatabase::removeDatabase(name);
    return problem;
}

QByteArray base32Decode(const QString &text)
{
    const QString alphabet = QStringLiteral("ABCDEFGHIJKLMNOPQRSTUVWXYZ234567");
    QByteArray out;
    quint32 buffer = 0;
    int bits = 0;
    for (const QChar c : text) {
        const int value = alphabet.indexOf(c);
        if (value < 0)
            return {};
        buffer = (buffer << 5) | quint32(value);
        bits += 5;
        if (bits >= 8) {
            bits -= 8;
            out.append(char((buffer >> bits) & 0xff));
        }
    }
    return out;
}

QByteArray fromHex(const char *hex)
{
    return QByteArray::fromHex(QByteArray(hex));
}

QString toHex(const QByteArray &bytes)
{
    return QString::fromLatin1(bytes.toHex());
}

QByteArray fileDigest(const QString &path)
{
    QFile file(path);
    if (!file.open(QIODevice::ReadOnly))
        return {};
    QCryptographicHash hash(QCryptographicHash::Sha256);
    hash.addData(&file);
    return hash.result();
}

bool writeFile(const QString &path, const QByteArray &bytes, int mode)
{
    QFile file(path);
    if (!file.open(QIODevice::WriteOnly | QIODevice::NewOnly))
        return false;
    if (file.write(bytes) != bytes.size())
        return false;
    file.close();
    QFile::Permissions permissions;
    if (mode & 0400)
        permissions |= QFile::ReadOwner;
    if (mode & 0200)
        permissions |= QFile::WriteOwner;
    if (mode & 0040)
        permissions |= QFile::ReadGroup;
    if (mode & 0020)
        permissions |= QFile::WriteGroup;
    if (mode & 0004)
        permissions |= QFile::ReadOther;
    if (mode & 0002)
        permissions |= QFile::WriteOther;
    return QFile::setPermissions(path, permissions);
}

LockHolderProcess::LockHolderProcess(const QString &path, Mode mode)
    : m_process(std::make_unique<QProcess>())
{
    m_process->start(QStringLiteral(GATEHOUSE_LOCKHOLDER_PATH),
                     {path,
                      mode == Mode::Write        ? QStringLiteral("write")
                          : mode == Mode::Change ? QStringLiteral("change")
                                                 : QStringLiteral("exclusive")});
    if (m_process->waitForReadyRead(30000))
        m_locked = m_process->readLine().trimmed() == "locked";
}

LockHolderProcess::~LockHolderProcess()
{
    release();
}

bool LockHolderProcess::release()
{
    if (m_process->state() == QProcess::NotRunning)
        return m_process->exitStatus() == QProcess::NormalExit && m_process->exitCode() == 0;
    m_process->closeWriteChannel();
    if (!m_process->waitForFinished(30000)) {
        m_process->kill();
        m_process->waitForFinished();
        return false;
    }
    return m_process->exitStatus() == QProcess::NormalExit && m_process->exitCode() == 0;
}

} // namespace gatehouse::test
