#include "CtlCommand.h"

#include "store/StoreLocation.h"
#include "store/sqlite/SqliteStore.h"

#include <QJsonObject>

namespace gatehouse::ctl {

namespace {

int report(const CtlContext &context, const StoreInfo &info)
{
    const QString createdAt = info.createdAt.toString(Qt::ISODateWithMs);
    return context.output.success(
        {
            {QStringLiteral("Store"), info.location},
            {QStringLiteral("Backend"), info.backend},
            {QStringLiteral("Store id"), info.storeId},
            {QStringLiteral("Schema version"), QString::number(info.schemaVersion)},
            {QStringLiteral("Created"), createdAt},
        },
        QJsonObject{
            {QStringLiteral("path"), info.location},
            {QStringLiteral("backend"), info.backend},
            {QStringLiteral("storeId"), info.storeId},
            {QStringLiteral("schemaVersion"), info.schemaVersion},
            {QStringLiteral("createdAt"), createdAt},
        });
}

int init(const CtlContext &context, const QCommandLineParser &)
{
    if (Result<void> folder = StoreLocation::ensureFolder(context.storePath); !folder)
        return context.output.failure(folder.error());
    Result<std::unique_ptr<SqliteStore>> store = SqliteStore::create(context.storePath);
    if (!store)
        return context.output.failure(store.error());
    return report(context, (*store)->info());
}

int info(const CtlContext &context, const QCommandLineParser &)
{
    Result<std::unique_ptr<SqliteStore>> store = SqliteStore::open(context.storePath);
    if (!store)
        return context.output.failure(store.error());
    return report(context, (*store)->info());
}

} // namespace

QList<CtlCommand> storeCommands()
{
    return {
        CtlCommand{
            QStringLiteral("init"),
            QStringLiteral("Create a new store (never over an existing file)."),
            {},
            init,
        },
        CtlCommand{
            QStringLiteral("info"),
            QStringLiteral("Show the store's path, id, schema version and creation time."),
            {},
            info,
        },
    };
}

} // namespace gatehouse::ctl
