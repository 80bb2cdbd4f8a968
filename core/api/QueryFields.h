#pragma once

#include "model/Result.h"

#include <QDateTime>
#include <QUrlQuery>

#include <initializer_list>
#include <optional>

namespace gatehouse::api {

// The parameters of a URL query, read by name and type like JsonFields: parameters not named
// in `allowed`, repeated ones and values out of range are InvalidInput (E16: `limit=-1`,
// `limit=99999999999999999999`, `limit=NaN` are refused, not clamped or passed on).
class QueryFields
{
public:
    static Result<QueryFields> of(const QUrlQuery &query,
                                  std::initializer_list<const char *> allowed);

    std::optional<QString> text(const char *name) const;
    Result<std::optional<qint64>> integer(const char *name, qint64 minimum, qint64 maximum) const;
    Result<std::optional<bool>> boolean(const char *name) const; // "true" or "false"
    // ISO 8601 with a zone ("2026-01-02T03:04:05Z"); invalid QDateTime when absent.
    Result<QDateTime> time(const char *name) const;

private:
    explicit QueryFields(QUrlQuery query)
        : m_query(std::move(query))
    {}

    QUrlQuery m_query;
};

// ISO 8601 text with a zone, to UTC; nullopt for anything else (a time without a zone would
// be read in the server's zone, which is never what the caller meant).
std::optional<QDateTime> parseTime(const QString &text);

} // namespace gatehouse::api
