#include "CtlRunner.h"
#include "TestSupport.h"
#include "store/sqlite/SqliteStore.h"

#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QTemporaryDir>

using namespace gatehouse;
using gatehouse::test::CtlRun;

namespace {

const QByteArray kOwnerPassword = "correct horse battery staple";
const QByteArray kAlicePassword = "purple elephants dance quietly";
const QByteArray kAudreyPassword = "seven quiet harbours at dawn";

QStringList args(std::initializer_list<const char *> list)
{
    QStringList out;
    for (const char *item : list)
        out.append(QString::fromUtf8(item));
    return out;
}

} // namespace

// `gatehousectl policy show|set` through the real binary: defaults, a change to each policy,
// strict refusal of bad documents with nothing changed, who may read and write, and the audit
// trail.
class TestCtlPolicy : public QObject
{
    Q_OBJECT

private:
    QTemporaryDir m_dir;
    test::CtlRunner m_ctl;

    CtlRun as(const char *user, const QByteArray &password, const QStringList &arguments,
              const QByteArray &input = {})
    {
        return m_ctl.run(QStringList{QStringLiteral("policy")} + arguments
                             + QStringList{QStringLiteral("--as"), QString::fromUtf8(user),
                                           QStringLiteral("--json")},
                         input,
                         {{QStringLiteral("GATEHOUSE_PASSWORD"), QString::fromUtf8(password)}});
    }
    CtlRun asOwner(const QStringList &arguments, const QByteArray &input = {})
    {
        return as("root", kOwnerPassword, arguments, input);
    }

    QJsonObject allPolicies()
    {
        const CtlRun shown = asOwner({QStringLiteral("show")});
        return shown.json().value(QStringLiteral("policies")).toObject();
    }

    QString writeFile(const QString &name, const QByteArray &bytes)
    {
        const QString path = m_dir.filePath(name);
        QFile file(path);
        if (!file.open(QIODevice::WriteOnly | QIODevice::Truncate))
            return {};
        file.write(bytes);
        return path;
    }

    // The newest audit record with this event name, read straight from the store.
    QJsonObject lastRecord(const QString &eventName)
    {
        Result<std::unique_ptr<SqliteStore>> store = SqliteStore::open(m_ctl.storePath());
        if (!store)
            return {};
        const QString text =
            (*store)
                ->transact<QVariant>(Store::Access::Read,
                                     [&](SqlTransaction &tx) {
                                         return tx.scalar(
                                             QStringLiteral("SELECT record FROM audit_events"
                                                            " WHERE event_name = ? ORDER BY seq"
                                                            " DESC LIMIT 1"),
                                             {eventName});
                                     })
                .valueOr({})
                .toString();
        return QJsonDocument::fromJson(text.toUtf8()).object();
    }

    // The stored policy documents, read straight from the store: what a refused change must
    // leave exactly as it was (a policy never set has no row).
    QString storedPolicies()
    {
        Result<std::unique_ptr<SqliteStore>> store = SqliteStore::open(m_ctl.storePath());
        if (!store)
            return QStringLiteral("cannot open the store");
        return (*store)
            ->transact<QVariant>(Store::Access::Read,
                                 [&](SqlTransaction &tx) {
                                     return tx.scalar(QStringLiteral(
                                         "SELECT ifnull(group_concat(name || document ||"
                                         " updated_at || updated_by, '|'), '') FROM (SELECT *"
                                         " FROM policies ORDER BY name)"));
                                 })
            .valueOr(QStringLiteral("cannot read the store"))
            .toString();
    }

    void addUser(const char *name, const char *role, const QByteArray &password)
    {
        const CtlRun created =
            m_ctl.run(args({"user", "create", name, "--role", role, "--as", "root", "--json"}), {},
                      {{QStringLiteral("GATEHOUSE_PASSWORD"), QString::fromUtf8(kOwnerPassword)}});
        QCOMPARE(created.exitCode, 0);
        const CtlRun redeemed =
            m_ctl.run({QStringLiteral("auth"), QStringLiteral("redeem"), QStringLiteral("--code"),
                       created.json().value(QStringLiteral("setupCode")).toString()},
                      password + '\n');
        QCOMPARE(redeemed.exitCode, 0);
    }

private Q_SLOTS:
    void initTestCase()
    {
        QVERIFY(m_dir.isValid());
        m_ctl.setStorePath(m_dir.filePath(QStringLiteral("policy.db")));
        const CtlRun init =
            m_ctl.run(args({"init", "--owner", "root", "--email", "root@example.com"}),
                      kOwnerPassword + '\n');
        QCOMPARE(init.exitCode, 0);
        addUser("alice", "user", kAlicePassword);
        addUser("audrey", "auditor", kAudreyPassword);
    }

    void cleanup()
    {
        QVERIFY2(m_ctl.contractBreaches().isEmpty(),
                 qPrintable(m_ctl.contractBreaches().join(QLatin1Char('\n'))));
    }

    void showGivesTheDefaults()
    {
        const QJsonObject all = allPolicies();
        QCOMPARE(
            all.keys(),
            (QStringList{QStringLiteral("jwt"), QStringLiteral("mfa"), QStringLiteral("password"),
                         QStringLiteral("service-token"), QStringLiteral("session")}));
        const QJsonObject password = all.value(QStringLiteral("password")).toObject();
        QCOMPARE(password.value(QStringLiteral("minLength")).toInt(), 15);
        QCOMPARE(password.value(QStringLiteral("checkBlocklist")).toBool(), true);
        QCOMPARE(all.value(QStringLiteral("session"))
                     .toObject()
                     .value(QStringLiteral("idleTimeoutSeconds"))
                     .toInt(),
                 1800);
        QCOMPARE(
            all.value(QStringLiteral("mfa")).toObject().value(QStringLiteral("issuer")).toString(),
            QStringLiteral("Gatehouse"));
        QCOMPARE(all.value(QStringLiteral("service-token"))
                     .toObject()
                     .value(QStringLiteral("maxLifetimeDays"))
                     .toInt(),
                 90);
        QCOMPARE(all.value(QStringLiteral("jwt"))
                     .toObject()
                     .value(QStringLiteral("lifetimeSeconds"))
                     .toInt(),
                 600);

        const CtlRun one = asOwner({QStringLiteral("show"), QStringLiteral("session")});
        QCOMPARE(one.exitCode, 0);
        QCOMPARE(one.json().value(QStringLiteral("name")).toString(), QStringLiteral("session"));
        QCOMPARE(one.json().value(QStringLiteral("policy")).toObject(),
                 all.value(QStringLiteral("session")).toObject());

        // For people: "setting: value" lines.
        const CtlRun text =
            m_ctl.run(args({"policy", "show", "password", "--as", "root"}), {},
                      {{QStringLiteral("GATEHOUSE_PASSWORD"), QString::fromUtf8(kOwnerPassword)}});
        QCOMPARE(text.exitCode, 0);
        QVERIFY2(text.out.contains(QStringLiteral("minLength:")), qPrintable(text.out));
        QVERIFY(text.out.contains(QStringLiteral("15")));
    }

    void setChangesEachPolicyAndIsAudited_data()
    {
        QTest::addColumn<QString>("name");
        QTest::addColumn<QByteArray>("document");
        QTest::addColumn<QString>("key");
        QTest::addColumn<QJsonValue>("expected");
        QTest::addColumn<QString>("event");
        QTest::newRow("password") << QStringLiteral("password")
                                  << QByteArray(R"({"minLength": 20, "requireComplexity": true})")
                                  << QStringLiteral("minLength") << QJsonValue(20)
                                  << QStringLiteral("UpdatePasswordPolicy");
        QTest::newRow("session") << QStringLiteral("session")
                                 << QByteArray(R"({"idleTimeoutSeconds": 900})")
                                 << QStringLiteral("idleTimeoutSeconds") << QJsonValue(900)
                                 << QStringLiteral("UpdateSessionPolicy");
        QTest::newRow("mfa") << QStringLiteral("mfa")
                             << QByteArray(R"({"requiredForRoles": ["owner"], "issuer": "Acme"})")
                             << QStringLiteral("issuer") << QJsonValue(QStringLiteral("Acme"))
                             << QStringLiteral("UpdateMfaPolicy");
        QTest::newRow("service-token") << QStringLiteral("service-token")
                                       << QByteArray(R"({"maxLifetimeDays": 30, )"
                                                     R"("defaultLifetimeDays": 30})")
                                       << QStringLiteral("maxLifetimeDays") << QJsonValue(30)
                                       << QStringLiteral("UpdateServiceTokenPolicy");
        QTest::newRow("jwt") << QStringLiteral("jwt")
                             << QByteArray(R"({"issuer": "https://auth.example.com", )"
                                           R"("lifetimeSeconds": 300})")
                             << QStringLiteral("issuer")
                             << QJsonValue(QStringLiteral("https://auth.example.com"))
                             << QStringLiteral("UpdateJwtPolicy");
    }

    void setChangesEachPolicyAndIsAudited()
    {
        QFETCH(QString, name);
        QFETCH(QByteArray, document);
        QFETCH(QString, key);
        QFETCH(QJsonValue, expected);
        QFETCH(QString, event);
        const QString file = writeFile(name + QStringLiteral(".json"), document);
        const CtlRun set = asOwner({QStringLiteral("set"), name, QStringLiteral("--file"), file});
        QVERIFY2(set.exitCode == 0, qPrintable(set.out + set.err));
        // What was stored is printed, and show reads the same.
        const QJsonObject printed = set.json().value(QStringLiteral("policy")).toObject();
        QCOMPARE(printed.value(key), expected);
        QCOMPARE(allPolicies().value(name).toObject(), printed);
        const QJsonObject record = lastRecord(event);
        QVERIFY2(!record.isEmpty(), qPrintable(event));
        QVERIFY(!record.contains(QStringLiteral("errorCode")));
        QCOMPARE(record.value(QStringLiteral("userIdentity"))
                     .toObject()
                     .value(QStringLiteral("userName"))
                     .toString(),
                 QStringLiteral("root"));
    }

    void setReadsStandardInput()
    {
        const CtlRun set = asOwner({QStringLiteral("set"), QStringLiteral("session")},
                                   R"({"maxSessionsPerUser": 7})");
        QVERIFY2(set.exitCode == 0, qPrintable(set.out + set.err));
        QCOMPARE(allPolicies()
                     .value(QStringLiteral("session"))
                     .toObject()
                     .value(QStringLiteral("maxSessionsPerUser"))
                     .toInt(),
                 7);
    }

    void badDocumentsChangeNothing_data()
    {
        QTest::addColumn<QString>("name");
        QTest::addColumn<QByteArray>("document");
        QTest::newRow("not JSON") << QStringLiteral("password") << QByteArray("minLength=20");
        QTest::newRow("truncated") << QStringLiteral("password") << QByteArray(R"({"minLength":)");
        QTest::newRow("an array") << QStringLiteral("session") << QByteArray("[1,2]");
        QTest::newRow("trailing data") << QStringLiteral("session") << QByteArray("{} {}");
        QTest::newRow("duplicate key")
            << QStringLiteral("password") << QByteArray(R"({"minLength":20,"minLength":8})");
        QTest::newRow("byte order mark")
            << QStringLiteral("password") << QByteArray("\xEF\xBB\xBF{\"minLength\":20}");
        QTest::newRow("unknown key")
            << QStringLiteral("password") << QByteArray(R"({"minLenght": 20})");
        QTest::newRow("below the floor")
            << QStringLiteral("password") << QByteArray(R"({"minLength": 8})");
        QTest::newRow("a fraction")
            << QStringLiteral("session") << QByteArray(R"({"idleTimeoutSeconds": 900.5})");
        QTest::newRow("out of range")
            << QStringLiteral("session") << QByteArray(R"({"idleTimeoutSeconds": 999999999})");
        QTest::newRow("wrong type")
            << QStringLiteral("mfa") << QByteArray(R"({"requiredForRoles": "owner"})");
        QTest::newRow("unknown role")
            << QStringLiteral("mfa") << QByteArray(R"({"requiredForRoles": ["king"]})");
        QTest::newRow("token default above max")
            << QStringLiteral("service-token")
            << QByteArray(R"({"maxLifetimeDays": 10, "defaultLifetimeDays": 20})");
        QTest::newRow("jwt leeway above 60 s")
            << QStringLiteral("jwt") << QByteArray(R"({"leewaySeconds": 61})");
        QTest::newRow("too large")
            << QStringLiteral("jwt")
            << QByteArray(R"({"issuer": ")") + QByteArray(70000, 'a') + QByteArray(R"("})");
    }

    void badDocumentsChangeNothing()
    {
        QFETCH(QString, name);
        QFETCH(QByteArray, document);
        const QString before = storedPolicies();
        const CtlRun set = asOwner({QStringLiteral("set"), name, QStringLiteral("--file"),
                                    writeFile(QStringLiteral("bad.json"), document)});
        QCOMPARE(set.exitCode, 1);
        QCOMPARE(set.errorCode(), QStringLiteral("InvalidInput"));
        QCOMPARE(storedPolicies(), before);
        // The same through standard input.
        const CtlRun piped = asOwner({QStringLiteral("set"), name}, document);
        QCOMPARE(piped.exitCode, 1);
        QCOMPARE(piped.errorCode(), QStringLiteral("InvalidInput"));
        QCOMPARE(storedPolicies(), before);
    }

    void onlyAdministratorsChangePolicies()
    {
        const QString before = storedPolicies();
        const QString file = writeFile(QStringLiteral("strict.json"), R"({"minLength": 30})");
        // A plain user may neither read nor change them.
        const CtlRun aliceShow = as("alice", kAlicePassword, {QStringLiteral("show")});
        QCOMPARE(aliceShow.exitCode, 1);
        QCOMPARE(aliceShow.errorCode(), QStringLiteral("PermissionDenied"));
        const CtlRun aliceSet =
            as("alice", kAlicePassword,
               {QStringLiteral("set"), QStringLiteral("password"), QStringLiteral("--file"), file});
        QCOMPARE(aliceSet.exitCode, 1);
        QCOMPARE(aliceSet.errorCode(), QStringLiteral("PermissionDenied"));
        // The refusal is on the record.
        const QJsonObject refused = lastRecord(QStringLiteral("UpdatePasswordPolicy"));
        QCOMPARE(refused.value(QStringLiteral("errorCode")).toString(),
                 QStringLiteral("PermissionDenied"));
        QCOMPARE(refused.value(QStringLiteral("userIdentity"))
                     .toObject()
                     .value(QStringLiteral("userName"))
                     .toString(),
                 QStringLiteral("alice"));
        // An auditor may read, not change.
        const CtlRun audrey = as("audrey", kAudreyPassword, {QStringLiteral("show")});
        QCOMPARE(audrey.exitCode, 0);
        QCOMPARE(audrey.json().value(QStringLiteral("policies")).toObject(), allPolicies());
        const CtlRun audreySet =
            as("audrey", kAudreyPassword,
               {QStringLiteral("set"), QStringLiteral("jwt"), QStringLiteral("--file"),
                writeFile(QStringLiteral("jwt.json"), R"({"leewaySeconds":5})")});
        QCOMPARE(audreySet.exitCode, 1);
        QCOMPARE(audreySet.errorCode(), QStringLiteral("PermissionDenied"));
        QCOMPARE(storedPolicies(), before);
    }

    void usageErrors_data()
    {
        QTest::addColumn<QStringList>("arguments");
        QTest::addColumn<bool>("withPassword");
        QTest::newRow("no action") << QStringList{} << true;
        QTest::newRow("unknown action") << args({"list"}) << true;
        QTest::newRow("set without a name") << args({"set"}) << true;
        QTest::newRow("unknown policy") << args({"show", "lockout"}) << true;
        QTest::newRow("--file with show") << args({"show", "--file", "x.json"}) << true;
        QTest::newRow("too many arguments") << args({"show", "jwt", "mfa"}) << true;
        // Standard input cannot carry both the policy and the password.
        QTest::newRow("stdin twice") << args({"set", "password"}) << false;
    }

    void usageErrors()
    {
        QFETCH(QStringList, arguments);
        QFETCH(bool, withPassword);
        QMap<QString, QString> env;
        if (withPassword)
            env.insert(QStringLiteral("GATEHOUSE_PASSWORD"), QString::fromUtf8(kOwnerPassword));
        const CtlRun run = m_ctl.run(QStringList{QStringLiteral("policy")} + arguments
                                         + args({"--as", "root", "--json"}),
                                     {}, env);
        QCOMPARE(run.exitCode, 2);
        QCOMPARE(run.errorCode(), QStringLiteral("InvalidInput"));
        // Without any sign-in at all.
        const CtlRun anonymous = m_ctl.run(args({"policy", "show", "--json"}));
        QCOMPARE(anonymous.exitCode, 2);
    }

    void helpDocumentsTheCommand()
    {
        const CtlRun top = m_ctl.run(args({"--help"}));
        QVERIFY(top.out.contains(QStringLiteral("policy")));
        const CtlRun help = m_ctl.run(args({"policy", "--help"}));
        QCOMPARE(help.exitCode, 0);
        for (const char *text : {"policy show [NAME]", "policy set NAME", "--file",
                                 "password:", "session:", "mfa:", "service-token:", "jwt:"}) {
            QVERIFY2(help.out.contains(QString::fromUtf8(text)), text);
        }
    }
};

QTEST_GUILESS_MAIN(TestCtlPolicy)
#include "TestCtlPolicy.moc"
