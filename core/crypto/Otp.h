#pragma once

#include "Hash.h"

#include <QByteArray>
#include <QString>

#include <optional>

namespace gatehouse::crypto {

// HOTP (RFC 4226) and TOTP (RFC 6238). Codes are strings of exactly `digits` ASCII digits,
// leading zeros kept, and are compared as strings in constant time, never as integers.
// Settings outside the supported range (digits not 6..8, stepSeconds <= 0) and times before
// t0 produce an empty code, which never matches.
struct TotpSettings {
    HashAlgorithm algorithm = HashAlgorithm::Sha1;
    int digits = 6; // 6..8
    qint64 stepSeconds = 30;
    qint64 t0 = 0;
};

QString hotp(QByteArrayView secret, quint64 counter, int digits = 6,
             HashAlgorithm algorithm = HashAlgorithm::Sha1);

// Time step for a Unix time (64-bit throughout: valid past 2038 and for the year 2603).
// Floor division, so times before t0 give negative steps; invalid settings give INT64_MIN.
qint64 totpStep(qint64 unixSeconds, const TotpSettings &settings = {});
QString totp(QByteArrayView secret, qint64 unixSeconds, const TotpSettings &settings = {});

// The step a code matches within ±window steps of `unixSeconds`, skipping steps at or before
// `lastAcceptedStep` (replay protection: each step is accepted once, even after the clock
// steps back). Anything that is not exactly `digits` ASCII digits never matches, and the
// length is checked first, so a hostile megabyte costs nothing. `window` must be 0..10.
std::optional<qint64> totpMatch(QByteArrayView secret, QStringView code, qint64 unixSeconds,
                                int window, std::optional<qint64> lastAcceptedStep,
                                const TotpSettings &settings = {});

} // namespace gatehouse::crypto
