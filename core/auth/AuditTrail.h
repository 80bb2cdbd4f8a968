#pragma once

#include "ServiceContext.h"
#include "audit/AuditArchive.h"
#include "audit/AuditCheckpoint.h"
#include "audit/AuditVerification.h"
#include "audit/AuditVerifier.h"
#include "audit/EventExport.h"
#include "model/Actor.h"
#include "model/EventLookup.h"

#include <QList>

#include <optional>

namespace gatehouse {

// The administration of the audit trail's tamper evidence: signed checkpoints, the keys that
// sign them, and verification of the whole log.
//
// Rules kept here:
// - A checkpoint signs the log as it stands and is announced by an audit record of its own
//   ("CreateAuditCheckpoint") in the same transaction.
// - The signing keys live in a file outside the database (ServiceContext::auditKeysPath). A
//   store that never signed a checkpoint gets the file with its first checkpoint; once
//   checkpoints exist, a missing file is an error to fix (restore it, or rotate to a new key),
//   never silently replaced, since a new key would make old checkpoints unverifiable.
// - Rotation keeps the old public key as trusted, so checkpoints signed before still verify.
// - Verification trusts the keys in the file plus the public keys the caller brings (exported
//   earlier), never a key named by the store or a checkpoint file.
class AuditTrail
{
public:
    explicit AuditTrail(const ServiceContext &context)
        : m_context(context)
    {}

    // audit:manage.
    Result<AuditCheckpoint> createCheckpoint(const Actor &actor) const;
    // For a scheduler: a checkpoint as `actor` (the system) when anything was recorded since the
    // last one, else nothing. No permission check: not a caller's request.
    Result<std::optional<AuditCheckpoint>> createScheduledCheckpoint(const Actor &actor) const;
    // audit:manage. Returns the new key's fingerprint.
    Result<QString> rotateSigningKey(const Actor &actor) const;

    // audit:read. Stored checkpoints, oldest first, and the public keys that verify them.
    Result<QList<AuditCheckpoint>> checkpoints(const Actor &actor) const;
    Result<QList<QByteArray>> trustedKeys(const Actor &actor) const;

    // audit:read. One page of the log's records matching `lookup`, newest first.
    Result<EventPage> lookup(const Actor &actor, const EventLookup &lookup) const;

    // audit:read. Every record `lookup` finds, written to `out` (EventExport); returns how many.
    Result<qint64> exportEvents(const Actor &actor, const EventLookup &lookup,
                                EventExport::Format format, QIODevice &out,
                                const EventExport::Progress &progress = {}) const;

    // audit:manage. Moves the records older than `olderThanSeconds` into CloudTrail-format
    // files under `folder` (AuditArchive), with a checkpoint made for them.
    Result<AuditArchive::Outcome> archive(const Actor &actor, qint64 olderThanSeconds,
                                          const QString &folder) const;

    // audit:manage. `held`: checkpoints kept outside the store, which the log must extend.
    Result<AuditVerification> verify(const Actor &actor, const QList<AuditCheckpoint> &held,
                                     const QList<QByteArray> &extraTrustedKeys,
                                     const AuditVerifier::Progress &progress = {}) const;

private:
    Result<AuditCheckpoint> checkpointIn(SqlTransaction &tx, AuditEvent &event) const;
    Result<AuditSigningKeys> signingKeys(SqlTransaction &tx) const;

    const ServiceContext &m_context;
};

} // namespace gatehouse
