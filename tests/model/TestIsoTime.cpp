#include "model/IsoTime.h"

#include "TestSupport.h"

#include <QRandomGenerator>

using namespace gatehouse;

class TestIsoTime : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void knownTimes()
    {
        QCOMPARE(isoUtc(QDateTime()), QString());
        QCOMPARE(isoUtc(QDateTime::fromMSecsSinceEpoch(0, Qt::UTC)),
                 QStringLiteral("1970-01-01T00:00:00.000Z"));
        QCOMPARE(isoUtc(QDateTime::fromMSecsSinceEpoch(-1, Qt::UTC)),
                 QStringLiteral("1969-12-31T23:59:59.999Z"));
        QCOMPARE(isoUtc(QDateTime(QDate(2024, 2, 29), QTime(23, 59, 59, 7), Qt::UTC)),
                 QStringLiteral("2024-02-29T23:59:59.007Z"));
        // Another zone is written as the same instant in UTC.
        QCOMPARE(isoUtc(QDateTime(QDate(2026, 3, 1), QTime(10, 0), Qt::OffsetFromUTC, 3600)),
                 QStringLiteral("2026-03-01T09:00:00.000Z"));
        QCOMPARE(isoUtc(QDateTime(QDate(9999, 12, 31), QTime(23, 59, 59, 999), Qt::UTC)),
                 QStringLiteral("9999-12-31T23:59:59.999Z"));
        QCOMPARE(isoUtc(QDateTime(QDate(1, 1, 1), QTime(0, 0), Qt::UTC)),
                 QStringLiteral("0001-01-01T00:00:00.000Z"));
    }

    // The same text as Qt's ISO form, for any time, in or out of the years 0 to 9999.
    void agreesWithQt()
    {
        QRandomGenerator random(20261202);
        const qint64 span = 400LL * 365 * 24 * 3600 * 1000; // 1770 to 2170
        for (int i = 0; i < 200000; ++i) {
            const qint64 msecs = qint64(random.bounded(quint64(2 * span))) - span;
            const QDateTime time = QDateTime::fromMSecsSinceEpoch(msecs, Qt::UTC);
            QCOMPARE(isoUtc(time), time.toString(Qt::ISODateWithMs));
        }
        for (const QDate &date :
             {QDate(10000, 1, 1), QDate(70000, 1, 1), QDate(-5, 6, 1), QDate(-1, 12, 31),
              QDate(0, 12, 31), QDate(1, 1, 1), QDate(9999, 12, 31)}) {
            const QDateTime time(date, QTime(12, 34, 56, 789), Qt::UTC);
            QCOMPARE(isoUtc(time), time.toString(Qt::ISODateWithMs));
        }
    }
};

QTEST_GUILESS_MAIN(TestIsoTime)
#include "TestIsoTime.moc"
