#include "SqliteErrors.h"

namespace gatehouse {

namespace {
// SQLite primary result codes (sqlite3.h); core does not include sqlite3.h itself.
enum SqliteCode {
    Busy = 5,
    Locked = 6,
    NoMem = 7,
    ReadOnly = 8,
    IoErr = 10,
    Corrupt = 11,
    Full = 13,
    CantOpen = 14,
    Constraint = 19,
    NotADb = 26,
};
} // namespace

int sqlitePrimaryCode(const QSqlError &error)
{
    bool ok = false;
    const int code = error.nativeErrorCode().toInt(&ok);
    return ok ? (code & 0xff) : -1;
}

Error sqliteError(const QSqlError &error, const QString &what)
{
    switch (sqlitePrimaryCode(error)) {
    case Busy:
    case Locked:
        return makeError(ErrorCode::Unavailable,
                         QStringLiteral("The store is busy: another process holds a lock on it. "
                                        "Nothing was changed; retry in a moment."));
    case Full:
        return makeError(ErrorCode::Unavailable,
                         QStringLiteral("The store is full: the disk has no space left (or the "
                                        "store reached its size limit). Nothing was changed; "
                                        "free some space and retry."));
    case ReadOnly:
        return makeError(ErrorCode::Unavailable,
                         QStringLiteral("The store is read-only: check the permissions of the "
                                        "database file and its folder. Nothing was changed."));
    case NoMem:
        return makeError(
            ErrorCode::Unavailable,
            QStringLiteral("Out of memory while trying to %1. Nothing was changed.").arg(what));
    case IoErr:
    case CantOpen:
        return makeError(ErrorCode::Unavailable,
                         QStringLiteral("Could not read or write the store file while trying to "
                                        "%1. Check the disk and the file's permissions.")
                             .arg(what));
    case NotADb:
        return makeError(ErrorCode::Integrity,
                         QStringLiteral("it is not a SQLite database, or its header is damaged. "
                                        "Check the path; if it is the store, restore it from a "
                                        "backup."));
    case Corrupt:
        return makeError(ErrorCode::Integrity,
                         QStringLiteral("The store file is damaged (integrity check failed while "
                                        "trying to %1). Restore it from a backup.")
                             .arg(what));
    case Constraint:
        return makeError(ErrorCode::Conflict,
                         QStringLiteral("The change conflicts with data already in the store."));
    default:
        return makeError(ErrorCode::Internal,
                         QStringLiteral("Unexpected store error while trying to %1.").arg(what));
    }
}

} // namespace gatehouse
