#include "SecretFile.h"

#include <QFile>
#include <QFileInfo>

#include <cerrno>
#include <cstring>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

namespace gatehouse::SecretFile {

namespace {

QString reason(int error)
{
    return QString::fromLocal8Bit(std::strerror(error));
}

// Exclusive creation with mode 0600 from the first byte (the umask cannot widen it), written
// and synced before it counts as there.
Result<void> writeExclusive(const QString &path, const QByteArray &content, const QString &what)
{
    const int fd = ::open(QFile::encodeName(path).constData(),
                          O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, S_IRUSR | S_IWUSR);
    if (fd < 0) {
        const int error = errno;
        return makeError(
            error == EEXIST ? ErrorCode::Conflict : ErrorCode::Unavailable,
            QStringLiteral("Cannot create the %1 %2: %3.").arg(what, path, reason(error)));
    }
    ::fchmod(fd, S_IRUSR | S_IWUSR);
    const bool written = ::write(fd, content.constData(), size_t(content.size())) == content.size()
        && ::fsync(fd) == 0;
    ::close(fd);
    if (!written) {
        QFile::remove(path);
        return makeError(ErrorCode::Unavailable,
                         QStringLiteral("Cannot write the %1 %2.").arg(what, path));
    }
    return {};
}

} // namespace

Result<void> create(const QString &path, const QByteArray &content, const QString &what)
{
    return writeExclusive(path, content, what);
}

Result<void> replace(const QString &path, const QByteArray &content, const QString &what)
{
    const QString temporary = path + QStringLiteral(".new");
    QFile::remove(temporary); // left by an earlier attempt that died
    if (Result<void> written = writeExclusive(temporary, content, what); !written)
        return written;
    if (::rename(QFile::encodeName(temporary).constData(), QFile::encodeName(path).constData())
        != 0) {
        const int error = errno;
        QFile::remove(temporary);
        return makeError(
            ErrorCode::Unavailable,
            QStringLiteral("Cannot replace the %1 %2: %3.").arg(what, path, reason(error)));
    }
    // The rename is durable only once the directory entry is.
    const int directory = ::open(QFile::encodeName(QFileInfo(path).absolutePath()).constData(),
                                 O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (directory >= 0) {
        ::fsync(directory);
        ::close(directory);
    }
    return {};
}

Result<QByteArray> read(const QString &path, qint64 maxSize, const QString &what)
{
    struct stat status {
    };
    if (::lstat(QFile::encodeName(path).constData(), &status) != 0) {
        return makeError(errno == ENOENT ? ErrorCode::NotFound : ErrorCode::Unavailable,
                         QStringLiteral("Cannot read the %1 %2: %3. It belongs beside the store; "
                                        "copy it along when you move the store.")
                             .arg(what, path, reason(errno)));
    }
    if (!S_ISREG(status.st_mode) || status.st_size > maxSize) {
        return makeError(ErrorCode::Integrity,
                         QStringLiteral("%1 is not a Gatehouse %2 (it is damaged or of another "
                                        "kind). Restore the one that belongs to this store.")
                             .arg(path, what));
    }
    if (status.st_mode & (S_IRWXG | S_IRWXO)) {
        return makeError(ErrorCode::PermissionDenied,
                         QStringLiteral("The %1 %2 is accessible to other users. Run `chmod 600 "
                                        "%2` and try again.")
                             .arg(what, path));
    }
    QFile file(path);
    if (!file.open(QIODevice::ReadOnly)) {
        return makeError(
            ErrorCode::Unavailable,
            QStringLiteral("Cannot read the %1 %2: %3.").arg(what, path, file.errorString()));
    }
    return file.read(maxSize + 1);
}

} // namespace gatehouse::SecretFile
