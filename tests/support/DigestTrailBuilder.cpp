#include "DigestTrailBuilder.h"

#include "OpenSslCli.h"
#include "audit/cloudtrail/GzipDeflater.h"
#include "audit/cloudtrail/GzipInflater.h"

#include <QCryptographicHash>
#include <QDir>
#include <QDirIterator>
#include <QFile>
#include <QFileInfo>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>

#include <algorithm>

namespace gatehouse::test {

namespace {

QString fromLatin1(const char *text)
{
    return QString::fromLatin1(text);
}

QByteArray sha256Hex(const QByteArray &bytes)
{
    return QCryptographicHash::hash(bytes, QCryptographicHash::Sha256).toHex();
}

Error failed(const QString &message)
{
    return makeError(ErrorCode::Internal, message);
}

Result<void> writeBytes(const QString &path, const QByteArray &bytes)
{
    if (!QDir().mkpath(QFileInfo(path).path()))
        return failed(QStringLiteral("cannot make the folder of %1").arg(path));
    QFile file(path);
    if (!file.open(QIODevice::WriteOnly | QIODevice::Truncate)
        || file.write(bytes) != bytes.size()) {
        return failed(QStringLiteral("cannot write %1").arg(path));
    }
    return {};
}

Result<QByteArray> readBytes(const QString &path)
{
    QFile file(path);
    if (!file.open(QIODevice::ReadOnly))
        return failed(QStringLiteral("cannot read %1").arg(path));
    return file.readAll();
}

// JSON with its members in the order given (CloudTrail's, not Qt's alphabetical one), so the
// bytes hashed are not what a re-serialisation by Qt would give.
QByteArray orderedObject(const QList<QPair<QString, QJsonValue>> &members)
{
    QByteArray json = "{";
    for (qsizetype i = 0; i < members.size(); ++i) {
        if (i > 0)
            json += ", ";
        QByteArray value =
            QJsonDocument(QJsonArray{members.at(i).second}).toJson(QJsonDocument::Compact);
        value = value.mid(1, value.size() - 2); // [value] -> value
        json += '"' + members.at(i).first.toUtf8() + "\": " + value;
    }
    return json + '}';
}

QJsonValue nullable(const QString &text)
{
    return text.isEmpty() ? QJsonValue(QJsonValue::Null) : QJsonValue(text);
}

} // namespace

Result<DigestSigningKey> DigestTrailBuilder::generateKey(const QString &folder, const QString &name)
{
    DigestSigningKey key;
    key.privateKeyPath = QDir(folder).filePath(name + QStringLiteral(".pem"));
    if (Result<void> made = OpenSslCli::generateRsaKey(key.privateKeyPath, 2048); !made)
        return made.error();
    Result<QByteArray> der = OpenSslCli::publicKey(key.privateKeyPath, true, true);
    if (!der)
        return der.error();
    key.pkcs1Der = *der;
    key.fingerprint =
        QString::fromLatin1(QCryptographicHash::hash(*der, QCryptographicHash::Md5).toHex());
    return key;
}

QByteArray DigestTrailBuilder::listPublicKeysJson(const QList<DigestSigningKey> &keys)
{
    QJsonArray list;
    for (const DigestSigningKey &key : keys) {
        list.append(QJsonObject{
            {QStringLiteral("Value"), QString::fromLatin1(key.pkcs1Der.toBase64())},
            {QStringLiteral("ValidityStartTime"), QStringLiteral("2018-11-01T00:00:00+00:00")},
            {QStringLiteral("ValidityEndTime"), QStringLiteral("2019-11-01T00:00:00+00:00")},
            {QStringLiteral("Fingerprint"), key.fingerprint}});
    }
    return QJsonDocument(QJsonObject{{QStringLiteral("PublicKeyList"), list}})
        .toJson(QJsonDocument::Indented);
}

QByteArray DigestTrailBuilder::gzip(const QByteArray &data)
{
    return cloudtrail::GzipDeflater::compress(data).valueOr(QByteArray());
}

QByteArray DigestTrailBuilder::gunzip(const QByteArray &data)
{
    cloudtrail::GzipInflater inflater;
    cloudtrail::PaddedText text;
    if (!inflater.inflate(data.constData(), std::size_t(data.size()), text, 16 * 1024 * 1024))
        return {};
    return QByteArray(text.data(), qsizetype(text.size()));
}

DigestTrailBuilder::DigestTrailBuilder(QString root, DigestSigningKey key, QString prefix,
                                       QString organization)
    : m_root(std::move(root)),
      m_key(std::move(key)),
      m_prefix(std::move(prefix)),
      m_organization(std::move(organization))
{
    m_windows = {
        {QStringLiteral("2018-11-28T22:08:12Z"), QStringLiteral("2018-11-28T23:08:12Z"),
         QStringLiteral("20181128T230812Z"), QStringLiteral("2018/11/28"), QString(),
         QStringLiteral("20181128T2308")},
        {QStringLiteral("2018-11-28T23:08:12Z"), QStringLiteral("2018-11-29T00:08:12Z"),
         QStringLiteral("20181129T000812Z"), QStringLiteral("2018/11/29"),
         QStringLiteral("20181128T2308"), QStringLiteral("20181129T0008")},
        {QStringLiteral("2018-11-29T00:08:12Z"), QStringLiteral("2018-11-29T01:08:12Z"),
         QStringLiteral("20181129T010812Z"), QStringLiteral("2018/11/29"),
         QStringLiteral("20181129T0008"), QStringLiteral("20181129T0108")},
        {QStringLiteral("2018-11-29T01:30:00Z"), QStringLiteral("2018-11-29T02:30:00Z"),
         QStringLiteral("20181129T023000Z"), QStringLiteral("2018/11/29"),
         QStringLiteral("20181129T0130"), QStringLiteral("20181129T0230")},
    };
}

QString DigestTrailBuilder::accountPath() const
{
    return m_organization.isEmpty() ? fromLatin1(kAccount)
                                    : m_organization + u'/' + fromLatin1(kAccount);
}

QString DigestTrailBuilder::logKey(int index) const
{
    return QStringLiteral("AWSLogs/") + accountPath() + u'/' + m_logs.at(index);
}

QString DigestTrailBuilder::digestKey(int index) const
{
    const Window &window = m_windows.at(index);
    return QStringLiteral("AWSLogs/%1/CloudTrail-Digest/us-east-1/%2/%3_CloudTrail-Digest_"
                          "us-east-1_%4_us-east-1_%5.json.gz")
        .arg(accountPath(), window.day, fromLatin1(kAccount), fromLatin1(kTrail), window.stamp);
}

QStringList DigestTrailBuilder::digests() const
{
    QStringList paths;
    for (int i = 0; i < m_json.size(); ++i)
        paths.append(QDir(m_root).filePath(digestKey(i)));
    return paths;
}

QStringList DigestTrailBuilder::logFiles() const
{
    QStringList paths;
    for (int i = 0; i < m_logs.size(); ++i)
        paths.append(QDir(m_root).filePath(logKey(i)));
    return paths;
}

Result<void> DigestTrailBuilder::build(const QString &flaws2)
{
    const QDir source(QDir(flaws2).filePath(QStringLiteral("AWSLogs/") + fromLatin1(kAccount)));
    QDirIterator files(source.path(), QDir::Files, QDirIterator::Subdirectories);
    while (files.hasNext())
        m_logs.append(source.relativeFilePath(files.next()));
    if (m_logs.isEmpty())
        return failed(QStringLiteral("no log files in %1").arg(source.path()));
    std::sort(m_logs.begin(), m_logs.end());
    for (int i = 0; i < m_logs.size(); ++i) {
        Result<QByteArray> bytes = readBytes(source.filePath(m_logs.at(i)));
        if (!bytes)
            return bytes.error();
        if (Result<void> written = writeBytes(QDir(m_root).filePath(logKey(i)), *bytes); !written)
            return written.error();
        const QByteArray json = gunzip(*bytes);
        m_logHashes.append(sha256Hex(json));
        QStringList times;
        for (const QJsonValue &record :
             QJsonDocument::fromJson(json).object().value(QStringLiteral("Records")).toArray())
            times.append(record[QStringLiteral("eventTime")].toString());
        std::sort(times.begin(), times.end());
        if (times.isEmpty())
            return failed(QStringLiteral("no records in %1").arg(m_logs.at(i)));
        m_logTimes.append({times.first(), times.last()});
    }
    for (int i = 0; i < 3; ++i) {
        if (Result<void> written = writeDigest(i, m_key, {}); !written)
            return written;
    }
    return {};
}

Result<void> DigestTrailBuilder::restartChain()
{
    return writeDigest(3, m_key, {});
}

Result<void> DigestTrailBuilder::resign(int index, const DigestSigningKey &signer,
                                        const QString &fingerprint)
{
    return writeDigest(index, signer, fingerprint);
}

Result<void> DigestTrailBuilder::writeDigest(int index, const DigestSigningKey &signer,
                                             const QString &fingerprint)
{
    const Window &window = m_windows.at(index);
    QJsonArray logFiles;
    QString oldest;
    QString newest;
    for (int i = 0; i < m_logs.size(); ++i) {
        const QString time = QFileInfo(m_logs.at(i)).fileName().section(u'_', 3, 3);
        if (time < window.from || time >= window.to)
            continue;
        logFiles.append(
            QJsonObject{{QStringLiteral("s3Bucket"), fromLatin1(kBucket)},
                        {QStringLiteral("s3Object"), QString(m_prefix + logKey(i))},
                        {QStringLiteral("hashValue"), QString::fromLatin1(m_logHashes.at(i))},
                        {QStringLiteral("hashAlgorithm"), QStringLiteral("SHA-256")},
                        {QStringLiteral("newestEventTime"), m_logTimes.at(i).second},
                        {QStringLiteral("oldestEventTime"), m_logTimes.at(i).first}});
        if (oldest.isEmpty() || m_logTimes.at(i).first < oldest)
            oldest = m_logTimes.at(i).first;
        newest = std::max(newest, m_logTimes.at(i).second);
    }
    // Digest 3 starts a new chain, as after logging was stopped and started again.
    const bool first = index == 0 || index == 3;
    const QByteArray json = orderedObject({
        {QStringLiteral("awsAccountId"), fromLatin1(kAccount)},
        {QStringLiteral("digestStartTime"), window.start},
        {QStringLiteral("digestEndTime"), window.end},
        {QStringLiteral("digestS3Bucket"), fromLatin1(kBucket)},
        {QStringLiteral("digestS3Object"), QString(m_prefix + digestKey(index))},
        {QStringLiteral("digestPublicKeyFingerprint"),
         fingerprint.isEmpty() ? signer.fingerprint : fingerprint},
        {QStringLiteral("digestSignatureAlgorithm"), QStringLiteral("SHA256withRSA")},
        {QStringLiteral("newestEventTime"), nullable(newest)},
        {QStringLiteral("oldestEventTime"), nullable(oldest)},
        {QStringLiteral("previousDigestS3Bucket"),
         first ? QJsonValue(QJsonValue::Null) : QJsonValue(fromLatin1(kBucket))},
        {QStringLiteral("previousDigestS3Object"),
         first ? QJsonValue(QJsonValue::Null)
               : QJsonValue(QString(m_prefix + digestKey(index - 1)))},
        {QStringLiteral("previousDigestHashValue"),
         first ? QJsonValue(QJsonValue::Null)
               : QJsonValue(QString::fromLatin1(m_hashes.at(index - 1)))},
        {QStringLiteral("previousDigestHashAlgorithm"),
         first ? QJsonValue(QJsonValue::Null) : QJsonValue(QStringLiteral("SHA-256"))},
        {QStringLiteral("previousDigestSignature"),
         first ? QJsonValue(QJsonValue::Null)
               : QJsonValue(QString::fromLatin1(m_signatures.at(index - 1)))},
        {QStringLiteral("logFiles"), logFiles},
    });
    return writeSigned(index, json, signer);
}

Result<void> DigestTrailBuilder::writeSigned(int index, const QByteArray &json,
                                             const DigestSigningKey &signer)
{
    const QString path = QDir(m_root).filePath(digestKey(index));
    if (Result<void> written = writeBytes(path, gzip(json)); !written)
        return written;
    const QByteArray previousSignature =
        index == 0 || index == 3 ? QByteArray("null") : m_signatures.at(index - 1);
    const QByteArray toSign = m_windows.at(index).end.toUtf8() + '\n' + kBucket + '/'
        + (m_prefix + digestKey(index)).toUtf8() + '\n' + sha256Hex(json) + '\n'
        + previousSignature;
    Result<QByteArray> signature = OpenSslCli::signSha256(signer.privateKeyPath, toSign);
    if (!signature)
        return signature.error();
    const QByteArray hex = signature->toHex();
    if (Result<void> written = writeBytes(path + QStringLiteral(".signature"), hex + '\n');
        !written) {
        return written;
    }
    while (m_json.size() <= index) {
        m_json.append(QByteArray());
        m_hashes.append(QByteArray());
        m_signatures.append(QByteArray());
    }
    m_json[index] = json;
    m_hashes[index] = sha256Hex(json);
    m_signatures[index] = hex;
    return {};
}

Result<void> DigestTrailBuilder::replaceContent(int index, const QByteArray &json, bool sign)
{
    if (sign)
        return writeSigned(index, json, m_key);
    return writeBytes(digests().at(index), gzip(json));
}

} // namespace gatehouse::test
