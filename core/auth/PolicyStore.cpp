#include "PolicyStore.h"

#include <QJsonDocument>

namespace gatehouse::PolicyStore {

Result<QJsonObject> load(SqlTransaction &tx, const QString &name)
{
    Result<QVariant> document =
        tx.scalar(QStringLiteral("SELECT document FROM policies WHERE name = ?"), {name});
    if (!document)
        return document.error();
    if (document->isNull())
        return QJsonObject();
    QJsonParseError error{};
    const QJsonDocument json = QJsonDocument::fromJson(document->toString().toUtf8(), &error);
    if (error.error != QJsonParseError::NoError || !json.isObject()) {
        return makeError(
            ErrorCode::Integrity,
            QStringLiteral("The stored %1 policy is damaged; set it again.").arg(name));
    }
    return json.object();
}

Result<void> save(SqlTransaction &tx, const QString &name, const QJsonObject &document,
                  const QString &updatedAt, const QString &updatedBy)
{
    Result<QSqlQuery> saved =
        tx.exec(QStringLiteral("INSERT INTO policies (name, document, updated_at, updated_by)"
                               " VALUES (?, ?, ?, ?) ON CONFLICT (name) DO UPDATE SET"
                               " document = excluded.document, updated_at = excluded.updated_at,"
                               " updated_by = excluded.updated_by"),
                {name, QString::fromUtf8(QJsonDocument(document).toJson(QJsonDocument::Compact)),
                 updatedAt, updatedBy});
    if (!saved)
        return saved.error();
    return {};
}

} // namespace gatehouse::PolicyStore
