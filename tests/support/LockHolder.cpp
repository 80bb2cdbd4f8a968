// gatehouse_lockholder PATH MODE: holds a lock on a SQLite file from a separate process, as
// another program would, until its standard input closes.
//   MODE write     - an open write transaction (WAL readers still get through) that changes
//                    nothing, so its commit writes nothing
//   MODE change    - the same, with a real change (store_metadata.created_by gets a '.'),
//                    committed on release
//   MODE exclusive - switches the file to a rollback journal and holds it exclusively
// Prints "locked" once the lock is held. Exits 0 after releasing it.
#include <QCoreApplication>
#include <QFile>
#include <QSqlDatabase>
#include <QSqlError>
#include <QSqlQuery>

#include <cstdio>
#include <iostream>

int main(int argc, char *argv[])
{
    QCoreApplication app(argc, argv);
    const QStringList args = QCoreApplication::arguments();
    if (args.size() != 3)
        return 2;
    QSqlDatabase db = QSqlDatabase::addDatabase(QStringLiteral("QSQLITE"));
    db.setDatabaseName(args.at(1));
    if (!db.open())
        return 1;
    QSqlQuery query(db);
    QStringList statements;
    if (args.at(2) == QStringLiteral("exclusive"))
        statements << QStringLiteral("PRAGMA journal_mode = DELETE")
                   << QStringLiteral("BEGIN EXCLUSIVE");
    else
        statements << QStringLiteral("BEGIN IMMEDIATE");
    statements << (args.at(2) == QStringLiteral("change")
                       ? QStringLiteral("UPDATE store_metadata SET created_by = created_by || '.'")
                       : QStringLiteral("UPDATE store_metadata SET created_by = created_by"));
    for (const QString &statement : statements) {
        if (!query.exec(statement)) {
            std::fprintf(stderr, "%s\n", qPrintable(query.lastError().text()));
            return 1;
        }
    }
    std::printf("locked\n");
    std::fflush(stdout);
    std::string line;
    while (std::getline(std::cin, line)) {}
    return query.exec(QStringLiteral("COMMIT")) ? 0 : 1;
}
