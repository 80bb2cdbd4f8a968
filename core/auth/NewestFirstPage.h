#pragma once

#include "UserRows.h"
#include "model/Page.h"
#include "model/PageToken.h"
#include "store/SqlTransaction.h"

#include <QSqlQuery>
#include <QStringList>
#include <QVariantList>

namespace gatehouse {

// One page of a listing ordered newest first on (created_at, id), keyset-paginated: what the
// session and service token listings share. `where` and `parameters` hold the listing's own
// filters; `alias` names the listed table in `from` ("s", "t"); `fromRow(query) -> Row` reads
// one row of `columns`, and a Row has `createdAt` and `id`.
template<typename Row, typename FromRow>
Result<Page<Row>> newestFirstPage(SqlTransaction &tx, const QString &columns, const QString &from,
                                  const QString &alias, QStringList where, QVariantList parameters,
                                  const QString &pageToken, const QString &queryFingerprint,
                                  int pageSize, FromRow &&fromRow)
{
    if (!pageToken.isEmpty()) {
        Result<PageToken::Position> position = PageToken::decode(pageToken, queryFingerprint);
        if (!position)
            return position.error();
        where << QStringLiteral("(%1.created_at, %1.id) < (?, ?)").arg(alias);
        parameters << position->key << position->id;
    }
    const QString sql =
        QStringLiteral("SELECT %1 FROM %2 %3 ORDER BY %4.created_at DESC, %4.id DESC LIMIT ?")
            .arg(columns, from,
                 where.isEmpty() ? QString()
                                 : QString(u"WHERE " + where.join(QStringLiteral(" AND "))),
                 alias);
    parameters << pageSize + 1;

    Result<QSqlQuery> rows = tx.exec(sql, parameters);
    if (!rows)
        return rows.error();
    Page<Row> page;
    while (rows->next())
        page.items.append(fromRow(*rows));
    if (page.items.size() > pageSize) {
        page.items.removeLast();
        const Row &last = page.items.last();
        page.nextPageToken =
            PageToken::encode({UserRows::isoUtc(last.createdAt), last.id}, queryFingerprint);
    }
    return page;
}

} // namespace gatehouse
