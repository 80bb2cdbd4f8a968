#include "StoreLocation.h"

#include <QDir>
#include <QFileInfo>
#include <QStandardPaths>

namespace gatehouse::StoreLocation {

QString defaultSqlitePath()
{
    // GenericDataLocation + "/gatehouse" is AppDataLocation for the application "gatehouse"
    // without an organisation; computed this way so gatehousectl finds the console's store.
    const QString base = QStandardPaths::writableLocation(QStandardPaths::GenericDataLocation);
    return QDir(base).filePath(QStringLiteral("gatehouse/gatehouse.db"));
}

QString resolve(const QString &explicitPath)
{
    if (!explicitPath.isEmpty())
        return explicitPath;
    const QString fromEnvironment = qEnvironmentVariable("GATEHOUSE_DATABASE");
    if (!fromEnvironment.isEmpty())
        return fromEnvironment;
    return defaultSqlitePath();
}

Result<void> ensureFolder(const QString &storePath)
{
    const QString folder = QFileInfo(storePath).absolutePath();
    if (QFileInfo(folder).isDir())
        return {};
    if (!QDir().mkpath(folder)) {
        return makeError(ErrorCode::Unavailable,
                         QStringLiteral("Cannot create the folder %1 for the store. Check that "
                                        "its parent exists and is writable.")
                             .arg(folder));
    }
    QFile::setPermissions(folder, QFile::ReadOwner | QFile::WriteOwner | QFile::ExeOwner);
    return {};
}

} // namespace gatehouse::StoreLocation
