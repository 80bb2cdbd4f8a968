#pragma once

#include "model/Result.h"

#include <QByteArray>
#include <QList>
#include <QPair>
#include <QString>
#include <QStringList>

namespace gatehouse::test {

// A key digests are signed with, made by `openssl genrsa` (RSA-2048).
struct DigestSigningKey {
    QString privateKeyPath;
    QByteArray pkcs1Der; // the public key as ListPublicKeys returns it
    QString fingerprint; // hex MD5 of pkcs1Der: any stable name will do
};

// A local copy of a trail bucket as `aws s3 sync` would leave it: the real flaws2 log files
// (shared/testdata/cloudtrail/flaws2-s3) and hourly digest files over them written the way
// CloudTrail writes them, chained, signed with a key made per run by the openssl command line
// and each with its signature saved beside it (<digest>.signature). Hashes and signatures are
// made with Qt and openssl, not with the code under test.
//
// Digests (the delivery windows are an hour each; the last is an empty digest):
//   0  2018-11-28T22:08:12Z .. 23:08:12Z  the 22:35 and 23:05 log files (3), chain start
//   1  2018-11-28T23:08:12Z .. 2018-11-29T00:08:12Z  the 23:10 log files (5)
//   2  2018-11-29T00:08:12Z .. 01:08:12Z  none
class DigestTrailBuilder
{
public:
    static constexpr const char *kAccount = "653711331788";
    static constexpr const char *kBucket = "flaws2-trail-logs";
    static constexpr const char *kTrail = "flaws2-trail";

    static Result<DigestSigningKey> generateKey(const QString &folder, const QString &name);
    // What `aws cloudtrail list-public-keys` prints for these keys.
    static QByteArray listPublicKeysJson(const QList<DigestSigningKey> &keys);
    static QByteArray gzip(const QByteArray &data);
    static QByteArray gunzip(const QByteArray &data);

    // `root` is the folder that will hold AWSLogs. `prefix` is the trail's S3 key prefix
    // ("" or ending in '/'), `organization` an o-... level above the account ("" for none).
    DigestTrailBuilder(QString root, DigestSigningKey key, QString prefix = {},
                       QString organization = {});

    // Copies the log files of `flaws2` (the folder holding its AWSLogs) and writes digests
    // 0 to 2. Files are written owner-writable, so tests can change them.
    Result<void> build(const QString &flaws2);
    // Writes digest 3, 01:30:00Z .. 02:30:00Z, starting a new chain (logging was off).
    Result<void> restartChain();
    // Writes digest `index` again, signed by `signer`, naming `fingerprint` (the signer's
    // when empty). The digests after it are left as they were.
    Result<void> resign(int index, const DigestSigningKey &signer, const QString &fingerprint = {});
    // Writes digest `index` with these bytes instead of its JSON (gzipped here), keeping the
    // signature it had, or signed again with the builder's key with `sign`.
    Result<void> replaceContent(int index, const QByteArray &json, bool sign = false);

    QString root() const { return m_root; }
    QStringList digests() const; // local paths, oldest first
    QStringList logFiles() const; // local paths, sorted
    QString digestKey(int index) const; // its S3 key
    QByteArray digestJson(int index) const { return m_json.value(index); }

private:
    struct Window {
        QString start;
        QString end;
        QString stamp; // YYYYMMDDTHHMMSSZ
        QString day; // YYYY/MM/DD
        QString from; // covers the log files whose name's time is in [from, to)
        QString to;
    };
    QString accountPath() const;
    QString logKey(int index) const;
    Result<void> writeDigest(int index, const DigestSigningKey &signer, const QString &fingerprint);
    Result<void> writeSigned(int index, const QByteArray &json, const DigestSigningKey &signer);

    QString m_root;
    DigestSigningKey m_key;
    QString m_prefix;
    QString m_organization;
    QList<Window> m_windows;
    QStringList m_logs; // below AWSLogs/<account>/ (CloudTrail/us-east-1/...), sorted
    QList<QByteArray> m_logHashes;
    QList<QPair<QString, QString>> m_logTimes; // oldest, newest event
    QList<QByteArray> m_json;
    QList<QByteArray> m_hashes;
    QList<QByteArray> m_signatures; // hex
};

} // namespace gatehouse::test
