#include "TestSupport.h"

#include <QDir>
#include <QImage>
#include <QProcess>
#include <QSet>
#include <QTemporaryDir>

// `make run` in miniature: a real X server (Xvfb), the real console binary started as a user
// would start it (no --db: the default store in the user's data folder, created on first
// start), its window found on the X server by another program, and a screenshot of it.
class TestConsoleOnX11 : public QObject
{
    Q_OBJECT

private:
    QProcess m_xvfb;
    QString m_display;
    QTemporaryDir m_home;

    QProcessEnvironment environment() const
    {
        QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
        env.insert(QStringLiteral("DISPLAY"), m_display);
        env.insert(QStringLiteral("QT_QPA_PLATFORM"), QStringLiteral("xcb"));
        env.insert(QStringLiteral("XDG_DATA_HOME"), m_home.filePath(QStringLiteral("data")));
        env.insert(QStringLiteral("XDG_CONFIG_HOME"), m_home.filePath(QStringLiteral("config")));
        env.remove(QStringLiteral("GATEHOUSE_DATABASE"));
        return env;
    }

    QString windowTree()
    {
        QProcess xwininfo;
        xwininfo.setProcessEnvironment(environment());
        xwininfo.start(QStringLiteral("xwininfo"),
                       {QStringLiteral("-root"), QStringLiteral("-tree")});
        xwininfo.waitForFinished(10000);
        return QString::fromUtf8(xwininfo.readAllStandardOutput());
    }

    // The X window id of the top-level window whose title contains `title`, waiting up to 20 s
    // for it to be mapped; empty if it never appears.
    QString waitForWindow(const QString &title)
    {
        for (int attempt = 0; attempt < 100; ++attempt) {
            for (const QString &line : windowTree().split(QLatin1Char('\n'))) {
                if (line.contains(title))
                    return line.trimmed().section(QLatin1Char(' '), 0, 0);
            }
            QTest::qWait(200);
        }
        return {};
    }

    void startConsole(QProcess &console, const QStringList &arguments,
                      const QProcessEnvironment &env)
    {
        console.setProcessEnvironment(env);
        console.start(QStringLiteral(GATEHOUSE_CONSOLE_PATH), arguments);
        QVERIFY(console.waitForStarted(10000));
    }

    static void stopConsole(QProcess &console)
    {
        console.terminate();
        QVERIFY(console.waitForFinished(10000));
    }

    QImage grab(const QString &file)
    {
        QProcess grabber;
        grabber.setProcessEnvironment(environment());
        grabber.start(QStringLiteral(GATEHOUSE_SCREENGRAB_PATH), {file});
        if (!grabber.waitForFinished(20000) || grabber.exitCode() != 0)
            return {};
        return QImage(file);
    }

private Q_SLOTS:
    void initTestCase()
    {
        QVERIFY(m_home.isValid());
        // -displayfd: Xvfb picks a free display and writes its number once it accepts clients.
        m_xvfb.start(QStringLiteral("Xvfb"),
                     {QStringLiteral("-displayfd"), QStringLiteral("1"), QStringLiteral("-screen"),
                      QStringLiteral("0"), QStringLiteral("1280x800x24"),
                      QStringLiteral("-nolisten"), QStringLiteral("tcp")});
        QVERIFY2(m_xvfb.waitForStarted(10000),
                 "Xvfb is not installed (packaging/install-deps.sh test)");
        QVERIFY2(m_xvfb.waitForReadyRead(20000), "Xvfb did not start");
        m_display =
            QLatin1Char(':') + QString::fromLatin1(m_xvfb.readAllStandardOutput().trimmed());
    }

    void cleanupTestCase()
    {
        m_xvfb.terminate();
        if (!m_xvfb.waitForFinished(10000))
            m_xvfb.kill();
    }

    void consoleOpensItsWindowOnTheDefaultStore()
    {
        const QString store = m_home.filePath(QStringLiteral("data/gatehouse/gatehouse.db"));
        QVERIFY(!QFile::exists(store));

        QProcess console;
        console.setProcessChannelMode(QProcess::ForwardedErrorChannel);
        startConsole(console, {}, environment());

        // Another X client must see a mapped top-level window named after the store.
        const QString windowId = waitForWindow(QStringLiteral("\"gatehouse.db — Gatehouse\""));
        QVERIFY2(!windowId.isEmpty(), qPrintable(windowTree()));
        QVERIFY2(console.state() == QProcess::Running, "the console exited");
        QVERIFY(QFile::exists(store));
        QCOMPARE(QFileInfo(store).permissions() & 0x0077, QFileDevice::Permissions());

        // The window carries the Gatehouse icon (the SVG was found and rendered).
        QProcess xprop;
        xprop.setProcessEnvironment(environment());
        xprop.start(QStringLiteral("xprop"),
                    {QStringLiteral("-id"), windowId, QStringLiteral("_NET_WM_ICON")});
        QVERIFY(xprop.waitForFinished(10000));
        QVERIFY2(xprop.readAllStandardOutput().startsWith("_NET_WM_ICON(CARDINAL) = "),
                 "no window icon");

        QTest::qWait(1000); // let it paint
        QDir().mkpath(QStringLiteral("screenshots"));
        const QString shot =
            QDir::current().absoluteFilePath(QStringLiteral("screenshots/console.png"));
        const QImage image = grab(shot);
        QVERIFY2(!image.isNull(), "no screenshot");
        QCOMPARE(image.size(), QSize(1280, 800));
        // An empty Xvfb screen is one colour; a window with text has many.
        QSet<QRgb> colours;
        for (int y = 0; y < image.height(); y += 2) {
            for (int x = 0; x < image.width(); x += 2)
                colours.insert(image.pixel(x, y));
        }
        QVERIFY2(colours.size() > 20, qPrintable(QStringLiteral("%1 colours").arg(colours.size())));
        qInfo("screenshot: %s", qPrintable(shot));
        stopConsole(console);
    }

    void consoleSpeaksTheUsersLanguage()
    {
        const QString empty = m_home.filePath(QStringLiteral("leer.db"));
        QVERIFY(gatehouse::test::writeFile(empty, {}));
        QProcessEnvironment env = environment();
        env.insert(QStringLiteral("LC_ALL"), QStringLiteral("de_DE.UTF-8"));
        env.insert(QStringLiteral("LANG"), QStringLiteral("de_DE.UTF-8"));
        QProcess console;
        startConsole(console, {QStringLiteral("--db"), empty}, env);
        QVERIFY2(!waitForWindow(QStringLiteral("Gatehouse — kein Speicher")).isEmpty(),
                 qPrintable(windowTree()));
        stopConsole(console);
    }

    void consoleShowsWhyAStoreCannotBeOpened()
    {
        const QString empty = m_home.filePath(QStringLiteral("empty.db"));
        QVERIFY(gatehouse::test::writeFile(empty, {}));
        QProcess console;
        startConsole(console, {QStringLiteral("--db"), empty}, environment());
        QVERIFY2(!waitForWindow(QStringLiteral("store not opened")).isEmpty(),
                 qPrintable(windowTree()));
        QCOMPARE(QFileInfo(empty).size(), 0);
        QTest::qWait(500);
        QDir().mkpath(QStringLiteral("screenshots"));
        QVERIFY(
            !grab(QDir::current().absoluteFilePath(QStringLiteral("screenshots/console-error.png")))
                 .isNull());
        stopConsole(console);
        QVERIFY(QString::fromUtf8(console.readAllStandardError())
                    .contains(QStringLiteral("empty (0 bytes)")));
    }
};

QTEST_GUILESS_MAIN(TestConsoleOnX11)
#include "TestConsoleOnX11.moc"
