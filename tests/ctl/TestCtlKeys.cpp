#include "CtlRunner.h"
#include "TestSupport.h"

#include "store/DataKeyFile.h"

#include <QDir>
#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QTemporaryDir>

using namespace gatehouse;

namespace {

const QByteArray kOwnerPassword = "correct horse battery staple";
const QByteArray kAuditorPassword = "purple elephants dance quietly";

// A run, with what this suite reads from its output.
struct Run : test::CtlRun {
    QStringList kids() const
    {
        QStringList kids;
        for (const QJsonValue &key : json().value(QStringLiteral("keys")).toArray())
            kids.append(key.toObject().value(QStringLiteral("kid")).toString());
        return kids;
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

// Drives `gatehousectl key ...` and `gatehousectl jwt ...` as scripts do: the real binary, a
// real store with its data key file beside it.
class TestCtlKeys : public QObject
{
    Q_OBJECT

private:
    QTemporaryDir m_dir;
    QString m_path;
    // The owner's session on the current store: most commands sign in with it (through
    // GATEHOUSE_TOKEN), which spares a password hash per run; --as is exercised on its own.
    QString m_rootSession;
    test::CtlRunner m_ctl; // also checks every --json run against the scripting contract

    Run ctl(const QStringList &arguments, const QByteArray &password = {},
            const QByteArray &input = {}, const QMap<QString, QString> &extraEnv = {})
    {
        QMap<QString, QString> environment = extraEnv;
        if (!password.isEmpty())
            environment.insert(QStringLiteral("GATEHOUSE_PASSWORD"), QString::fromUtf8(password));
        m_ctl.setStorePath(m_path);
        return Run{m_ctl.run(arguments, input, environment)};
    }

    // `gatehousectl ARGS --json` signed in with `session` (GATEHOUSE_TOKEN).
    Run withSession(const QString &session, const QStringList &arguments)
    {
        return ctl(arguments + args({"--json"}), {}, {},
                   {{QStringLiteral("GATEHOUSE_TOKEN"), session}});
    }

    // `key ARGS --json`, signed in as the owner.
    Run key(const QStringList &arguments)
    {
        return withSession(m_rootSession, QStringList{QStringLiteral("key")} + arguments);
    }

    // A new store (and data key file) whose owner is root; becomes the current one.
    void newStore(const QString &name)
    {
        m_path = m_dir.filePath(name);
        const Run init = ctl(args({"init", "--owner", "root"}), {}, kOwnerPassword + '\n');
        QCOMPARE(init.exitCode, 0);
        QVERIFY(QFile::exists(m_path + QStringLiteral(".key")));
        // These tests administer with the owner's password-only session; MFA is TestCtlMfa's.
        QVERIFY(test::requireMfaForNoRole(m_path));
        m_rootSession = login(QStringLiteral("root"), kOwnerPassword);
        QVERIFY(!m_rootSession.isEmpty());
    }

    QString login(const QString &name, const QByteArray &password)
    {
        const Run signedIn =
            ctl({QStringLiteral("auth"), QStringLiteral("login"), name, QStringLiteral("--json")},
                {}, password + '\n');
        return signedIn.json().value(QStringLiteral("token")).toString();
    }

    Run issue(const QString &sessionToken)
    {
        return ctl(args({"jwt", "issue", "--json"}), {}, sessionToken.toUtf8() + '\n');
    }

    Run verify(const QString &jwt, bool json = true)
    {
        return ctl(json ? args({"jwt", "verify", "--json"}) : args({"jwt", "verify"}), {},
                   jwt.toUtf8() + '\n');
    }

    // Creates a user with a password, through a setup code as the user would.
    void createUser(const char *name, const char *role, const QByteArray &password)
    {
        const Run created =
            withSession(m_rootSession, args({"user", "create", name, "--role", role}));
        QCOMPARE(created.exitCode, 0);
        const Run redeemed =
            ctl({QStringLiteral("auth"), QStringLiteral("redeem"), QStringLiteral("--code"),
                 created.json().value(QStringLiteral("setupCode")).toString()},
                {}, password + '\n');
        QCOMPARE(redeemed.exitCode, 0);
    }

private Q_SLOTS:
    void initTestCase() { QVERIFY(m_dir.isValid()); }

    void cleanup()
    {
        QVERIFY2(m_ctl.contractBreaches().isEmpty(),
                 qPrintable(m_ctl.contractBreaches().join(QLatin1Char('\n'))));
        m_ctl.clearContractBreaches();
    }

    void helpListsTheCommands()
    {
        newStore(QStringLiteral("help.db"));
        const Run help = ctl(args({"--help"}));
        QCOMPARE(help.exitCode, 0);
        QVERIFY(help.out.contains(QStringLiteral("\n  key ")));
        QVERIFY(help.out.contains(QStringLiteral("\n  jwt ")));
        const Run keyHelp = ctl(args({"key", "--help"}));
        QCOMPARE(keyHelp.exitCode, 0);
        for (const char *word : {"list", "rotate", "retire", "purge", "jwks", "--as"})
            QVERIFY2(keyHelp.out.contains(QString::fromLatin1(word)), word);
        const Run jwtHelp = ctl(args({"jwt", "--help"}));
        QCOMPARE(jwtHelp.exitCode, 0);
        for (const char *word : {"issue", "verify", "policy", "--token-file", "--issuer",
                                 "--audience", "--lifetime", "--leeway"})
            QVERIFY2(jwtHelp.out.contains(QString::fromLatin1(word)), word);
    }

    void usageErrorsTouchNothing()
    {
        newStore(QStringLiteral("usage.db"));
        const QByteArray before = test::fileDigest(m_path);
        for (const QStringList &arguments :
             {args({"key", "--json"}), args({"key", "bogus", "--json"}),
              args({"key", "retire", "--as", "root", "--json"}),
              args({"key", "list", "extra", "--as", "root", "--json"}),
              args({"key", "rotate", "--json"}), args({"jwt", "--json"}),
              args({"jwt", "bogus", "--json"}),
              args({"jwt", "issue", "--lifetime", "10m", "--json"}),
              args({"jwt", "verify", "--issuer", "x", "--json"}),
              args({"jwt", "policy", "--lifetime", "10x", "--as", "root", "--json"}),
              args({"jwt", "policy", "--leeway", "-5s", "--as", "root", "--json"}),
              args({"jwt", "policy", "--token-file", "/dev/null", "--as", "root", "--json"}),
              args({"jwt", "policy", "--json"})}) {
            const Run run = ctl(arguments, kOwnerPassword);
            QVERIFY2(run.exitCode == 2, qPrintable(arguments.join(u' ') + u" => " + run.out));
            QCOMPARE(run.errorCode(), QStringLiteral("InvalidInput"));
        }
        QCOMPARE(test::fileDigest(m_path), before);
    }

    void keysAndTokensFromStartToEnd()
    {
        newStore(QStringLiteral("keys.db"));
        const Run empty = key(args({"list"}));
        QCOMPARE(empty.exitCode, 0);
        QCOMPARE(empty.json(), (QJsonObject{{QStringLiteral("keys"), QJsonArray()}}));
        // Signing in with --as works too.
        const Run emptyText = ctl(args({"key", "list", "--as", "root"}), kOwnerPassword);
        QCOMPARE(emptyText.exitCode, 0);
        QVERIFY(emptyText.out.contains(QStringLiteral("key rotate")));

        const QString session = m_rootSession;
        QVERIFY(session.startsWith(QStringLiteral("gh_s_")));
        const Run noKey = issue(session);
        QCOMPARE(noKey.exitCode, 1);
        QCOMPARE(noKey.errorCode(), QStringLiteral("Unavailable"));
        QVERIFY(noKey.errorMessage().contains(QStringLiteral("gatehousectl key rotate")));

        const Run rotated = key(args({"rotate"}));
        QCOMPARE(rotated.exitCode, 0);
        const QString first = rotated.json().value(QStringLiteral("kid")).toString();
        QCOMPARE(first.size(), 18);
        QCOMPARE(rotated.json().value(QStringLiteral("status")).toString(),
                 QStringLiteral("active"));
        QCOMPARE(rotated.json().value(QStringLiteral("algorithm")).toString(),
                 QStringLiteral("EdDSA"));

        // The JWK Set, exactly.
        const Run jwks = key(args({"jwks"}));
        QCOMPARE(jwks.exitCode, 0);
        QCOMPARE(jwks.json().keys(), QStringList{QStringLiteral("keys")});
        const QJsonObject jwk =
            jwks.json().value(QStringLiteral("keys")).toArray().first().toObject();
        QCOMPARE(jwk.keys(),
                 (QStringList{QStringLiteral("alg"), QStringLiteral("crv"), QStringLiteral("kid"),
                              QStringLiteral("kty"), QStringLiteral("use"), QStringLiteral("x")}));
        QCOMPARE(jwk.value(QStringLiteral("kty")).toString(), QStringLiteral("OKP"));
        QCOMPARE(jwk.value(QStringLiteral("crv")).toString(), QStringLiteral("Ed25519"));
        QCOMPARE(jwk.value(QStringLiteral("use")).toString(), QStringLiteral("sig"));
        QCOMPARE(jwk.value(QStringLiteral("alg")).toString(), QStringLiteral("EdDSA"));
        QCOMPARE(jwk.value(QStringLiteral("kid")).toString(), first);
        QCOMPARE(jwk.value(QStringLiteral("x")).toString(),
                 rotated.json().value(QStringLiteral("publicKey")).toString());
        // Text mode prints the same document, for people.
        const Run jwksText = ctl(args({"key", "jwks"}), {}, {},
                                 {{QStringLiteral("GATEHOUSE_TOKEN"), m_rootSession}});
        QCOMPARE(jwksText.exitCode, 0);
        QCOMPARE(QJsonDocument::fromJson(jwksText.out.toUtf8()).object(), jwks.json());

        const QDateTime before = QDateTime::currentDateTimeUtc();
        const Run issued = issue(session);
        QCOMPARE(issued.exitCode, 0);
        QCOMPARE(issued.json().keys(),
                 (QStringList{QStringLiteral("expiresAt"), QStringLiteral("token")}));
        const QString token = issued.json().value(QStringLiteral("token")).toString();
        QCOMPARE(token.count(u'.'), 2);
        const QDateTime expiresAt = QDateTime::fromString(
            issued.json().value(QStringLiteral("expiresAt")).toString(), Qt::ISODateWithMs);
        QCOMPARE(expiresAt.timeSpec(), Qt::UTC);
        QVERIFY(expiresAt >= before.addSecs(600 - 2));
        QVERIFY(expiresAt <= before.addSecs(600 + 60));

        const Run verified = verify(token);
        QCOMPARE(verified.exitCode, 0);
        QCOMPARE(verified.json().value(QStringLiteral("valid")).toBool(), true);
        QCOMPARE(verified.json().value(QStringLiteral("kid")).toString(), first);
        const QJsonObject claims = verified.json().value(QStringLiteral("claims")).toObject();
        const Run owner = withSession(m_rootSession, args({"user", "show", "root"}));
        QCOMPARE(claims.value(QStringLiteral("sub")).toString(),
                 owner.json().value(QStringLiteral("id")).toString());
        QCOMPARE(claims.value(QStringLiteral("iss")).toString(), QStringLiteral("gatehouse"));
        QCOMPARE(claims.value(QStringLiteral("aud")).toString(), QStringLiteral("gatehouse-api"));
        QCOMPARE(claims.value(QStringLiteral("sid")).toString().size(), 36);
        const Run text = verify(token, false);
        QCOMPARE(text.exitCode, 0);
        QVERIFY(text.out.contains(QStringLiteral("Valid:")));
        QVERIFY(text.out.contains(first));
        // From a file as well.
        const QString file = m_dir.filePath(QStringLiteral("token.txt"));
        QVERIFY(test::writeFile(file, token.toUtf8() + '\n'));
        QCOMPARE(ctl({QStringLiteral("jwt"), QStringLiteral("verify"),
                      QStringLiteral("--token-file"), file})
                     .exitCode,
                 0);

        // Tampered: exit 1, and the token is echoed nowhere.
        QString tampered = token;
        tampered[tampered.indexOf(u'.') + 5] =
            tampered[tampered.indexOf(u'.') + 5] == u'A' ? QLatin1Char('B') : QLatin1Char('A');
        for (const QString &bad : {tampered, QString(token + u'x'), token.section(u'.', 0, 1),
                                   QStringLiteral("eyJhbGciOiJub25lIn0.e30.")}) {
            const Run refused = verify(bad);
            QCOMPARE(refused.exitCode, 1);
            QCOMPARE(refused.errorCode(), QStringLiteral("Unauthenticated"));
            QVERIFY(!refused.out.contains(token.section(u'.', 2)));
        }
        const Run refusedText = verify(tampered, false);
        QCOMPARE(refusedText.exitCode, 1);
        QVERIFY(refusedText.out.isEmpty());
        QVERIFY(refusedText.err.contains(QStringLiteral("Invalid access token")));
        QVERIFY(!refusedText.err.contains(tampered.section(u'.', 1, 1)));

        // Rotation: the old key verifies what it signed, the new one signs.
        const Run second = key(args({"rotate"}));
        QCOMPARE(second.exitCode, 0);
        const QString secondKid = second.json().value(QStringLiteral("kid")).toString();
        QVERIFY(secondKid != first);
        const Run listed = key(args({"list"}));
        QCOMPARE(listed.kids(), (QStringList{secondKid, first}));
        const QJsonObject old =
            listed.json().value(QStringLiteral("keys")).toArray().at(1).toObject();
        QCOMPARE(old.value(QStringLiteral("status")).toString(), QStringLiteral("verify-only"));
        QVERIFY(!old.value(QStringLiteral("retiredAfter")).toString().isEmpty());
        QCOMPARE(verify(token).exitCode, 0);
        QCOMPARE(key(args({"jwks"})).kids(), (QStringList{secondKid, first}));
        const Run fresh = issue(session);
        QCOMPARE(verify(fresh.json().value(QStringLiteral("token")).toString())
                     .json()
                     .value(QStringLiteral("kid"))
                     .toString(),
                 secondKid);
        const Run listText = ctl(args({"key", "list"}), {}, {},
                                 {{QStringLiteral("GATEHOUSE_TOKEN"), m_rootSession}});
        QVERIFY(listText.out.contains(QStringLiteral("verify-only")));

        // Retirement ends the old key at once; the signing key cannot be retired.
        const Run retired = key({QStringLiteral("retire"), first});
        QCOMPARE(retired.exitCode, 0);
        QCOMPARE(retired.json().value(QStringLiteral("status")).toString(),
                 QStringLiteral("retired"));
        const Run afterRetire = verify(token);
        QCOMPARE(afterRetire.exitCode, 1);
        QVERIFY(afterRetire.errorMessage().contains(QStringLiteral("unknown or retired key")));
        QCOMPARE(key(args({"jwks"})).kids(), QStringList{secondKid});
        const Run active = key({QStringLiteral("retire"), secondKid});
        QCOMPARE(active.exitCode, 1);
        QCOMPARE(active.errorCode(), QStringLiteral("Conflict"));
        QVERIFY(active.errorMessage().contains(QStringLiteral("rotate first")));
        const Run unknown = key(args({"retire", "k_AAAAAAAAAAAAAAAA"}));
        QCOMPARE(unknown.exitCode, 1);
        QCOMPARE(unknown.errorCode(), QStringLiteral("NotFound"));

        const Run purged = key(args({"purge"}));
        QCOMPARE(purged.exitCode, 0);
        QCOMPARE(purged.json().value(QStringLiteral("deleted")).toInt(), 1);
        QCOMPARE(key(args({"list"})).kids(), QStringList{secondKid});

        QCOMPARE(key(args({"list"})).json().value(QStringLiteral("keys")).toArray().size(), 1);
    }

    void dataKeyMissingOrWrong()
    {
        newStore(QStringLiteral("datakey.db"));
        QCOMPARE(key(args({"rotate"})).exitCode, 0);
        const QString session = m_rootSession;
        const QString token = issue(session).json().value(QStringLiteral("token")).toString();
        QVERIFY(!token.isEmpty());

        const QString keyFile = m_path + QStringLiteral(".key");
        const QString aside = m_path + QStringLiteral(".key.aside");
        QVERIFY(QFile::rename(keyFile, aside));
        const Run rotate = key(args({"rotate"}));
        QCOMPARE(rotate.exitCode, 1);
        QCOMPARE(rotate.errorCode(), QStringLiteral("Unavailable"));
        QVERIFY(rotate.errorMessage().contains(QStringLiteral(".key")));
        const Run noIssue = issue(session);
        QCOMPARE(noIssue.exitCode, 1);
        QCOMPARE(noIssue.errorCode(), QStringLiteral("Unavailable"));
        // Verification, listing and JWKS need public keys only.
        QCOMPARE(verify(token).exitCode, 0);
        QCOMPARE(key(args({"list"})).exitCode, 0);
        QCOMPARE(key(args({"jwks"})).kids().size(), 1);

        // Another store's data key: a clear Integrity error.
        const QString otherKey = m_dir.filePath(QStringLiteral("other.key"));
        GH_VERIFY_OK(DataKeyFile::create(otherKey));
        const Run wrong = ctl(args({"jwt", "issue", "--json"}), {}, session.toUtf8() + '\n',
                              {{QStringLiteral("GATEHOUSE_DATA_KEY_FILE"), otherKey}});
        QCOMPARE(wrong.exitCode, 1);
        QCOMPARE(wrong.errorCode(), QStringLiteral("Integrity"));
        QVERIFY(wrong.errorMessage().contains(QStringLiteral("different data key")));

        QVERIFY(QFile::rename(aside, keyFile));
        QCOMPARE(issue(session).exitCode, 0);
    }

    void permissions()
    {
        newStore(QStringLiteral("permissions.db"));
        QCOMPARE(key(args({"rotate"})).exitCode, 0);
        createUser("audrey", "auditor", kAuditorPassword);
        createUser("ursula", "user", kAuditorPassword);

        const QString audrey = login(QStringLiteral("audrey"), kAuditorPassword);
        const QString ursula = login(QStringLiteral("ursula"), kAuditorPassword);
        const auto as = [&](const char *user, const QStringList &arguments) {
            return withSession(qstrcmp(user, "audrey") == 0 ? audrey : ursula, arguments);
        };
        QCOMPARE(as("audrey", args({"key", "list"})).exitCode, 0);
        QCOMPARE(as("audrey", args({"key", "jwks"})).exitCode, 0);
        QCOMPARE(as("audrey", args({"jwt", "policy"})).exitCode, 0);
        for (const QStringList &change : {args({"key", "rotate"}), args({"key", "purge"}),
                                          args({"jwt", "policy", "--lifetime", "5m"})}) {
            const Run denied = as("audrey", change);
            QCOMPARE(denied.exitCode, 1);
            QCOMPARE(denied.errorCode(), QStringLiteral("PermissionDenied"));
        }
        for (const QStringList &anything : {args({"key", "list"}), args({"key", "jwks"})}) {
            const Run denied = as("ursula", anything);
            QCOMPARE(denied.exitCode, 1);
            QCOMPARE(denied.errorCode(), QStringLiteral("PermissionDenied"));
        }
        // Any signed-in user can get a token for their own session.
        QCOMPARE(issue(ursula).exitCode, 0);
        QCOMPARE(key(args({"list"})).kids().size(), 1);
    }

    void jwtPolicy()
    {
        newStore(QStringLiteral("policy.db"));
        const auto policy = [&](const QStringList &options) {
            return withSession(m_rootSession, args({"jwt", "policy"}) + options);
        };
        const Run shown = policy({});
        QCOMPARE(shown.exitCode, 0);
        const QJsonObject defaults{{QStringLiteral("issuer"), QStringLiteral("gatehouse")},
                                   {QStringLiteral("audience"), QStringLiteral("gatehouse-api")},
                                   {QStringLiteral("lifetimeSeconds"), 600},
                                   {QStringLiteral("leewaySeconds"), 60}};
        QCOMPARE(shown.json().value(QStringLiteral("policy")).toObject(), defaults);

        for (const QStringList &bad :
             {args({"--lifetime", "20m"}), args({"--lifetime", "30s"}), args({"--leeway", "61s"}),
              args({"--issuer", "has space"}), args({"--audience", ""})}) {
            const Run refused = policy(bad);
            QCOMPARE(refused.exitCode, 1);
            QCOMPARE(refused.errorCode(), QStringLiteral("InvalidInput"));
        }
        QCOMPARE(policy({}).json().value(QStringLiteral("policy")).toObject(), defaults);

        const Run set = policy(args({"--issuer", "https://auth.example", "--audience", "urn:api",
                                     "--lifetime", "5m", "--leeway", "30s"}));
        QCOMPARE(set.exitCode, 0);
        const QJsonObject wanted{{QStringLiteral("issuer"), QStringLiteral("https://auth.example")},
                                 {QStringLiteral("audience"), QStringLiteral("urn:api")},
                                 {QStringLiteral("lifetimeSeconds"), 300},
                                 {QStringLiteral("leewaySeconds"), 30}};
        QCOMPARE(set.json().value(QStringLiteral("policy")).toObject(), wanted);
        // Only what was given changes.
        const Run partly = policy(args({"--lifetime", "4m"}));
        QCOMPARE(partly.json()
                     .value(QStringLiteral("policy"))
                     .toObject()
                     .value(QStringLiteral("issuer"))
                     .toString(),
                 QStringLiteral("https://auth.example"));

        QCOMPARE(key(args({"rotate"})).exitCode, 0);
        const QDateTime before = QDateTime::currentDateTimeUtc();
        const Run issued = issue(m_rootSession);
        QCOMPARE(issued.exitCode, 0);
        const QDateTime expiresAt = QDateTime::fromString(
            issued.json().value(QStringLiteral("expiresAt")).toString(), Qt::ISODateWithMs);
        QVERIFY(expiresAt <= before.addSecs(240 + 60));
        const QJsonObject claims = verify(issued.json().value(QStringLiteral("token")).toString())
                                       .json()
                                       .value(QStringLiteral("claims"))
                                       .toObject();
        QCOMPARE(claims.value(QStringLiteral("iss")).toString(),
                 QStringLiteral("https://auth.example"));
        QCOMPARE(claims.value(QStringLiteral("aud")).toString(), QStringLiteral("urn:api"));
    }
};

QTEST_GUILESS_MAIN(TestCtlKeys)
#include "TestCtlKeys.moc"
