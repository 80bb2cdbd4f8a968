#include "CtlOutput.h"

#include <QJsonDocument>

#include <cstdio>

namespace gatehouse::ctl {

namespace {

void write(FILE *stream, const QString &text)
{
    const QByteArray bytes = text.toUtf8();
    std::fwrite(bytes.constData(), 1, size_t(bytes.size()), stream);
    std::fflush(stream);
}

void writeJson(const QJsonObject &object)
{
    write(stdout,
          QString::fromUtf8(QJsonDocument(object).toJson(QJsonDocument::Compact))
              + QLatin1Char('\n'));
}

QJsonObject errorObject(const QString &code, const QString &message)
{
    return QJsonObject{
        {QStringLiteral("error"),
         QJsonObject{{QStringLiteral("code"), code}, {QStringLiteral("message"), message}}}};
}

} // namespace

int CtlOutput::success(const QList<QPair<QString, QString>> &fields,
                       const QJsonObject &object) const
{
    if (m_json) {
        writeJson(object);
        return Success;
    }
    qsizetype width = 0;
    for (const auto &field : fields)
        width = std::max(width, field.first.size() + 1);
    QString text;
    for (const auto &field : fields)
        text += QString(field.first + QLatin1Char(':')).leftJustified(width + 1) + field.second
            + QLatin1Char('\n');
    write(stdout, text);
    return Success;
}

int CtlOutput::failure(const Error &error) const
{
    if (m_json)
        writeJson(errorObject(errorCodeName(error.code), error.message));
    else
        write(stderr, QStringLiteral("gatehousectl: %1\n").arg(error.message));
    return Failure;
}

int CtlOutput::failure(const Error &error, const QJsonObject &details, const QString &text) const
{
    if (!m_json) {
        write(stderr, QStringLiteral("gatehousectl: %1\n%2").arg(error.message, text));
        return Failure;
    }
    QJsonObject object = errorObject(errorCodeName(error.code), error.message);
    QJsonObject inner = object.value(QStringLiteral("error")).toObject();
    for (auto it = details.begin(); it != details.end(); ++it) {
        if (!inner.contains(it.key())) // code and message stay what the contract says
            inner.insert(it.key(), it.value());
    }
    object.insert(QStringLiteral("error"), inner);
    writeJson(object);
    return Failure;
}

int CtlOutput::usageError(const QString &message) const
{
    if (m_json)
        writeJson(errorObject(errorCodeName(ErrorCode::InvalidInput), message));
    write(stderr, QStringLiteral("gatehousectl: %1\nTry 'gatehousectl --help'.\n").arg(message));
    return UsageError;
}

void CtlOutput::printText(const QString &text) const
{
    write(stdout, text);
}

} // namespace gatehouse::ctl
