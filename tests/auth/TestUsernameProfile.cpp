#include "auth/UsernameProfile.h"

#include "TestSupport.h"

using namespace gatehouse;

namespace {

QString cps(std::u32string_view codePoints)
{
    return QString::fromUcs4(codePoints.data(), static_cast<qsizetype>(codePoints.size()));
}

QString repeated(const QString &unit, int times)
{
    QString out;
    for (int i = 0; i < times; ++i)
        out += unit;
    return out;
}

qsizetype codePointCount(const QString &text)
{
    return text.toUcs4().size();
}

// Messages are plain printable ASCII: no CR/LF, no bidi override, nothing copied from input.
bool isPlainAscii(const QString &message)
{
    return std::all_of(message.begin(), message.end(),
                       [](QChar c) { return c.unicode() >= 0x20 && c.unicode() < 0x7F; });
}

} // namespace

class TestUsernameProfile : public QObject
{
    Q_OBJECT

private:
    // Every name in this table must be accepted; idempotence runs over all of them.
    static void addAcceptedRows()
    {
        QTest::addColumn<QString>("input");
        QTest::addColumn<QString>("expected");
        QTest::newRow("ascii lower") << QStringLiteral("admin") << QStringLiteral("admin");
        QTest::newRow("ascii mixed case") << QStringLiteral("Admin") << QStringLiteral("admin");
        QTest::newRow("full width upper")
            << QStringLiteral("ＡＤＭＩＮ") << QStringLiteral("admin");
        QTest::newRow("full width lower")
            << QStringLiteral("ａｄｍｉｎ") << QStringLiteral("admin");
        QTest::newRow("full width digits")
            << QStringLiteral("ｕｓｅｒ１２３") << QStringLiteral("user123");
        QTest::newRow("latin and digits")
            << QStringLiteral("Alice1984") << QStringLiteral("alice1984");
        QTest::newRow("ascii punctuation")
            << QStringLiteral("_alice.b-c+d") << QStringLiteral("_alice.b-c+d");
        QTest::newRow("nfc") << QStringLiteral("José") << QStringLiteral("josé");
        QTest::newRow("nfd") << QStringLiteral("Jose\u0301") << QStringLiteral("josé");
        QTest::newRow("nfd upper") << QStringLiteral("JOSE\u0301") << QStringLiteral("josé");
        QTest::newRow("dotted capital I") << QStringLiteral("İ") << QStringLiteral("i\u0307");
        QTest::newRow("dotless i") << QStringLiteral("ı") << QStringLiteral("ı");
        QTest::newRow("sharp s stays") << QStringLiteral("Straße") << QStringLiteral("straße");
        QTest::newRow("capital sharp s") << QStringLiteral("STRAẞE") << QStringLiteral("straße");
        QTest::newRow("greek final sigma") << QStringLiteral("ΟΔΟΣ") << QStringLiteral("οδος");
        QTest::newRow("greek") << QStringLiteral("Σωκράτης") << QStringLiteral("σωκράτης");
        QTest::newRow("cyrillic only") << QStringLiteral("Дмитрий") << QStringLiteral("дмитрий");
        QTest::newRow("arabic") << QStringLiteral("محمد") << QStringLiteral("محمد");
        QTest::newRow("arabic indic digit") << QStringLiteral("محمد٣") << QStringLiteral("محمد٣");
        QTest::newRow("arabic european digit") << QStringLiteral("علي7") << QStringLiteral("علي7");
        QTest::newRow("hebrew") << QStringLiteral("דוד") << QStringLiteral("דוד");
        QTest::newRow("hebrew inner punct")
            << QStringLiteral("דוד_כהן") << QStringLiteral("דוד_כהן");
        QTest::newRow("han") << QStringLiteral("张伟") << QStringLiteral("张伟");
        QTest::newRow("latin with katakana")
            << QStringLiteral("Tanakaタナカ") << QStringLiteral("tanakaタナカ");
        QTest::newRow("half width katakana") << QStringLiteral("ｶﾞ") << QStringLiteral("ガ");
        QTest::newRow("hangul nfc") << cps(U"\uD55C") << cps(U"\uD55C");
        QTest::newRow("hangul nfd") << cps(U"\u1112\u1161\u11AB") << cps(U"\uD55C");
        QTest::newRow("catalan middle dot")
            << QStringLiteral("Col·legi") << QStringLiteral("col·legi");
        QTest::newRow("katakana middle dot")
            << QStringLiteral("タナカ・ヒロ") << QStringLiteral("タナカ・ヒロ");
        QTest::newRow("deseret") << cps(U"\U00010400") << cps(U"\U00010428");
        // PRECIS allows ASCII punctuation; the store binds parameters (SECURITY.md A12).
        QTest::newRow("sql comment") << QStringLiteral("admin'--") << QStringLiteral("admin'--");
        QTest::newRow("sql drop no space")
            << QStringLiteral("Robert');DROP--") << QStringLiteral("robert');drop--");
        QTest::newRow("sql block comment")
            << QStringLiteral("admin'/*") << QStringLiteral("admin'/*");
        // Literal percent text is not a line break; nothing URL-decodes usernames.
        QTest::newRow("percent crlf text")
            << QStringLiteral("Alice%0D%0A") << QStringLiteral("alice%0d%0a");
        QTest::newRow("html-ish") << QStringLiteral("<b>x</b>") << QStringLiteral("<b>x</b>");
        // From the Unicode sections of the Big List of Naughty Strings (SECURITY.md E18).
        QTest::newRow("blns japanese")
            << QStringLiteral("田中さんにあげて下さい") << QStringLiteral("田中さんにあげて下さい");
        QTest::newRow("blns chinese") << QStringLiteral("部落格") << QStringLiteral("部落格");
        QTest::newRow("blns cyrillic caps")
            << QStringLiteral("ЁЂЃЄЅІЇЈЉЊЋЌЍЎЏАБВГД") << QStringLiteral("ёђѓєѕіїјљњћќѝўџабвгд");
    }

private Q_SLOTS:
    void accepted_data() { addAcceptedRows(); }
    void accepted()
    {
        QFETCH(QString, input);
        QFETCH(QString, expected);
        const Result<QString> prepared = UsernameProfile::prepare(input);
        GH_VERIFY_OK(prepared);
        QCOMPARE(prepared.value(), expected);
    }

    void idempotent_data() { addAcceptedRows(); }
    void idempotent()
    {
        QFETCH(QString, input);
        const Result<QString> once = UsernameProfile::prepare(input);
        GH_VERIFY_OK(once);
        const Result<QString> twice = UsernameProfile::prepare(once.value());
        GH_VERIFY_OK(twice);
        QCOMPARE(twice.value(), once.value());
        QVERIFY(UsernameProfile::isPrepared(once.value()));
    }

    // SECURITY.md E18: these must land on one account, so a second registration gets 409.
    void sameAccount_data()
    {
        QTest::addColumn<QString>("a");
        QTest::addColumn<QString>("b");
        QTest::newRow("full width vs case")
            << QStringLiteral("ＡＤＭＩＮ") << QStringLiteral("Admin");
        QTest::newRow("full width lower")
            << QStringLiteral("ａｄｍｉｎ") << QStringLiteral("admin");
        QTest::newRow("nfc vs nfd") << QStringLiteral("José") << QStringLiteral("Jose\u0301");
        QTest::newRow("case and nfd") << QStringLiteral("JOSÉ") << QStringLiteral("jose\u0301");
        QTest::newRow("hangul") << cps(U"\uD55C") << cps(U"\u1112\u1161\u11AB");
        QTest::newRow("capital sharp s") << QStringLiteral("ẞ") << QStringLiteral("ß");
        QTest::newRow("final sigma") << QStringLiteral("ΟΔΟΣ") << QStringLiteral("οδος");
        QTest::newRow("deseret case") << cps(U"\U00010400x") << cps(U"\U00010428X");
    }
    void sameAccount()
    {
        QFETCH(QString, a);
        QFETCH(QString, b);
        const Result<QString> preparedA = UsernameProfile::prepare(a);
        const Result<QString> preparedB = UsernameProfile::prepare(b);
        GH_VERIFY_OK(preparedA);
        GH_VERIFY_OK(preparedB);
        QCOMPARE(preparedA.value(), preparedB.value());
    }

    // RFC 8265 maps case but does not fold, so these stay distinct (documented in the header).
    void distinctAccounts_data()
    {
        QTest::addColumn<QString>("a");
        QTest::addColumn<QString>("b");
        QTest::newRow("sharp s vs ss") << QStringLiteral("straße") << QStringLiteral("strasse");
        QTest::newRow("dotless i vs i") << QStringLiteral("ı") << QStringLiteral("i");
        QTest::newRow("dotted I vs i") << QStringLiteral("İ") << QStringLiteral("i");
        QTest::newRow("digit vs letter") << QStringLiteral("adm1n") << QStringLiteral("admin");
    }
    void distinctAccounts()
    {
        QFETCH(QString, a);
        QFETCH(QString, b);
        const Result<QString> preparedA = UsernameProfile::prepare(a);
        const Result<QString> preparedB = UsernameProfile::prepare(b);
        GH_VERIFY_OK(preparedA);
        GH_VERIFY_OK(preparedB);
        QVERIFY(preparedA.value() != preparedB.value());
    }

    void rejected_data()
    {
        QTest::addColumn<QString>("input");
        QTest::addColumn<QString>("reason"); // a fragment of the expected message

        const QString space = QStringLiteral("space or control");
        const QString invisible = QStringLiteral("invisible formatting");
        const QString direction = QStringLiteral("text-direction");
        const QString symbol = QStringLiteral("symbol");
        const QString compat = QStringLiteral("compatibility form");
        const QString invalid = QStringLiteral("invalid or not yet assigned");
        const QString scripts = QStringLiteral("several scripts");
        const QString bidi = QStringLiteral("right-to-left");
        const QString context = QStringLiteral("allowed only next to");
        const QString tooLong = QStringLiteral("longer than 64 characters");

        QTest::newRow("empty") << QString() << QStringLiteral("empty");
        QTest::newRow("whitespace only") << QStringLiteral("   ") << space;
        QTest::newRow("leading space") << QStringLiteral(" admin") << space;
        QTest::newRow("trailing space") << QStringLiteral("admin ") << space;
        QTest::newRow("inner space") << QStringLiteral("ad min") << space;
        QTest::newRow("nbsp") << QStringLiteral("ad\u00A0min") << space;
        QTest::newRow("ideographic space") << QStringLiteral("ad\u3000min") << space;
        QTest::newRow("line separator") << QStringLiteral("ad\u2028min") << space;
        QTest::newRow("CR") << QStringLiteral("admin\r") << space;
        QTest::newRow("LF") << QStringLiteral("admin\n") << space;
        QTest::newRow("CRLF log forging") << QStringLiteral("alice\r\nlogin ok user=root") << space;
        QTest::newRow("TAB") << QStringLiteral("ad\tmin") << space;
        QTest::newRow("NUL") << QString(QStringLiteral("admin") + QChar(0)) << space;
        QTest::newRow("DEL") << QStringLiteral("admin\u007F") << space;
        QTest::newRow("C1 control") << QStringLiteral("admin\u0085") << space;
        QTest::newRow("sql or with spaces") << QStringLiteral("' OR '1'='1") << space;
        QTest::newRow("sql drop with spaces") << QStringLiteral("\"; DROP TABLE users;--") << space;

        QTest::newRow("zero width space") << QStringLiteral("admin\u200B") << invisible;
        QTest::newRow("ZWJ") << QStringLiteral("ad\u200Dmin") << invisible;
        QTest::newRow("ZWNJ") << QStringLiteral("ad\u200Cmin") << invisible;
        QTest::newRow("word joiner") << QStringLiteral("ad\u2060min") << invisible;
        // QString::fromUcs4 would drop a leading U+FEFF as a byte-order mark.
        QTest::newRow("leading BOM") << QStringLiteral("\uFEFFadmin") << invisible;
        QTest::newRow("BOM only") << QStringLiteral("\uFEFF") << invisible;
        QTest::newRow("inner BOM") << QStringLiteral("ad\uFEFFmin") << invisible;
        QTest::newRow("soft hyphen") << QStringLiteral("ad\u00ADmin") << invisible;
        QTest::newRow("variation selector") << QStringLiteral("admin\uFE0F") << invisible;
        QTest::newRow("CGJ") << QStringLiteral("ad\u034Fmin") << invisible;
        QTest::newRow("tag character") << cps(U"admin\U000E0041") << invisible;
        QTest::newRow("hangul filler") << QStringLiteral("\u3164") << invisible;
        QTest::newRow("half width hangul filler") << QStringLiteral("\uFFA0") << invisible;

        QTest::newRow("RLO") << QStringLiteral("admin\u202Etxt.exe") << direction;
        QTest::newRow("LRE") << QStringLiteral("\u202Aadmin") << direction;
        QTest::newRow("RLE") << QStringLiteral("\u202Badmin") << direction;
        QTest::newRow("PDF") << QStringLiteral("admin\u202C") << direction;
        QTest::newRow("LRO") << QStringLiteral("\u202Dadmin") << direction;
        QTest::newRow("LRI") << QStringLiteral("\u2066admin") << direction;
        QTest::newRow("RLI") << QStringLiteral("\u2067admin") << direction;
        QTest::newRow("FSI") << QStringLiteral("\u2068admin") << direction;
        QTest::newRow("PDI") << QStringLiteral("admin\u2069") << direction;
        QTest::newRow("LRM") << QStringLiteral("admin\u200E") << direction;
        QTest::newRow("RLM") << QStringLiteral("\u200Fadmin") << direction;
        QTest::newRow("ALM") << QStringLiteral("\u061Cadmin") << direction;

        QTest::newRow("emoji") << cps(U"admin\U0001F600") << symbol;
        QTest::newRow("emoji only") << cps(U"\U0001F4A9") << symbol;
        QTest::newRow("emoji zwj sequence") << cps(U"\U0001F468\u200D\U0001F469") << symbol;
        QTest::newRow("heart") << QStringLiteral("i\u2764u") << symbol;
        QTest::newRow("trade mark") << QStringLiteral("admin™") << symbol;
        QTest::newRow("euro") << QStringLiteral("€uro") << symbol;
        QTest::newRow("em dash") << QStringLiteral("a—b") << symbol;
        QTest::newRow("guillemets") << QStringLiteral("«admin»") << symbol;
        QTest::newRow("circled letter") << QStringLiteral("Ⓐdmin") << symbol;
        QTest::newRow("arabic tatweel") << QStringLiteral("محـمد") << symbol;
        QTest::newRow("combining enclosing") << QStringLiteral("a\u20DD") << symbol;

        QTest::newRow("ligature") << QStringLiteral("ﬁle") << compat;
        QTest::newRow("superscript") << QStringLiteral("x²") << compat;
        QTest::newRow("kelvin sign") << QStringLiteral("\u212Aelvin") << compat;
        QTest::newRow("math bold") << cps(U"\U0001D41Admin") << compat;
        QTest::newRow("titlecase digraph") << QStringLiteral("ǅemal") << compat;
        QTest::newRow("roman numeral") << QStringLiteral("Ⅻ") << compat;

        QTest::newRow("private use")
            << QStringLiteral("admin\uE000") << QStringLiteral("private-use");
        QTest::newRow("unassigned") << QStringLiteral("admin\u0378") << invalid;
        QTest::newRow("noncharacter") << QStringLiteral("admin\uFDD0") << invalid;
        QTest::newRow("U+FFFF") << QStringLiteral("admin\uFFFF") << invalid;
        QTest::newRow("lone high surrogate")
            << QString(QStringLiteral("admin") + QChar(0xD800)) << invalid;
        QTest::newRow("lone low surrogate")
            << QString(QChar(0xDC00) + QStringLiteral("admin")) << invalid;
        QTest::newRow("lone jamo") << QStringLiteral("\u1100") << QStringLiteral("Hangul jamo");
        QTest::newRow("old jamo") << QStringLiteral("\uA960") << QStringLiteral("Hangul jamo");

        QTest::newRow("middle dot not between l") << QStringLiteral("a·b") << context;
        QTest::newRow("middle dot at start") << QStringLiteral("·l") << context;
        QTest::newRow("keraia without greek") << QStringLiteral("a\u0375") << context;
        QTest::newRow("geresh without hebrew") << QStringLiteral("\u05F3") << context;
        QTest::newRow("katakana dot alone") << QStringLiteral("a・b") << context;
        QTest::newRow("two arabic digit sets") << QStringLiteral("محمد٣۳") << context;

        QTest::newRow("latin with cyrillic a") << QStringLiteral("аdmin") << scripts;
        QTest::newRow("paypal cyrillic") << QStringLiteral("pаypal") << scripts;
        QTest::newRow("latin with greek") << QStringLiteral("Αdmin") << scripts;
        QTest::newRow("greek omicron") << QStringLiteral("gοogle") << scripts;
        QTest::newRow("cyrillic with greek") << QStringLiteral("дα") << scripts;
        QTest::newRow("cyrillic with digits and latin") << QStringLiteral("д1a") << scripts;

        QTest::newRow("ltr then rtl") << QStringLiteral("adminمحمد") << bidi;
        QTest::newRow("rtl then ltr") << QStringLiteral("محمدadmin") << bidi;
        QTest::newRow("hebrew then latin") << QStringLiteral("דודa") << bidi;
        QTest::newRow("rtl starts with digit") << QStringLiteral("1محمد") << bidi;
        QTest::newRow("rtl ends with punct") << QStringLiteral("דוד-") << bidi;
        QTest::newRow("rtl mixes EN and AN") << QStringLiteral("محمد٣3") << bidi;
        QTest::newRow("ltr with arabic digit") << QStringLiteral("admin٣") << bidi;

        QTest::newRow("blns math symbols") << QStringLiteral("Ω≈ç√∫˜µ≤≥÷") << symbol;
        QTest::newRow("blns accented symbols") << QStringLiteral("ÅÍÎÏ˝ÓÔÒÚÆ☃") << symbol;
        QTest::newRow("blns quotes") << QStringLiteral("Œ„´‰ˇÁ¨ˆØ∏”’") << symbol;
        QTest::newRow("blns korean") << QStringLiteral("사회과학원 어학연구소") << space;
        QTest::newRow("blns double struck") << cps(U"\U0001D54B\U0001D559\U0001D556") << compat;
        QTest::newRow("blns superscripts") << QStringLiteral("⁰⁴⁵") << compat;
        QTest::newRow("blns kaomoji") << QStringLiteral("(｡◕‿◕｡)") << symbol;
        QTest::newRow("blns lre") << QStringLiteral("\u202A\u202Atest\u202A") << direction;
        // RFC 5893 rule 1: a right-to-left label must start with a letter, not a digit.
        QTest::newRow("arabic indic digits only") << QStringLiteral("٠١٢٣٤٥٦٧٨٩") << bidi;

        QTest::newRow("65 ascii") << repeated(QStringLiteral("a"), 65) << tooLong;
        QTest::newRow("65 deseret") << repeated(cps(U"\U00010400"), 65) << tooLong;
        QTest::newRow("grows past 64 when lowered")
            << QString(repeated(QStringLiteral("a"), 63) + QStringLiteral("İ")) << tooLong;
        QTest::newRow("huge input") << repeated(QStringLiteral("a"), 100000) << tooLong;
    }
    void rejected()
    {
        QFETCH(QString, input);
        QFETCH(QString, reason);
        const Result<QString> prepared = UsernameProfile::prepare(input);
        GH_VERIFY_ERROR(prepared, ErrorCode::InvalidInput);
        QVERIFY2(prepared.error().message.contains(reason), qPrintable(prepared.error().message));
        QVERIFY(!UsernameProfile::isPrepared(input));
    }

    // SECURITY.md E11: the message is plain ASCII and never repeats the input, so it cannot
    // carry a forged log line or a bidi override into a log or a header.
    void messagesNeverEchoInput_data() { rejected_data(); }
    void messagesNeverEchoInput()
    {
        QFETCH(QString, input);
        const QString marker = QStringLiteral("Zq9marker");
        for (const QString &probe : {input, QString(marker + input), QString(input + marker)}) {
            const Result<QString> prepared = UsernameProfile::prepare(probe);
            if (prepared.ok())
                continue; // e.g. the marker fixed a leading digit in an RTL name
            const QString &message = prepared.error().message;
            QVERIFY2(isPlainAscii(message), qPrintable(message));
            QVERIFY(!message.contains(marker, Qt::CaseInsensitive));
            if (probe.size() >= 4)
                QVERIFY(!message.contains(probe));
        }
    }

    void lengthCountsCodePoints_data()
    {
        QTest::addColumn<QString>("input");
        QTest::addColumn<int>("expectedCodePoints");
        QTest::newRow("64 ascii") << repeated(QStringLiteral("A"), 64) << 64;
        QTest::newRow("64 deseret, 128 utf-16 units") << repeated(cps(U"\U00010400"), 64) << 64;
        QTest::newRow("64 nfd pairs") << repeated(QStringLiteral("e\u0301"), 64) << 64;
        QTest::newRow("64 full width") << repeated(QStringLiteral("Ａ"), 64) << 64;
        QTest::newRow("one") << QStringLiteral("x") << 1;
    }
    void lengthCountsCodePoints()
    {
        QFETCH(QString, input);
        QFETCH(int, expectedCodePoints);
        const Result<QString> prepared = UsernameProfile::prepare(input);
        GH_VERIFY_OK(prepared);
        QCOMPARE(codePointCount(prepared.value()), qsizetype(expectedCodePoints));
    }

    void deseretLowercasesToAstral()
    {
        const Result<QString> prepared = UsernameProfile::prepare(cps(U"\U00010400\U00010401"));
        GH_VERIFY_OK(prepared);
        QCOMPARE(prepared.value().toUcs4(), QList<uint>({0x10428, 0x10429}));
        QCOMPARE(prepared.value().size(), qsizetype(4)); // UTF-16 units, not what the cap counts
    }

    void isPrepared_data()
    {
        QTest::addColumn<QString>("input");
        QTest::addColumn<bool>("expected");
        QTest::newRow("prepared ascii") << QStringLiteral("admin") << true;
        QTest::newRow("prepared nfc") << QStringLiteral("josé") << true;
        QTest::newRow("prepared rtl") << QStringLiteral("محمد") << true;
        QTest::newRow("upper case") << QStringLiteral("Admin") << false;
        QTest::newRow("full width") << QStringLiteral("ａｄｍｉｎ") << false;
        QTest::newRow("nfd") << QStringLiteral("jose\u0301") << false;
        QTest::newRow("empty") << QString() << false;
        QTest::newRow("invalid") << QStringLiteral("admin\u200B") << false;
    }
    void isPrepared()
    {
        QFETCH(QString, input);
        QFETCH(bool, expected);
        QCOMPARE(UsernameProfile::isPrepared(input), expected);
    }
};

QTEST_GUILESS_MAIN(TestUsernameProfile)
#include "TestUsernameProfile.moc"
