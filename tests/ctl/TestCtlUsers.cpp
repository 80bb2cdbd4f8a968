#include "CtlRunner.h"
#include "TestSupport.h"

#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QSet>
#include <QTemporaryDir>

using namespace gatehouse;

namespace {

const QByteArray kOwnerPassword = "correct horse battery staple";
const QByteArray kOperatorPassword = "purple elephants dance quietly";

// A run, with what this suite reads from its output.
struct Run : test::CtlRun {
    QStringList usernames() const
    {
        QStringList names;
        for (const QJsonValue &user : json().value(QStringLiteral("users")).toArray())
            names.append(user.toObject().value(QStringLiteral("username")).toString());
        return names;
    }
};

QStringList args(std::initializer_list<const char *> list)
{
    QStringList out;
    for (const char *item : list)
        out.append(QString::fromUtf8(item));
    return out;
}

} // namespace

// Drives `gatehousectl user ...` as scripts do: the real binary, one store, the owner's
// password in the child's environment.
class TestCtlUsers : public QObject
{
    Q_OBJECT

private:
    QTemporaryDir m_dir;
    QString m_path;
    test::CtlRunner m_ctl; // also checks every --json run against the scripting contract

    Run ctl(const QStringList &arguments, const QByteArray &password = {},
            const QByteArray &input = {})
    {
        QMap<QString, QString> environment;
        if (!password.isEmpty())
            environment.insert(QStringLiteral("GATEHOUSE_PASSWORD"), QString::fromUtf8(password));
        m_ctl.setStorePath(m_path);
        return Run{m_ctl.run(arguments, input, environment)};
    }

    // `user ARGS --as root --json`, signed in as the owner.
    Run asOwner(const QStringList &arguments)
    {
        return ctl(QStringList{QStringLiteral("user")} + arguments
                       + args({"--as", "root", "--json"}),
                   kOwnerPassword);
    }

    QByteArray storeBytes() const
    {
        QByteArray bytes;
        for (const QString &suffix : {QString(), QStringLiteral("-wal")}) {
            QFile file(m_path + suffix);
            if (file.open(QIODevice::ReadOnly))
                bytes += file.readAll();
        }
        return bytes;
    }

    // Sets a password through a one-time code, as the user would.
    void redeem(const QString &code, const QByteArray &password)
    {
        const Run redeemed = ctl(QStringList{QStringLiteral("auth"), QStringLiteral("redeem"),
                                             QStringLiteral("--code"), code},
                                 {}, password + '\n');
        QCOMPARE(redeemed.exitCode, 0);
    }

private Q_SLOTS:
    void initTestCase()
    {
        QVERIFY(m_dir.isValid());
        m_path = m_dir.filePath(QStringLiteral("users.db"));
        const Run init = ctl(args({"init", "--owner", "root", "--email", "root@example.com"}), {},
                             kOwnerPassword + '\n');
        QCOMPARE(init.exitCode, 0);
    }

    void cleanup()
    {
        QVERIFY2(m_ctl.contractBreaches().isEmpty(),
                 qPrintable(m_ctl.contractBreaches().join(QLatin1Char('\n'))));
        m_ctl.clearContractBreaches();
    }

    void createShowsTheSetupCodeOnlyOnce()
    {
        const Run created = asOwner(args({"create", "alice", "--email", "Alice@Example.COM",
                                          "--display-name", "Alice A", "--role", "auditor"}));
        QCOMPARE(created.exitCode, 0);
        const QJsonObject alice = created.json();
        QCOMPARE(alice.value(QStringLiteral("username")).toString(), QStringLiteral("alice"));
        QCOMPARE(alice.value(QStringLiteral("roles")).toArray(),
                 QJsonArray{QStringLiteral("auditor")});
        QCOMPARE(alice.value(QStringLiteral("passwordSet")).toBool(), false);
        const QString code = alice.value(QStringLiteral("setupCode")).toString();
        QVERIFY(code.size() >= 16);
        QVERIFY(alice.value(QStringLiteral("setupCodeExpiresAt")).toString().endsWith(u'Z'));

        const QString id = alice.value(QStringLiteral("id")).toString();
        for (const Run &run :
             {asOwner(args({"show", "alice"})), asOwner({QStringLiteral("show"), id}),
              asOwner(args({"list", "--all"})),
              ctl(args({"user", "show", "alice", "--as", "root"}), kOwnerPassword)}) {
            QCOMPARE(run.exitCode, 0);
            QVERIFY(!run.out.contains(code));
            QVERIFY(!run.out.contains(QStringLiteral("setupCode")));
        }
        QVERIFY(!storeBytes().contains(code.toUtf8()));

        // Text mode prints the code on a labelled line, once.
        const Run text = ctl(args({"user", "create", "alice2", "--as", "root"}), kOwnerPassword);
        QCOMPARE(text.exitCode, 0);
        QVERIFY2(text.out.contains(QStringLiteral("Setup code:")), qPrintable(text.out));
        QVERIFY(text.out.contains(QStringLiteral("Username:")));

        const Run duplicate = asOwner(args({"create", "ALICE"}));
        QCOMPARE(duplicate.exitCode, 1);
        QCOMPARE(duplicate.errorCode(), QStringLiteral("Conflict"));
        const Run sameEmail = asOwner(args({"create", "alicia", "--email", "alice@example.com"}));
        QCOMPARE(sameEmail.exitCode, 1);
        QCOMPARE(sameEmail.errorCode(), QStringLiteral("Conflict"));
    }

    void listPagesAndFilters()
    {
        const QStringList names = args({"pg-a", "pg-b", "pg-c", "pg-d", "pg-e"});
        for (const QString &name : names)
            QCOMPARE(asOwner({QStringLiteral("create"), name}).exitCode, 0);

        QStringList seen;
        QString token;
        int pages = 0;
        do {
            QStringList arguments = args({"list", "--prefix", "pg-", "--limit", "2"});
            if (!token.isEmpty())
                arguments += {QStringLiteral("--page-token"), token};
            const Run page = asOwner(arguments);
            QCOMPARE(page.exitCode, 0);
            QVERIFY(page.usernames().size() <= 2);
            seen += page.usernames();
            QVERIFY(page.json().contains(QStringLiteral("nextPageToken")));
            token = page.json().value(QStringLiteral("nextPageToken")).toString();
            QVERIFY(++pages <= 4);
        } while (!token.isEmpty());
        QCOMPARE(seen, names);

        const Run all = asOwner(args({"list", "--prefix", "pg-", "--limit", "2", "--all"}));
        QCOMPARE(all.exitCode, 0);
        QCOMPARE(all.usernames(), names);
        QCOMPARE(all.json().value(QStringLiteral("nextPageToken")).toString(), QString());

        const Run descending =
            asOwner(args({"list", "--prefix", "pg-", "--sort", "created", "--desc", "--all"}));
        QStringList reversed = names;
        std::reverse(reversed.begin(), reversed.end());
        QCOMPARE(descending.usernames(), reversed);

        QCOMPARE(asOwner(args({"disable", "pg-b"})).exitCode, 0);
        QCOMPARE(asOwner(args({"set-roles", "pg-c", "--role", "operator"})).exitCode, 0);
        QCOMPARE(asOwner(args({"lock", "pg-d", "--for", "2h"})).exitCode, 0);
        QCOMPARE(asOwner(args({"list", "--prefix", "pg-", "--status", "disabled"})).usernames(),
                 args({"pg-b"}));
        QCOMPARE(asOwner(args({"list", "--prefix", "pg-", "--status", "active"})).usernames(),
                 args({"pg-a", "pg-c", "pg-d", "pg-e"}));
        QCOMPARE(asOwner(args({"list", "--prefix", "pg-", "--role", "operator"})).usernames(),
                 args({"pg-c"}));
        QCOMPARE(asOwner(args({"list", "--prefix", "pg-", "--locked", "yes"})).usernames(),
                 args({"pg-d"}));
        QCOMPARE(asOwner(args({"list", "--prefix", "pg-", "--mfa", "yes"})).usernames(),
                 QStringList());
        QCOMPARE(asOwner(args({"list", "--prefix", "pg-", "--mfa", "no"})).usernames(), names);

        // Text mode: a plain table, a header and one row per user.
        const Run table =
            ctl(args({"user", "list", "--prefix", "pg-", "--as", "root"}), kOwnerPassword);
        QCOMPARE(table.exitCode, 0);
        const QStringList lines = table.out.split(u'\n', Qt::SkipEmptyParts);
        QCOMPARE(lines.size(), 6);
        for (const char *column : {"USERNAME", "EMAIL", "STATUS", "ROLES", "LAST LOGIN"})
            QVERIFY(lines.first().contains(QString::fromUtf8(column)));
        QVERIFY(lines.at(2).startsWith(QStringLiteral("pg-b")));
        QVERIFY(lines.at(2).contains(QStringLiteral("disabled")));
        QVERIFY(!table.out.contains(QChar(0x1b)));
    }

    void showFindsByNameEmailAndId()
    {
        const Run created = asOwner(args({"create", "dora", "--email", "dora@example.org"}));
        QCOMPARE(created.exitCode, 0);
        const QString id = created.json().value(QStringLiteral("id")).toString();
        for (const QString &target :
             {QStringLiteral("dora"), QStringLiteral("DORA@example.org"), id}) {
            const Run shown = asOwner({QStringLiteral("show"), target});
            QCOMPARE(shown.exitCode, 0);
            QCOMPARE(shown.json().value(QStringLiteral("id")).toString(), id);
        }
        const Run missing = asOwner(args({"show", "nobody-here"}));
        QCOMPARE(missing.exitCode, 1);
        QCOMPARE(missing.errorCode(), QStringLiteral("NotFound"));
        const Run missingId = asOwner(args({"show", "00000000-0000-4000-8000-000000000000"}));
        QCOMPARE(missingId.exitCode, 1);
        QCOMPARE(missingId.errorCode(), QStringLiteral("NotFound"));

        const Run text = ctl(args({"user", "show", "dora", "--as", "root"}), kOwnerPassword);
        QCOMPARE(text.exitCode, 0);
        QVERIFY(text.out.contains(QStringLiteral("E-mail:")));
        QVERIFY(text.out.contains(QStringLiteral("dora@example.org")));
    }

    void updateDisableLockAndRoles()
    {
        QCOMPARE(asOwner(args({"create", "erin", "--email", "erin@example.org"})).exitCode, 0);
        Run updated = asOwner(args({"update", "erin", "--display-name", "Erin E"}));
        QCOMPARE(updated.exitCode, 0);
        QCOMPARE(updated.json().value(QStringLiteral("displayName")).toString(),
                 QStringLiteral("Erin E"));
        QCOMPARE(updated.json().value(QStringLiteral("email")).toString(),
                 QStringLiteral("erin@example.org"));
        updated = asOwner(args({"update", "erin", "--email", ""}));
        QCOMPARE(updated.exitCode, 0);
        QCOMPARE(updated.json().value(QStringLiteral("email")).toString(), QString());
        QCOMPARE(updated.json().value(QStringLiteral("displayName")).toString(),
                 QStringLiteral("Erin E"));

        QCOMPARE(asOwner(args({"disable", "erin"})).json().value(QStringLiteral("status")),
                 QStringLiteral("disabled"));
        QCOMPARE(asOwner(args({"enable", "erin"})).json().value(QStringLiteral("status")),
                 QStringLiteral("active"));

        const QDateTime before = QDateTime::currentDateTimeUtc();
        const Run locked = asOwner(args({"lock", "erin", "--for", "1h"}));
        QCOMPARE(locked.exitCode, 0);
        const QDateTime until = QDateTime::fromString(
            locked.json().value(QStringLiteral("lockedUntil")).toString(), Qt::ISODateWithMs);
        QVERIFY(until >= before.addSecs(3600 - 5));
        QVERIFY(until <= before.addSecs(3600 + 120));
        const Run unlocked = asOwner(args({"unlock", "erin"}));
        QCOMPARE(unlocked.exitCode, 0);
        QVERIFY(!unlocked.json().contains(QStringLiteral("lockedUntil")));
        const Run lockedUntil = asOwner(args({"lock", "erin", "--until", "2099-01-31T18:00:00Z"}));
        QCOMPARE(lockedUntil.json().value(QStringLiteral("lockedUntil")).toString(),
                 QStringLiteral("2099-01-31T18:00:00.000Z"));

        const Run roles =
            asOwner(args({"set-roles", "erin", "--role", "admin", "--role", "auditor"}));
        QCOMPARE(roles.exitCode, 0);
        QCOMPARE(roles.json().value(QStringLiteral("roles")).toArray(),
                 (QJsonArray{QStringLiteral("admin"), QStringLiteral("auditor")}));
    }

    void resetPasswordShowsANewCodeOnce()
    {
        const Run created = asOwner(args({"create", "fay"}));
        QCOMPARE(created.exitCode, 0);
        const QString setup = created.json().value(QStringLiteral("setupCode")).toString();
        const Run reset = asOwner(args({"reset-password", "fay"}));
        QCOMPARE(reset.exitCode, 0);
        const QString code = reset.json().value(QStringLiteral("resetCode")).toString();
        QVERIFY(!code.isEmpty());
        QVERIFY(code != setup);
        QVERIFY(!reset.json().value(QStringLiteral("resetCodeExpiresAt")).toString().isEmpty());
        QVERIFY(!storeBytes().contains(code.toUtf8()));
        QVERIFY(!asOwner(args({"show", "fay"})).out.contains(code));
        // Only the newest code works.
        const Run old = ctl(QStringList{QStringLiteral("auth"), QStringLiteral("redeem"),
                                        QStringLiteral("--code"), setup},
                            {}, kOperatorPassword);
        QVERIFY(old.exitCode != 0);
        redeem(code, kOperatorPassword);
        QVERIFY(
            asOwner(args({"show", "fay"})).json().value(QStringLiteral("passwordSet")).toBool());
    }

    void deleteNeedsYes()
    {
        QCOMPARE(asOwner(args({"create", "gil"})).exitCode, 0);
        const Run refused = asOwner(args({"delete", "gil"}));
        QCOMPARE(refused.exitCode, 2);
        QVERIFY(refused.json()
                    .value(QStringLiteral("error"))
                    .toObject()
                    .value(QStringLiteral("message"))
                    .toString()
                    .contains(QStringLiteral("--yes")));
        QCOMPARE(asOwner(args({"show", "gil"})).exitCode, 0);
        const Run deleted = asOwner(args({"delete", "gil", "--yes"}));
        QCOMPARE(deleted.exitCode, 0);
        QCOMPARE(deleted.json().value(QStringLiteral("deleted")).toBool(), true);
        QCOMPARE(asOwner(args({"show", "gil"})).errorCode(), QStringLiteral("NotFound"));
        QCOMPARE(asOwner(args({"delete", "gil", "--yes"})).exitCode, 1);
    }

    void aWrongPasswordIsUnauthenticated()
    {
        const Run wrong =
            ctl(args({"user", "list", "--as", "root", "--json"}), "not the owner's password");
        QCOMPARE(wrong.exitCode, 1);
        QCOMPARE(wrong.errorCode(), QStringLiteral("Unauthenticated"));
        QVERIFY(!wrong.out.contains(QStringLiteral("not the owner")));
        // Without GATEHOUSE_PASSWORD the password is read from standard input.
        const Run piped =
            ctl(args({"user", "list", "--as", "root", "--json"}), {}, kOwnerPassword + '\n');
        QCOMPARE(piped.exitCode, 0);
        const Run unknown = ctl(args({"user", "list", "--as", "nobody", "--json"}), kOwnerPassword);
        QCOMPARE(unknown.errorCode(), QStringLiteral("Unauthenticated"));
    }

    void anOperatorCannotManageUsers()
    {
        const Run created = asOwner(args({"create", "ops", "--role", "operator"}));
        QCOMPARE(created.exitCode, 0);
        redeem(created.json().value(QStringLiteral("setupCode")).toString(), kOperatorPassword);
        const Run denied =
            ctl(args({"user", "create", "mallory", "--as", "ops", "--json"}), kOperatorPassword);
        QCOMPARE(denied.exitCode, 1);
        QCOMPARE(denied.errorCode(), QStringLiteral("PermissionDenied"));
        const Run reset = ctl(args({"user", "reset-password", "root", "--as", "ops", "--json"}),
                              kOperatorPassword);
        QCOMPARE(reset.exitCode, 1);
        QVERIFY(!reset.json().contains(QStringLiteral("resetCode")));
        QCOMPARE(asOwner(args({"show", "mallory"})).errorCode(), QStringLiteral("NotFound"));
    }

    void usageErrorsExitTwo_data()
    {
        QTest::addColumn<QStringList>("arguments");
        QTest::newRow("no action") << args({"user", "--as", "root"});
        QTest::newRow("unknown action") << args({"user", "frobnicate", "--as", "root"});
        QTest::newRow("missing name") << args({"user", "create", "--as", "root"});
        QTest::newRow("missing target") << args({"user", "show", "--as", "root"});
        QTest::newRow("no --as") << args({"user", "show", "root"});
        QTest::newRow("extra argument") << args({"user", "show", "root", "more", "--as", "root"});
        QTest::newRow("list target") << args({"user", "list", "root", "--as", "root"});
        QTest::newRow("bad role") << args(
            {"user", "create", "x1", "--role", "god", "--as", "root"});
        QTest::newRow("set-roles none") << args({"user", "set-roles", "root", "--as", "root"});
        QTest::newRow("bad status") << args({"user", "list", "--status", "gone", "--as", "root"});
        QTest::newRow("bad mfa") << args({"user", "list", "--mfa", "maybe", "--as", "root"});
        QTest::newRow("bad sort") << args({"user", "list", "--sort", "shoe", "--as", "root"});
        QTest::newRow("limit 0") << args({"user", "list", "--limit", "0", "--as", "root"});
        QTest::newRow("limit big") << args({"user", "list", "--limit", "1001", "--as", "root"});
        QTest::newRow("two roles")
            << args({"user", "list", "--role", "admin", "--role", "user", "--as", "root"});
        QTest::newRow("lock neither") << args({"user", "lock", "root", "--as", "root"});
        QTest::newRow("lock both") << args({"user", "lock", "x", "--for", "1h", "--until",
                                            "2099-01-01T00:00:00Z", "--as", "root"});
        for (const char *duration :
             {"10", "1w", "-1h", "1.5h", "0m", "h", "1h30m", " 1h", "1H", "99999999999d"})
            QTest::newRow(duration)
                << args({"user", "lock", "x", "--for", duration, "--as", "root"});
        QTest::newRow("bad until")
            << args({"user", "lock", "x", "--until", "next tuesday", "--as", "root"});
        QTest::newRow("update nothing") << args({"user", "update", "root", "--as", "root"});
        QTest::newRow("delete no yes") << args({"user", "delete", "root", "--as", "root"});
        QTest::newRow("option for another action")
            << args({"user", "show", "root", "--yes", "--as", "root"});
        QTest::newRow("unknown option") << args({"user", "show", "root", "--frob", "--as", "root"});
    }

    void usageErrorsExitTwo()
    {
        QFETCH(QStringList, arguments);
        const QByteArray before = test::fileDigest(m_path);
        const Run text = ctl(arguments, kOwnerPassword);
        QCOMPARE(text.exitCode, 2);
        QVERIFY(text.out.isEmpty());
        QVERIFY(!text.err.isEmpty());
        const Run json = ctl(arguments + args({"--json"}), kOwnerPassword);
        QCOMPARE(json.exitCode, 2);
        QCOMPARE(json.errorCode(), QStringLiteral("InvalidInput"));
        QCOMPARE(json.json().size(), 1);
        QCOMPARE(test::fileDigest(m_path), before);
    }

    void helpListsEveryAction()
    {
        const Run help = ctl(args({"user", "--help"}));
        QCOMPARE(help.exitCode, 0);
        for (const char *action : {"create", "list", "show", "update", "disable", "enable", "lock",
                                   "unlock", "delete", "reset-password", "set-roles"})
            QVERIFY2(help.out.contains(QStringLiteral("gatehousectl user ")
                                       + QString::fromUtf8(action) + u' '),
                     action);
        for (const char *option : {"--as", "--email", "--display-name", "--role", "--prefix",
                                   "--status", "--mfa", "--locked", "--sort", "--desc", "--limit",
                                   "--page-token", "--all", "--until", "--for", "--yes"})
            QVERIFY2(help.out.contains(QString::fromUtf8(option)), option);
        QVERIFY(ctl(args({"--help"})).out.contains(QStringLiteral("user")));
    }
};

QTEST_GUILESS_MAIN(TestCtlUsers)
#include "TestCtlUsers.moc"
