#include "CtlRunner.h"
#include "TestSupport.h"

#include <QDateTime>
#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QSqlDatabase>
#include <QSqlQuery>
#include <QTemporaryDir>

using namespace gatehouse;

namespace {

const QByteArray kOwnerPassword = "correct horse battery staple";

// A run, with what this suite reads from its output.
struct Run : test::CtlRun {
    QString field(const char *name) const
    {
        return json().value(QString::fromLatin1(name)).toString();
    }
    QStringList ids() const
    {
        QStringList found;
        for (const QJsonValue &token : json().value(QStringLiteral("tokens")).toArray())
            found.append(token.toObject().value(QStringLiteral("id")).toString());
        return found;
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

// Drives `gatehousectl token ...` as scripts do: the real binary on one store.
class TestCtlTokens : public QObject
{
    Q_OBJECT

private:
    QTemporaryDir m_dir;
    QString m_path;
    QString m_svcId;
    // An admin-scoped token of the owner's: most runs sign in with it through GATEHOUSE_TOKEN,
    // which spares a password hash per run (a few use --as root, to cover that path too).
    QString m_rootKey;
    test::CtlRunner m_ctl; // also checks every --json run against the scripting contract

    // Runs gatehousectl on the store; `password` goes to GATEHOUSE_PASSWORD, `token` to
    // GATEHOUSE_TOKEN, `input` to stdin.
    Run ctl(const QStringList &arguments, const QByteArray &password = {},
            const QString &token = {}, const QByteArray &input = {})
    {
        QMap<QString, QString> environment;
        if (!password.isEmpty())
            environment.insert(QStringLiteral("GATEHOUSE_PASSWORD"), QString::fromUtf8(password));
        if (!token.isEmpty())
            environment.insert(QStringLiteral("GATEHOUSE_TOKEN"), token);
        m_ctl.setStorePath(m_path);
        return Run{m_ctl.run(arguments, input, environment)};
    }

    // `token ARGS --json`, signed in as the owner (with the owner's admin-scoped token).
    Run asOwner(const QStringList &arguments)
    {
        return ctl(QStringList{QStringLiteral("token")} + arguments + args({"--json"}), {},
                   m_rootKey);
    }

    // `token verify --json` with `secret` on stdin; no sign-in.
    Run verify(const QString &secret)
    {
        return ctl(args({"token", "verify", "--json"}), {}, {}, secret.toUtf8() + '\n');
    }

    // A new token's JSON (with its "secret"); fails the test when creation fails.
    QJsonObject create(const QStringList &options)
    {
        const Run created = asOwner(QStringList{QStringLiteral("create")} + options);
        if (created.exitCode != 0)
            qWarning("token create failed: %s %s", qPrintable(created.out),
                     qPrintable(created.err));
        return created.json();
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

    int auditCount(const QString &where, const QVariantList &values)
    {
        int count = -1;
        {
            QSqlDatabase db =
                QSqlDatabase::addDatabase(QStringLiteral("QSQLITE"), QStringLiteral("audit"));
            db.setDatabaseName(m_path);
            db.setConnectOptions(QStringLiteral("QSQLITE_OPEN_READONLY"));
            if (db.open()) {
                QSqlQuery query(db);
                query.prepare(QStringLiteral("SELECT count(*) FROM audit_events WHERE ") + where);
                for (const QVariant &value : values)
                    query.addBindValue(value);
                if (query.exec() && query.next())
                    count = query.value(0).toInt();
            }
        }
        QSqlDatabase::removeDatabase(QStringLiteral("audit"));
        return count;
    }

private Q_SLOTS:
    void initTestCase()
    {
        QVERIFY(m_dir.isValid());
        m_path = m_dir.filePath(QStringLiteral("tokens.db"));
        const Run init = ctl(args({"init", "--owner", "root"}), {}, {}, kOwnerPassword + '\n');
        QCOMPARE(init.exitCode, 0);
        // A service account: an operator whose setup code is never redeemed, so tokens are its
        // only credential.
        const Run svc =
            ctl(args({"user", "create", "svc", "--role", "operator", "--as", "root", "--json"}),
                kOwnerPassword);
        QCOMPARE(svc.exitCode, 0);
        QCOMPARE(svc.json().value(QStringLiteral("passwordSet")).toBool(), false);
        m_svcId = svc.field("id");
        const Run key = ctl(args({"token", "create", "--name", "test administration", "--scope",
                                  "admin", "--scope", "introspect", "--as", "root", "--json"}),
                            kOwnerPassword);
        QCOMPARE(key.exitCode, 0);
        m_rootKey = key.field("secret");
        QVERIFY(m_rootKey.startsWith(QStringLiteral("ghk_")));
    }

    void cleanup()
    {
        QVERIFY2(m_ctl.contractBreaches().isEmpty(),
                 qPrintable(m_ctl.contractBreaches().join(QLatin1Char('\n'))));
        m_ctl.clearContractBreaches();
    }

    void createShowsTheSecretOnlyOnce()
    {
        const Run created = asOwner(args({"create", "--owner", "svc", "--name", "ci deploy",
                                          "--scope", "admin:read", "--expires-in", "30d"}));
        QCOMPARE(created.exitCode, 0);
        const QJsonObject token = created.json();
        const QString id = token.value(QStringLiteral("id")).toString();
        const QString secret = token.value(QStringLiteral("secret")).toString();
        QCOMPARE(id.size(), 20);
        QVERIFY(secret.startsWith(QString(u"ghk_" + id + u'_')));
        QCOMPARE(secret.size(), 75);
        QCOMPARE(token.value(QStringLiteral("owner")).toString(), QStringLiteral("svc"));
        QCOMPARE(token.value(QStringLiteral("ownerId")).toString(), m_svcId);
        QCOMPARE(token.value(QStringLiteral("scopes")).toArray(),
                 QJsonArray{QStringLiteral("admin:read")});
        QCOMPARE(token.value(QStringLiteral("status")).toString(), QStringLiteral("active"));
        const QDateTime expires = QDateTime::fromString(
            token.value(QStringLiteral("expiresAt")).toString(), Qt::ISODateWithMs);
        const qint64 lifetime = QDateTime::currentDateTimeUtc().secsTo(expires);
        QVERIFY2(lifetime > 30 * 86400 - 600 && lifetime <= 30 * 86400,
                 qPrintable(expires.toString()));
        QVERIFY(created.err.isEmpty());

        // Never again: not by show, list or in the store.
        const QString secretPart = secret.mid(25, 43);
        for (const Run &run : {asOwner({QStringLiteral("show"), id}), asOwner(args({"list"})),
                               ctl({QStringLiteral("token"), QStringLiteral("show"), id,
                                    QStringLiteral("--as"), QStringLiteral("root")},
                                   kOwnerPassword)}) {
            QCOMPARE(run.exitCode, 0);
            QVERIFY(run.out.contains(id));
            QVERIFY(!run.out.contains(secretPart));
            QVERIFY(!run.out.contains(QStringLiteral("\"secret\"")));
        }
        QVERIFY(!storeBytes().contains(secretPart.toLatin1()));

        // Text mode prints it on a labelled line, with the warning that it is shown once.
        const Run text = ctl(
            args({"token", "create", "--name", "mine", "--scope", "introspect", "--as", "root"}),
            kOwnerPassword);
        QCOMPARE(text.exitCode, 0);
        QVERIFY2(text.out.contains(QStringLiteral("Secret:")), qPrintable(text.out));
        QVERIFY(text.out.contains(QStringLiteral("shown only this once")));
        QVERIFY(text.out.contains(QStringLiteral("Owner:")));
    }

    void verifyNeedsNoSignIn()
    {
        const QJsonObject token =
            create(args({"--owner", "svc", "--name", "verify me", "--scope", "introspect"}));
        const QString secret = token.value(QStringLiteral("secret")).toString();
        const Run valid = verify(secret);
        QCOMPARE(valid.exitCode, 0);
        QCOMPARE(valid.json().value(QStringLiteral("valid")).toBool(), true);
        QCOMPARE(valid.field("id"), token.value(QStringLiteral("id")).toString());
        QCOMPARE(valid.field("owner"), QStringLiteral("svc"));
        QCOMPARE(valid.json().value(QStringLiteral("scopes")).toArray(),
                 QJsonArray{QStringLiteral("introspect")});

        // A typo: exit 1, the generic error, and the input never echoed.
        QString typo = secret;
        typo[40] = typo.at(40) == QLatin1Char('A') ? QLatin1Char('B') : QLatin1Char('A');
        for (const QString &wrong : {typo, QString(), QStringLiteral("not a token")}) {
            const Run refused = verify(wrong);
            QCOMPARE(refused.exitCode, 1);
            QCOMPARE(refused.errorCode(), QStringLiteral("Unauthenticated"));
            QVERIFY(!refused.out.contains(typo.mid(25, 43)));
            QVERIFY(!refused.err.contains(typo.mid(25, 43)));
        }
        // Text mode: nothing on stdout for a refusal.
        const Run text = ctl(args({"token", "verify"}), {}, {}, typo.toUtf8());
        QCOMPARE(text.exitCode, 1);
        QVERIFY(text.out.isEmpty());

        // From a file, too; and signing in is refused as a usage error.
        const QString file = m_dir.filePath(QStringLiteral("token.txt"));
        QVERIFY(test::writeFile(file, secret.toUtf8() + '\n'));
        QCOMPARE(ctl(args({"token", "verify", "--token-file"}) + QStringList{file}).exitCode, 0);
        QCOMPARE(ctl(args({"token", "verify", "--as", "root"}), kOwnerPassword, {}, secret.toUtf8())
                     .exitCode,
                 2);
    }

    void rotateKeepsTheOldSecretForTheGrace()
    {
        const QJsonObject token =
            create(args({"--owner", "svc", "--name", "rotating", "--scope", "admin:read"}));
        const QString id = token.value(QStringLiteral("id")).toString();
        const QString first = token.value(QStringLiteral("secret")).toString();
        const Run rotated = asOwner(
            {QStringLiteral("rotate"), id, QStringLiteral("--grace"), QStringLiteral("1h")});
        QCOMPARE(rotated.exitCode, 0);
        const QString second = rotated.field("secret");
        QVERIFY(second.startsWith(QString(u"ghk_" + id + u'_')));
        QVERIFY(second != first);
        QCOMPARE(rotated.json().value(QStringLiteral("generation")).toInt(), 2);
        QVERIFY(!rotated.field("previousSecretRetiresAt").isEmpty());
        QCOMPARE(verify(first).exitCode, 0);
        QCOMPARE(verify(second).exitCode, 0);

        // A rotation against a generation that is no longer current loses.
        const Run stale = asOwner(
            {QStringLiteral("rotate"), id, QStringLiteral("--generation"), QStringLiteral("1")});
        QCOMPARE(stale.exitCode, 1);
        QCOMPARE(stale.errorCode(), QStringLiteral("Conflict"));

        // Without --grace the old secret stops at once, and so does one still in its grace.
        const Run immediate = asOwner({QStringLiteral("rotate"), id});
        QCOMPARE(immediate.exitCode, 0);
        const QString third = immediate.field("secret");
        QCOMPARE(verify(first).exitCode, 1);
        QCOMPARE(verify(second).exitCode, 1);
        QCOMPARE(verify(third).exitCode, 0);

        // More than the longest grace period (7 days) is refused by the service.
        const Run tooLong = asOwner(
            {QStringLiteral("rotate"), id, QStringLiteral("--grace"), QStringLiteral("8d")});
        QCOMPARE(tooLong.exitCode, 1);
        QCOMPARE(tooLong.errorCode(), QStringLiteral("InvalidInput"));
        QCOMPARE(verify(third).exitCode, 0);
    }

    void deactivateActivateRevoke()
    {
        const QJsonObject token =
            create(args({"--owner", "svc", "--name", "lifecycle", "--scope", "admin"}));
        const QString id = token.value(QStringLiteral("id")).toString();
        const QString secret = token.value(QStringLiteral("secret")).toString();

        const Run off = asOwner({QStringLiteral("deactivate"), id, QStringLiteral("--reason"),
                                 QStringLiteral("holiday")});
        QCOMPARE(off.exitCode, 0);
        QCOMPARE(off.field("status"), QStringLiteral("inactive"));
        QCOMPARE(verify(secret).exitCode, 1);
        const Run on = asOwner({QStringLiteral("activate"), id});
        QCOMPARE(on.exitCode, 0);
        QCOMPARE(on.field("status"), QStringLiteral("active"));
        QCOMPARE(verify(secret).exitCode, 0);

        const Run revoked = asOwner(
            {QStringLiteral("revoke"), id, QStringLiteral("--reason"), QStringLiteral("leaked")});
        QCOMPARE(revoked.exitCode, 0);
        QCOMPARE(revoked.field("status"), QStringLiteral("revoked"));
        QCOMPARE(revoked.field("revokeReason"), QStringLiteral("leaked"));
        QCOMPARE(verify(secret).exitCode, 1);
        // Revoking again succeeds and keeps the first reason; there is no way back.
        const Run again = asOwner(
            {QStringLiteral("revoke"), id, QStringLiteral("--reason"), QStringLiteral("again")});
        QCOMPARE(again.exitCode, 0);
        QCOMPARE(again.field("revokeReason"), QStringLiteral("leaked"));
        const Run back = asOwner({QStringLiteral("activate"), id});
        QCOMPARE(back.exitCode, 1);
        QCOMPARE(back.errorCode(), QStringLiteral("Conflict"));
        QCOMPARE(verify(secret).exitCode, 1);

        const Run missing = asOwner(args({"show", "aaaaaaaaaaaaaaaaaaaa"}));
        QCOMPARE(missing.exitCode, 1);
        QCOMPARE(missing.errorCode(), QStringLiteral("NotFound"));
    }

    void listFiltersExpiringAndStale()
    {
        const QString soon = create(args({"--owner", "svc", "--name", "soon", "--scope",
                                          "introspect", "--expires-in", "5d"}))
                                 .value(QStringLiteral("id"))
                                 .toString();
        const QString later = create(args({"--owner", "svc", "--name", "later", "--scope",
                                           "introspect", "--expires-in", "40d"}))
                                  .value(QStringLiteral("id"))
                                  .toString();
        const Run expiring = asOwner(args({"list", "--owner", "svc", "--expiring-within", "7d"}));
        QCOMPARE(expiring.exitCode, 0);
        QCOMPARE(expiring.ids(), QStringList{soon});
        const Run within = asOwner(args({"list", "--owner", "svc", "--expiring-within", "45d"}));
        QVERIFY(within.ids().contains(soon));
        QVERIFY(within.ids().contains(later));
        // Nothing here is older than the rotation age yet.
        const Run stale = asOwner(args({"list", "--stale"}));
        QCOMPARE(stale.exitCode, 0);
        QCOMPARE(stale.ids(), QStringList());
        const Run revoked = asOwner(args({"list", "--status", "revoked"}));
        QCOMPARE(revoked.exitCode, 0);
        for (const QJsonValue &token : revoked.json().value(QStringLiteral("tokens")).toArray())
            QCOMPARE(token.toObject().value(QStringLiteral("status")).toString(),
                     QStringLiteral("revoked"));
        const Run owned = asOwner(args({"list", "--owner", "root"}));
        for (const QJsonValue &token : owned.json().value(QStringLiteral("tokens")).toArray())
            QCOMPARE(token.toObject().value(QStringLiteral("owner")).toString(),
                     QStringLiteral("root"));

        // Pages: three tokens at a time, to the end.
        QStringList seen;
        QString next;
        int pages = 0;
        do {
            QStringList arguments = args({"list", "--owner", "svc", "--limit", "3"});
            if (!next.isEmpty())
                arguments += {QStringLiteral("--page-token"), next};
            const Run page = asOwner(arguments);
            QCOMPARE(page.exitCode, 0);
            QVERIFY(page.ids().size() <= 3);
            seen += page.ids();
            next = page.field("nextPageToken");
            QVERIFY(++pages <= 20);
        } while (!next.isEmpty());
        QVERIFY(seen.contains(soon));
        QVERIFY(seen.contains(later));

        // Text mode: a table with a header.
        const Run table =
            ctl(args({"token", "list", "--owner", "svc", "--as", "root"}), kOwnerPassword);
        QCOMPARE(table.exitCode, 0);
        const QStringList lines = table.out.split(u'\n', Qt::SkipEmptyParts);
        for (const char *column : {"ID", "OWNER", "NAME", "SCOPES", "STATUS", "EXPIRES"})
            QVERIFY(lines.first().contains(QString::fromUtf8(column)));
        QCOMPARE(lines.size(), seen.size() + 1);
    }

    void gatehouseTokenTakesAnAdminScopedServiceToken()
    {
        const QJsonObject admin =
            create(args({"--name", "automation", "--scope", "admin", "--expires-in", "1d"}));
        const QString adminKey = admin.value(QStringLiteral("secret")).toString();
        const QString adminId = admin.value(QStringLiteral("id")).toString();
        const Run users = ctl(args({"user", "list", "--json"}), {}, adminKey);
        QCOMPARE(users.exitCode, 0);
        QVERIFY(!users.json().value(QStringLiteral("users")).toArray().isEmpty());
        const Run created = ctl(args({"user", "create", "robot", "--json"}), {}, adminKey);
        QCOMPARE(created.exitCode, 0);
        const Run tokens = ctl(args({"token", "list", "--json"}), {}, adminKey);
        QCOMPARE(tokens.exitCode, 0);
        // The audit trail names the key, never the secret.
        QVERIFY(
            auditCount(QStringLiteral("access_key_id = ? AND event_name = 'CreateUser'"), {adminId})
            == 1);
        QCOMPARE(auditCount(QStringLiteral("instr(record, ?)"), {adminKey.mid(25, 43)}), 0);

        // admin:read reads but does not change.
        const QString reader = create(args({"--name", "reader", "--scope", "admin:read"}))
                                   .value(QStringLiteral("secret"))
                                   .toString();
        QCOMPARE(ctl(args({"user", "list", "--json"}), {}, reader).exitCode, 0);
        const Run denied = ctl(args({"user", "create", "robot2", "--json"}), {}, reader);
        QCOMPARE(denied.exitCode, 1);
        QCOMPARE(denied.errorCode(), QStringLiteral("PermissionDenied"));

        // A token without an admin scope does not administer at all.
        const QString introspect =
            create(args({"--name", "resource server", "--scope", "introspect"}))
                .value(QStringLiteral("secret"))
                .toString();
        const Run refused = ctl(args({"user", "list", "--json"}), {}, introspect);
        QCOMPARE(refused.exitCode, 1);
        QCOMPARE(refused.errorCode(), QStringLiteral("PermissionDenied"));
        QVERIFY2(refused.out.contains(QStringLiteral("admin:read scope")), qPrintable(refused.out));
        QVERIFY(!refused.out.contains(introspect.mid(25, 43)));

        // A typo or a revoked key: the generic refusal, with nothing echoed.
        QString typo = adminKey;
        typo[50] = typo.at(50) == QLatin1Char('z') ? QLatin1Char('y') : QLatin1Char('z');
        const Run mistyped = ctl(args({"user", "list", "--json"}), {}, typo);
        QCOMPARE(mistyped.exitCode, 1);
        QCOMPARE(mistyped.errorCode(), QStringLiteral("Unauthenticated"));
        QVERIFY(!mistyped.out.contains(typo.mid(25, 43)));
        QVERIFY(!mistyped.err.contains(typo.mid(25, 43)));
        QCOMPARE(
            ctl(args({"token", "revoke", "--json"}) + QStringList{adminId}, {}, adminKey).exitCode,
            0);
        const Run afterRevoke = ctl(args({"user", "list", "--json"}), {}, adminKey);
        QCOMPARE(afterRevoke.exitCode, 1);
        QCOMPARE(afterRevoke.errorCode(), QStringLiteral("Unauthenticated"));
    }

    void usageErrorsNeverTouchTheStore()
    {
        const QByteArray before = test::fileDigest(m_path);
        const QString pasted = QStringLiteral(
            "ghk_aaaaaaaaaaaaaaaaaaaa_0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefg_000000");
        const QList<QStringList> bad{
            args({"token"}),
            args({"token", "frobnicate"}),
            args({"token", "show"}),
            {QStringLiteral("token"), QStringLiteral("show"), pasted},
            {QStringLiteral("token"), QStringLiteral("revoke"), pasted},
            args({"token", "create", "--name", "x"}),
            args({"token", "create", "--scope", "admin"}),
            args({"token", "create", "--name", "x", "--scope", "root"}),
            args({"token", "create", "--name", "x", "--scope", "admin", "--expires-in", "0d"}),
            args({"token", "create", "--name", "x", "--scope", "admin", "--expires-in", "soon"}),
            args({"token", "list", "--limit", "0"}),
            args({"token", "list", "--status", "dormant"}),
            args({"token", "list", "--expiring-within", "0s"}),
            args({"token", "show", "aaaaaaaaaaaaaaaaaaaa", "--grace", "1h"}),
            args({"token", "rotate", "aaaaaaaaaaaaaaaaaaaa", "--grace", "1x"}),
            args({"token", "rotate", "aaaaaaaaaaaaaaaaaaaa", "--grace", "-1h"}),
            args({"token", "rotate", "aaaaaaaaaaaaaaaaaaaa", "--generation", "0"}),
            args({"token", "list", "extra"}),
        };
        for (const QStringList &arguments : bad) {
            const Run run = ctl(arguments + args({"--as", "root", "--json"}), kOwnerPassword);
            QVERIFY2(run.exitCode == 2, qPrintable(arguments.join(u' ') + u" => " + run.out));
            QCOMPARE(run.errorCode(), QStringLiteral("InvalidInput"));
            QVERIFY(!run.out.contains(pasted.mid(25)));
            QVERIFY(!run.err.contains(pasted.mid(25)));
        }
        // Nobody signed in.
        QCOMPARE(ctl(args({"token", "list"})).exitCode, 2);
        QCOMPARE(test::fileDigest(m_path), before);
    }

    void helpListsEveryActionAndOption()
    {
        const Run help = ctl(args({"token", "--help"}));
        QCOMPARE(help.exitCode, 0);
        for (const char *word :
             {"create",       "list",         "show",           "rotate",
              "deactivate",   "activate",     "revoke",         "verify",
              "purge",        "policy",       "--owner",        "--name",
              "--scope",      "--expires-in", "--status",       "--expiring-within",
              "--stale",      "--limit",      "--page-token",   "--grace",
              "--generation", "--reason",     "--token-file",   "--set",
              "admin:read",   "introspect",   "GATEHOUSE_TOKEN"})
            QVERIFY2(help.out.contains(QString::fromLatin1(word)), word);
        const Run top = ctl(args({"--help"}));
        QCOMPARE(top.exitCode, 0);
        QVERIFY(top.out.contains(QStringLiteral("\n  token ")));
    }

    void policyAndPurge()
    {
        const Run shown = asOwner(args({"policy"}));
        QCOMPARE(shown.exitCode, 0);
        const QJsonObject defaults = shown.json().value(QStringLiteral("policy")).toObject();
        QCOMPARE(defaults.value(QStringLiteral("maxLifetimeDays")).toInt(), 90);
        QCOMPARE(defaults.value(QStringLiteral("defaultLifetimeDays")).toInt(), 90);

        const QString file = m_dir.filePath(QStringLiteral("policy.json"));
        QVERIFY(test::writeFile(file, "{\"maxLifetimeDays\": 30, \"defaultLifetimeDays\": 14}"));
        const Run set = asOwner({QStringLiteral("policy"), QStringLiteral("--set"), file});
        QCOMPARE(set.exitCode, 0);
        QCOMPARE(set.json()
                     .value(QStringLiteral("policy"))
                     .toObject()
                     .value(QStringLiteral("maxLifetimeDays"))
                     .toInt(),
                 30);
        const Run tooLong = asOwner(
            args({"create", "--name", "long", "--scope", "introspect", "--expires-in", "60d"}));
        QCOMPARE(tooLong.exitCode, 1);
        QCOMPARE(tooLong.errorCode(), QStringLiteral("InvalidInput"));
        QCOMPARE(auditCount(QStringLiteral("event_name = 'UpdateServiceTokenPolicy'"), {}), 1);

        for (const QByteArray &content :
             {QByteArray("{\"maxLifetimeDays\": 30, \"colour\": 1}"), QByteArray("[30]"),
              QByteArray("{\"maxLifetimeDays\": 0}"), QByteArray("not json")}) {
            const QString badFile =
                m_dir.filePath(QStringLiteral("bad-%1.json").arg(qHash(content)));
            QVERIFY(test::writeFile(badFile, content));
            const Run refused =
                asOwner({QStringLiteral("policy"), QStringLiteral("--set"), badFile});
            QCOMPARE(refused.exitCode, 1);
            QCOMPARE(refused.errorCode(), QStringLiteral("InvalidInput"));
        }
        const Run missing = asOwner({QStringLiteral("policy"), QStringLiteral("--set"),
                                     m_dir.filePath(QStringLiteral("none.json"))});
        QCOMPARE(missing.exitCode, 1);
        QCOMPARE(asOwner(args({"policy"})).json().value(QStringLiteral("policy")).toObject(),
                 set.json().value(QStringLiteral("policy")).toObject());

        // Nothing has ended long enough ago to be purged.
        const Run purged = asOwner(args({"purge"}));
        QCOMPARE(purged.exitCode, 0);
        QCOMPARE(purged.json().value(QStringLiteral("deleted")).toInt(), 0);
        QCOMPARE(auditCount(QStringLiteral("event_name = 'PurgeServiceTokens'"), {}), 1);
    }
};

QTEST_GUILESS_MAIN(TestCtlTokens)
#include "TestCtlTokens.moc"
