#include <QCommandLineParser>
#include <QCoreApplication>

#include <cstdio>

// gatehouse-server: the HTTPS API over the same core as the console. This build has the
// program and its command line only; serving arrives with the server work.
int main(int argc, char *argv[])
{
    QCoreApplication app(argc, argv);
    QCoreApplication::setApplicationName(QStringLiteral("gatehouse-server"));
    QCoreApplication::setApplicationVersion(QStringLiteral(GATEHOUSE_VERSION));

    QCommandLineParser parser;
    parser.setApplicationDescription(QStringLiteral("Gatehouse API server."));
    parser.addHelpOption();
    parser.addVersionOption();
    parser.process(app);

    std::fprintf(stderr, "gatehouse-server: this build cannot serve the API yet.\n");
    return 1;
}
