#include "PolicyJson.h"

#include <QJsonValue>

#include <cmath>

namespace gatehouse::PolicyJson {

Error invalid(const QString &policy, const QString &why)
{
    return makeError(ErrorCode::InvalidInput, QString(policy + u": " + why));
}

Result<void> checkKeys(const QJsonObject &json, const QStringList &known, const QString &policy)
{
    for (auto it = json.begin(); it != json.end(); ++it) {
        if (!known.contains(it.key())) {
            return invalid(
                policy, QString(u"unknown setting; the settings are " + known.join(u", ") + u'.'));
        }
    }
    return {};
}

Result<void> readInt(const QJsonObject &json, const QString &key, int &out, const QString &policy)
{
    const QJsonValue value = json.value(key);
    if (value.isUndefined())
        return {};
    if (!value.isDouble())
        return invalid(policy, QString(key + u" must be a number."));
    const double number = value.toDouble();
    if (number != std::floor(number) || std::abs(number) > 1e9)
        return invalid(policy, QString(key + u" must be a whole number in range."));
    out = static_cast<int>(number);
    return {};
}

Result<void> checkRange(const QString &policy, const QString &key, int value, int low, int high)
{
    if (value < low || value > high)
        return invalid(policy,
                       QStringLiteral("%1 must be between %2 and %3.").arg(key).arg(low).arg(high));
    return {};
}

Result<void> readBool(const QJsonObject &json, const QString &key, bool &out, const QString &policy)
{
    const QJsonValue value = json.value(key);
    if (value.isUndefined())
        return {};
    if (!value.isBool())
        return invalid(policy, QString(key + u" must be true or false."));
    out = value.toBool();
    return {};
}

} // namespace gatehouse::PolicyJson
