#pragma once

#include "model/Result.h"

#include <QByteArray>
#include <QDateTime>
#include <QJsonObject>
#include <QList>
#include <QString>

namespace gatehouse {

namespace crypto {
class Ed25519KeyPair;
}

// A signed statement "the audit log `logId` had `size` records at `time`, the last with entry
// hash `headHash`", modelled on CloudTrail's digest files: each names the signature of the one
// before, so checkpoints form a signed chain of their own, and the key is named by its
// fingerprint, so a verifier picks it from the keys it trusts (never from the file).
struct AuditCheckpoint {
    enum class Check { Valid, UntrustedKey, BadSignature };

    QString logId;
    qint64 size = 0;
    QByteArray headHash;
    QDateTime time; // UTC, milliseconds
    QByteArray previousSignature; // empty for the first checkpoint
    QString keyFingerprint;
    QByteArray signature;

    // The bytes signed: a tag, then the fields above one per line (hashes and signatures in
    // hex, a missing previous signature as "null").
    QByteArray signedMessage() const;

    static Result<AuditCheckpoint> sign(AuditCheckpoint unsigned_,
                                        const crypto::Ed25519KeyPair &key);
    Check check(const QList<QByteArray> &trustedPublicKeys) const;

    // The exported form: a JSON file a verifier can be given later.
    QJsonObject toJson() const;
    static Result<AuditCheckpoint> fromJson(const QByteArray &json);
    // "<logId>_AuditCheckpoint_<YYYYMMDDTHHMMSSZ>_<size>.json", like CloudTrail's digest names.
    QString fileName() const;
};

} // namespace gatehouse
