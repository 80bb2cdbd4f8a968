#include "store/Migrations.h"
#include "store/sqlite/SqliteStore.h"

#include "TestSupport.h"

using namespace gatehouse;

class TestMigrations : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void builtInSqliteMigrationsAreNumberedFromOne()
    {
        Result<Migrations> migrations = Migrations::load(QStringLiteral("sqlite"));
        GH_VERIFY_OK(migrations);
        QVERIFY(!migrations->all().isEmpty());
        for (qsizetype i = 0; i < migrations->all().size(); ++i) {
            QCOMPARE(migrations->all().at(i).version, i + 1);
            QVERIFY(!migrations->all().at(i).statements.isEmpty());
        }
        QCOMPARE(SqliteStore::supportedSchemaVersion(), migrations->latestVersion());
    }

    void unknownDialectIsAnError()
    {
        GH_VERIFY_ERROR(Migrations::load(QStringLiteral("oracle")), ErrorCode::Internal);
    }

    void splitsStatementsAndKeepsTriggerBodiesWhole()
    {
        const QString sql = QStringLiteral("-- a comment; with a semicolon\n"
                                           "CREATE TABLE a (x INTEGER);\n"
                                           "\n"
                                           "CREATE TABLE b (\n"
                                           "    y TEXT\n"
                                           ");\n"
                                           "CREATE TRIGGER no_update BEFORE UPDATE ON a\n"
                                           "BEGIN\n"
                                           "    SELECT RAISE(ABORT, 'append only');\n"
                                           "END;\n"
                                           "INSERT INTO a VALUES (1);\n");
        const QStringList statements = Migrations::splitStatements(sql);
        QCOMPARE(statements.size(), 4);
        QCOMPARE(statements.at(0), QStringLiteral("CREATE TABLE a (x INTEGER);"));
        QVERIFY(statements.at(1).startsWith(QStringLiteral("CREATE TABLE b")));
        QVERIFY(statements.at(1).endsWith(QStringLiteral(");")));
        QVERIFY(statements.at(2).contains(QStringLiteral("RAISE(ABORT")));
        QVERIFY(statements.at(2).endsWith(QStringLiteral("END;")));
        QCOMPARE(statements.at(3), QStringLiteral("INSERT INTO a VALUES (1);"));
    }
};

QTEST_GUILESS_MAIN(TestMigrations)
#include "TestMigrations.moc"
