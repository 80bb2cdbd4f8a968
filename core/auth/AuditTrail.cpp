#include "AuditTrail.h"

#include "model/IsoTime.h"

#include "AccessControl.h"
#include "audit/AuditCheckpoints.h"
#include "audit/AuditQuery.h"

#include <QJsonArray>

namespace gatehouse {

namespace {

constexpr auto kLogResource = "Gatehouse::AuditLog";

Result<void> require(SqlTransaction &tx, const Actor &actor, Permission permission)
{
    Result<AccessControl::Grant> grant = AccessControl::require(tx, actor, permission);
    if (!grant)
        return grant.error();
    return {};
}

// What was asked, without the values: they can be anything an administrator typed.
AuditEvent lookupEvent(const Actor &actor, const char *name, const EventLookup &lookup)
{
    AuditEvent event = AuditEvent::of(actor, name, true);
    QJsonArray attributes;
    for (const EventLookup::Condition &condition : lookup.conditions)
        attributes.append(lookupAttributeName(condition.attribute));
    event.requestParameters = QJsonObject{
        {QStringLiteral("lookupAttributes"), attributes},
        {QStringLiteral("startTime"),
         lookup.startTime.isValid() ? isoUtc(lookup.startTime) : QString()},
        {QStringLiteral("endTime"), lookup.endTime.isValid() ? isoUtc(lookup.endTime) : QString()},
        {QStringLiteral("text"), !lookup.text.isEmpty()},
        {QStringLiteral("maxResults"), lookup.maxResults},
    };
    return event;
}

} // namespace

Result<AuditSigningKeys> AuditTrail::signingKeys(SqlTransaction &tx) const
{
    const QString path = m_context.auditKeysPath();
    if (path.isEmpty()) {
        return makeError(ErrorCode::Unavailable,
                         QStringLiteral("No audit signing key file is configured for this store."));
    }
    Result<AuditSigningKeys> keys = AuditSigningKeys::load(path);
    if (keys || keys.error().code != ErrorCode::NotFound)
        return keys;
    Result<QVariant> signedBefore =
        tx.scalar(QStringLiteral("SELECT count(*) FROM audit_checkpoints"));
    if (!signedBefore)
        return signedBefore.error();
    if (signedBefore->toLongLong() > 0) {
        return makeError(ErrorCode::Unavailable,
                         QStringLiteral("The audit signing key file %1 is missing, but checkpoints "
                                        "were signed with it. Restore it from a backup; if it is "
                                        "lost, rotate the audit signing key to start a new one "
                                        "(older checkpoints then verify only with their exported "
                                        "public keys).")
                             .arg(path));
    }
    return AuditSigningKeys::create(path);
}

Result<AuditCheckpoint> AuditTrail::checkpointIn(SqlTransaction &tx, AuditEvent &event) const
{
    Result<AuditSigningKeys> keys = signingKeys(tx);
    if (!keys)
        return keys.error();
    const QString logId = m_context.store().info().storeId;
    Result<AuditCheckpoint> checkpoint =
        AuditCheckpoints::create(tx, *keys, logId, m_context.clock().now());
    if (!checkpoint)
        return checkpoint.error();
    event.responseElements = QJsonObject{
        {QStringLiteral("size"), checkpoint->size},
        {QStringLiteral("headHash"), QString::fromLatin1(checkpoint->headHash.toHex())},
        {QStringLiteral("time"), isoUtc(checkpoint->time)},
        {QStringLiteral("keyFingerprint"), checkpoint->keyFingerprint},
    };
    return checkpoint;
}

Result<AuditCheckpoint> AuditTrail::createCheckpoint(const Actor &actor) const
{
    Result<AuditCheckpoint> checkpoint = m_context.perform<AuditCheckpoint>(
        AuditEvent::of(actor, "CreateAuditCheckpoint", false, kLogResource,
                       m_context.store().info().storeId),
        Store::Access::Write,
        [&](SqlTransaction &tx, AuditEvent &event) -> Result<AuditCheckpoint> {
            if (Result<void> allowed = require(tx, actor, Permission::AuditManage); !allowed)
                return allowed.error();
            return checkpointIn(tx, event);
        });
    if (checkpoint)
        m_context.checkpointMade(*checkpoint);
    return checkpoint;
}

Result<std::optional<AuditCheckpoint>>
AuditTrail::createScheduledCheckpoint(const Actor &actor) const
{
    // Asked first in a snapshot, so a tick with nothing new to sign leaves no trace at all.
    Result<bool> due = m_context.store().transact<bool>(
        Store::Access::Read, [](SqlTransaction &tx) { return AuditCheckpoints::due(tx); });
    if (!due)
        return due.error();
    if (!*due)
        return std::optional<AuditCheckpoint>();
    Result<AuditCheckpoint> checkpoint = m_context.perform<AuditCheckpoint>(
        AuditEvent::of(actor, "CreateAuditCheckpoint", false, kLogResource,
                       m_context.store().info().storeId),
        Store::Access::Write,
        [&](SqlTransaction &tx, AuditEvent &event) { return checkpointIn(tx, event); });
    if (!checkpoint)
        return checkpoint.error();
    m_context.checkpointMade(*checkpoint);
    return std::optional<AuditCheckpoint>(*checkpoint);
}

Result<QString> AuditTrail::rotateSigningKey(const Actor &actor) const
{
    return m_context.perform<QString>(
        AuditEvent::of(actor, "RotateAuditSigningKey", false, kLogResource,
                       m_context.store().info().storeId),
        Store::Access::Write, [&](SqlTransaction &tx, AuditEvent &event) -> Result<QString> {
            if (Result<void> allowed = require(tx, actor, Permission::AuditManage); !allowed)
                return allowed.error();
            const QString path = m_context.auditKeysPath();
            Result<AuditSigningKeys> keys = AuditSigningKeys::load(path);
            if (!keys && keys.error().code == ErrorCode::NotFound) {
                // The file is lost: a new one, whose first key starts a new chain of trust.
                keys = AuditSigningKeys::create(path);
                if (!keys)
                    return keys.error();
                event.responseElements.insert(QStringLiteral("previousKeyLost"), true);
            } else if (!keys) {
                return keys.error();
            } else {
                event.requestParameters.insert(QStringLiteral("previousKeyFingerprint"),
                                               keys->signingFingerprint());
                if (Result<void> rotated = keys->rotate(path); !rotated)
                    return rotated.error();
            }
            event.responseElements.insert(QStringLiteral("keyFingerprint"),
                                          keys->signingFingerprint());
            return keys->signingFingerprint();
        });
}

Result<QList<AuditCheckpoint>> AuditTrail::checkpoints(const Actor &actor) const
{
    return m_context.perform<QList<AuditCheckpoint>>(
        AuditEvent::of(actor, "ListAuditCheckpoints", true), Store::Access::Read,
        [&](SqlTransaction &tx, AuditEvent &) -> Result<QList<AuditCheckpoint>> {
            if (Result<void> allowed = require(tx, actor, Permission::AuditRead); !allowed)
                return allowed.error();
            return AuditCheckpoints::all(tx, m_context.store().info().storeId);
        });
}

Result<QList<QByteArray>> AuditTrail::trustedKeys(const Actor &actor) const
{
    return m_context.perform<QList<QByteArray>>(
        AuditEvent::of(actor, "ListAuditSigningKeys", true), Store::Access::Read,
        [&](SqlTransaction &tx, AuditEvent &) -> Result<QList<QByteArray>> {
            if (Result<void> allowed = require(tx, actor, Permission::AuditRead); !allowed)
                return allowed.error();
            Result<AuditSigningKeys> keys = AuditSigningKeys::load(m_context.auditKeysPath());
            if (!keys)
                return keys.error();
            return keys->trustedPublicKeys();
        });
}

Result<EventPage> AuditTrail::lookup(const Actor &actor, const EventLookup &lookup) const
{
    return m_context.perform<EventPage>(
        lookupEvent(actor, "LookupEvents", lookup), Store::Access::Read,
        [&](SqlTransaction &tx, AuditEvent &) -> Result<EventPage> {
            if (Result<void> allowed = require(tx, actor, Permission::AuditRead); !allowed)
                return allowed.error();
            return AuditQuery::lookup(tx, lookup);
        });
}

Result<qint64> AuditTrail::exportEvents(const Actor &actor, const EventLookup &lookup,
                                        EventExport::Format format, QIODevice &out,
                                        const EventExport::Progress &progress) const
{
    AuditEvent event = lookupEvent(actor, "ExportAuditEvents", lookup);
    event.requestParameters.insert(QStringLiteral("format"),
                                   format == EventExport::Format::Csv ? QStringLiteral("csv")
                                                                      : QStringLiteral("json"));
    // One snapshot for the whole export, so it is the log as it was at one moment.
    return m_context.perform<qint64>(
        event, Store::Access::Read,
        [&](SqlTransaction &tx, AuditEvent &recorded) -> Result<qint64> {
            if (Result<void> allowed = require(tx, actor, Permission::AuditRead); !allowed)
                return allowed.error();
            Result<qint64> written = EventExport::write(
                [&](const EventLookup &page) { return AuditQuery::lookup(tx, page); }, lookup,
                format, out, progress);
            if (written)
                recorded.responseElements.insert(QStringLiteral("events"), *written);
            return written;
        });
}

Result<AuditArchive::Outcome> AuditTrail::archive(const Actor &actor, qint64 olderThanSeconds,
                                                  const QString &folder) const
{
    AuditEvent event = AuditEvent::of(actor, "ArchiveAuditEvents", false, kLogResource,
                                      m_context.store().info().storeId);
    event.requestParameters.insert(QStringLiteral("olderThanSeconds"), olderThanSeconds);
    std::optional<AuditCheckpoint> made;
    Result<AuditArchive::Outcome> archived = m_context.perform<AuditArchive::Outcome>(
        event, Store::Access::Write,
        [&](SqlTransaction &tx, AuditEvent &recorded) -> Result<AuditArchive::Outcome> {
            // PostgreSQL runs this again after a serialization failure: a checkpoint of an
            // attempt rolled back must not be handed on as made.
            made.reset();
            if (Result<void> allowed = require(tx, actor, Permission::AuditManage); !allowed)
                return allowed.error();
            if (olderThanSeconds < 0) {
                return makeError(
                    ErrorCode::InvalidInput,
                    QStringLiteral("The age of records to archive cannot be negative."));
            }
            const QString logId = m_context.store().info().storeId;
            const QDateTime now = m_context.clock().now();
            Result<AuditArchive::Outcome> outcome =
                AuditArchive::archive(tx, logId, now.addSecs(-olderThanSeconds), folder,
                                      [&]() -> Result<AuditCheckpoint> {
                                          Result<AuditSigningKeys> keys = signingKeys(tx);
                                          if (!keys)
                                              return keys.error();
                                          Result<AuditCheckpoint> checkpoint =
                                              AuditCheckpoints::create(tx, *keys, logId, now);
                                          if (checkpoint)
                                              made = *checkpoint;
                                          return checkpoint;
                                      });
            if (!outcome)
                return outcome.error();
            recorded.responseElements = QJsonObject{
                {QStringLiteral("firstSequence"), outcome->firstSequence},
                {QStringLiteral("lastSequence"), outcome->lastSequence},
                {QStringLiteral("files"), qint64(outcome->files.size())},
                {QStringLiteral("manifest"), outcome->manifest},
            };
            return outcome;
        });
    if (archived && made)
        m_context.checkpointMade(*made);
    return archived;
}

Result<AuditVerification> AuditTrail::verify(const Actor &actor, const QList<AuditCheckpoint> &held,
                                             const QList<QByteArray> &extraTrustedKeys,
                                             const AuditVerifier::Progress &progress) const
{
    return m_context.perform<AuditVerification>(
        AuditEvent::of(actor, "VerifyAuditLog", true, kLogResource,
                       m_context.store().info().storeId),
        Store::Access::Read,
        [&](SqlTransaction &tx, AuditEvent &event) -> Result<AuditVerification> {
            if (Result<void> allowed = require(tx, actor, Permission::AuditManage); !allowed)
                return allowed.error();
            QList<QByteArray> trusted = extraTrustedKeys;
            // Without the key file, only the keys brought along are trusted; checkpoints
            // signed by others are then reported, which is the honest answer.
            if (Result<AuditSigningKeys> keys = AuditSigningKeys::load(m_context.auditKeysPath()))
                trusted += keys->trustedPublicKeys();
            AuditVerifier verifier(m_context.store().info().storeId, trusted);
            for (const AuditCheckpoint &checkpoint : held)
                verifier.addHeldCheckpoint(checkpoint);
            Result<AuditVerification> verification = verifier.verify(tx, progress);
            if (!verification)
                return verification.error();
            event.responseElements = QJsonObject{
                {QStringLiteral("ok"), verification->ok()},
                {QStringLiteral("lastSequence"), verification->lastSequence},
                {QStringLiteral("problems"), qint64(verification->problems.size())},
            };
            return verification;
        });
}

} // namespace gatehouse
