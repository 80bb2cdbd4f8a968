// Stored timestamps: isoUtc() writes one shape, fromIso() reads it back exactly, takes any
// other ISO 8601 form the general way, and turns anything else into an invalid time.
#include "auth/UserRows.h"

#include <QTest>
#include <QTimeZone>

using namespace gatehouse;

class TestUserRows : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void storedTimesRoundTrip_data()
    {
        QTest::addColumn<QDateTime>("time");
        QTest::newRow("epoch") << QDateTime::fromMSecsSinceEpoch(0, Qt::UTC);
        QTest::newRow("milliseconds") << QDateTime(QDate(2026, 6, 1), QTime(9, 0, 5, 123), Qt::UTC);
        QTest::newRow("leap day") << QDateTime(QDate(2028, 2, 29), QTime(23, 59, 59, 999), Qt::UTC);
        QTest::newRow("from another zone")
            << QDateTime(QDate(2026, 12, 31), QTime(23, 30), QTimeZone(3600));
    }

    void storedTimesRoundTrip()
    {
        QFETCH(QDateTime, time);
        const QString stored = UserRows::isoUtc(time);
        QCOMPARE(stored.size(), 24);
        const QDateTime read = UserRows::fromIso(stored);
        QVERIFY(read.isValid());
        QCOMPARE(read.timeSpec(), Qt::UTC);
        QCOMPARE(read.toMSecsSinceEpoch(), time.toMSecsSinceEpoch());
    }

    void otherFormsAndGarbage_data()
    {
        QTest::addColumn<QString>("text");
        QTest::addColumn<qint64>("msecs"); // -1: invalid
        const qint64 nine = QDateTime(QDate(2026, 6, 1), QTime(9, 0), Qt::UTC).toMSecsSinceEpoch();
        QTest::newRow("offset") << QStringLiteral("2026-06-01T11:00:00.000+02:00") << nine;
        QTest::newRow("no milliseconds") << QStringLiteral("2026-06-01T09:00:00Z") << nine;
        QTest::newRow("no such day") << QStringLiteral("2026-02-30T09:00:00.000Z") << qint64(-1);
        QTest::newRow("no such hour") << QStringLiteral("2026-06-01T24:30:00.000Z") << qint64(-1);
        QTest::newRow("other digits") << QStringLiteral("٢٠٢٦-06-01T09:00:00.000Z") << qint64(-1);
        QTest::newRow("fullwidth digits")
            << QStringLiteral("２０２６-06-01T09:00:00.000Z") << qint64(-1);
        QTest::newRow("empty") << QString() << qint64(-1);
        QTest::newRow("text") << QStringLiteral("yesterday at nine o'clock") << qint64(-1);
    }

    void otherFormsAndGarbage()
    {
        QFETCH(QString, text);
        QFETCH(qint64, msecs);
        const QDateTime read = UserRows::fromIso(text);
        if (msecs < 0) {
            QVERIFY(!read.isValid());
            return;
        }
        QVERIFY(read.isValid());
        QCOMPARE(read.timeSpec(), Qt::UTC);
        QCOMPARE(read.toMSecsSinceEpoch(), msecs);
    }

    void nullIsNoTime() { QVERIFY(!UserRows::fromIso(QVariant()).isValid()); }
};

QTEST_GUILESS_MAIN(TestUserRows)
#include "TestUserRows.moc"
