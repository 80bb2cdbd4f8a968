#include "CtlApp.h"

#include "CtlCommand.h"
#include "store/StoreLocation.h"

#include <QCoreApplication>
#include <QLoggingCategory>

namespace gatehouse::ctl {

namespace {

struct GlobalOptions {
    QCommandLineOption db{QStringLiteral("db"),
                          QStringLiteral("The store's database file (default: $GATEHOUSE_DATABASE, "
                                         "else the console's store in the user's data folder)."),
                          QStringLiteral("path")};
    QCommandLineOption json{QStringLiteral("json"),
                            QStringLiteral("Print exactly one JSON object on stdout.")};
    QCommandLineOption verbose{QStringLiteral("verbose"),
                               QStringLiteral("Log what Gatehouse does to stderr.")};

    void addTo(QCommandLineParser &parser) const { parser.addOptions({db, json, verbose}); }
};

// QCommandLineParser names the program by its full path; scripts and people know it by name.
QString helpWithUsage(const QCommandLineParser &parser, const QString &usage)
{
    QString text = parser.helpText();
    const qsizetype endOfFirstLine = text.indexOf(QLatin1Char('\n'));
    return QStringLiteral("Usage: ") + usage + text.mid(endOfFirstLine);
}

QString commandList(const QList<CtlCommand> &commands)
{
    QString text = QStringLiteral("\nCommands:\n");
    for (const CtlCommand &command : commands)
        text += QStringLiteral("  %1  %2\n").arg(command.name.leftJustified(10), command.summary);
    text += QStringLiteral("\nRun 'gatehousectl <command> --help' for a command's options.\n"
                           "Exit codes: 0 success, 1 failure, 2 usage error.\n");
    return text;
}

} // namespace

int runCtl(const QStringList &arguments)
{
    const QList<CtlCommand> commands = storeCommands() + authCommands() + mfaCommands()
        + userCommands() + sessionCommands() + tokenCommands() + keyCommands() + jwtCommands()
        + policyCommands() + auditCommands() + trailCommands();
    const GlobalOptions global;

    // First pass: global options up to the command name.
    QCommandLineParser parser;
    parser.setApplicationDescription(
        QStringLiteral("Manage a Gatehouse store from scripts and the terminal."));
    parser.setOptionsAfterPositionalArgumentsMode(QCommandLineParser::ParseAsPositionalArguments);
    const QCommandLineOption help = parser.addHelpOption();
    const QCommandLineOption version = parser.addVersionOption();
    global.addTo(parser);
    parser.addPositionalArgument(QStringLiteral("command"),
                                 QStringLiteral("What to do (see below)."),
                                 QStringLiteral("<command> [options]"));

    const bool jsonAnywhere = arguments.contains(QStringLiteral("--json"));
    const CtlOutput early(jsonAnywhere);
    if (!parser.parse(arguments))
        return early.usageError(parser.errorText());
    if (parser.isSet(help)) {
        early.printText(
            helpWithUsage(parser, QStringLiteral("gatehousectl [options] <command> [options]"))
            + commandList(commands));
        return CtlOutput::Success;
    }
    if (parser.isSet(version)) {
        early.printText(
            QStringLiteral("gatehousectl %1\n").arg(QCoreApplication::applicationVersion()));
        return CtlOutput::Success;
    }
    const QStringList rest = parser.positionalArguments();
    if (rest.isEmpty())
        return early.usageError(QStringLiteral("no command given."));

    const auto command = std::find_if(commands.begin(), commands.end(),
                                      [&](const CtlCommand &c) { return c.name == rest.first(); });
    if (command == commands.end())
        return early.usageError(QStringLiteral("unknown command '%1'.").arg(rest.first()));

    // Second pass: the command's own arguments; global options are accepted here too.
    QCommandLineParser commandParser;
    commandParser.setApplicationDescription(command->summary);
    const QCommandLineOption commandHelp = commandParser.addHelpOption();
    global.addTo(commandParser);
    if (command->addArguments)
        command->addArguments(commandParser);
    QStringList commandArguments = rest;
    commandArguments.first() = QStringLiteral("gatehousectl ") + command->name;
    if (!commandParser.parse(commandArguments))
        return early.usageError(commandParser.errorText());
    if (commandParser.isSet(commandHelp)) {
        early.printText(helpWithUsage(
            commandParser, QStringLiteral("gatehousectl %1 [options]").arg(command->name)));
        return CtlOutput::Success;
    }
    if (commandParser.positionalArguments().size() > command->maxPositionals) {
        return early.usageError(
            // Not echoed: a stray argument may be a secret pasted in the wrong place.
            QStringLiteral("too many arguments for '%1' (it takes at most %2); secrets go on "
                           "standard input, never on the command line.")
                .arg(command->name)
                .arg(command->maxPositionals));
    }

    const bool verbose = parser.isSet(global.verbose) || commandParser.isSet(global.verbose);
    if (!verbose)
        QLoggingCategory::setFilterRules(QStringLiteral("gatehouse.*=false"));

    const QString explicitDb =
        commandParser.isSet(global.db) ? commandParser.value(global.db) : parser.value(global.db);
    const CtlOutput output(parser.isSet(global.json) || commandParser.isSet(global.json));
    const CtlContext context{output, StoreLocation::resolve(explicitDb)};
    return command->run(context, commandParser);
}

} // namespace gatehouse::ctl
