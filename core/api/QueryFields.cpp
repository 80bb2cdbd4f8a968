#include "QueryFields.h"

#include <QStringList>

namespace gatehouse::api {

std::optional<QDateTime> parseTime(const QString &text)
{
    if (text.size() > 40)
        return std::nullopt;
    const QDateTime time = QDateTime::fromString(text, Qt::ISODateWithMs);
    const bool zoned = text.endsWith(u'Z') || text.endsWith(u'z')
        || (text.size() > 6 && (text[text.size() - 6] == u'+' || text[text.size() - 6] == u'-'));
    if (!time.isValid() || !zoned)
        return std::nullopt;
    return time.toUTC();
}

Result<QueryFields> QueryFields::of(const QUrlQuery &query,
                                    std::initializer_list<const char *> allowed)
{
    QStringList seen;
    for (const auto &[key, value] : query.queryItems(QUrl::FullyDecoded)) {
        bool known = false;
        for (const char *name : allowed)
            known = known || key == QLatin1String(name);
        if (!known || seen.contains(key)) {
            QStringList names;
            for (const char *name : allowed)
                names.append(QString::fromLatin1(name));
            return makeError(ErrorCode::InvalidInput,
                             QStringLiteral("The query has a parameter this call does not take, "
                                            "or one twice; it takes: %1.")
                                 .arg(names.isEmpty() ? QStringLiteral("none")
                                                      : names.join(QStringLiteral(", "))));
        }
        seen.append(key);
    }
    return QueryFields(query);
}

std::optional<QString> QueryFields::text(const char *name) const
{
    if (!m_query.hasQueryItem(QLatin1String(name)))
        return std::nullopt;
    return m_query.queryItemValue(QLatin1String(name), QUrl::FullyDecoded);
}

Result<std::optional<qint64>> QueryFields::integer(const char *name, qint64 minimum,
                                                   qint64 maximum) const
{
    const std::optional<QString> value = text(name);
    if (!value)
        return std::optional<qint64>();
    bool ok = false;
    const qint64 number = value->toLongLong(&ok);
    if (!ok || number < minimum || number > maximum) {
        return makeError(ErrorCode::InvalidInput,
                         QStringLiteral("The parameter %1 must be a whole number from %2 to %3.")
                             .arg(QString::fromLatin1(name))
                             .arg(minimum)
                             .arg(maximum));
    }
    return std::optional<qint64>(number);
}

Result<std::optional<bool>> QueryFields::boolean(const char *name) const
{
    const std::optional<QString> value = text(name);
    if (!value)
        return std::optional<bool>();
    if (*value != u"true" && *value != u"false") {
        return makeError(ErrorCode::InvalidInput,
                         QStringLiteral("The parameter %1 must be true or false.")
                             .arg(QString::fromLatin1(name)));
    }
    return std::optional<bool>(*value == u"true");
}

Result<QDateTime> QueryFields::time(const char *name) const
{
    const std::optional<QString> value = text(name);
    if (!value)
        return QDateTime();
    const std::optional<QDateTime> parsed = parseTime(*value);
    if (!parsed) {
        return makeError(ErrorCode::InvalidInput,
                         QStringLiteral("The parameter %1 must be an ISO 8601 time with a zone, "
                                        "such as 2026-01-02T03:04:05Z.")
                             .arg(QString::fromLatin1(name)));
    }
    return *parsed;
}

} // namespace gatehouse::api
