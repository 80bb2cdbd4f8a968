#include "SqliteFileCheck.h"

#include <QDir>
#include <QFile>
#include <QFileInfo>

#include <cerrno>
#include <cstring>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

namespace gatehouse::SqliteFileCheck {

namespace {

QString systemReason(int error)
{
    return QString::fromLocal8Bit(std::strerror(error));
}

QString octalMode(mode_t mode)
{
    return QStringLiteral("0%1").arg(mode & 0777, 3, 8, QLatin1Char('0'));
}

Result<void> folderIsWritable(const QString &path)
{
    const QString folder = QFileInfo(path).absolutePath();
    if (::access(QFile::encodeName(folder).constData(), W_OK | X_OK) != 0) {
        return makeError(ErrorCode::Unavailable,
                         QStringLiteral("The folder %1 is not writable (%2). Gatehouse keeps its "
                                        "journal files beside the store: make the folder "
                                        "writable for this user, or move the store.")
                             .arg(folder, systemReason(errno)));
    }
    return {};
}

} // namespace

Result<void> existingStore(const QString &path)
{
    const QByteArray nativePath = QFile::encodeName(path);
    struct stat status {
    };
    if (::stat(nativePath.constData(), &status) != 0) {
        if (errno == ENOENT) {
            return makeError(ErrorCode::NotFound,
                             QStringLiteral("There is no Gatehouse store at %1. Check the path, "
                                            "or create a store with `gatehousectl --db %1 init`.")
                                 .arg(path));
        }
        return makeError(ErrorCode::Unavailable,
                         QStringLiteral("Cannot access %1: %2.").arg(path, systemReason(errno)));
    }
    if (!S_ISREG(status.st_mode)) {
        return makeError(ErrorCode::InvalidInput,
                         QStringLiteral("%1 is not a regular file, so it cannot be a Gatehouse "
                                        "store. Give the path of the store's database file.")
                             .arg(path));
    }
    if (status.st_size == 0) {
        return makeError(ErrorCode::Integrity,
                         QStringLiteral("%1 is empty (0 bytes). A Gatehouse store is never "
                                        "empty, so the file was probably truncated. Restore it "
                                        "from a backup; Gatehouse will not create a new store "
                                        "over it.")
                             .arg(path));
    }
    if (status.st_mode & (S_IRWXG | S_IRWXO)) {
        return makeError(ErrorCode::PermissionDenied,
                         QStringLiteral("%1 is accessible to other users (mode %2), but it holds "
                                        "password hashes and keys. Run `chmod 600 %1` and try "
                                        "again.")
                             .arg(path, octalMode(status.st_mode)));
    }
    if (::access(nativePath.constData(), R_OK | W_OK) != 0) {
        return makeError(ErrorCode::Unavailable,
                         QStringLiteral("%1 cannot be read and written by this user (%2). Fix "
                                        "its owner or permissions.")
                             .arg(path, systemReason(errno)));
    }
    return folderIsWritable(path);
}

Result<void> newStore(const QString &path)
{
    struct stat status {
    };
    if (::lstat(QFile::encodeName(path).constData(), &status) == 0) {
        return makeError(ErrorCode::Conflict,
                         QStringLiteral("%1 already exists. Gatehouse never creates a store over "
                                        "an existing file: open it instead, or choose another "
                                        "path.")
                             .arg(path));
    }
    const QFileInfo folder(QFileInfo(path).absolutePath());
    if (!folder.isDir()) {
        return makeError(ErrorCode::NotFound,
                         QStringLiteral("The folder %1 does not exist. Create it first.")
                             .arg(folder.filePath()));
    }
    return folderIsWritable(path);
}

Result<void> createPrivateFile(const QString &path)
{
    const int fd = ::open(QFile::encodeName(path).constData(),
                          O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, S_IRUSR | S_IWUSR);
    if (fd < 0) {
        const int error = errno;
        if (error == EEXIST) {
            return makeError(ErrorCode::Conflict,
                             QStringLiteral("%1 already exists. Gatehouse never creates a store "
                                            "over an existing file.")
                                 .arg(path));
        }
        return makeError(ErrorCode::Unavailable,
                         QStringLiteral("Cannot create %1: %2.").arg(path, systemReason(error)));
    }
    // The umask may have narrowed the mode further, never widened it; set it exactly anyway.
    ::fchmod(fd, S_IRUSR | S_IWUSR);
    ::close(fd);
    return {};
}

void removeStoreFiles(const QString &path)
{
    for (const QString &suffix :
         {QString(), QStringLiteral("-wal"), QStringLiteral("-shm"), QStringLiteral("-journal")}) {
        QFile::remove(path + suffix);
    }
}

} // namespace gatehouse::SqliteFileCheck
