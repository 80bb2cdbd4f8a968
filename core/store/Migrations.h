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
    enum class Dialect { Sqlite, Postgres };

    static Result<Migrations> load(const QString &dialect);
    // The same from any folder of NNNN_name.sql files.
    static Result<Migrations> loadFrom(const QString &folder, Dialect dialect = Dialect::Sqlite);

    const QList<Migration> &all() const { return m_migrations; }
    int latestVersion() const { return m_migrations.isEmpty() ? 0 : m_migrations.last().version; }

    // Splits a migration file into statements: each ends with `;` at the end of a line, except
    // a body: in SQLite a CREATE TRIGGER's, which ends at a line `END;`; in PostgreSQL a
    // CREATE [OR REPLACE] FUNCTION's, which ends at a line `$$;`. `--` comment lines are
    // dropped.
    static QStringList splitStatements(const QString &sql, Dialect dialect = Dialect::Sqlite);

private:
    QList<Migration> m_migrations;
};

} // namespace gatehouse
