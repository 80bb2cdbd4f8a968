#pragma once

#include "model/Result.h"

#include <QJsonObject>
#include <QString>

namespace gatehouse::PageToken {

// Keyset pagination tokens: where the last page ended (its sort key and id), bound to the query
// that produced it. Opaque to callers (unpadded base64url of a small JSON object); a token
// from another query, or altered, is refused with InvalidInput.
struct Position {
    QString key; // the sort value of the last row, as the SQL compares it
    QString id;
};

// A short digest of everything that defines a listing except the position in it.
QString fingerprint(const QJsonObject &query);
QString encode(const Position &position, const QString &queryFingerprint);
Result<Position> decode(const QString &token, const QString &queryFingerprint);

} // namespace gatehouse::PageToken
