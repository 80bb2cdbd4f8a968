#include "DigestPublicKeys.h"

#include "crypto/Base64.h"

#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>

namespace gatehouse::cloudtrail {

namespace {

constexpr qint64 kMaxFileBytes = 1024 * 1024; // a key list is a few kilobytes

Error notAKey(const QString &name, const QString &reason)
{
    return makeError(ErrorCode::InvalidInput,
                     QStringLiteral("%1 is not a public key file: %2.").arg(name, reason));
}

} // namespace

Result<DigestPublicKeys> DigestPublicKeys::load(const QStringList &files)
{
    DigestPublicKeys keys;
    for (const QString &file : files) {
        if (Result<void> added = keys.addFile(file); !added)
            return added.error();
    }
    return keys;
}

Result<void> DigestPublicKeys::addFile(const QString &path)
{
    QFile file(path);
    if (!file.open(QIODevice::ReadOnly))
        return makeError(ErrorCode::NotFound,
                         QStringLiteral("Cannot read %1: %2.").arg(path, file.errorString()));
    const QByteArray content = file.read(kMaxFileBytes + 1);
    if (content.size() > kMaxFileBytes)
        return notAKey(path, QStringLiteral("it is far too large"));
    return addContent(content, path);
}

Result<void> DigestPublicKeys::addContent(const QByteArray &content, const QString &name)
{
    if (content.trimmed().startsWith('{')) {
        const QJsonDocument document = QJsonDocument::fromJson(content);
        if (!document.isObject())
            return notAKey(name, QStringLiteral("it is not valid JSON"));
        return addKeyList(document.object(), name);
    }
    Result<crypto::RsaPublicKey> key = crypto::RsaPublicKey::parse(content);
    if (!key) {
        return notAKey(name,
                       QStringLiteral("expected the JSON of aws cloudtrail "
                                      "list-public-keys, or an RSA public key in PEM or "
                                      "DER (%1)")
                           .arg(key.error().message));
    }
    m_keys.push_back(Key{std::move(*key), {}});
    return {};
}

Result<void> DigestPublicKeys::addKeyList(const QJsonObject &list, const QString &name)
{
    const QJsonValue entries = list.value(QStringLiteral("PublicKeyList"));
    if (!entries.isArray())
        return notAKey(name,
                       QStringLiteral("the JSON has no PublicKeyList array, as aws "
                                      "cloudtrail list-public-keys prints"));
    if (entries.toArray().isEmpty())
        return notAKey(name, QStringLiteral("its PublicKeyList is empty"));
    std::vector<Key> added;
    qsizetype index = 0;
    for (const QJsonValue &entry : entries.toArray()) {
        const QString where = QStringLiteral("PublicKeyList[%1]").arg(index++);
        const QJsonValue value = entry[QStringLiteral("Value")];
        const QJsonValue fingerprint = entry[QStringLiteral("Fingerprint")];
        if (!value.isString())
            return notAKey(name, QStringLiteral("%1 has no Value string").arg(where));
        if (!fingerprint.isUndefined() && !fingerprint.isString())
            return notAKey(name,
                           QStringLiteral("%1 has a Fingerprint that is not a string").arg(where));
        const Result<QByteArray> der = crypto::base64DecodePadded(value.toString().toLatin1());
        if (!der)
            return notAKey(name, QStringLiteral("%1's Value is not base64").arg(where));
        Result<crypto::RsaPublicKey> key = crypto::RsaPublicKey::parse(*der);
        if (!key)
            return notAKey(name, QStringLiteral("%1: %2").arg(where, key.error().message));
        added.push_back(Key{std::move(*key), fingerprint.toString()});
    }
    m_keys.insert(m_keys.end(), added.begin(), added.end());
    return {};
}

std::vector<crypto::RsaPublicKey> DigestPublicKeys::candidates(const QString &fingerprint) const
{
    std::vector<crypto::RsaPublicKey> matching;
    std::vector<crypto::RsaPublicKey> unnamed;
    for (const Key &key : m_keys) {
        if (key.fingerprint.isEmpty())
            unnamed.push_back(key.key);
        else if (!fingerprint.isEmpty()
                 && key.fingerprint.compare(fingerprint, Qt::CaseInsensitive) == 0)
            matching.push_back(key.key);
    }
    return matching.empty() ? unnamed : matching;
}

} // namespace gatehouse::cloudtrail
