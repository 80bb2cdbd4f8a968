#include "CtlCommand.h"

#include "CtlBackend.h"
#include "SecretInput.h"
#include "auth/UserRows.h"
#include "store/DataKeyFile.h"
#include "store/StoreLocation.h"
#include "store/sqlite/SqliteStore.h"

#include <QFile>
#include <QFileInfo>

#include <QJsonObject>

namespace gatehouse::ctl {

namespace {

QList<QPair<QString, QString>> describe(const StoreInfo &info)
{
    return {
        {QStringLiteral("Store"), info.location},
        {QStringLiteral("Backend"), info.backend},
        {QStringLiteral("Store id"), info.storeId},
        {QStringLiteral("Schema version"), QString::number(info.schemaVersion)},
        {QStringLiteral("Created"), info.createdAt.toString(Qt::ISODateWithMs)},
    };
}

QJsonObject toJson(const StoreInfo &info)
{
    return QJsonObject{
        {QStringLiteral("path"), info.location},
        {QStringLiteral("backend"), info.backend},
        {QStringLiteral("storeId"), info.storeId},
        {QStringLiteral("schemaVersion"), info.schemaVersion},
        {QStringLiteral("createdAt"), info.createdAt.toString(Qt::ISODateWithMs)},
    };
}

const QCommandLineOption kOwner{QStringLiteral("owner"),
                                QStringLiteral("Create the first owner with this username; the "
                                               "password is read from standard input."),
                                QStringLiteral("name")};
const QCommandLineOption kEmail{QStringLiteral("email"), QStringLiteral("The owner's e-mail."),
                                QStringLiteral("address")};
const QCommandLineOption kDisplayName{QStringLiteral("display-name"),
                                      QStringLiteral("The owner's display name."),
                                      QStringLiteral("name")};
const QCommandLineOption kPasswordFile{QStringLiteral("password-file"),
                                       QStringLiteral("Read the password from this file instead "
                                                      "of standard input."),
                                       QStringLiteral("path")};

int init(const CtlContext &context, const QCommandLineParser &parser)
{
    if (parser.isSet(kOwner) == false && (parser.isSet(kEmail) || parser.isSet(kPasswordFile)))
        return context.output.usageError(
            QStringLiteral("--email and --password-file need --owner."));
    QString password;
    if (parser.isSet(kOwner)) {
        Result<QString> typed =
            SecretInput::read(QStringLiteral("Password for %1: ").arg(parser.value(kOwner)),
                              parser.value(kPasswordFile));
        if (!typed)
            return context.output.failure(typed.error());
        password = *typed;
    }
    if (Result<void> folder = StoreLocation::ensureFolder(context.storePath); !folder)
        return context.output.failure(folder.error());
    const QString keyPath =
        DataKeyFile::defaultPathFor(QFileInfo(context.storePath).absoluteFilePath());
    if (QFile::exists(keyPath)) {
        return context.output.failure(
            makeError(ErrorCode::Conflict,
                      QStringLiteral("%1 already exists; it belongs to another store. "
                                     "Choose another path.")
                          .arg(keyPath)));
    }
    Result<std::unique_ptr<SqliteStore>> store = SqliteStore::create(context.storePath);
    if (!store)
        return context.output.failure(store.error());
    const StoreInfo info = (*store)->info();

    // Everything below either completes or leaves no store behind.
    Result<QByteArray> key = DataKeyFile::create(keyPath);
    if (!key) {
        SqliteStore::discardNew(std::move(store).value());
        return context.output.failure(key.error());
    }
    QList<QPair<QString, QString>> fields = describe(info);
    QJsonObject json = toJson(info);
    fields.append({QStringLiteral("Data key"), keyPath});
    json.insert(QStringLiteral("dataKeyFile"), keyPath);
    if (parser.isSet(kOwner)) {
        Result<std::unique_ptr<CtlBackend>> opened = CtlBackend::over(std::move(store).value());
        Result<User> owner = opened
            ? await((*opened)->backend().createFirstOwner(NewUser{parser.value(kOwner),
                                                                  parser.value(kEmail),
                                                                  parser.value(kDisplayName),
                                                                  {Role::Owner}},
                                                          password))
            : Result<User>(opened.error());
        if (!owner) {
            if (opened)
                SqliteStore::discardNew((*opened)->release());
            QFile::remove(keyPath);
            return context.output.failure(owner.error());
        }
        fields.append({QStringLiteral("Owner"), owner->username});
        json.insert(QStringLiteral("owner"), UserRows::toJson(*owner));
    }
    return context.output.success(fields, json);
}

int info(const CtlContext &context, const QCommandLineParser &)
{
    Result<std::unique_ptr<SqliteStore>> store = SqliteStore::open(context.storePath);
    if (!store)
        return context.output.failure(store.error());
    const StoreInfo info = (*store)->info();
    return context.output.success(describe(info), toJson(info));
}

} // namespace

QList<CtlCommand> storeCommands()
{
    return {
        CtlCommand{
            QStringLiteral("init"),
            QStringLiteral("Create a new store (never over an existing file) and its data key "
                           "file; with --owner, also its first owner (password on stdin)."),
            [](QCommandLineParser &parser) {
                parser.addOptions({kOwner, kEmail, kDisplayName, kPasswordFile});
            },
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
