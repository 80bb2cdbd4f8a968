#include "Jwt.h"

#include "crypto/Base64.h"
#include "crypto/Ed25519.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QList>

#include <cmath>

namespace gatehouse::Jwt {

namespace {

Error invalidToken(const QString &why)
{
    return makeError(ErrorCode::Unauthenticated, QString(u"Invalid access token: " + why));
}

Error invalidJson(const QString &why)
{
    return makeError(ErrorCode::InvalidInput, QString(u"JSON " + why));
}

// A recursive-descent reader for RFC 8259 JSON that refuses what QJsonDocument lets through:
// duplicate keys (QJsonDocument keeps one of them silently, so two readers of one token could
// disagree about its claims), lone surrogates, and nesting deeper than kMaxJsonDepth.
class StrictJsonReader
{
public:
    explicit StrictJsonReader(const QString &text)
        : m_text(text)
    {}

    Result<QJsonObject> readDocument()
    {
        skipSpace();
        if (peek() != u'{')
            return invalidJson(QStringLiteral("must be an object."));
        Result<QJsonValue> value = readValue(0);
        if (!value)
            return value.error();
        skipSpace();
        if (m_pos != m_text.size())
            return invalidJson(QStringLiteral("has data after the object."));
        return value->toObject();
    }

private:
    QChar peek() const { return m_pos < m_text.size() ? m_text.at(m_pos) : QChar(); }
    bool atEnd() const { return m_pos >= m_text.size(); }

    void skipSpace()
    {
        while (!atEnd()) {
            const char16_t c = m_text.at(m_pos).unicode();
            if (c != u' ' && c != u'\t' && c != u'\n' && c != u'\r')
                return;
            ++m_pos;
        }
    }

    bool consume(QStringView word)
    {
        if (QStringView(m_text).sliced(m_pos).startsWith(word)) {
            m_pos += word.size();
            return true;
        }
        return false;
    }

    Result<QJsonValue> readValue(int depth)
    {
        if (depth > kMaxJsonDepth)
            return invalidJson(QStringLiteral("is nested too deeply."));
        skipSpace();
        const QChar c = peek();
        if (c == u'{')
            return readObject(depth);
        if (c == u'[')
            return readArray(depth);
        if (c == u'"') {
            Result<QString> text = readString();
            if (!text)
                return text.error();
            return QJsonValue(*text);
        }
        if (consume(u"true"))
            return QJsonValue(true);
        if (consume(u"false"))
            return QJsonValue(false);
        if (consume(u"null"))
            return QJsonValue(QJsonValue::Null);
        if (c == u'-' || (c >= u'0' && c <= u'9'))
            return readNumber();
        return invalidJson(QStringLiteral("is malformed."));
    }

    Result<QJsonValue> readObject(int depth)
    {
        ++m_pos; // '{'
        QJsonObject object;
        skipSpace();
        if (peek() == u'}') {
            ++m_pos;
            return QJsonValue(object);
        }
        for (;;) {
            skipSpace();
            if (peek() != u'"')
                return invalidJson(QStringLiteral("has an object key that is not a string."));
            Result<QString> key = readString();
            if (!key)
                return key.error();
            // Compared after unescaping, so "a" and "\u0061" are the same key.
            if (object.contains(*key))
                return invalidJson(QStringLiteral("has a duplicate key."));
            skipSpace();
            if (peek() != u':')
                return invalidJson(QStringLiteral("is malformed."));
            ++m_pos;
            Result<QJsonValue> value = readValue(depth + 1);
            if (!value)
                return value;
            object.insert(*key, *value);
            skipSpace();
            if (peek() == u',') {
                ++m_pos;
                continue;
            }
            if (peek() == u'}') {
                ++m_pos;
                return QJsonValue(object);
            }
            return invalidJson(QStringLiteral("is malformed."));
        }
    }

    Result<QJsonValue> readArray(int depth)
    {
        ++m_pos; // '['
        QJsonArray array;
        skipSpace();
        if (peek() == u']') {
            ++m_pos;
            return QJsonValue(array);
        }
        for (;;) {
            Result<QJsonValue> value = readValue(depth + 1);
            if (!value)
                return value;
            array.append(*value);
            skipSpace();
            if (peek() == u',') {
                ++m_pos;
                continue;
            }
            if (peek() == u']') {
                ++m_pos;
                return QJsonValue(array);
            }
            return invalidJson(QStringLiteral("is malformed."));
        }
    }

    std::optional<char16_t> readHex4()
    {
        if (m_pos + 4 > m_text.size())
            return std::nullopt;
        bool ok = false;
        const QStringView digits = QStringView(m_text).sliced(m_pos, 4);
        for (const QChar d : digits) {
            // ASCII hex digits only: QChar::isDigit() would also take other scripts' digits.
            if (!(d >= u'0' && d <= u'9') && !(d >= u'a' && d <= u'f') && !(d >= u'A' && d <= u'F'))
                return std::nullopt;
        }
        const uint value = digits.toUInt(&ok, 16);
        if (!ok)
            return std::nullopt;
        m_pos += 4;
        return char16_t(value);
    }

    Result<QString> readString()
    {
        ++m_pos; // '"'
        QString out;
        for (;;) {
            if (atEnd())
                return invalidJson(QStringLiteral("has an unterminated string."));
            const QChar c = m_text.at(m_pos++);
            if (c == u'"')
                return out;
            if (c.unicode() < 0x20)
                return invalidJson(QStringLiteral("has a control character in a string."));
            if (c != u'\\') {
                out.append(c);
                continue;
            }
            if (atEnd())
                return invalidJson(QStringLiteral("has an unterminated string."));
            const QChar escape = m_text.at(m_pos++);
            switch (escape.unicode()) {
            case u'"':
            case u'\\':
            case u'/':
                out.append(escape);
                break;
            case u'b':
                out.append(QChar(u'\b'));
                break;
            case u'f':
                out.append(QChar(u'\f'));
                break;
            case u'n':
                out.append(QChar(u'\n'));
                break;
            case u'r':
                out.append(QChar(u'\r'));
                break;
            case u't':
                out.append(QChar(u'\t'));
                break;
            case u'u': {
                const std::optional<char16_t> unit = readHex4();
                if (!unit)
                    return invalidJson(QStringLiteral("has a malformed \\u escape."));
                if (QChar::isLowSurrogate(*unit))
                    return invalidJson(QStringLiteral("has a lone surrogate."));
                if (QChar::isHighSurrogate(*unit)) {
                    if (!consume(u"\\u"))
                        return invalidJson(QStringLiteral("has a lone surrogate."));
                    const std::optional<char16_t> low = readHex4();
                    if (!low || !QChar::isLowSurrogate(*low))
                        return invalidJson(QStringLiteral("has a lone surrogate."));
                    out.append(QChar(*unit)).append(QChar(*low));
                } else {
                    out.append(QChar(*unit));
                }
                break;
            }
            default:
                return invalidJson(QStringLiteral("has an unknown escape in a string."));
            }
        }
    }

    Result<QJsonValue> readNumber()
    {
        const qsizetype start = m_pos;
        auto digits = [&] {
            const qsizetype from = m_pos;
            while (!atEnd() && peek() >= u'0' && peek() <= u'9')
                ++m_pos;
            return m_pos - from;
        };
        if (peek() == u'-')
            ++m_pos;
        if (peek() == u'0') {
            ++m_pos;
        } else if (digits() == 0) {
            return invalidJson(QStringLiteral("has a malformed number."));
        }
        if (peek() == u'.') {
            ++m_pos;
            if (digits() == 0)
                return invalidJson(QStringLiteral("has a malformed number."));
        }
        if (peek() == u'e' || peek() == u'E') {
            ++m_pos;
            if (peek() == u'+' || peek() == u'-')
                ++m_pos;
            if (digits() == 0)
                return invalidJson(QStringLiteral("has a malformed number."));
        }
        const QStringView text = QStringView(m_text).sliced(start, m_pos - start);
        bool ok = false;
        // Whole numbers stay integers, as QJsonDocument keeps them (NumericDates are).
        if (!text.contains(u'.') && !text.contains(u'e') && !text.contains(u'E')) {
            const qint64 integer = text.toLongLong(&ok);
            if (ok)
                return QJsonValue(integer);
        }
        const double value = text.toDouble(&ok);
        if (!ok || !std::isfinite(value))
            return invalidJson(QStringLiteral("has a number out of range."));
        return QJsonValue(value);
    }

    const QString &m_text;
    qsizetype m_pos = 0;
};

bool isBase64UrlOrDot(char c)
{
    return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-'
        || c == '_' || c == '.';
}

// A NumericDate claim: a whole number of seconds in [0, kMaxNumericDate], or nullopt.
std::optional<qint64> numericDate(const QJsonValue &value)
{
    if (!value.isDouble())
        return std::nullopt;
    const double number = value.toDouble();
    if (number != std::floor(number) || number < 0 || number > double(kMaxNumericDate))
        return std::nullopt;
    return qint64(number);
}

bool audienceNames(const QJsonValue &aud, const QString &audience)
{
    if (aud.isString())
        return aud.toString() == audience;
    if (!aud.isArray() || aud.toArray().isEmpty())
        return false;
    bool named = false;
    for (const QJsonValue &entry : aud.toArray()) {
        if (!entry.isString())
            return false;
        named = named || entry.toString() == audience;
    }
    return named;
}

Result<void> checkHeader(const QJsonObject &header, const QString &type)
{
    // A sender-chosen key or key location is how algorithm and key confusion attacks start:
    // refused outright rather than ignored, so such a token can never look valid (C12).
    for (const char *keyParameter : {"jku", "x5u", "jwk", "x5c", "x5t", "x5t#S256"}) {
        if (header.contains(QLatin1String(keyParameter)))
            return invalidToken(QStringLiteral("the header names its own key or key URL "
                                               "(jku, x5u, jwk, x5c); keys come only from "
                                               "this store."));
    }
    if (header.contains(QLatin1String("crit")))
        return invalidToken(QStringLiteral("the header lists critical extensions (crit), "
                                           "which are not supported."));
    for (auto it = header.begin(); it != header.end(); ++it) {
        if (it.key() != u"alg" && it.key() != u"typ" && it.key() != u"kid")
            return invalidToken(QStringLiteral("the header has a parameter other than alg, "
                                               "typ and kid."));
    }
    // The algorithm is fixed by the verifier; the header only has to agree, byte for byte.
    const QJsonValue alg = header.value(QLatin1String("alg"));
    if (!alg.isString() || alg.toString() != algorithm())
        return invalidToken(QStringLiteral("the algorithm is not allowed (only EdDSA is)."));
    const QJsonValue typ = header.value(QLatin1String("typ"));
    if (!typ.isString() || typ.toString() != type)
        return invalidToken(QStringLiteral("the token type (typ) is not %1.").arg(type));
    return {};
}

Result<QDateTime> checkClaims(const QJsonObject &claims, const Expectations &expected)
{
    if (expected.issuer.isEmpty() || expected.audience.isEmpty() || !expected.now.isValid())
        return invalidToken(QStringLiteral("no issuer, audience or time to check against."));
    const qint64 now = expected.now.toSecsSinceEpoch();
    const qint64 leeway = qBound(0, expected.leewaySeconds, kMaxLeewaySeconds);

    const std::optional<qint64> exp = numericDate(claims.value(QLatin1String("exp")));
    if (!exp)
        return invalidToken(QStringLiteral("exp is missing or not a whole number of seconds."));
    if (now >= *exp + leeway)
        return invalidToken(QStringLiteral("it has expired."));
    for (const char *name : {"nbf", "iat"}) {
        const QJsonValue value = claims.value(QLatin1String(name));
        if (value.isUndefined())
            continue;
        const std::optional<qint64> time = numericDate(value);
        if (!time)
            return invalidToken(
                QStringLiteral("%1 is not a whole number of seconds.").arg(QLatin1String(name)));
        if (*time > now + leeway)
            return invalidToken(QStringLiteral("%1 is in the future.").arg(QLatin1String(name)));
    }
    const QJsonValue iss = claims.value(QLatin1String("iss"));
    if (!iss.isString() || iss.toString() != expected.issuer)
        return invalidToken(QStringLiteral("the issuer (iss) does not match."));
    if (!audienceNames(claims.value(QLatin1String("aud")), expected.audience))
        return invalidToken(QStringLiteral("the audience (aud) does not match."));
    return QDateTime::fromSecsSinceEpoch(*exp, Qt::UTC);
}

} // namespace

Result<QJsonObject> parseObject(QByteArrayView json)
{
    // RFC 8259 §8.1: no byte order mark (and Qt's decoder would drop it silently).
    if (json.startsWith("\xEF\xBB\xBF"))
        return invalidJson(QStringLiteral("starts with a byte order mark."));
    const QString text = QString::fromUtf8(json);
    // Invalid sequences (overlong forms, encoded surrogates, stray bytes) decode to U+FFFD and
    // no longer encode back to the same bytes.
    if (text.toUtf8() != json.toByteArray())
        return invalidJson(QStringLiteral("is not valid UTF-8."));
    return StrictJsonReader(text).readDocument();
}

Result<Decoded> decode(QByteArrayView token)
{
    if (token.size() > kMaxTokenLength)
        return invalidToken(QStringLiteral("it is longer than %1 bytes.").arg(kMaxTokenLength));
    if (token.isEmpty())
        return invalidToken(QStringLiteral("it is empty."));
    for (const char c : token) {
        if (!isBase64UrlOrDot(c))
            return invalidToken(QStringLiteral("it contains characters outside unpadded "
                                               "base64url (padding, whitespace or another "
                                               "alphabet)."));
    }
    const QList<QByteArrayView> parts = [&] {
        QList<QByteArrayView> split;
        qsizetype from = 0;
        for (qsizetype i = 0; i <= token.size(); ++i) {
            if (i == token.size() || token.at(i) == '.') {
                split.append(token.sliced(from, i - from));
                from = i + 1;
            }
        }
        return split;
    }();
    if (parts.size() != 3)
        return invalidToken(QStringLiteral("it is not a signed JWT in compact form (three "
                                           "dot-separated parts)."));
    if (parts.at(0).isEmpty() || parts.at(1).isEmpty())
        return invalidToken(QStringLiteral("the header or the claims are empty."));
    if (parts.at(2).isEmpty())
        return invalidToken(QStringLiteral("the signature is missing."));

    const char *names[] = {"header", "claims", "signature"};
    QByteArray decoded[3];
    for (int i = 0; i < 3; ++i) {
        Result<QByteArray> bytes = crypto::base64UrlDecode(parts.at(i));
        if (!bytes)
            return invalidToken(QStringLiteral("the %1 is not canonical unpadded base64url.")
                                    .arg(QLatin1String(names[i])));
        decoded[i] = std::move(bytes).value();
    }
    Result<QJsonObject> header = parseObject(decoded[0]);
    if (!header)
        return invalidToken(QString(u"the header " + header.error().message));
    Result<QJsonObject> claims = parseObject(decoded[1]);
    if (!claims)
        return invalidToken(QString(u"the claims " + claims.error().message));
    const qsizetype signedLength = parts.at(0).size() + 1 + parts.at(1).size();
    return Decoded{*header, *claims, token.first(signedLength).toByteArray(),
                   std::move(decoded[2])};
}

QByteArray signingInput(const QJsonObject &header, const QJsonObject &claims)
{
    return crypto::base64UrlEncode(QJsonDocument(header).toJson(QJsonDocument::Compact)) + '.'
        + crypto::base64UrlEncode(QJsonDocument(claims).toJson(QJsonDocument::Compact));
}

QByteArray compact(QByteArrayView signingInput, QByteArrayView signature)
{
    return signingInput.toByteArray() + '.' + crypto::base64UrlEncode(signature);
}

Result<Verified> verify(QByteArrayView token, const PublicKeys &keys, const Expectations &expected)
{
    Result<Decoded> decoded = decode(token);
    if (!decoded)
        return decoded.error();
    if (Result<void> header = checkHeader(decoded->header, expected.type); !header)
        return header.error();
    const QJsonValue kid = decoded->header.value(QLatin1String("kid"));
    // A map lookup and nothing else: the kid never becomes a path, URL or SQL.
    const auto key = kid.isString() ? keys.constFind(kid.toString()) : keys.constEnd();
    if (key == keys.constEnd())
        return invalidToken(QStringLiteral("it is signed with an unknown or retired key."));
    if (!crypto::ed25519Verify(*key, decoded->signingInput, decoded->signature))
        return invalidToken(QStringLiteral("the signature does not verify."));
    Result<QDateTime> expiresAt = checkClaims(decoded->claims, expected);
    if (!expiresAt)
        return expiresAt.error();
    return Verified{kid.toString(), decoded->claims, *expiresAt};
}

} // namespace gatehouse::Jwt
