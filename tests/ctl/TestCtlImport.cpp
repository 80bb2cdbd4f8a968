#include "CtlRunner.h"
#include "TestSupport.h"

#include <QDir>
#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QTemporaryDir>

using namespace gatehouse;
using gatehouse::test::CtlRun;

namespace {

const QByteArray kOwnerPassword = "correct horse battery staple";
const QByteArray kOperatorPassword = "purple elephants dance quietly";
// Node's crypto.scrypt salt:hash of kOwnerPassword (see TestPasswordHasher).
const QString kNodeLegacy = QStringLiteral(
    "vJWefMtnkvBIbTTEKTwtWg==:j8K8xTei5FKs4ek3GKzlh/X0RoJAjSXiQANhLSeCVZFdNh1TjNKOlXOnehVeOkkT"
    "ypuiLZhtfzCqBBeflKHfhA==");

QStringList args(std::initializer_list<const char *> list)
{
    QStringList out;
    for (const char *item : list)
        out.append(QString::fromUtf8(item));
    return out;
}

QStringList usernames(const QJsonArray &users)
{
    QStringList names;
    for (const QJsonValue &user : users)
        names.append(user.toObject().value(QStringLiteral("username")).toString());
    return names;
}

} // namespace

// `gatehousectl user import` through the real binary: JSON and CSV files, the problem list of a
// refused file, dry runs, and a migrated user signing in with the old password.
class TestCtlImport : public QObject
{
    Q_OBJECT

private:
    QTemporaryDir m_dir;
    test::CtlRunner m_ctl;

    CtlRun as(const char *user, const QByteArray &password, const QStringList &arguments)
    {
        return m_ctl.run(QStringList{QStringLiteral("user")} + arguments
                             + QStringList{QStringLiteral("--as"), QString::fromUtf8(user),
                                           QStringLiteral("--json")},
                         {}, {{QStringLiteral("GATEHOUSE_PASSWORD"), QString::fromUtf8(password)}});
    }
    CtlRun asOwner(const QStringList &arguments) { return as("root", kOwnerPassword, arguments); }

    QString writeFile(const QString &name, const QByteArray &bytes)
    {
        const QString path = m_dir.filePath(name);
        QFile file(path);
        if (!file.open(QIODevice::WriteOnly | QIODevice::Truncate))
            return {};
        file.write(bytes);
        return path;
    }

    bool exists(const char *username) { return asOwner(args({"show", username})).exitCode == 0; }

private Q_SLOTS:
    void initTestCase()
    {
        QVERIFY(m_dir.isValid());
        m_ctl.setStorePath(m_dir.filePath(QStringLiteral("import.db")));
        const CtlRun init =
            m_ctl.run(args({"init", "--owner", "root", "--email", "root@example.com"}),
                      kOwnerPassword + '\n');
        QCOMPARE(init.exitCode, 0);
        const CtlRun created = asOwner(args({"create", "otto", "--role", "operator"}));
        QCOMPARE(created.exitCode, 0);
        const CtlRun redeemed =
            m_ctl.run({QStringLiteral("auth"), QStringLiteral("redeem"), QStringLiteral("--code"),
                       created.json().value(QStringLiteral("setupCode")).toString()},
                      kOperatorPassword + '\n');
        QCOMPARE(redeemed.exitCode, 0);
    }

    void cleanup()
    {
        QVERIFY2(m_ctl.contractBreaches().isEmpty(),
                 qPrintable(m_ctl.contractBreaches().join(QLatin1Char('\n'))));
    }

    void jsonImportCreatesUsersWhoSignInWithTheirOldPassword()
    {
        const QJsonArray users{
            QJsonObject{{QStringLiteral("username"), QStringLiteral("migrated")},
                        {QStringLiteral("email"), QStringLiteral("migrated@example.com")},
                        {QStringLiteral("passwordHash"), kNodeLegacy}},
            QJsonObject{{QStringLiteral("username"), QStringLiteral("fresh")},
                        {QStringLiteral("roles"), QJsonArray{QStringLiteral("auditor")}}}};
        const QString file =
            writeFile(QStringLiteral("users.json"),
                      QJsonDocument(QJsonObject{{QStringLiteral("users"), users}}).toJson());
        const CtlRun run = asOwner({QStringLiteral("import"), file});
        QVERIFY2(run.exitCode == 0, qPrintable(run.out + run.err));
        const QJsonObject json = run.json();
        QCOMPARE(json.value(QStringLiteral("created")).toInt(), 2);
        QCOMPARE(json.value(QStringLiteral("withPasswordHash")).toInt(), 1);
        QCOMPARE(usernames(json.value(QStringLiteral("users")).toArray()),
                 (QStringList{QStringLiteral("migrated"), QStringLiteral("fresh")}));
        QVERIFY(!json.value(QStringLiteral("users"))
                     .toArray()
                     .first()
                     .toObject()
                     .value(QStringLiteral("id"))
                     .toString()
                     .isEmpty());
        // The hash is never printed back.
        QVERIFY(!run.out.contains(QStringLiteral("j8K8xTei5FKs")));
        QVERIFY(!run.err.contains(QStringLiteral("j8K8xTei5FKs")));

        // The migrated user signs in with the password of the old deployment.
        const CtlRun login =
            m_ctl.run(args({"auth", "login", "migrated", "--json"}), kOwnerPassword + '\n');
        QVERIFY2(login.exitCode == 0, qPrintable(login.out + login.err));
    }

    void csvFormatComesFromTheExtensionOrTheOption()
    {
        const QByteArray csv = "username,displayName,roles\r\n"
                               "csv1,\"One, the first\",operator;auditor\r\n"
                               "csv2,Two,\r\n";
        const CtlRun byExtension =
            asOwner({QStringLiteral("import"), writeFile(QStringLiteral("people.CSV"), csv)});
        QVERIFY2(byExtension.exitCode == 0, qPrintable(byExtension.out + byExtension.err));
        QCOMPARE(byExtension.json().value(QStringLiteral("created")).toInt(), 2);

        const QString text =
            writeFile(QStringLiteral("people.txt"),
                      QByteArray(csv).replace("csv1", "csv3").replace("csv2", "csv4"));
        const CtlRun unknown = asOwner({QStringLiteral("import"), text});
        QCOMPARE(unknown.exitCode, 2);
        QVERIFY(!exists("csv3"));
        const CtlRun withOption = asOwner(
            {QStringLiteral("import"), text, QStringLiteral("--format"), QStringLiteral("csv")});
        QCOMPARE(withOption.exitCode, 0);
        QVERIFY(exists("csv3"));
    }

    void problemsAreListedAndNothingIsCreated()
    {
        const QByteArray csv = "username,email,passwordHash\n"
                               "good1,good1@example.com,\n"
                               "good2,not-an-address,\n"
                               "bad name,,\n"
                               "hashed,,$scrypt$ln=31,r=1024,p=1$KK/y12pKWNEdfHcQ17FR0A$"
                               "hGFtUZZMvG2gRIL9IkO1EX/AgWyMhjWbABhyNfh8CgM\n";
        // The hash holds commas, so a spreadsheet would quote it; unquoted it is a field count
        // problem, quoted it is refused for its parameters.
        QByteArray quoted = csv;
        quoted.replace("$scrypt$ln=31,r=1024,p=1$KK/y12pKWNEdfHcQ17FR0A$"
                       "hGFtUZZMvG2gRIL9IkO1EX/AgWyMhjWbABhyNfh8CgM",
                       "\"$scrypt$ln=31,r=1024,p=1$KK/y12pKWNEdfHcQ17FR0A$"
                       "hGFtUZZMvG2gRIL9IkO1EX/AgWyMhjWbABhyNfh8CgM\"");
        const QString file = writeFile(QStringLiteral("bad.csv"), quoted);
        const CtlRun run = asOwner({QStringLiteral("import"), file});
        QCOMPARE(run.exitCode, 1);
        QCOMPARE(run.errorCode(), QStringLiteral("InvalidInput"));
        const QJsonObject error = run.json().value(QStringLiteral("error")).toObject();
        QVERIFY(error.value(QStringLiteral("message"))
                    .toString()
                    .contains(QStringLiteral("nothing was imported")));
        QCOMPARE(error.value(QStringLiteral("problemCount")).toInt(), 3);
        const QJsonArray problems = error.value(QStringLiteral("problems")).toArray();
        QCOMPARE(problems.size(), 3);
        const QJsonObject first = problems.at(0).toObject();
        QCOMPARE(first.value(QStringLiteral("record")).toInt(), 2);
        QCOMPARE(first.value(QStringLiteral("line")).toInt(), 3);
        QCOMPARE(first.value(QStringLiteral("field")).toString(), QStringLiteral("email"));
        QCOMPARE(problems.at(1).toObject().value(QStringLiteral("field")).toString(),
                 QStringLiteral("username"));
        QCOMPARE(problems.at(2).toObject().value(QStringLiteral("field")).toString(),
                 QStringLiteral("passwordHash"));
        QCOMPARE(problems.at(2).toObject().value(QStringLiteral("line")).toInt(), 5);
        QVERIFY(!run.out.contains(QStringLiteral("KK/y12")));
        QVERIFY(!exists("good1"));

        // For people: the same list on stderr, one problem a line.
        const CtlRun text = m_ctl.run(
            {QStringLiteral("user"), QStringLiteral("import"), file, QStringLiteral("--as"),
             QStringLiteral("root")},
            {}, {{QStringLiteral("GATEHOUSE_PASSWORD"), QString::fromUtf8(kOwnerPassword)}});
        QCOMPARE(text.exitCode, 1);
        QVERIFY2(text.err.contains(QStringLiteral("user 2 (line 3), email:")),
                 qPrintable(text.err));
        QVERIFY(text.err.contains(QStringLiteral("user 4 (line 5), passwordHash:")));
        QVERIFY(!text.err.contains(QStringLiteral("KK/y12")));
        QVERIFY(text.out.isEmpty());
    }

    void dryRunCreatesNobody()
    {
        const QString file =
            writeFile(QStringLiteral("dry.json"),
                      R"([{"username":"dry1","email":"Dry1@Example.COM"},{"username":"dry2"}])");
        const CtlRun run = asOwner({QStringLiteral("import"), file, QStringLiteral("--dry-run")});
        QVERIFY2(run.exitCode == 0, qPrintable(run.out + run.err));
        const QJsonObject json = run.json();
        QVERIFY(json.value(QStringLiteral("dryRun")).toBool());
        QCOMPARE(json.value(QStringLiteral("created")).toInt(), 0);
        QCOMPARE(json.value(QStringLiteral("valid")).toInt(), 2);
        const QJsonObject first = json.value(QStringLiteral("users")).toArray().first().toObject();
        QVERIFY(!first.contains(QStringLiteral("id")));
        QCOMPARE(first.value(QStringLiteral("email")).toString(),
                 QStringLiteral("Dry1@example.com"));
        QVERIFY(!exists("dry1"));
        QVERIFY(!exists("dry2"));
    }

    void callersWithoutUsersCreateAreRefused()
    {
        const QString file = writeFile(QStringLiteral("op.json"), R"([{"username":"byop"}])");
        const CtlRun run = as("otto", kOperatorPassword, {QStringLiteral("import"), file});
        QCOMPARE(run.exitCode, 1);
        QCOMPARE(run.errorCode(), QStringLiteral("PermissionDenied"));
        QVERIFY(!exists("byop"));
    }

    void unreadableFilesFail()
    {
        const CtlRun missing =
            asOwner({QStringLiteral("import"), m_dir.filePath(QStringLiteral("none.json"))});
        QCOMPARE(missing.exitCode, 1);
        QCOMPARE(missing.errorCode(), QStringLiteral("InvalidInput"));
        QVERIFY(QDir(m_dir.path()).mkpath(QStringLiteral("folder.json")));
        const CtlRun folder =
            asOwner({QStringLiteral("import"), m_dir.filePath(QStringLiteral("folder.json"))});
        QCOMPARE(folder.exitCode, 1);
    }

    void usageErrors_data()
    {
        QTest::addColumn<QStringList>("arguments");
        QTest::newRow("no file") << args({"import"});
        QTest::newRow("unknown format") << args({"import", "x.json", "--format", "xml"});
        QTest::newRow("two files") << args({"import", "a.json", "b.json"});
        QTest::newRow("--dry-run on another action") << args({"list", "--dry-run"});
        QTest::newRow("--format on another action") << args({"show", "root", "--format", "csv"});
        QTest::newRow("--role with import") << args({"import", "a.json", "--role", "admin"});
    }

    void usageErrors()
    {
        QFETCH(QStringList, arguments);
        const CtlRun run = asOwner(arguments);
        QCOMPARE(run.exitCode, 2);
        QCOMPARE(run.errorCode(), QStringLiteral("InvalidInput"));
    }

    void helpDocumentsImport()
    {
        const CtlRun help = m_ctl.run(args({"user", "--help"}));
        QCOMPARE(help.exitCode, 0);
        for (const char *text : {"import FILE", "--format", "--dry-run", "passwordHash"})
            QVERIFY2(help.out.contains(QString::fromUtf8(text)), text);
    }
};

QTEST_GUILESS_MAIN(TestCtlImport)
#include "TestCtlImport.moc"
