#include "JsonFields.h"

#include <QJsonArray>

#include <cmath>

namespace gatehouse::api {

Result<JsonFields> JsonFields::of(const QJsonValue &body, std::span<const char *const> allowed)
{
    if (!body.isObject()) {
        return makeError(ErrorCode::InvalidInput,
                         QStringLiteral("The request body must be a JSON object."));
    }
    const QJsonObject object = body.toObject();
    for (auto it = object.begin(); it != object.end(); ++it) {
        bool known = false;
        for (const char *name : allowed)
            known = known || it.key() == QLatin1String(name);
        if (!known) {
            QStringList names;
            for (const char *name : allowed)
                names.append(QString::fromLatin1(name));
            // The key is the caller's own text, so it is shown only when short and plain.
            const QString key = it.key();
            const bool showable =
                key.size() <= 64 && std::all_of(key.begin(), key.end(), [](QChar c) {
                    return c.isLetterOrNumber() || c == u'_' || c == u'-';
                });
            return makeError(ErrorCode::InvalidInput,
                             QStringLiteral("The request has a field this call does not take%1; "
                                            "it takes: %2.")
                                 .arg(showable ? QStringLiteral(" (\"%1\")").arg(key) : QString(),
                                      names.isEmpty() ? QStringLiteral("no fields")
                                                      : names.join(QStringLiteral(", "))));
        }
    }
    return JsonFields(object);
}

Error JsonFields::wrong(const char *name, const char *expected)
{
    return makeError(ErrorCode::InvalidInput,
                     QStringLiteral("The field \"%1\" must be %2.")
                         .arg(QString::fromLatin1(name), QString::fromLatin1(expected)));
}

Result<QString> JsonFields::text(const char *name, qsizetype maxLength) const
{
    Result<std::optional<QString>> value = optionalText(name, maxLength);
    if (!value)
        return value.error();
    if (!*value) {
        return makeError(
            ErrorCode::InvalidInput,
            QStringLiteral("The field \"%1\" is required.").arg(QString::fromLatin1(name)));
    }
    return **value;
}

Result<std::optional<QString>> JsonFields::optionalText(const char *name, qsizetype maxLength) const
{
    const QJsonValue value = m_object.value(QLatin1String(name));
    if (value.isUndefined() || value.isNull())
        return std::optional<QString>();
    if (!value.isString())
        return wrong(name, "a string");
    if (value.toString().size() > maxLength) {
        return makeError(ErrorCode::InvalidInput,
                         QStringLiteral("The field \"%1\" is longer than %2 characters.")
                             .arg(QString::fromLatin1(name))
                             .arg(maxLength));
    }
    return std::optional<QString>(value.toString());
}

Result<std::optional<bool>> JsonFields::optionalBoolean(const char *name) const
{
    const QJsonValue value = m_object.value(QLatin1String(name));
    if (value.isUndefined() || value.isNull())
        return std::optional<bool>();
    if (!value.isBool())
        return wrong(name, "true or false");
    return std::optional<bool>(value.toBool());
}

Result<std::optional<qint64>> JsonFields::optionalInteger(const char *name, qint64 minimum,
                                                          qint64 maximum) const
{
    const QJsonValue value = m_object.value(QLatin1String(name));
    if (value.isUndefined() || value.isNull())
        return std::optional<qint64>();
    const double number = value.toDouble();
    if (!value.isDouble() || std::trunc(number) != number || number < double(minimum)
        || number > double(maximum)) {
        return makeError(ErrorCode::InvalidInput,
                         QStringLiteral("The field \"%1\" must be a whole number from %2 to %3.")
                             .arg(QString::fromLatin1(name))
                             .arg(minimum)
                             .arg(maximum));
    }
    return std::optional<qint64>(qint64(number));
}

Result<std::optional<QStringList>>
JsonFields::optionalTextList(const char *name, qsizetype maxItems, qsizetype maxLength) const
{
    const QJsonValue value = m_object.value(QLatin1String(name));
    if (value.isUndefined() || value.isNull())
        return std::optional<QStringList>();
    if (!value.isArray() || value.toArray().size() > maxItems)
        return wrong(name, "an array of strings, not too long");
    QStringList items;
    for (const QJsonValue &item : value.toArray()) {
        if (!item.isString() || item.toString().size() > maxLength)
            return wrong(name, "an array of strings, not too long");
        items.append(item.toString());
    }
    return std::optional<QStringList>(items);
}

} // namespace gatehouse::api
