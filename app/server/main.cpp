#include "ServerApp.h"
#include "api/ApiRoutes.h"

#include <QCommandLineParser>
#include <QCoreApplication>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>

#include <csignal>
#include <cstdio>

// gatehouse-server: the HTTPS API over the same core as the console and gatehousectl.
int main(int argc, char *argv[])
{
    using namespace gatehouse::server;
    QCoreApplication app(argc, argv);
    QCoreApplication::setApplicationName(QStringLiteral("gatehouse-server"));
    QCoreApplication::setApplicationVersion(QStringLiteral(GATEHOUSE_VERSION));

    QCommandLineParser parser;
    parser.setApplicationDescription(
        QStringLiteral("Gatehouse API server.\n\n"
                       "  gatehouse-server [--config FILE]        serve the API\n"
                       "  gatehouse-server routes                 print the routes served (JSON)\n"
                       "  gatehouse-server init --owner NAME --email E\n"
                       "                                          create the store and its first "
                       "owner\n"
                       "                                          (password on stdin)\n\n"
                       "Settings come from the configuration file and GATEHOUSE_* environment "
                       "variables (GATEHOUSE_DATABASE, GATEHOUSE_LISTEN, GATEHOUSE_TLS_CERT, "
                       "GATEHOUSE_TLS_KEY, ...)."));
    parser.addHelpOption();
    parser.addVersionOption();
    const QCommandLineOption config(QStringLiteral("config"),
                                    QStringLiteral("JSON configuration file."),
                                    QStringLiteral("file"));
    const QCommandLineOption insecure(
        QStringLiteral("insecure-http"),
        QStringLiteral("Serve plain HTTP instead of TLS; only on a loopback address."));
    const QCommandLineOption owner(QStringLiteral("owner"),
                                   QStringLiteral("init: the first owner's username."),
                                   QStringLiteral("name"));
    const QCommandLineOption email(QStringLiteral("email"),
                                   QStringLiteral("init: the first owner's e-mail address."),
                                   QStringLiteral("address"));
    parser.addOptions({config, insecure, owner, email});
    parser.addPositionalArgument(QStringLiteral("command"), QStringLiteral("init, or nothing"));
    parser.process(app);

    gatehouse::Result<ServerConfig> loaded = ServerConfig::load(parser.value(config));
    if (!loaded) {
        std::fprintf(stderr, "gatehouse-server: %s\n", qPrintable(loaded.error().message));
        return 2;
    }
    loaded->insecureHttp = parser.isSet(insecure);
    const QStringList positional = parser.positionalArguments();
    if (positional == QStringList{QStringLiteral("routes")}) {
        // The contract, for tools and the OpenAPI check: the server serves exactly these.
        QJsonArray routes;
        for (const gatehouse::api::ApiRoute &route : gatehouse::api::apiRoutes()) {
            routes.append(QJsonObject{{QStringLiteral("method"), QLatin1String(route.method)},
                                      {QStringLiteral("path"), QLatin1String(route.path)}});
        }
        std::printf("%s\n", QJsonDocument(routes).toJson(QJsonDocument::Compact).constData());
        return 0;
    }
    if (positional == QStringList{QStringLiteral("init")}) {
        if (!parser.isSet(owner)) {
            std::fprintf(stderr, "gatehouse-server: init needs --owner NAME.\n");
            return 2;
        }
        return ServerApp::init(*loaded, parser.value(owner), parser.value(email));
    }
    if (!positional.isEmpty()) {
        std::fprintf(stderr, "gatehouse-server: unknown command; see --help.\n");
        return 2;
    }
    // A log reader that went away (a closed pipe) fails the log's writes instead of ending the
    // server; the request log drops what it cannot write.
    std::signal(SIGPIPE, SIG_IGN);
    return ServerApp::serve(*loaded);
}
