#pragma once

#include "model/Result.h"
#include "store/SqlTransaction.h"

#include <QJsonObject>

namespace gatehouse::PolicyStore {

// Stored policies are JSON documents in the `policies` table, one per name ("password",
// "session", ...). A policy never set reads as an empty object: the caller's defaults apply.
Result<QJsonObject> load(SqlTransaction &tx, const QString &name);
Result<void> save(SqlTransaction &tx, const QString &name, const QJsonObject &document,
                  const QString &updatedAt, const QString &updatedBy);

} // namespace gatehouse::PolicyStore
