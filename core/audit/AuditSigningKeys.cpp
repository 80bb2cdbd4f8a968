#include "AuditSigningKeys.h"

#include "crypto/Base64.h"
#include "crypto/Hash.h"
#include "store/SecretFile.h"

namespace gatehouse {

namespace {

constexpr QByteArrayView kHeader = "gatehouse-audit-keys-v1";
constexpr qint64 kMaxFileSize = 64 * 1024; // thousands of rotations
constexpr QByteArrayView kSigning = "signing ";
constexpr QByteArrayView kRetired = "retired ";

QString what()
{
    return QStringLiteral("audit signing key file");
}

Error malformed(const QString &path)
{
    return makeError(ErrorCode::Integrity,
                     QStringLiteral("%1 is not a Gatehouse audit signing key file (it is damaged "
                                    "or of another kind). Restore the file that belongs to this "
                                    "store.")
                         .arg(path));
}

} // namespace

QString AuditSigningKeys::defaultPathFor(const QString &storePath)
{
    return storePath + QStringLiteral(".audit-keys");
}

QString AuditSigningKeys::fingerprint(const QByteArray &publicKey)
{
    return QString::fromLatin1(crypto::sha256(publicKey).toHex());
}

Result<AuditSigningKeys> AuditSigningKeys::create(const QString &path)
{
    Result<crypto::Ed25519KeyPair> pair = crypto::Ed25519KeyPair::generate();
    if (!pair)
        return pair.error();
    AuditSigningKeys keys;
    keys.m_signing.emplace(std::move(*pair));
    if (Result<void> created = SecretFile::create(path, keys.serialize(), what()); !created)
        return created.error();
    return keys;
}

Result<AuditSigningKeys> AuditSigningKeys::load(const QString &path)
{
    Result<QByteArray> content = SecretFile::read(path, kMaxFileSize, what());
    if (!content)
        return content.error();
    const QList<QByteArray> lines = content->split('\n');
    // The header, the lines, and the empty piece after the final newline.
    if (lines.size() < 3 || lines.first() != kHeader || !lines.last().isEmpty())
        return malformed(path);
    AuditSigningKeys keys;
    for (qsizetype i = 1; i + 1 < lines.size(); ++i) {
        const QByteArray &line = lines.at(i);
        const bool signing = line.startsWith(kSigning);
        if (!signing && !line.startsWith(kRetired))
            return malformed(path);
        Result<QByteArray> key =
            crypto::base64UrlDecode(QByteArrayView(line).sliced(kSigning.size()));
        if (!key || key->size() != crypto::Ed25519KeyPair::kPrivateKeyLength)
            return malformed(path);
        if (!signing) {
            keys.m_retired.append(*key);
            continue;
        }
        Result<crypto::Ed25519KeyPair> pair = crypto::Ed25519KeyPair::fromPrivateKey(*key);
        if (!pair || keys.m_signing)
            return malformed(path);
        keys.m_signing.emplace(std::move(*pair));
    }
    if (!keys.m_signing)
        return malformed(path);
    return keys;
}

Result<void> AuditSigningKeys::rotate(const QString &path)
{
    Result<crypto::Ed25519KeyPair> pair = crypto::Ed25519KeyPair::generate();
    if (!pair)
        return pair.error();
    AuditSigningKeys next = *this;
    next.m_retired.append(m_signing->publicKey());
    next.m_signing.emplace(std::move(*pair));
    if (Result<void> replaced = SecretFile::replace(path, next.serialize(), what()); !replaced)
        return replaced;
    *this = std::move(next);
    return {};
}

QString AuditSigningKeys::signingFingerprint() const
{
    return fingerprint(m_signing->publicKey());
}

QList<QByteArray> AuditSigningKeys::trustedPublicKeys() const
{
    return QList<QByteArray>{m_signing->publicKey()} + m_retired;
}

QByteArray AuditSigningKeys::serialize() const
{
    QByteArray content = kHeader.toByteArray() + '\n';
    content += kSigning.toByteArray() + crypto::base64UrlEncode(m_signing->privateKey()) + '\n';
    for (const QByteArray &retired : m_retired)
        content += kRetired.toByteArray() + crypto::base64UrlEncode(retired) + '\n';
    return content;
}

} // namespace gatehouse
