#include "crypto/Otp.h"

#include "TestSupport.h"

#include <QElapsedTimer>

using namespace gatehouse;
using namespace gatehouse::crypto;

Q_DECLARE_METATYPE(gatehouse::crypto::HashAlgorithm)

namespace {

// RFC 6238's reference code uses a seed as long as the hash for each mode (SECURITY.md §3.4).
const QByteArray kSeedSha1 = QByteArrayLiteral("12345678901234567890");
const QByteArray kSeedSha256 = QByteArrayLiteral("12345678901234567890123456789012");
const QByteArray kSeedSha512 =
    QByteArrayLiteral("1234567890123456789012345678901234567890123456789012345678901234");

// 2005-03-18 01:58:29 UTC, the RFC 6238 row whose code has a leading zero.
constexpr qint64 kNow = 1111111109;

QByteArray seedFor(HashAlgorithm algorithm)
{
    switch (algorithm) {
    case HashAlgorithm::Sha1:
        return kSeedSha1;
    case HashAlgorithm::Sha256:
        return kSeedSha256;
    case HashAlgorithm::Sha512:
        return kSeedSha512;
    }
    return {};
}

QString codeAt(qint64 unixSeconds)
{
    return totp(kSeedSha1, unixSeconds);
}

} // namespace

class TestOtp : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void rfc4226_data()
    {
        QTest::addColumn<quint64>("counter");
        QTest::addColumn<QString>("code");
        const char *codes[] = {"755224", "287082", "359152", "969429", "338314",
                               "254676", "287922", "162583", "399871", "520489"};
        for (quint64 i = 0; i < 10; ++i)
            QTest::addRow("count %llu", i) << i << QString::fromLatin1(codes[i]);
    }

    void rfc4226()
    {
        QFETCH(quint64, counter);
        QFETCH(QString, code);
        QCOMPARE(hotp(kSeedSha1, counter), code);
        QCOMPARE(hotp(kSeedSha1, counter, 6, HashAlgorithm::Sha1), code);
    }

    void rfc6238_data()
    {
        QTest::addColumn<qint64>("time");
        QTest::addColumn<qint64>("step");
        QTest::addColumn<HashAlgorithm>("algorithm");
        QTest::addColumn<QString>("code");

        struct Row {
            qint64 time;
            qint64 step;
            const char *sha1;
            const char *sha256;
            const char *sha512;
        };
        const Row rows[] = {
            {59, 0x1, "94287082", "46119246", "90693936"},
            {1111111109, 0x23523EC, "07081804", "68084774", "25091201"},
            {1111111111, 0x23523ED, "14050471", "67062674", "99943326"},
            {1234567890, 0x273EF07, "89005924", "91819424", "93441116"},
            {2000000000, 0x3F940AA, "69279037", "90698825", "38618901"},
            // Year 2603: 64-bit time and counter throughout.
            {20000000000, 0x27BC86AA, "65353130", "77737706", "47863826"},
        };
        for (const Row &row : rows) {
            QTest::addRow("%lld SHA1", row.time)
                << row.time << row.step << HashAlgorithm::Sha1 << QString::fromLatin1(row.sha1);
            QTest::addRow("%lld SHA256", row.time)
                << row.time << row.step << HashAlgorithm::Sha256 << QString::fromLatin1(row.sha256);
            QTest::addRow("%lld SHA512", row.time)
                << row.time << row.step << HashAlgorithm::Sha512 << QString::fromLatin1(row.sha512);
        }
    }

    void rfc6238()
    {
        QFETCH(qint64, time);
        QFETCH(qint64, step);
        QFETCH(HashAlgorithm, algorithm);
        QFETCH(QString, code);

        TotpSettings eight;
        eight.algorithm = algorithm;
        eight.digits = 8;
        QCOMPARE(totpStep(time, eight), step);
        QCOMPARE(totp(seedFor(algorithm), time, eight), code);
        QCOMPARE(totpMatch(seedFor(algorithm), code, time, 0, std::nullopt, eight),
                 std::optional<qint64>(step));

        // A 6-digit code is the last 6 digits of the 8-digit one; 7 digits likewise.
        TotpSettings six = eight;
        six.digits = 6;
        QCOMPARE(totp(seedFor(algorithm), time, six), code.right(6));
        TotpSettings seven = eight;
        seven.digits = 7;
        QCOMPARE(totp(seedFor(algorithm), time, seven), code.right(7));
    }

    void sixDigitCrossChecks()
    {
        // SHA-1 at t=59 equals HOTP count 1.
        QCOMPARE(totp(kSeedSha1, 59), QStringLiteral("287082"));
        QCOMPARE(totp(kSeedSha1, 59), hotp(kSeedSha1, 1));
        // Leading zero kept: compared as a string, never as an integer.
        QCOMPARE(totp(kSeedSha1, kNow), QStringLiteral("081804"));
        QCOMPARE(totpMatch(kSeedSha1, u"081804", kNow, 0, std::nullopt),
                 std::optional<qint64>(0x23523EC));
        QCOMPARE(totpMatch(kSeedSha1, u"81804", kNow, 1, std::nullopt), std::nullopt);
        QCOMPARE(totpMatch(kSeedSha1, u"0081804", kNow, 1, std::nullopt), std::nullopt);
    }

    void stepIs64Bit()
    {
        QCOMPARE(totpStep(20000000000), qint64{666666666});
        QCOMPARE(totpStep(qint64{1} << 40), (qint64{1} << 40) / 30);
        QCOMPARE(totpStep(0), qint64{0});
        QCOMPARE(totpStep(29), qint64{0});
        QCOMPARE(totpStep(30), qint64{1});
        // Times before T0 are not step 0.
        QCOMPARE(totpStep(-1), qint64{-1});
        QVERIFY(totp(kSeedSha1, -1).isEmpty());
        TotpSettings shifted;
        shifted.t0 = 100;
        QCOMPARE(totpStep(130, shifted), qint64{1});
    }

    void invalidSettingsNeverProduceCodes()
    {
        QVERIFY(hotp(kSeedSha1, 0, 5).isEmpty());
        QVERIFY(hotp(kSeedSha1, 0, 9).isEmpty());
        TotpSettings zeroStep;
        zeroStep.stepSeconds = 0;
        QVERIFY(totp(kSeedSha1, kNow, zeroStep).isEmpty());
        QCOMPARE(totpMatch(kSeedSha1, u"081804", kNow, 1, std::nullopt, zeroStep), std::nullopt);
        TotpSettings fiveDigits;
        fiveDigits.digits = 5;
        QCOMPARE(totpMatch(kSeedSha1, u"81804", kNow, 1, std::nullopt, fiveDigits), std::nullopt);
        QCOMPARE(totpMatch(kSeedSha1, u"081804", kNow, -1, std::nullopt), std::nullopt);
    }

    void windowAcceptsOneStepEitherSide()
    {
        const qint64 step = totpStep(kNow);
        QCOMPARE(totpMatch(kSeedSha1, codeAt(kNow), kNow, 1, std::nullopt),
                 std::optional<qint64>(step));
        QCOMPARE(totpMatch(kSeedSha1, codeAt(kNow - 30), kNow, 1, std::nullopt),
                 std::optional<qint64>(step - 1));
        QCOMPARE(totpMatch(kSeedSha1, codeAt(kNow + 30), kNow, 1, std::nullopt),
                 std::optional<qint64>(step + 1));
        QCOMPARE(totpMatch(kSeedSha1, codeAt(kNow - 60), kNow, 1, std::nullopt), std::nullopt);
        QCOMPARE(totpMatch(kSeedSha1, codeAt(kNow + 60), kNow, 1, std::nullopt), std::nullopt);
        // Window 0 is exact.
        QCOMPARE(totpMatch(kSeedSha1, codeAt(kNow - 30), kNow, 0, std::nullopt), std::nullopt);
    }

    void replayIsRefused()
    {
        const qint64 step = totpStep(kNow);
        const QString code = codeAt(kNow);
        const auto first = totpMatch(kSeedSha1, code, kNow, 1, std::nullopt);
        QCOMPARE(first, std::optional<qint64>(step));
        // Same code, same step, a second later.
        QCOMPARE(totpMatch(kSeedSha1, code, kNow + 1, 1, first), std::nullopt);
        // The next step's code is still fine.
        QCOMPARE(totpMatch(kSeedSha1, codeAt(kNow + 30), kNow + 1, 1, first),
                 std::optional<qint64>(step + 1));
        // A code from the step before the accepted one is refused too.
        QCOMPARE(totpMatch(kSeedSha1, codeAt(kNow - 30), kNow, 1, first), std::nullopt);
    }

    void clockSteppingBackDoesNotReopenSteps()
    {
        const qint64 step = totpStep(kNow);
        // After the clock steps back 5 minutes, the then-current code is still refused.
        const qint64 earlier = kNow - 300;
        QCOMPARE(totpMatch(kSeedSha1, codeAt(earlier), earlier, 1, step), std::nullopt);
        QCOMPARE(totpMatch(kSeedSha1, codeAt(earlier), earlier, 1, std::nullopt),
                 std::optional<qint64>(totpStep(earlier)));
    }

    void hostileCodes_data()
    {
        QTest::addColumn<QString>("code");
        const QString right = codeAt(kNow); // "081804"
        QString arabicIndic;
        QString fullWidth;
        for (const QChar c : right) {
            arabicIndic.append(QChar(0x0660 + c.digitValue()));
            fullWidth.append(QChar(0xFF10 + c.digitValue()));
        }
        QTest::newRow("empty") << QStringLiteral("");
        QTest::newRow("null") << QString();
        QTest::newRow("five digits") << QStringLiteral("12345");
        QTest::newRow("seven digits") << QStringLiteral("1234567");
        QTest::newRow("letter") << QStringLiteral("12a456");
        QTest::newRow("leading space") << QStringLiteral(" 123456");
        QTest::newRow("arabic-indic 123456")
            << QStringLiteral("\u0661\u0662\u0663\u0664\u0665\u0666");
        QTest::newRow("arabic-indic right code") << arabicIndic;
        QTest::newRow("full-width right code") << fullWidth;
        QTest::newRow("right code + space") << QString(right + QLatin1Char(' '));
        QTest::newRow("space + right code") << QString(QLatin1Char(' ') + right);
        QTest::newRow("right code + NUL") << QString(right + QChar(0));
        QTest::newRow("right code as int") << QStringLiteral("81804");
        QTest::newRow("plus sign") << QStringLiteral("+81804");
        QTest::newRow("minus sign") << QStringLiteral("-81804");
        QTest::newRow("inner space") << QStringLiteral("081 804");
        QTest::newRow("1 MiB") << QString(1024 * 1024, QLatin1Char('0'));
        QTest::newRow("1 MiB ending in code")
            << QString(QString(1024 * 1024 - 6, QLatin1Char('0')) + right);
    }

    void hostileCodes()
    {
        QFETCH(QString, code);
        QElapsedTimer timer;
        timer.start();
        QCOMPARE(totpMatch(kSeedSha1, code, kNow, 1, std::nullopt), std::nullopt);
        // Refused on length before anything else: no time spent on a megabyte.
        QVERIFY(timer.elapsed() < 100);
    }
};

QTEST_GUILESS_MAIN(TestOtp)
#include "TestOtp.moc"
