#pragma once

#include "model/Actor.h"

#include <QDateTime>
#include <QJsonObject>
#include <QList>
#include <QString>

namespace gatehouse {

// One action as the audit trail records it, in CloudTrail's vocabulary. Built by the service
// that performs the action; AuditLog turns it into the stored record. Request parameters and
// response elements never hold a password, code, seed or raw token (SEC-43).
struct AuditEvent {
    struct Resource {
        QString type; // "Gatehouse::User", ...
        QString name; // the object's id or name
    };

    QString eventSource = QStringLiteral("admin.gatehouse"); // or auth.gatehouse
    QString eventName; // "CreateUser", "ConsoleLogin", ...
    bool readOnly = false;
    Actor actor;
    QJsonObject requestParameters;
    QJsonObject responseElements;
    QList<Resource> resources;
    QString errorCode; // empty on success
    QString errorMessage;
};

} // namespace gatehouse
