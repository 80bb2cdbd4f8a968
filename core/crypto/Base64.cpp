#include "Base64.h"

#include <QString>

namespace gatehouse::crypto {

namespace {

constexpr auto kUrl = QByteArray::Base64UrlEncoding | QByteArray::OmitTrailingEquals;
constexpr auto kUnpadded = QByteArray::Base64Encoding | QByteArray::OmitTrailingEquals;
constexpr auto kPadded = QByteArray::Base64Encoding;

// Qt's decoder tolerates missing or extra '=' and non-zero trailing bits, so a successful
// decode is only accepted if encoding the result again reproduces the input byte for byte:
// that leaves exactly one accepted text per byte string.
Result<QByteArray> decodeStrict(QByteArrayView text, QByteArray::Base64Options options,
                                const QString &what)
{
    const QByteArray input = text.toByteArray();
    auto decoded =
        QByteArray::fromBase64Encoding(input, options | QByteArray::AbortOnBase64DecodingErrors);
    if (decoded.decodingStatus != QByteArray::Base64DecodingStatus::Ok
        || decoded.decoded.toBase64(options) != input) {
        return makeError(ErrorCode::InvalidInput,
                         QStringLiteral("text is not canonical %1; check for whitespace, "
                                        "padding, a wrong alphabet or truncation")
                             .arg(what));
    }
    return std::move(decoded.decoded);
}

} // namespace

QByteArray base64UrlEncode(QByteArrayView bytes)
{
    return bytes.toByteArray().toBase64(kUrl);
}

Result<QByteArray> base64UrlDecode(QByteArrayView text)
{
    return decodeStrict(text, kUrl, QStringLiteral("unpadded base64url (RFC 4648 section 5)"));
}

QByteArray base64EncodeUnpadded(QByteArrayView bytes)
{
    return bytes.toByteArray().toBase64(kUnpadded);
}

Result<QByteArray> base64DecodeUnpadded(QByteArrayView text)
{
    return decodeStrict(text, kUnpadded, QStringLiteral("unpadded base64 (RFC 4648 section 4)"));
}

QByteArray base64EncodePadded(QByteArrayView bytes)
{
    return bytes.toByteArray().toBase64(kPadded);
}

Result<QByteArray> base64DecodePadded(QByteArrayView text)
{
    return decodeStrict(text, kPadded, QStringLiteral("padded base64 (RFC 4648 section 4)"));
}

} // namespace gatehouse::crypto
