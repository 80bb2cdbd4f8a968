#pragma once

#include "model/Result.h"

#include <QByteArray>
#include <QByteArrayView>
#include <QList>
#include <QString>

#include <optional>

namespace gatehouse::cloudtrail {

// The content of one CloudTrail digest file (the uncompressed JSON), as far as verifying it
// needs: what it says about itself, its predecessor and the log files it covers.
struct DigestFile {
    // One logFiles[] entry. An entry that cannot be used (a field missing or of the wrong
    // type, a hash that is not hex SHA-256) keeps what it has and says why in `problem`.
    struct LogFile {
        QString s3Bucket;
        QString s3Object;
        QByteArray hashValue; // lower-case hex SHA-256 of the uncompressed log file
        QString problem;
    };

    QString awsAccountId; // may be empty: validate-logs does not require it
    QString digestStartTime;
    QString digestEndTime;
    QString digestS3Bucket;
    QString digestS3Object;
    QString digestPublicKeyFingerprint;
    QString digestSignatureAlgorithm; // empty when absent
    // All null in the first digest of a chain.
    std::optional<QString> previousDigestS3Bucket;
    std::optional<QString> previousDigestS3Object;
    std::optional<QString> previousDigestHashValue; // hex, as written
    std::optional<QString> previousDigestSignature; // hex, as written (it is signed so)
    QList<LogFile> logFiles;

    // Parses the uncompressed JSON. InvalidInput naming the first reason when it is not a
    // JSON object, lacks one of the fields validate-logs requires (digestPublicKeyFingerprint,
    // digestS3Bucket, digestS3Object, previousDigestSignature, digestEndTime,
    // digestStartTime) or holds one of the wrong type; also when logFiles is not an array.
    static Result<DigestFile> parse(const QByteArray &json);

    // As validate-logs: a null or empty previousDigestS3Object starts a new chain.
    bool startsChain() const
    {
        return !previousDigestS3Object || previousDigestS3Object->isEmpty();
    }

    // What CloudTrail signs: digestEndTime \n bucket/object \n hex SHA-256 of the
    // uncompressed digest \n previousDigestSignature (or "null"), as UTF-8.
    QByteArray stringToSign(QByteArrayView uncompressed) const;
};

} // namespace gatehouse::cloudtrail
