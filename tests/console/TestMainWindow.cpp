#include "MainWindow.h"
#include "store/Store.h"

#include "TestSupport.h"

#include <QApplication>
#include <QLabel>
#include <QStackedWidget>

using namespace gatehouse;

class TestMainWindow : public QObject
{
    Q_OBJECT

private:
    static QLabel *label(QWidget &window, const char *name)
    {
        return window.findChild<QLabel *>(QString::fromLatin1(name));
    }

private Q_SLOTS:
    void showsTheOpenStore()
    {
        ui::MainWindow window;
        StoreInfo info;
        info.backend = QStringLiteral("sqlite");
        info.location = QStringLiteral("/data/gatehouse/prod.db");
        info.storeId = QStringLiteral("6f1c2d3e-0000-4000-8000-123456789abc");
        info.schemaVersion = 3;
        info.createdAt = QDateTime(QDate(2026, 1, 2), QTime(3, 4, 5), Qt::UTC);
        window.showStore(info);
        window.show();
        QVERIFY(QTest::qWaitForWindowExposed(&window));

        QCOMPARE(label(window, "storeLocation")->text(), info.location);
        QCOMPARE(label(window, "storeId")->text(), info.storeId);
        QCOMPARE(label(window, "schemaVersion")->text(), QStringLiteral("3"));
        QVERIFY(window.windowTitle().contains(QStringLiteral("prod.db")));
        QVERIFY(window.findChild<QWidget *>(QStringLiteral("storePage"))->isVisible());
        QVERIFY(!window.findChild<QWidget *>(QStringLiteral("errorPage"))->isVisible());
    }

    void showsWhyNoStoreOpened()
    {
        ui::MainWindow window;
        const QString path = QStringLiteral("/home/a/empty.db");
        window.showError(path, Error{ErrorCode::Integrity, QStringLiteral("empty (0 bytes)")});
        window.show();
        QVERIFY(QTest::qWaitForWindowExposed(&window));
        QCOMPARE(label(window, "errorLocation")->text(), path);
        QCOMPARE(label(window, "errorMessage")->text(), QStringLiteral("empty (0 bytes)"));
        QVERIFY(window.findChild<QWidget *>(QStringLiteral("errorPage"))->isVisible());
    }

    void untrustedTextIsNeverRichText()
    {
        ui::MainWindow window;
        StoreInfo info;
        info.backend = QStringLiteral("sqlite");
        info.location = QStringLiteral("/tmp/<b>bold</b><img src=x>.db");
        info.storeId = QStringLiteral("<a href='x'>id</a>");
        window.showStore(info);
        window.showError(info.location, Error{ErrorCode::Integrity, QStringLiteral("<i>msg</i>")});
        for (const char *name :
             {"storeLocation", "storeId", "schemaVersion", "errorLocation", "errorMessage"})
            QCOMPARE(label(window, name)->textFormat(), Qt::PlainText);
        QCOMPARE(label(window, "storeLocation")->text(), info.location);
    }
};

QTEST_MAIN(TestMainWindow)
#include "TestMainWindow.moc"
