#pragma once

#include <QByteArrayView>
#include <QtGlobal>

namespace gatehouse {

// The standard CRC-32 of IEEE 802.3 / zlib / PNG (reflected polynomial 0xEDB88320, initial
// value and final XOR 0xFFFFFFFF); crc32("123456789") == 0xCBF43926.
//
// It is a typo check, not a MAC: it detects every error burst of at most 32 bits, so every
// single-character substitution and every swap of two adjacent characters in an ASCII token,
// and lets a token be refused without a database lookup (SECURITY.md SEC-27). Anyone can
// compute it, so it adds no secrecy and is never compared in constant time.
quint32 crc32(QByteArrayView data);

} // namespace gatehouse
