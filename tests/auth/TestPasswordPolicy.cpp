#include "auth/PasswordBlocklist.h"
#include "auth/PasswordPolicy.h"

#include "TestSupport.h"

#include <QElapsedTimer>
#include <QFile>
#include <QJsonObject>
#include <QTemporaryDir>

using namespace gatehouse;

namespace {

// n ASCII characters that form no run, no repetition and no listed or context word.
QString ascii(int n)
{
    const QString pattern = QStringLiteral("kx7vq2mzt9rbwj4hnplgdf");
    QString text;
    for (int i = 0; i < n; ++i)
        text += pattern[i % pattern.size()];
    return text;
}

// n astral emoji: n code points, 2n UTF-16 units, 4n UTF-8 bytes.
QString emoji(int n)
{
    QString text;
    for (int i = 0; i < n; ++i)
        text += QString::fromUcs4(i % 2 ? U"\U0001F419" : U"\U0001F600", 1);
    return text;
}

// n code points after NFC, typed as 2n decomposed code points ("a" + U+0301 becomes "á").
QString composing(int n)
{
    QString text;
    for (int i = 0; i < n; ++i)
        text += i % 2 ? QStringLiteral("o\u0308") : QStringLiteral("a\u0301");
    return text;
}

// n code points that NFC leaves alone: letters with marks that have no precomposed form.
QString combining(int n)
{
    const char16_t pattern[] = {u'q', 0x0303, u'x', 0x0323};
    QString text;
    for (int i = 0; i < n; ++i)
        text += QChar(pattern[i % 4]);
    return text;
}

const PasswordBlocklist &testList()
{
    static const PasswordBlocklist list = PasswordBlocklist::fromWords(
        {QStringLiteral("password"), QStringLiteral("qwerty"), QStringLiteral("letmein"),
         QStringLiteral("dragon"), QStringLiteral("Monkey"),
         QStringLiteral("correcthorsebatterystaple")});
    return list;
}

Result<void> check(const QString &password, bool mfa = false, const PasswordContext &context = {},
                   const PasswordPolicy &policy = PasswordPolicy::defaults())
{
    return policy.check(password, context, mfa, &testList());
}

// Empty if result is an InvalidInput refusal whose message has fragment and not the password.
QString refusalProblem(const Result<void> &result, const QString &password, const QString &fragment)
{
    if (result.ok())
        return QStringLiteral("accepted");
    const Error &error = result.error();
    if (error.code != ErrorCode::InvalidInput)
        return QString(u"wrong code " + errorCodeName(error.code) + u": " + error.message);
    if (!error.message.contains(fragment))
        return QString(u"message lacks \"" + fragment + u"\": " + error.message);
    if (password.size() >= 4 && error.message.contains(password, Qt::CaseInsensitive))
        return QStringLiteral("message echoes the password");
    return {};
}

#define VERIFY_REFUSED(result, password, fragment)                                                 \
    do {                                                                                           \
        const QString problem_ = refusalProblem((result), (password), (fragment));                 \
        QVERIFY2(problem_.isEmpty(), qPrintable(problem_));                                        \
    } while (false)

// Rows of (password, mfa, fragment); an empty fragment means accepted.
void verifyRow(const QString &password, bool mfa, const QString &fragment,
               const PasswordContext &context = {},
               const PasswordPolicy &policy = PasswordPolicy::defaults())
{
    const Result<void> result = check(password, mfa, context, policy);
    if (fragment.isEmpty()) {
        GH_VERIFY_OK(result);
        return;
    }
    VERIFY_REFUSED(result, password, fragment);
}

} // namespace

class TestPasswordPolicy : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void helpersBuildWhatTheySay()
    {
        QCOMPARE(ascii(15).size(), qsizetype(15));
        QCOMPARE(emoji(15).size(), qsizetype(30));
        QCOMPARE(emoji(15).toUtf8().size(), qsizetype(60));
        QCOMPARE(composing(15).size(), qsizetype(30));
        QCOMPARE(composing(15).normalized(QString::NormalizationForm_C).size(), qsizetype(15));
        QCOMPARE(combining(15).normalized(QString::NormalizationForm_C).size(), qsizetype(15));
    }

    // SECURITY.md SEC-04, A7: N-1, N, N+1 code points; never UTF-16 units or bytes.
    void length_data()
    {
        QTest::addColumn<QString>("password");
        QTest::addColumn<bool>("mfa");
        QTest::addColumn<QString>("fragment");
        const QString tooShort = QStringLiteral("is too short: at least 15 characters (8 when MFA");
        const QString tooShortMfa = QStringLiteral("is too short: at least 8 characters");
        const struct {
            const char *name;
            QString (*make)(int);
        } kinds[] = {
            {"ascii", ascii}, {"emoji", emoji}, {"composing", composing}, {"combining", combining}};
        for (const auto &kind : kinds) {
            for (const bool mfa : {false, true}) {
                const int n = mfa ? 8 : 15;
                const QByteArray prefix = QByteArray(kind.name) + (mfa ? " mfa " : " ");
                for (const int length : {n - 1, n, n + 1}) {
                    const QByteArray tag = prefix + QByteArray::number(length);
                    QTest::newRow(tag.constData())
                        << kind.make(length) << mfa
                        << (length < n ? (mfa ? tooShortMfa : tooShort) : QString());
                }
            }
        }
        QTest::newRow("14 with mfa") << ascii(14) << true << QString();
        QTest::newRow("empty") << QString() << false << tooShort;
        QTest::newRow("64 char passphrase")
            << QStringLiteral("violet lanterns drift over the quiet harbour while gulls sleep")
                   .leftJustified(64, u'.')
            << false << QString();
    }
    void length()
    {
        QFETCH(QString, password);
        QFETCH(bool, mfa);
        QFETCH(QString, fragment);
        verifyRow(password, mfa, fragment);
    }

    // SEC-05, A8: the cap is 1024 UTF-8 bytes of the input, whatever the characters.
    void size_data()
    {
        QTest::addColumn<QString>("password");
        QTest::addColumn<bool>("accepted");
        QTest::newRow("1024 ascii") << ascii(1024) << true;
        QTest::newRow("1025 ascii") << ascii(1025) << false;
        QTest::newRow("1024 bytes of emoji") << emoji(256) << true;
        QTest::newRow("1028 bytes of emoji") << emoji(257) << false;
        QTest::newRow("1024 bytes ending in 2-byte char") << QString(ascii(1022) + u'é') << true;
        QTest::newRow("1025 bytes ending in 2-byte char") << QString(ascii(1023) + u'é') << false;
        QTest::newRow("1025 bytes ending in emoji") << QString(ascii(1021) + emoji(1)) << false;
    }
    void size()
    {
        QFETCH(QString, password);
        QFETCH(bool, accepted);
        QCOMPARE(password.toUtf8().size() <= 1024, accepted);
        verifyRow(password, false,
                  accepted ? QString() : QStringLiteral("is longer than 1024 bytes"));
        verifyRow(password, true,
                  accepted ? QString() : QStringLiteral("is longer than 1024 bytes"));
        QCOMPARE(PasswordPolicy::defaults().checkSize(password).ok(), accepted);
    }

    void oneMebibyteIsRefusedFast()
    {
        const QString huge = ascii(1 << 20);
        const QString hugeEmoji = emoji(1 << 18);
        QElapsedTimer timer;
        timer.start();
        const Result<void> result = check(huge);
        const Result<void> emojiResult = check(hugeEmoji);
        const Result<void> sizeOnly = PasswordPolicy::defaults().checkSize(huge);
        const qint64 elapsed = timer.elapsed();
        VERIFY_REFUSED(result, huge, QStringLiteral("is longer than 1024 bytes"));
        VERIFY_REFUSED(emojiResult, hugeEmoji, QStringLiteral("is longer than 1024 bytes"));
        VERIFY_REFUSED(sizeOnly, huge, QStringLiteral("is longer than 1024 bytes"));
        QVERIFY2(elapsed < 50, qPrintable(QString::number(elapsed)));
    }

    // SEC-06, A9: controls are refused at set time, never cut; invalid text is refused.
    void characters_data()
    {
        QTest::addColumn<QString>("password");
        QTest::addColumn<QString>("fragment");
        const QString control = QStringLiteral("contains a control character");
        const QString invalid = QStringLiteral("is not valid text");
        const auto with = [](char16_t unit) {
            return QString(ascii(10) + QChar(unit) + ascii(10));
        };
        QTest::newRow("NUL inside") << with(0x0000) << control;
        QTest::newRow("NUL at end") << QString(ascii(20) + QChar(0)) << control;
        QTest::newRow("TAB") << with(u'\t') << control;
        QTest::newRow("CR") << with(u'\r') << control;
        QTest::newRow("LF") << with(u'\n') << control;
        QTest::newRow("ESC") << with(0x001B) << control;
        QTest::newRow("DEL") << with(0x007F) << control;
        QTest::newRow("NEL (C1)") << with(0x0085) << control;
        QTest::newRow("lone high surrogate") << with(0xD83D) << invalid;
        QTest::newRow("lone low surrogate") << with(0xDE00) << invalid;
        QTest::newRow("swapped pair")
            << QString(ascii(15) + QChar(0xDE00) + QChar(0xD83D)) << invalid;
        QTest::newRow("high surrogate at end") << QString(ascii(15) + QChar(0xD83D)) << invalid;
        QTest::newRow("unassigned U+0378")
            << with(0x0378) << QStringLiteral("is not assigned in the Unicode");
        // Everything printable is allowed (SEC-05).
        QString printable;
        for (char16_t c = 0x20; c < 0x7F; ++c)
            printable += QChar(c);
        QTest::newRow("all printable ascii") << printable << QString();
        QTest::newRow("spaces") << QString(u"   " + ascii(15) + u"   ") << QString();
        QTest::newRow("nbsp and ideographic space")
            << QString(ascii(8) + QChar(0x00A0) + ascii(3) + QChar(0x3000) + ascii(3)) << QString();
        QTest::newRow("zwj emoji sequence")
            << QString(ascii(15) + QString::fromUcs4(U"\U0001F469\u200D\U0001F4BB", 3))
            << QString();
        QTest::newRow("han") << QStringLiteral("我的密码是一只紫色的猫在月光下跳舞") << QString();
        QTest::newRow("arabic") << QStringLiteral("كلمة سر طويلة جدا للاختبار") << QString();
        QTest::newRow("private use") << QString(ascii(15) + QChar(0xE000)) << QString();
    }
    void characters()
    {
        QFETCH(QString, password);
        QFETCH(QString, fragment);
        verifyRow(password, false, fragment);
    }

    // The rules run in the documented order: size, characters, length, then the lists.
    void order()
    {
        const QString longWithNul = ascii(1024) + QChar(0);
        VERIFY_REFUSED(check(longWithNul), longWithNul, QStringLiteral("is longer than"));
        const QString shortWithNul = QString(u"abcd" + QChar(0));
        VERIFY_REFUSED(check(shortWithNul), shortWithNul, QStringLiteral("control character"));
        const QString shortAndCommon = QStringLiteral("dragon12");
        VERIFY_REFUSED(check(shortAndCommon), shortAndCommon, QStringLiteral("is too short"));
        VERIFY_REFUSED(check(shortAndCommon, true), shortAndCommon,
                       QStringLiteral("is a commonly used password"));
    }

    // SEC-06, SEC-13, A9, A10: one normalisation, NFC only, nothing trimmed or folded.
    void normalizeKeepsWhatWasTyped()
    {
        const QString secret = QStringLiteral("secret violet lanterns");
        const QByteArray plain = PasswordPolicy::normalize(secret);
        QCOMPARE(plain, secret.toUtf8());
        QVERIFY(PasswordPolicy::normalize(QString(u' ' + secret)) != plain);
        QVERIFY(PasswordPolicy::normalize(QString(secret + u' ')) != plain);
        QVERIFY(PasswordPolicy::normalize(QString(u"  " + secret + u"  ")) != plain);
        QVERIFY(PasswordPolicy::normalize(QStringLiteral("Secret violet lanterns")) != plain);
        QVERIFY(PasswordPolicy::normalize(secret.toUpper()) != plain);
        // NFC, not NFKC: the ligature "ﬁ" stays distinct from "fi".
        QVERIFY(PasswordPolicy::normalize(QStringLiteral("ﬁne violet lanterns"))
                != PasswordPolicy::normalize(QStringLiteral("fine violet lanterns")));
        // Non-ASCII spaces are not mapped to U+0020 either.
        QVERIFY(PasswordPolicy::normalize(QString(u"secret" + QChar(0x00A0) + u"violet"))
                != PasswordPolicy::normalize(QStringLiteral("secret violet")));

        // Leading and trailing spaces are part of an accepted password.
        GH_VERIFY_OK(check(QString(u' ' + secret + u' ')));
    }

    void normalizeKeepsNul()
    {
        const QString withNul = QString(u"abc" + QChar(0) + u"def");
        const QByteArray bytes = PasswordPolicy::normalize(withNul);
        QCOMPARE(bytes.size(), qsizetype(7));
        QCOMPARE(bytes, QByteArray("abc\0def", 7));
        QVERIFY(bytes != PasswordPolicy::normalize(QStringLiteral("abc")));
    }

    void normalizeRefusesInvalidText()
    {
        QVERIFY(PasswordPolicy::normalize(QString(u"abc" + QChar(0xD800) + u"def")).isEmpty());
        // No replacement character: "?" or U+FFFD typed for real must not match it.
        QVERIFY(PasswordPolicy::normalize(QStringLiteral("abc\uFFFDdef"))
                == "abc\xEF\xBF\xBD"
                   "def");
    }

    void nfcAndNfdAreEqual_data()
    {
        QTest::addColumn<QString>("nfc");
        QTest::addColumn<QString>("nfd");
        QTest::newRow("latin") << QStringLiteral("José Núñez likes tea")
                               << QStringLiteral("Jose\u0301 Nu\u0301n\u0303ez likes tea");
        QTest::newRow("hangul") << QStringLiteral("\uAC00\uAC01 violet lanterns")
                                << QStringLiteral("\u1100\u1161\u1100\u1161\u11A8 violet lanterns");
        QTest::newRow("mark order") << QStringLiteral("q\u0323\u0307 violet lanterns")
                                    << QStringLiteral("q\u0307\u0323 violet lanterns");
    }
    void nfcAndNfdAreEqual()
    {
        QFETCH(QString, nfc);
        QFETCH(QString, nfd);
        QVERIFY(nfc != nfd);
        QCOMPARE(PasswordPolicy::normalize(nfd), PasswordPolicy::normalize(nfc));
        QCOMPARE(PasswordPolicy::normalize(nfc),
                 nfc.normalized(QString::NormalizationForm_C).toUtf8());
        GH_VERIFY_OK(check(nfc));
        GH_VERIFY_OK(check(nfd));
    }

    // SEC-07, A6, with a fixed list so the rows do not depend on the installed one.
    void blocklist_data()
    {
        QTest::addColumn<QString>("password");
        QTest::addColumn<bool>("mfa");
        QTest::addColumn<QString>("fragment");
        const QString common = QStringLiteral("is a commonly used password");
        QTest::newRow("trailing digits") << QStringLiteral("password1234567") << false << common;
        QTest::newRow("upper case") << QStringLiteral("PASSWORD1234567") << false << common;
        QTest::newRow("digits and punctuation")
            << QStringLiteral("Password2024!!!!!!") << false << common;
        QTest::newRow("both ends") << QStringLiteral("!!!dragon2024!!!!!") << false << common;
        QTest::newRow("leading digits") << QStringLiteral("1234567password") << false << common;
        QTest::newRow("trailing spaces") << QStringLiteral("letmein 12345678") << false << common;
        QTest::newRow("whole") << QStringLiteral("CorrectHorseBatteryStaple") << false << common;
        QTest::newRow("listed upper case") << QStringLiteral("monkey!!") << true << common;
        QTest::newRow("mfa") << QStringLiteral("qwerty12") << true << common;
        QTest::newRow("word inside a phrase")
            << QStringLiteral("my dragon flies at noon") << false << QString();
        QTest::newRow("more than decoration")
            << QStringLiteral("monkeybusiness2024") << false << QString();

        const QString pattern = QStringLiteral("is a commonly used password pattern");
        QTest::newRow("repeated") << QStringLiteral("aaaaaaaaaaaaaaa") << false << pattern;
        QTest::newRow("repeated emoji") << emoji(1).repeated(15) << false << pattern;
        QTest::newRow("repeated mfa") << QStringLiteral("        ") << true << pattern;
        QTest::newRow("alphabet") << QStringLiteral("abcdefghijklmno") << false << pattern;
        QTest::newRow("alphabet backwards")
            << QStringLiteral("onmlkjihgfedcba") << false << pattern;
        QTest::newRow("alphabet wrapping") << QStringLiteral("uvwxyzabcdefghi") << false << pattern;
        QTest::newRow("digits") << QStringLiteral("123456789012345") << false << pattern;
        QTest::newRow("qwerty rows") << QStringLiteral("qwertyuiopasdfg") << false << pattern;
        QTest::newRow("qwerty rows upper") << QStringLiteral("QWERTYUIOPASDFG") << false << pattern;
        QTest::newRow("qwertz rows") << QStringLiteral("qwertzuiopasdfg") << false << pattern;
        QTest::newRow("azerty rows") << QStringLiteral("azertyuiopqsdfg") << false << pattern;
        QTest::newRow("keyboard backwards")
            << QStringLiteral("lkjhgfdsapoiuyt") << false << pattern;
        QTest::newRow("mfa alphabet") << QStringLiteral("abcdefgh") << true << pattern;
        QTest::newRow("run plus one") << QStringLiteral("abcdefghijklmnox") << false << QString();
    }
    void blocklist()
    {
        QFETCH(QString, password);
        QFETCH(bool, mfa);
        QFETCH(QString, fragment);
        verifyRow(password, mfa, fragment);
    }

    void blocklistCanBeTurnedOff()
    {
        PasswordPolicy policy;
        policy.checkBlocklist = false;
        GH_VERIFY_OK(policy.check(QStringLiteral("password1234567"), {}, false, nullptr));
        GH_VERIFY_OK(policy.check(QStringLiteral("qwertyuiopasdfg"), {}, false, &testList()));
    }

    void missingBlocklistFailsClosed()
    {
        const Result<void> result = PasswordPolicy::defaults().check(ascii(20), {}, false, nullptr);
        GH_VERIFY_ERROR(result, ErrorCode::Unavailable);
        QVERIFY(result.error().message.contains(QStringLiteral("john-data")));
    }

    void defaultListIsJohns()
    {
        QCOMPARE(PasswordBlocklist::defaultPath(), QStringLiteral("/usr/share/john/password.lst"));
        if (!QFile::exists(PasswordBlocklist::defaultPath()))
            QSKIP("john-data is not installed");
        const Result<PasswordBlocklist> list =
            PasswordBlocklist::load(PasswordBlocklist::defaultPath());
        GH_VERIFY_OK(list);
        QVERIFY2(list->size() > 3000, qPrintable(QString::number(list->size())));
        QVERIFY(list->contains(QStringLiteral("password")));
        QVERIFY(list->contains(QStringLiteral("qwertyuiop")));
        QVERIFY(!list->contains(QStringLiteral("#!comment: this list has been compiled by solar "
                                               "designer of openwall project")));

        const PasswordPolicy policy;
        const QString common = QStringLiteral("commonly used password");
        for (const QString &password :
             {QStringLiteral("password1234567"), QStringLiteral("qwertyuiopasdfg"),
              QStringLiteral("qwertyuiop12345"), QStringLiteral("Letmein!!!!!!!!!!"),
              QStringLiteral("Sunshine 2024 !!!")}) {
            VERIFY_REFUSED(policy.check(password, {}, false, &list.value()), password, common);
        }
        GH_VERIFY_OK(policy.check(ascii(20), {}, false, &list.value()));
        GH_VERIFY_OK(
            policy.check(QStringLiteral("violet lanterns drift"), {}, false, &list.value()));
    }

    void loadReadsJohnsFormat()
    {
        QTemporaryDir dir;
        QVERIFY(dir.isValid());
        const QString path = dir.filePath(QStringLiteral("list.lst"));
        QVERIFY(test::writeFile(path,
                                "#!comment: a header\r\n"
                                "#!comment:\n"
                                "\r\n"
                                "\n"
                                "Hunter2\r\n"
                                "with space\n"
                                "#hashtag\n"
                                "Jose\xCC\x81\n"
                                "last"));
        const Result<PasswordBlocklist> list = PasswordBlocklist::load(path);
        GH_VERIFY_OK(list);
        QCOMPARE(list->size(), qsizetype(5));
        QVERIFY(list->contains(QStringLiteral("hunter2")));
        QVERIFY(list->contains(QStringLiteral("with space")));
        QVERIFY(list->contains(QStringLiteral("#hashtag")));
        QVERIFY(list->contains(QStringLiteral("josé"))); // NFC
        QVERIFY(list->contains(QStringLiteral("last")));
        QVERIFY(!list->contains(QStringLiteral("Hunter2"))); // contains() takes lowered text
        QVERIFY(!list->contains(QStringLiteral("hunter2\r")));
    }

    void loadFailures()
    {
        QTemporaryDir dir;
        QVERIFY(dir.isValid());
        const Result<PasswordBlocklist> missing =
            PasswordBlocklist::load(dir.filePath(QStringLiteral("absent.lst")));
        GH_VERIFY_ERROR(missing, ErrorCode::Unavailable);
        QVERIFY(missing.error().message.contains(QStringLiteral("john-data")));

        const QString commentsOnly = dir.filePath(QStringLiteral("comments.lst"));
        QVERIFY(test::writeFile(commentsOnly, "#!comment: nothing here\n\n"));
        const Result<PasswordBlocklist> empty = PasswordBlocklist::load(commentsOnly);
        GH_VERIFY_ERROR(empty, ErrorCode::Unavailable);
        QVERIFY(empty.error().message.contains(QStringLiteral("john-data")));
    }

    void fromWordsNormalises()
    {
        const PasswordBlocklist list = PasswordBlocklist::fromWords(
            {QStringLiteral("PassWord"), QString(), QStringLiteral("Jose\u0301")});
        QCOMPARE(list.size(), qsizetype(2));
        QVERIFY(list.contains(QStringLiteral("password")));
        QVERIFY(list.contains(QStringLiteral("josé")));
        QCOMPARE(PasswordBlocklist::comparisonForm(QStringLiteral("JOSE\u0301")),
                 QStringLiteral("josé"));
    }

    // SEC-07, A6 (Kratos validator_test.go cases).
    void context_data()
    {
        QTest::addColumn<QString>("password");
        QTest::addColumn<QString>("username");
        QTest::addColumn<QString>("email");
        QTest::addColumn<QString>("displayName");
        QTest::addColumn<QString>("fragment");
        const QString account = QStringLiteral("contains your account name");
        const QString product = QStringLiteral("contains the product name");
        const QString none;
        QTest::newRow("kratos e-mail") << QStringLiteral("hello@example.com12345") << none
                                       << QStringLiteral("hello@example.com") << none << account;
        QTest::newRow("kratos identifier")
            << QStringLiteral("hello@example.com12345") << QStringLiteral("hello@example.com")
            << none << none << account;
        QTest::newRow("e-mail local part")
            << QStringLiteral("xx-HELLO-walrus-tide") << none << QStringLiteral("hello@example.com")
            << none << account;
        QTest::newRow("username") << QStringLiteral("my alicesmith is strong")
                                  << QStringLiteral("alicesmith") << none << none << account;
        QTest::newRow("username upper") << QStringLiteral("my ALICESMITH is strong")
                                        << QStringLiteral("alicesmith") << none << none << account;
        QTest::newRow("username word") << QStringLiteral("smithereens everywhere")
                                       << QStringLiteral("alice.smith") << none << none << account;
        QTest::newRow("display name word") << QStringLiteral("mary had a little lamb") << none
                                           << none << QStringLiteral("Mary Watson") << account;
        QTest::newRow("display name nfd")
            << QStringLiteral("josé likes tea and cake") << none << none
            << QStringLiteral("Jose\u0301 Nu\u0301n\u0303ez") << account;
        QTest::newRow("short username ignored") << QStringLiteral("bobcat lantern river")
                                                << QStringLiteral("bob") << none << none << none;
        QTest::newRow("short name words ignored")
            << QStringLiteral("crystal and lithium batteries") << none << none
            << QStringLiteral("Al Li") << none;
        QTest::newRow("whole short display name")
            << QStringLiteral("crystal lithium batteries") << none << none
            << QStringLiteral("Al Li") << account;
        QTest::newRow("e-mail domain word")
            << QStringLiteral("example sunsets fade") << QStringLiteral("alice")
            << QStringLiteral("alice@example.com") << QStringLiteral("Alice Liddell") << account;
        QTest::newRow("product") << QStringLiteral("gatehouse is my castle") << none << none << none
                                 << product;
        QTest::newRow("product upper")
            << QStringLiteral("MyGateHouse2024!!") << none << none << none << product;
        QTest::newRow("admin") << QStringLiteral("superADMINistrator key") << none << none << none
                               << product;
        QTest::newRow("unrelated")
            << QStringLiteral("violet lanterns drift") << QStringLiteral("alice")
            << QStringLiteral("alice@example.com") << QStringLiteral("Alice Liddell") << none;
    }
    void context()
    {
        QFETCH(QString, password);
        QFETCH(QString, username);
        QFETCH(QString, email);
        QFETCH(QString, displayName);
        QFETCH(QString, fragment);
        const PasswordContext context{username, email, displayName};
        verifyRow(password, false, fragment, context);

        PasswordPolicy off;
        off.checkContext = false;
        verifyRow(password, false, QString(), context, off);
    }

    void complexity_data()
    {
        QTest::addColumn<QString>("password");
        QTest::addColumn<bool>("accepted");
        QTest::newRow("lower only") << QStringLiteral("alllowercaseletters") << false;
        QTest::newRow("lower and digits") << QStringLiteral("lowercaseand12345") << false;
        QTest::newRow("lower upper digits") << QStringLiteral("lowerUPPER12345x") << true;
        QTest::newRow("lower upper space") << QStringLiteral("lower UPPER spaced") << true;
        QTest::newRow("lower digits symbol") << QStringLiteral("lower 12345 !!!x") << true;
        QTest::newRow("cyrillic") << QStringLiteral("ПРИВЕТмир12345678") << true;
        QTest::newRow("han only") << QStringLiteral("我的密码是一只紫色的猫在月光下") << false;
        QTest::newRow("marks add nothing") << combining(16).toLower() << false;
    }
    void complexity()
    {
        QFETCH(QString, password);
        QFETCH(bool, accepted);
        PasswordPolicy policy;
        policy.requireComplexity = true;
        verifyRow(password, false, accepted ? QString() : QStringLiteral("at least 3 of these 4"),
                  {}, policy);
        // Off by default: composition rules are not required (SEC-05).
        verifyRow(password, false, QString());
    }

    void json_roundTrip()
    {
        QCOMPARE(PasswordPolicy::defaults(), PasswordPolicy{});
        const PasswordPolicy custom{20, 10, 2048, true, false, false};
        const QJsonObject json = custom.toJson();
        QCOMPARE(json.size(), qsizetype(6));
        QCOMPARE(json.value(QStringLiteral("minLength")).toInt(), 20);
        QCOMPARE(json.value(QStringLiteral("requireComplexity")).toBool(), true);
        const Result<PasswordPolicy> back = PasswordPolicy::fromJson(json);
        GH_VERIFY_OK(back);
        QCOMPARE(back.value(), custom);

        const Result<PasswordPolicy> defaults =
            PasswordPolicy::fromJson(PasswordPolicy::defaults().toJson());
        GH_VERIFY_OK(defaults);
        QCOMPARE(defaults.value(), PasswordPolicy::defaults());

        const Result<PasswordPolicy> empty = PasswordPolicy::fromJson({});
        GH_VERIFY_OK(empty);
        QCOMPARE(empty.value(), PasswordPolicy::defaults());
    }

    void json_strict_data()
    {
        QTest::addColumn<QJsonObject>("json");
        QTest::addColumn<bool>("accepted");
        const auto obj = [](const char *key, const QJsonValue &value) {
            return QJsonObject{{QString::fromLatin1(key), value}};
        };
        QTest::newRow("unknown key") << obj("minLenght", 15) << false;
        QTest::newRow("expiry is no setting") << obj("maxAgeDays", 90) << false;
        QTest::newRow("string for int") << obj("minLength", QStringLiteral("15")) << false;
        QTest::newRow("bool for int") << obj("maxBytes", true) << false;
        QTest::newRow("null") << obj("checkBlocklist", QJsonValue()) << false;
        QTest::newRow("int for bool") << obj("requireComplexity", 1) << false;
        QTest::newRow("string for bool") << obj("checkContext", QStringLiteral("true")) << false;
        QTest::newRow("fraction") << obj("maxBytes", 1024.5) << false;
        QTest::newRow("huge") << obj("maxBytes", 1e300) << false;
        QTest::newRow("minLength 8") << obj("minLength", 8) << false;
        QTest::newRow("minLength 14") << obj("minLength", 14) << false;
        QTest::newRow("minLength 15") << obj("minLength", 15) << true;
        QTest::newRow("minLength 129") << obj("minLength", 129) << false;
        QTest::newRow("minLength negative") << obj("minLength", -15) << false;
        QTest::newRow("mfa 7") << obj("minLengthWithMfa", 7) << false;
        QTest::newRow("mfa 8") << obj("minLengthWithMfa", 8) << true;
        QTest::newRow("mfa 15") << obj("minLengthWithMfa", 15) << true;
        QTest::newRow("mfa above minLength") << obj("minLengthWithMfa", 16) << false;
        QTest::newRow("maxBytes 63") << obj("maxBytes", 63) << false;
        QTest::newRow("maxBytes 64") << obj("maxBytes", 64) << true;
        QTest::newRow("maxBytes 4096") << obj("maxBytes", 4096) << true;
        QTest::newRow("maxBytes 4097") << obj("maxBytes", 4097) << false;
        QTest::newRow("maxBytes below 4 * minLength")
            << QJsonObject{{QStringLiteral("minLength"), 128}, {QStringLiteral("maxBytes"), 511}}
            << false;
        QTest::newRow("maxBytes at 4 * minLength")
            << QJsonObject{{QStringLiteral("minLength"), 128}, {QStringLiteral("maxBytes"), 512}}
            << true;
    }
    void json_strict()
    {
        QFETCH(QJsonObject, json);
        QFETCH(bool, accepted);
        const Result<PasswordPolicy> result = PasswordPolicy::fromJson(json);
        if (accepted) {
            GH_VERIFY_OK(result);
            GH_VERIFY_OK(result->validate());
            QCOMPARE(PasswordPolicy::fromJson(result->toJson()).value(), result.value());
        } else {
            GH_VERIFY_ERROR(result, ErrorCode::InvalidInput);
            QVERIFY(result.error().message.startsWith(QStringLiteral("Password policy: ")));
        }
    }

    void invalidPolicyIsAnInternalError()
    {
        PasswordPolicy policy;
        policy.minLength = 4;
        GH_VERIFY_ERROR(policy.check(ascii(20), {}, false, &testList()), ErrorCode::Internal);
    }

    void messagesNeverEchoThePassword()
    {
        // Every refusal above goes through refusalProblem(); here one probe per rule, each
        // carrying a marker that must not reach the message in any case.
        const QString marker = QStringLiteral("Zq9Marker");
        const PasswordContext context{QStringLiteral("zq9marker"), {}, {}};
        PasswordPolicy complex;
        complex.requireComplexity = true;
        const struct {
            QString password;
            PasswordPolicy policy;
        } probes[] = {
            {marker, {}},
            {marker.repeated(200), {}},
            {QString(marker + QChar(0) + marker), {}},
            {QString(marker + QChar(0xD800) + marker), {}},
            {QString(marker + QChar(0x0378) + marker), {}},
            {QString(u"password" + QString(u'!').repeated(10)), {}},
            {QString(marker.toLower() + u"zzzzzzzz"), complex},
            {QString(marker + u"1234567"), {}},
            {QString(u"gatehouse" + marker.toUpper()), {}},
        };
        for (const auto &probe : probes) {
            const Result<void> result =
                probe.policy.check(probe.password, context, false, &testList());
            QVERIFY(!result.ok());
            QCOMPARE(result.error().code, ErrorCode::InvalidInput);
            QVERIFY(!result.error().message.contains(marker, Qt::CaseInsensitive));
            QVERIFY(!result.error().message.contains(probe.password, Qt::CaseInsensitive));
        }
    }
};

QTEST_GUILESS_MAIN(TestPasswordPolicy)
#include "TestPasswordPolicy.moc"
