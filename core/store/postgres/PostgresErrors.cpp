#include "PostgresErrors.h"

namespace gatehouse {

namespace {

QString stateOf(const QSqlError &error)
{
    return error.nativeErrorCode().trimmed();
}

} // namespace

bool isRetryable(const QSqlError &error)
{
    const QString state = stateOf(error);
    return state == u"40001" || state == u"40P01";
}

bool isConnectionLost(const QSqlError &error)
{
    const QString state = stateOf(error);
    return state.startsWith(u"08") || state == u"57P01" || state == u"57P02" || state == u"57P03"
        || (state.isEmpty() && error.type() == QSqlError::ConnectionError);
}

Error postgresError(const QSqlError &error, const QString &what)
{
    const QString state = stateOf(error);
    const auto failed = [&](ErrorCode code, const QString &why) {
        return makeError(code, QStringLiteral("Could not %1: %2").arg(what, why));
    };
    // Constraint failures are Conflict, as SQLite's are (the same call fails the same way).
    if (state == u"23505")
        return failed(ErrorCode::Conflict, QStringLiteral("it already exists."));
    if (state.startsWith(u"23"))
        return failed(ErrorCode::Conflict,
                      QStringLiteral("the store refused the change as "
                                     "inconsistent with what it holds."));
    if (state.startsWith(u"22"))
        return failed(ErrorCode::InvalidInput,
                      QStringLiteral("a value is one the store cannot "
                                     "hold (a NUL character, or out of "
                                     "range)."));
    if (state == u"55P03" || state == u"57014")
        return failed(ErrorCode::Unavailable,
                      QStringLiteral("the store is busy (another "
                                     "transaction holds a lock); retry."));
    if (isRetryable(error))
        return failed(ErrorCode::Unavailable,
                      QStringLiteral("the store is busy with concurrent "
                                     "changes; retry."));
    if (state == u"53100")
        return failed(ErrorCode::Unavailable,
                      QStringLiteral("the store's disk is full; free "
                                     "space, then retry."));
    if (state.startsWith(u"53"))
        return failed(ErrorCode::Unavailable,
                      QStringLiteral("the database server is out of "
                                     "resources; retry later."));
    if (state.startsWith(u"28"))
        return failed(ErrorCode::Unavailable,
                      QStringLiteral("the database refused the "
                                     "credentials in the store URL."));
    if (state == u"3D000")
        return failed(ErrorCode::Unavailable,
                      QStringLiteral("the database named in the store "
                                     "URL does not exist."));
    if (isConnectionLost(error))
        return failed(ErrorCode::Unavailable,
                      QStringLiteral("the database server cannot be "
                                     "reached; retry."));
    if (state.startsWith(u"XX"))
        return failed(ErrorCode::Integrity,
                      QStringLiteral("the database reported internal "
                                     "damage; check the server."));
    return failed(ErrorCode::Internal,
                  QStringLiteral("the database refused a statement; report "
                                 "this with the server log."));
}

} // namespace gatehouse
