#pragma once

#include "DigestPublicKeys.h"
#include "DigestReport.h"
#include "model/Result.h"

#include <QStringList>

namespace gatehouse::cloudtrail {

// Checks a local copy of a trail's S3 bucket with CloudTrail's own digest files, as
// `aws cloudtrail validate-logs` does online:
//
//  - every *_CloudTrail-Digest_*.json.gz found is gunzipped and parsed, and must lie where
//    its digestS3Object says, below the AWSLogs folder (a key prefix before AWSLogs/ is
//    allowed: the local folder that holds AWSLogs stands for it);
//  - its signature (S3 metadata, saved beside it: see DigestSignatureFile) must verify, with
//    RSA PKCS#1 v1.5 / SHA-256, over digestEndTime \n bucket/object \n hex SHA-256 of the
//    uncompressed digest \n previousDigestSignature, with a trusted key whose fingerprint is
//    digestPublicKeyFingerprint (or any trusted key whose fingerprint is not known). Since
//    each digest records the signature of the one before, a digest without its own signature
//    file is verified with the signature its successor recorded: only the newest digest of a
//    chain needs one;
//  - the previous digest it names must be present, and its SHA-256 and signature must be
//    the previousDigestHashValue and previousDigestSignature recorded. A previous digest
//    outside the paths given (verifying one day's folder, say) is read from where it lies
//    to check the link, but not counted and not checked further;
//  - every log file it lists must be present at <folder holding AWSLogs>/<s3Object> with
//    the listed SHA-256 of its uncompressed content. The log files of digests that are
//    malformed or moved are not checked; those of digests whose signature fails are (and
//    count), the digest's failure already failing the verification.
// Local log files of a digested region that no digest lists, and chains that start again
// after an older one, are noted, not failures.
//
// Synchronous: it reads and hashes every file named, so run it off the UI thread. Hostile
// files (corrupt gzip, decompression bombs, JSON of any shape) give problems, never a crash.
class DigestVerifier
{
public:
    // Digests are small (a few kilobytes per hour); more is not a digest.
    static constexpr qint64 kMaxDigestBytes = 64 * 1024 * 1024;

    explicit DigestVerifier(DigestPublicKeys keys);

    // `paths`: the folder holding AWSLogs, AWSLogs itself, any folder below it, or digest
    // files. NotFound when a path does not exist or no digest file is found under them.
    Result<DigestReport> verify(const QStringList &paths) const;

private:
    DigestPublicKeys m_keys;
};

} // namespace gatehouse::cloudtrail
