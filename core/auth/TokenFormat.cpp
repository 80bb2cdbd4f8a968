#include "TokenFormat.h"

#include "Crc32.h"
#include "crypto/Base64.h"
#include "crypto/Hash.h"
#include "crypto/Random.h"

#include <QChar>

#include <algorithm>

namespace gatehouse {

namespace {

// Ordered by ASCII code, so fixed-width base62 strings compare like the numbers they encode.
constexpr QStringView kBase62 = u"0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";
constexpr QStringView kBase32Lower = u"abcdefghijklmnopqrstuvwxyz234567";
constexpr QStringView kCrockford = u"0123456789ABCDEFGHJKMNPQRSTVWXYZ";
constexpr int kCodeGroup = 5;

// One message per kind, whatever was wrong: the reason would help an attacker more than a
// user, and the input itself may be a secret.
Error sessionRefusal()
{
    return makeError(ErrorCode::Unauthenticated, QStringLiteral("invalid session token"));
}

Error serviceRefusal()
{
    return makeError(ErrorCode::Unauthenticated, QStringLiteral("invalid service token"));
}

Error codeRefusal()
{
    return makeError(ErrorCode::InvalidInput,
                     QStringLiteral("that code is not valid; check it and try again"));
}

bool isBase62(QChar c)
{
    const char16_t u = c.unicode();
    return (u >= u'0' && u <= u'9') || (u >= u'A' && u <= u'Z') || (u >= u'a' && u <= u'z');
}

bool isBase64Url(QChar c)
{
    return isBase62(c) || c == u'-' || c == u'_';
}

bool isBase32Lower(QChar c)
{
    const char16_t u = c.unicode();
    return (u >= u'a' && u <= u'z') || (u >= u'2' && u <= u'7');
}

bool allOf(QStringView text, bool (*predicate)(QChar))
{
    return std::all_of(text.begin(), text.end(), predicate);
}

// Big-endian bytes as a base62 number, zero-padded to `width` digits. Precondition: the value
// fits (62^43 > 2^256, 62^6 > 2^32).
QString base62Encode(QByteArrayView bytes, int width)
{
    QByteArray number = bytes.toByteArray();
    QString digits(width, u'0');
    for (int i = width - 1; i >= 0; --i) {
        quint32 remainder = 0;
        for (char &byte : number) {
            const quint32 accumulator = (remainder << 8) | static_cast<quint8>(byte);
            byte = static_cast<char>(accumulator / 62);
            remainder = accumulator % 62;
        }
        digits[i] = kBase62[remainder];
    }
    Q_ASSERT(std::all_of(number.cbegin(), number.cend(), [](char b) { return b == 0; }));
    crypto::secureZero(number);
    return digits;
}

QString checksumOf(QByteArrayView body)
{
    const quint32 crc = crc32(body);
    const char bigEndian[4] = {static_cast<char>(crc >> 24), static_cast<char>(crc >> 16),
                               static_cast<char>(crc >> 8), static_cast<char>(crc)};
    return base62Encode(QByteArrayView(bigEndian, 4), TokenFormat::ChecksumLength);
}

// The largest secret, base62(2^256 - 1): anything above it was never issued.
const QString &maxServiceSecret()
{
    static const QString max = base62Encode(QByteArray(TokenFormat::ServiceSecretBytes, '\xff'),
                                            TokenFormat::ServiceSecretLength);
    return max;
}

// RFC 4648 §6 base32 without padding, lower case, most significant bit first.
QString base32LowerEncode(QByteArrayView bytes)
{
    QString out;
    quint32 buffer = 0;
    int bits = 0;
    for (const char byte : bytes) {
        buffer = (buffer << 8) | static_cast<quint8>(byte);
        bits += 8;
        while (bits >= 5) {
            bits -= 5;
            out.append(kBase32Lower[(buffer >> bits) & 31u]);
        }
    }
    if (bits > 0)
        out.append(kBase32Lower[(buffer << (5 - bits)) & 31u]);
    return out;
}

// Value of a typed Crockford symbol, or -1. Case-insensitive; I and L are read as 1 and O as 0,
// the confusions Crockford's alphabet is designed around. U stays invalid.
int crockfordValue(QChar c)
{
    char16_t u = c.unicode();
    if (u >= u'a' && u <= u'z')
        u = static_cast<char16_t>(u - u'a' + u'A');
    if (u == u'I' || u == u'L')
        return 1;
    if (u == u'O')
        return 0;
    const qsizetype index = kCrockford.indexOf(QChar(u));
    return static_cast<int>(index);
}

// Separators people type or paste between groups. Any Unicode space (a trailing newline from
// a paste, a non-breaking space from a document) and the common hyphen look-alikes.
bool isIgnoredInCode(QChar c)
{
    return c.isSpace() || c == u'-' || c == u'\u2010' || c == u'\u2011' || c == u'\u2012'
        || c == u'\u2013' || c == u'\u2212';
}

Result<IssuedSecret> newCode(int symbols)
{
    // One random byte per symbol: 32 divides 256, so `byte & 31` is uniform.
    Result<QByteArray> random = crypto::randomBytes(symbols);
    if (!random)
        return random.error();
    QByteArray canonical;
    QString grouped;
    for (int i = 0; i < symbols; ++i) {
        const QChar symbol = kCrockford[static_cast<quint8>(random->at(i)) & 31u];
        canonical.append(static_cast<char>(symbol.unicode()));
        if (i > 0 && i % kCodeGroup == 0)
            grouped.append(u'-');
        grouped.append(symbol);
    }
    crypto::secureZero(*random);
    IssuedSecret issued{grouped, crypto::sha256(canonical)};
    crypto::secureZero(canonical);
    return issued;
}

Result<QByteArray> codeHash(QStringView typed, int symbols)
{
    if (typed.size() > TokenFormat::MaxPresentedLength)
        return codeRefusal();
    QByteArray canonical;
    canonical.reserve(symbols);
    for (const QChar c : typed) {
        if (isIgnoredInCode(c))
            continue;
        const int value = crockfordValue(c);
        if (value < 0 || canonical.size() == symbols) {
            crypto::secureZero(canonical);
            return codeRefusal();
        }
        canonical.append(static_cast<char>(kCrockford[value].unicode()));
    }
    if (canonical.size() != symbols) {
        crypto::secureZero(canonical);
        return codeRefusal();
    }
    QByteArray hash = crypto::sha256(canonical);
    crypto::secureZero(canonical);
    return hash;
}

} // namespace

Result<IssuedSecret> TokenFormat::newSessionToken()
{
    Result<QByteArray> random = crypto::randomBytes(SessionTokenBytes);
    if (!random)
        return random.error();
    const QString token =
        SessionTokenPrefix.toString() % QString::fromLatin1(crypto::base64UrlEncode(*random));
    crypto::secureZero(*random);
    return IssuedSecret{token, crypto::sha256(token.toLatin1())};
}

Result<QByteArray> TokenFormat::sessionTokenHash(QStringView presented)
{
    if (presented.size() > MaxPresentedLength || presented.size() != SessionTokenLength
        || !presented.startsWith(SessionTokenPrefix)) {
        return sessionRefusal();
    }
    // The explicit alphabet check keeps non-ASCII out of toLatin1(); the strict decoder then
    // refuses the non-canonical spellings (non-zero trailing bits).
    if (!allOf(presented.sliced(SessionTokenPrefix.size()), isBase64Url))
        return sessionRefusal();
    const QByteArray ascii = presented.toLatin1();
    Result<QByteArray> decoded =
        crypto::base64UrlDecode(QByteArrayView(ascii).sliced(SessionTokenPrefix.size()));
    if (!decoded || decoded->size() != SessionTokenBytes)
        return sessionRefusal();
    crypto::secureZero(*decoded);
    return crypto::sha256(ascii);
}

bool TokenFormat::isValidKeyId(QStringView keyId)
{
    // 96 bits in 20 symbols leave 4 zero bits in the last one, so only 'a' (0) or 'q' (16).
    return keyId.size() == KeyIdLength && allOf(keyId, isBase32Lower)
        && (keyId.back() == u'a' || keyId.back() == u'q');
}

Result<IssuedServiceToken> TokenFormat::newServiceToken(QStringView keyId)
{
    QString id;
    if (keyId.isEmpty()) {
        Result<QByteArray> idBytes = crypto::randomBytes(KeyIdBytes);
        if (!idBytes)
            return idBytes.error();
        id = base32LowerEncode(*idBytes);
    } else if (isValidKeyId(keyId)) {
        id = keyId.toString();
    } else {
        return makeError(ErrorCode::InvalidInput, QStringLiteral("the key id is not valid"));
    }

    Result<QByteArray> random = crypto::randomBytes(ServiceSecretBytes);
    if (!random)
        return random.error();
    const QString body = ServiceTokenPrefix.toString() % u'_' % id % u'_'
        % base62Encode(*random, ServiceSecretLength);
    crypto::secureZero(*random);
    const QString token = body % u'_' % checksumOf(body.toLatin1());
    Q_ASSERT(token.size() == ServiceTokenLength);
    return IssuedServiceToken{token, id, crypto::sha256(token.toLatin1())};
}

Result<ParsedServiceToken> TokenFormat::parseServiceToken(QStringView presented)
{
    if (presented.size() > MaxPresentedLength || presented.size() != ServiceTokenLength)
        return serviceRefusal();
    // Fixed positions: with the alphabets below (none contains '_') this is exactly four
    // underscore-separated parts of the right lengths.
    constexpr qsizetype idAt = ServiceTokenPrefix.size() + 1;
    constexpr qsizetype secretAt = idAt + KeyIdLength + 1;
    constexpr qsizetype checksumAt = secretAt + ServiceSecretLength + 1;
    const QStringView id = presented.sliced(idAt, KeyIdLength);
    const QStringView secret = presented.sliced(secretAt, ServiceSecretLength);
    const QStringView checksum = presented.sliced(checksumAt, ChecksumLength);
    if (!presented.startsWith(ServiceTokenPrefix) || presented[idAt - 1] != u'_'
        || presented[secretAt - 1] != u'_' || presented[checksumAt - 1] != u'_' || !isValidKeyId(id)
        || !allOf(secret, isBase62) || secret > maxServiceSecret()) {
        return serviceRefusal();
    }
    const QByteArray ascii = presented.toLatin1();
    if (checksum != checksumOf(QByteArrayView(ascii).first(checksumAt - 1)))
        return serviceRefusal();
    return ParsedServiceToken{id.toString(), crypto::sha256(ascii)};
}

QString TokenFormat::redact(QStringView token)
{
    const qsizetype idAt = ServiceTokenPrefix.size() + 1;
    if (token.size() > idAt + KeyIdLength && token.startsWith(ServiceTokenPrefix)
        && token[idAt - 1] == u'_' && isValidKeyId(token.sliced(idAt, KeyIdLength))
        && token[idAt + KeyIdLength] == u'_') {
        return QString(token.first(idAt + KeyIdLength + 1) % u'\u2026');
    }
    return QStringLiteral("(malformed token)");
}

Result<IssuedSecret> TokenFormat::newOneTimeCode()
{
    return newCode(OneTimeCodeSymbols);
}

Result<QByteArray> TokenFormat::oneTimeCodeHash(QStringView typed)
{
    return codeHash(typed, OneTimeCodeSymbols);
}

Result<IssuedSecret> TokenFormat::newRecoveryCode()
{
    return newCode(RecoveryCodeSymbols);
}

Result<QByteArray> TokenFormat::recoveryCodeHash(QStringView typed)
{
    return codeHash(typed, RecoveryCodeSymbols);
}

QString TokenFormat::totpSeedText(QByteArrayView seed)
{
    return base32LowerEncode(seed).toUpper();
}

} // namespace gatehouse
