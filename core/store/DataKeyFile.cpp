#include "DataKeyFile.h"

#include "SecretFile.h"
#include "crypto/Base64.h"
#include "crypto/SecretBox.h"

#include <QFileInfo>

namespace gatehouse::DataKeyFile {

namespace {

constexpr char kHeader[] = "gatehouse-data-key-v1\n";
constexpr qint64 kMaxFileSize = 256;

QString what()
{
    return QStringLiteral("data key file");
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
    if (Result<void> created = SecretFile::create(
            path, QByteArray(kHeader) + crypto::base64UrlEncode(*key) + '\n', what());
        !created) {
        return created.error();
    }
    return key;
}

Result<QByteArray> load(const QString &path)
{
    Result<QByteArray> content = SecretFile::read(path, kMaxFileSize, what());
    if (!content)
        return content.error();
    Result<QByteArray> key = makeError(ErrorCode::Integrity,
                                       QStringLiteral("%1 is not a Gatehouse data key file (it is "
                                                      "damaged or of another kind). Restore the "
                                                      "key file that belongs to this store.")
                                           .arg(path));
    if (content->startsWith(kHeader) && content->endsWith('\n')) {
        Result<QByteArray> decoded =
            crypto::base64UrlDecode(QByteArrayView(*content).sliced(sizeof kHeader - 1).chopped(1));
        if (decoded && decoded->size() == crypto::SecretBox::kKeyLength)
            key = std::move(decoded);
    }
    return key;
}

Result<std::optional<crypto::SecretBox>> openBox(const QString &path, bool required)
{
    if (path.isEmpty() || (!required && !QFileInfo::exists(path)))
        return std::optional<crypto::SecretBox>();
    Result<QByteArray> key = load(path);
    if (!key)
        return key.error();
    Result<crypto::SecretBox> box = crypto::SecretBox::fromKey(*key);
    if (!box)
        return box.error();
    return std::optional<crypto::SecretBox>(std::move(*box));
}

} // namespace gatehouse::DataKeyFile
