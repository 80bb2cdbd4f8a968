#include "AuditLog.h"

#include "model/IsoTime.h"

#include "AuditChain.h"
#include "crypto/Random.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QUuid>

namespace gatehouse {

namespace {

QString identityType(const Actor &actor)
{
    switch (actor.kind) {
    case Actor::Kind::User:
        return QStringLiteral("GatehouseUser");
    case Actor::Kind::LocalConsole:
        return QStringLiteral("LocalConsole");
    case Actor::Kind::System:
        return QStringLiteral("GatehouseService");
    case Actor::Kind::Anonymous:
        break;
    }
    return QStringLiteral("Unknown");
}

QJsonObject userIdentity(const Actor &actor)
{
    QJsonObject identity{{QStringLiteral("type"), identityType(actor)}};
    if (!actor.userId.isEmpty())
        identity.insert(QStringLiteral("principalId"), actor.userId);
    if (!actor.username.isEmpty())
        identity.insert(QStringLiteral("userName"), actor.username);
    if (!actor.accessKeyId.isEmpty())
        identity.insert(QStringLiteral("accessKeyId"), actor.accessKeyId);
    QJsonObject attributes{
        {QStringLiteral("mfaAuthenticated"),
         actor.mfaAuthenticated ? QStringLiteral("true") : QStringLiteral("false")}};
    if (!actor.sessionId.isEmpty())
        attributes.insert(QStringLiteral("sessionId"), actor.sessionId);
    identity.insert(QStringLiteral("sessionContext"),
                    QJsonObject{{QStringLiteral("attributes"), attributes}});
    return identity;
}

// The record could not be written, so the change it records is rolled back. A constraint
// failing here is never the caller's conflict (the record is ours to shape): say what happened.
Error notRecorded(const Error &error)
{
    if (error.code != ErrorCode::Conflict)
        return error;
    return makeError(ErrorCode::Internal,
                     QStringLiteral("The audit record could not be written, so nothing was "
                                    "changed. Run `gatehousectl audit verify` and check the "
                                    "store."));
}

// A time-ordered UUID (RFC 9562 version 7: 48 bits of Unix milliseconds, then random bits),
// so the index on event ids grows at its end as records are appended, instead of at a random
// place for each one: at millions of records that is the difference between touching one page
// and reading a random one. Unguessable all the same (74 random bits).
QString eventIdAt(const QDateTime &time)
{
    Result<QByteArray> random = crypto::randomBytes(10);
    if (!random)
        return QUuid::createUuid().toString(QUuid::WithoutBraces);
    QByteArray bytes(16, '\0');
    const quint64 ms = quint64(time.toMSecsSinceEpoch());
    for (int i = 0; i < 6; ++i)
        bytes[i] = char(ms >> (8 * (5 - i)));
    bytes[6] = char(0x70 | (random->at(0) & 0x0f));
    bytes[7] = random->at(1);
    bytes[8] = char(0x80 | (random->at(2) & 0x3f));
    for (int i = 9; i < 16; ++i)
        bytes[i] = random->at(i - 6);
    return QUuid::fromRfc4122(bytes).toString(QUuid::WithoutBraces);
}

} // namespace

AuditLog::AuditLog(QString storeId, std::shared_ptr<const Clock> clock)
    : m_storeId(std::move(storeId)),
      m_clock(std::move(clock))
{}

QJsonObject AuditLog::record(const AuditEvent &event, const QDateTime &time,
                             const QString &eventId) const
{
    QJsonArray resources;
    for (const AuditEvent::Resource &resource : event.resources) {
        resources.append(QJsonObject{{QStringLiteral("type"), resource.type},
                                     {QStringLiteral("ARN"), resource.name}});
    }
    QJsonObject record{
        {QStringLiteral("eventVersion"), QString::fromLatin1(kEventVersion)},
        {QStringLiteral("userIdentity"), userIdentity(event.actor)},
        {QStringLiteral("eventTime"), isoUtc(time)},
        {QStringLiteral("eventSource"), event.eventSource},
        {QStringLiteral("eventName"), event.eventName},
        {QStringLiteral("awsRegion"), QStringLiteral("local")},
        {QStringLiteral("sourceIPAddress"), event.actor.sourceIp},
        {QStringLiteral("userAgent"), event.actor.userAgent},
        {QStringLiteral("requestParameters"), event.requestParameters},
        {QStringLiteral("responseElements"), event.responseElements},
        {QStringLiteral("requestID"), event.actor.requestId},
        {QStringLiteral("eventID"), eventId},
        {QStringLiteral("readOnly"), event.readOnly},
        {QStringLiteral("resources"), resources},
        {QStringLiteral("eventType"), QStringLiteral("GatehouseApiCall")},
        {QStringLiteral("recipientAccountId"), m_storeId},
    };
    if (!event.errorCode.isEmpty()) {
        record.insert(QStringLiteral("errorCode"), event.errorCode);
        record.insert(QStringLiteral("errorMessage"), event.errorMessage);
    }
    return record;
}

Result<void> AuditLog::append(SqlTransaction &tx, const AuditEvent &event) const
{
    AuditRow row;
    const QDateTime time = m_clock->now();
    row.eventId = eventIdAt(time);
    row.eventTime = isoUtc(time);
    // JSON escapes control and bidi characters inside strings, so user data cannot start a
    // new record or column (SEC-46).
    row.record = QJsonDocument(record(event, time, row.eventId)).toJson(QJsonDocument::Compact);
    row.eventSource = event.eventSource;
    row.eventName = event.eventName;
    row.readOnly = event.readOnly;
    row.username = event.actor.username;
    row.accessKeyId = event.actor.accessKeyId;
    row.sourceIp = event.actor.sourceIp;
    row.errorCode = event.errorCode;
    const AuditEvent::Resource resource = event.resources.value(0);
    row.resourceType = resource.type;
    row.resourceName = resource.name;
    if (Result<void> appended = AuditChain::append(tx, row); !appended)
        return notRecorded(appended.error());
    for (const AuditEvent::Resource &each : event.resources) {
        Result<QSqlQuery> inserted =
            tx.exec(QStringLiteral("INSERT INTO audit_resources (seq, event_time, resource_type,"
                                   " resource_name) VALUES (?, ?, ?, ?)"),
                    {row.seq, row.eventTime, each.type, each.name});
        if (!inserted)
            return notRecorded(inserted.error());
    }
    return {};
}

} // namespace gatehouse
