#include "RequestHeaders.h"

#include "TestSupport.h"

using namespace gatehouse::server;

class TestRequestHeaders : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    // Names are matched in lower case whatever the client sent; values keep their case.
    void namesAreCaseInsensitive()
    {
        RequestHeaders headers;
        headers.reserve(2, 40);
        headers.append("Content-TYPE", "Application/JSON");
        headers.append("authorization", "Bearer AbC");
        QCOMPARE(headers.size(), 2);
        QCOMPARE(headers.value("content-type"), QByteArrayView("Application/JSON"));
        QCOMPARE(headers.value("authorization"), QByteArrayView("Bearer AbC"));
        QVERIFY(headers.value("Content-Type").isEmpty()); // callers ask in lower case
        QVERIFY(headers.value("accept").isEmpty());
    }

    // The first value answers a single-valued field; every value, in order, a list field.
    void repeatedFields()
    {
        RequestHeaders headers;
        headers.append("X-Forwarded-For", "203.0.113.7");
        headers.append("Host", "example.com");
        headers.append("x-forwarded-for", "10.0.0.1, 10.0.0.2");
        QCOMPARE(headers.value("x-forwarded-for"), QByteArrayView("203.0.113.7"));
        QCOMPARE(headers.list("x-forwarded-for"), QByteArray("203.0.113.7, 10.0.0.1, 10.0.0.2"));
        QCOMPARE(headers.list("host"), QByteArray("example.com"));
        QVERIFY(headers.list("forwarded").isEmpty());
    }

    // Empty values and names that are prefixes of others are told apart; many fields (more
    // than fit without an allocation) keep their order, and a copy stays valid on its own.
    void edges()
    {
        RequestHeaders headers;
        headers.append("accept", "");
        headers.append("accept-language", "de");
        for (int i = 0; i < 40; ++i)
            headers.append(QByteArray("x-n").append(QByteArray::number(i)),
                           QByteArray::number(i * i));
        RequestHeaders copy;
        {
            const RequestHeaders original = headers;
            copy = original;
        }
        QCOMPARE(copy.size(), 42);
        QVERIFY(copy.value("accept").isEmpty());
        QCOMPARE(copy.value("accept-language"), QByteArrayView("de"));
        QCOMPARE(copy.value("x-n39"), QByteArrayView("1521"));
        QCOMPARE(copy.value("x-n3"), QByteArrayView("9"));
        QVERIFY(copy.value("x-n").isEmpty());
    }
};

QTEST_GUILESS_MAIN(TestRequestHeaders)
#include "TestRequestHeaders.moc"
