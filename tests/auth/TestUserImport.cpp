#include "TestStores.h"
#include "auth/Credentials.h"
#include "auth/UserDirectory.h"
#include "auth/UserImport.h"
#include "auth/UserRows.h"
#include "model/Clock.h"

#include "TestSupport.h"

#include <QElapsedTimer>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QTemporaryDir>

using namespace gatehouse;
using gatehouse::test::actorFor;

namespace {

const QString kGood = QStringLiteral("correct horse battery staple");

// Fixtures made with Node 20 (see TestPasswordHasher for the commands): the password is kGood.
const QString kNodeLegacy = QStringLiteral(
    "vJWefMtnkvBIbTTEKTwtWg==:j8K8xTei5FKs4ek3GKzlh/X0RoJAjSXiQANhLSeCVZFdNh1TjNKOlXOnehVeOkkT"
    "ypuiLZhtfzCqBBeflKHfhA==");
const QString kWeakPhc = QStringLiteral(
    "$scrypt$ln=14,r=8,p=1$KK/y12pKWNEdfHcQ17FR0A$hGFtUZZMvG2gRIL9IkO1EX/AgWyMhjWbABhyNfh8CgM");
// Salt and hash of kWeakPhc, to look for in places a hash must never reach.
const QString kWeakPhcSalt = QStringLiteral("KK/y12pKWNEdfHcQ17FR0A");
const QString kWeakPhcKey = QStringLiteral("hGFtUZZMvG2gRIL9IkO1EX/AgWyMhjWbABhyNfh8CgM");

using Format = UserImport::Format;

Actor client()
{
    Actor actor;
    actor.sourceIp = QStringLiteral("203.0.113.9");
    actor.userAgent = QStringLiteral("test");
    return actor;
}

QByteArray json(const QJsonArray &users)
{
    return QJsonDocument(QJsonObject{{QStringLiteral("users"), users}})
        .toJson(QJsonDocument::Compact);
}

QJsonObject person(const QString &username, const QString &email = {})
{
    QJsonObject user{{QStringLiteral("username"), username}};
    if (!email.isEmpty())
        user.insert(QStringLiteral("email"), email);
    return user;
}

QString problemsText(const UserImport::Report &report)
{
    QStringList lines;
    for (const ImportProblem &problem : report.problems) {
        lines.append(QStringLiteral("record %1 line %2 %3: %4")
                         .arg(problem.record)
                         .arg(problem.line)
                         .arg(problem.field, problem.message));
    }
    return lines.join(QLatin1Char('\n'));
}

} // namespace

class TestUserImport : public QObject
{
    Q_OBJECT

private:
    QTemporaryDir m_dir;
    std::shared_ptr<ManualClock> m_clock;
    std::unique_ptr<Store> m_store;
    std::unique_ptr<ServiceContext> m_context;
    std::unique_ptr<UserDirectory> m_users;
    std::unique_ptr<UserImport> m_import;
    User m_owner;
    User m_admin;
    User m_operator;

    QVariant value(const QString &statement, const QVariantList &parameters = {})
    {
        return m_store
            ->transact<QVariant>(
                Store::Access::Read,
                [&](SqlTransaction &tx) { return tx.scalar(statement, parameters); })
            .valueOr({});
    }

    int count(const QString &statement, const QVariantList &parameters = {})
    {
        return value(statement, parameters).toInt();
    }

    // Every row that a refused import must not have touched.
    QString snapshot()
    {
        return value(QStringLiteral("SELECT group_concat(x, '|') FROM (SELECT id || username ||"
                                    " ifnull(password_hash, '') AS x FROM users UNION ALL SELECT"
                                    " user_id || role FROM user_roles ORDER BY 1)"))
            .toString();
    }

    QJsonObject lastRecord(const QString &eventName)
    {
        const QString text =
            value(QStringLiteral("SELECT record FROM audit_events WHERE event_name = ?"
                                 " ORDER BY seq DESC LIMIT 1"),
                  {eventName})
                .toString();
        return QJsonDocument::fromJson(text.toUtf8()).object();
    }

    QString allAuditText()
    {
        return value(QStringLiteral("SELECT group_concat(record, '\n') FROM audit_events"))
            .toString();
    }

    Result<UserImport::Report> run(const User &as, const QByteArray &document,
                                   Format format = Format::Json, bool dryRun = false)
    {
        return m_import->run(actorFor(as), document, UserImport::Options{format, dryRun});
    }

    // What refused() found wrong; checked after every test (cleanup), since a helper that
    // returns a value cannot use QVERIFY.
    QStringList m_helperFailures;

    // Runs an import that must be refused for record problems, leaving the store as it was;
    // the report.
    UserImport::Report refused(const User &as, const QByteArray &document,
                               Format format = Format::Json)
    {
        const QString before = snapshot();
        Result<UserImport::Report> report = run(as, document, format);
        if (!report) {
            m_helperFailures.append(QStringLiteral("import failed as a whole: ")
                                    + report.error().message);
            return {};
        }
        if (report->accepted())
            m_helperFailures.append(QStringLiteral("import was accepted"));
        if (snapshot() != before)
            m_helperFailures.append(QStringLiteral("a refused import changed the store"));
        return *report;
    }

    bool hasProblem(const UserImport::Report &report, int record, const QString &field,
                    const QString &messagePart = {})
    {
        for (const ImportProblem &problem : report.problems) {
            if (problem.record == record && problem.field == field
                && problem.message.contains(messagePart))
                return true;
        }
        qWarning().noquote() << "no problem for record" << record << field << messagePart << "in:\n"
                             << problemsText(report);
        return false;
    }

    User stored(const QString &username)
    {
        return m_store
            ->transact<User>(Store::Access::Read,
                             [&](SqlTransaction &tx) {
                                 Result<QVariant> id = tx.scalar(
                                     QStringLiteral("SELECT id FROM users WHERE username = ?"),
                                     {username});
                                 if (!id)
                                     return Result<User>(id.error());
                                 return UserRows::byId(tx, id->toString());
                             })
            .valueOr({});
    }

private Q_SLOTS:
    void init()
    {
        QVERIFY(m_dir.isValid());
        m_clock = std::make_shared<ManualClock>(QDateTime(QDate(2026, 6, 1), QTime(9, 0), Qt::UTC));
        static int counter = 0;
        auto store = test::TestStores::create(m_dir.path(),
                                              QStringLiteral("import-%1").arg(++counter), m_clock);
        GH_VERIFY_OK(store);
        m_store = std::move(store).value();
        m_context = std::make_unique<ServiceContext>(*m_store, m_clock);
        m_users = std::make_unique<UserDirectory>(*m_context);
        m_import = std::make_unique<UserImport>(*m_context);
        auto owner = m_users->createFirstOwner(Actor::localConsole(),
                                               NewUser{QStringLiteral("root"), {}, {}, {}});
        GH_VERIFY_OK(owner);
        m_owner = *owner;
        auto admin = m_users->create(
            actorFor(m_owner),
            NewUser{QStringLiteral("ada"), QStringLiteral("ada@example.com"), {}, {Role::Admin}});
        GH_VERIFY_OK(admin);
        m_admin = *admin;
        auto op = m_users->create(actorFor(m_owner),
                                  NewUser{QStringLiteral("otto"), {}, {}, {Role::Operator}});
        GH_VERIFY_OK(op);
        m_operator = *op;
    }

    void cleanup()
    {
        const QStringList failures = std::exchange(m_helperFailures, {});
        m_import.reset();
        m_users.reset();
        m_context.reset();
        m_store.reset();
        QVERIFY2(failures.isEmpty(), qPrintable(failures.join(QLatin1Char('\n'))));
    }

    void jsonUsersAreCreatedWithOneAuditRecord()
    {
        const int recordsBefore = count(QStringLiteral("SELECT count(*) FROM audit_events"));
        QJsonObject carol = person(QStringLiteral("Carol"), QStringLiteral("Carol@Example.COM"));
        carol.insert(QStringLiteral("displayName"), QStringLiteral("Carol Danvers"));
        carol.insert(QStringLiteral("roles"),
                     QJsonArray{QStringLiteral("operator"), QStringLiteral("auditor")});
        QJsonObject dave = person(QStringLiteral("dave"));
        dave.insert(QStringLiteral("status"), QStringLiteral("disabled"));
        dave.insert(QStringLiteral("passwordHash"), kWeakPhc);
        QJsonObject erin = person(QStringLiteral("erin"));
        erin.insert(QStringLiteral("email"), QJsonValue::Null);
        erin.insert(QStringLiteral("roles"), QJsonValue::Null);
        Result<UserImport::Report> report = run(m_admin, json({carol, dave, erin}));
        GH_VERIFY_OK(report);
        QVERIFY2(report->accepted(), qPrintable(problemsText(*report)));
        QCOMPARE(report->users.size(), 3);
        QCOMPARE(report->records, 3);
        QCOMPARE(report->withPasswordHash, 1);

        // Stored by the directory's rules: username prepared, e-mail domain lower-cased.
        const User c = stored(QStringLiteral("carol"));
        QVERIFY(!c.id.isEmpty());
        QCOMPARE(c.email, QStringLiteral("Carol@example.com"));
        QCOMPARE(c.displayName, QStringLiteral("Carol Danvers"));
        QCOMPARE(c.roles, (QList<Role>{Role::Operator, Role::Auditor}));
        QVERIFY(!c.passwordSet);
        const User d = stored(QStringLiteral("dave"));
        QCOMPARE(d.status, User::Status::Disabled);
        QVERIFY(d.passwordSet);
        QCOMPARE(d.roles, QList<Role>{Role::User});
        QCOMPARE(value(QStringLiteral("SELECT password_hash FROM users WHERE id = ?"), {d.id})
                     .toString(),
                 kWeakPhc);
        QCOMPARE(stored(QStringLiteral("erin")).roles, QList<Role>{Role::User});

        // One record for the whole import, with ids and usernames and never the hash.
        QCOMPARE(count(QStringLiteral("SELECT count(*) FROM audit_events")), recordsBefore + 1);
        const QJsonObject record = lastRecord(QStringLiteral("ImportUsers"));
        QVERIFY(!record.contains(QStringLiteral("errorCode")));
        const QJsonObject response = record.value(QStringLiteral("responseElements")).toObject();
        QCOMPARE(response.value(QStringLiteral("created")).toInt(), 3);
        QCOMPARE(response.value(QStringLiteral("withPasswordHash")).toInt(), 1);
        QCOMPARE(response.value(QStringLiteral("usernames")).toArray().size(), 3);
        const QJsonArray resources = record.value(QStringLiteral("resources")).toArray();
        QCOMPARE(resources.size(), 3);
        QSet<QString> ids;
        for (const QJsonValue &resource : resources)
            ids.insert(resource.toObject().value(QStringLiteral("ARN")).toString());
        QCOMPARE(ids, (QSet<QString>{c.id, d.id, stored(QStringLiteral("erin")).id}));
        const QString audit = allAuditText();
        QVERIFY(!audit.contains(kWeakPhcSalt));
        QVERIFY(!audit.contains(kWeakPhcKey));
    }

    void topLevelArrayIsAccepted()
    {
        const QByteArray document = QJsonDocument(QJsonArray{person(QStringLiteral("frank")),
                                                             person(QStringLiteral("gina"))})
                                        .toJson();
        Result<UserImport::Report> report = run(m_owner, document);
        GH_VERIFY_OK(report);
        QVERIFY2(report->accepted(), qPrintable(problemsText(*report)));
        QCOMPARE(report->users.size(), 2);
        QVERIFY(!stored(QStringLiteral("gina")).id.isEmpty());
    }

    void csvQuotingEdgeCasesAndBom()
    {
        // BOM, CRLF, quoted commas and doubled quotes, an embedded CRLF in a quoted field that
        // is valid (roles need none), UTF-8 names, columns in any order, a trailing empty line.
        const QByteArray csv = "\xEF\xBB\xBF"
                               "displayName,username,roles,email,status\r\n"
                               "\"Smith, \"\"Jr\"\"\",smith,admin;operator,smith@example.com,\r\n"
                               "Jos\xC3\xA9 Garc\xC3\xAD"
                               "a,jose,,,disabled\r\n"
                               "\xE6\x97\xA5\xE6\x9C\xAC,nihon,\"user\",\"\",active\r\n"
                               "\r\n";
        Result<UserImport::Report> report = run(m_owner, csv, Format::Csv);
        GH_VERIFY_OK(report);
        QVERIFY2(report->accepted(), qPrintable(problemsText(*report)));
        QCOMPARE(report->users.size(), 3);
        const User smith = stored(QStringLiteral("smith"));
        QCOMPARE(smith.displayName, QStringLiteral("Smith, \"Jr\""));
        QCOMPARE(smith.roles, (QList<Role>{Role::Admin, Role::Operator}));
        QCOMPARE(smith.email, QStringLiteral("smith@example.com"));
        const User jose = stored(QStringLiteral("jose"));
        QCOMPARE(jose.displayName, QStringLiteral("Jos\u00e9 Garc\u00eda"));
        QCOMPARE(jose.status, User::Status::Disabled);
        QVERIFY(jose.email.isEmpty());
        QCOMPARE(stored(QStringLiteral("nihon")).displayName, QStringLiteral("\u65e5\u672c"));
    }

    void csvLinesAreCountedAcrossQuotedLineBreaks()
    {
        // Record 1 starts on line 2 and spans two lines; record 2 is on line 4.
        const QByteArray csv = "username,displayName,email\n"
                               "hank,\"two\nlines\",hank@example.com\n"
                               "ivy,Ivy,not-an-address\n";
        const UserImport::Report report = refused(m_owner, csv, Format::Csv);
        QCOMPARE(report.problemCount, 2);
        QVERIFY(hasProblem(report, 1, QStringLiteral("displayName"), QStringLiteral("control")));
        QCOMPARE(report.problems.at(0).line, 2);
        QVERIFY(hasProblem(report, 2, QStringLiteral("email")));
        QCOMPARE(report.problems.at(1).line, 4);
    }

    void malformedCsvIsRefusedWithItsLine_data()
    {
        QTest::addColumn<QByteArray>("csv");
        QTest::addColumn<QString>("expected");
        QTest::newRow("unclosed quote") << QByteArray("username\nok\n\"never closed\n")
                                        << QStringLiteral("Line 3: a quoted field is never closed");
        QTest::newRow("quote inside a plain field")
            << QByteArray("username,displayName\njo,say \"hi\"\n")
            << QStringLiteral("Line 2: a quote inside an unquoted field");
        QTest::newRow("text after a closing quote")
            << QByteArray("username,displayName\r\njo,\"hi\"there\r\n")
            << QStringLiteral("Line 2: text follows a closing quote");
        QTest::newRow("unknown column")
            << QByteArray("username,nickname\njo,j\n")
            << QStringLiteral("Column 2 (nickname): This is not a field");
        QTest::newRow("plain-text password column")
            << QByteArray("username,Password\njo,hunter2hunter2\n")
            << QStringLiteral("Plain-text passwords are never imported");
        QTest::newRow("column with a line break in its name")
            << QByteArray("username,\"a\nb\"\njo,x\n") << QStringLiteral("Column 2: This is not");
        QTest::newRow("repeated column") << QByteArray("username,roles,roles\njo,user,admin\n")
                                         << QStringLiteral("the column roles appears twice");
        QTest::newRow("no username column")
            << QByteArray("email\na@example.com\n") << QStringLiteral("no username column");
        QTest::newRow("empty file") << QByteArray("\n\n") << QStringLiteral("The file is empty");
        QTest::newRow("header only")
            << QByteArray("username\n") << QStringLiteral("The file holds no users");
        QTest::newRow("invalid UTF-8") << QByteArray("username\nok\nbad\xC0\xAF\n")
                                       << QStringLiteral("not valid UTF-8 (line 3)");
    }

    void malformedCsvIsRefusedWithItsLine()
    {
        QFETCH(QByteArray, csv);
        QFETCH(QString, expected);
        const QString before = snapshot();
        Result<UserImport::Report> report = run(m_owner, csv, Format::Csv);
        GH_VERIFY_ERROR(report, ErrorCode::InvalidInput);
        QVERIFY2(report.error().message.contains(expected), qPrintable(report.error().message));
        QVERIFY(!report.error().message.contains(QStringLiteral("hunter2")));
        QCOMPARE(snapshot(), before);
        // The refusal is on the record, as a failed ImportUsers.
        QCOMPARE(lastRecord(QStringLiteral("ImportUsers")).value(QStringLiteral("errorCode")),
                 QStringLiteral("InvalidInput"));
    }

    void wrongFieldCountIsARecordProblem()
    {
        const QByteArray csv = "username,email\njo,jo@example.com\nkim\nlee,lee@example.com,x\n";
        const UserImport::Report report = refused(m_owner, csv, Format::Csv);
        QCOMPARE(report.problemCount, 2);
        QVERIFY(hasProblem(report, 2, {}, QStringLiteral("Has 1 fields; the header has 2")));
        QVERIFY(hasProblem(report, 3, {}, QStringLiteral("Has 3 fields")));
        QCOMPARE(report.problems.at(1).line, 4);
    }

    void strictJson_data()
    {
        QTest::addColumn<QByteArray>("document");
        QTest::addColumn<QString>("expected");
        QTest::newRow("duplicate roles key")
            << QByteArray(R"({"users":[{"username":"jo","roles":["user"],"roles":["owner"]}]})")
            << QStringLiteral("duplicate key");
        QTest::newRow("byte order mark") << QByteArray("\xEF\xBB\xBF"
                                                       R"({"users":[{"username":"jo"}]})")
                                         << QStringLiteral("byte order mark");
        QTest::newRow("another top-level key")
            << QByteArray(R"({"users":[{"username":"jo"}],"admins":[]})")
            << QStringLiteral("and nothing else");
        QTest::newRow("a key after a top-level array")
            << QByteArray(R"([{"username":"jo"}], "users2": [])") << QStringLiteral("nothing else");
        QTest::newRow("trailing garbage")
            << QByteArray(R"({"users":[]}x)") << QStringLiteral("data after the object");
        QTest::newRow("lone surrogate")
            << QByteArray(R"({"users":[{"username":"\ud800"}]})") << QStringLiteral("surrogate");
        QTest::newRow("truncated")
            << QByteArray("{\"users\":[\n{\"username\":\"jo\"},\n{\"username\":")
            << QStringLiteral("(near line 3)");
        QTest::newRow("users not an array")
            << QByteArray(R"({"users":{"username":"jo"}})") << QStringLiteral("and nothing else");
        QTest::newRow("no users") << QByteArray(R"({"users":[]})")
                                  << QStringLiteral("holds no users");
    }

    void strictJson()
    {
        QFETCH(QByteArray, document);
        QFETCH(QString, expected);
        const QString before = snapshot();
        Result<UserImport::Report> report = run(m_owner, document);
        GH_VERIFY_ERROR(report, ErrorCode::InvalidInput);
        QVERIFY2(report.error().message.contains(expected), qPrintable(report.error().message));
        QCOMPARE(snapshot(), before);
    }

    void jsonRecordProblemsNameTheField()
    {
        const QByteArray document = R"({"users":[
            {"username":"jo","password":"hunter2hunter2"},
            {"username":"kim","nickname":"k","email":7},
            "lee",
            {"email":"m@example.com"},
            {"username":"ned","roles":"admin"},
            {"username":"oz","roles":["user",3]},
            {"username":"pat","bad\nkey":1}
        ]})";
        const UserImport::Report report = refused(m_owner, document);
        QVERIFY(hasProblem(report, 1, QStringLiteral("password"),
                           QStringLiteral("Plain-text passwords are never imported")));
        QVERIFY(hasProblem(report, 2, QStringLiteral("nickname")));
        QVERIFY(hasProblem(report, 2, QStringLiteral("email"), QStringLiteral("string")));
        QVERIFY(hasProblem(report, 3, {}, QStringLiteral("object")));
        QVERIFY(hasProblem(report, 4, QStringLiteral("username"), QStringLiteral("needs")));
        QVERIFY(hasProblem(report, 5, QStringLiteral("roles")));
        QVERIFY(hasProblem(report, 6, QStringLiteral("roles")));
        // A key that is not a plain name is described, never echoed.
        QVERIFY(hasProblem(report, 7, {}, QStringLiteral("not a field")));
        QCOMPARE(report.records, 7);
        for (const ImportProblem &problem : report.problems)
            QVERIFY(!problem.message.contains(QStringLiteral("hunter2")));
    }

    void everyBadRecordIsListedAndNothingIsWritten()
    {
        QJsonObject badRole = person(QStringLiteral("quinn"));
        badRole.insert(QStringLiteral("roles"), QJsonArray{QStringLiteral("superuser")});
        QJsonObject badStatus = person(QStringLiteral("rae"));
        badStatus.insert(QStringLiteral("status"), QStringLiteral("locked"));
        QJsonObject longName = person(QStringLiteral("sam"));
        longName.insert(QStringLiteral("displayName"), QString(201, u'x'));
        const QJsonArray users{person(QStringLiteral("fine1"), QStringLiteral("f1@example.com")),
                               person(QStringLiteral("bad name")),
                               person(QStringLiteral("pete"), QStringLiteral("a@b@c")),
                               person(QStringLiteral("pia"), QStringLiteral("Alice@Example.com.")),
                               badRole,
                               badStatus,
                               longName,
                               person(QStringLiteral("admin\u200b")),
                               person(QStringLiteral("\u0430dmin")),
                               person(QStringLiteral("fine2"))};
        const UserImport::Report report = refused(m_admin, json(users));
        QVERIFY2(report.problemCount == 8, qPrintable(problemsText(report)));
        QVERIFY(hasProblem(report, 2, QStringLiteral("username"), QStringLiteral("space")));
        QVERIFY(hasProblem(report, 3, QStringLiteral("email")));
        QVERIFY(hasProblem(report, 4, QStringLiteral("email")));
        QVERIFY(hasProblem(report, 5, QStringLiteral("roles"), QStringLiteral("superuser")));
        QVERIFY(hasProblem(report, 6, QStringLiteral("status")));
        QVERIFY(hasProblem(report, 7, QStringLiteral("displayName"), QStringLiteral("200")));
        QVERIFY(hasProblem(report, 8, QStringLiteral("username"), QStringLiteral("invisible")));
        QVERIFY(hasProblem(report, 9, QStringLiteral("username"), QStringLiteral("scripts")));
        QCOMPARE(count(QStringLiteral("SELECT count(*) FROM users WHERE username LIKE 'fine%'")),
                 0);
        // Recorded as one failed import.
        const QJsonObject record = lastRecord(QStringLiteral("ImportUsers"));
        QCOMPARE(record.value(QStringLiteral("errorCode")).toString(),
                 QStringLiteral("InvalidInput"));
        QVERIFY(record.value(QStringLiteral("errorMessage"))
                    .toString()
                    .contains(QStringLiteral("8 problem")));
    }

    void oneBadRecordAfterManyGoodOnesWritesNothing()
    {
        // The conflict is found only against the store, after the good rows were inserted in
        // the same transaction: they must all be rolled back.
        QJsonArray users;
        for (int i = 0; i < 50; ++i)
            users.append(person(QStringLiteral("bulk%1").arg(i)));
        users.append(person(QStringLiteral("late"), QStringLiteral("ADA@example.com")));
        const UserImport::Report report = refused(m_owner, json(users));
        QCOMPARE(report.problemCount, 1);
        QVERIFY(hasProblem(report, 51, QStringLiteral("email"), QStringLiteral("already")));
        QCOMPARE(count(QStringLiteral("SELECT count(*) FROM users WHERE username LIKE 'bulk%'")),
                 0);
        QCOMPARE(count(QStringLiteral("SELECT count(*) FROM audit_events WHERE event_name ="
                                      " 'ImportUsers' AND error_code IS NULL")),
                 0);
    }

    void duplicatesInTheFileAndTheStoreAreRefused()
    {
        const QJsonArray users{person(QStringLiteral("Bob"), QStringLiteral("bob@example.com")),
                               person(QStringLiteral("\uff42\uff4f\uff42")), // fullwidth "bob"
                               person(QStringLiteral("bobby"), QStringLiteral("BOB@Example.com")),
                               person(QStringLiteral("ROOT")),
                               person(QStringLiteral("newone"), QStringLiteral("ada@EXAMPLE.com"))};
        const UserImport::Report report = refused(m_owner, json(users));
        QCOMPARE(report.problemCount, 4);
        QVERIFY(hasProblem(report, 2, QStringLiteral("username"), QStringLiteral("user 1")));
        QVERIFY(hasProblem(report, 3, QStringLiteral("email"), QStringLiteral("user 1")));
        QVERIFY(hasProblem(report, 4, QStringLiteral("username"), QStringLiteral("taken")));
        QVERIFY(hasProblem(report, 5, QStringLiteral("email"), QStringLiteral("already")));
    }

    void rolesAboveTheCallersOwnAreRefused()
    {
        QJsonObject owner = person(QStringLiteral("newowner"));
        owner.insert(QStringLiteral("roles"), QJsonArray{QStringLiteral("owner")});
        QJsonObject admin = person(QStringLiteral("newadmin"));
        admin.insert(QStringLiteral("roles"), QJsonArray{QStringLiteral("admin")});
        // An admin may give admin but not owner.
        const UserImport::Report report = refused(m_admin, json({admin, owner}));
        QCOMPARE(report.problemCount, 1);
        QVERIFY(hasProblem(report, 2, QStringLiteral("roles"), QStringLiteral("owner")));
        // An operator may not create users at all.
        GH_VERIFY_ERROR(run(m_operator, json({person(QStringLiteral("x1"))})),
                        ErrorCode::PermissionDenied);
        // Without the permission the file is not even read: a broken file says the same.
        GH_VERIFY_ERROR(run(m_operator, QByteArray("{not json")), ErrorCode::PermissionDenied);
        QCOMPARE(lastRecord(QStringLiteral("ImportUsers")).value(QStringLiteral("errorCode")),
                 QStringLiteral("PermissionDenied"));
        // The owner may give both.
        Result<UserImport::Report> done = run(m_owner, json({admin, owner}));
        GH_VERIFY_OK(done);
        QVERIFY(done->accepted());
        QCOMPARE(stored(QStringLiteral("newowner")).roles, QList<Role>{Role::Owner});
    }

    void hashesOutsideTheAcceptedFormsAreRefused_data()
    {
        QTest::addColumn<QString>("hash");
        QTest::addColumn<QString>("expected");
        const QString salt = QStringLiteral("$KK/y12pKWNEdfHcQ17FR0A$");
        const QString key = QStringLiteral("hGFtUZZMvG2gRIL9IkO1EX/AgWyMhjWbABhyNfh8CgM");
        QTest::newRow("N=2^31, r=1024 (A14)")
            << QString(u"$scrypt$ln=31,r=1024,p=1" + salt + key) << QStringLiteral("outside");
        QTest::newRow("N=2^21") << QString(u"$scrypt$ln=21,r=8,p=1" + salt + key)
                                << QStringLiteral("outside");
        QTest::newRow("r=33") << QString(u"$scrypt$ln=14,r=33,p=1" + salt + key)
                              << QStringLiteral("outside");
        QTest::newRow("p=17") << QString(u"$scrypt$ln=14,r=8,p=17" + salt + key)
                              << QStringLiteral("outside");
        QTest::newRow("N=1") << QString(u"$scrypt$ln=0,r=8,p=1" + salt + key)
                             << QStringLiteral("outside");
        QTest::newRow("N >= 2^(16r)")
            << QString(u"$scrypt$ln=16,r=1,p=16" + salt + key) << QStringLiteral("outside");
        QTest::newRow("weaker than Node")
            << QString(u"$scrypt$ln=10,r=8,p=1" + salt + key) << QStringLiteral("weaker");
        QTest::newRow("missing p")
            << QString(u"$scrypt$ln=17,r=8" + salt + key) << QStringLiteral("Not an scrypt hash");
        QTest::newRow("argon2") << QStringLiteral(
            "$argon2id$v=19$m=65536,t=3,p=4$c2FsdHNhbHQ$aGFzaGhhc2g")
                                << QStringLiteral("Not an scrypt hash");
        QTest::newRow("bcrypt") << QStringLiteral(
            "$2b$12$R9h/cIPz0gi.URNNX3kh2OPST9/PgBkqquzi.Ss7KIUgO2t0jWMUW")
                                << QStringLiteral("Not an scrypt hash");
        QTest::newRow("plain text") << QStringLiteral("correct horse battery staple")
                                    << QStringLiteral("Not an scrypt hash");
        QTest::newRow("legacy with a short key")
            << QStringLiteral("vJWefMtnkvBIbTTEKTwtWg==:j8K8xTei5FKs4ek3GKzlhw==")
            << QStringLiteral("Not an scrypt hash");
        QTest::newRow("non-ASCII") << QString(u"$scrypt$ln=17,r=8,p=1" + salt + key + u"\u00e9")
                                   << QStringLiteral("Not an scrypt hash");
        QTest::newRow("line break") << QString(kWeakPhc + u"\n") << QStringLiteral("Not an scrypt");
    }

    void hashesOutsideTheAcceptedFormsAreRefused()
    {
        QFETCH(QString, hash);
        QFETCH(QString, expected);
        QJsonObject user = person(QStringLiteral("hashed"));
        user.insert(QStringLiteral("passwordHash"), hash);
        QElapsedTimer timer;
        timer.start();
        const UserImport::Report report = refused(m_owner, json({user}));
        // Checked by parsing alone: no scrypt runs, whatever the parameters claim.
        QVERIFY2(timer.elapsed() < 2000, "a stored hash must be checked without running scrypt");
        QCOMPARE(report.problemCount, 1);
        QVERIFY(hasProblem(report, 1, QStringLiteral("passwordHash"), expected));
        const QString message = report.problems.first().message;
        QVERIFY(!message.contains(QStringLiteral("KK/y12")));
        QVERIFY(!message.contains(QStringLiteral("hGFtUZ")));
        QVERIFY(!message.contains(QStringLiteral("horse")));
        const QString audit = allAuditText();
        QVERIFY(!audit.contains(QStringLiteral("KK/y12pKWNEdfHcQ17FR0A")));
        QVERIFY(!audit.contains(QStringLiteral("hGFtUZZMvG2gRIL9IkO1EX")));
    }

    void importedHashesSignInWithTheOldPasswordAndAreRehashed()
    {
        // OWASP's low-memory row is accepted too: its work is above Node's defaults.
        QJsonObject legacy = person(QStringLiteral("nodeuser"));
        legacy.insert(QStringLiteral("passwordHash"), kNodeLegacy);
        QJsonObject phc = person(QStringLiteral("phcuser"));
        phc.insert(QStringLiteral("passwordHash"), kWeakPhc);
        QJsonObject owaspRow = person(QStringLiteral("owaspuser"));
        owaspRow.insert(QStringLiteral("passwordHash"),
                        QStringLiteral("$scrypt$ln=13,r=8,p=10$KK/y12pKWNEdfHcQ17FR0A$"
                                       "hGFtUZZMvG2gRIL9IkO1EX/AgWyMhjWbABhyNfh8CgM"));
        Result<UserImport::Report> report = run(m_admin, json({legacy, phc, owaspRow}));
        GH_VERIFY_OK(report);
        QVERIFY2(report->accepted(), qPrintable(problemsText(*report)));
        QCOMPARE(report->withPasswordHash, 3);

        auto credentials = Credentials::create(*m_context, nullptr);
        GH_VERIFY_OK(credentials);
        // A wrong password fails and leaves the imported hash as it was.
        GH_VERIFY_ERROR((*credentials)
                            ->login(client(), QStringLiteral("nodeuser"),
                                    QStringLiteral("not the old password at all")),
                        ErrorCode::Unauthenticated);
        const QString hashOf = QStringLiteral("SELECT password_hash FROM users WHERE username = ?");
        QCOMPARE(value(hashOf, {QStringLiteral("nodeuser")}).toString(), kNodeLegacy);
        for (const QString &name : {QStringLiteral("nodeuser"), QStringLiteral("phcuser")}) {
            Result<Credentials::SignIn> signedIn = (*credentials)->login(client(), name, kGood);
            GH_VERIFY_OK(signedIn);
            QVERIFY(signedIn->session.has_value());
            const QString rehashed = value(hashOf, {name}).toString();
            QVERIFY2(rehashed.startsWith(QStringLiteral("$scrypt$ln=17,r=8,p=1$")),
                     qPrintable(name));
        }
    }

    void usersWithoutAHashNeedASetupCode()
    {
        Result<UserImport::Report> report = run(m_owner, json({person(QStringLiteral("nopass"))}));
        GH_VERIFY_OK(report);
        QVERIFY(report->accepted());
        QVERIFY(!report->users.first().passwordSet);
        QVERIFY(value(QStringLiteral("SELECT password_hash FROM users WHERE username = 'nopass'"))
                    .isNull());
    }

    void injectionLookingValuesAreStoredVerbatim()
    {
        // Formula-looking text is data: stored and returned exactly, never evaluated; SQL-ish
        // text is bound as a parameter.
        const QByteArray csv = "username,displayName\n"
                               "=cmd|calc,\"=HYPERLINK(\"\"http://x\"\")\"\n"
                               "plus,+1+1\n"
                               "minus,-2-2\n"
                               "at,@SUM(A1:A2)\n"
                               "admin'--,'); DROP TABLE users;--\n";
        Result<UserImport::Report> report = run(m_owner, csv, Format::Csv);
        GH_VERIFY_OK(report);
        QVERIFY2(report->accepted(), qPrintable(problemsText(*report)));
        QCOMPARE(stored(QStringLiteral("=cmd|calc")).displayName,
                 QStringLiteral("=HYPERLINK(\"http://x\")"));
        QCOMPARE(stored(QStringLiteral("plus")).displayName, QStringLiteral("+1+1"));
        QCOMPARE(stored(QStringLiteral("minus")).displayName, QStringLiteral("-2-2"));
        QCOMPARE(stored(QStringLiteral("at")).displayName, QStringLiteral("@SUM(A1:A2)"));
        QCOMPARE(stored(QStringLiteral("admin'--")).displayName,
                 QStringLiteral("'); DROP TABLE users;--"));
        QVERIFY(count(QStringLiteral("SELECT count(*) FROM users")) >= 8);
    }

    void dryRunChecksEverythingAndWritesOnlyItsRecord()
    {
        QJsonObject hashed = person(QStringLiteral("dry1"), QStringLiteral("dry1@example.com"));
        hashed.insert(QStringLiteral("passwordHash"), kWeakPhc);
        const QByteArray document = json({hashed, person(QStringLiteral("dry2"))});
        const QString before = snapshot();
        Result<UserImport::Report> report = run(m_admin, document, Format::Json, true);
        GH_VERIFY_OK(report);
        QVERIFY(report->accepted());
        QVERIFY(report->dryRun);
        QCOMPARE(report->users.size(), 2);
        QVERIFY(report->users.first().id.isEmpty());
        QCOMPARE(report->users.first().email, QStringLiteral("dry1@example.com"));
        QCOMPARE(snapshot(), before);
        const QJsonObject record = lastRecord(QStringLiteral("ImportUsers"));
        QVERIFY(record.value(QStringLiteral("readOnly")).toBool());
        QVERIFY(record.value(QStringLiteral("requestParameters"))
                    .toObject()
                    .value(QStringLiteral("dryRun"))
                    .toBool());
        QCOMPARE(record.value(QStringLiteral("responseElements"))
                     .toObject()
                     .value(QStringLiteral("created"))
                     .toInt(),
                 0);
        QVERIFY(!allAuditText().contains(kWeakPhcKey));
        // A dry run finds what the real import would: a conflict with the store.
        GH_VERIFY_OK(run(m_admin, document));
        Result<UserImport::Report> again = run(m_admin, document, Format::Json, true);
        GH_VERIFY_OK(again);
        QVERIFY(hasProblem(*again, 1, QStringLiteral("username"), QStringLiteral("taken")));
    }

    void limitsAreEnforced()
    {
        const QString before = snapshot();
        // Size: refused before any parsing.
        Result<UserImport::Report> big =
            run(m_owner, QByteArray(UserImportFile::kMaxBytes + 1, ' '), Format::Json);
        GH_VERIFY_ERROR(big, ErrorCode::InvalidInput);
        QVERIFY(big.error().message.contains(QStringLiteral("64 MiB")));
        // Records: one more than allowed, in either format.
        QByteArray many = "[";
        for (int i = 0; i <= UserImportFile::kMaxRecords; ++i)
            many += i == 0 ? "{}" : ",{}";
        many += "]";
        Result<UserImport::Report> tooMany = run(m_owner, many);
        GH_VERIFY_ERROR(tooMany, ErrorCode::InvalidInput);
        QVERIFY(tooMany.error().message.contains(QStringLiteral("more than 100000")));
        QByteArray rows = "username\n";
        for (int i = 0; i <= UserImportFile::kMaxRecords; ++i)
            rows += "u\n";
        GH_VERIFY_ERROR(run(m_owner, rows, Format::Csv), ErrorCode::InvalidInput);
        QCOMPARE(snapshot(), before);
    }

    void manyProblemsAreCappedButCounted()
    {
        QByteArray rows = "username\n";
        for (int i = 0; i < UserImport::kMaxProblems + 200; ++i)
            rows += "bad name\n";
        const UserImport::Report report = refused(m_owner, rows, Format::Csv);
        QCOMPARE(report.problems.size(), UserImport::kMaxProblems);
        QCOMPARE(report.problemCount, UserImport::kMaxProblems + 200);
        QCOMPARE(report.records, UserImport::kMaxProblems + 200);
    }

    void tenThousandUsersMakeOneRecord()
    {
        QByteArray rows = "username,email,roles\n";
        for (int i = 0; i < 10000; ++i)
            rows += QStringLiteral("user%1,user%1@example.com,user\n").arg(i).toUtf8();
        const int recordsBefore = count(QStringLiteral("SELECT count(*) FROM audit_events"));
        QElapsedTimer timer;
        timer.start();
        Result<UserImport::Report> report = run(m_owner, rows, Format::Csv);
        GH_VERIFY_OK(report);
        QVERIFY2(report->accepted(), qPrintable(problemsText(*report)));
        qInfo() << "10000 users imported in" << timer.elapsed() << "ms";
        QCOMPARE(report->users.size(), 10000);
        QCOMPARE(count(QStringLiteral("SELECT count(*) FROM users WHERE username LIKE 'user%'")),
                 10000);
        QCOMPARE(count(QStringLiteral("SELECT count(*) FROM audit_events")), recordsBefore + 1);
    }
};

QTEST_GUILESS_MAIN(TestUserImport)
#include "TestUserImport.moc"
