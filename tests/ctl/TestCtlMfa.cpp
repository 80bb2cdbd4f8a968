#include "CtlRunner.h"
#include "TestSupport.h"
#include "crypto/Otp.h"

#include <QDateTime>
#include <QFile>
#include <QJsonArray>
#include <QTemporaryDir>
#include <QThread>

using namespace gatehouse;
using gatehouse::test::base32Decode;
using gatehouse::test::CtlRun;

namespace {

const QByteArray kOwnerPassword = "correct horse battery staple";
const QByteArray kAlicePassword = "purple elephants dance quietly";

// Codes for the steps around one moment, used in ascending order: each step is accepted once
// per user, and the server accepts one step of drift either way.
struct Codes {
    QString previous, current, next;
};

// Waits, if needed, until at least 20 s are left in the current 30 s step, so a short sequence
// of commands sees the same step; then the codes around it.
Codes codesNow(const QByteArray &seed)
{
    qint64 now = QDateTime::currentSecsSinceEpoch();
    if (now % 30 > 10) {
        QThread::sleep(static_cast<unsigned long>(30 - now % 30));
        now = QDateTime::currentSecsSinceEpoch();
    }
    return {crypto::totp(seed, now - 30), crypto::totp(seed, now), crypto::totp(seed, now + 30)};
}

QStringList args(std::initializer_list<const char *> list)
{
    QStringList out;
    for (const char *item : list)
        out.append(QString::fromUtf8(item));
    return out;
}

} // namespace

// MFA end to end through the real gatehousectl: enrolment, the two-step and one-step sign-in,
// recovery codes, the code an administrator's own sign-in needs, and an administrator's reset.
class TestCtlMfa : public QObject
{
    Q_OBJECT

private:
    QTemporaryDir m_dir;
    test::CtlRunner m_ctl;

    QByteArray storeBytes() const
    {
        QByteArray bytes;
        for (const QString &suffix : {QString(), QStringLiteral("-wal")}) {
            QFile file(m_ctl.storePath() + suffix);
            if (file.open(QIODevice::ReadOnly))
                bytes += file.readAll();
        }
        return bytes;
    }

    CtlRun asOwner(const QStringList &arguments, const QString &code = {})
    {
        QMap<QString, QString> env{
            {QStringLiteral("GATEHOUSE_PASSWORD"), QString::fromUtf8(kOwnerPassword)}};
        if (!code.isEmpty())
            env.insert(QStringLiteral("GATEHOUSE_TOTP"), code);
        return m_ctl.run(arguments + args({"--as", "root", "--json"}), {}, env);
    }

    // Enrols `name` (password `password`) and confirms with `confirmCode(seed)`; the seed.
    QByteArray enrol(const QString &name, const QByteArray &password,
                     QStringList *recoveryCodes = nullptr)
    {
        const CtlRun started = m_ctl.run(
            {QStringLiteral("mfa"), QStringLiteral("enroll"), name, QStringLiteral("--json")},
            password + '\n');
        if (started.exitCode != 0)
            return {};
        const QString secret = started.json().value(QStringLiteral("secret")).toString();
        const QByteArray seed = base32Decode(secret);
        const CtlRun confirmed =
            m_ctl.run({QStringLiteral("mfa"), QStringLiteral("confirm"), name,
                       QStringLiteral("--code"), codesNow(seed).previous, QStringLiteral("--json")},
                      password + '\n');
        if (confirmed.exitCode != 0)
            return {};
        if (recoveryCodes) {
            for (const QJsonValue &code :
                 confirmed.json().value(QStringLiteral("recoveryCodes")).toArray())
                recoveryCodes->append(code.toString());
        }
        return seed;
    }

private Q_SLOTS:
    void initTestCase()
    {
        QVERIFY(m_dir.isValid());
        m_ctl.setStorePath(m_dir.filePath(QStringLiteral("mfa.db")));
        const CtlRun init =
            m_ctl.run(args({"init", "--owner", "root", "--email", "root@example.com"}),
                      kOwnerPassword + '\n');
        QCOMPARE(init.exitCode, 0);
        const CtlRun alice = asOwner(args({"user", "create", "alice"}));
        QCOMPARE(alice.exitCode, 0);
        const CtlRun redeemed =
            m_ctl.run({QStringLiteral("auth"), QStringLiteral("redeem"), QStringLiteral("--code"),
                       alice.json().value(QStringLiteral("setupCode")).toString()},
                      kAlicePassword + '\n');
        QCOMPARE(redeemed.exitCode, 0);
    }

    void cleanup()
    {
        QVERIFY2(m_ctl.contractBreaches().isEmpty(),
                 qPrintable(m_ctl.contractBreaches().join(QLatin1Char('\n'))));
    }

    void usageErrors()
    {
        QCOMPARE(m_ctl.run(args({"mfa"})).exitCode, 2);
        QCOMPARE(m_ctl.run(args({"mfa", "frobnicate", "alice"})).exitCode, 2);
        QCOMPARE(m_ctl.run(args({"mfa", "confirm", "alice"}), kAlicePassword + '\n').exitCode, 2);
        QCOMPARE(m_ctl.run(args({"mfa", "reset", "alice"})).exitCode, 2);
        const CtlRun help = m_ctl.run(args({"mfa", "--help"}));
        QCOMPARE(help.exitCode, 0);
        for (const char *action : {"enroll", "confirm", "recovery-codes", "disable", "reset"})
            QVERIFY2(help.out.contains(QString::fromLatin1(action)), action);
    }

    void enrolSignInInTwoStepsAndWithARecoveryCode()
    {
        // A wrong password starts nothing.
        const CtlRun wrong = m_ctl.run(args({"mfa", "enroll", "alice", "--json"}), "nope\n");
        QCOMPARE(wrong.exitCode, 1);
        QCOMPARE(wrong.errorCode(), QStringLiteral("Unauthenticated"));

        const CtlRun started =
            m_ctl.run(args({"mfa", "enroll", "alice", "--json"}), kAlicePassword + '\n');
        QCOMPARE(started.exitCode, 0);
        const QString secret = started.json().value(QStringLiteral("secret")).toString();
        QCOMPARE(secret.size(), 32);
        QVERIFY(started.json()
                    .value(QStringLiteral("otpauthUri"))
                    .toString()
                    .startsWith(QStringLiteral("otpauth://totp/Gatehouse:alice?secret=") + secret));
        QVERIFY(!storeBytes().contains(secret.toLatin1()));
        const QByteArray seed = base32Decode(secret);

        const CtlRun badCode = m_ctl.run(
            args({"mfa", "confirm", "alice", "--code", "000000", "--json"}), kAlicePassword + '\n');
        QCOMPARE(badCode.exitCode, 1);
        QCOMPARE(badCode.errorCode(), QStringLiteral("InvalidInput"));

        const Codes codes = codesNow(seed);
        const CtlRun confirmed =
            m_ctl.run({QStringLiteral("mfa"), QStringLiteral("confirm"), QStringLiteral("alice"),
                       QStringLiteral("--code"), codes.previous, QStringLiteral("--json")},
                      kAlicePassword + '\n');
        QCOMPARE(confirmed.exitCode, 0);
        const QJsonArray recovery =
            confirmed.json().value(QStringLiteral("recoveryCodes")).toArray();
        QCOMPARE(recovery.size(), 10);

        // Password alone: a challenge, which is no session.
        const CtlRun first =
            m_ctl.run(args({"auth", "login", "alice", "--json"}), kAlicePassword + '\n');
        QCOMPARE(first.exitCode, 0);
        QVERIFY(first.json().value(QStringLiteral("mfaRequired")).toBool());
        const QByteArray challenge =
            first.json().value(QStringLiteral("challenge")).toString().toLatin1();
        QVERIFY(first.json().value(QStringLiteral("token")).isUndefined());
        QCOMPARE(m_ctl.run(args({"auth", "verify", "--json"}), challenge).exitCode, 1);

        const CtlRun second =
            m_ctl.run({QStringLiteral("auth"), QStringLiteral("mfa"), QStringLiteral("--code"),
                       codes.current, QStringLiteral("--json")},
                      challenge);
        QCOMPARE(second.exitCode, 0);
        const QByteArray token = second.json().value(QStringLiteral("token")).toString().toLatin1();
        QVERIFY(second.json().value(QStringLiteral("mfaAuthenticated")).toBool());
        const CtlRun verified = m_ctl.run(args({"auth", "verify", "--json"}), token);
        QCOMPARE(verified.exitCode, 0);
        QVERIFY(verified.json().value(QStringLiteral("mfaAuthenticated")).toBool());

        // The same code again is refused, whatever the path.
        const CtlRun replay =
            m_ctl.run({QStringLiteral("auth"), QStringLiteral("login"), QStringLiteral("alice"),
                       QStringLiteral("--totp"), codes.current, QStringLiteral("--json")},
                      kAlicePassword + '\n');
        QCOMPARE(replay.exitCode, 1);
        QCOMPARE(replay.errorCode(), QStringLiteral("Unauthenticated"));

        // One step with a recovery code, which then is spent.
        const QString recoveryCode = recovery.first().toString();
        const CtlRun withRecovery =
            m_ctl.run({QStringLiteral("auth"), QStringLiteral("login"), QStringLiteral("alice"),
                       QStringLiteral("--totp"), recoveryCode, QStringLiteral("--json")},
                      kAlicePassword + '\n');
        QCOMPARE(withRecovery.exitCode, 0);
        QVERIFY(withRecovery.json().value(QStringLiteral("mfaAuthenticated")).toBool());
        QCOMPARE(m_ctl
                     .run({QStringLiteral("auth"), QStringLiteral("login"), QStringLiteral("alice"),
                           QStringLiteral("--totp"), recoveryCode, QStringLiteral("--json")},
                          kAlicePassword + '\n')
                     .exitCode,
                 1);
        for (const QJsonValue &code : recovery)
            QVERIFY(!storeBytes().contains(code.toString().toLatin1()));
    }

    void anAdministratorWithMfaNeedsTheCodeAndResetsOthers()
    {
        const QByteArray seed = enrol(QStringLiteral("root"), kOwnerPassword);
        QVERIFY(!seed.isEmpty());
        const Codes codes = codesNow(seed);
        // The password alone no longer signs the owner in, and the message says what to do.
        const CtlRun refused = asOwner(args({"user", "list"}));
        QCOMPARE(refused.exitCode, 1);
        QCOMPARE(refused.errorCode(), QStringLiteral("Unauthenticated"));
        QVERIFY(refused.out.contains(QStringLiteral("GATEHOUSE_TOTP")));
        QCOMPARE(asOwner(args({"user", "list"}), codes.current).exitCode, 0);

        const CtlRun reset =
            asOwner(args({"mfa", "reset", "alice", "--reason", "lost phone"}), codes.next);
        QCOMPARE(reset.exitCode, 0);
        QCOMPARE(reset.json()
                     .value(QStringLiteral("user"))
                     .toObject()
                     .value(QStringLiteral("mfaEnrolled"))
                     .toBool(true),
                 false);
        const CtlRun plain =
            m_ctl.run(args({"auth", "login", "alice", "--json"}), kAlicePassword + '\n');
        QCOMPARE(plain.exitCode, 0);
        QVERIFY(!plain.json().value(QStringLiteral("token")).toString().isEmpty());
    }
};

QTEST_GUILESS_MAIN(TestCtlMfa)
#include "TestCtlMfa.moc"
