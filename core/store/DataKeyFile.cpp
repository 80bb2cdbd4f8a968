#include "DataKeyFile.h"

#include "crypto/Base64.h"
#include "crypto/Random.h"
#include "crypto/SecretBox.h"

#include <QFile>

#include <cerrno>
#include <cstring>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

namespace gatehouse::DataKeyFile {

namespace {

constexpr char kHeader[] = "gatehouse-data-key-v1\n";
constexpr qint64 kMaxFileSize = 256;

QString reason(int error)
{
    return QString::fromLocal8Bit(std::strerror(error));
}

Error malformed(const QString &path)
{
    return makeError(ErrorCode::Integrity,
                     QStringLiteral("%1 is not a Gatehouse data key file (it is damaged or of "
                                    "another kind). Restore the key file that belongs to this "
                                    "store.")
                         .arg(path));
}

} // namespace

QString defaultPathFor(const QString &storePath)
{
    return storePath + QStringLiteral(".key");
}

Result<QByteArray> create(const QString &path)
{
    Result<QByteArray> key = crypto::SecretBox::generateKey();
    if (!key)
        return key.error();
    const QByteArray content = QByteArray(kHeader) + crypto::base64UrlEncode(*key) + '\n';
    const int fd = ::open(QFile::encodeName(path).constData(),
                          O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, S_IRUSR | S_IWUSR);
    if (fd < 0) {
        const int error = errno;
        return makeError(
            error == EEXIST ? ErrorCode::Conflict : ErrorCode::Unavailable,
            QStringLiteral("Cannot create the data key file %1: %2.").arg(path, reason(error)));
    }
    ::fchmod(fd, S_IRUSR | S_IWUSR);
    const bool written = ::write(fd, content.constData(), size_t(content.size())) == content.size()
        && ::fsync(fd) == 0;
    ::close(fd);
    if (!written) {
        QFile::remove(path);
        return makeError(ErrorCode::Unavailable,
                         QStringLiteral("Cannot write the data key file %1.").arg(path));
    }
    return key;
}

Result<QByteArray> load(const QString &path)
{
    struct stat status {
    };
    if (::stat(QFile::encodeName(path).constData(), &status) != 0) {
        return makeError(errno == ENOENT ? ErrorCode::NotFound : ErrorCode::Unavailable,
                         QStringLiteral("Cannot read the data key file %1: %2. It belongs beside "
                                        "the store; copy it along when you move the store.")
                             .arg(path, reason(errno)));
    }
    if (!S_ISREG(status.st_mode) || status.st_size > kMaxFileSize)
        return malformed(path);
    if (status.st_mode & (S_IRWXG | S_IRWXO)) {
        return makeError(ErrorCode::PermissionDenied,
                         QStringLiteral("The data key file %1 is accessible to other users. Run "
                                        "`chmod 600 %1` and try again.")
                             .arg(path));
    }
    QFile file(path);
    if (!file.open(QIODevice::ReadOnly)) {
        return makeError(
            ErrorCode::Unavailable,
            QStringLiteral("Cannot read the data key file %1: %2.").arg(path, file.errorString()));
    }
    const QByteArray content = file.readAll();
    if (!content.startsWith(kHeader) || !content.endsWith('\n'))
        return malformed(path);
    const QByteArrayView encoded = QByteArrayView(content).sliced(sizeof kHeader - 1).chopped(1);
    Result<QByteArray> key = crypto::base64UrlDecode(encoded);
    if (!key || key->size() != crypto::SecretBox::kKeyLength)
        return malformed(path);
    return key;
}

} // namespace gatehouse::DataKeyFile
