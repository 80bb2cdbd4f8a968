#include "auth/Crc32.h"
#include "auth/TokenFormat.h"
#include "crypto/Base64.h"
#include "crypto/Hash.h"

#include "TestSupport.h"

#include <QElapsedTimer>
#include <QRegularExpression>
#include <QSet>

using namespace gatehouse;

namespace {

const QString kSessionMessage = QStringLiteral("invalid session token");
const QString kServiceMessage = QStringLiteral("invalid service token");
const QString kCodeMessage = QStringLiteral("that code is not valid; check it and try again");
const QString kBase62 =
    QStringLiteral("0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz");

// Why a result is not the expected refusal, or empty if it is. The message must be the fixed
// text, which by construction cannot echo the input; the contains() check says so explicitly.
template<typename T>
QString refusalProblem(const Result<T> &result, ErrorCode code, const QString &message,
                       QStringView input)
{
    if (result.ok())
        return QStringLiteral("accepted");
    if (result.error().code != code)
        return QString(QStringLiteral("wrong code ") + errorCodeName(result.error().code));
    if (result.error().message != message)
        return QString(QStringLiteral("wrong message: ") + result.error().message);
    if (input.size() >= 4 && result.error().message.contains(input))
        return QStringLiteral("message echoes the input");
    return {};
}

#define VERIFY_REFUSED(expr, code, message, input)                                                 \
    do {                                                                                           \
        const QString problem_ = refusalProblem((expr), (code), (message), (input));               \
        QVERIFY2(problem_.isEmpty(), qPrintable(problem_));                                        \
    } while (false)

QString base62Of(quint32 value, int width)
{
    QString digits(width, u'0');
    for (int i = width - 1; i >= 0; --i) {
        digits[i] = kBase62[value % 62];
        value /= 62;
    }
    return digits;
}

// A token body with a correct checksum, to show that shape checks stand on their own.
QString withChecksum(const QString &body)
{
    return QString(body + u'_' + base62Of(crc32(body.toLatin1()), 6));
}

IssuedServiceToken issueServiceToken()
{
    Result<IssuedServiceToken> issued = TokenFormat::newServiceToken();
    if (!issued)
        qFatal("newServiceToken failed");
    return issued.value();
}

IssuedSecret issue(Result<IssuedSecret> (*issuer)())
{
    Result<IssuedSecret> issued = issuer();
    if (!issued)
        qFatal("issuing a secret failed");
    return issued.value();
}

QString secretPart(const QString &token)
{
    return token.sliced(25, TokenFormat::ServiceSecretLength);
}

} // namespace

class TestTokenFormat : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void crc32KnownValues_data()
    {
        QTest::addColumn<QByteArray>("input");
        QTest::addColumn<quint32>("crc");
        QTest::newRow("check value") << QByteArray("123456789") << quint32(0xCBF43926u);
        QTest::newRow("empty") << QByteArray() << quint32(0);
        QTest::newRow("a") << QByteArray("a") << quint32(0xE8B7BE43u);
        QTest::newRow("abc") << QByteArray("abc") << quint32(0x352441C2u);
        QTest::newRow("fox") << QByteArray("The quick brown fox jumps over the lazy dog")
                             << quint32(0x414FA339u);
        QTest::newRow("zero byte") << QByteArray(1, '\0') << quint32(0xD202EF8Du);
    }
    void crc32KnownValues()
    {
        QFETCH(QByteArray, input);
        QFETCH(quint32, crc);
        QCOMPARE(crc32(input), crc);
    }

    // --- Session tokens ----------------------------------------------------------------------

    void sessionTokenRoundTrip()
    {
        const IssuedSecret issued = issue(&TokenFormat::newSessionToken);
        QCOMPARE(issued.token.size(), qsizetype(TokenFormat::SessionTokenLength));
        QVERIFY(QRegularExpression(QStringLiteral("^gh_s_[A-Za-z0-9_-]{43}$"))
                    .match(issued.token)
                    .hasMatch());
        QCOMPARE(issued.hash, crypto::sha256(issued.token.toLatin1()));
        QCOMPARE(issued.hash.size(), qsizetype(32));
        const Result<QByteArray> hash = TokenFormat::sessionTokenHash(issued.token);
        GH_VERIFY_OK(hash);
        QVERIFY(crypto::constantTimeEquals(*hash, issued.hash));
    }

    void sessionTokensDistinct()
    {
        QSet<QString> tokens;
        QSet<QByteArray> hashes;
        for (int i = 0; i < 1000; ++i) {
            const IssuedSecret issued = issue(&TokenFormat::newSessionToken);
            tokens.insert(issued.token);
            hashes.insert(issued.hash);
        }
        QCOMPARE(tokens.size(), qsizetype(1000));
        QCOMPARE(hashes.size(), qsizetype(1000));
    }

    void sessionTokenRefused_data()
    {
        QTest::addColumn<QString>("input");
        const QString token = issue(&TokenFormat::newSessionToken).token;
        const QString body = token.sliced(5);
        const auto replaced = [&token](qsizetype at, QStringView with) {
            QString copy = token;
            copy.replace(at, with.size(), with.toString());
            return copy;
        };
        QTest::newRow("empty") << QString();
        QTest::newRow("prefix only") << QStringLiteral("gh_s_");
        QTest::newRow("no prefix") << body;
        QTest::newRow("upper-case prefix") << QString(QStringLiteral("GH_S_") + body);
        QTest::newRow("service prefix") << QString(QStringLiteral("ghk__") + body);
        QTest::newRow("plus") << replaced(20, u"+");
        QTest::newRow("slash") << replaced(20, u"/");
        QTest::newRow("padding appended") << QString(token + u'=');
        QTest::newRow("padding replaces last") << replaced(47, u"=");
        QTest::newRow("space inside") << replaced(20, u" ");
        QTest::newRow("leading space") << QString(u' ' + token);
        QTest::newRow("trailing newline") << QString(token + u'\n');
        QTest::newRow("truncated") << token.first(47);
        QTest::newRow("one extra") << QString(token + u'A');
        QTest::newRow("non-ascii") << replaced(20, u"\u00e9");
        QTest::newRow("non-latin1") << replaced(20, u"\u0410");
        QTest::newRow("doubled") << QString(token + token);
        QTest::newRow("1 MiB") << QString(token + QString(1 << 20, u'A'));
        // 43 symbols carry 258 bits: the last symbol's 2 low bits must be zero.
        QString nonCanonical = token;
        const qsizetype last = nonCanonical.size() - 1;
        const qsizetype value = kBase62.indexOf(nonCanonical[last]);
        nonCanonical[last] = (value >= 0 && value % 4 == 0 && value + 1 < 62)
            ? kBase62[value + 1]
            : (nonCanonical[last] == u'_' ? u'-' : u'B');
        QTest::newRow("trailing bits set") << nonCanonical;
    }
    void sessionTokenRefused()
    {
        QFETCH(QString, input);
        VERIFY_REFUSED(TokenFormat::sessionTokenHash(input), ErrorCode::Unauthenticated,
                       kSessionMessage, input);
    }

    // D9: what a database dump holds cannot be replayed as a bearer token.
    void storedHashIsNotASessionToken()
    {
        const IssuedSecret issued = issue(&TokenFormat::newSessionToken);
        const QString hex = QString::fromLatin1(issued.hash.toHex());
        QCOMPARE(hex.size(), qsizetype(64));
        for (const QString &presented : {hex, hex.toUpper(), QString(QStringLiteral("gh_s_") + hex),
                                         QString::fromLatin1(crypto::base64UrlEncode(issued.hash)),
                                         QString::fromLatin1(issued.hash.toBase64())}) {
            VERIFY_REFUSED(TokenFormat::sessionTokenHash(presented), ErrorCode::Unauthenticated,
                           kSessionMessage, presented);
        }
        // Dressed up as a token, the hash is well-formed, but hashes to something else.
        const QString dressed = QString(
            QStringLiteral("gh_s_") + QString::fromLatin1(crypto::base64UrlEncode(issued.hash)));
        const Result<QByteArray> rehashed = TokenFormat::sessionTokenHash(dressed);
        GH_VERIFY_OK(rehashed);
        QVERIFY(!crypto::constantTimeEquals(*rehashed, issued.hash));
    }

    // --- Service tokens ----------------------------------------------------------------------

    void serviceTokenRoundTrip()
    {
        for (int i = 0; i < 20; ++i) {
            const IssuedServiceToken issued = issueServiceToken();
            QCOMPARE(issued.token.size(), qsizetype(TokenFormat::ServiceTokenLength));
            QVERIFY2(QRegularExpression(
                         QStringLiteral("^ghk_[a-z2-7]{19}[aq]_[0-9A-Za-z]{43}_[0-9A-Za-z]{6}$"))
                         .match(issued.token)
                         .hasMatch(),
                     qPrintable(issued.token));
            QVERIFY(issued.token.startsWith(QString(QStringLiteral("ghk_") + issued.keyId + u'_')));
            QVERIFY(TokenFormat::isValidKeyId(issued.keyId));
            QCOMPARE(issued.secretHash, crypto::sha256(issued.token.toLatin1()));
            const Result<ParsedServiceToken> parsed = TokenFormat::parseServiceToken(issued.token);
            GH_VERIFY_OK(parsed);
            QCOMPARE(parsed->keyId, issued.keyId);
            QVERIFY(crypto::constantTimeEquals(parsed->secretHash, issued.secretHash));
        }
    }

    void serviceTokensDistinct()
    {
        QSet<QString> tokens;
        QSet<QString> keyIds;
        QSet<QString> secrets;
        for (int i = 0; i < 1000; ++i) {
            const IssuedServiceToken issued = issueServiceToken();
            tokens.insert(issued.token);
            keyIds.insert(issued.keyId);
            secrets.insert(secretPart(issued.token));
        }
        QCOMPARE(tokens.size(), qsizetype(1000));
        QCOMPARE(keyIds.size(), qsizetype(1000));
        QCOMPARE(secrets.size(), qsizetype(1000));
    }

    void rotationKeepsKeyId()
    {
        const IssuedServiceToken first = issueServiceToken();
        const Result<IssuedServiceToken> rotated = TokenFormat::newServiceToken(first.keyId);
        GH_VERIFY_OK(rotated);
        QCOMPARE(rotated->keyId, first.keyId);
        QVERIFY(rotated->token != first.token);
        QVERIFY(secretPart(rotated->token) != secretPart(first.token));
        QVERIFY(rotated->secretHash != first.secretHash);
        GH_VERIFY_OK(TokenFormat::parseServiceToken(rotated->token));

        QString nonCanonical = first.keyId;
        nonCanonical.back() = u'b';
        for (const QString &bad :
             {nonCanonical, first.keyId.toUpper(), first.keyId.first(19),
              QString(first.keyId + u'a'), QString(first.keyId.first(19) + u'1'), first.token}) {
            VERIFY_REFUSED(TokenFormat::newServiceToken(bad), ErrorCode::InvalidInput,
                           QStringLiteral("the key id is not valid"), bad);
        }
    }

    // CRC-32 catches every burst of up to 32 bits, so every single substitution must fail;
    // shape checks catch the rest (prefix, separators, alphabets).
    void singleSubstitutionsRefused()
    {
        const QString replacements = QString(kBase62 + QStringLiteral("_-+/=. \u00e9"));
        qsizetype tried = 0;
        qsizetype slipped = 0;
        for (int n = 0; n < 10; ++n) {
            const QString token = issueServiceToken().token;
            for (qsizetype at = 0; at < token.size(); ++at) {
                for (const QChar replacement : replacements) {
                    if (replacement == token[at])
                        continue;
                    QString typo = token;
                    typo[at] = replacement;
                    ++tried;
                    const Result<ParsedServiceToken> parsed = TokenFormat::parseServiceToken(typo);
                    if (parsed.ok()) {
                        ++slipped;
                        continue;
                    }
                    VERIFY_REFUSED(parsed, ErrorCode::Unauthenticated, kServiceMessage, typo);
                }
            }
        }
        QVERIFY(tried > 50000);
        QCOMPARE(slipped, qsizetype(0));
    }

    void adjacentTranspositionsRefused()
    {
        qsizetype tried = 0;
        for (int n = 0; n < 20; ++n) {
            const QString token = issueServiceToken().token;
            for (qsizetype at = 0; at + 1 < token.size(); ++at) {
                if (token[at] == token[at + 1])
                    continue;
                QString typo = token;
                std::swap(typo[at], typo[at + 1]);
                ++tried;
                VERIFY_REFUSED(TokenFormat::parseServiceToken(typo), ErrorCode::Unauthenticated,
                               kServiceMessage, typo);
            }
        }
        QVERIFY(tried > 1000);
    }

    void serviceTokenRefused_data()
    {
        QTest::addColumn<QString>("input");
        const IssuedServiceToken issued = issueServiceToken();
        const QString token = issued.token;
        const QString id = issued.keyId;
        const QString secret = secretPart(token);
        const QString checksum = token.last(6);
        const QString body = token.first(68);

        QTest::newRow("empty") << QString();
        QTest::newRow("prefix only") << QStringLiteral("ghk_");
        QTest::newRow("other prefix, valid checksum")
            << withChecksum(QString(QStringLiteral("ghp_") + id + u'_' + secret));
        QTest::newRow("upper case") << token.toUpper();
        QTest::newRow("prefix dropped") << token.sliced(4);
        QTest::newRow("checksum dropped") << body;
        QTest::newRow("id dropped")
            << withChecksum(QString(QStringLiteral("ghk_") + secret)).leftJustified(75, u'A');
        QTest::newRow("secret dropped") << QString(QStringLiteral("ghk_") + id + u'_' + checksum);
        QTest::newRow("extra underscore") << QString(token.first(4) + u'_' + token.sliced(4));
        QTest::newRow("trailing underscore") << QString(token + u'_');
        QTest::newRow("five parts, same length") << withChecksum(QString(
            QStringLiteral("ghk_") + id + u'_' + secret.first(20) + u'_' + secret.sliced(21)));
        QTest::newRow("trailing newline") << QString(token + u'\n');
        QTest::newRow("leading space") << QString(u' ' + token);
        QTest::newRow("truncated") << token.first(74);
        QTest::newRow("1 MiB") << QString(token + QString(1 << 20, u'A'));
        QTest::newRow("1 MiB of underscores") << QString(1 << 20, u'_');
        // Valid checksums around malformed parts: the shape check alone refuses these.
        QTest::newRow("id trailing bits set")
            << withChecksum(QString(QStringLiteral("ghk_") + id.first(19) + u'b' + u'_' + secret));
        QTest::newRow("id upper case")
            << withChecksum(QString(QStringLiteral("ghk_") + id.toUpper() + u'_' + secret));
        QTest::newRow("secret 2^256") << withChecksum(
            QString(QStringLiteral("ghk_") + id + u'_'
                    + QStringLiteral("yhjskwdA6OZ1AL1YmHWZWm8LLG7HjnuCA2j5rOw8Xp2")));
        QTest::newRow("secret above 2^256")
            << withChecksum(QString(QStringLiteral("ghk_") + id + u'_' + QString(43, u'z')));
        QTest::newRow("secret with dash")
            << withChecksum(QString(QStringLiteral("ghk_") + id + u'_' + secret.first(42) + u'-'));
        QTest::newRow("session token") << issue(&TokenFormat::newSessionToken).token;
        QTest::newRow("stored hash hex") << QString::fromLatin1(issued.secretHash.toHex());
    }
    void serviceTokenRefused()
    {
        QFETCH(QString, input);
        VERIFY_REFUSED(TokenFormat::parseServiceToken(input), ErrorCode::Unauthenticated,
                       kServiceMessage, input);
    }

    void largestSecretAccepted()
    {
        // base62(2^256 - 1) is the largest secret that can be issued; it must parse.
        const QString id = issueServiceToken().keyId;
        const QString max = QStringLiteral("yhjskwdA6OZ1AL1YmHWZWm8LLG7HjnuCA2j5rOw8Xp1");
        QCOMPARE(max.size(), qsizetype(TokenFormat::ServiceSecretLength));
        GH_VERIFY_OK(TokenFormat::parseServiceToken(
            withChecksum(QString(QStringLiteral("ghk_") + id + u'_' + max))));
    }

    // Oversized input is refused by its length, before any per-character work.
    void oversizedInputRefusedFast()
    {
        const QString huge(8 << 20, u'A');
        const QString hugeToken =
            QString(issueServiceToken().token + QString(1 << 20, QChar(u'x')));
        QElapsedTimer timer;
        timer.start();
        for (int i = 0; i < 1000; ++i) {
            QVERIFY(!TokenFormat::sessionTokenHash(huge).ok());
            QVERIFY(!TokenFormat::parseServiceToken(huge).ok());
            QVERIFY(!TokenFormat::parseServiceToken(hugeToken).ok());
            QVERIFY(!TokenFormat::oneTimeCodeHash(huge).ok());
            QVERIFY(!TokenFormat::recoveryCodeHash(huge).ok());
        }
        // Scanning 8 MiB even once per call would take seconds here.
        QVERIFY2(timer.elapsed() < 500, qPrintable(QString::number(timer.elapsed())));
    }

    void redactShowsOnlyKeyId()
    {
        for (int i = 0; i < 100; ++i) {
            const IssuedServiceToken issued = issueServiceToken();
            const QString redacted = TokenFormat::redact(issued.token);
            QCOMPARE(redacted, QString(QStringLiteral("ghk_") + issued.keyId + u"_\u2026"));
            const QString secret = secretPart(issued.token);
            QVERIFY(!redacted.contains(secret));
            // Not even a fragment: no 4 characters of the secret or checksum appear.
            const QString hidden = issued.token.sliced(25);
            for (qsizetype at = 0; at + 4 <= hidden.size(); ++at)
                QVERIFY(!redacted.sliced(24).contains(hidden.sliced(at, 4)));
        }
        const IssuedServiceToken issued = issueServiceToken();
        const QString malformed = QStringLiteral("(malformed token)");
        const QString session = issue(&TokenFormat::newSessionToken).token;
        for (const QString &input :
             {QString(), session, issued.token.sliced(4), issued.token.toUpper(),
              issued.token.first(24), QString(QStringLiteral("ghk_") + secretPart(issued.token)),
              QString(QStringLiteral("ghk-") + issued.token.sliced(4))}) {
            QCOMPARE(TokenFormat::redact(input), malformed);
        }
        // A typo in the secret still names the key: its id is public.
        QString typo = issued.token;
        typo[40] = typo[40] == u'A' ? u'B' : u'A';
        QCOMPARE(TokenFormat::redact(typo), QString(issued.token.first(25) + u'\u2026'));
    }

    // --- One-time and recovery codes ---------------------------------------------------------

    void oneTimeCodeRoundTrip()
    {
        const QRegularExpression shape(
            QStringLiteral("^[0-9A-HJKMNP-TV-Z]{5}(-[0-9A-HJKMNP-TV-Z]{5}){3}$"));
        for (int i = 0; i < 50; ++i) {
            const IssuedSecret issued = issue(&TokenFormat::newOneTimeCode);
            QVERIFY2(shape.match(issued.token).hasMatch(), qPrintable(issued.token));
            const QString canonical = QString(issued.token).remove(u'-');
            QCOMPARE(issued.hash, crypto::sha256(canonical.toLatin1()));
            for (const QString &typed : {issued.token, canonical, issued.token.toLower(),
                                         QString(issued.token).replace(u'-', u' '),
                                         QString(u"  " + issued.token.toLower() + u" \n")}) {
                const Result<QByteArray> hash = TokenFormat::oneTimeCodeHash(typed);
                GH_VERIFY_OK(hash);
                QCOMPARE(*hash, issued.hash);
            }
        }
    }

    void oneTimeCodeNormalisation_data()
    {
        QTest::addColumn<QString>("typed");
        QTest::newRow("canonical") << QStringLiteral("01ABCDEFGHJKMNPQRSTV");
        QTest::newRow("grouped") << QStringLiteral("01ABC-DEFGH-JKMNP-QRSTV");
        QTest::newRow("lower case") << QStringLiteral("01abc-defgh-jkmnp-qrstv");
        QTest::newRow("spaces") << QStringLiteral("01ABC DEFGH  JKMNP QRSTV ");
        QTest::newRow("no separators, mixed case") << QStringLiteral("01aBcDeFgHjKmNpQrStV");
        QTest::newRow("O and I") << QStringLiteral("OIABC-DEFGH-JKMNP-QRSTV");
        QTest::newRow("o and l") << QStringLiteral("olabc-defgh-jkmnp-qrstv");
        QTest::newRow("L") << QStringLiteral("0LABC-DEFGH-JKMNP-QRSTV");
        QTest::newRow("i") << QStringLiteral("0iABC-DEFGH-JKMNP-QRSTV");
        QTest::newRow("odd grouping") << QStringLiteral("0-1-ABCD EFGHJ-KMNPQ RSTV");
        QTest::newRow("non-breaking space and hyphen")
            << QStringLiteral("01ABC\u00a0DEFGH\u2011JKMNP\u2010QRSTV");
    }
    void oneTimeCodeNormalisation()
    {
        QFETCH(QString, typed);
        const Result<QByteArray> hash = TokenFormat::oneTimeCodeHash(typed);
        GH_VERIFY_OK(hash);
        QCOMPARE(*hash, crypto::sha256("01ABCDEFGHJKMNPQRSTV"));
    }

    void oneTimeCodeRefused_data()
    {
        QTest::addColumn<QString>("typed");
        QTest::newRow("empty") << QString();
        QTest::newRow("separators only") << QStringLiteral("----- -----");
        QTest::newRow("19 symbols") << QStringLiteral("01ABC-DEFGH-JKMNP-QRST");
        QTest::newRow("21 symbols") << QStringLiteral("01ABC-DEFGH-JKMNP-QRSTVW");
        QTest::newRow("U") << QStringLiteral("01ABC-DEFGH-JKMNP-QRSTU");
        QTest::newRow("u") << QStringLiteral("01abc-defgh-jkmnp-qrstu");
        QTest::newRow("punctuation") << QStringLiteral("01ABC_DEFGH_JKMNP_QRSTV");
        QTest::newRow("accented") << QStringLiteral("01ABC-DEFGH-JKMNP-QRST\u00c9");
        QTest::newRow("fullwidth digit") << QStringLiteral("\uff101ABC-DEFGH-JKMNP-QRSTV");
        QTest::newRow("cyrillic A") << QStringLiteral("01\u0410BC-DEFGH-JKMNP-QRSTV");
        QTest::newRow("recovery code") << QStringLiteral("01ABC-DEFGH");
        QTest::newRow("1 MiB of symbols") << QString(1 << 20, u'A');
        QTest::newRow("1 MiB of spaces")
            << QString(QString(1 << 20, u' ') + QStringLiteral("01ABCDEFGHJKMNPQRSTV"));
    }
    void oneTimeCodeRefused()
    {
        QFETCH(QString, typed);
        VERIFY_REFUSED(TokenFormat::oneTimeCodeHash(typed), ErrorCode::InvalidInput, kCodeMessage,
                       typed);
    }

    void recoveryCodes()
    {
        const QRegularExpression shape(
            QStringLiteral("^[0-9A-HJKMNP-TV-Z]{5}-[0-9A-HJKMNP-TV-Z]{5}$"));
        for (int i = 0; i < 50; ++i) {
            const IssuedSecret issued = issue(&TokenFormat::newRecoveryCode);
            QVERIFY2(shape.match(issued.token).hasMatch(), qPrintable(issued.token));
            const QString canonical = QString(issued.token).remove(u'-');
            QCOMPARE(issued.hash, crypto::sha256(canonical.toLatin1()));
            for (const QString &typed : {issued.token, canonical, issued.token.toLower()}) {
                const Result<QByteArray> hash = TokenFormat::recoveryCodeHash(typed);
                GH_VERIFY_OK(hash);
                QCOMPARE(*hash, issued.hash);
            }
        }
        const Result<QByteArray> mapped =
            TokenFormat::recoveryCodeHash(QStringLiteral("oi2ab l3cde"));
        GH_VERIFY_OK(mapped);
        QCOMPARE(*mapped, crypto::sha256("012AB13CDE"));

        const QString oneTime = issue(&TokenFormat::newOneTimeCode).token;
        for (const QString &typed :
             {QString(), QStringLiteral("01ABC-DEFG"), QStringLiteral("01ABC-DEFGHJ"),
              QStringLiteral("01ABC-DEFGU"), oneTime, QString(300, u'0')}) {
            VERIFY_REFUSED(TokenFormat::recoveryCodeHash(typed), ErrorCode::InvalidInput,
                           kCodeMessage, typed);
        }
    }

    void codesDistinct()
    {
        QSet<QString> oneTime;
        QSet<QString> recovery;
        for (int i = 0; i < 1000; ++i) {
            oneTime.insert(issue(&TokenFormat::newOneTimeCode).token);
            recovery.insert(issue(&TokenFormat::newRecoveryCode).token);
        }
        QCOMPARE(oneTime.size(), qsizetype(1000));
        QCOMPARE(recovery.size(), qsizetype(1000));
    }

    // Every symbol of the alphabet turns up, so no symbol is unreachable (a biased mapping).
    void codesUseWholeAlphabet()
    {
        QSet<QChar> seen;
        for (int i = 0; i < 200; ++i) {
            for (const QChar c : issue(&TokenFormat::newOneTimeCode).token)
                seen.insert(c);
        }
        seen.remove(u'-');
        QCOMPARE(seen.size(), qsizetype(32));
    }
};

QTEST_GUILESS_MAIN(TestTokenFormat)
#include "TestTokenFormat.moc"
