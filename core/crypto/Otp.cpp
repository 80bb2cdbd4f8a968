#include "Otp.h"

#include <array>
#include <limits>

namespace gatehouse::crypto {

namespace {

constexpr int kMinDigits = 6;
constexpr int kMaxDigits = 8;
// Wider windows are never legitimate (SEC-15 allows ±1) and would make a match loop long.
constexpr int kMaxWindow = 10;
constexpr std::array<quint32, 9> kPowersOfTen{1,      10,      100,      1000,     10000,
                                              100000, 1000000, 10000000, 100000000};

bool validSettings(const TotpSettings &settings)
{
    return settings.digits >= kMinDigits && settings.digits <= kMaxDigits
        && settings.stepSeconds > 0;
}

std::optional<qint64> stepFor(qint64 unixSeconds, const TotpSettings &settings)
{
    qint64 elapsed = 0;
    if (!validSettings(settings) || __builtin_sub_overflow(unixSeconds, settings.t0, &elapsed))
        return std::nullopt;
    // Floor division, so times before T0 give negative steps rather than step 0.
    qint64 step = elapsed / settings.stepSeconds;
    if (elapsed % settings.stepSeconds != 0 && elapsed < 0)
        --step;
    return step;
}

} // namespace

QString hotp(QByteArrayView secret, quint64 counter, int digits, HashAlgorithm algorithm)
{
    if (digits < kMinDigits || digits > kMaxDigits)
        return {};
    std::array<char, 8> message{};
    for (int i = 7; i >= 0; --i) {
        message[static_cast<size_t>(i)] = static_cast<char>(counter & 0xff);
        counter >>= 8;
    }
    const QByteArray mac = hmac(algorithm, secret, QByteArrayView(message.data(), 8));
    if (mac.size() < 20)
        return {};
    // RFC 4226 §5.3 dynamic truncation.
    const auto byteAt = [&mac](qsizetype i) {
        return static_cast<quint32>(quint8(mac[i]));
    };
    const qsizetype offset = byteAt(mac.size() - 1) & 0x0f;
    const quint32 binary = (byteAt(offset) & 0x7f) << 24 | byteAt(offset + 1) << 16
        | byteAt(offset + 2) << 8 | byteAt(offset + 3);
    const quint32 code = binary % kPowersOfTen[static_cast<size_t>(digits)];
    return QStringLiteral("%1").arg(code, digits, 10, QLatin1Char('0'));
}

qint64 totpStep(qint64 unixSeconds, const TotpSettings &settings)
{
    return stepFor(unixSeconds, settings).value_or(std::numeric_limits<qint64>::min());
}

QString totp(QByteArrayView secret, qint64 unixSeconds, const TotpSettings &settings)
{
    const auto step = stepFor(unixSeconds, settings);
    if (!step || *step < 0)
        return {};
    return hotp(secret, static_cast<quint64>(*step), settings.digits, settings.algorithm);
}

std::optional<qint64> totpMatch(QByteArrayView secret, QStringView code, qint64 unixSeconds,
                                int window, std::optional<qint64> lastAcceptedStep,
                                const TotpSettings &settings)
{
    // Length first: a hostile megabyte is refused without being looked at.
    if (code.size() != settings.digits || !validSettings(settings) || window < 0
        || window > kMaxWindow) {
        return std::nullopt;
    }
    for (const QChar c : code) {
        if (c.unicode() < u'0' || c.unicode() > u'9')
            return std::nullopt;
    }
    const auto current = stepFor(unixSeconds, settings);
    // Bounds keep step +/- window from overflowing; steps before T0 never match anyway.
    if (!current || *current < -qint64{window}
        || *current > std::numeric_limits<qint64>::max() - window) {
        return std::nullopt;
    }
    const QByteArray given = code.toLatin1();
    std::optional<qint64> matched;
    // Every candidate is computed and compared, so timing does not tell which step matched.
    for (qint64 step = *current - window; step <= *current + window; ++step) {
        if (step < 0 || (lastAcceptedStep && step <= *lastAcceptedStep))
            continue;
        const QByteArray expected =
            hotp(secret, static_cast<quint64>(step), settings.digits, settings.algorithm)
                .toLatin1();
        if (constantTimeEquals(expected, given) && !matched)
            matched = step;
    }
    return matched;
}

} // namespace gatehouse::crypto
