#pragma once

#include "model/Result.h"

#include <QList>
#include <QString>
#include <QStringList>

namespace gatehouse {

struct Migration {
    int version = 0;
    QString name;
    QStringList statements;
};

// The versioned schema of one SQL dialect, read from the SQL files compiled into the library
// (`core/store/migrations/<dialect>/NNNN_name.sql`). Versions start at 1 and have no gaps, so
// a store's version is simply the highest migration applied to it.
class Migrations
{
public:
    static Result<Migrations> load(const QString &dialect);
    // The same from any folder of NNNN_name.sql files.
    static Result<Migrations> loadFrom(const QString &folder);

    const QList<Migration> &all() const { return m_migrations; }
    int latestVersion() const { return m_migrations.isEmpty() ? 0 : m_migrations.last().version; }

    // Splits a migration file into statements: each ends with `;` at the end of a line, except
    // inside a CREATE TRIGGER body, which ends at a line `END;`. `--` comment lines are dropped.
    static QStringList splitStatements(const QString &sql);

private:
    QList<Migration> m_migrations;
};

} // namespace gatehouse
