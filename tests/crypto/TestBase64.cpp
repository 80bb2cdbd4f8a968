#include "crypto/Base64.h"

#include "TestSupport.h"

using namespace gatehouse;
using namespace gatehouse::crypto;
using gatehouse::test::fromHex;

class TestBase64 : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void vectors_data()
    {
        QTest::addColumn<QByteArray>("bytes");
        QTest::addColumn<QByteArray>("padded");
        QTest::addColumn<QByteArray>("url");

        // RFC 4648 §10 and SECURITY.md §3.5.
        QTest::newRow("empty") << QByteArray() << QByteArray() << QByteArray();
        QTest::newRow("f") << QByteArray("f") << QByteArray("Zg==") << QByteArray("Zg");
        QTest::newRow("fo") << QByteArray("fo") << QByteArray("Zm8=") << QByteArray("Zm8");
        QTest::newRow("foo") << QByteArray("foo") << QByteArray("Zm9v") << QByteArray("Zm9v");
        QTest::newRow("foob") << QByteArray("foob") << QByteArray("Zm9vYg==")
                              << QByteArray("Zm9vYg");
        QTest::newRow("fooba") << QByteArray("fooba") << QByteArray("Zm9vYmE=")
                               << QByteArray("Zm9vYmE");
        QTest::newRow("foobar") << QByteArray("foobar") << QByteArray("Zm9vYmFy")
                                << QByteArray("Zm9vYmFy");
        QTest::newRow("fbff") << fromHex("fbff") << QByteArray("+/8=") << QByteArray("-_8");
        QTest::newRow("fbefbe") << fromHex("fbefbe") << QByteArray("++++") << QByteArray("----");
        QTest::newRow("fffefd") << fromHex("fffefd") << QByteArray("//79") << QByteArray("__79");
        QTest::newRow("03e0fbefff")
            << fromHex("03e0fbefff") << QByteArray("A+D77/8=") << QByteArray("A-D77_8");
    }

    void vectors()
    {
        QFETCH(QByteArray, bytes);
        QFETCH(QByteArray, padded);
        QFETCH(QByteArray, url);
        QByteArray unpadded = padded;
        while (unpadded.endsWith('='))
            unpadded.chop(1);

        QCOMPARE(base64EncodePadded(bytes), padded);
        QCOMPARE(base64EncodeUnpadded(bytes), unpadded);
        QCOMPARE(base64UrlEncode(bytes), url);

        const auto fromPadded = base64DecodePadded(padded);
        const auto fromUnpadded = base64DecodeUnpadded(unpadded);
        const auto fromUrl = base64UrlDecode(url);
        GH_VERIFY_OK(fromPadded);
        GH_VERIFY_OK(fromUnpadded);
        GH_VERIFY_OK(fromUrl);
        QCOMPARE(*fromPadded, bytes);
        QCOMPARE(*fromUnpadded, bytes);
        QCOMPARE(*fromUrl, bytes);
    }

    void rejectsUrl_data()
    {
        QTest::addColumn<QByteArray>("text");
        QTest::newRow("padding forbidden") << QByteArray("Zg==");
        QTest::newRow("one pad") << QByteArray("Zm8=");
        QTest::newRow("partial padding") << QByteArray("Zg=");
        QTest::newRow("standard alphabet +") << QByteArray("Zm9v+w");
        QTest::newRow("standard alphabet /") << QByteArray("//79");
        QTest::newRow("space inside") << QByteArray("Zm9 v");
        QTest::newRow("trailing newline") << QByteArray("Zm9v\n");
        QTest::newRow("leading space") << QByteArray(" Zm9v");
        QTest::newRow("length 1 mod 4") << QByteArray("Z");
        QTest::newRow("length 5") << QByteArray("Zm9vY");
        QTest::newRow("trailing bits Zh") << QByteArray("Zh");
        QTest::newRow("trailing bits Zm9") << QByteArray("Zm9");
        QTest::newRow("NUL") << QByteArray("Zm9v\0", 5);
        QTest::newRow("non-ascii") << QByteArray("Zm9v\xc3\xa9");
        QTest::newRow("dot") << QByteArray("Zm.v");
    }

    void rejectsUrl()
    {
        QFETCH(QByteArray, text);
        GH_VERIFY_ERROR(base64UrlDecode(text), ErrorCode::InvalidInput);
    }

    void rejectsUnpadded_data()
    {
        QTest::addColumn<QByteArray>("text");
        QTest::newRow("padding forbidden") << QByteArray("Zg==");
        QTest::newRow("partial padding") << QByteArray("Zg=");
        QTest::newRow("url alphabet -") << QByteArray("-_8");
        QTest::newRow("whitespace") << QByteArray("Zm9 v");
        QTest::newRow("length 1 mod 4") << QByteArray("Z");
        QTest::newRow("trailing bits Zh") << QByteArray("Zh");
        QTest::newRow("tab") << QByteArray("Zm9v\t");
    }

    void rejectsUnpadded()
    {
        QFETCH(QByteArray, text);
        GH_VERIFY_ERROR(base64DecodeUnpadded(text), ErrorCode::InvalidInput);
    }

    void rejectsPadded_data()
    {
        QTest::addColumn<QByteArray>("text");
        QTest::newRow("missing padding") << QByteArray("Zg");
        QTest::newRow("partial padding") << QByteArray("Zg=");
        QTest::newRow("extra padding") << QByteArray("Zg===");
        QTest::newRow("padding on full group") << QByteArray("Zm9v=");
        QTest::newRow("four pads") << QByteArray("Zm9v====");
        QTest::newRow("padding in the middle") << QByteArray("Zg==Zm9v");
        QTest::newRow("trailing bits Zh==") << QByteArray("Zh==");
        QTest::newRow("trailing bits Zm9=") << QByteArray("Zm9=");
        QTest::newRow("url alphabet") << QByteArray("-_8=");
        QTest::newRow("whitespace") << QByteArray("Zm9 v");
        QTest::newRow("newline") << QByteArray("Zm9v\r\n");
        QTest::newRow("length 1 mod 4") << QByteArray("Z");
        QTest::newRow("only padding") << QByteArray("==");
    }

    void rejectsPadded()
    {
        QFETCH(QByteArray, text);
        GH_VERIFY_ERROR(base64DecodePadded(text), ErrorCode::InvalidInput);
    }

    void errorDoesNotEchoInput()
    {
        const QByteArray secret("c2VjcmV0LXRva2VuLXZhbHVl*");
        for (const auto &result :
             {base64UrlDecode(secret), base64DecodePadded(secret), base64DecodeUnpadded(secret)}) {
            QVERIFY(!result.ok());
            QVERIFY(!result.error().message.contains(QLatin1String(secret)));
            QVERIFY(!result.error().message.contains(QLatin1String("c2VjcmV0")));
        }
    }

    void roundTripsAllByteValues()
    {
        QByteArray bytes;
        for (int i = 0; i < 256; ++i)
            bytes.append(static_cast<char>(i));
        for (qsizetype length = 0; length <= bytes.size(); length += 37) {
            const QByteArray part = bytes.left(length);
            QCOMPARE(base64UrlDecode(base64UrlEncode(part)).valueOr({}), part);
            QCOMPARE(base64DecodePadded(base64EncodePadded(part)).valueOr({}), part);
            QCOMPARE(base64DecodeUnpadded(base64EncodeUnpadded(part)).valueOr({}), part);
        }
    }
};

QTEST_GUILESS_MAIN(TestBase64)
#include "TestBase64.moc"
