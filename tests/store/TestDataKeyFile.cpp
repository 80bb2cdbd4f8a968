#include "crypto/Base64.h"
#include "store/DataKeyFile.h"

#include "TestSupport.h"

#include <QFileInfo>
#include <QTemporaryDir>

#include <sys/stat.h>

using namespace gatehouse;

class TestDataKeyFile : public QObject
{
    Q_OBJECT

private:
    QTemporaryDir m_dir;
    int m_counter = 0;

    QString freshPath() { return m_dir.filePath(QStringLiteral("k%1.key").arg(++m_counter)); }

private Q_SLOTS:
    void createsAPrivateKeyThatLoadsBack()
    {
        const QString path = freshPath();
        Result<QByteArray> key = DataKeyFile::create(path);
        GH_VERIFY_OK(key);
        QCOMPARE(key->size(), 32);
        QCOMPARE(QFileInfo(path).permissions() & 0x0077, QFileDevice::Permissions());
        Result<QByteArray> loaded = DataKeyFile::load(path);
        GH_VERIFY_OK(loaded);
        QCOMPARE(*loaded, *key);
        Result<QByteArray> other = DataKeyFile::create(freshPath());
        GH_VERIFY_OK(other);
        QVERIFY(*other != *key);
        QCOMPARE(DataKeyFile::defaultPathFor(QStringLiteral("/srv/a.db")),
                 QStringLiteral("/srv/a.db.key"));
    }

    void neverOverwritesAKey()
    {
        const QString path = freshPath();
        GH_VERIFY_OK(DataKeyFile::create(path));
        const QByteArray before = test::fileDigest(path);
        GH_VERIFY_ERROR(DataKeyFile::create(path), ErrorCode::Conflict);
        QCOMPARE(test::fileDigest(path), before);
    }

    void refusesKeysOthersCanRead()
    {
        const QString path = freshPath();
        GH_VERIFY_OK(DataKeyFile::create(path));
        QVERIFY(::chmod(QFile::encodeName(path).constData(), 0640) == 0);
        Result<QByteArray> loaded = DataKeyFile::load(path);
        GH_VERIFY_ERROR(loaded, ErrorCode::PermissionDenied);
        QVERIFY(loaded.error().message.contains(QStringLiteral("chmod 600")));
    }

    void refusesDamagedFiles_data()
    {
        QTest::addColumn<QByteArray>("content");
        const QByteArray good = crypto::base64UrlEncode(QByteArray(32, 'k'));
        QTest::newRow("empty") << QByteArray();
        QTest::newRow("no header") << QByteArray(good + '\n');
        QTest::newRow("short key") << QByteArray(
            "gatehouse-data-key-v1\n" + crypto::base64UrlEncode(QByteArray(31, 'k')) + '\n');
        QTest::newRow("padded") << QByteArray("gatehouse-data-key-v1\n" + good + "=\n");
        QTest::newRow("no newline") << QByteArray("gatehouse-data-key-v1\n" + good);
        QTest::newRow("trailing text")
            << QByteArray("gatehouse-data-key-v1\n" + good + "\nextra\n");
        QTest::newRow("other version") << QByteArray("gatehouse-data-key-v2\n" + good + '\n');
        QTest::newRow("huge") << QByteArray(100000, 'a');
    }

    void refusesDamagedFiles()
    {
        QFETCH(QByteArray, content);
        const QString path = freshPath();
        QVERIFY(test::writeFile(path, content));
        GH_VERIFY_ERROR(DataKeyFile::load(path), ErrorCode::Integrity);
    }

    void missingKeySaysWhereItBelongs()
    {
        Result<QByteArray> loaded = DataKeyFile::load(freshPath());
        GH_VERIFY_ERROR(loaded, ErrorCode::NotFound);
        QVERIFY(loaded.error().message.contains(QStringLiteral("beside the store")));
    }
};

QTEST_GUILESS_MAIN(TestDataKeyFile)
#include "TestDataKeyFile.moc"
