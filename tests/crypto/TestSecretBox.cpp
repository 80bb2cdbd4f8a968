#include "crypto/AesGcm.h"
#include "crypto/Hash.h"
#include "crypto/SecretBox.h"

#include "TestSupport.h"

#include <QSet>

using namespace gatehouse;
using namespace gatehouse::crypto;
using gatehouse::test::fromHex;

namespace {

const QByteArray kAad = QByteArrayLiteral("mfa-seed:42");
const QByteArray kSeed = QByteArrayLiteral("12345678901234567890");

SecretBox makeBox(const QByteArray &key)
{
    return SecretBox::fromKey(key).value();
}

} // namespace

class TestSecretBox : public QObject
{
    Q_OBJECT

private:
    QByteArray m_key;

private Q_SLOTS:
    void initTestCase()
    {
        const auto key = SecretBox::generateKey();
        GH_VERIFY_OK(key);
        QCOMPARE(key->size(), SecretBox::kKeyLength);
        m_key = *key;
    }

    // McGrew & Viega, "The Galois/Counter Mode of Operation", test cases 13 and 14; the values
    // were re-checked with Node 20's crypto (OpenSSL) before being written here.
    void gcmKnownAnswers_data()
    {
        QTest::addColumn<QByteArray>("plaintext");
        QTest::addColumn<QByteArray>("ciphertext");
        QTest::addColumn<QByteArray>("tag");
        QTest::newRow("TC13") << QByteArray() << QByteArray()
                              << fromHex("530f8afbc74536b9a963b4f1c4cb738b");
        QTest::newRow("TC14") << QByteArray(16, '\0') << fromHex("cea7403d4d606b6e074ec5d3baf39d18")
                              << fromHex("d0d1c8a799996bf0265b98b5d48ab919");
    }

    void gcmKnownAnswers()
    {
        QFETCH(QByteArray, plaintext);
        QFETCH(QByteArray, ciphertext);
        QFETCH(QByteArray, tag);
        const QByteArray key(32, '\0');
        const QByteArray iv(12, '\0');
        const auto sealed = aes256GcmEncrypt(key, iv, {}, plaintext);
        GH_VERIFY_OK(sealed);
        QCOMPARE(*sealed, QByteArray(ciphertext + tag));
        const auto opened = aes256GcmDecrypt(key, iv, {}, *sealed);
        GH_VERIFY_OK(opened);
        QCOMPARE(*opened, plaintext);

        QByteArray badTag = *sealed;
        badTag[badTag.size() - 1] = static_cast<char>(badTag.back() ^ 0x01);
        GH_VERIFY_ERROR(aes256GcmDecrypt(key, iv, {}, badTag), ErrorCode::Integrity);
    }

    void gcmRefusesBadSizes()
    {
        GH_VERIFY_ERROR(aes256GcmEncrypt(QByteArray(31, 'k'), QByteArray(12, 'n'), {}, "x"),
                        ErrorCode::InvalidInput);
        GH_VERIFY_ERROR(aes256GcmEncrypt(QByteArray(32, 'k'), QByteArray(16, 'n'), {}, "x"),
                        ErrorCode::InvalidInput);
        GH_VERIFY_ERROR(
            aes256GcmDecrypt(QByteArray(32, 'k'), QByteArray(12, 'n'), {}, QByteArray(15, 't')),
            ErrorCode::InvalidInput);
    }

    void roundTrip_data()
    {
        QTest::addColumn<QByteArray>("plaintext");
        QTest::addColumn<QByteArray>("aad");
        QTest::newRow("seed") << kSeed << kAad;
        QTest::newRow("empty plaintext") << QByteArray() << kAad;
        QTest::newRow("empty aad") << kSeed << QByteArray();
        QTest::newRow("binary") << fromHex("00ff00ff80") << QByteArray("k\0y", 3);
        QTest::newRow("large") << QByteArray(100000, 'z') << kAad;
    }

    void roundTrip()
    {
        QFETCH(QByteArray, plaintext);
        QFETCH(QByteArray, aad);
        const SecretBox box = makeBox(m_key);
        const auto sealed = box.seal(plaintext, aad);
        GH_VERIFY_OK(sealed);
        QCOMPARE(sealed->size(), 1 + 8 + 12 + plaintext.size() + 16);
        QCOMPARE(sealed->at(0), SecretBox::kVersion1);
        QCOMPARE(sealed->mid(1, 8), box.keyId());
        if (plaintext.size() >= 8)
            QVERIFY(!sealed->contains(plaintext));
        const auto opened = box.open(*sealed, aad);
        GH_VERIFY_OK(opened);
        QCOMPARE(*opened, plaintext);

        // Copies work on the same key.
        const SecretBox copy = box;
        QCOMPARE(copy.open(*sealed, aad).valueOr({}), plaintext);
    }

    void keyIdIsDocumentedHmac()
    {
        const SecretBox box = makeBox(m_key);
        QCOMPARE(box.keyId(), hmacSha256(m_key, "gatehouse secretbox key id").left(8));
    }

    void everyFlippedByteIsRefused()
    {
        const SecretBox box = makeBox(m_key);
        const auto sealed = box.seal(kSeed, kAad);
        GH_VERIFY_OK(sealed);
        for (qsizetype i = 0; i < sealed->size(); ++i) {
            for (const char mask : {'\x01', '\x80'}) {
                QByteArray altered = *sealed;
                altered[i] = static_cast<char>(altered[i] ^ mask);
                const auto opened = box.open(altered, kAad);
                QVERIFY2(!opened.ok(), qPrintable(QStringLiteral("byte %1").arg(i)));
                // The version byte is the only position that reads as "not an envelope".
                const ErrorCode expected = i == 0 ? ErrorCode::InvalidInput : ErrorCode::Integrity;
                QCOMPARE(errorCodeName(opened.error().code), errorCodeName(expected));
            }
        }
    }

    void wrongAssociatedDataIsRefused()
    {
        const SecretBox box = makeBox(m_key);
        const auto sealed = box.seal(kSeed, kAad);
        GH_VERIFY_OK(sealed);
        for (const QByteArray &aad :
             {QByteArrayLiteral("mfa-seed:43"), QByteArray(), QByteArrayLiteral("mfa-seed:42 "),
              QByteArrayLiteral("mfa-seed:4")}) {
            GH_VERIFY_ERROR(box.open(*sealed, aad), ErrorCode::Integrity);
        }
    }

    void wrongKeyIsNamed()
    {
        const auto otherKey = SecretBox::generateKey();
        GH_VERIFY_OK(otherKey);
        const auto sealed = makeBox(m_key).seal(kSeed, kAad);
        GH_VERIFY_OK(sealed);
        const auto opened = makeBox(*otherKey).open(*sealed, kAad);
        GH_VERIFY_ERROR(opened, ErrorCode::Integrity);
        QVERIFY(opened.error().message.contains(QLatin1String("different data key")));
    }

    void truncatedBoxIsInvalidInput()
    {
        const SecretBox box = makeBox(m_key);
        const auto sealed = box.seal(QByteArray(), kAad);
        GH_VERIFY_OK(sealed);
        QCOMPARE(sealed->size(), 37);
        for (qsizetype length = 0; length < sealed->size(); ++length)
            GH_VERIFY_ERROR(box.open(sealed->left(length), kAad), ErrorCode::InvalidInput);

        // With content, cutting into the ciphertext or tag is a tag failure.
        const auto longer = box.seal(kSeed, kAad);
        GH_VERIFY_OK(longer);
        GH_VERIFY_ERROR(box.open(longer->chopped(1), kAad), ErrorCode::Integrity);
    }

    void unknownVersionIsInvalidInput()
    {
        const SecretBox box = makeBox(m_key);
        const auto sealed = box.seal(kSeed, kAad);
        GH_VERIFY_OK(sealed);
        for (const char version : {'\x00', '\x02', '\xff'}) {
            QByteArray altered = *sealed;
            altered[0] = version;
            GH_VERIFY_ERROR(box.open(altered, kAad), ErrorCode::InvalidInput);
        }
    }

    void noncesDiffer()
    {
        const SecretBox box = makeBox(m_key);
        QSet<QByteArray> nonces;
        for (int i = 0; i < 100; ++i) {
            const auto sealed = box.seal(kSeed, kAad);
            GH_VERIFY_OK(sealed);
            nonces.insert(sealed->mid(9, 12));
        }
        QCOMPARE(nonces.size(), 100);
    }

    void keyMustBe32Bytes()
    {
        for (const int length : {0, 16, 31, 33, 64})
            GH_VERIFY_ERROR(SecretBox::fromKey(QByteArray(length, 'k')), ErrorCode::InvalidInput);
    }

    void keyedHashIsDocumentedHmacPerPurpose()
    {
        const SecretBox box = makeBox(m_key);
        const QByteArray subkey = hmacSha256(m_key, "gatehouse keyed hash v1:recovery");
        QCOMPARE(box.keyedHash("recovery", "ABCDE12345"), hmacSha256(subkey, "ABCDE12345"));
        // Another purpose or another key gives an unrelated value; the key itself is never
        // the HMAC key.
        QVERIFY(box.keyedHash("other", "ABCDE12345") != box.keyedHash("recovery", "ABCDE12345"));
        QVERIFY(box.keyedHash("recovery", "ABCDE12345") != hmacSha256(m_key, "ABCDE12345"));
        const SecretBox other = makeBox(QByteArray(32, 'x'));
        QVERIFY(other.keyedHash("recovery", "ABCDE12345")
                != box.keyedHash("recovery", "ABCDE12345"));
    }

    void errorsDoNotEchoSecrets()
    {
        const SecretBox box = makeBox(m_key);
        const auto sealed = box.seal(kSeed, kAad);
        GH_VERIFY_OK(sealed);
        QByteArray altered = *sealed;
        altered[30] = static_cast<char>(altered[30] ^ 0x01);
        const auto opened = box.open(altered, kAad);
        QVERIFY(!opened.ok());
        QVERIFY(!opened.error().message.contains(QLatin1String(kAad)));
        QVERIFY(!opened.error().message.contains(QLatin1String(m_key.toHex())));
    }
};

QTEST_GUILESS_MAIN(TestSecretBox)
#include "TestSecretBox.moc"
