#include "MfaFactor.h"

#include "TokenFormat.h"
#include "UserRows.h"
#include "crypto/Otp.h"
#include "crypto/Random.h"

#include <QUrl>

namespace gatehouse::MfaFactor {

namespace {

constexpr QByteArrayView kRecoveryPurpose = "mfa-recovery-code";

QByteArray seedBinding(const QString &userId)
{
    return QByteArray("mfa-seed:") + userId.toLatin1();
}

} // namespace

Result<State> state(SqlTransaction &tx, const QString &userId)
{
    Result<QSqlQuery> row =
        tx.exec(QStringLiteral("SELECT confirmed_at IS NOT NULL FROM mfa_totp WHERE user_id = ?"),
                {userId});
    if (!row)
        return row.error();
    if (!row->next())
        return State::None;
    return row->value(0).toInt() != 0 ? State::Confirmed : State::Pending;
}

Result<QByteArray> startEnrolment(SqlTransaction &tx, const crypto::SecretBox &key,
                                  const QString &userId, const QDateTime &now)
{
    Result<State> current = state(tx, userId);
    if (!current)
        return current.error();
    if (*current == State::Confirmed) {
        return makeError(ErrorCode::Conflict,
                         QStringLiteral("MFA is already on for this account. Turn it off (or "
                                        "have an administrator reset it) before enrolling a new "
                                        "authenticator."));
    }
    Result<QByteArray> seed = crypto::randomBytes(kSeedBytes);
    if (!seed)
        return seed.error();
    Result<QByteArray> sealed = key.seal(*seed, seedBinding(userId));
    if (!sealed)
        return sealed.error();
    Result<QSqlQuery> stored = tx.exec(
        QStringLiteral("INSERT INTO mfa_totp (user_id, sealed_seed, created_at) VALUES (?, ?, ?)"
                       " ON CONFLICT (user_id) DO UPDATE SET sealed_seed = excluded.sealed_seed,"
                       " created_at = excluded.created_at, last_step = NULL"),
        {userId, *sealed, UserRows::isoUtc(now)});
    if (!stored)
        return stored.error();
    return seed;
}

Result<Check> check(SqlTransaction &tx, const crypto::SecretBox &key, const QString &userId,
                    QStringView code, const QDateTime &now, State expected, bool allowRecoveryCode)
{
    Result<QSqlQuery> row = tx.exec(QStringLiteral("SELECT sealed_seed, last_step,"
                                                   " confirmed_at IS NOT NULL FROM mfa_totp"
                                                   " WHERE user_id = ?"),
                                    {userId});
    if (!row)
        return row.error();
    if (!row->next())
        return Check{};
    const bool confirmed = row->value(2).toInt() != 0;
    if (confirmed != (expected == State::Confirmed))
        return Check{};
    const QVariant lastStep = row->value(1);
    Result<QByteArray> seed = key.open(row->value(0).toByteArray(), seedBinding(userId));
    if (!seed)
        return seed.error();
    const std::optional<qint64> step =
        crypto::totpMatch(*seed, code, now.toSecsSinceEpoch(), kWindowSteps,
                          lastStep.isNull() ? std::nullopt : std::optional(lastStep.toLongLong()));
    if (step) {
        // Conditional, so two concurrent uses of one code cannot both pass.
        Result<QSqlQuery> used =
            tx.exec(QStringLiteral("UPDATE mfa_totp SET last_step = ? WHERE user_id = ?"
                                   " AND (last_step IS NULL OR last_step < ?)"),
                    {*step, userId, *step});
        if (!used)
            return used.error();
        return Check{used->numRowsAffected() == 1, false, 0};
    }
    if (!allowRecoveryCode || !confirmed)
        return Check{};
    Result<QByteArray> hash = TokenFormat::recoveryCodeHash(code);
    if (!hash)
        return Check{};
    Result<QSqlQuery> used =
        tx.exec(QStringLiteral("UPDATE mfa_recovery_codes SET used_at = ?"
                               " WHERE user_id = ? AND code_mac = ? AND used_at IS NULL"),
                {UserRows::isoUtc(now), userId, key.keyedHash(kRecoveryPurpose, *hash)});
    if (!used)
        return used.error();
    if (used->numRowsAffected() != 1)
        return Check{};
    Result<QVariant> left = tx.scalar(QStringLiteral("SELECT count(*) FROM mfa_recovery_codes"
                                                     " WHERE user_id = ? AND used_at IS NULL"),
                                      {userId});
    if (!left)
        return left.error();
    return Check{true, true, left->toInt()};
}

Result<void> confirm(SqlTransaction &tx, const QString &userId, const QDateTime &now)
{
    const QString stamp = UserRows::isoUtc(now);
    Result<QSqlQuery> done = tx.exec(
        QStringLiteral("UPDATE mfa_totp SET confirmed_at = ? WHERE user_id = ?"), {stamp, userId});
    if (!done)
        return done.error();
    Result<QSqlQuery> flagged =
        tx.exec(QStringLiteral("UPDATE users SET mfa_enrolled = 1, updated_at = ? WHERE id = ?"),
                {stamp, userId});
    if (!flagged)
        return flagged.error();
    return {};
}

Result<QStringList> replaceRecoveryCodes(SqlTransaction &tx, const crypto::SecretBox &key,
                                         const QString &userId, const QDateTime &now)
{
    Result<QSqlQuery> cleared =
        tx.exec(QStringLiteral("DELETE FROM mfa_recovery_codes WHERE user_id = ?"), {userId});
    if (!cleared)
        return cleared.error();
    QStringList codes;
    while (codes.size() < kRecoveryCodeCount) {
        Result<IssuedSecret> code = TokenFormat::newRecoveryCode();
        if (!code)
            return code.error();
        // DO NOTHING: a repeat among ten 50-bit codes is all but impossible, but if it happens
        // the loop simply draws another rather than failing the enrolment.
        Result<QSqlQuery> stored =
            tx.exec(QStringLiteral("INSERT INTO mfa_recovery_codes (user_id, code_mac, created_at)"
                                   " VALUES (?, ?, ?) ON CONFLICT DO NOTHING"),
                    {userId, key.keyedHash(kRecoveryPurpose, code->hash), UserRows::isoUtc(now)});
        if (!stored)
            return stored.error();
        if (stored->numRowsAffected() == 1)
            codes.append(code->token);
    }
    return codes;
}

Result<bool> remove(SqlTransaction &tx, const QString &userId, const QDateTime &now)
{
    Result<QSqlQuery> codes =
        tx.exec(QStringLiteral("DELETE FROM mfa_recovery_codes WHERE user_id = ?"), {userId});
    if (!codes)
        return codes.error();
    Result<QSqlQuery> factor =
        tx.exec(QStringLiteral("DELETE FROM mfa_totp WHERE user_id = ?"), {userId});
    if (!factor)
        return factor.error();
    Result<QSqlQuery> flagged =
        tx.exec(QStringLiteral("UPDATE users SET mfa_enrolled = 0, updated_at = ?"
                               " WHERE id = ? AND mfa_enrolled = 1"),
                {UserRows::isoUtc(now), userId});
    if (!flagged)
        return flagged.error();
    return factor->numRowsAffected() > 0;
}

QString otpauthUri(const QString &issuer, const QString &account, const QString &seedText)
{
    const QString encodedIssuer = QString::fromLatin1(QUrl::toPercentEncoding(issuer));
    const QString encodedAccount = QString::fromLatin1(QUrl::toPercentEncoding(account));
    return QStringLiteral("otpauth://totp/%1:%2?secret=%3&issuer=%1&algorithm=SHA1&digits=6"
                          "&period=30")
        .arg(encodedIssuer, encodedAccount, seedText);
}

} // namespace gatehouse::MfaFactor
