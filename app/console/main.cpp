#include "MainWindow.h"
#include "store/StoreLocation.h"
#include "store/sqlite/SqliteStore.h"

#include <QApplication>
#include <QCommandLineParser>
#include <QIcon>
#include <QLibraryInfo>
#include <QLocale>
#include <QTranslator>

#include <cstdio>

using namespace gatehouse;

int main(int argc, char *argv[])
{
    QApplication app(argc, argv);
    // "gatehouse" without an organisation: the data folder is ~/.local/share/gatehouse.
    QApplication::setApplicationName(QStringLiteral("gatehouse"));
    QApplication::setApplicationDisplayName(QStringLiteral("Gatehouse"));
    QApplication::setApplicationVersion(QStringLiteral(GATEHOUSE_VERSION));
    QApplication::setDesktopFileName(QStringLiteral("gatehouse"));
    QApplication::setWindowIcon(QIcon(QStringLiteral(":/gatehouse/icons/gatehouse.svg")));

    QTranslator qtTranslator;
    if (qtTranslator.load(QLocale(), QStringLiteral("qtbase"), QStringLiteral("_"),
                          QLibraryInfo::path(QLibraryInfo::TranslationsPath)))
        QApplication::installTranslator(&qtTranslator);
    QTranslator translator;
    if (translator.load(QLocale(), QStringLiteral("gatehouse"), QStringLiteral("_"),
                        QStringLiteral(":/i18n")))
        QApplication::installTranslator(&translator);

    QCommandLineParser parser;
    parser.setApplicationDescription(
        QStringLiteral("Gatehouse: admin console for the auth layer of web applications."));
    parser.addHelpOption();
    parser.addVersionOption();
    const QCommandLineOption db(QStringLiteral("db"),
                                QStringLiteral("Open this store (default: $GATEHOUSE_DATABASE, "
                                               "else gatehouse.db in the user's data folder, "
                                               "created on first start)."),
                                QStringLiteral("path"));
    parser.addOption(db);
    parser.process(app);

    const QString path = StoreLocation::resolve(parser.value(db));
    Result<std::unique_ptr<SqliteStore>> store = [&]() -> Result<std::unique_ptr<SqliteStore>> {
        if (Result<void> folder = StoreLocation::ensureFolder(path); !folder)
            return folder.error();
        return SqliteStore::openOrCreate(path);
    }();

    ui::MainWindow window;
    if (store) {
        window.showStore((*store)->info());
    } else {
        std::fprintf(stderr, "gatehouse: %s\n", qUtf8Printable(store.error().message));
        window.showError(path, store.error());
    }
    window.show();
    return app.exec();
}
