#pragma once

#include "model/Result.h"

#include <QByteArray>
#include <QByteArrayView>

namespace gatehouse::crypto {

// Strict codecs. Decoding refuses anything but the one canonical encoding of some bytes:
// wrong alphabet, whitespace, missing or extra padding, impossible lengths and non-zero
// trailing bits (`Zh`, which lenient decoders read as "f"). Error messages name the problem
// but never echo the input, which may be a secret.

// RFC 4648 §5 base64url without padding (JWS, tokens).
QByteArray base64UrlEncode(QByteArrayView bytes);
Result<QByteArray> base64UrlDecode(QByteArrayView text);

// RFC 4648 §4 standard alphabet without padding (PHC strings).
QByteArray base64EncodeUnpadded(QByteArrayView bytes);
Result<QByteArray> base64DecodeUnpadded(QByteArrayView text);

// RFC 4648 §4 standard alphabet with padding (Node's Buffer.toString('base64')).
QByteArray base64EncodePadded(QByteArrayView bytes);
Result<QByteArray> base64DecodePadded(QByteArrayView text);

} // namespace gatehouse::crypto
