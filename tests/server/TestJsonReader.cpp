#include "api/JsonReader.h"

#include <QJsonArray>
#include <QJsonObject>
#include <QTest>

using namespace gatehouse;
using api::JsonReader;

// The strict parser of request bodies (SEC-39, E1, E4, E16, E17).
class TestJsonReader : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void acceptsWhatRfc8259Allows_data()
    {
        QTest::addColumn<QByteArray>("text");
        QTest::addColumn<QJsonValue>("expected");
        QTest::newRow("object") << QByteArray(R"( {"a": 1, "b": [true, false, null]} )")
                                << QJsonValue(QJsonObject{{QStringLiteral("a"), 1},
                                                          {QStringLiteral("b"),
                                                           QJsonArray{true, false, QJsonValue()}}});
        QTest::newRow("escapes") << QByteArray("\"a\\\"\\\\\\/\\b\\f\\n\\r\\t\\u00e9\"")
                                 << QJsonValue(QStringLiteral("a\"\\/\b\f\n\r\té"));
        QTest::newRow("pair") << QByteArray(R"("\ud83d\ude00")")
                              << QJsonValue(QString::fromUtf8("\xF0\x9F\x98\x80"));
        QTest::newRow("utf8") << QByteArray("\"Jos\xC3\xA9 \xE2\x82\xAC \xF0\x9F\x98\x80\"")
                              << QJsonValue(QString::fromUtf8(
                                     "Jos\xC3\xA9 \xE2\x82\xAC \xF0\x9F\x98\x80"));
        QTest::newRow("numbers") << QByteArray("[0, -0.5, 1e3, 2E-2, 123456789]")
                                 << QJsonValue(QJsonArray{0, -0.5, 1000, 0.02, 123456789});
        QTest::newRow("empty") << QByteArray("[{}, []]")
                               << QJsonValue(QJsonArray{QJsonObject(), QJsonArray()});
    }
    void acceptsWhatRfc8259Allows()
    {
        QFETCH(QByteArray, text);
        QFETCH(QJsonValue, expected);
        const Result<QJsonValue> parsed = JsonReader::parse(text);
        QVERIFY2(parsed.ok(), parsed.ok() ? "" : qPrintable(parsed.error().message));
        QCOMPARE(*parsed, expected);
    }

    void refusesEverythingElse_data()
    {
        QTest::addColumn<QByteArray>("text");
        QTest::newRow("empty") << QByteArray();
        QTest::newRow("truncated") << QByteArray(R"({"username":"a")");
        QTest::newRow("trailing garbage") << QByteArray("{}x");
        QTest::newRow("two values") << QByteArray("{} {}");
        QTest::newRow("byte order mark") << QByteArray("\xEF\xBB\xBF{}");
        QTest::newRow("duplicate key") << QByteArray(R"({"role":"user","role":"admin"})");
        QTest::newRow("duplicate key by escape") << QByteArray(R"({"role":1,"r\u006fle":2})");
        QTest::newRow("lone high surrogate") << QByteArray(R"("\ud800")");
        QTest::newRow("lone low surrogate") << QByteArray(R"("\udc00")");
        QTest::newRow("reversed pair") << QByteArray(R"("\ude00\ud83d")");
        QTest::newRow("overlong slash") << QByteArray("\"\xC0\xAF\"");
        QTest::newRow("overlong three bytes") << QByteArray("\"\xE0\x80\xAF\"");
        QTest::newRow("byte FF") << QByteArray("\"\xFF\"");
        QTest::newRow("encoded surrogate") << QByteArray("\"\xED\xA0\x80\"");
        QTest::newRow("past U+10FFFF") << QByteArray("\"\xF4\x90\x80\x80\"");
        QTest::newRow("cut sequence") << QByteArray("\"\xE2\x82\"");
        QTest::newRow("raw control") << QByteArray("\"a\nb\"");
        QTest::newRow("single quotes") << QByteArray("{'a':1}");
        QTest::newRow("trailing comma") << QByteArray("[1,]");
        QTest::newRow("leading zero") << QByteArray("[01]");
        QTest::newRow("NaN") << QByteArray("[NaN]");
        QTest::newRow("infinity by size") << QByteArray("[1e309]");
        QTest::newRow("bare dot") << QByteArray("[1.]");
        QTest::newRow("plus sign") << QByteArray("[+1]");
        QTest::newRow("bad escape") << QByteArray(R"("\x41")");
        QTest::newRow("short unicode escape") << QByteArray(R"("\u12")");
        QTest::newRow("unquoted key") << QByteArray("{a:1}");
        QTest::newRow("deep") << QByteArray(100000, '[');
        QTest::newRow("33 deep") << QByteArray(QByteArray(33, '[') + QByteArray(33, ']'));
    }
    void refusesEverythingElse()
    {
        QFETCH(QByteArray, text);
        const Result<QJsonValue> parsed = JsonReader::parse(text);
        QVERIFY(!parsed.ok());
        QCOMPARE(parsed.error().code, ErrorCode::InvalidInput);
        QVERIFY(parsed.error().message.contains(QStringLiteral("at byte")));
    }

    void capsSizes()
    {
        QVERIFY(JsonReader::parse(QByteArray(QByteArray(32, '[') + QByteArray(32, ']'))).ok());
        JsonReader::Limits limits;
        limits.maxArrayItems = 3;
        limits.maxObjectMembers = 2;
        limits.maxStringBytes = 8;
        QVERIFY(JsonReader::parse("[1,2,3]", limits).ok());
        QVERIFY(!JsonReader::parse("[1,2,3,4]", limits).ok());
        QVERIFY(JsonReader::parse(R"({"a":1,"b":2})", limits).ok());
        QVERIFY(!JsonReader::parse(R"({"a":1,"b":2,"c":3})", limits).ok());
        QVERIFY(JsonReader::parse(R"("12345678")", limits).ok());
        QVERIFY(!JsonReader::parse(R"("123456789")", limits).ok());
    }

    void neverEchoesTheText()
    {
        const Result<QJsonValue> parsed = JsonReader::parse(R"({"password":"hunter2hunter2",})");
        QVERIFY(!parsed.ok());
        QVERIFY(!parsed.error().message.contains(QStringLiteral("hunter2")));
    }
};

QTEST_GUILESS_MAIN(TestJsonReader)
#include "TestJsonReader.moc"
