#include "CtlRunner.h"

#include <QJsonDocument>
#include <QProcess>
#include <QProcessEnvironment>

namespace gatehouse::test {

QJsonObject CtlRun::json() const
{
    return QJsonDocument::fromJson(out.toUtf8()).object();
}

QString CtlRun::errorCode() const
{
    return json()
        .value(QStringLiteral("error"))
        .toObject()
        .value(QStringLiteral("code"))
        .toString();
}

QString CtlRun::errorMessage() const
{
    return json()
        .value(QStringLiteral("error"))
        .toObject()
        .value(QStringLiteral("message"))
        .toString();
}

CtlRun CtlRunner::run(const QStringList &arguments, const QByteArray &input,
                      const QMap<QString, QString> &environment)
{
    QProcess process;
    QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
    for (const QString &key : env.keys()) {
        if (key.startsWith(QStringLiteral("GATEHOUSE_")))
            env.remove(key);
    }
    for (auto it = environment.begin(); it != environment.end(); ++it)
        env.insert(it.key(), it.value());
    process.setProcessEnvironment(env);
    QStringList all = arguments;
    if (!m_storePath.isEmpty())
        all = QStringList{QStringLiteral("--db"), m_storePath} + arguments;
    process.start(QStringLiteral(GATEHOUSE_CTL_PATH), all);
    process.write(input);
    process.closeWriteChannel();
    if (!process.waitForFinished(120000)) {
        process.kill();
        process.waitForFinished();
    }
    const CtlRun result{process.exitStatus() == QProcess::NormalExit ? process.exitCode() : -1,
                        QString::fromUtf8(process.readAllStandardOutput()),
                        QString::fromUtf8(process.readAllStandardError())};
    if (arguments.contains(QStringLiteral("--json"))) {
        QJsonParseError error{};
        const QJsonDocument document = QJsonDocument::fromJson(result.out.toUtf8(), &error);
        if (result.out.count(QLatin1Char('\n')) != 1 || !result.out.endsWith(QLatin1Char('\n'))
            || error.error != QJsonParseError::NoError || !document.isObject()) {
            m_breaches.append(arguments.join(QLatin1Char(' ')) + QStringLiteral(" => ")
                              + result.out);
        }
    }
    return result;
}

} // namespace gatehouse::test
