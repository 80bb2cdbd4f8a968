#include "ResponseText.h"

#include "TestSupport.h"

using namespace gatehouse::server;

namespace {

QByteArray textOf(const ApiResponse &response, bool keepAlive = true, bool http10 = false)
{
    std::string out = "left over from the last answer";
    responseText(out, response, keepAlive, http10);
    return QByteArray::fromStdString(out);
}

} // namespace

class TestResponseText : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void plainAnswer()
    {
        ApiResponse response;
        response.body = R"({"id":"u1"})";
        response.addHeader("X-Request-Id", "abc-1");
        QCOMPARE(textOf(response),
                 QByteArray("HTTP/1.1 200 OK\r\n"
                            "Content-Type: application/json\r\n"
                            "Cache-Control: no-store\r\n"
                            "X-Content-Type-Options: nosniff\r\n"
                            "X-Request-Id: abc-1\r\n"
                            "Content-Length: 11\r\n"
                            "\r\n"
                            R"({"id":"u1"})"));
    }

    // The response's own field replaces a default, and a later field an earlier one, whatever
    // the case of its name.
    void laterFieldsReplace()
    {
        ApiResponse response;
        response.addHeader("Cache-Control", "public, max-age=300");
        response.addHeader("Retry-After", "1");
        response.addHeader("retry-after", "7");
        const QByteArray text = textOf(response);
        QCOMPARE(text.count("Cache-Control"), 1);
        QVERIFY(text.contains("Cache-Control: public, max-age=300\r\n"));
        QCOMPARE(text.count("etry-"), 1);
        QVERIFY(text.contains("retry-after: 7\r\n"));
    }

    // A value with a line break would start a field (or a body) of someone else's choosing.
    void lineBreaksAreNeverWritten()
    {
        ApiResponse response;
        response.addHeader("Access-Control-Allow-Origin", "https://a.example\r\nSet-Cookie: x=1");
        response.addHeader("Vary", "Origin\nX");
        response.addHeader("X-Other", QByteArray("a\0b", 3));
        response.addHeader("X-Fine", "yes");
        const QByteArray text = textOf(response);
        QVERIFY(!text.contains("Set-Cookie"));
        QVERIFY(!text.contains("Vary"));
        QVERIFY(!text.contains("X-Other"));
        QVERIFY(text.contains("X-Fine: yes\r\n"));
        QCOMPARE(text.count("\r\n\r\n"), 1);
    }

    void noContentHasNoLength()
    {
        ApiResponse response = ApiResponse::noContent();
        response.body = "ignored";
        const QByteArray text = textOf(response);
        QVERIFY(text.startsWith("HTTP/1.1 204 No Content\r\n"));
        QVERIFY(!text.contains("Content-Length"));
        QVERIFY(!text.contains("\r\nContent-Type:"));
        QVERIFY(text.endsWith("\r\n\r\n"));
    }

    // HTTP/1.1 closes only when told; HTTP/1.0 stays open only when told.
    void connectionField_data()
    {
        QTest::addColumn<bool>("keepAlive");
        QTest::addColumn<bool>("http10");
        QTest::addColumn<QByteArray>("expected");
        QTest::newRow("1.1 kept") << true << false << QByteArray();
        QTest::newRow("1.1 closed") << false << false << QByteArray("Connection: close\r\n");
        QTest::newRow("1.0 kept") << true << true << QByteArray("Connection: keep-alive\r\n");
        QTest::newRow("1.0 closed") << false << true << QByteArray("Connection: close\r\n");
    }
    void connectionField()
    {
        QFETCH(bool, keepAlive);
        QFETCH(bool, http10);
        QFETCH(QByteArray, expected);
        ApiResponse response;
        response.status = 401;
        const QByteArray text = textOf(response, keepAlive, http10);
        QVERIFY(text.startsWith("HTTP/1.1 401 Unauthorized\r\n"));
        if (expected.isEmpty())
            QVERIFY(!text.contains("Connection:"));
        else
            QVERIFY(text.contains(expected));
        QVERIFY(text.endsWith("Content-Length: 0\r\n\r\n"));
    }

    void reasons()
    {
        QCOMPARE(reasonPhrase(413), "Content Too Large");
        QCOMPARE(reasonPhrase(429), "Too Many Requests");
        QCOMPARE(reasonPhrase(299), "");
        ApiResponse odd;
        odd.status = 299;
        QVERIFY(textOf(odd).startsWith("HTTP/1.1 299 \r\n"));
    }
};

QTEST_GUILESS_MAIN(TestResponseText)
#include "TestResponseText.moc"
