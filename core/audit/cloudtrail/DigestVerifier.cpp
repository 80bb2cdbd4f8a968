#include "DigestVerifier.h"

#include "DigestFile.h"
#include "DigestSignatureFile.h"
#include "GzipInflater.h"
#include "PaddedText.h"
#include "TrailFileFinder.h"
#include "crypto/Hash.h"

#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QHash>
#include <QSet>

#include <algorithm>
#include <map>
#include <optional>
#include <tuple>
#include <vector>

namespace gatehouse::cloudtrail {

namespace {

// CloudTrail log files are megabytes; refusing more keeps a hostile file from exhausting
// memory. The decompressed limit is the reader's (TrailFileReader).
constexpr qint64 kMaxLogFileBytes = 1024LL * 1024 * 1024;
constexpr qint64 kMaxLogTextBytes = 0xFFFFFFFFLL;

QString nameOf(const QString &path)
{
    return QFileInfo(path).fileName();
}

// Text from a digest, fit for a message: a hostile digest may hold names of any length and
// control characters (terminal escapes).
QString printable(const QString &text, qsizetype limit = 400)
{
    QString shown = text.left(limit);
    for (QChar &c : shown) {
        if (!c.isPrint())
            c = u'?';
    }
    return text.size() > limit ? shown + QStringLiteral("...") : shown;
}

QString s3Uri(const QString &bucket, const QString &key)
{
    return printable(QStringLiteral("s3://%1/%2").arg(bucket, key));
}

// Where a local file lies in the bucket: below the last AWSLogs folder of its path.
struct Location {
    QString root; // the folder holding AWSLogs
    QString relative; // "AWSLogs/..."
};

std::optional<Location> locate(const QString &absolutePath)
{
    const QStringList parts = absolutePath.split(u'/');
    const qsizetype at = parts.lastIndexOf(QStringLiteral("AWSLogs"));
    if (at < 0 || at + 1 >= parts.size())
        return std::nullopt;
    return Location{parts.mid(0, at).join(u'/'), parts.mid(at).join(u'/')};
}

// An S3 key that can be looked up below the folder holding AWSLogs without leaving it.
bool isSafeKey(QStringView key)
{
    if (!key.startsWith(u"AWSLogs/") || key.contains(u'\\') || key.contains(QChar(0)))
        return false;
    for (const QStringView part : key.split(u'/')) {
        if (part.isEmpty() || part == u"." || part == u"..")
            return false;
    }
    return true;
}

struct Digest {
    QString path;
    Location where;
    QString prefix; // the S3 key prefix before AWSLogs/ ("" or ending in '/')
    DigestFile content;
    QByteArray hashHex; // of the uncompressed digest, lower case
    QByteArray stringToSign;
    bool usable = false; // parsed and where it says it is
    // Below the paths verified; else read only as the previous digest of one that is, to
    // check the link (not counted, its signature and log files not checked).
    bool inScope = true;
    bool failed = false; // a problem was reported against it
    bool signatureFileFailed = false;
    std::optional<QByteArray> savedSignature;
    std::optional<QByteArray> verifiedSignature;
    qsizetype previous = -1;
    std::vector<qsizetype> next;

    QString key() const
    {
        return where.root + u'\n' + content.digestS3Bucket + u'\n' + content.digestS3Object;
    }
};

// One local log file that digests list.
struct LogCheck {
    bool found = false;
    QString unreadable; // why its content could not be hashed
    QByteArray hashHex;
    bool mismatched = false;
    bool reported = false; // missing or unreadable, said once
};

class Verification
{
public:
    explicit Verification(const DigestPublicKeys &keys)
        : m_keys(keys)
    {}

    DigestReport run(const QList<TrailFile> &files)
    {
        for (const TrailFile &file : files)
            load(file.path, true);
        link();
        verifySignatures();
        checkChains();
        checkLogFiles();
        noteUncovered();
        noteGaps();
        for (const Digest &digest : m_digests) {
            if (digest.inScope)
                ++(digest.usable && !digest.failed ? m_report.digests.valid
                                                   : m_report.digests.invalid);
        }
        return m_report;
    }

private:
    void problem(const QString &file, const QString &kind, const QString &message)
    {
        m_report.problems.append(DigestProblem{file, kind, message});
    }

    void fail(Digest &digest, const QString &kind, const QString &message)
    {
        digest.failed = true;
        problem(digest.path, kind, message);
    }

    void load(const QString &path, bool inScope)
    {
        m_byPath.insert(path, qsizetype(m_digests.size()));
        m_digests.push_back(Digest{});
        Digest &digest = m_digests.back();
        digest.path = path;
        digest.inScope = inScope;
        const QString kind = QStringLiteral("malformed");
        // Not a pipe or a device, which could block or never end.
        if (!QFileInfo(path).isFile())
            return fail(digest, kind, QStringLiteral("not a regular file"));
        QFile file(path);
        if (!file.open(QIODevice::ReadOnly))
            return fail(digest, kind, QStringLiteral("cannot be read: %1").arg(file.errorString()));
        if (file.size() > DigestVerifier::kMaxDigestBytes)
            return fail(digest, kind, QStringLiteral("far too large for a digest"));
        const QByteArray compressed = file.readAll();
        if (!GzipInflater::isGzip(compressed.constData(), std::size_t(compressed.size())))
            return fail(digest, kind, QStringLiteral("not gzip, as CloudTrail delivers digests"));
        if (Result<void> inflated =
                m_inflater.inflate(compressed.constData(), std::size_t(compressed.size()), m_text,
                                   std::size_t(DigestVerifier::kMaxDigestBytes));
            !inflated) {
            return fail(digest, kind,
                        QStringLiteral("cannot be decompressed: %1").arg(inflated.error().message));
        }
        const QByteArray json(m_text.data(), qsizetype(m_text.size()));
        Result<DigestFile> parsed = DigestFile::parse(json);
        if (!parsed) {
            return fail(digest, kind,
                        QStringLiteral("not a CloudTrail digest: %1").arg(parsed.error().message));
        }
        digest.content = std::move(*parsed);
        digest.hashHex = crypto::sha256(json).toHex();
        digest.stringToSign = digest.content.stringToSign(json);

        const QString claimed = s3Uri(digest.content.digestS3Bucket, digest.content.digestS3Object);
        const std::optional<Location> where = locate(path);
        if (!where) {
            return fail(digest, QStringLiteral("moved"),
                        QStringLiteral("lies outside an AWSLogs folder, so where it was "
                                       "delivered (%1) cannot be checked; keep the bucket's "
                                       "layout")
                            .arg(claimed));
        }
        digest.where = *where;
        const QString &object = digest.content.digestS3Object;
        if (object == where->relative) {
            digest.prefix.clear();
        } else if (object.endsWith(u'/' + where->relative)) {
            digest.prefix = object.left(object.size() - where->relative.size());
        } else {
            return fail(digest, QStringLiteral("moved"),
                        QStringLiteral("has been moved from its original location: it says it "
                                       "is %1 but lies at %2")
                            .arg(claimed, where->relative));
        }
        digest.usable = true;
        m_byKey.insert(digest.key(), qsizetype(m_digests.size() - 1));
    }

    // The local path of an S3 key of the digest's bucket, empty when the key does not lie
    // below the digest's prefix and AWSLogs or would leave that folder.
    static QString localPath(const Digest &digest, const QString &key)
    {
        if (!key.startsWith(digest.prefix))
            return {};
        const QStringView rest = QStringView(key).mid(digest.prefix.size());
        if (!isSafeKey(rest))
            return {};
        return QDir::cleanPath(digest.where.root + u'/' + rest);
    }

    void link()
    {
        // Digests read as previous ones are appended, and not followed further.
        const qsizetype count = qsizetype(m_digests.size());
        for (qsizetype i = 0; i < count; ++i) {
            const Digest &digest = m_digests[std::size_t(i)];
            if (!digest.usable || digest.content.startsChain())
                continue;
            const QString bucket =
                digest.content.previousDigestS3Bucket.value_or(digest.content.digestS3Bucket);
            const QString object = *digest.content.previousDigestS3Object;
            const QString key = digest.where.root + u'\n' + bucket + u'\n' + object;
            const QString expected =
                bucket == digest.content.digestS3Bucket ? localPath(digest, object) : QString();
            const QString name = nameOf(digest.path);
            if (!m_byKey.contains(key) && !expected.isEmpty() && !m_byPath.contains(expected)
                && QFileInfo(expected).isFile()) {
                load(expected, false); // a previous digest outside the paths verified
            }
            if (const auto found = m_byKey.constFind(key); found != m_byKey.cend()) {
                m_digests[std::size_t(i)].previous = *found;
                m_digests[std::size_t(*found)].next.push_back(i);
                continue;
            }
            // A digest in that place that is malformed or moved has its own problem.
            if (!expected.isEmpty() && m_byPath.contains(expected))
                continue;
            if (m_missing.contains(key))
                continue;
            m_missing.insert(key);
            ++m_report.digests.missing;
            problem(expected.isEmpty() ? s3Uri(bucket, object) : expected,
                    QStringLiteral("missing-digest"),
                    QStringLiteral("not in the local copy, but %1 names it as its previous "
                                   "digest (%2): the chain is broken here")
                        .arg(name, s3Uri(bucket, object)));
        }
    }

    // The signature to check a digest with: the one saved beside it, else the one its
    // successor recorded (which that successor's own signature covers).
    std::optional<std::pair<QByteArray, QString>> signatureOf(const Digest &digest) const
    {
        if (digest.savedSignature)
            return std::pair{*digest.savedSignature, QString()};
        for (const qsizetype n : digest.next) {
            const Digest &successor = m_digests[std::size_t(n)];
            if (!successor.content.previousDigestSignature)
                continue;
            if (std::optional<QByteArray> recorded =
                    DigestSignatureFile::fromHex(*successor.content.previousDigestSignature);
                recorded && !recorded->isEmpty()) {
                return std::pair{*recorded, nameOf(successor.path)};
            }
        }
        return std::nullopt;
    }

    void verifySignatures()
    {
        for (Digest &digest : m_digests) {
            if (!digest.usable || !digest.inScope)
                continue;
            Result<std::optional<QByteArray>> saved = DigestSignatureFile::read(digest.path);
            if (!saved) {
                digest.signatureFileFailed = true;
                fail(digest, QStringLiteral("malformed"), saved.error().message);
            } else {
                digest.savedSignature = *saved;
            }
        }
        for (Digest &digest : m_digests) {
            if (digest.usable && digest.inScope && !digest.signatureFileFailed)
                verifySignature(digest);
        }
    }

    void verifySignature(Digest &digest)
    {
        const QString &algorithm = digest.content.digestSignatureAlgorithm;
        if (!algorithm.isEmpty() && algorithm != u"SHA256withRSA") {
            return fail(digest, QStringLiteral("signature"),
                        QStringLiteral("signed with %1; only SHA256withRSA is known")
                            .arg(printable(algorithm, 40)));
        }
        const auto signature = signatureOf(digest);
        if (!signature) {
            return fail(digest, QStringLiteral("no-signature"),
                        QStringLiteral("signature not available: save its x-amz-meta-signature "
                                       "as %1 or the output of aws s3api head-object as %2 (the "
                                       "newest digest of a chain is enough: each digest records "
                                       "the signature of the one before)")
                            .arg(nameOf(DigestSignatureFile::signaturePath(digest.path)),
                                 nameOf(DigestSignatureFile::metadataPath(digest.path))));
        }
        const QString &fingerprint = digest.content.digestPublicKeyFingerprint;
        const std::vector<crypto::RsaPublicKey> keys = m_keys.candidates(fingerprint);
        if (keys.empty()) {
            return fail(digest, QStringLiteral("untrusted-key"),
                        m_keys.isEmpty()
                            ? QStringLiteral("no public key was given to check its signature")
                            : QStringLiteral("signed with the key whose fingerprint is %1, "
                                             "which is not among the trusted public keys")
                                  .arg(printable(fingerprint, 128)));
        }
        for (const crypto::RsaPublicKey &key : keys) {
            if (key.verifySha256(digest.stringToSign, signature->first)) {
                digest.verifiedSignature = signature->first;
                return;
            }
        }
        fail(digest, QStringLiteral("signature"),
             signature->second.isEmpty()
                 ? QStringLiteral("the signature does not verify: the digest or its signature "
                                  "was altered")
                 : QStringLiteral("the signature %1 records for it does not verify: the digest "
                                  "was altered")
                       .arg(signature->second));
    }

    void checkChains()
    {
        for (Digest &digest : m_digests) {
            if (!digest.usable || !digest.inScope || digest.previous < 0)
                continue;
            const Digest &previous = m_digests[std::size_t(digest.previous)];
            const QString previousName = nameOf(previous.path);
            const auto &recordedHash = digest.content.previousDigestHashValue;
            if (!recordedHash) {
                fail(digest, QStringLiteral("chain"),
                     QStringLiteral("names %1 as its previous digest but records no "
                                    "previousDigestHashValue")
                         .arg(previousName));
            } else if (recordedHash->toLatin1().toLower() != previous.hashHex) {
                fail(digest, QStringLiteral("chain"),
                     QStringLiteral("its previousDigestHashValue is not the SHA-256 of %1: "
                                    "that digest was altered or replaced")
                         .arg(previousName));
            }
            const auto &recordedSignature = digest.content.previousDigestSignature;
            if (!recordedSignature) {
                fail(digest, QStringLiteral("chain"),
                     QStringLiteral("names %1 as its previous digest but records no "
                                    "previousDigestSignature")
                         .arg(previousName));
            } else if (previous.verifiedSignature
                       && DigestSignatureFile::fromHex(*recordedSignature)
                           != previous.verifiedSignature) {
                fail(digest, QStringLiteral("chain"),
                     QStringLiteral("its previousDigestSignature is not the signature of %1")
                         .arg(previousName));
            }
        }
    }

    LogCheck &check(const QString &path)
    {
        auto found = m_logs.find(path);
        if (found != m_logs.end())
            return found->second;
        LogCheck &result = m_logs[path];
        const QFileInfo info(path);
        if (!info.exists())
            return result;
        result.found = true;
        if (!info.isFile()) { // a folder, a pipe or a device
            result.unreadable = QStringLiteral("not a regular file");
            return result;
        }
        QFile file(path);
        if (!file.open(QIODevice::ReadOnly)) {
            result.unreadable = QStringLiteral("cannot be read: %1").arg(file.errorString());
            return result;
        }
        if (file.size() > kMaxLogFileBytes) {
            result.unreadable = QStringLiteral("far too large for a CloudTrail log file");
            return result;
        }
        const QByteArray bytes = file.readAll();
        if (!GzipInflater::isGzip(bytes.constData(), std::size_t(bytes.size()))) {
            result.hashHex = crypto::sha256(bytes).toHex(); // stored uncompressed
            return result;
        }
        if (Result<void> inflated = m_inflater.inflate(bytes.constData(), std::size_t(bytes.size()),
                                                       m_text, std::size_t(kMaxLogTextBytes));
            !inflated) {
            result.unreadable =
                QStringLiteral("cannot be decompressed: %1").arg(inflated.error().message);
            return result;
        }
        result.hashHex =
            crypto::sha256(QByteArrayView(m_text.data(), qsizetype(m_text.size()))).toHex();
        return result;
    }

    void checkLogFiles()
    {
        qint64 unusable = 0;
        for (const Digest &digest : m_digests) {
            if (!digest.usable || !digest.inScope)
                continue;
            const QString digestName = nameOf(digest.path);
            qsizetype index = 0;
            for (const DigestFile::LogFile &entry : digest.content.logFiles) {
                const qsizetype at = index++;
                if (!entry.problem.isEmpty()) {
                    ++unusable;
                    problem(digest.path, QStringLiteral("malformed"), entry.problem);
                    continue;
                }
                const QString path = localPath(digest, entry.s3Object);
                if (path.isEmpty()) {
                    ++unusable;
                    problem(digest.path, QStringLiteral("malformed"),
                            QStringLiteral("logFiles[%1]: s3Object is not a key below %2AWSLogs/")
                                .arg(at)
                                .arg(printable(digest.prefix, 100)));
                    continue;
                }
                m_covered.insert(path);
                LogCheck &log = check(path);
                if (!log.found || !log.unreadable.isEmpty()) {
                    if (!log.reported) {
                        log.reported = true;
                        if (!log.found)
                            problem(path, QStringLiteral("missing-log"),
                                    QStringLiteral("not in the local copy, but %1 lists it")
                                        .arg(digestName));
                        else
                            problem(path, QStringLiteral("malformed"), log.unreadable);
                    }
                } else if (log.hashHex != entry.hashValue) {
                    log.mismatched = true;
                    problem(path, QStringLiteral("hash-mismatch"),
                            QStringLiteral("hash value doesn't match: %1 lists SHA-256 %2, the "
                                           "uncompressed file has %3")
                                .arg(digestName, QString::fromLatin1(entry.hashValue),
                                     QString::fromLatin1(log.hashHex)));
                }
            }
        }
        m_report.logFiles.invalid += unusable;
        for (const auto &[path, log] : m_logs) {
            if (!log.found)
                ++m_report.logFiles.missing;
            else if (log.mismatched || !log.unreadable.isEmpty())
                ++m_report.logFiles.invalid;
            else
                ++m_report.logFiles.valid;
        }
    }

    // Log files in the CloudTrail folder of every region whose digests were read.
    void noteUncovered()
    {
        QSet<QString> folders;
        for (const Digest &digest : m_digests) {
            if (!digest.usable || !digest.inScope)
                continue;
            QStringList parts = digest.where.relative.split(u'/');
            const qsizetype at = parts.indexOf(QStringLiteral("CloudTrail-Digest"));
            if (at < 0 || at + 2 >= parts.size())
                continue;
            parts[at] = QStringLiteral("CloudTrail");
            folders.insert(digest.where.root + u'/' + parts.mid(0, at + 2).join(u'/'));
        }
        QStringList sorted(folders.begin(), folders.end());
        std::sort(sorted.begin(), sorted.end());
        for (const QString &folder : sorted) {
            if (!QFileInfo(folder).isDir())
                continue;
            const Result<QList<TrailFile>> files = TrailFileFinder::find({folder});
            if (!files)
                continue;
            for (const TrailFile &file : *files) {
                if (!m_covered.contains(file.path)) {
                    m_report.notices.append(DigestProblem{
                        file.path, QStringLiteral("uncovered"),
                        QStringLiteral("no digest lists this log file (delivered after the "
                                       "newest digest or before the oldest, or not by "
                                       "CloudTrail)")});
                }
            }
        }
    }

    // A chain that starts again after older digests of the same trail and region.
    void noteGaps()
    {
        std::map<QString, std::vector<const Digest *>> trails;
        for (const Digest &digest : m_digests) {
            if (!digest.usable || !digest.inScope)
                continue;
            // The digest's folder for its region and its name without the time stamp.
            QStringList parts = digest.where.relative.split(u'/');
            const qsizetype at = parts.indexOf(QStringLiteral("CloudTrail-Digest"));
            const QString name = parts.last();
            const QString trail = parts.mid(0, at < 0 ? 1 : at + 2).join(u'/') + u'/'
                + name.left(std::max(qsizetype(0), name.lastIndexOf(u'_')));
            trails[digest.where.root + u'\n' + trail].push_back(&digest);
        }
        for (auto &[trail, digests] : trails) {
            std::sort(digests.begin(), digests.end(), [](const Digest *a, const Digest *b) {
                return std::tie(a->content.digestEndTime, a->path)
                    < std::tie(b->content.digestEndTime, b->path);
            });
            for (std::size_t i = 1; i < digests.size(); ++i) {
                const Digest &digest = *digests[i];
                if (!digest.content.startsChain())
                    continue;
                m_report.notices.append(DigestProblem{
                    digest.path, QStringLiteral("gap"),
                    QStringLiteral("a new chain starts here: no log files were delivered by "
                                   "CloudTrail between %1 and %2 (logging or log file "
                                   "validation was off)")
                        .arg(printable(digests[i - 1]->content.digestEndTime, 40),
                             printable(digest.content.digestStartTime, 40))});
            }
        }
    }

    const DigestPublicKeys &m_keys;
    std::vector<Digest> m_digests;
    QHash<QString, qsizetype> m_byKey; // root \n bucket \n object -> usable digest
    QHash<QString, qsizetype> m_byPath; // local path -> any digest read
    QSet<QString> m_missing;
    std::map<QString, LogCheck> m_logs; // by local path
    QSet<QString> m_covered;
    GzipInflater m_inflater;
    PaddedText m_text;
    DigestReport m_report;
};

} // namespace

DigestVerifier::DigestVerifier(DigestPublicKeys keys)
    : m_keys(std::move(keys))
{}

Result<DigestReport> DigestVerifier::verify(const QStringList &paths) const
{
    Result<QList<TrailFile>> files = TrailFileFinder::findDigests(paths);
    if (!files)
        return files.error();
    if (files->isEmpty()) {
        return makeError(
            ErrorCode::NotFound,
            QStringLiteral("No CloudTrail digest files (*_CloudTrail-Digest_*.json.gz) "
                           "under %1.")
                .arg(paths.join(QStringLiteral(", "))));
    }
    Verification verification(m_keys);
    return verification.run(*files);
}

} // namespace gatehouse::cloudtrail
