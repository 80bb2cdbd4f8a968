#include "crypto/Hash.h"

#include "TestSupport.h"

using namespace gatehouse;
using namespace gatehouse::crypto;
using gatehouse::test::fromHex;

class TestHash : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void sha256KnownValues_data()
    {
        QTest::addColumn<QByteArray>("input");
        QTest::addColumn<QByteArray>("digest");
        // FIPS 180-4 examples and the empty string.
        QTest::newRow("empty")
            << QByteArray()
            << fromHex("e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
        QTest::newRow("abc") << QByteArray(
            "abc") << fromHex("ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
        QTest::newRow("448 bits")
            << QByteArray("abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq")
            << fromHex("248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1");
    }

    void sha256KnownValues()
    {
        QFETCH(QByteArray, input);
        QFETCH(QByteArray, digest);
        QCOMPARE(sha256(input), digest);
    }

    void rfc4231_data()
    {
        QTest::addColumn<QByteArray>("key");
        QTest::addColumn<QByteArray>("data");
        QTest::addColumn<QByteArray>("mac256");
        QTest::addColumn<QByteArray>("mac512");
        QTest::addColumn<int>("truncateTo"); // bytes compared; 0 = whole MAC

        const QByteArray bigKey(131, '\xaa');
        QTest::newRow("TC1")
            << QByteArray(20, '\x0b') << QByteArray("Hi There")
            << fromHex("b0344c61d8db38535ca8afceaf0bf12b881dc200c9833da726e9376c2e32cff7")
            << fromHex("87aa7cdea5ef619d4ff0b4241a1d6cb02379f4e2ce4ec2787ad0b30545e17cde"
                       "daa833b7d6b8a702038b274eaea3f4e4be9d914eeb61f1702e696c203a126854")
            << 0;
        QTest::newRow("TC2")
            << QByteArray("Jefe") << QByteArray("what do ya want for nothing?")
            << fromHex("5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843")
            << fromHex("164b7a7bfcf819e2e395fbe73b56e0a387bd64222e831fd610270cd7ea250554"
                       "9758bf75c05a994a6d034f65f8f0e6fdcaeab1a34d4a6b4b636e070a38bce737")
            << 0;
        QTest::newRow("TC3")
            << QByteArray(20, '\xaa') << QByteArray(50, '\xdd')
            << fromHex("773ea91e36800e46854db8ebd09181a72959098b3ef8c122d9635514ced565fe")
            << fromHex("fa73b0089d56a284efb0f0756c890be9b1b5dbdd8ee81a3655f83e33b2279d39"
                       "bf3e848279a722c806b485a47e67c807b946a337bee8942674278859e13292fb")
            << 0;
        QTest::newRow("TC4")
            << fromHex("0102030405060708090a0b0c0d0e0f10111213141516171819")
            << QByteArray(50, '\xcd')
            << fromHex("82558a389a443c0ea4cc819899f2083a85f0faa3e578f8077a2e3ff46729665b")
            << fromHex("b0ba465637458c6990e5a8c5f61d4af7e576d97ff94b872de76f8050361ee3db"
                       "a91ca5c11aa25eb4d679275cc5788063a5f19741120c4f2de2adebeb10a298dd")
            << 0;
        QTest::newRow("TC5 truncated")
            << QByteArray(20, '\x0c') << QByteArray("Test With Truncation")
            << fromHex("a3b6167473100ee06e0c796c2955552b")
            << fromHex("415fad6271580a531d4179bc891d87a6") << 16;
        QTest::newRow("TC6")
            << bigKey << QByteArray("Test Using Larger Than Block-Size Key - Hash Key First")
            << fromHex("60e431591ee0b67f0d8a26aacbf5b77f8e0bc6213728c5140546040f0ee37f54")
            << fromHex("80b24263c7c1a3ebb71493c1dd7be8b49b46d1f41b4aeec1121b013783f8f352"
                       "6b56d037e05f2598bd0fd2215d6a1e5295e64f73f63f0aec8b915a985d786598")
            << 0;
        QTest::newRow("TC7")
            << bigKey
            << QByteArray("This is a test using a larger than block-size key and a larger "
                          "than block-size data. The key needs to be hashed before being "
                          "used by the HMAC algorithm.")
            << fromHex("9b09ffa71b942fcb27635fbcd5b0e944bfdc63644f0713938a7f51535c3a35e2")
            << fromHex("e37b6a775dc87dbaa4dfa9f96e5e3ffddebd71f8867289865df5a32d20cdc944"
                       "b6022cac3c4982b10d5eeb55c3e4de15134676fb6de0446065c97440fa8c6a58")
            << 0;
    }

    void rfc4231()
    {
        QFETCH(QByteArray, key);
        QFETCH(QByteArray, data);
        QFETCH(QByteArray, mac256);
        QFETCH(QByteArray, mac512);
        QFETCH(int, truncateTo);

        const QByteArray full256 = hmac(HashAlgorithm::Sha256, key, data);
        const QByteArray full512 = hmac(HashAlgorithm::Sha512, key, data);
        QCOMPARE(full256.size(), 32);
        QCOMPARE(full512.size(), 64);
        QCOMPARE(hmacSha256(key, data), full256);
        if (truncateTo > 0) {
            // The RFC publishes only the leftmost 128 bits for TC5.
            QCOMPARE(full256.left(truncateTo), mac256);
            QCOMPARE(full512.left(truncateTo), mac512);
        } else {
            QCOMPARE(full256, mac256);
            QCOMPARE(full512, mac512);
        }
    }

    void hmacSha1Rfc2202()
    {
        QCOMPARE(hmac(HashAlgorithm::Sha1, QByteArray(20, '\x0b'), "Hi There"),
                 fromHex("b617318655057264e28bc0b6fb378c8ef146be00"));
    }

    void hmacWithEmptyKeyAndData()
    {
        QCOMPARE(hmacSha256({}, {}),
                 fromHex("b613679a0814d9ec772f95d778c35fc5ff1697c493715653c6c712144292c5ad"));
    }

    void constantTimeEquals_data()
    {
        QTest::addColumn<QByteArray>("a");
        QTest::addColumn<QByteArray>("b");
        QTest::addColumn<bool>("equal");
        QTest::newRow("both empty") << QByteArray() << QByteArray() << true;
        QTest::newRow("null vs empty") << QByteArray() << QByteArray("") << true;
        QTest::newRow("same") << QByteArray("secret") << QByteArray("secret") << true;
        QTest::newRow("first byte") << QByteArray("secret") << QByteArray("Secret") << false;
        QTest::newRow("last byte") << QByteArray("secret") << QByteArray("secreT") << false;
        QTest::newRow("prefix") << QByteArray("secret") << QByteArray("secre") << false;
        QTest::newRow("empty vs one") << QByteArray() << QByteArray("x") << false;
        QTest::newRow("NUL inside") << QByteArray("ab\0c", 4) << QByteArray("ab\0d", 4) << false;
        QTest::newRow("NUL equal") << QByteArray("ab\0c", 4) << QByteArray("ab\0c", 4) << true;
        QTest::newRow("NUL vs shorter") << QByteArray("ab\0", 3) << QByteArray("ab") << false;
        QTest::newRow("high bit") << QByteArray("\x80") << QByteArray("\x00", 1) << false;
    }

    void constantTimeEquals()
    {
        QFETCH(QByteArray, a);
        QFETCH(QByteArray, b);
        QFETCH(bool, equal);
        QCOMPARE(crypto::constantTimeEquals(a, b), equal);
        QCOMPARE(crypto::constantTimeEquals(b, a), equal);
    }
};

QTEST_GUILESS_MAIN(TestHash)
#include "TestHash.moc"
