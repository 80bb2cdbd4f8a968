#include "crypto/Ed25519.h"

#include "TestSupport.h"

using namespace gatehouse;
using namespace gatehouse::crypto;
using gatehouse::test::fromHex;

class TestEd25519 : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    // RFC 8032 §7.1 TEST 1-3, re-checked with `openssl pkeyutl -sign -rawin` and Node 20.
    void rfc8032_data()
    {
        QTest::addColumn<QByteArray>("secret");
        QTest::addColumn<QByteArray>("publicKey");
        QTest::addColumn<QByteArray>("message");
        QTest::addColumn<QByteArray>("signature");
        QTest::newRow("TEST 1")
            << fromHex("9d61b19deffd5a60ba844af492ec2cc44449c5697b326919703bac031cae7f60")
            << fromHex("d75a980182b10ab7d54bfed3c964073a0ee172f3daa62325af021a68f707511a")
            << QByteArray()
            << fromHex("e5564300c360ac729086e2cc806e828a84877f1eb8e5d974d873e06522490155"
                       "5fb8821590a33bacc61e39701cf9b46bd25bf5f0595bbe24655141438e7a100b");
        QTest::newRow("TEST 2")
            << fromHex("4ccd089b28ff96da9db6c346ec114e0f5b8a319f35aba624da8cf6ed4fb8a6fb")
            << fromHex("3d4017c3e843895a92b70aa74d1b7ebc9c982ccf2ec4968cc0cd55f12af4660c")
            << fromHex("72")
            << fromHex("92a009a9f0d4cab8720e820b5f642540a2b27b5416503f8fb3762223ebdb69da"
                       "085ac1e43e15996e458f3613d0f11d8c387b2eaeb4302aeeb00d291612bb0c00");
        QTest::newRow("TEST 3")
            << fromHex("c5aa8df43f9f837bedb7442f31dcb7b166d38535076f094b85ce3a2e0b4458f7")
            << fromHex("fc51cd8e6218a1a38da47ed00230f0580816ed13ba3303ac5deb911548908025")
            << fromHex("af82")
            << fromHex("6291d657deec24024827e69c3abe01a30ce548a284743a445e3680d7db5ac3ac"
                       "18ff9b538d16f290ae67f760984dc6594a7c15e9716ed28dc027beceea1ec40a");
    }

    void rfc8032()
    {
        QFETCH(QByteArray, secret);
        QFETCH(QByteArray, publicKey);
        QFETCH(QByteArray, message);
        QFETCH(QByteArray, signature);

        const auto pair = Ed25519KeyPair::fromPrivateKey(secret);
        GH_VERIFY_OK(pair);
        QCOMPARE(pair->privateKey(), secret);
        QCOMPARE(pair->publicKey(), publicKey);
        const auto signed_ = pair->sign(message);
        GH_VERIFY_OK(signed_);
        QCOMPARE(*signed_, signature); // Ed25519 is deterministic
        QVERIFY(ed25519Verify(publicKey, message, signature));
    }

    void rejectsTampering()
    {
        const QByteArray publicKey =
            fromHex("3d4017c3e843895a92b70aa74d1b7ebc9c982ccf2ec4968cc0cd55f12af4660c");
        const QByteArray message = fromHex("72");
        const QByteArray signature =
            fromHex("92a009a9f0d4cab8720e820b5f642540a2b27b5416503f8fb3762223ebdb69da"
                    "085ac1e43e15996e458f3613d0f11d8c387b2eaeb4302aeeb00d291612bb0c00");

        QVERIFY(!ed25519Verify(publicKey, fromHex("73"), signature));
        QVERIFY(!ed25519Verify(publicKey, QByteArray(), signature));
        QVERIFY(!ed25519Verify(publicKey, fromHex("7200"), signature));
        for (qsizetype i = 0; i < signature.size(); ++i) {
            QByteArray altered = signature;
            altered[i] = static_cast<char>(altered[i] ^ 0x01);
            QVERIFY2(!ed25519Verify(publicKey, message, altered),
                     qPrintable(QStringLiteral("signature byte %1").arg(i)));
        }
        const QByteArray otherKey =
            fromHex("d75a980182b10ab7d54bfed3c964073a0ee172f3daa62325af021a68f707511a");
        QVERIFY(!ed25519Verify(otherKey, message, signature));
    }

    void rejectsMalformedInputs()
    {
        const QByteArray publicKey =
            fromHex("3d4017c3e843895a92b70aa74d1b7ebc9c982ccf2ec4968cc0cd55f12af4660c");
        const QByteArray signature(64, 'x');
        QVERIFY(!ed25519Verify(QByteArray(), "m", signature));
        QVERIFY(!ed25519Verify(publicKey.left(31), "m", signature));
        QVERIFY(!ed25519Verify(QByteArray(publicKey + '\0'), "m", signature));
        QVERIFY(!ed25519Verify(publicKey, "m", QByteArray()));
        QVERIFY(!ed25519Verify(publicKey, "m", signature.left(63)));
        QVERIFY(!ed25519Verify(publicKey, "m", QByteArray(signature + 'x')));

        for (const int length : {0, 31, 33, 64})
            GH_VERIFY_ERROR(Ed25519KeyPair::fromPrivateKey(QByteArray(length, 's')),
                            ErrorCode::InvalidInput);
    }

    void generateRoundTrip()
    {
        const auto pair = Ed25519KeyPair::generate();
        GH_VERIFY_OK(pair);
        QCOMPARE(pair->privateKey().size(), Ed25519KeyPair::kPrivateKeyLength);
        QCOMPARE(pair->publicKey().size(), Ed25519KeyPair::kPublicKeyLength);
        const QByteArray message = QByteArrayLiteral("checkpoint 1000 abcdef");
        const auto signature = pair->sign(message);
        GH_VERIFY_OK(signature);
        QCOMPARE(signature->size(), Ed25519KeyPair::kSignatureLength);
        QVERIFY(ed25519Verify(pair->publicKey(), message, *signature));

        // The same seed gives the same key pair.
        const auto reloaded = Ed25519KeyPair::fromPrivateKey(pair->privateKey());
        GH_VERIFY_OK(reloaded);
        QCOMPARE(reloaded->publicKey(), pair->publicKey());

        const auto other = Ed25519KeyPair::generate();
        GH_VERIFY_OK(other);
        QVERIFY(other->privateKey() != pair->privateKey());
        QVERIFY(!ed25519Verify(other->publicKey(), message, *signature));

        // Copies and assignment keep working keys.
        Ed25519KeyPair copy = *pair;
        copy = *other;
        QCOMPARE(copy.publicKey(), other->publicKey());
    }
};

QTEST_GUILESS_MAIN(TestEd25519)
#include "TestEd25519.moc"
