#pragma once

#include "model/Result.h"

#include <QByteArray>
#include <QList>
#include <QString>

namespace gatehouse::AuditPublicKeys {

// The exported public halves of a log's checkpoint keys, for a verifier elsewhere to trust:
//     {"logId": "...", "keys": [{"fingerprint": "<hex>", "publicKey": "<base64url>"}]}
QByteArray toJson(const QString &logId, const QList<QByteArray> &publicKeys);
// The keys of such a file; InvalidInput for anything else, or a fingerprint that does not
// match its key.
Result<QList<QByteArray>> fromJson(const QByteArray &json);

// "<logId>_AuditPublicKeys.json"
QString fileName(const QString &logId);

} // namespace gatehouse::AuditPublicKeys
