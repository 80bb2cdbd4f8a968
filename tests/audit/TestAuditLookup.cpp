#include "audit/AuditLog.h"
#include "audit/AuditQuery.h"
#include "audit/EventExport.h"
#include "auth/AuditTrail.h"
#include "auth/UserDirectory.h"
#include "model/Clock.h"

#include "TestStores.h"
#include "TestSupport.h"

#include <QBuffer>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QRandomGenerator>
#include <QTemporaryDir>

using namespace gatehouse;
namespace TestStores = gatehouse::test::TestStores;

namespace {

// What a record says about one attribute, read from the record itself: the reference the SQL
// lookups are checked against.
bool recordMatches(const QJsonObject &record, const EventLookup::Condition &condition)
{
    const QJsonObject identity = record[QStringLiteral("userIdentity")].toObject();
    const QString value = condition.value;
    switch (condition.attribute) {
    case LookupAttribute::EventId:
        return record[QStringLiteral("eventID")].toString() == value;
    case LookupAttribute::EventName:
        return record[QStringLiteral("eventName")].toString() == value;
    case LookupAttribute::EventSource:
        return record[QStringLiteral("eventSource")].toString() == value;
    case LookupAttribute::Username:
        return identity[QStringLiteral("userName")].toString() == value;
    case LookupAttribute::AccessKeyId:
        return identity[QStringLiteral("accessKeyId")].toString() == value;
    case LookupAttribute::ReadOnly:
        return (record[QStringLiteral("readOnly")].toBool() ? u"true" : u"false") == value;
    case LookupAttribute::SourceIpAddress:
        return record[QStringLiteral("sourceIPAddress")].toString() == value;
    case LookupAttribute::ErrorCode:
        return record[QStringLiteral("errorCode")].toString() == value;
    case LookupAttribute::ResourceType:
    case LookupAttribute::ResourceName:
        for (const QJsonValue &resource : record[QStringLiteral("resources")].toArray()) {
            const QString key = condition.attribute == LookupAttribute::ResourceType
                ? QStringLiteral("type")
                : QStringLiteral("ARN");
            if (resource[key].toString() == value)
                return true;
        }
        return false;
    }
    return false;
}

} // namespace

// Lookups over the store's own audit log, checked against a brute-force reading of every
// record: many random queries, every page of each.
class TestAuditLookup : public QObject
{
    Q_OBJECT

private:
    QTemporaryDir m_dir;
    std::shared_ptr<ManualClock> m_clock;
    std::unique_ptr<Store> m_store;
    std::unique_ptr<ServiceContext> m_context;
    std::unique_ptr<UserDirectory> m_users;
    std::unique_ptr<AuditTrail> m_trail;
    User m_owner;
    QList<QJsonObject> m_records; // every record, newest first

    void appendEvents(int count, quint32 seed)
    {
        QRandomGenerator random(seed);
        const QStringList names{QStringLiteral("ConsoleLogin"), QStringLiteral("CreateUser"),
                                QStringLiteral("RevokeSession"),
                                QStringLiteral("RotateServiceToken"), QStringLiteral("ListUsers")};
        const QStringList users{QStringLiteral("alice"), QStringLiteral("bob"),
                                QStringLiteral("carol"), QStringLiteral("50%_off")};
        const QStringList ips{QStringLiteral("192.0.2.1"), QStringLiteral("192.0.2.2"),
                              QStringLiteral("2001:db8::7")};
        QVERIFY(m_store->transaction(Store::Access::Write, [&](SqlTransaction &tx) -> Result<void> {
            for (int i = 0; i < count; ++i) {
                // Often several records in the same millisecond: ties the keyset must order.
                if (random.bounded(3) == 0)
                    m_clock->advance(random.bounded(5000));
                AuditEvent event;
                event.eventName = names.at(random.bounded(names.size()));
                event.eventSource = random.bounded(2) ? QStringLiteral("auth.gatehouse")
                                                      : QStringLiteral("admin.gatehouse");
                event.readOnly = event.eventName == u"ListUsers";
                event.actor.kind = Actor::Kind::User;
                event.actor.username = users.at(random.bounded(users.size()));
                event.actor.sourceIp = ips.at(random.bounded(ips.size()));
                event.actor.userAgent = QStringLiteral("Agent/%1").arg(random.bounded(4));
                if (random.bounded(4) == 0)
                    event.actor.accessKeyId = QStringLiteral("ghk_key%1").arg(random.bounded(3));
                if (random.bounded(5) == 0) {
                    event.errorCode = random.bounded(2) ? QStringLiteral("AccessDenied")
                                                        : QStringLiteral("InvalidInput");
                    event.errorMessage = QStringLiteral("No.");
                }
                for (int r = random.bounded(3); r > 0; --r) {
                    event.resources.append({r == 1 ? QStringLiteral("Gatehouse::User")
                                                   : QStringLiteral("Gatehouse::Session"),
                                            QStringLiteral("res-%1").arg(random.bounded(20))});
                }
                if (Result<void> appended = m_context->audit().append(tx, event); !appended)
                    return appended;
            }
            return {};
        }));
        reloadReference();
    }

    void reloadReference()
    {
        m_records.clear();
        Result<void> read =
            m_store->transaction(Store::Access::Read, [&](SqlTransaction &tx) -> Result<void> {
                Result<QSqlQuery> rows = tx.exec(QStringLiteral(
                    "SELECT record FROM audit_events ORDER BY event_time DESC, seq DESC"));
                if (!rows)
                    return rows.error();
                while (rows->next())
                    m_records.append(
                        QJsonDocument::fromJson(rows->value(0).toString().toUtf8()).object());
                return {};
            });
        QVERIFY(read);
    }

    QStringList expectedIds(const EventLookup &lookup) const
    {
        QStringList ids;
        for (const QJsonObject &record : m_records) {
            const QDateTime time = QDateTime::fromString(
                record[QStringLiteral("eventTime")].toString(), Qt::ISODateWithMs);
            if (lookup.startTime.isValid() && time < lookup.startTime)
                continue;
            if (lookup.endTime.isValid() && time > lookup.endTime)
                continue;
            bool all = true;
            for (const EventLookup::Condition &condition : lookup.conditions)
                all = all && recordMatches(record, condition);
            if (!lookup.text.isEmpty()) {
                const QString text =
                    QString::fromUtf8(QJsonDocument(record).toJson(QJsonDocument::Compact));
                all = all && text.contains(lookup.text, Qt::CaseInsensitive);
            }
            if (all)
                ids.append(record[QStringLiteral("eventID")].toString());
        }
        return ids;
    }

    // Every page of `lookup`, through the tokens.
    QStringList allPages(EventLookup lookup)
    {
        QStringList ids;
        for (int pages = 0; pages < 10000; ++pages) {
            // The query itself, in a snapshot: the service around it (permission, its own
            // record) is checked below.
            Result<EventPage> page =
                m_store->transact<EventPage>(Store::Access::Read, [&](SqlTransaction &tx) {
                    return AuditQuery::lookup(tx, lookup);
                });
            if (!page) {
                qWarning() << page.error().message;
                return {QStringLiteral("failed")};
            }
            for (const LookupEvent &event : page->events)
                ids.append(event.eventId);
            if (page->events.size() > lookup.maxResults)
                return {QStringLiteral("page too long")};
            if (page->nextToken.isEmpty())
                return ids;
            lookup.nextToken = page->nextToken;
        }
        return {QStringLiteral("endless")};
    }

private Q_SLOTS:
    void initTestCase()
    {
        QVERIFY(m_dir.isValid());
        m_clock = std::make_shared<ManualClock>(QDateTime(QDate(2026, 5, 1), QTime(8, 0), Qt::UTC));
        auto store = TestStores::create(m_dir.path(), QStringLiteral("lookup"));
        QVERIFY2(store, qPrintable(store ? QString() : store.error().message));
        m_store = std::move(*store);
        m_context = std::make_unique<ServiceContext>(*m_store, m_clock);
        m_users = std::make_unique<UserDirectory>(*m_context);
        m_trail = std::make_unique<AuditTrail>(*m_context);
        Result<User> owner = m_users->createFirstOwner(
            Actor::localConsole(), NewUser{QStringLiteral("owner"), {}, {}, {Role::Owner}});
        QVERIFY(owner);
        m_owner = *owner;
        appendEvents(1500, 7);
    }

    void randomLookupsMatchTheRecords()
    {
        QRandomGenerator random(11);
        const QList<EventLookup::Condition> pool{
            {LookupAttribute::EventName, QStringLiteral("ConsoleLogin")},
            {LookupAttribute::EventName, QStringLiteral("RevokeSession")},
            {LookupAttribute::EventSource, QStringLiteral("auth.gatehouse")},
            {LookupAttribute::Username, QStringLiteral("alice")},
            {LookupAttribute::Username, QStringLiteral("50%_off")},
            {LookupAttribute::ReadOnly, QStringLiteral("true")},
            {LookupAttribute::ReadOnly, QStringLiteral("false")},
            {LookupAttribute::SourceIpAddress, QStringLiteral("2001:db8::7")},
            {LookupAttribute::AccessKeyId, QStringLiteral("ghk_key1")},
            {LookupAttribute::ErrorCode, QStringLiteral("AccessDenied")},
            {LookupAttribute::ResourceType, QStringLiteral("Gatehouse::Session")},
            {LookupAttribute::ResourceName, QStringLiteral("res-3")},
            {LookupAttribute::ResourceName, QStringLiteral("res-404")},
        };
        const QDateTime first = QDateTime(QDate(2026, 5, 1), QTime(8, 0), Qt::UTC);
        const qint64 span = first.msecsTo(m_clock->now());
        int nonEmpty = 0;
        for (int round = 0; round < 150; ++round) {
            EventLookup lookup;
            for (int n = random.bounded(4); n > 0; --n)
                lookup.conditions.append(pool.at(random.bounded(pool.size())));
            if (random.bounded(2))
                lookup.startTime = first.addMSecs(random.bounded(span));
            if (random.bounded(2))
                lookup.endTime = first.addMSecs(random.bounded(span));
            if (lookup.startTime.isValid() && lookup.endTime.isValid()
                && lookup.startTime > lookup.endTime)
                std::swap(lookup.startTime, lookup.endTime);
            if (random.bounded(5) == 0)
                lookup.text =
                    random.bounded(2) ? QStringLiteral("AGENT/2") : QStringLiteral("50%_");
            lookup.maxResults = QList<int>{1, 7, 50, 1000}.at(random.bounded(4));
            const QStringList expected = expectedIds(lookup);
            nonEmpty += expected.isEmpty() ? 0 : 1;
            const QStringList actual = allPages(lookup);
            QVERIFY2(actual == expected,
                     qPrintable(QStringLiteral("round %1: %2 expected, %3 found")
                                    .arg(round)
                                    .arg(expected.size())
                                    .arg(actual.size())));
        }
        QVERIFY(nonEmpty > 75); // the queries were not trivially empty
    }

    // Every attribute alone, with a value some records have, finds exactly those records:
    // including the ones the random lookups above never draw (an event id, a resource type).
    void everyAttributeAlone()
    {
        reloadReference();
        const QJsonObject sample = m_records.at(m_records.size() / 2);
        const QList<EventLookup::Condition> conditions{
            {LookupAttribute::EventId, sample[QStringLiteral("eventID")].toString()},
            {LookupAttribute::EventName, QStringLiteral("RotateServiceToken")},
            {LookupAttribute::EventSource, QStringLiteral("admin.gatehouse")},
            {LookupAttribute::Username, QStringLiteral("carol")},
            {LookupAttribute::AccessKeyId, QStringLiteral("ghk_key0")},
            {LookupAttribute::ReadOnly, QStringLiteral("true")},
            {LookupAttribute::SourceIpAddress, QStringLiteral("192.0.2.2")},
            {LookupAttribute::ErrorCode, QStringLiteral("InvalidInput")},
            {LookupAttribute::ResourceType, QStringLiteral("Gatehouse::User")},
            {LookupAttribute::ResourceName, QStringLiteral("res-0")},
        };
        for (const EventLookup::Condition &condition : conditions) {
            EventLookup lookup;
            lookup.conditions.append(condition);
            lookup.maxResults = 100;
            const QStringList expected = expectedIds(lookup);
            QVERIFY2(!expected.isEmpty(), qPrintable(condition.value));
            QCOMPARE(allPages(lookup), expected);
        }
    }

    // A token keeps its place while newer records arrive, and belongs to its own lookup.
    void tokensSurviveNewRecords()
    {
        EventLookup lookup;
        lookup.conditions.append({LookupAttribute::Username, QStringLiteral("bob")});
        lookup.maxResults = 10;
        reloadReference();
        const QStringList before = expectedIds(lookup);
        Result<EventPage> first = m_trail->lookup(test::actorFor(m_owner), lookup);
        QVERIFY(first && !first->nextToken.isEmpty());
        QCOMPARE(first->events.first().eventId, before.first());
        appendEvents(100, 99);
        EventLookup next = lookup;
        next.nextToken = first->nextToken;
        Result<EventPage> second = m_trail->lookup(test::actorFor(m_owner), next);
        QVERIFY(second);
        QCOMPARE(second->events.first().eventId, before.at(10));

        EventLookup other = next;
        other.conditions.first().value = QStringLiteral("carol");
        Result<EventPage> refused = m_trail->lookup(test::actorFor(m_owner), other);
        QVERIFY(!refused);
        QCOMPARE(refused.error().code, ErrorCode::InvalidInput);
        EventLookup garbage = lookup;
        garbage.nextToken = QStringLiteral("not-a-token");
        QCOMPARE(m_trail->lookup(test::actorFor(m_owner), garbage).error().code,
                 ErrorCode::InvalidInput);
    }

    void invalidLookups_data()
    {
        QTest::addColumn<int>("maxResults");
        QTest::addColumn<QString>("readOnly");
        QTest::addColumn<bool>("reversed");
        QTest::addColumn<QString>("expected");
        QTest::newRow("max 0") << 0 << QString() << false << QStringLiteral("between 1 and 1000");
        QTest::newRow("max 1001") << 1001 << QString() << false
                                  << QStringLiteral("between 1 and 1000");
        QTest::newRow("read-only maybe") << 5 << QStringLiteral("maybe") << false
                                         << QStringLiteral("ReadOnly is either true or false");
        QTest::newRow("empty value")
            << 5 << QStringLiteral("") << false << QStringLiteral("needs a value");
        QTest::newRow("start after end")
            << 5 << QString() << true << QStringLiteral("start time is after");
    }

    void invalidLookups()
    {
        QFETCH(int, maxResults);
        QFETCH(QString, readOnly);
        QFETCH(bool, reversed);
        QFETCH(QString, expected);
        EventLookup lookup;
        lookup.maxResults = maxResults;
        if (!readOnly.isNull())
            lookup.conditions.append({LookupAttribute::ReadOnly, readOnly});
        if (reversed) {
            lookup.startTime = m_clock->now();
            lookup.endTime = m_clock->now().addSecs(-1);
        }
        Result<EventPage> refused = m_trail->lookup(test::actorFor(m_owner), lookup);
        QVERIFY(!refused);
        QCOMPARE(refused.error().code, ErrorCode::InvalidInput);
        QVERIFY2(refused.error().message.contains(expected), qPrintable(refused.error().message));
    }

    // Event ids are time-ordered UUIDs (version 7) carrying the record's own time.
    void eventIdsFollowTime()
    {
        for (const QJsonObject &record : std::as_const(m_records)) {
            const QString id = record[QStringLiteral("eventID")].toString();
            QCOMPARE(id.size(), 36);
            QCOMPARE(id.at(14), QLatin1Char('7'));
            QVERIFY(QStringLiteral("89ab").contains(id.at(19)));
            const QString hex = id.left(8) + id.mid(9, 4);
            const QDateTime time = QDateTime::fromString(
                record[QStringLiteral("eventTime")].toString(), Qt::ISODateWithMs);
            QCOMPARE(hex.toLongLong(nullptr, 16), time.toMSecsSinceEpoch());
        }
    }

    void csvCells_data()
    {
        QTest::addColumn<QString>("value");
        QTest::addColumn<QByteArray>("cell");
        QTest::newRow("plain") << QStringLiteral("alice") << QByteArray("\"alice\"");
        QTest::newRow("formula") << QStringLiteral("=1+2") << QByteArray("\"'=1+2\"");
        QTest::newRow("hyperlink") << QStringLiteral("=HYPERLINK(\"http://x\")")
                                   << QByteArray("\"'=HYPERLINK(\"\"http://x\"\")\"");
        QTest::newRow("plus") << QStringLiteral("+SUM(A1)") << QByteArray("\"'+SUM(A1)\"");
        QTest::newRow("minus") << QStringLiteral("-2+3") << QByteArray("\"'-2+3\"");
        QTest::newRow("at") << QStringLiteral("@cmd") << QByteArray("\"'@cmd\"");
        QTest::newRow("tab") << QStringLiteral("\t=1") << QByteArray("\"'\\u0009=1\"");
        QTest::newRow("carriage return") << QStringLiteral("\r=1") << QByteArray("\"'\\u000d=1\"");
        QTest::newRow("newline inside")
            << QStringLiteral("a\nb,c") << QByteArray("\"a\\u000ab,c\"");
        QTest::newRow("bidi override")
            << QStringLiteral("abc\u202Eexe.txt") << QByteArray("\"abc\\u202eexe.txt\"");
        QTest::newRow("empty") << QString() << QByteArray("\"\"");
        QTest::newRow("inner equals") << QStringLiteral("a=b") << QByteArray("\"a=b\"");
    }

    void csvCells()
    {
        QFETCH(QString, value);
        QFETCH(QByteArray, cell);
        QCOMPARE(EventExport::csvCell(value), cell);
    }

    // Both formats hold exactly what the lookup finds, one record per line, even for a record
    // whose text pretends to be another (F9).
    void exports()
    {
        Actor injected = test::actorFor(m_owner);
        injected.userAgent =
            QStringLiteral("=cmd|' /C calc'!A0\n{\"seq\":999,\"action\":\"grant_admin\"}");
        QVERIFY(m_users->create(injected, NewUser{QStringLiteral("injected"), {}, {}, {}}));
        reloadReference();
        EventLookup lookup;
        lookup.conditions.append({LookupAttribute::ReadOnly, QStringLiteral("false")});
        const QStringList expected = expectedIds(lookup);
        QVERIFY(expected.size() > 1000); // more than one page

        const auto pages = [&](const EventLookup &page) {
            return m_store->transact<EventPage>(Store::Access::Read, [&](SqlTransaction &tx) {
                return AuditQuery::lookup(tx, page);
            });
        };
        QBuffer json;
        QVERIFY(json.open(QIODevice::WriteOnly));
        Result<qint64> written = EventExport::write(pages, lookup, EventExport::Format::Json, json);
        QVERIFY(written);
        QCOMPARE(*written, qint64(expected.size()));
        QJsonParseError error{};
        const QJsonDocument document = QJsonDocument::fromJson(json.data(), &error);
        QCOMPARE(error.error, QJsonParseError::NoError);
        const QJsonArray records = document[QStringLiteral("Records")].toArray();
        QCOMPARE(records.size(), expected.size());
        QCOMPARE(records.first()[QStringLiteral("eventID")].toString(), expected.first());
        QCOMPARE(records.last()[QStringLiteral("eventID")].toString(), expected.last());
        QCOMPARE(json.data().count('\n'), expected.size() + 2); // opening, records, closing

        QBuffer csv;
        QVERIFY(csv.open(QIODevice::WriteOnly));
        QVERIFY(EventExport::write(pages, lookup, EventExport::Format::Csv, csv));
        const QList<QByteArray> lines = csv.data().split('\n');
        QCOMPARE(lines.size(), expected.size() + 2); // header, records, the empty piece at the end
        QVERIFY(lines.first().startsWith("EventId,EventTime,Username,EventName"));
        const QByteArray newest = lines.at(1);
        QVERIFY2(newest.contains("\"'=cmd|' /C calc'!A0\\u000a{\"\"seq\"\":999"),
                 newest.constData());
        QVERIFY(newest.startsWith(QByteArray('"' + expected.first().toUtf8() + '"')));

        // Cancelling stops the export with a clear error.
        QBuffer cancelled;
        QVERIFY(cancelled.open(QIODevice::WriteOnly));
        Result<qint64> stopped =
            EventExport::write(pages, lookup, EventExport::Format::Csv, cancelled,
                               [](qint64 done) { return done < 1000; });
        QVERIFY(!stopped);
        QVERIFY(stopped.error().message.contains(QStringLiteral("cancelled after 1000 events")));
    }

    // With three attributes that all pass the count bound, the one whose records are sparsest
    // at the newest end drives: a user with a third of the records, behind an event name and a
    // read-only flag that every record has.
    void sparsestAttributeDrives()
    {
        QTemporaryDir dir;
        QVERIFY(dir.isValid());
        auto store = TestStores::create(dir.path(), QStringLiteral("drive"));
        QVERIFY2(store, qPrintable(store ? QString() : store.error().message));
        auto clock = std::make_shared<ManualClock>(m_clock->now());
        ServiceContext context(**store, clock);
        QVERIFY(
            (*store)->transaction(Store::Access::Write, [&](SqlTransaction &tx) -> Result<void> {
                for (int i = 0; i < 6300; ++i) {
                    clock->advance(10);
                    AuditEvent event;
                    event.eventName = QStringLiteral("ConsoleLogin");
                    event.eventSource = QStringLiteral("auth.gatehouse");
                    event.actor.kind = Actor::Kind::User;
                    event.actor.username =
                        i % 3 == 0 ? QStringLiteral("dora") : QStringLiteral("user%1").arg(i % 7);
                    if (Result<void> appended = context.audit().append(tx, event); !appended)
                        return appended;
                }
                return {};
            }));
        EventLookup three;
        three.conditions.append({LookupAttribute::EventName, QStringLiteral("ConsoleLogin")});
        three.conditions.append({LookupAttribute::Username, QStringLiteral("dora")});
        three.conditions.append({LookupAttribute::ReadOnly, QStringLiteral("false")});
        EventLookup dora;
        dora.conditions.append(three.conditions.at(1));
        Result<qsizetype> driver =
            (*store)->transact<qsizetype>(Store::Access::Read, [&](SqlTransaction &tx) {
                return AuditQuery::drivingCondition(tx, three);
            });
        QVERIFY(driver);
        QCOMPARE(*driver, 1);
        // Moved to the front, the event name still does not drive.
        std::swap(three.conditions[0], three.conditions[1]);
        driver = (*store)->transact<qsizetype>(Store::Access::Read, [&](SqlTransaction &tx) {
            return AuditQuery::drivingCondition(tx, three);
        });
        QVERIFY(driver);
        QCOMPARE(*driver, 0);
        // Below the bound, the fewest records drive.
        EventLookup recent = three;
        std::swap(recent.conditions[0], recent.conditions[2]);
        recent.startTime = clock->now().addMSecs(-300);
        driver = (*store)->transact<qsizetype>(Store::Access::Read, [&](SqlTransaction &tx) {
            return AuditQuery::drivingCondition(tx, recent);
        });
        QVERIFY(driver);
        QCOMPARE(*driver, 2);
        // The page is the user's newest records either way.
        const auto firstPage = [&](const EventLookup &lookup) {
            return (*store)->transact<EventPage>(Store::Access::Read, [&](SqlTransaction &tx) {
                return AuditQuery::lookup(tx, lookup);
            });
        };
        Result<EventPage> threePage = firstPage(three);
        Result<EventPage> doraPage = firstPage(dora);
        QVERIFY(threePage && doraPage);
        QCOMPARE(threePage->events.size(), 50);
        QCOMPARE(threePage->events.size(), doraPage->events.size());
        for (qsizetype i = 0; i < threePage->events.size(); ++i)
            QCOMPARE(threePage->events.at(i).eventId, doraPage->events.at(i).eventId);
    }

    void onlyForAuditReaders()
    {
        Result<User> auditor = m_users->create(
            test::actorFor(m_owner), NewUser{QStringLiteral("auditor"), {}, {}, {Role::Auditor}});
        Result<User> plain =
            m_users->create(test::actorFor(m_owner), NewUser{QStringLiteral("plain"), {}, {}, {}});
        QVERIFY(auditor && plain);
        QVERIFY(m_trail->lookup(test::actorFor(*auditor), EventLookup{}));
        QCOMPARE(m_trail->lookup(test::actorFor(*plain), EventLookup{}).error().code,
                 ErrorCode::PermissionDenied);
        // Lookups are recorded, without the values asked for.
        EventLookup lookup;
        lookup.conditions.append({LookupAttribute::EventName, QStringLiteral("LookupEvents")});
        lookup.maxResults = 1;
        Result<EventPage> last = m_trail->lookup(test::actorFor(m_owner), lookup);
        QVERIFY(last && last->events.size() == 1);
        QCOMPARE(last->events.first().username, QStringLiteral("plain"));
        QVERIFY(!last->events.first().cloudTrailEvent.contains(
            "LookupEvents\",\"requestParameters\":{\"lookupAttributes\":[\"EventName"));
    }
};

QTEST_GUILESS_MAIN(TestAuditLookup)
#include "TestAuditLookup.moc"
