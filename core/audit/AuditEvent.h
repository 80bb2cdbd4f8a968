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

    // An event named `name` done by `actor`, on one resource when `resourceName` is given.
    static AuditEvent of(const Actor &actor, const char *name, bool readOnly,
                         const char *resourceType = nullptr, const QString &resourceName = {})
    {
        AuditEvent event;
        event.eventName = QString::fromLatin1(name);
        event.readOnly = readOnly;
        event.actor = actor;
        if (resourceType && !resourceName.isEmpty())
            event.resources.append({QString::fromLatin1(resourceType), resourceName});
        return event;
    }
};

} // namespace gatehouse
