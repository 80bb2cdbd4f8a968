#include "auth/EmailAddress.h"

#include "TestSupport.h"

using namespace gatehouse;

namespace {

QString repeated(char16_t c, int times)
{
    return QString(times, QChar(c));
}

// A valid domain of exactly `length` characters: labels of at most 63 letters, then ".io".
QString domainOfLength(int length)
{
    QString domain;
    int remaining = length - 2; // "io"
    char16_t letter = u'a';
    while (remaining > 0) {
        int label = std::min(63, remaining - 1);
        if (remaining - (label + 1) == 1) // would leave a lone dot
            --label;
        domain += repeated(letter++, label) + u'.';
        remaining -= label + 1;
    }
    return QString(domain + u"io");
}

bool isPlainAscii(const QString &message)
{
    return std::all_of(message.begin(), message.end(),
                       [](QChar c) { return c.unicode() >= 0x20 && c.unicode() < 0x7F; });
}

} // namespace

class TestEmailAddress : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void helperBuildsExactLengths()
    {
        for (int length : {4, 63, 64, 65, 66, 127, 128, 189, 190, 252})
            QCOMPARE(domainOfLength(length).size(), qsizetype(length));
    }

    void accepted_data()
    {
        QTest::addColumn<QString>("input");
        QTest::addColumn<QString>("normalized");
        QTest::addColumn<QString>("key");
        const auto row = [](const char *name, const QString &in, const QString &out,
                            const QString &key) {
            QTest::newRow(name) << in << out << key;
        };
        row("plain", QStringLiteral("alice@example.com"), QStringLiteral("alice@example.com"),
            QStringLiteral("alice@example.com"));
        row("case", QStringLiteral("Alice@Example.COM"), QStringLiteral("Alice@example.com"),
            QStringLiteral("alice@example.com"));
        row("atext", QStringLiteral("O'Brien+tag!#$%&*/=?^_`{|}~-x@mail.example.org"),
            QStringLiteral("O'Brien+tag!#$%&*/=?^_`{|}~-x@mail.example.org"),
            QStringLiteral("o'brien+tag!#$%&*/=?^_`{|}~-x@mail.example.org"));
        row("dots inside", QStringLiteral("first.last@sub.example.co.uk"),
            QStringLiteral("first.last@sub.example.co.uk"),
            QStringLiteral("first.last@sub.example.co.uk"));
        row("digits and hyphen", QStringLiteral("u1@x-1.io2"), QStringLiteral("u1@x-1.io2"),
            QStringLiteral("u1@x-1.io2"));
        row("idn", QStringLiteral("alice@bücher.example"),
            QStringLiteral("alice@xn--bcher-kva.example"),
            QStringLiteral("alice@xn--bcher-kva.example"));
        row("idn upper", QStringLiteral("Alice@BÜCHER.Example"),
            QStringLiteral("Alice@xn--bcher-kva.example"),
            QStringLiteral("alice@xn--bcher-kva.example"));
        row("ace", QStringLiteral("alice@xn--bcher-kva.example"),
            QStringLiteral("alice@xn--bcher-kva.example"),
            QStringLiteral("alice@xn--bcher-kva.example"));
        row("ace upper", QStringLiteral("alice@XN--BCHER-KVA.EXAMPLE"),
            QStringLiteral("alice@xn--bcher-kva.example"),
            QStringLiteral("alice@xn--bcher-kva.example"));
        row("idn tld", QStringLiteral("bob@例え.テスト"),
            QStringLiteral("bob@xn--r8jz45g.xn--zckzah"),
            QStringLiteral("bob@xn--r8jz45g.xn--zckzah"));
        row("64 char local part", QString(repeated(u'a', 64) + u"@x.io"),
            QString(repeated(u'a', 64) + u"@x.io"), QString(repeated(u'a', 64) + u"@x.io"));
        row("63 char label", QString(u"a@" + repeated(u'b', 63) + u".io"),
            QString(u"a@" + repeated(u'b', 63) + u".io"),
            QString(u"a@" + repeated(u'b', 63) + u".io"));
        const QString longest = repeated(u'A', 64) + u'@' + domainOfLength(189);
        QCOMPARE(longest.size(), qsizetype(254));
        row("254 char address", longest, longest, longest.toLower());
    }
    void accepted()
    {
        QFETCH(QString, input);
        QFETCH(QString, normalized);
        QFETCH(QString, key);
        const Result<QString> result = EmailAddress::normalize(input);
        GH_VERIFY_OK(result);
        QCOMPARE(result.value(), normalized);
        const Result<QString> uniqueness = EmailAddress::uniquenessKey(input);
        GH_VERIFY_OK(uniqueness);
        QCOMPARE(uniqueness.value(), key);

        // Stable under repetition: the stored form normalizes to itself, as does the key.
        const Result<QString> again = EmailAddress::normalize(result.value());
        GH_VERIFY_OK(again);
        QCOMPARE(again.value(), result.value());
        const Result<QString> keyOfKey = EmailAddress::uniquenessKey(key);
        GH_VERIFY_OK(keyOfKey);
        QCOMPARE(keyOfKey.value(), key);
    }

    // SECURITY.md E19: no duplicate accounts through case or IDN spelling.
    void sameKey_data()
    {
        QTest::addColumn<QString>("a");
        QTest::addColumn<QString>("b");
        QTest::newRow("case") << QStringLiteral("Alice@Example.COM")
                              << QStringLiteral("alice@example.com");
        QTest::newRow("local case only")
            << QStringLiteral("ALICE@x.io") << QStringLiteral("alice@x.io");
        QTest::newRow("idn vs ace") << QStringLiteral("Alice@bücher.example")
                                    << QStringLiteral("alice@XN--BCHER-KVA.example");
    }
    void sameKey()
    {
        QFETCH(QString, a);
        QFETCH(QString, b);
        const Result<QString> keyA = EmailAddress::uniquenessKey(a);
        const Result<QString> keyB = EmailAddress::uniquenessKey(b);
        GH_VERIFY_OK(keyA);
        GH_VERIFY_OK(keyB);
        QCOMPARE(keyA.value(), keyB.value());
    }

    void distinctKeys()
    {
        // Tags and dots are not folded: their meaning differs between providers.
        const Result<QString> plain = EmailAddress::uniquenessKey(u"alice@x.io");
        const Result<QString> tagged = EmailAddress::uniquenessKey(u"alice+tag@x.io");
        const Result<QString> dotted = EmailAddress::uniquenessKey(u"a.lice@x.io");
        GH_VERIFY_OK(plain);
        GH_VERIFY_OK(tagged);
        GH_VERIFY_OK(dotted);
        QVERIFY(plain.value() != tagged.value());
        QVERIFY(plain.value() != dotted.value());
    }

    void rejected_data()
    {
        QTest::addColumn<QString>("input");
        QTest::addColumn<QString>("reason"); // a fragment of the expected message

        const QString space = QStringLiteral("space, line break or control");
        const QString invisible = QStringLiteral("invisible formatting");
        const QString dots = QStringLiteral("two dots in a row");
        const QString tooLong = QStringLiteral("longer than 254");

        QTest::newRow("empty") << QString() << QStringLiteral("empty");
        QTest::newRow("no at") << QStringLiteral("alice.example.com")
                               << QStringLiteral("exactly one @");
        QTest::newRow("two ats") << QStringLiteral("a@b@c") << QStringLiteral("exactly one @");
        QTest::newRow("quoted with space")
            << QStringLiteral("\"a b\"@x.io") << QStringLiteral("quoted");
        QTest::newRow("quoted crlf")
            << QStringLiteral("\"a\r\nb\"@x.io") << QStringLiteral("quoted");
        QTest::newRow("quoted at") << QStringLiteral("\"a@b\"@x.io") << QStringLiteral("quoted");
        QTest::newRow("comment") << QStringLiteral("alice(work)@x.io")
                                 << QStringLiteral("comments");
        QTest::newRow("ip literal")
            << QStringLiteral("alice@[192.0.2.1]") << QStringLiteral("IP address");
        QTest::newRow("dotted ipv4")
            << QStringLiteral("alice@192.0.2.1") << QStringLiteral("all-digit");
        QTest::newRow("nothing before at")
            << QStringLiteral("@x.io") << QStringLiteral("nothing before");
        QTest::newRow("nothing after at")
            << QStringLiteral("alice@") << QStringLiteral("no domain");
        QTest::newRow("65 char local part")
            << QString(repeated(u'a', 65) + u"@x.io") << QStringLiteral("longer than 64");
        QTest::newRow("255 char address")
            << QString(repeated(u'a', 64) + u'@' + domainOfLength(190)) << tooLong;
        QTest::newRow("huge input") << QString(repeated(u'a', 5000) + u"@x.io") << tooLong;
        QTest::newRow("idn too long once encoded")
            << QString(repeated(u'a', 64) + u'@' + QStringLiteral("例え").repeated(20) + u'.'
                       + domainOfLength(140))
            << tooLong;

        QTest::newRow("trailing dot")
            << QStringLiteral("alice@example.com.") << QStringLiteral("ends with a dot");
        QTest::newRow("idn trailing dot")
            << QStringLiteral("alice@bücher.example.") << QStringLiteral("ends with a dot");
        QTest::newRow("leading hyphen")
            << QStringLiteral("alice@-x.com") << QStringLiteral("hyphen");
        QTest::newRow("trailing hyphen")
            << QStringLiteral("alice@x-.com") << QStringLiteral("hyphen");
        QTest::newRow("single label")
            << QStringLiteral("alice@x") << QStringLiteral("at least two parts");
        QTest::newRow("localhost")
            << QStringLiteral("root@localhost") << QStringLiteral("at least two parts");
        QTest::newRow("empty label")
            << QStringLiteral("alice@x..io") << QStringLiteral("empty part");
        QTest::newRow("leading dot domain")
            << QStringLiteral("alice@.x.io") << QStringLiteral("empty part");
        QTest::newRow("64 char label")
            << QString(u"a@" + repeated(u'b', 64) + u".io") << QStringLiteral("longer than 63");
        QTest::newRow("underscore")
            << QStringLiteral("alice@x_y.io") << QStringLiteral("only letters");
        QTest::newRow("port") << QStringLiteral("alice@x.io:25") << QStringLiteral("only letters");
        QTest::newRow("reserved hyphens")
            << QStringLiteral("alice@ab--cd.io") << QStringLiteral("reserved");
        QTest::newRow("bogus ace")
            << QStringLiteral("alice@xn--a.io") << QStringLiteral("invalid internationalised");
        QTest::newRow("undecodable ace") << QStringLiteral("alice@xn--zz-zz-zz9.io")
                                         << QStringLiteral("invalid internationalised");
        QTest::newRow("non-canonical ace") << QStringLiteral("alice@xn--bcher-2pa.example")
                                           << QStringLiteral("invalid internationalised");

        QTest::newRow("leading dot local") << QStringLiteral(".alice@x.io") << dots;
        QTest::newRow("trailing dot local") << QStringLiteral("alice.@x.io") << dots;
        QTest::newRow("double dot local") << QStringLiteral("al..ice@x.io") << dots;
        QTest::newRow("backslash")
            << QStringLiteral("al\\ice@x.io") << QStringLiteral("not allowed before the @");
        QTest::newRow("comma") << QStringLiteral("a,b@x.io")
                               << QStringLiteral("not allowed before the @");
        QTest::newRow("smtputf8") << QStringLiteral("jöhn@x.io") << QStringLiteral("non-ASCII");
        QTest::newRow("cyrillic local")
            << QStringLiteral("аlice@x.io") << QStringLiteral("non-ASCII");

        QTest::newRow("leading space") << QStringLiteral(" alice@x.io") << space;
        QTest::newRow("trailing space") << QStringLiteral("alice@x.io ") << space;
        QTest::newRow("trailing newline") << QStringLiteral("alice@x.io\n") << space;
        QTest::newRow("inner space") << QStringLiteral("alice@exa mple.com") << space;
        QTest::newRow("nbsp") << QStringLiteral("alice\u00A0@x.io") << space;
        QTest::newRow("tab") << QStringLiteral("alice\t@x.io") << space;
        QTest::newRow("NUL") << QString(QStringLiteral("alice@x.io") + QChar(0)) << space;
        QTest::newRow("CRLF header injection")
            << QStringLiteral("alice@x.io\r\nBcc: y@z.io") << space;
        QTest::newRow("RLO") << QStringLiteral("alice\u202E@x.io") << invisible;
        QTest::newRow("RLO in domain") << QStringLiteral("alice@x\u202Eoi.com") << invisible;
        QTest::newRow("LRM") << QStringLiteral("alice@x.io\u200E") << invisible;
        QTest::newRow("zero width space") << QStringLiteral("alice@x\u200B.io") << invisible;
        QTest::newRow("variation selector in idn")
            << QStringLiteral("alice@bücher\uFE0F.example") << invisible;
        QTest::newRow("lone surrogate") << QString(QStringLiteral("alice@x.io") + QChar(0xD800))
                                        << QStringLiteral("invalid character");
    }
    void rejected()
    {
        QFETCH(QString, input);
        QFETCH(QString, reason);
        const Result<QString> result = EmailAddress::normalize(input);
        GH_VERIFY_ERROR(result, ErrorCode::InvalidInput);
        QVERIFY2(result.error().message.contains(reason), qPrintable(result.error().message));
        GH_VERIFY_ERROR(EmailAddress::uniquenessKey(input), ErrorCode::InvalidInput);
    }

    // SECURITY.md E11: plain ASCII messages that never repeat the input.
    void messagesNeverEchoInput_data() { rejected_data(); }
    void messagesNeverEchoInput()
    {
        QFETCH(QString, input);
        const QString marker = QStringLiteral("Zq9marker");
        for (const QString &probe : {input, QString(marker + input), QString(input + marker)}) {
            const Result<QString> result = EmailAddress::normalize(probe);
            if (result.ok())
                continue;
            const QString &message = result.error().message;
            QVERIFY2(isPlainAscii(message), qPrintable(message));
            QVERIFY(!message.contains(marker, Qt::CaseInsensitive));
            if (probe.size() >= 4)
                QVERIFY(!message.contains(probe));
        }
    }
};

QTEST_GUILESS_MAIN(TestEmailAddress)
#include "TestEmailAddress.moc"
