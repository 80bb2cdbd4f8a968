#pragma once

#include "model/Error.h"

#include <QJsonObject>
#include <QList>
#include <QPair>
#include <QString>

namespace gatehouse::ctl {

// Everything gatehousectl prints goes through here, so the scripting contract holds for every
// command: with --json exactly one JSON object on stdout (`{"error":{...}}` on failure);
// without it, aligned "Label: value" lines on stdout and errors on stderr.
class CtlOutput
{
public:
    // The exit codes scripts rely on.
    enum ExitCode { Success = 0, Failure = 1, UsageError = 2 };

    explicit CtlOutput(bool json)
        : m_json(json)
    {}

    bool json() const { return m_json; }

    // A result: `fields` in order for people, `object` for machines.
    int success(const QList<QPair<QString, QString>> &fields, const QJsonObject &object) const;
    int failure(const Error &error) const;
    // A failure with more to say: `details` go into the JSON error object beside code and
    // message (a list of problems, say), `text` follows the message on stderr.
    int failure(const Error &error, const QJsonObject &details, const QString &text) const;
    int usageError(const QString &message) const;
    void printText(const QString &text) const;

private:
    bool m_json;
};

} // namespace gatehouse::ctl
