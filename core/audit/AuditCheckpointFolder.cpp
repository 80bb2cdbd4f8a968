#include "AuditCheckpointFolder.h"

#include "AuditPublicKeys.h"

#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QJsonDocument>
#include <QRegularExpression>
#include <QSaveFile>

namespace gatehouse {

namespace {

const QString kCheckpointPattern = QStringLiteral("*_AuditCheckpoint_*.json");
const QString kKeysPattern = QStringLiteral("*_AuditPublicKeys.json");

Result<QByteArray> readSmallFile(const QString &path)
{
    QFile file(path);
    if (!file.open(QIODevice::ReadOnly)) {
        return makeError(ErrorCode::InvalidInput,
                         QStringLiteral("Cannot read %1: %2.").arg(path, file.errorString()));
    }
    constexpr qint64 kMax = 1024 * 1024; // a checkpoint or key list is a few hundred bytes
    const QByteArray content = file.read(kMax + 1);
    if (content.size() > kMax)
        return makeError(ErrorCode::InvalidInput, QStringLiteral("%1 is far too large.").arg(path));
    return content;
}

// Replaced whole or not at all, so a reader never sees half a checkpoint.
Result<void> writeFile(const QString &path, const QByteArray &content)
{
    QSaveFile file(path);
    if (!file.open(QIODevice::WriteOnly) || file.write(content) != content.size()
        || !file.commit()) {
        return makeError(ErrorCode::Unavailable,
                         QStringLiteral("Cannot write %1: %2.").arg(path, file.errorString()));
    }
    return {};
}

} // namespace

Result<void> AuditCheckpointFolder::write(const QList<AuditCheckpoint> &checkpoints,
                                          const QString &logId,
                                          const QList<QByteArray> &publicKeys) const
{
    if (!QFileInfo(m_path).isDir()) {
        return makeError(
            ErrorCode::Unavailable,
            QStringLiteral("Cannot write to %1: it is not an existing folder.").arg(m_path));
    }
    const QDir dir(m_path);
    for (const AuditCheckpoint &checkpoint : checkpoints) {
        if (Result<void> written = writeFile(dir.filePath(checkpoint.fileName()),
                                             QJsonDocument(checkpoint.toJson()).toJson());
            !written) {
            return written;
        }
    }
    return writeFile(dir.filePath(AuditPublicKeys::fileName(logId)),
                     AuditPublicKeys::toJson(logId, publicKeys));
}

bool AuditCheckpointFolder::exists() const
{
    return QFileInfo::exists(m_path);
}

bool AuditCheckpointFolder::holds(const AuditCheckpoint &checkpoint) const
{
    return QFileInfo::exists(QDir(m_path).filePath(checkpoint.fileName()));
}

Result<QStringList> AuditCheckpointFolder::files(const QString &pattern) const
{
    const QFileInfo folder(m_path);
    if (!folder.exists())
        return QStringList();
    // An unreadable folder lists as empty; taken for "no checkpoints", it would hide them.
    if (!folder.isDir() || !folder.isReadable() || !folder.isExecutable()) {
        return makeError(ErrorCode::Unavailable,
                         QStringLiteral("%1 is not a folder this user can read.").arg(m_path));
    }
    const QDir dir(m_path);
    QStringList paths;
    for (const QString &name : dir.entryList({pattern}, QDir::Files, QDir::Name))
        paths.append(dir.filePath(name));
    return paths;
}

Result<QList<AuditCheckpoint>> AuditCheckpointFolder::checkpoints() const
{
    Result<QStringList> paths = files(kCheckpointPattern);
    if (!paths)
        return paths.error();
    QList<AuditCheckpoint> found;
    for (const QString &path : *paths) {
        Result<AuditCheckpoint> checkpoint = readCheckpoint(path);
        if (!checkpoint)
            return checkpoint.error();
        found.append(*checkpoint);
    }
    return found;
}

Result<std::optional<AuditCheckpointFolder::Found>> AuditCheckpointFolder::newest() const
{
    Result<QStringList> paths = files(kCheckpointPattern);
    if (!paths)
        return paths.error();
    // AuditCheckpoint::fileName(): the time to the second, then the size (not zero-padded, so
    // compared as a number).
    static const QRegularExpression named(
        QStringLiteral("_AuditCheckpoint_(\\d{8}T\\d{6}Z)_(\\d{1,18})\\.json$"));
    QString newestPath;
    QString newestTime;
    qint64 newestSize = -1;
    for (const QString &path : *paths) {
        const QRegularExpressionMatch match = named.match(path);
        if (!match.hasMatch()) {
            return makeError(ErrorCode::InvalidInput,
                             QStringLiteral("%1 is not named as an exported checkpoint "
                                            "(<log>_AuditCheckpoint_<time>_<size>.json).")
                                 .arg(path));
        }
        const QString time = match.captured(1);
        const qint64 size = match.captured(2).toLongLong();
        if (time > newestTime || (time == newestTime && size > newestSize)) {
            newestPath = path;
            newestTime = time;
            newestSize = size;
        }
    }
    if (newestPath.isEmpty())
        return std::optional<Found>();
    Result<AuditCheckpoint> checkpoint = readCheckpoint(newestPath);
    if (!checkpoint)
        return checkpoint.error();
    return std::optional<Found>(Found{*checkpoint, newestPath});
}

Result<QList<QByteArray>> AuditCheckpointFolder::publicKeys() const
{
    Result<QStringList> paths = files(kKeysPattern);
    if (!paths)
        return paths.error();
    QList<QByteArray> keys;
    for (const QString &path : *paths) {
        Result<QList<QByteArray>> some = readPublicKeys(path);
        if (!some)
            return some.error();
        keys += *some;
    }
    return keys;
}

Result<AuditCheckpoint> AuditCheckpointFolder::readCheckpoint(const QString &file)
{
    Result<QByteArray> content = readSmallFile(file);
    if (!content)
        return content.error();
    Result<AuditCheckpoint> checkpoint = AuditCheckpoint::fromJson(*content);
    if (!checkpoint)
        return makeError(ErrorCode::InvalidInput,
                         QStringLiteral("%1: %2").arg(file, checkpoint.error().message));
    return checkpoint;
}

Result<QList<QByteArray>> AuditCheckpointFolder::readPublicKeys(const QString &file)
{
    Result<QByteArray> content = readSmallFile(file);
    if (!content)
        return content.error();
    Result<QList<QByteArray>> keys = AuditPublicKeys::fromJson(*content);
    if (!keys)
        return makeError(ErrorCode::InvalidInput,
                         QStringLiteral("%1: %2").arg(file, keys.error().message));
    return keys;
}

} // namespace gatehouse
