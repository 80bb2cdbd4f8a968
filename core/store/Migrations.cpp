#include "Migrations.h"

#include <QDir>
#include <QFile>
#include <QRegularExpression>

#include <algorithm>

namespace gatehouse {

Result<Migrations> Migrations::load(const QString &dialect)
{
    return loadFrom(QStringLiteral(":/gatehouse/migrations/") + dialect,
                    dialect == u"postgres" ? Dialect::Postgres : Dialect::Sqlite);
}

Result<Migrations> Migrations::loadFrom(const QString &folder, Dialect dialect)
{
    static const QRegularExpression fileName(QStringLiteral("^(\\d{4})_([a-z0-9_]+)\\.sql$"));
    const QStringList files =
        QDir(folder).entryList({QStringLiteral("*.sql")}, QDir::Files, QDir::Name);
    Migrations migrations;
    for (const QString &file : files) {
        const QRegularExpressionMatch match = fileName.match(file);
        QFile sql(folder + QLatin1Char('/') + file);
        if (!match.hasMatch() || !sql.open(QIODevice::ReadOnly)) {
            return makeError(ErrorCode::Internal,
                             QStringLiteral("Built-in migration %1 is unreadable or misnamed; "
                                            "this build of Gatehouse is broken.")
                                 .arg(file));
        }
        Migration migration;
        migration.version = match.captured(1).toInt();
        migration.name = match.captured(2);
        migration.statements = splitStatements(QString::fromUtf8(sql.readAll()), dialect);
        migrations.m_migrations.append(migration);
    }
    for (qsizetype i = 0; i < migrations.m_migrations.size(); ++i) {
        if (migrations.m_migrations.at(i).version != i + 1) {
            return makeError(ErrorCode::Internal,
                             QStringLiteral("The migrations in %1 are not numbered 1, 2, 3...; "
                                            "this build of Gatehouse is broken.")
                                 .arg(folder));
        }
    }
    if (migrations.m_migrations.isEmpty()) {
        return makeError(ErrorCode::Internal,
                         QStringLiteral("No migrations in %1; this build of Gatehouse is "
                                        "broken.")
                             .arg(folder));
    }
    return migrations;
}

QStringList Migrations::splitStatements(const QString &sql, Dialect dialect)
{
    const auto bodyStarts = [dialect](const QString &line) {
        if (dialect == Dialect::Sqlite)
            return line.startsWith(QLatin1String("CREATE TRIGGER"), Qt::CaseInsensitive);
        return line.startsWith(QLatin1String("CREATE FUNCTION"), Qt::CaseInsensitive)
            || line.startsWith(QLatin1String("CREATE OR REPLACE FUNCTION"), Qt::CaseInsensitive);
    };
    const QLatin1String bodyEnd(dialect == Dialect::Sqlite ? "END;" : "$$;");
    QStringList statements;
    QString current;
    bool inBody = false;
    const QStringList lines = sql.split(QLatin1Char('\n'));
    for (const QString &rawLine : lines) {
        const QString line = rawLine.trimmed();
        if (line.isEmpty() || line.startsWith(QLatin1String("--")))
            continue;
        if (current.isEmpty())
            inBody = bodyStarts(line);
        current += line + QLatin1Char('\n');
        const bool ends = inBody ? line.compare(bodyEnd, Qt::CaseInsensitive) == 0
                                 : line.endsWith(QLatin1Char(';'));
        if (ends) {
            statements.append(current.trimmed());
            current.clear();
            inBody = false;
        }
    }
    if (!current.trimmed().isEmpty())
        statements.append(current.trimmed());
    return statements;
}

} // namespace gatehouse
