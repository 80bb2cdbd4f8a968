#include "auth/Credentials.h"
#include "auth/UserDirectory.h"
#include "store/sqlite/SqliteStore.h"

#include "TestSupport.h"

#include <QFileInfo>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QProcess>
#include <QSqlDatabase>
#include <QSqlQuery>
#include <QTemporaryDir>

#include <sys/stat.h>
#include <unistd.h>

using namespace gatehouse;

namespace {

struct Run {
    int exitCode = -1;
    QString out;
    QString err;

    QJsonObject json() const
    {
        QJsonParseError error{};
        const QJsonDocument document = QJsonDocument::fromJson(out.toUtf8(), &error);
        return error.error == QJsonParseError::NoError ? document.object() : QJsonObject();
    }
};

} // namespace

// Drives the real gatehousectl binary, as scripts do.
class TestCtl : public QObject
{
    Q_OBJECT

private:
    QTemporaryDir m_dir;
    int m_counter = 0;

    QString freshPath() { return m_dir.filePath(QStringLiteral("ctl-%1.db").arg(++m_counter)); }

    Run ctl(const QStringList &arguments, const QProcessEnvironment &environment = {},
            const QString &program = QStringLiteral(GATEHOUSE_CTL_PATH))
    {
        QProcess process;
        QProcessEnvironment env =
            environment.isEmpty() ? QProcessEnvironment::systemEnvironment() : environment;
        env.remove(QStringLiteral("GATEHOUSE_DATABASE"));
        for (const QString &key : environment.keys())
            env.insert(key, environment.value(key));
        process.setProcessEnvironment(env);
        process.start(program, arguments);
        if (!process.waitForFinished(60000)) {
            process.kill();
            process.waitForFinished();
        }
        return Run{process.exitStatus() == QProcess::NormalExit ? process.exitCode() : -1,
                   QString::fromUtf8(process.readAllStandardOutput()),
                   QString::fromUtf8(process.readAllStandardError())};
    }

    Run ctlWithInput(const QStringList &arguments, const QByteArray &input,
                     const QList<QPair<QString, QString>> &variables = {})
    {
        QProcess process;
        QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
        for (const char *name : {"GATEHOUSE_DATABASE", "GATEHOUSE_PASSWORD", "GATEHOUSE_TOKEN"})
            env.remove(QString::fromLatin1(name));
        for (const auto &[name, value] : variables)
            env.insert(name, value);
        process.setProcessEnvironment(env);
        process.start(QStringLiteral(GATEHOUSE_CTL_PATH), arguments);
        process.write(input);
        process.closeWriteChannel();
        if (!process.waitForFinished(60000)) {
            process.kill();
            process.waitForFinished();
        }
        return Run{process.exitStatus() == QProcess::NormalExit ? process.exitCode() : -1,
                   QString::fromUtf8(process.readAllStandardOutput()),
                   QString::fromUtf8(process.readAllStandardError())};
    }

    // A new store whose owner "root" has `password`; empty if init failed.
    QString storeWithOwner(const QByteArray &password)
    {
        const QString path = freshPath();
        const Run init = ctlWithInput({QStringLiteral("--db"), path, QStringLiteral("init"),
                                       QStringLiteral("--owner"), QStringLiteral("root")},
                                      password);
        return init.exitCode == 0 ? path : QString();
    }

    // A store file the ctl must refuse: it exits 1, says why on stderr, prints nothing on
    // stdout, reports the error as JSON with --json, and leaves the file as it was.
    void verifyRefused(const QString &path, const QString &expectedCode, const QString &mention)
    {
        const QByteArray before = test::fileDigest(path);
        const Run text = ctl({QStringLiteral("--db"), path, QStringLiteral("info")});
        QCOMPARE(text.exitCode, 1);
        QVERIFY(text.out.isEmpty());
        QVERIFY2(text.err.contains(mention, Qt::CaseInsensitive), qPrintable(text.err));
        QVERIFY2(text.err.contains(path), qPrintable(text.err));

        const Run json =
            ctl({QStringLiteral("--db"), path, QStringLiteral("info"), QStringLiteral("--json")});
        QCOMPARE(json.exitCode, 1);
        const QJsonObject error = json.json().value(QStringLiteral("error")).toObject();
        QCOMPARE(error.value(QStringLiteral("code")).toString(), expectedCode);
        QVERIFY(error.value(QStringLiteral("message"))
                    .toString()
                    .contains(mention, Qt::CaseInsensitive));
        QCOMPARE(json.out.count(QLatin1Char('\n')), 1);
        QCOMPARE(test::fileDigest(path), before);
    }

private Q_SLOTS:
    void initTestCase() { QVERIFY(m_dir.isValid()); }

    void initThenInfo()
    {
        const QString path = freshPath();
        const Run created =
            ctl({QStringLiteral("--db"), path, QStringLiteral("init"), QStringLiteral("--json")});
        QCOMPARE(created.exitCode, 0);
        const QJsonObject made = created.json();
        QCOMPARE(made.value(QStringLiteral("path")).toString(), path);
        QCOMPARE(made.value(QStringLiteral("backend")).toString(), QStringLiteral("sqlite"));
        QCOMPARE(made.value(QStringLiteral("schemaVersion")).toInt(),
                 SqliteStore::supportedSchemaVersion());
        const QString id = made.value(QStringLiteral("storeId")).toString();
        QCOMPARE(id.size(), 36);
        const QDateTime createdAt = QDateTime::fromString(
            made.value(QStringLiteral("createdAt")).toString(), Qt::ISODateWithMs);
        QVERIFY(createdAt.isValid());
        QCOMPARE(createdAt.timeSpec(), Qt::UTC);
        QVERIFY(qAbs(createdAt.secsTo(QDateTime::currentDateTimeUtc())) < 120);
        QCOMPARE(QFileInfo(path).permissions() & 0x0077, QFileDevice::Permissions());

        // Global options may come after the command too.
        const Run shown = ctl({QStringLiteral("info"), QStringLiteral("--db"), path});
        QCOMPARE(shown.exitCode, 0);
        QVERIFY(shown.out.contains(QStringLiteral("Store id:")));
        QVERIFY(shown.out.contains(id));
        QVERIFY(shown.out.contains(path));
        QVERIFY(shown.out.contains(
            QStringLiteral("Schema version: %1").arg(SqliteStore::supportedSchemaVersion())));
        QVERIFY(shown.err.isEmpty());

        const Run json =
            ctl({QStringLiteral("--json"), QStringLiteral("--db"), path, QStringLiteral("info")});
        QCOMPARE(json.exitCode, 0);
        QCOMPARE(json.json().value(QStringLiteral("storeId")).toString(), id);
    }

    void initWithOwnerReadsThePasswordFromStdin()
    {
        const QString path = freshPath();
        const Run init = ctlWithInput(
            {QStringLiteral("--db"), path, QStringLiteral("init"), QStringLiteral("--owner"),
             QStringLiteral("Root"), QStringLiteral("--email"), QStringLiteral("root@example.com"),
             QStringLiteral("--json")},
            "correct horse battery staple\n");
        QCOMPARE(init.exitCode, 0);
        const QByteArray out = init.out.toUtf8();
        const QJsonObject json = QJsonDocument::fromJson(out).object();
        const QJsonObject owner = json.value(QStringLiteral("owner")).toObject();
        QCOMPARE(owner.value(QStringLiteral("username")).toString(), QStringLiteral("root"));
        QCOMPARE(owner.value(QStringLiteral("roles")).toArray().first().toString(),
                 QStringLiteral("owner"));
        QVERIFY(owner.value(QStringLiteral("passwordSet")).toBool());
        QVERIFY(!out.contains("correct horse"));
        const QString key = json.value(QStringLiteral("dataKeyFile")).toString();
        QCOMPARE(key, path + QStringLiteral(".key"));
        QCOMPARE(QFileInfo(key).permissions() & 0x0077, QFileDevice::Permissions());
        // The password is stored only as a scrypt hash.
        QFile file(path);
        QVERIFY(file.open(QIODevice::ReadOnly));
        QVERIFY(!file.readAll().contains("correct horse"));
    }

    void initWithAWeakOwnerPasswordLeavesNothingBehind()
    {
        const QString path = freshPath();
        const QString passwordFile = freshPath() + QStringLiteral(".pw");
        QVERIFY(test::writeFile(passwordFile, "short\n"));
        const Run refused =
            ctl({QStringLiteral("--db"), path, QStringLiteral("init"), QStringLiteral("--owner"),
                 QStringLiteral("root"), QStringLiteral("--password-file"), passwordFile});
        QCOMPARE(refused.exitCode, 1);
        QVERIFY2(refused.err.contains(QStringLiteral("too short")), qPrintable(refused.err));
        QVERIFY(!QFile::exists(path));
        QVERIFY(!QFile::exists(path + QStringLiteral(".key")));
        // --email alone is a usage error, and stray arguments too.
        QCOMPARE(ctl({QStringLiteral("--db"), path, QStringLiteral("init"),
                      QStringLiteral("--email"), QStringLiteral("a@b.example")})
                     .exitCode,
                 2);
        QCOMPARE(
            ctl({QStringLiteral("--db"), path, QStringLiteral("init"), QStringLiteral("extra")})
                .exitCode,
            2);
        QVERIFY(!QFile::exists(path));
    }

    void authLoginVerifyLogoutAndRedeem()
    {
        const QByteArray password = "correct horse battery staple";
        const QString path = storeWithOwner(password);
        QVERIFY(!path.isEmpty());
        const Run login = ctlWithInput({QStringLiteral("--db"), path, QStringLiteral("auth"),
                                        QStringLiteral("login"), QStringLiteral("ROOT"),
                                        QStringLiteral("--json")},
                                       password + "\n");
        QCOMPARE(login.exitCode, 0);
        const QString token = login.json().value(QStringLiteral("token")).toString();
        QVERIFY(token.startsWith(QStringLiteral("gh_s_")));
        QVERIFY(!login.json().value(QStringLiteral("expiresAt")).toString().isEmpty());
        const QStringList verify{QStringLiteral("--db"), path, QStringLiteral("auth"),
                                 QStringLiteral("verify"), QStringLiteral("--json")};
        const Run valid = ctlWithInput(verify, token.toUtf8());
        QCOMPARE(valid.exitCode, 0);
        QCOMPARE(valid.json().value(QStringLiteral("username")).toString(), QStringLiteral("root"));
        QCOMPARE(ctlWithInput(verify, "gh_s_not-a-real-token").exitCode, 1);
        QCOMPARE(ctlWithInput({QStringLiteral("--db"), path, QStringLiteral("auth"),
                               QStringLiteral("logout")},
                              token.toUtf8())
                     .exitCode,
                 0);
        const Run after = ctlWithInput(verify, token.toUtf8());
        QCOMPARE(after.exitCode, 1);
        QCOMPARE(
            after.json().value(QStringLiteral("error")).toObject().value(QStringLiteral("code")),
            QStringLiteral("Unauthenticated"));

        const Run wrong = ctlWithInput({QStringLiteral("--db"), path, QStringLiteral("auth"),
                                        QStringLiteral("login"), QStringLiteral("root"),
                                        QStringLiteral("--json")},
                                       "not the password at all");
        QCOMPARE(wrong.exitCode, 1);
        QVERIFY(!wrong.out.contains(QStringLiteral("not the password")));

        // A setup code issued by an administrator is redeemed with the new password on stdin.
        QString code;
        {
            auto store = SqliteStore::open(path);
            GH_VERIFY_OK(store);
            ServiceContext context(**store, Clock::system());
            UserDirectory users(context);
            auto credentials = Credentials::create(context, nullptr);
            GH_VERIFY_OK(credentials);
            auto bob = users.create(Actor::system(), NewUser{QStringLiteral("bob"), {}, {}, {}});
            GH_VERIFY_OK(bob);
            auto issued = (*credentials)->issueCode(Actor::system(), bob->id);
            GH_VERIFY_OK(issued);
            code = issued->code;
        }
        const QStringList redeem{QStringLiteral("--db"),   path,
                                 QStringLiteral("auth"),   QStringLiteral("redeem"),
                                 QStringLiteral("--code"), code};
        QCOMPARE(ctlWithInput(redeem, "short").exitCode, 1);
        QCOMPARE(ctlWithInput(redeem, "purple elephants dance quietly\n").exitCode, 0);
        QCOMPARE(ctlWithInput(redeem, "purple elephants dance quietly\n").exitCode, 1);
        QCOMPARE(ctlWithInput({QStringLiteral("--db"), path, QStringLiteral("auth"),
                               QStringLiteral("login"), QStringLiteral("bob")},
                              "purple elephants dance quietly")
                     .exitCode,
                 0);
        QCOMPARE(
            ctl({QStringLiteral("--db"), path, QStringLiteral("auth"), QStringLiteral("dance")})
                .exitCode,
            2);
    }

    void sessionListAndRevoke()
    {
        const QByteArray password = "correct horse battery staple";
        const QString path = storeWithOwner(password);
        QVERIFY(!path.isEmpty());
        QStringList tokens;
        for (int i = 0; i < 3; ++i) {
            const Run login = ctlWithInput({QStringLiteral("--db"), path, QStringLiteral("auth"),
                                            QStringLiteral("login"), QStringLiteral("root"),
                                            QStringLiteral("--json")},
                                           password);
            QCOMPARE(login.exitCode, 0);
            tokens.append(login.json().value(QStringLiteral("token")).toString());
        }
        const QList<QPair<QString, QString>> asRoot{
            {QStringLiteral("GATEHOUSE_PASSWORD"), QString::fromUtf8(password)}};
        const QStringList session{QStringLiteral("--db"), path, QStringLiteral("session")};
        auto activeIds = [&] {
            const Run listed =
                ctlWithInput(session
                                 + QStringList{QStringLiteral("list"), QStringLiteral("--as"),
                                               QStringLiteral("root"), QStringLiteral("--status"),
                                               QStringLiteral("active"), QStringLiteral("--json")},
                             {}, asRoot);
            QStringList ids;
            for (const QJsonValue &each : listed.json().value(QStringLiteral("sessions")).toArray())
                ids.append(each.toObject().value(QStringLiteral("id")).toString());
            return ids;
        };
        const QStringList ids = activeIds();
        QCOMPARE(ids.size(), 3);
        // Tokens never appear in listings.
        QVERIFY(!ctlWithInput(session
                                  + QStringList{QStringLiteral("list"), QStringLiteral("--as"),
                                                QStringLiteral("root"), QStringLiteral("--json")},
                              {}, asRoot)
                     .out.contains(tokens.first()));

        QCOMPARE(ctlWithInput(session
                                  + QStringList{QStringLiteral("revoke"), ids.first(),
                                                QStringLiteral("--as"), QStringLiteral("root")},
                              {}, asRoot)
                     .exitCode,
                 0);
        QCOMPARE(activeIds().size(), 2);
        // Signed in with one of the remaining sessions, revoke all the others but that one.
        // Listings are newest first, so the session revoked above was the last login's.
        const QString mine = tokens.at(1);
        const Run others = ctlWithInput(session
                                            + QStringList{QStringLiteral("revoke"),
                                                          QStringLiteral("--all-except-mine"),
                                                          QStringLiteral("--json")},
                                        {}, {{QStringLiteral("GATEHOUSE_TOKEN"), mine}});
        QCOMPARE(others.exitCode, 0);
        QCOMPARE(activeIds().size(), 1);
        QCOMPARE(ctlWithInput({QStringLiteral("--db"), path, QStringLiteral("auth"),
                               QStringLiteral("verify")},
                              mine.toUtf8())
                     .exitCode,
                 0);
        // Exactly one selector, valid durations, and someone signed in.
        for (const QStringList &bad :
             {QStringList{QStringLiteral("revoke")},
              QStringList{QStringLiteral("revoke"), QStringLiteral("--older-than"),
                          QStringLiteral("soon")},
              QStringList{QStringLiteral("revoke"), ids.first(), QStringLiteral("--user"),
                          QStringLiteral("root")},
              QStringList{QStringLiteral("list"), QStringLiteral("--status"),
                          QStringLiteral("odd")},
              QStringList{QStringLiteral("purge")}})
            QCOMPARE(ctlWithInput(session + bad, {}, asRoot).exitCode, 2);
        // Nobody signed in is a usage error; a session token in GATEHOUSE_TOKEN signs in too.
        QCOMPARE(ctlWithInput(session + QStringList{QStringLiteral("list")}, {}).exitCode, 2);
        QCOMPARE(ctlWithInput(session + QStringList{QStringLiteral("list")}, {},
                              {{QStringLiteral("GATEHOUSE_TOKEN"), mine}})
                     .exitCode,
                 0);
        // The owner signed in with a password only: the MFA policy (by default every
        // administrative role) withholds the owner's permissions from that session.
        const QStringList listUsers{QStringLiteral("--db"), path, QStringLiteral("user"),
                                    QStringLiteral("list"), QStringLiteral("--json")};
        const Run withheld =
            ctlWithInput(listUsers, {}, {{QStringLiteral("GATEHOUSE_TOKEN"), mine}});
        QCOMPARE(withheld.exitCode, 1);
        QVERIFY2(withheld.out.contains(QStringLiteral("require MFA")), qPrintable(withheld.out));
        QVERIFY(test::requireMfaForNoRole(path));
        QCOMPARE(ctlWithInput(listUsers, {}, {{QStringLiteral("GATEHOUSE_TOKEN"), mine}}).exitCode,
                 0);
    }

    void initRefusesAnExistingFile()
    {
        const QString path = freshPath();
        QCOMPARE(ctl({QStringLiteral("--db"), path, QStringLiteral("init")}).exitCode, 0);
        const QByteArray before = test::fileDigest(path);
        const Run again =
            ctl({QStringLiteral("--db"), path, QStringLiteral("init"), QStringLiteral("--json")});
        QCOMPARE(again.exitCode, 1);
        QCOMPARE(again.json()
                     .value(QStringLiteral("error"))
                     .toObject()
                     .value(QStringLiteral("code"))
                     .toString(),
                 QStringLiteral("Conflict"));
        QCOMPARE(test::fileDigest(path), before);

        const QString notes = freshPath();
        QVERIFY(test::writeFile(notes, "keep me"));
        QCOMPARE(ctl({QStringLiteral("--db"), notes, QStringLiteral("init")}).exitCode, 1);
        QFile file(notes);
        QVERIFY(file.open(QIODevice::ReadOnly));
        QCOMPARE(file.readAll(), QByteArray("keep me"));
    }

    void refusesBadStoreFiles()
    {
        const QString empty = freshPath();
        QVERIFY(test::writeFile(empty, {}));
        verifyRefused(empty, QStringLiteral("Integrity"), QStringLiteral("empty (0 bytes)"));
        QCOMPARE(QFileInfo(empty).size(), 0);

        const QString garbage = freshPath();
        QVERIFY(test::writeFile(garbage, QByteArray(5000, '\x5a')));
        verifyRefused(garbage, QStringLiteral("Integrity"),
                      QStringLiteral("not a SQLite database"));

        const QString missing = freshPath();
        verifyRefused(missing, QStringLiteral("NotFound"), QStringLiteral("init"));
        QVERIFY(!QFile::exists(missing));

        const QString loose = freshPath();
        QCOMPARE(ctl({QStringLiteral("--db"), loose, QStringLiteral("init")}).exitCode, 0);
        QVERIFY(::chmod(QFile::encodeName(loose).constData(), 0644) == 0);
        verifyRefused(loose, QStringLiteral("PermissionDenied"), QStringLiteral("chmod 600"));
    }

    void refusesNewerSchema()
    {
        const QString path = freshPath();
        QCOMPARE(ctl({QStringLiteral("--db"), path, QStringLiteral("init")}).exitCode, 0);
        {
            QSqlDatabase db =
                QSqlDatabase::addDatabase(QStringLiteral("QSQLITE"), QStringLiteral("future"));
            db.setDatabaseName(path);
            QVERIFY(db.open());
            QSqlQuery query(db);
            query.prepare(
                QStringLiteral("INSERT INTO schema_migrations VALUES (?, 'future', 'x')"));
            query.addBindValue(SqliteStore::supportedSchemaVersion() + 1);
            QVERIFY(query.exec());
            QVERIFY(query.exec(QStringLiteral("PRAGMA wal_checkpoint(TRUNCATE)")));
            query.finish();
            db.close();
        }
        QSqlDatabase::removeDatabase(QStringLiteral("future"));
        verifyRefused(path, QStringLiteral("Conflict"), QStringLiteral("newer Gatehouse"));
    }

    void lockedStoreSaysBusy()
    {
        // WAL lets readers through a writer's lock, so reading is blocked only when another
        // tool has switched the file back to a rollback journal and holds it exclusively.
        const QString path = freshPath();
        QCOMPARE(ctl({QStringLiteral("--db"), path, QStringLiteral("init")}).exitCode, 0);
        {
            test::LockHolderProcess holder(path, test::LockHolderProcess::Mode::Exclusive);
            QVERIFY(holder.locked());
            verifyRefused(path, QStringLiteral("Unavailable"), QStringLiteral("busy"));
            QVERIFY(holder.release());
        }
        // Released: the store opens again and is put back into WAL mode.
        QCOMPARE(ctl({QStringLiteral("--db"), path, QStringLiteral("info")}).exitCode, 0);
        QSqlDatabase db =
            QSqlDatabase::addDatabase(QStringLiteral("QSQLITE"), QStringLiteral("mode"));
        db.setDatabaseName(path);
        QVERIFY(db.open());
        {
            QSqlQuery query(db);
            QVERIFY(query.exec(QStringLiteral("PRAGMA journal_mode")) && query.next());
            QCOMPARE(query.value(0).toString(), QStringLiteral("wal"));
        }
        db.close();
        db = QSqlDatabase();
        QSqlDatabase::removeDatabase(QStringLiteral("mode"));
    }

    void readOnlyFolder()
    {
        // Permission bits do not bind root, so when the suite runs as root the ctl runs as the
        // unprivileged user "nobody" (via setpriv), in a folder that user owns but cannot write.
        const bool root = ::geteuid() == 0;
        const uid_t user = root ? 65534 : ::geteuid();
        const gid_t group = root ? 65534 : ::getegid();
        QTemporaryDir outer(QStringLiteral("/tmp/gatehouse-ctl-XXXXXX"));
        QVERIFY(outer.isValid());
        QVERIFY(::chmod(QFile::encodeName(outer.path()).constData(), 0755) == 0);
        const QString folder = outer.filePath(QStringLiteral("ro"));
        QVERIFY(QDir().mkdir(folder));
        const QString path = folder + QStringLiteral("/store.db");
        GH_VERIFY_OK(SqliteStore::create(path));
        for (const QString &file : {folder, path})
            QVERIFY(::chown(QFile::encodeName(file).constData(), user, group) == 0);
        QVERIFY(::chmod(QFile::encodeName(folder).constData(), 0555) == 0);
        const QByteArray before = test::fileDigest(path);

        auto asUser = [&](const QStringList &arguments) {
            if (!root)
                return ctl(arguments);
            return ctl(QStringList{QStringLiteral("--reuid=65534"), QStringLiteral("--regid=65534"),
                                   QStringLiteral("--clear-groups"),
                                   QStringLiteral(GATEHOUSE_CTL_PATH)}
                           + arguments,
                       {}, QStringLiteral("setpriv"));
        };
        const Run info = asUser({QStringLiteral("--db"), path, QStringLiteral("info")});
        QCOMPARE(info.exitCode, 1);
        QVERIFY2(info.err.contains(QStringLiteral("not writable")), qPrintable(info.err));
        QVERIFY2(info.err.contains(folder), qPrintable(info.err));
        QCOMPARE(test::fileDigest(path), before);

        const QString another = folder + QStringLiteral("/another.db");
        const Run init = asUser({QStringLiteral("--db"), another, QStringLiteral("init")});
        QCOMPARE(init.exitCode, 1);
        QVERIFY2(init.err.contains(QStringLiteral("not writable")), qPrintable(init.err));
        QVERIFY(!QFile::exists(another));
        QVERIFY(::chmod(QFile::encodeName(folder).constData(), 0755) == 0);
    }

    void storeFromEnvironmentAndDefaultFolder()
    {
        const QString path = freshPath();
        QProcessEnvironment env;
        env.insert(QStringLiteral("GATEHOUSE_DATABASE"), path);
        QProcess process;
        QProcessEnvironment full = QProcessEnvironment::systemEnvironment();
        full.insert(QStringLiteral("GATEHOUSE_DATABASE"), path);
        process.setProcessEnvironment(full);
        process.start(QStringLiteral(GATEHOUSE_CTL_PATH),
                      {QStringLiteral("init"), QStringLiteral("--json")});
        QVERIFY(process.waitForFinished(60000));
        QCOMPARE(process.exitCode(), 0);
        QVERIFY(QFile::exists(path));

        // Nothing said: the store goes to the user's data folder, in a private folder.
        QTemporaryDir home;
        QProcessEnvironment data;
        data.insert(QStringLiteral("XDG_DATA_HOME"), home.filePath(QStringLiteral("data")));
        const Run created = ctl({QStringLiteral("init"), QStringLiteral("--json")}, data);
        QCOMPARE(created.exitCode, 0);
        const QString expected = home.filePath(QStringLiteral("data/gatehouse/gatehouse.db"));
        QCOMPARE(created.json().value(QStringLiteral("path")).toString(), expected);
        QVERIFY(QFile::exists(expected));
        QCOMPARE(QFileInfo(QFileInfo(expected).absolutePath()).permissions() & 0x0077,
                 QFileDevice::Permissions());
    }

    void usageErrorsExitWithTwo_data()
    {
        QTest::addColumn<QStringList>("arguments");
        QTest::addColumn<QString>("mention");
        QTest::newRow("no command") << QStringList{} << QStringLiteral("no command");
        QTest::newRow("unknown command")
            << QStringList{QStringLiteral("frobnicate")} << QStringLiteral("unknown command");
        QTest::newRow("unknown option")
            << QStringList{QStringLiteral("--frob"), QStringLiteral("info")}
            << QStringLiteral("frob");
        QTest::newRow("option after command")
            << QStringList{QStringLiteral("info"), QStringLiteral("--frob")}
            << QStringLiteral("frob");
        QTest::newRow("missing value")
            << QStringList{QStringLiteral("info"), QStringLiteral("--db")} << QStringLiteral("db");
        // The message names the command, never the stray argument: it may be a secret
        // pasted into the command line (checked below).
        QTest::newRow("stray argument")
            << QStringList{QStringLiteral("info"), QStringLiteral("gh_s_pastedtoken")}
            << QStringLiteral("too many arguments for 'info'");
    }

    void usageErrorsExitWithTwo()
    {
        QFETCH(QStringList, arguments);
        QFETCH(QString, mention);
        const Run text = ctl(arguments);
        QCOMPARE(text.exitCode, 2);
        QVERIFY2(text.err.contains(mention), qPrintable(text.err));
        QVERIFY(!text.err.contains(QStringLiteral("gh_s_pastedtoken")));
        QVERIFY(text.err.contains(QStringLiteral("--help")));
        QVERIFY(text.out.isEmpty());

        const Run json = ctl(QStringList{QStringLiteral("--json")} + arguments);
        QCOMPARE(json.exitCode, 2);
        QVERIFY(json.json().contains(QStringLiteral("error")));
    }

    void helpAndVersion()
    {
        const Run help = ctl({QStringLiteral("--help")});
        QCOMPARE(help.exitCode, 0);
        QVERIFY(help.out.startsWith(QStringLiteral("Usage: gatehousectl ")));
        for (const char *word : {"init", "info", "--db", "--json", "Exit codes"})
            QVERIFY2(help.out.contains(QString::fromLatin1(word)), word);

        const Run commandHelp = ctl({QStringLiteral("init"), QStringLiteral("--help")});
        QCOMPARE(commandHelp.exitCode, 0);
        QVERIFY(commandHelp.out.startsWith(QStringLiteral("Usage: gatehousectl init")));

        const Run version = ctl({QStringLiteral("--version")});
        QCOMPARE(version.exitCode, 0);
        QCOMPARE(version.out.trimmed(), QStringLiteral("gatehousectl " GATEHOUSE_VERSION));
    }
};

QTEST_GUILESS_MAIN(TestCtl)
#include "TestCtl.moc"
