#pragma once

#include "model/Result.h"

#include <QJsonObject>
#include <QStringList>

namespace gatehouse::PolicyJson {

// Strict reading of stored or submitted policy documents. `policy` names the policy in the
// messages ("Password policy"). Unknown keys are refused without echoing them: they are free
// text that could carry line breaks into logs. Missing keys keep the caller's default.
Error invalid(const QString &policy, const QString &why);
Result<void> checkKeys(const QJsonObject &json, const QStringList &known, const QString &policy);
// Whole numbers only: fractions and magnitudes beyond int are refused before the cast.
Result<void> readInt(const QJsonObject &json, const QString &key, int &out, const QString &policy);
// InvalidInput "<policy>: <key> must be between <low> and <high>." when out of range.
Result<void> checkRange(const QString &policy, const QString &key, int value, int low, int high);
Result<void> readBool(const QJsonObject &json, const QString &key, bool &out,
                      const QString &policy);

} // namespace gatehouse::PolicyJson
