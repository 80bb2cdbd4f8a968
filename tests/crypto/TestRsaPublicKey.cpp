// RsaPublicKey against keys and signatures made by the openssl command line at test time, so
// the vectors come from an implementation other than ours.
#include "crypto/RsaPublicKey.h"

#include "OpenSslCli.h"
#include "TestSupport.h"

#include <QTemporaryDir>

using namespace gatehouse;
using namespace gatehouse::crypto;
using gatehouse::test::OpenSslCli;

namespace {

// Parse and verify in one: false for a wrong signature and for a malformed, unsupported or too
// short key.
bool rsaSha256Verify(QByteArrayView publicKey, QByteArrayView message, QByteArrayView signature)
{
    const Result<RsaPublicKey> key = RsaPublicKey::parse(publicKey);
    return key && key->verifySha256(message, signature);
}

} // namespace

class TestRsaPublicKey : public QObject
{
    Q_OBJECT

private:
    QTemporaryDir m_dir;
    QString m_key; // RSA-2048, PEM private key
    QString m_otherKey; // another RSA-2048
    QByteArray m_message;
    QByteArray m_signature; // by m_key over m_message

    QString path(const char *name) const { return m_dir.filePath(QString::fromLatin1(name)); }

    QByteArray publicKey(const QString &privateKey, bool pkcs1, bool der)
    {
        Result<QByteArray> key = OpenSslCli::publicKey(privateKey, pkcs1, der);
        if (!key)
            qWarning("%s", qPrintable(key.error().message));
        return key.valueOr({});
    }

private Q_SLOTS:
    void initTestCase()
    {
        QVERIFY(m_dir.isValid());
        if (OpenSslCli::program().isEmpty())
            QSKIP("the openssl command line is not installed (packaging/install-deps.sh test)");
        m_key = path("key.pem");
        m_otherKey = path("other.pem");
        GH_VERIFY_OK(OpenSslCli::generateRsaKey(m_key, 2048));
        GH_VERIFY_OK(OpenSslCli::generateRsaKey(m_otherKey, 2048));
        m_message = QByteArrayLiteral("2018-11-28T23:08:12Z\nflaws2-logs/AWSLogs/653711331788/"
                                      "CloudTrail-Digest/us-east-1/...\n0123abcd\nnull");
        const Result<QByteArray> signature = OpenSslCli::signSha256(m_key, m_message);
        GH_VERIFY_OK(signature);
        m_signature = *signature;
        QCOMPARE(m_signature.size(), 256);
    }

    void everyEncoding_data()
    {
        QTest::addColumn<bool>("pkcs1");
        QTest::addColumn<bool>("der");
        QTest::newRow("DER PKCS#1 (ListPublicKeys)") << true << true;
        QTest::newRow("DER SubjectPublicKeyInfo") << false << true;
        QTest::newRow("PEM RSA PUBLIC KEY") << true << false;
        QTest::newRow("PEM PUBLIC KEY") << false << false;
    }

    void everyEncoding()
    {
        QFETCH(bool, pkcs1);
        QFETCH(bool, der);
        const QByteArray encoded = publicKey(m_key, pkcs1, der);
        QVERIFY(!encoded.isEmpty());
        const Result<RsaPublicKey> key = RsaPublicKey::parse(encoded);
        GH_VERIFY_OK(key);
        QCOMPARE(key->bits(), 2048);
        QCOMPARE(key->pkcs1Der(), publicKey(m_key, true, true));
        QCOMPARE(key->subjectPublicKeyInfoDer(), publicKey(m_key, false, true));
        QVERIFY(key->verifySha256(m_message, m_signature));
        QVERIFY(rsaSha256Verify(encoded, m_message, m_signature));
    }

    void pemWithTextAround()
    {
        const QByteArray pem = "Key for the trail\r\n" + publicKey(m_key, false, false) + "\n\n";
        QVERIFY(rsaSha256Verify(pem, m_message, m_signature));
    }

    void rejectsTampering()
    {
        const QByteArray der = publicKey(m_key, true, true);
        const Result<RsaPublicKey> key = RsaPublicKey::parse(der);
        GH_VERIFY_OK(key);
        QVERIFY(!key->verifySha256(QByteArray(m_message + '\n'), m_signature));
        QVERIFY(!key->verifySha256(QByteArray(), m_signature));
        QByteArray message = m_message;
        message[0] = '3';
        QVERIFY(!key->verifySha256(message, m_signature));
        for (qsizetype i : {qsizetype(0), qsizetype(1), qsizetype(100), qsizetype(255)}) {
            QByteArray altered = m_signature;
            altered[i] = static_cast<char>(altered[i] ^ 0x01);
            QVERIFY2(!key->verifySha256(m_message, altered),
                     qPrintable(QStringLiteral("signature byte %1").arg(i)));
        }
        QVERIFY(!key->verifySha256(m_message, m_signature.left(255)));
        QVERIFY(!key->verifySha256(m_message, QByteArray(m_signature + '\0')));
        QVERIFY(!key->verifySha256(m_message, QByteArray('\0' + m_signature.left(255))));
        QVERIFY(!key->verifySha256(m_message, QByteArray()));
        QVERIFY(!rsaSha256Verify(publicKey(m_otherKey, true, true), m_message, m_signature));
    }

    void rejectsOtherSchemes()
    {
        const QByteArray der = publicKey(m_key, false, true);
        // RSA-PSS and SHA-1 signatures by the same key are not SHA256withRSA.
        const Result<QByteArray> pss = OpenSslCli::run(
            {QStringLiteral("dgst"), QStringLiteral("-sha256"), QStringLiteral("-sign"), m_key,
             QStringLiteral("-sigopt"), QStringLiteral("rsa_padding_mode:pss")},
            m_message);
        GH_VERIFY_OK(pss);
        QVERIFY(!rsaSha256Verify(der, m_message, *pss));
        const Result<QByteArray> sha1 = OpenSslCli::run(
            {QStringLiteral("dgst"), QStringLiteral("-sha1"), QStringLiteral("-sign"), m_key},
            m_message);
        GH_VERIFY_OK(sha1);
        QVERIFY(!rsaSha256Verify(der, m_message, *sha1));
    }

    void refusesShortKeys()
    {
        const QString weak = path("weak.pem");
        GH_VERIFY_OK(OpenSslCli::generateRsaKey(weak, 1024));
        const Result<QByteArray> signature = OpenSslCli::signSha256(weak, m_message);
        GH_VERIFY_OK(signature);
        for (bool pkcs1 : {true, false}) {
            const QByteArray der = publicKey(weak, pkcs1, true);
            QVERIFY(!der.isEmpty());
            GH_VERIFY_ERROR(RsaPublicKey::parse(der), ErrorCode::InvalidInput);
            QVERIFY(!rsaSha256Verify(der, m_message, *signature));
        }
    }

    void refusesWhatIsNotAnRsaPublicKey()
    {
        const QByteArray pkcs1 = publicKey(m_key, true, true);
        const QByteArray spki = publicKey(m_key, false, true);
        QFile privateKey(m_key);
        QVERIFY(privateKey.open(QIODevice::ReadOnly));
        const QByteArray privatePem = privateKey.readAll();
        const Result<QByteArray> privateDer =
            OpenSslCli::run({QStringLiteral("pkey"), QStringLiteral("-in"), m_key,
                             QStringLiteral("-outform"), QStringLiteral("DER")});
        GH_VERIFY_OK(privateDer);
        const Result<QByteArray> ecKey = OpenSslCli::run(
            {QStringLiteral("genpkey"), QStringLiteral("-algorithm"), QStringLiteral("EC"),
             QStringLiteral("-pkeyopt"), QStringLiteral("ec_paramgen_curve:P-256")});
        GH_VERIFY_OK(ecKey);
        const Result<QByteArray> ecPublic =
            OpenSslCli::run({QStringLiteral("pkey"), QStringLiteral("-pubout")}, *ecKey);
        GH_VERIFY_OK(ecPublic);
        QByteArray badBase64 = publicKey(m_key, false, false);
        badBase64.replace("MII", "M!I");

        const QList<QByteArray> refused{
            QByteArray(),
            QByteArrayLiteral("not a key"),
            QByteArray(4096, '\0'),
            pkcs1.left(pkcs1.size() - 1),
            pkcs1 + '\0',
            spki.left(40),
            spki + spki,
            privatePem,
            *privateDer,
            *ecPublic,
            badBase64,
            QByteArrayLiteral("-----BEGIN PUBLIC KEY-----\n-----END PUBLIC KEY-----\n"),
            QByteArrayLiteral("-----BEGIN PUBLIC KEY-----\nAAAA\n-----END PUBLIC KEY-----\n"),
            QByteArray(2 * 1024 * 1024, 'A'),
        };
        for (const QByteArray &bytes : refused) {
            const Result<RsaPublicKey> key = RsaPublicKey::parse(bytes);
            QVERIFY2(!key, bytes.left(60).toHex().constData());
            QCOMPARE(key.error().code, ErrorCode::InvalidInput);
            QVERIFY(!key.error().message.isEmpty());
            QVERIFY(!rsaSha256Verify(bytes, m_message, m_signature));
        }
    }

    void sharedAcrossCopies()
    {
        Result<RsaPublicKey> key = RsaPublicKey::parse(publicKey(m_key, true, true));
        GH_VERIFY_OK(key);
        const RsaPublicKey copy = *key;
        key = RsaPublicKey::parse(publicKey(m_otherKey, true, true));
        GH_VERIFY_OK(key);
        QVERIFY(copy.verifySha256(m_message, m_signature));
        QVERIFY(!key->verifySha256(m_message, m_signature));
    }
};

QTEST_GUILESS_MAIN(TestRsaPublicKey)
#include "TestRsaPublicKey.moc"
