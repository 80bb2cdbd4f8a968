#include "PasswordHasher.h"

#include "Base64.h"
#include "Hash.h"
#include "Random.h"

#include <QList>

#include <array>
#include <optional>

namespace gatehouse::crypto {

namespace {

struct FloorRow {
    int log2N;
    quint32 p;
};

// OWASP Password Storage Cheat Sheet, scrypt rows (all with r = 8).
constexpr std::array<FloorRow, 5> kFloorRows{{{17, 1}, {16, 2}, {15, 3}, {14, 5}, {13, 10}}};
constexpr quint32 kFloorR = 8;

// Node's crypto.scrypt defaults, used by the deployments we import from.
constexpr int kLegacyLog2N = 14; // N = 16384
constexpr quint32 kLegacyR = 8;
constexpr quint32 kLegacyP = 1;
constexpr int kLegacyKeyLength = 64;
constexpr qsizetype kMaxSaltLength = 64;
constexpr qsizetype kMinSaltLength = 8;
constexpr qsizetype kMinHashLength = 16;
constexpr qsizetype kMaxHashLength = 64;
// Far above any well-formed record; keeps parsing of a junk row cheap.
constexpr qsizetype kMaxStoredLength = 512;

Error malformed()
{
    return makeError(ErrorCode::Integrity,
                     QStringLiteral("stored password hash is malformed; reset the password"));
}

Error outOfRange()
{
    return makeError(ErrorCode::Integrity,
                     QStringLiteral("stored password hash has scrypt parameters outside the "
                                    "allowed range; reset the password"));
}

ScryptCost costOf(const PasswordHasher::Parameters &parameters)
{
    return ScryptCost{quint64{1} << parameters.log2N, parameters.r, parameters.p};
}

// Canonical decimal: digits only, no sign, no leading zero, small enough for any field.
std::optional<quint32> parseDecimal(QByteArrayView text)
{
    if (text.isEmpty() || text.size() > 9 || (text.size() > 1 && text.front() == '0'))
        return std::nullopt;
    quint32 value = 0;
    for (const char c : text) {
        if (c < '0' || c > '9')
            return std::nullopt;
        value = value * 10 + static_cast<quint32>(c - '0');
    }
    return value;
}

std::optional<quint32> parseField(QByteArrayView text, QByteArrayView name)
{
    if (!text.startsWith(name) || text.size() <= name.size() || text[name.size()] != '=')
        return std::nullopt;
    return parseDecimal(text.sliced(name.size() + 1));
}

// A stored hash taken apart, PHC or legacy: what verify() derives and compares.
struct StoredRecord {
    PasswordHasher::Parameters parameters;
    QByteArray salt;
    QByteArray hash;
    bool legacy = false;
};

Result<StoredRecord> parsePhc(const QByteArray &stored)
{
    const QList<QByteArray> parts = stored.split('$');
    if (parts.size() != 5 || !parts[0].isEmpty() || parts[1] != "scrypt")
        return malformed();
    const QList<QByteArray> fields = parts[2].split(',');
    if (fields.size() != 3)
        return malformed();
    const auto log2N = parseField(fields[0], "ln");
    const auto r = parseField(fields[1], "r");
    const auto p = parseField(fields[2], "p");
    if (!log2N || !r || !p)
        return malformed();
    auto salt = base64DecodeUnpadded(parts[3]);
    auto hash = base64DecodeUnpadded(parts[4]);
    if (!salt || !hash || salt->size() < kMinSaltLength || salt->size() > kMaxSaltLength
        || hash->size() < kMinHashLength || hash->size() > kMaxHashLength) {
        return malformed();
    }
    StoredRecord record;
    record.parameters = {static_cast<int>(*log2N), *r, *p};
    record.salt = std::move(salt).value();
    record.hash = std::move(hash).value();
    return record;
}

Result<bool> deriveAndCompare(QByteArrayView password, const QByteArray &salt, ScryptCost cost,
                              QByteArray expected)
{
    auto derived =
        scrypt(password, salt, cost, static_cast<int>(expected.size()), cost.memoryBytes());
    if (!derived)
        return derived.error();
    const bool matches = constantTimeEquals(*derived, expected);
    secureZero(*derived);
    secureZero(expected);
    return matches;
}

Result<StoredRecord> parseLegacy(const QByteArray &stored)
{
    if (stored.count(':') != 1)
        return malformed();
    const qsizetype colon = stored.indexOf(':');
    auto salt = base64DecodePadded(QByteArrayView(stored).first(colon));
    auto hash = base64DecodePadded(QByteArrayView(stored).sliced(colon + 1));
    if (!salt || !hash || salt->isEmpty() || salt->size() > kMaxSaltLength
        || hash->size() != kLegacyKeyLength) {
        return malformed();
    }
    StoredRecord record;
    record.parameters = {kLegacyLog2N, kLegacyR, kLegacyP};
    record.salt = std::move(salt).value();
    record.hash = std::move(hash).value();
    record.legacy = true;
    return record;
}

Result<StoredRecord> parseStored(QStringView stored)
{
    // Every legitimate record is short printable ASCII; anything else is refused before any
    // conversion can map a foreign character onto a valid one.
    if (stored.isEmpty() || stored.size() > kMaxStoredLength)
        return malformed();
    for (const QChar c : stored) {
        if (c.unicode() < 0x21 || c.unicode() > 0x7e)
            return malformed();
    }
    const QByteArray ascii = stored.toLatin1();
    if (!ascii.startsWith('$'))
        return parseLegacy(ascii);
    if (!ascii.startsWith("$scrypt$"))
        return malformed();
    return parsePhc(ascii);
}

} // namespace

bool PasswordHasher::meetsFloor(const Parameters &parameters)
{
    if (parameters.r < kFloorR)
        return false;
    for (const FloorRow &row : kFloorRows) {
        if (parameters.log2N >= row.log2N && parameters.p >= row.p)
            return true;
    }
    return false;
}

bool PasswordHasher::withinCeiling(const Parameters &parameters)
{
    if (parameters.log2N < 1 || parameters.log2N > kMaxLog2N || parameters.r < 1
        || parameters.r > kMaxR || parameters.p < 1 || parameters.p > kMaxP) {
        return false;
    }
    // RFC 7914 needs N < 2^(16*r); scrypt would refuse such a row anyway.
    if (parameters.log2N >= 16 * static_cast<int>(parameters.r))
        return false;
    const quint64 n = quint64{1} << parameters.log2N;
    return 128 * quint64{parameters.r} * n <= kMaxMemoryBytes
        && n * parameters.r * parameters.p <= kMaxWork;
}

Result<PasswordHasher> PasswordHasher::create(Parameters current)
{
    if (!meetsFloor(current) || !withinCeiling(current)) {
        return makeError(ErrorCode::InvalidInput,
                         QStringLiteral("scrypt parameters must meet an OWASP row (N=2^17,r=8,"
                                        "p=1 or stronger) and stay within N<=2^%1, r<=%2, "
                                        "p<=%3")
                             .arg(kMaxLog2N)
                             .arg(kMaxR)
                             .arg(kMaxP));
    }
    return PasswordHasher(current);
}

Result<PasswordHasher> PasswordHasher::create()
{
    return create(Parameters{});
}

Result<QString> PasswordHasher::hash(QByteArrayView password) const
{
    auto salt = randomBytes(kSaltLength);
    if (!salt)
        return salt.error();
    const ScryptCost cost = costOf(m_parameters);
    auto derived = scrypt(password, *salt, cost, kHashLength, cost.memoryBytes());
    if (!derived)
        return derived.error();
    const QString encoded = QStringLiteral("$scrypt$ln=%1,r=%2,p=%3$%4$%5")
                                .arg(m_parameters.log2N)
                                .arg(m_parameters.r)
                                .arg(m_parameters.p)
                                .arg(QString::fromLatin1(base64EncodeUnpadded(*salt)),
                                     QString::fromLatin1(base64EncodeUnpadded(*derived)));
    secureZero(*derived);
    return encoded;
}

Result<PasswordHasher::StoredForm> PasswordHasher::inspect(QStringView stored)
{
    Result<StoredRecord> record = parseStored(stored);
    if (!record)
        return record.error();
    secureZero(record->hash);
    return StoredForm{record->parameters, record->legacy};
}

Result<PasswordHasher::Verification> PasswordHasher::verify(QByteArrayView password,
                                                            QStringView stored) const
{
    Result<StoredRecord> record = parseStored(stored);
    if (!record)
        return record.error();
    const Parameters &params = record->parameters;
    // Fail fast: a tampered row must not make a login allocate gigabytes or spin. (The legacy
    // form's fixed parameters are always within.)
    if (!withinCeiling(params))
        return outOfRange();
    const bool weakRecord = record->salt.size() < kSaltLength || record->hash.size() != kHashLength;
    auto matches =
        deriveAndCompare(password, record->salt, costOf(params), std::move(record->hash));
    if (!matches)
        return matches.error();
    // Legacy rows always move to the PHC form after a successful login.
    return Verification{
        *matches, record->legacy || params != m_parameters || !meetsFloor(params) || weakRecord};
}

} // namespace gatehouse::crypto
