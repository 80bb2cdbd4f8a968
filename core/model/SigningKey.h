#pragma once

#include <QByteArray>
#include <QDateTime>
#include <QString>

namespace gatehouse {

// An Ed25519 key that signs JWT access tokens, as administrators see it. Never holds the
// private key: that stays sealed in the store and is only opened to sign.
//
// Life of a key: `active` (the one key that signs new tokens) → `verify_only` after a rotation
// (its tokens still verify until retiredAfter, when the last of them has expired) → gone from
// JWKS and verification at retiredAfter, or at once when an administrator retires it.
struct SigningKey {
    enum class State { Active, VerifyOnly, Retired }; // as stored
    enum class Status { Active, VerifyOnly, Expired, Retired }; // as of a given time

    QString kid; // the public handle in JWT headers, JWKS and audit records
    QString algorithm = QStringLiteral("EdDSA");
    QByteArray publicKey; // raw 32-byte Ed25519 public key
    State state = State::Active;
    QDateTime createdAt;
    QString createdBy; // user id of the creator, or the name of the local console / server
    QDateTime rotatedAt; // when it stopped signing; invalid while active
    // When the last token it signed has expired (leeway included): after this it verifies
    // nothing and leaves JWKS. Invalid while active.
    QDateTime retiredAfter;
    QDateTime retiredAt; // invalid unless retired by an administrator
    QString retiredBy;

    // A retirement wins over everything; a verify-only key is expired from retiredAfter on.
    Status status(const QDateTime &now) const
    {
        switch (state) {
        case State::Active:
            return Status::Active;
        case State::Retired:
            return Status::Retired;
        case State::VerifyOnly:
            break;
        }
        return now >= retiredAfter ? Status::Expired : Status::VerifyOnly;
    }

    // Whether tokens signed with it verify at `now` (and whether it is in JWKS).
    bool verifies(const QDateTime &now) const
    {
        const Status current = status(now);
        return current == Status::Active || current == Status::VerifyOnly;
    }
};

inline QString signingKeyStatusName(SigningKey::Status status)
{
    switch (status) {
    case SigningKey::Status::Active:
        return QStringLiteral("active");
    case SigningKey::Status::VerifyOnly:
        return QStringLiteral("verify-only");
    case SigningKey::Status::Expired:
        return QStringLiteral("expired");
    case SigningKey::Status::Retired:
        return QStringLiteral("retired");
    }
    return {};
}

} // namespace gatehouse
