#pragma once

#include "model/Result.h"

#include <QJsonObject>
#include <QString>
#include <QStringList>

#include <initializer_list>
#include <optional>
#include <span>

namespace gatehouse::api {

// The members of one request object, read by name and type. Members not named in `allowed`
// are refused (mass assignment, SEC-34, E6), as are wrong types and out-of-range numbers
// (SEC-39). Messages name the member, never its value.
class JsonFields
{
public:
    static Result<JsonFields> of(const QJsonValue &body, std::span<const char *const> allowed);
    static Result<JsonFields> of(const QJsonValue &body,
                                 std::initializer_list<const char *> allowed)
    {
        return of(body, std::span<const char *const>(allowed.begin(), allowed.size()));
    }

    // Required text, at most `maxLength` UTF-16 units.
    Result<QString> text(const char *name, qsizetype maxLength = 1024) const;
    // Missing or null: nullopt.
    Result<std::optional<QString>> optionalText(const char *name, qsizetype maxLength = 1024) const;
    Result<std::optional<bool>> optionalBoolean(const char *name) const;
    // A whole number in [minimum, maximum]; missing or null: nullopt.
    Result<std::optional<qint64>> optionalInteger(const char *name, qint64 minimum,
                                                  qint64 maximum) const;
    Result<std::optional<QStringList>> optionalTextList(const char *name, qsizetype maxItems,
                                                        qsizetype maxLength = 1024) const;

private:
    explicit JsonFields(QJsonObject object)
        : m_object(std::move(object))
    {}

    static Error wrong(const char *name, const char *expected);

    QJsonObject m_object;
};

} // namespace gatehouse::api
