#include "crypto/Base64.h"
#include "crypto/PasswordHasher.h"

#include "TestSupport.h"

#include <QElapsedTimer>
#include <QRegularExpression>

using namespace gatehouse;
using namespace gatehouse::crypto;

using Parameters = PasswordHasher::Parameters;
Q_DECLARE_METATYPE(Parameters)

namespace {

const QByteArray kPassword = QByteArrayLiteral("correct horse battery staple");

// Produced once with Node 20 (Node's scrypt defaults: N=16384, r=8, p=1, 64-byte key):
//   node -e "const c=require('crypto');const s=c.randomBytes(16);
//            const h=c.scryptSync('correct horse battery staple',s,64);
//            console.log(s.toString('base64')+':'+h.toString('base64'))"
const QString kNodeLegacy = QStringLiteral(
    "vJWefMtnkvBIbTTEKTwtWg==:j8K8xTei5FKs4ek3GKzlh/X0RoJAjSXiQANhLSeCVZFdNh1TjNKOlXOnehVeOkkT"
    "ypuiLZhtfzCqBBeflKHfhA==");

// A PHC record at ln=14 (below today's floor), produced with Node 20:
//   node -e "const c=require('crypto');const s=c.randomBytes(16);
//            const h=c.scryptSync('correct horse battery staple',s,32,{N:16384,r:8,p:1});
//            console.log('\$scrypt\$ln=14,r=8,p=1\$'+s.toString('base64').replace(/=+$/,'')
//                        +'\$'+h.toString('base64').replace(/=+$/,''))"
const QString kLegacyPhc = QStringLiteral(
    "$scrypt$ln=14,r=8,p=1$KK/y12pKWNEdfHcQ17FR0A$hGFtUZZMvG2gRIL9IkO1EX/AgWyMhjWbABhyNfh8CgM");

} // namespace

class TestPasswordHasher : public QObject
{
    Q_OBJECT

private:
    PasswordHasher hasher() const { return PasswordHasher::create().value(); }

    // One production-strength hash, shared by the tests that only need some valid record.
    QString m_stored;

private Q_SLOTS:
    void initTestCase()
    {
        const auto created = PasswordHasher::create();
        GH_VERIFY_OK(created);
        const auto stored = created->hash(kPassword);
        GH_VERIFY_OK(stored);
        m_stored = *stored;
    }

    void defaultsAreOwaspFirstChoice()
    {
        const Parameters defaults = hasher().parameters();
        QCOMPARE(defaults.log2N, 17);
        QCOMPARE(defaults.r, 8u);
        QCOMPARE(defaults.p, 1u);
    }

    void productionHashHasPhcShape()
    {
        static const QRegularExpression shape(QStringLiteral(
            "^\\$scrypt\\$ln=17,r=8,p=1\\$([A-Za-z0-9+/]{22})\\$([A-Za-z0-9+/]{43})$"));
        const auto match = shape.match(m_stored);
        QVERIFY2(match.hasMatch(), qPrintable(m_stored));
        const auto salt = base64DecodeUnpadded(match.captured(1).toLatin1());
        const auto hash = base64DecodeUnpadded(match.captured(2).toLatin1());
        GH_VERIFY_OK(salt);
        GH_VERIFY_OK(hash);
        QCOMPARE(salt->size(), PasswordHasher::kSaltLength);
        QCOMPARE(hash->size(), PasswordHasher::kHashLength);
    }

    void productionRoundTrip()
    {
        const auto verified = hasher().verify(kPassword, m_stored);
        GH_VERIFY_OK(verified);
        QVERIFY(verified->matches);
        QVERIFY(!verified->needsRehash);
        QVERIFY(PasswordHasher::meetsFloor(hasher().parameters()));
    }

    void samePasswordGivesDifferentRecords()
    {
        const auto again = hasher().hash(kPassword);
        GH_VERIFY_OK(again);
        QVERIFY(*again != m_stored);
        // Different salts, so different hashes too.
        QVERIFY(again->section(QLatin1Char('$'), 3, 3) != m_stored.section(QLatin1Char('$'), 3, 3));
        QVERIFY(again->section(QLatin1Char('$'), 4, 4) != m_stored.section(QLatin1Char('$'), 4, 4));
    }

    void wrongPasswordDoesNotMatch()
    {
        for (const QByteArray &wrong :
             {QByteArrayLiteral("correct horse battery stapl"),
              QByteArrayLiteral("Correct horse battery staple"), QByteArray(),
              QByteArrayLiteral("correct horse battery staple "),
              QByteArrayLiteral(" correct horse battery staple")}) {
            const auto verified = hasher().verify(wrong, m_stored);
            GH_VERIFY_OK(verified);
            QVERIFY2(!verified->matches, wrong.constData());
        }
    }

    void nulIsPartOfThePassword()
    {
        const QByteArrayView withNul("abc\0def", 7);
        const auto stored = hasher().hash(withNul);
        GH_VERIFY_OK(stored);
        const auto truncated = hasher().verify(QByteArrayView("abc"), *stored);
        GH_VERIFY_OK(truncated);
        QVERIFY(!truncated->matches);
        const auto exact = hasher().verify(withNul, *stored);
        GH_VERIFY_OK(exact);
        QVERIFY(exact->matches);
    }

    void spacesArePartOfThePassword()
    {
        const auto stored = hasher().hash(" Secret passphrase ");
        GH_VERIFY_OK(stored);
        for (const char *variant : {"Secret passphrase", " Secret passphrase", "Secret passphrase ",
                                    " secret passphrase "}) {
            const auto verified = hasher().verify(QByteArrayView(variant), *stored);
            GH_VERIFY_OK(verified);
            QVERIFY2(!verified->matches, variant);
        }
    }

    void extremeParametersFailFast_data()
    {
        QTest::addColumn<QString>("from");
        QTest::addColumn<QString>("to");
        QTest::newRow("ln=31") << QStringLiteral("ln=17") << QStringLiteral("ln=31");
        QTest::newRow("ln=64") << QStringLiteral("ln=17") << QStringLiteral("ln=64");
        QTest::newRow("ln=21") << QStringLiteral("ln=17") << QStringLiteral("ln=21");
        QTest::newRow("r=1024") << QStringLiteral("r=8") << QStringLiteral("r=1024");
        QTest::newRow("r=33") << QStringLiteral("r=8") << QStringLiteral("r=33");
        QTest::newRow("p=99") << QStringLiteral("p=1") << QStringLiteral("p=99");
        QTest::newRow("p=999999999") << QStringLiteral("p=1") << QStringLiteral("p=999999999");
        QTest::newRow("ln=0") << QStringLiteral("ln=17") << QStringLiteral("ln=0");
        QTest::newRow("r=0") << QStringLiteral("r=8") << QStringLiteral("r=0");
        QTest::newRow("p=0") << QStringLiteral("p=1") << QStringLiteral("p=0");
        // 2^20 * 128 * 8 = 1 GiB: each field is in range, the memory is not.
        QTest::newRow("ln=20 r=8") << QStringLiteral("ln=17") << QStringLiteral("ln=20");
    }

    void extremeParametersFailFast()
    {
        QFETCH(QString, from);
        QFETCH(QString, to);
        QString tampered = m_stored;
        tampered.replace(from, to);
        QVERIFY(tampered != m_stored);
        QElapsedTimer timer;
        timer.start();
        const auto verified = hasher().verify(kPassword, tampered);
        QVERIFY(timer.elapsed() < 1000);
        GH_VERIFY_ERROR(verified, ErrorCode::Integrity);
    }

    void malformedRecords_data()
    {
        QTest::addColumn<QString>("stored");
        const QString salt = m_stored.section(QLatin1Char('$'), 3, 3);
        const QString hash = m_stored.section(QLatin1Char('$'), 4, 4);
        const auto phc = [](const QString &params, const QString &s, const QString &h) -> QString {
            return QStringLiteral("$scrypt$") + params + QLatin1Char('$') + s + QLatin1Char('$')
                + h;
        };
        const QString good = QStringLiteral("ln=17,r=8,p=1");

        QTest::newRow("empty") << QString();
        QTest::newRow("just prefix") << QStringLiteral("$scrypt$");
        QTest::newRow("missing hash") << QString(QStringLiteral("$scrypt$ln=17,r=8,p=1$") + salt);
        QTest::newRow("empty hash") << phc(good, salt, QString());
        QTest::newRow("empty salt") << phc(good, QString(), hash);
        QTest::newRow("missing params")
            << QString(QStringLiteral("$scrypt$") + salt + QLatin1Char('$') + hash);
        QTest::newRow("trailing $") << QString(phc(good, salt, hash) + QLatin1Char('$'));
        QTest::newRow("trailing garbage") << QString(phc(good, salt, hash) + QStringLiteral("xyz"));
        QTest::newRow("trailing space") << QString(phc(good, salt, hash) + QLatin1Char(' '));
        QTest::newRow("trailing newline") << QString(phc(good, salt, hash) + QLatin1Char('\n'));
        QTest::newRow("leading space") << QString(QLatin1Char(' ') + phc(good, salt, hash));
        QTest::newRow("other algorithm") << QString(
            QStringLiteral("$argon2id$v=19$m=65536,t=3,p=4$") + salt + QLatin1Char('$') + hash);
        QTest::newRow("upper-case id")
            << QString(QStringLiteral("$SCRYPT$ln=17,r=8,p=1$") + salt + QLatin1Char('$') + hash);
        QTest::newRow("no leading $") << phc(good, salt, hash).mid(1);
        QTest::newRow("bad base64 salt") << phc(good, QStringLiteral("@@@@@@@@@@@@"), hash);
        QTest::newRow("bad base64 hash")
            << phc(good, salt, QString(hash.left(42) + QLatin1Char('*')));
        QTest::newRow("padded salt") << phc(good, QString(salt + QStringLiteral("==")), hash);
        QTest::newRow("url-safe salt") << phc(good, QStringLiteral("-_-_-_-_-_-_-_-_-_-_-A"), hash);
        QTest::newRow("salt too short") << phc(good, QStringLiteral("AAAAAA"), hash);
        QTest::newRow("salt too long") << phc(good, QString(88, QLatin1Char('A')), hash);
        QTest::newRow("hash too short") << phc(good, salt, QStringLiteral("AAAAAAAAAAAAAAAAAAAA"));
        QTest::newRow("hash too long") << phc(good, salt, QString(88, QLatin1Char('A')));
        QTest::newRow("leading zero ln") << phc(QStringLiteral("ln=017,r=8,p=1"), salt, hash);
        QTest::newRow("leading zero r") << phc(QStringLiteral("ln=17,r=08,p=1"), salt, hash);
        QTest::newRow("leading zero p") << phc(QStringLiteral("ln=17,r=8,p=01"), salt, hash);
        QTest::newRow("plus sign") << phc(QStringLiteral("ln=+17,r=8,p=1"), salt, hash);
        QTest::newRow("minus sign") << phc(QStringLiteral("ln=17,r=-8,p=1"), salt, hash);
        QTest::newRow("hex") << phc(QStringLiteral("ln=0x11,r=8,p=1"), salt, hash);
        QTest::newRow("reordered") << phc(QStringLiteral("r=8,ln=17,p=1"), salt, hash);
        QTest::newRow("extra param") << phc(QStringLiteral("ln=17,r=8,p=1,x=1"), salt, hash);
        QTest::newRow("missing param") << phc(QStringLiteral("ln=17,r=8"), salt, hash);
        QTest::newRow("repeated param") << phc(QStringLiteral("ln=17,ln=17,p=1"), salt, hash);
        QTest::newRow("empty value") << phc(QStringLiteral("ln=,r=8,p=1"), salt, hash);
        QTest::newRow("space in params") << phc(QStringLiteral("ln=17, r=8,p=1"), salt, hash);
        QTest::newRow("N instead of ln") << phc(QStringLiteral("N=131072,r=8,p=1"), salt, hash);
        QTest::newRow("huge number")
            << phc(QStringLiteral("ln=99999999999999999999,r=8,p=1"), salt, hash);
        QTest::newRow("trailing comma") << phc(QStringLiteral("ln=17,r=8,p=1,"), salt, hash);
        QTest::newRow("non-ascii digit") << phc(QStringLiteral("ln=1\u0667,r=8,p=1"), salt, hash);
        QTest::newRow("non-latin1") << phc(good, salt, hash).replace(10, 1, QChar(0x4e00));
        QTest::newRow("NUL") << QString(phc(good, salt, hash) + QChar(0));
        QTest::newRow("very long")
            << QString(phc(good, salt, hash) + QString(100000, QLatin1Char('A')));
        QTest::newRow("legacy two colons") << QStringLiteral("AAAA:AAAA:AAAA");
        QTest::newRow("legacy empty salt")
            << QString(QLatin1Char(':') + kNodeLegacy.section(QLatin1Char(':'), 1));
        QTest::newRow("legacy unpadded") << QStringLiteral(
            "vJWefMtnkvBIbTTEKTwtWg:j8K8xTei5FKs4ek3GKzlh/X0RoJAjSXiQANhLSeCVZFdNh1TjNKOlXOnehVeOkk"
            "TypuiLZhtfzCqBBeflKHfhA");
        QTest::newRow("legacy 32-byte hash")
            << QString(kNodeLegacy.section(QLatin1Char(':'), 0, 0) + QLatin1Char(':')
                       + QLatin1String(QByteArray(32, 'x').toBase64()));
        QTest::newRow("legacy 63-byte hash")
            << QString(kNodeLegacy.section(QLatin1Char(':'), 0, 0) + QLatin1Char(':')
                       + QLatin1String(QByteArray(63, 'x').toBase64()));
        QTest::newRow("legacy 65-byte salt")
            << QString(QLatin1String(QByteArray(65, 's').toBase64()) + QLatin1Char(':')
                       + kNodeLegacy.section(QLatin1Char(':'), 1));
        QTest::newRow("no separator at all") << QStringLiteral("hunter2");
    }

    void malformedRecords()
    {
        QFETCH(QString, stored);
        QElapsedTimer timer;
        timer.start();
        const auto verified = hasher().verify(kPassword, stored);
        QVERIFY(timer.elapsed() < 1000);
        GH_VERIFY_ERROR(verified, ErrorCode::Integrity);
        if (!stored.isEmpty()) {
            // The message never repeats the stored record (or its pieces).
            QVERIFY(!verified.error().message.contains(stored));
            QVERIFY(!verified.error().message.contains(m_stored.section(QLatin1Char('$'), 3, 3)));
        }
    }

    void malformedMessage()
    {
        const auto verified = hasher().verify(kPassword, QStringLiteral("$scrypt$ln=017"));
        QVERIFY(!verified.ok());
        QVERIFY(
            verified.error().message.contains(QLatin1String("stored password hash is malformed")));
    }

    void weakerPhcVerifiesAndNeedsRehash()
    {
        const auto verified = hasher().verify(kPassword, kLegacyPhc);
        GH_VERIFY_OK(verified);
        QVERIFY(verified->matches);
        QVERIFY(verified->needsRehash);
        const auto wrong = hasher().verify("Tr0ub4dor&3", kLegacyPhc);
        GH_VERIFY_OK(wrong);
        QVERIFY(!wrong->matches);
    }

    void otherOwaspRowNeedsRehashButMatches()
    {
        const auto other = PasswordHasher::create({16, 8, 2});
        GH_VERIFY_OK(other);
        const auto stored = other->hash(kPassword);
        GH_VERIFY_OK(stored);
        QVERIFY(stored->startsWith(QLatin1String("$scrypt$ln=16,r=8,p=2$")));
        const auto byOther = other->verify(kPassword, *stored);
        GH_VERIFY_OK(byOther);
        QVERIFY(byOther->matches);
        QVERIFY(!byOther->needsRehash);
        const auto byCurrent = hasher().verify(kPassword, *stored);
        GH_VERIFY_OK(byCurrent);
        QVERIFY(byCurrent->matches);
        QVERIFY(byCurrent->needsRehash); // parameters differ from the current ones
    }

    void nodeLegacyVector()
    {
        const auto verified = hasher().verify(kPassword, kNodeLegacy);
        GH_VERIFY_OK(verified);
        QVERIFY(verified->matches);
        QVERIFY(verified->needsRehash);

        const auto wrong = hasher().verify("correct horse battery stapler", kNodeLegacy);
        GH_VERIFY_OK(wrong);
        QVERIFY(!wrong->matches);
    }

    void meetsFloor_data()
    {
        QTest::addColumn<Parameters>("parameters");
        QTest::addColumn<bool>("meets");
        // Each OWASP row, then one step below it in N or p.
        QTest::newRow("2^17/8/1") << Parameters{17, 8, 1} << true;
        QTest::newRow("2^16/8/2") << Parameters{16, 8, 2} << true;
        QTest::newRow("2^15/8/3") << Parameters{15, 8, 3} << true;
        QTest::newRow("2^14/8/5") << Parameters{14, 8, 5} << true;
        QTest::newRow("2^13/8/10") << Parameters{13, 8, 10} << true;
        QTest::newRow("2^16/8/1 (below row 1)") << Parameters{16, 8, 1} << false;
        QTest::newRow("2^15/8/2 (below row 2)") << Parameters{15, 8, 2} << false;
        QTest::newRow("2^16/8/1 (p below row 2)") << Parameters{16, 8, 1} << false;
        QTest::newRow("2^14/8/3 (below row 3)") << Parameters{14, 8, 3} << false;
        QTest::newRow("2^15/8/2 (p below row 3)") << Parameters{15, 8, 2} << false;
        QTest::newRow("2^13/8/5 (below row 4)") << Parameters{13, 8, 5} << false;
        QTest::newRow("2^14/8/4 (p below row 4)") << Parameters{14, 8, 4} << false;
        QTest::newRow("2^12/8/10 (below row 5)") << Parameters{12, 8, 10} << false;
        QTest::newRow("2^13/8/9 (p below row 5)") << Parameters{13, 8, 9} << false;
        QTest::newRow("r = 7") << Parameters{17, 7, 1} << false;
        QTest::newRow("r = 7, strong N") << Parameters{20, 7, 4} << false;
        QTest::newRow("legacy 2^14/8/1") << Parameters{14, 8, 1} << false;
        QTest::newRow("stronger N") << Parameters{18, 8, 1} << true;
        QTest::newRow("stronger r") << Parameters{17, 16, 1} << true;
        QTest::newRow("between rows") << Parameters{16, 8, 3} << true;
    }

    void meetsFloor()
    {
        QFETCH(Parameters, parameters);
        QFETCH(bool, meets);
        QCOMPARE(PasswordHasher::meetsFloor(parameters), meets);
    }

    void withinCeiling_data()
    {
        QTest::addColumn<Parameters>("parameters");
        QTest::addColumn<bool>("within");
        QTest::newRow("default") << Parameters{17, 8, 1} << true;
        QTest::newRow("256 MiB exactly") << Parameters{18, 8, 1} << true;
        QTest::newRow("512 MiB") << Parameters{19, 8, 1} << false;
        QTest::newRow("max N, r=2") << Parameters{20, 2, 1} << true;
        QTest::newRow("N = 2^21") << Parameters{21, 1, 1} << false;
        QTest::newRow("ln = 31") << Parameters{31, 8, 1} << false;
        QTest::newRow("ln = 0") << Parameters{0, 8, 1} << false;
        QTest::newRow("ln = -1") << Parameters{-1, 8, 1} << false;
        QTest::newRow("max r") << Parameters{14, 32, 1} << true;
        QTest::newRow("r = 33") << Parameters{14, 33, 1} << false;
        QTest::newRow("r = 0") << Parameters{14, 0, 1} << false;
        QTest::newRow("max p") << Parameters{14, 8, 16} << true;
        QTest::newRow("p = 17") << Parameters{14, 8, 17} << false;
        QTest::newRow("p = 0") << Parameters{14, 8, 0} << false;
        QTest::newRow("max work") << Parameters{18, 8, 16} << true;
        QTest::newRow("all maxed") << Parameters{20, 32, 16} << false;
        QTest::newRow("N >= 2^(16r)") << Parameters{16, 1, 1} << false;
        QTest::newRow("N < 2^(16r)") << Parameters{15, 1, 1} << true;
        QTest::newRow("OWASP rows") << Parameters{13, 8, 10} << true;
    }

    void withinCeiling()
    {
        QFETCH(Parameters, parameters);
        QFETCH(bool, within);
        QCOMPARE(PasswordHasher::withinCeiling(parameters), within);
    }

    void createRefusesWeakOrExtreme()
    {
        GH_VERIFY_ERROR(PasswordHasher::create({14, 8, 1}), ErrorCode::InvalidInput);
        GH_VERIFY_ERROR(PasswordHasher::create({17, 4, 1}), ErrorCode::InvalidInput);
        GH_VERIFY_ERROR(PasswordHasher::create({19, 8, 1}), ErrorCode::InvalidInput);
        GH_VERIFY_ERROR(PasswordHasher::create({17, 8, 17}), ErrorCode::InvalidInput);
        GH_VERIFY_OK(PasswordHasher::create({13, 8, 10}));
        GH_VERIFY_OK(PasswordHasher::create({18, 8, 1}));
    }
};

QTEST_GUILESS_MAIN(TestPasswordHasher)
#include "TestPasswordHasher.moc"
