#pragma once

#include "crypto/Ed25519.h"
#include "model/Result.h"

#include <QByteArray>
#include <QList>
#include <QString>

#include <optional>

namespace gatehouse {

// The Ed25519 keys that sign audit checkpoints. They live outside the database (SEC-45), in a
// file beside the store (`<store>.audit-keys`, mode 0600), so whoever can rewrite the audit
// table cannot also sign a checkpoint for the rewritten log. The file holds the key new
// checkpoints are signed with and the public halves of the keys it replaced, so checkpoints
// signed before a rotation still verify:
//     gatehouse-audit-keys-v1
//     signing <base64url 32-byte seed>
//     retired <base64url 32-byte public key>      (zero or more)
// A key is named by its fingerprint: the hex SHA-256 of its public key.
class AuditSigningKeys
{
public:
    static QString defaultPathFor(const QString &storePath); // "<store>.audit-keys"

    // A new file with one fresh signing key; Conflict if one exists.
    static Result<AuditSigningKeys> create(const QString &path);
    static Result<AuditSigningKeys> load(const QString &path);

    // A new signing key; the current one becomes retired. Rewrites the file atomically.
    Result<void> rotate(const QString &path);

    const crypto::Ed25519KeyPair &signingKey() const { return *m_signing; }
    QString signingFingerprint() const;
    // Every key a checkpoint of this store may carry: the signing key and the retired ones.
    QList<QByteArray> trustedPublicKeys() const;

    static QString fingerprint(const QByteArray &publicKey);

private:
    AuditSigningKeys() = default;
    QByteArray serialize() const;

    std::optional<crypto::Ed25519KeyPair> m_signing;
    QList<QByteArray> m_retired;
};

} // namespace gatehouse
