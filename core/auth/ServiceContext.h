#pragma once

#include "ValidationCache.h"
#include "audit/AuditCheckpoint.h"
#include "audit/AuditLog.h"
#include "audit/AuditSigningKeys.h"
#include "crypto/SecretBox.h"
#include "model/Clock.h"
#include "store/Store.h"
#include "store/StoreLog.h"

#include <functional>
#include <memory>
#include <optional>

namespace gatehouse {

// What every service needs, and the one way an operation runs: checked and done inside a
// transaction, with its audit record appended in that same transaction (no record, no change,
// SEC-44). A failed operation is recorded too, with CloudTrail's errorCode and errorMessage,
// in a transaction of its own since the operation's was rolled back.
class ServiceContext
{
public:
    // `dataKey` seals the secrets that must be read back (TOTP seeds, signing keys). It lives
    // outside the database (SEC-18); without it the store still works, except for those.
    // `auditKeysPath` is the file of the keys that sign audit checkpoints (AuditSigningKeys);
    // empty: the default beside a SQLite store.
    ServiceContext(Store &store, std::shared_ptr<const Clock> clock,
                   std::optional<crypto::SecretBox> dataKey = std::nullopt,
                   QString auditKeysPath = {})
        : m_store(store),
          m_clock(std::move(clock)),
          m_audit(store.info().storeId, m_clock),
          m_dataKey(std::move(dataKey)),
          m_auditKeysPath(std::move(auditKeysPath)),
          m_validationCaches(std::make_shared<ValidationCaches>())
    {
        if (m_auditKeysPath.isEmpty() && store.info().backend == QLatin1String("sqlite"))
            m_auditKeysPath = AuditSigningKeys::defaultPathFor(store.info().location);
    }

    Store &store() const { return m_store; }
    const Clock &clock() const { return *m_clock; }
    const AuditLog &audit() const { return m_audit; }
    QString auditKeysPath() const { return m_auditKeysPath; }
    // Shared by every service over this context (Sessions and ServiceTokens validate()).
    ValidationCaches &validationCaches() const { return *m_validationCaches; }

    // Told of every checkpoint once it is committed, on the thread that made it, so a copy can
    // leave the store at once (the server's checkpoint folder). Set before any service runs.
    using CheckpointListener = std::function<void(const AuditCheckpoint &)>;
    void setCheckpointListener(CheckpointListener listener)
    {
        m_checkpointListener = std::move(listener);
    }
    void checkpointMade(const AuditCheckpoint &checkpoint) const
    {
        if (m_checkpointListener)
            m_checkpointListener(checkpoint);
    }

    // The data key, or Unavailable with what to do when this process was not given one.
    Result<crypto::SecretBox> dataKey() const
    {
        if (!m_dataKey) {
            return makeError(ErrorCode::Unavailable,
                             QStringLiteral("The store's data key is not available, so sealed "
                                            "secrets (MFA seeds, signing keys) cannot be used. "
                                            "Put the store's .key file back beside it."));
        }
        return *m_dataKey;
    }

    // `work(SqlTransaction &, AuditEvent &) -> Result<T>` may fill in the event's request
    // parameters, response elements and resources. Read operations read in a snapshot and
    // record the audit event right after; if that record cannot be written, the caller gets
    // an error, not the data.
    template<typename T, typename Work>
    Result<T> perform(AuditEvent event, Store::Access access, Work &&work) const
    {
        std::optional<T> value;
        Result<void> done = m_store.transaction(access, [&](SqlTransaction &tx) -> Result<void> {
            Result<T> result = work(tx, event);
            if (!result)
                return result.error();
            if (access == Store::Access::Write) {
                if (Result<void> recorded = m_audit.append(tx, event); !recorded)
                    return recorded;
            }
            value.emplace(std::move(result).value());
            return {};
        });
        if (done && access == Store::Access::Read)
            done = record(event);
        if (!done) {
            recordFailure(event, done.error());
            return done.error();
        }
        return std::move(*value);
    }

private:
    Result<void> record(const AuditEvent &event) const
    {
        return m_store.transaction(Store::Access::Write,
                                   [&](SqlTransaction &tx) { return m_audit.append(tx, event); });
    }

    void recordFailure(AuditEvent event, const Error &error) const
    {
        event.errorCode = errorCodeName(error.code);
        event.errorMessage = error.message;
        event.responseElements = {};
        if (Result<void> recorded = record(event); !recorded)
            qCWarning(lcStore) << "could not record a failed" << event.eventName;
    }

    Store &m_store;
    std::shared_ptr<const Clock> m_clock;
    AuditLog m_audit;
    std::optional<crypto::SecretBox> m_dataKey;
    QString m_auditKeysPath;
    std::shared_ptr<ValidationCaches> m_validationCaches;
    CheckpointListener m_checkpointListener;
};

} // namespace gatehouse
