// parseEventTimeMs: CloudTrail's eventTime and Logstash's @timestamp, nothing else.
#include "audit/cloudtrail/EventTime.h"

#include <QDateTime>
#include <QRandomGenerator>
#include <QTest>

using namespace gatehouse::cloudtrail;

namespace {

std::optional<qint64> parse(const char *text)
{
    return parseEventTimeMs(text);
}

qint64 utcMs(int year, int month, int day, int hour, int minute, int second, int ms = 0)
{
    return QDateTime(QDate(year, month, day), QTime(hour, minute, second, ms), Qt::UTC)
        .toMSecsSinceEpoch();
}

} // namespace

class TestEventTime : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void acceptsCloudTrailTimes()
    {
        QCOMPARE(parse("1970-01-01T00:00:00Z"), std::optional<qint64>(0));
        QCOMPARE(parse("2018-11-28T22:31:59Z"), utcMs(2018, 11, 28, 22, 31, 59));
        QCOMPARE(parse("2024-02-29T23:59:59Z"), utcMs(2024, 2, 29, 23, 59, 59));
        QCOMPARE(parse("2000-02-29T00:00:00Z"), utcMs(2000, 2, 29, 0, 0, 0));
        QCOMPARE(parse("1969-12-31T23:59:59Z"), std::optional<qint64>(-1000));
        QCOMPARE(parse("9999-12-31T23:59:59Z"), utcMs(9999, 12, 31, 23, 59, 59));
    }

    void acceptsFractions()
    {
        QCOMPARE(parse("2020-09-14T00:44:23.000Z"), utcMs(2020, 9, 14, 0, 44, 23));
        QCOMPARE(parse("2020-09-14T00:44:23.5Z"), utcMs(2020, 9, 14, 0, 44, 23, 500));
        QCOMPARE(parse("2020-09-14T00:44:23.12Z"), utcMs(2020, 9, 14, 0, 44, 23, 120));
        QCOMPARE(parse("2020-09-14T00:44:23.123999999Z"), utcMs(2020, 9, 14, 0, 44, 23, 123));
    }

    void rejectsEverythingElse_data()
    {
        QTest::addColumn<QByteArray>("text");
        for (const char *bad : {"",
                                "2024-05-01",
                                "2024-05-01T12:00:00",
                                "2024-05-01 12:00:00Z",
                                "2024-05-01T12:00:00+00:00",
                                "2024-05-01t12:00:00z",
                                "2024-5-01T12:00:00Z",
                                "2024-05-01T12:00Z",
                                "2024-05-01T12:00:00.Z",
                                "2024-05-01T12:00:00.1234567890Z",
                                "2024-05-01T12:00:00,5Z",
                                "2023-02-29T00:00:00Z",
                                "1900-02-29T00:00:00Z",
                                "2024-04-31T00:00:00Z",
                                "2024-13-01T00:00:00Z",
                                "2024-00-01T00:00:00Z",
                                "2024-05-00T00:00:00Z",
                                "2024-05-01T24:00:00Z",
                                "2024-05-01T12:60:00Z",
                                "2024-05-01T12:00:60Z",
                                "-024-05-01T12:00:00Z",
                                "２０２４-05-01T12:00:00Z",
                                "2024-05-01T12:00:00ZZ",
                                " 2024-05-01T12:00:00Z",
                                "yesterday"})
            QTest::newRow(bad) << QByteArray(bad);
    }

    void rejectsEverythingElse()
    {
        QFETCH(QByteArray, text);
        QCOMPARE(parseEventTimeMs(std::string_view(text.constData(), std::size_t(text.size()))),
                 std::optional<qint64>());
    }

    void agreesWithQDateTime()
    {
        QRandomGenerator random(20241130);
        for (int i = 0; i < 20000; ++i) {
            const qint64 ms = qint64(random.bounded(Q_INT64_C(253402300799999)));
            const QDateTime when = QDateTime::fromMSecsSinceEpoch(ms, Qt::UTC);
            const QByteArray text =
                when.toString(QStringLiteral("yyyy-MM-ddTHH:mm:ss.zzzZ")).toLatin1();
            QCOMPARE(parseEventTimeMs(std::string_view(text.constData(), std::size_t(text.size()))),
                     std::optional<qint64>(ms));
        }
    }
};

QTEST_GUILESS_MAIN(TestEventTime)
#include "TestEventTime.moc"
