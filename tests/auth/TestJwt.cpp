#include "auth/Jwt.h"
#include "crypto/Base64.h"
#include "crypto/Ed25519.h"
#include "crypto/Hash.h"

#include "TestSupport.h"

#include <QElapsedTimer>
#include <QHostAddress>
#include <QJsonArray>
#include <QTcpServer>

using namespace gatehouse;

namespace {

const QString kKid = QStringLiteral("k_testtesttesttest");
const QByteArray kKidJson = "\"k_testtesttesttest\"";
constexpr qint64 kNow = 1780300800; // 2026-06-01T08:00:00Z
const QString kIssuer = QStringLiteral("https://auth.example");
const QString kAudience = QStringLiteral("api");

// RFC 7515 A.1 / RFC 7519 §3.1 (SECURITY.md §3.6).
const QByteArray kRfcHeader = "eyJ0eXAiOiJKV1QiLA0KICJhbGciOiJIUzI1NiJ9";
const QByteArray kRfcPayload = "eyJpc3MiOiJqb2UiLA0KICJleHAiOjEzMDA4MTkzODAsDQogImh0dHA6Ly9leGFtcGx"
                               "lLmNvbS9pc19yb290Ijp0cnVlfQ";
const QByteArray kRfcSignature = "dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk";
const QByteArray kRfcHmacKey =
    "AyM1SysPpbyDfgZld3umj1qzKObwVMkoqQ-EstJQLr_T-1qS0gZH75aKtMN3Yj0iPS4h"
    "cgUuTwjAzZr1Z9CAow";
const QByteArray kRfcUnsecured = "eyJhbGciOiJub25lIn0.eyJpc3MiOiJqb2UiLA0KICJleHAiOjEzMDA4MTkzODAs"
                                 "DQogImh0dHA6Ly9leGFtcGxlLmNvbS9pc19yb290Ijp0cnVlfQ.";
const QByteArray kPsychic =
    "eyJhbGciOiJFUzI1NiIsInR5cCI6IkpXVCJ9.eyJhZG1pbiI6InRydWUifQ.MAYCAQACAQA";
constexpr qint64 kRfcExp = 1300819380;

QByteArray b64(const QByteArray &bytes)
{
    return crypto::base64UrlEncode(bytes);
}

QByteArray header(const QByteArray &extra = {}, const QByteArray &alg = "\"EdDSA\"")
{
    return "{\"alg\":" + alg + ",\"typ\":\"at+jwt\",\"kid\":" + kKidJson + extra + "}";
}

QByteArray claims(qint64 exp = kNow + 300, const QByteArray &extra = {})
{
    return "{\"iss\":\"https://auth.example\",\"aud\":\"api\",\"sub\":\"u1\",\"iat\":"
        + QByteArray::number(kNow) + ",\"exp\":" + QByteArray::number(exp) + extra + "}";
}

Jwt::Expectations expectAt(qint64 now, int leeway = 60)
{
    Jwt::Expectations expected;
    expected.issuer = kIssuer;
    expected.audience = kAudience;
    expected.now = QDateTime::fromSecsSinceEpoch(now, Qt::UTC);
    expected.leewaySeconds = leeway;
    return expected;
}

// One more value of the last character: same bytes for a lenient decoder, not canonical.
QByteArray nonCanonical(const QByteArray &segment)
{
    static const QByteArray alphabet =
        "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
    QByteArray altered = segment;
    const qsizetype index = alphabet.indexOf(altered.back());
    altered.back() = alphabet.at(index + 1);
    return altered;
}

} // namespace

class TestJwt : public QObject
{
    Q_OBJECT

private:
    std::optional<crypto::Ed25519KeyPair> m_key;
    std::optional<crypto::Ed25519KeyPair> m_other;
    Jwt::PublicKeys m_keys;

    // A token whose signature by the trusted key is valid over exactly these segments, so only
    // the rule under test can refuse it.
    QByteArray signSegments(const QByteArray &headerSegment, const QByteArray &payloadSegment,
                            const crypto::Ed25519KeyPair *key = nullptr)
    {
        const QByteArray input = headerSegment + '.' + payloadSegment;
        const Result<QByteArray> signature = (key ? *key : *m_key).sign(input);
        return signature ? input + '.' + b64(*signature) : QByteArray();
    }

    QByteArray signJson(const QByteArray &headerJson, const QByteArray &claimsJson)
    {
        return signSegments(b64(headerJson), b64(claimsJson));
    }

    Result<Jwt::Verified> verify(const QByteArray &token, qint64 now = kNow, int leeway = 60)
    {
        return Jwt::verify(token, m_keys, expectAt(now, leeway));
    }

    // Refused as unauthenticated, for the reason that names `because`.
    void verifyRefused(const QByteArray &token, const QString &because, qint64 now = kNow)
    {
        const Result<Jwt::Verified> verified = verify(token, now);
        QVERIFY2(!verified, token.left(200).constData());
        QCOMPARE(verified.error().code, ErrorCode::Unauthenticated);
        QVERIFY2(verified.error().message.contains(because),
                 qPrintable(verified.error().message + QStringLiteral(" lacks ") + because));
        QVERIFY(verified.error().message.startsWith(u"Invalid access token: "));
    }

private Q_SLOTS:
    void initTestCase()
    {
        Result<crypto::Ed25519KeyPair> key = crypto::Ed25519KeyPair::generate();
        Result<crypto::Ed25519KeyPair> other = crypto::Ed25519KeyPair::generate();
        GH_VERIFY_OK(key);
        GH_VERIFY_OK(other);
        m_key.emplace(*key);
        m_other.emplace(*other);
        m_keys.insert(kKid, m_key->publicKey());
    }

    void validTokenVerifies()
    {
        const QJsonObject head{{QStringLiteral("alg"), Jwt::algorithm()},
                               {QStringLiteral("typ"), Jwt::accessTokenType()},
                               {QStringLiteral("kid"), kKid}};
        const QJsonObject body{{QStringLiteral("iss"), kIssuer},
                               {QStringLiteral("aud"), kAudience},
                               {QStringLiteral("sub"), QStringLiteral("u1")},
                               {QStringLiteral("exp"), kNow + 300},
                               {QStringLiteral("amr"), QJsonArray{QStringLiteral("pwd")}}};
        const QByteArray input = Jwt::signingInput(head, body);
        Result<QByteArray> signature = m_key->sign(input);
        GH_VERIFY_OK(signature);
        const QByteArray token = Jwt::compact(input, *signature);
        QCOMPARE(token.count('.'), 2);

        Result<Jwt::Verified> verified = verify(token);
        GH_VERIFY_OK(verified);
        QCOMPARE(verified->kid, kKid);
        QCOMPARE(verified->claims, body);
        QCOMPARE(verified->expiresAt, QDateTime::fromSecsSinceEpoch(kNow + 300, Qt::UTC));
        GH_VERIFY_OK(verify(signJson(header(), claims())));
        // An aud list naming us is an audience too.
        GH_VERIFY_OK(verify(signJson(
            header(),
            claims(kNow + 300, ",\"aud\":[\"x\",\"api\"]").replace("\"aud\":\"api\",", ""))));
    }

    void rfc7515VectorDecodesExactly() // §3.6
    {
        const QByteArray token = kRfcHeader + '.' + kRfcPayload + '.' + kRfcSignature;
        Result<Jwt::Decoded> decoded = Jwt::decode(token);
        GH_VERIFY_OK(decoded);
        QCOMPARE(decoded->header.value(QStringLiteral("alg")).toString(), QStringLiteral("HS256"));
        QCOMPARE(decoded->header.value(QStringLiteral("typ")).toString(), QStringLiteral("JWT"));
        QCOMPARE(decoded->claims.value(QStringLiteral("iss")).toString(), QStringLiteral("joe"));
        QCOMPARE(decoded->claims.value(QStringLiteral("exp")).toInteger(), kRfcExp);
        QCOMPARE(decoded->claims.value(QStringLiteral("http://example.com/is_root")).toBool(),
                 true);
        // The signing input is the received text itself (CRLFs and all), not a re-encoding:
        // the published HMAC recomputes over it.
        QCOMPARE(decoded->signingInput, kRfcHeader + '.' + kRfcPayload);
        Result<QByteArray> hmacKey = crypto::base64UrlDecode(kRfcHmacKey);
        GH_VERIFY_OK(hmacKey);
        QCOMPARE(crypto::hmacSha256(*hmacKey, decoded->signingInput),
                 *crypto::base64UrlDecode(kRfcSignature));

        // However it is keyed and whenever it is checked, HS256 is not on the allowlist: the
        // vector is refused even before its exp, where an HS256 validator would accept it.
        Jwt::PublicKeys keys = m_keys;
        keys.insert(QString(), *hmacKey);
        Result<Jwt::Verified> refused = Jwt::verify(token, keys, expectAt(kRfcExp - 380));
        QVERIFY(!refused);
        QVERIFY(refused.error().message.contains(u"algorithm"));
    }

    void rfcClaimsNeedAnAudience() // §3.6 claims re-signed with EdDSA
    {
        // The RFC's own payload bytes, signed by the trusted key with a valid header: still
        // refused, since it names no audience.
        Jwt::Expectations expected = expectAt(kRfcExp - 380);
        expected.issuer = QStringLiteral("joe");
        const Result<Jwt::Verified> refused =
            Jwt::verify(signSegments(b64(header()), kRfcPayload), m_keys, expected);
        QVERIFY(!refused);
        QVERIFY(refused.error().message.contains(u"audience"));
    }

    void unsecuredJwtIsRefused() // C8
    {
        verifyRefused(kRfcUnsecured, QStringLiteral("signature is missing"));
        // alg "none" with a real signature of the trusted key: the algorithm rule alone.
        verifyRefused(signJson(header({}, "\"none\""), claims()), QStringLiteral("algorithm"));
    }

    void algorithmAllowlist_data()
    {
        QTest::addColumn<QByteArray>("alg");
        for (const char *alg : {"\"none\"",
                                "\"None\"",
                                "\"NONE\"",
                                "\"nOnE\"",
                                "\"HS256\"",
                                "\"HS512\"",
                                "\"RS256\"",
                                "\"ES256\"",
                                "\"PS256\"",
                                "\"eddsa\"",
                                "\"EDDSA\"",
                                "\"Ed25519\"",
                                "\"EdDSA \"",
                                "\" EdDSA\"",
                                "\"\"",
                                "null",
                                "1",
                                "[\"EdDSA\"]",
                                "{\"name\":\"EdDSA\"}",
                                "true"}) {
            QTest::newRow(alg) << QByteArray(alg);
        }
    }
    void algorithmAllowlist() // C9, key confusion
    {
        QFETCH(QByteArray, alg);
        verifyRefused(signJson(header({}, alg), claims()), QStringLiteral("algorithm"));
    }

    void missingAlgorithmIsRefused()
    {
        verifyRefused(signJson("{\"typ\":\"at+jwt\",\"kid\":" + kKidJson + "}", claims()),
                      QStringLiteral("algorithm"));
    }

    void hs256KeyedWithThePublicKeyIsRefused() // WSTG-SESS-10 key confusion
    {
        const QByteArray input =
            b64("{\"alg\":\"HS256\",\"typ\":\"at+jwt\",\"kid\":" + kKidJson + "}") + '.'
            + b64(claims());
        const QByteArray token = input + '.' + b64(crypto::hmacSha256(m_key->publicKey(), input));
        verifyRefused(token, QStringLiteral("algorithm"));
        // Also with the public key as the JWK text an attacker would find in JWKS.
        const QByteArray asText = b64(m_key->publicKey());
        verifyRefused(input + '.' + b64(crypto::hmacSha256(asText, input)),
                      QStringLiteral("algorithm"));
    }

    void psychicSignatureIsRefused() // §3.6, WSTG-SESS-10
    {
        verifyRefused(kPsychic, QStringLiteral("algorithm"));
        // With a known kid and an all-zero "signature" of the right length as well.
        const QByteArray input =
            b64("{\"alg\":\"ES256\",\"typ\":\"at+jwt\",\"kid\":" + kKidJson + "}") + '.'
            + b64(claims());
        verifyRefused(input + '.' + b64(QByteArray(64, '\0')), QStringLiteral("algorithm"));
        verifyRefused(b64(header()) + '.' + b64(claims()) + '.' + b64(QByteArray(64, '\0')),
                      QStringLiteral("signature does not verify"));
    }

    void senderChosenKeysAreRefusedAndNeverFetched() // C12
    {
        QTcpServer listener;
        QVERIFY(listener.listen(QHostAddress::LocalHost));
        const QByteArray url =
            "\"http://127.0.0.1:" + QByteArray::number(listener.serverPort()) + "/jwks.json\"";
        const QByteArray attackerJwk =
            "{\"kty\":\"OKP\",\"crv\":\"Ed25519\",\"x\":\"" + b64(m_other->publicKey()) + "\"}";
        for (const QByteArray &extra : QList<QByteArray>{
                 ",\"jku\":" + url, ",\"x5u\":" + url, ",\"jwk\":" + attackerJwk,
                 ",\"x5c\":[\"MIIB\"]", ",\"x5t\":\"abc\"", ",\"x5t#S256\":\"abc\""}) {
            // Signed by the trusted key, so nothing but the parameter is wrong.
            verifyRefused(signJson(header(extra), claims()), QStringLiteral("key URL"));
        }
        // A token signed by the attacker's key that carries the attacker's key.
        verifyRefused(
            signSegments(b64(header(",\"jwk\":" + attackerJwk)), b64(claims()), &*m_other),
            QStringLiteral("key URL"));
        QVERIFY(!listener.waitForNewConnection(300));
        QVERIFY(!listener.hasPendingConnections());
    }

    void criticalExtensionsAreRefused()
    {
        for (const QByteArray &crit : {QByteArray("[\"exp\"]"), QByteArray("[\"b64\"]"),
                                       QByteArray("[]"), QByteArray("\"exp\"")}) {
            verifyRefused(signJson(header(",\"crit\":" + crit), claims()), QStringLiteral("crit"));
        }
    }

    void unknownHeaderParametersAreRefused()
    {
        for (const QByteArray &extra :
             {QByteArray(",\"cty\":\"JWT\""), QByteArray(",\"zip\":\"DEF\""),
              QByteArray(",\"b64\":false"), QByteArray(",\"enc\":\"A256GCM\"")}) {
            verifyRefused(signJson(header(extra), claims()), QStringLiteral("parameter other"));
        }
    }

    void kidIsOnlyAMapKey() // WSTG-SESS-10 kid traversal / injection
    {
        for (const QByteArray &kid :
             {QByteArray("\"../../../../dev/null\""), QByteArray("\"/etc/passwd\""),
              QByteArray("\"' OR '1'='1\""), QByteArray("\"k_x'; DROP TABLE signing_keys;--\""),
              QByteArray("\"http://127.0.0.1:1/key\""), QByteArray("\"\""),
              QByteArray("\"k_TESTTESTTESTTEST\""), QByteArray("\"k_testtesttesttest \""),
              QByteArray("null"), QByteArray("1"), QByteArray("[\"k_testtesttesttest\"]")}) {
            const QByteArray head = "{\"alg\":\"EdDSA\",\"typ\":\"at+jwt\",\"kid\":" + kid + "}";
            verifyRefused(signJson(head, claims()), QStringLiteral("unknown or retired key"));
        }
        verifyRefused(signJson("{\"alg\":\"EdDSA\",\"typ\":\"at+jwt\"}", claims()),
                      QStringLiteral("unknown or retired key"));
        // The right kid with another key's signature.
        verifyRefused(signSegments(b64(header()), b64(claims()), &*m_other),
                      QStringLiteral("signature does not verify"));
    }

    void tamperedTokensAreRefused() // C13
    {
        const QByteArray good = signJson(header(), claims());
        const QList<QByteArray> parts = good.split('.');
        const QByteArray otherClaims = b64(QByteArray(claims()).replace("\"u1\"", "\"u2\""));
        verifyRefused(parts[0] + '.' + otherClaims + '.' + parts[2],
                      QStringLiteral("signature does not verify"));
        verifyRefused(parts[0] + '.' + parts[1] + '.', QStringLiteral("signature is missing"));
        verifyRefused(parts[0] + '.' + parts[1], QStringLiteral("three dot-separated parts"));
        const QByteArray another = signJson(header(), claims(kNow + 200));
        verifyRefused(parts[0] + '.' + parts[1] + '.' + another.split('.')[2],
                      QStringLiteral("signature does not verify"));
        QByteArray flipped = *crypto::base64UrlDecode(parts[2]);
        flipped[10] = char(flipped[10] ^ 0x01);
        verifyRefused(parts[0] + '.' + parts[1] + '.' + b64(flipped),
                      QStringLiteral("signature does not verify"));
        verifyRefused(parts[0] + '.' + parts[1] + '.' + b64(flipped.left(63)),
                      QStringLiteral("signature does not verify"));
        verifyRefused(parts[0] + '.' + parts[1] + '.' + b64(flipped + 'x'),
                      QStringLiteral("signature does not verify"));
    }

    void duplicateKeysAreRefused() // SEC-39
    {
        const QByteArray dupHeader =
            "{\"alg\":\"EdDSA\",\"alg\":\"none\",\"typ\":\"at+jwt\",\"kid\":" + kKidJson + "}";
        verifyRefused(signJson(dupHeader, claims()), QStringLiteral("duplicate key"));
        const QByteArray dupHeaderSame = "{\"alg\":\"EdDSA\",\"typ\":\"at+jwt\",\"kid\":" + kKidJson
            + ",\"kid\":" + kKidJson + "}";
        verifyRefused(signJson(dupHeaderSame, claims()), QStringLiteral("duplicate key"));
        verifyRefused(signJson(header(), claims(kNow + 300, ",\"sub\":\"root\"")),
                      QStringLiteral("duplicate key"));
        // The same key spelled with an escape is the same key.
        verifyRefused(signJson(header(), claims(kNow + 300, ",\"\\u0073ub\":\"root\"")),
                      QStringLiteral("duplicate key"));
        verifyRefused(signJson(header(), claims(kNow + 300, ",\"ex\\u0070\":9999999999")),
                      QStringLiteral("duplicate key"));
        // At any depth.
        verifyRefused(signJson(header(), claims(kNow + 300, ",\"ctx\":{\"a\":1,\"a\":2}")),
                      QStringLiteral("duplicate key"));
        // Distinct keys that only look alike are fine.
        GH_VERIFY_OK(verify(signJson(header(), claims(kNow + 300, ",\"Sub\":\"x\""))));
    }

    void nonCanonicalBase64IsRefused() // §3.5
    {
        // Claims whose encoding leaves unused bits in its last character.
        QByteArray body;
        for (int n = 0; n < 3 && (body.isEmpty() || b64(body).size() % 4 == 0); ++n)
            body = claims(kNow + 300, ",\"p\":\"" + QByteArray(n, 'x') + "\"");
        QVERIFY(b64(body).size() % 4 != 0);
        const QByteArray plainBody = b64(body);
        const QByteArray altered = nonCanonical(plainBody);
        // The premise: a lenient decoder reads the same claims from the altered text.
        QCOMPARE(QByteArray::fromBase64(altered, QByteArray::Base64UrlEncoding), body);
        GH_VERIFY_OK(verify(signSegments(b64(header()), plainBody)));
        verifyRefused(signSegments(b64(header()), altered), QStringLiteral("not canonical"));
        // Padding, in any part (the signature covers the padded text).
        QByteArray padded = plainBody;
        while (padded.size() % 4 != 0)
            padded.append('=');
        verifyRefused(signSegments(b64(header()), padded), QStringLiteral("outside unpadded"));
        const QByteArray good = signJson(header(), claims());
        verifyRefused(good + "==", QStringLiteral("outside unpadded"));
        // The standard alphabet, whitespace, line breaks.
        const QByteArray withSlash = "{\"iss\":\"https://auth.example\",\"aud\":\"api\",\"exp\":"
            + QByteArray::number(kNow + 300) + ",\"p\":\"\xff\xfe?>\"}";
        const QByteArray standard = withSlash.toBase64(QByteArray::OmitTrailingEquals);
        QVERIFY(standard.contains('+') || standard.contains('/'));
        verifyRefused(signSegments(b64(header()), standard), QStringLiteral("outside unpadded"));
        verifyRefused(" " + good, QStringLiteral("outside unpadded"));
        verifyRefused(good + "\n", QStringLiteral("outside unpadded"));
        verifyRefused(QByteArray(good).insert(20, ' '), QStringLiteral("outside unpadded"));
        verifyRefused(QByteArray(good).insert(20, "\r\n"), QStringLiteral("outside unpadded"));
        // A length no base64 text can have.
        QByteArray impossible = plainBody;
        while (impossible.size() % 4 != 1)
            impossible.append('A');
        verifyRefused(signSegments(b64(header()), impossible), QStringLiteral("not canonical"));
    }

    void trailingAndMalformedDataIsRefused()
    {
        const QByteArray good = signJson(header(), claims());
        verifyRefused(good + '.', QStringLiteral("three dot-separated parts"));
        verifyRefused(good + ".e30", QStringLiteral("three dot-separated parts"));
        // A JWE (five parts) is not a signed token.
        verifyRefused(good + ".e30.e30", QStringLiteral("three dot-separated parts"));
        verifyRefused("..", QStringLiteral("empty"));
        verifyRefused("", QStringLiteral("empty"));
        // Trailing data inside a part, also under a valid signature.
        verifyRefused(signJson(header(), claims() + "x"), QStringLiteral("after the object"));
        verifyRefused(signJson(header() + "{}", claims()), QStringLiteral("after the object"));
        verifyRefused(signJson(header(), claims() + ",{}"), QStringLiteral("after the object"));
        // Only an object will do.
        verifyRefused(signJson(header(), "[" + claims() + "]"), QStringLiteral("an object"));
        verifyRefused(signJson(header(), "\"text\""), QStringLiteral("an object"));
        verifyRefused(signJson("", claims()), QStringLiteral("empty"));
        // Session tokens and other bearer shapes.
        verifyRefused("gh_s_0123456789abcdefghijklmnopqrstuvwxyz", QStringLiteral("parts"));
        verifyRefused("Bearer " + good, QStringLiteral("outside unpadded"));
    }

    void strictJson_data()
    {
        QTest::addColumn<QByteArray>("json");
        QTest::addColumn<QString>("because");
        QTest::newRow("BOM") << QByteArray("\xEF\xBB\xBF{\"a\":1}")
                             << QStringLiteral("byte order mark");
        QTest::newRow("overlong /")
            << QByteArray("{\"a\":\"\xC0\xAF\"}") << QStringLiteral("UTF-8");
        QTest::newRow("0xFF") << QByteArray("{\"a\":\"\xFF\"}") << QStringLiteral("UTF-8");
        QTest::newRow("encoded surrogate")
            << QByteArray("{\"a\":\"\xED\xA0\x80\"}") << QStringLiteral("UTF-8");
        QTest::newRow("truncated sequence")
            << QByteArray("{\"a\":\"\xE2\x82\"}") << QStringLiteral("UTF-8");
        QTest::newRow("lone high surrogate")
            << QByteArray("{\"a\":\"\\ud800\"}") << QStringLiteral("surrogate");
        QTest::newRow("lone low surrogate")
            << QByteArray("{\"a\":\"\\udc00\"}") << QStringLiteral("surrogate");
        QTest::newRow("reversed pair")
            << QByteArray("{\"a\":\"\\udc00\\ud800\"}") << QStringLiteral("surrogate");
        QTest::newRow("raw control")
            << QByteArray("{\"a\":\"x\x01y\"}") << QStringLiteral("control");
        QTest::newRow("raw newline") << QByteArray("{\"a\":\"x\ny\"}") << QStringLiteral("control");
        QTest::newRow("bad escape") << QByteArray("{\"a\":\"\\x41\"}") << QStringLiteral("escape");
        QTest::newRow("short unicode escape")
            << QByteArray("{\"a\":\"\\u41\"}") << QStringLiteral("escape");
        QTest::newRow("non-ASCII hex digits")
            << QByteArray("{\"a\":\"\\u\xD9\xA1\xD9\xA2\xD9\xA3\xD9\xA4\"}")
            << QStringLiteral("escape");
        QTest::newRow("unterminated")
            << QByteArray("{\"a\":\"x}") << QStringLiteral("unterminated");
        QTest::newRow("truncated") << QByteArray("{\"a\":1") << QStringLiteral("malformed");
        QTest::newRow("trailing comma")
            << QByteArray("{\"a\":1,}") << QStringLiteral("not a string");
        QTest::newRow("single quotes") << QByteArray("{'a':1}") << QStringLiteral("not a string");
        QTest::newRow("leading zero") << QByteArray("{\"a\":01}") << QStringLiteral("malformed");
        QTest::newRow("plus sign") << QByteArray("{\"a\":+1}") << QStringLiteral("malformed");
        QTest::newRow("bare dot") << QByteArray("{\"a\":1.}") << QStringLiteral("number");
        QTest::newRow("NaN") << QByteArray("{\"a\":NaN}") << QStringLiteral("malformed");
        QTest::newRow("huge number")
            << QByteArray("{\"a\":1e400}") << QStringLiteral("out of range");
        QTest::newRow("comment") << QByteArray("{\"a\":1 /* x */}") << QStringLiteral("malformed");
        QTest::newRow("too deep") << QByteArray("{\"a\":[[[[[[[[[[1]]]]]]]]]]}")
                                  << QStringLiteral("nested too deeply");
        QTest::newRow("NUL after")
            << QByteArray("{\"a\":1}\0", 8) << QStringLiteral("after the object");
    }
    void strictJson()
    {
        QFETCH(QByteArray, json);
        QFETCH(QString, because);
        const Result<QJsonObject> parsed = Jwt::parseObject(json);
        QVERIFY2(!parsed, json.constData());
        QCOMPARE(parsed.error().code, ErrorCode::InvalidInput);
        QVERIFY2(parsed.error().message.contains(because), qPrintable(parsed.error().message));
        // And the same bytes as a signed token's claims are refused.
        verifyRefused(signJson(header(), json), QStringLiteral("the claims JSON"));
    }

    void strictJsonAcceptsWhatRfc8259Allows()
    {
        const Result<QJsonObject> parsed = Jwt::parseObject(
            " {\"a\" : [1, -0.5e+2, true, false, null, {}], \"b\":\"\\u00e9\\ud83d\\ude00\\n\","
            " \"c\":{\"d\":\"\xC3\xA9\"}}\r\n");
        GH_VERIFY_OK(parsed);
        QCOMPARE(parsed->value(QStringLiteral("a")).toArray().at(1).toDouble(), -50.0);
        QCOMPARE(parsed->value(QStringLiteral("b")).toString(),
                 QString(QChar(0xe9)) + QString::fromUcs4(U"\U0001F600") + QLatin1Char('\n'));
        QCOMPARE(parsed->value(QStringLiteral("c")).toObject().value(QStringLiteral("d")),
                 QJsonValue(QString(QChar(0xe9))));
        GH_VERIFY_OK(Jwt::parseObject("{\"a\":[[[[[[[1]]]]]]]}"));
    }

    void oversizeTokensAreRefusedBeforeDecoding()
    {
        // The longest valid token at most kMaxTokenLength long, and the shortest one over it:
        // a claim padded one character at a time.
        const auto withPad = [&](qsizetype pad) {
            return signJson(header(),
                            claims(kNow + 300, ",\"p\":\"" + QByteArray(pad, 'a') + "\""));
        };
        qsizetype pad = 0;
        while (withPad(pad + 1).size() <= Jwt::kMaxTokenLength)
            pad += withPad(pad + 64).size() <= Jwt::kMaxTokenLength ? 64 : 1;
        const QByteArray under = withPad(pad);
        const QByteArray over = withPad(pad + 1);
        QVERIFY(under.size() <= Jwt::kMaxTokenLength);
        QVERIFY(under.size() > Jwt::kMaxTokenLength - 4);
        QVERIFY(over.size() > Jwt::kMaxTokenLength);
        GH_VERIFY_OK(verify(under));
        verifyRefused(over, QStringLiteral("longer than 8192 bytes"));

        // A megabyte of garbage is refused at once, never decoded.
        const QByteArray huge = QByteArray(1 << 20, 'A') + ".A.A";
        QElapsedTimer timer;
        timer.start();
        for (int i = 0; i < 100; ++i)
            verifyRefused(huge, QStringLiteral("longer than"));
        QVERIFY(timer.elapsed() < 2000);
    }

    void timeRules_data() // C14, J5
    {
        QTest::addColumn<qint64>("now");
        QTest::addColumn<QByteArray>("extra");
        QTest::addColumn<bool>("valid");
        QTest::addColumn<QString>("because");
        const qint64 exp = kRfcExp;
        QTest::newRow("RFC: well before exp")
            << qint64(1300819000) << QByteArray() << true << QString();
        QTest::newRow("1 s before exp") << exp - 1 << QByteArray() << true << QString();
        QTest::newRow("at exp, within leeway") << exp << QByteArray() << true << QString();
        QTest::newRow("exp + 59 s") << exp + 59 << QByteArray() << true << QString();
        QTest::newRow("exp + 60 s")
            << exp + 60 << QByteArray() << false << QStringLiteral("expired");
        QTest::newRow("RFC: exp + 61 s")
            << qint64(1300819441) << QByteArray() << false << QStringLiteral("expired");
        QTest::newRow("a day later")
            << exp + 86400 << QByteArray() << false << QStringLiteral("expired");
        const qint64 now = exp - 300;
        QTest::newRow("nbf in 5 min") << now << ",\"nbf\":" + QByteArray::number(now + 300) << false
                                      << QStringLiteral("nbf is in the future");
        QTest::newRow("nbf in 61 s") << now << ",\"nbf\":" + QByteArray::number(now + 61) << false
                                     << QStringLiteral("nbf is in the future");
        QTest::newRow("nbf in 60 s")
            << now << ",\"nbf\":" + QByteArray::number(now + 60) << true << QString();
        QTest::newRow("nbf passed")
            << now << ",\"nbf\":" + QByteArray::number(now - 10) << true << QString();
        QTest::newRow("iat in 5 min") << now << ",\"iat\":" + QByteArray::number(now + 300) << false
                                      << QStringLiteral("iat is in the future");
        QTest::newRow("iat in 30 s")
            << now << ",\"iat\":" + QByteArray::number(now + 30) << true << QString();
        QTest::newRow("iat as text") << now << QByteArray(",\"iat\":\"1300819000\"") << false
                                     << QStringLiteral("iat is not a whole number");
        QTest::newRow("nbf fraction") << now << QByteArray(",\"nbf\":1300819000.5") << false
                                      << QStringLiteral("nbf is not a whole number");
    }
    void timeRules()
    {
        QFETCH(qint64, now);
        QFETCH(QByteArray, extra);
        QFETCH(bool, valid);
        QFETCH(QString, because);
        const QByteArray body = "{\"iss\":\"https://auth.example\",\"aud\":\"api\",\"exp\":"
            + QByteArray::number(kRfcExp) + extra + "}";
        const QByteArray token = signJson(header(), body);
        if (valid)
            GH_VERIFY_OK(verify(token, now));
        else
            verifyRefused(token, because, now);
    }

    void expirationIsRequiredAndTyped()
    {
        const QByteArray base = "{\"iss\":\"https://auth.example\",\"aud\":\"api\"";
        for (const QByteArray &exp :
             {QByteArray(), QByteArray(",\"exp\":\"1780301100\""),
              QByteArray(",\"exp\":1780301100.5"), QByteArray(",\"exp\":1e300"),
              QByteArray(",\"exp\":-1"), QByteArray(",\"exp\":true"), QByteArray(",\"exp\":null"),
              QByteArray(",\"exp\":[1780301100]")}) {
            verifyRefused(signJson(header(), base + exp + "}"), QStringLiteral("exp is missing"));
        }
    }

    void leewayIsCappedAt60Seconds()
    {
        const QByteArray token = signJson(header(), claims(kNow + 10));
        GH_VERIFY_OK(verify(token, kNow + 69, 3600));
        const Result<Jwt::Verified> refused = verify(token, kNow + 70, 3600);
        QVERIFY(!refused);
        QVERIFY(refused.error().message.contains(u"expired"));
        // No leeway at all: expired at exp.
        GH_VERIFY_OK(verify(token, kNow + 9, 0));
        QVERIFY(!verify(token, kNow + 10, 0));
        QVERIFY(!verify(token, kNow + 10, -5));
    }

    void issuerAudienceAndType_data() // C15
    {
        QTest::addColumn<QByteArray>("head");
        QTest::addColumn<QByteArray>("body");
        QTest::addColumn<QString>("because");
        const QByteArray exp = ",\"exp\":" + QByteArray::number(kNow + 300);
        QTest::newRow("wrong iss")
            << header() << "{\"iss\":\"https://evil.example\",\"aud\":\"api\"" + exp + "}"
            << QStringLiteral("issuer");
        QTest::newRow("iss differs in case")
            << header() << "{\"iss\":\"https://AUTH.example\",\"aud\":\"api\"" + exp + "}"
            << QStringLiteral("issuer");
        QTest::newRow("no iss") << header() << "{\"aud\":\"api\"" + exp + "}"
                                << QStringLiteral("issuer");
        QTest::newRow("iss as list")
            << header() << "{\"iss\":[\"https://auth.example\"],\"aud\":\"api\"" + exp + "}"
            << QStringLiteral("issuer");
        QTest::newRow("wrong aud")
            << header() << "{\"iss\":\"https://auth.example\",\"aud\":\"other\"" + exp + "}"
            << QStringLiteral("audience");
        QTest::newRow("no aud") << header() << "{\"iss\":\"https://auth.example\"" + exp + "}"
                                << QStringLiteral("audience");
        QTest::newRow("aud list without us")
            << header() << "{\"iss\":\"https://auth.example\",\"aud\":[\"a\",\"b\"]" + exp + "}"
            << QStringLiteral("audience");
        QTest::newRow("aud list with a number")
            << header() << "{\"iss\":\"https://auth.example\",\"aud\":[\"api\",1]" + exp + "}"
            << QStringLiteral("audience");
        QTest::newRow("empty aud list")
            << header() << "{\"iss\":\"https://auth.example\",\"aud\":[]" + exp + "}"
            << QStringLiteral("audience");
        const QByteArray body = claims();
        QTest::newRow("typ JWT") << "{\"alg\":\"EdDSA\",\"typ\":\"JWT\",\"kid\":" + kKidJson + "}"
                                 << body << QStringLiteral("typ");
        QTest::newRow("typ refresh")
            << "{\"alg\":\"EdDSA\",\"typ\":\"refresh+jwt\",\"kid\":" + kKidJson + "}" << body
            << QStringLiteral("typ");
        QTest::newRow("typ in capitals")
            << "{\"alg\":\"EdDSA\",\"typ\":\"AT+JWT\",\"kid\":" + kKidJson + "}" << body
            << QStringLiteral("typ");
        QTest::newRow("no typ") << "{\"alg\":\"EdDSA\",\"kid\":" + kKidJson + "}" << body
                                << QStringLiteral("typ");
    }
    void issuerAudienceAndType()
    {
        QFETCH(QByteArray, head);
        QFETCH(QByteArray, body);
        QFETCH(QString, because);
        verifyRefused(signJson(head, body), because);
    }

    void nothingToCheckAgainstFailsClosed()
    {
        const QByteArray token = signJson(header(), claims());
        Jwt::Expectations expected = expectAt(kNow);
        expected.issuer.clear();
        QVERIFY(!Jwt::verify(token, m_keys, expected));
        expected = expectAt(kNow);
        expected.audience.clear();
        QVERIFY(!Jwt::verify(token, m_keys, expected));
        expected = expectAt(kNow);
        expected.now = QDateTime();
        QVERIFY(!Jwt::verify(token, m_keys, expected));
        QVERIFY(!Jwt::verify(token, {}, expectAt(kNow)));
    }

    void messagesNeverEchoTheToken()
    {
        const QByteArray token = signJson(header(), claims(kNow + 300, ",\"secret\":\"s3cr3t\""));
        const QList<QByteArray> parts = token.split('.');
        for (const QByteArray &bad :
             QList<QByteArray>{token + "x", token + "=", parts[0] + ".." + parts[2],
                               QByteArray(token).replace('.', ' ')}) {
            const Result<Jwt::Verified> refused = verify(bad);
            QVERIFY(!refused);
            for (const QByteArray &part : parts)
                QVERIFY(!refused.error().message.contains(QString::fromLatin1(part.left(12))));
            QVERIFY(!refused.error().message.contains(u"s3cr3t"));
        }
    }
};

QTEST_GUILESS_MAIN(TestJwt)
#include "TestJwt.moc"
