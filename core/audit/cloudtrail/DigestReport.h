#pragma once

#include <QList>
#include <QString>

namespace gatehouse::cloudtrail {

// One thing DigestVerifier found, for a script (`kind`) and for a person (`message`).
//
// Problems (each makes the verification fail):
//   malformed       a digest that is not gzip, not JSON or lacks a field validate-logs needs;
//                   a logFiles[] entry that cannot be used; a log file that is not gzip; a
//                   signature file beside a digest that cannot be read
//   moved           a digest whose digestS3Object is not where it lies under AWSLogs
//   no-signature    a digest with neither a signature file nor a newer digest recording it
//   untrusted-key   a digest signed with a key that is not among the trusted ones
//   signature       a digest whose signature does not verify
//   chain           a digest whose previousDigestHashValue or previousDigestSignature does
//                   not match the previous digest
//   missing-digest  a previous digest that a digest names but that is not in the local copy
//   hash-mismatch   a log file whose content is not what its digest hashed
//   missing-log     a log file a digest lists that is not in the local copy
// Notices (for information):
//   gap             a chain that starts again after an older one, as validate-logs reports
//                   (logging or validation was off in between)
//   uncovered       a local log file of a digested region that no digest lists (delivered
//                   after the newest digest, before the oldest, or not by CloudTrail)
struct DigestProblem {
    QString file; // the local path concerned (where it should be, when it is missing)
    QString kind;
    QString message;

    friend bool operator==(const DigestProblem &, const DigestProblem &) = default;
};

struct DigestTally {
    qint64 valid = 0;
    qint64 invalid = 0;
    qint64 missing = 0;
};

struct DigestReport {
    // A digest is valid when it is in place, well formed, its signature verifies with a
    // trusted key and its links to the previous digest hold. A log file is valid when a
    // digest lists it and its uncompressed content has the listed SHA-256.
    DigestTally digests;
    DigestTally logFiles;
    QList<DigestProblem> problems;
    QList<DigestProblem> notices;

    bool ok() const { return problems.isEmpty(); }
};

} // namespace gatehouse::cloudtrail
