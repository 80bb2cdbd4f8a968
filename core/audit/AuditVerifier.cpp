#include "AuditVerifier.h"

#include "model/IsoTime.h"

#include "AuditChain.h"
#include "AuditCheckpoints.h"
#include "AuditRows.h"

#include <QJsonDocument>
#include <QJsonObject>
#include <QMap>
#include <QSet>
#include <QSqlQuery>

namespace gatehouse {

namespace {

constexpr int kBatch = 5000;

} // namespace

// One verification: the state carried from record to record.
class AuditVerifier::Run
{
public:
    Run(const AuditVerifier &verifier, SqlTransaction &tx)
        : m_verifier(verifier),
          m_tx(tx)
    {}

    Result<AuditVerification> execute(const Progress &progress)
    {
        Result<Ends> ends = readEnds();
        if (!ends)
            return ends.error();
        const AuditChain::Position &base = ends->base;
        const AuditChain::Position &head = ends->head;
        m_result.firstSequence = base.seq + 1;
        m_expected = base.seq + 1;
        m_previousHash = base.hash;
        if (Result<void> scanned = scanRecords(head, head.seq - base.seq, progress); !scanned)
            return scanned.error();
        m_result.lastSequence = m_expected - 1;
        if (Result<void> checked = checkHead(head); !checked)
            return checked.error();
        checkBase(base);
        if (Result<void> checked = checkStoredCheckpoints(base.seq); !checked)
            return checked.error();
        for (const AuditCheckpoint &held : m_verifier.m_held) {
            if (Result<void> checked = checkHeldCheckpoint(held, base.seq); !checked)
                return checked.error();
        }
        std::sort(
            m_result.problems.begin(), m_result.problems.end(),
            [](const AuditProblem &a, const AuditProblem &b) { return a.sequence < b.sequence; });
        return m_result;
    }

    Result<AuditVerification> executeHeldOnly()
    {
        Result<Ends> ends = readEnds();
        if (!ends)
            return ends.error();
        const AuditChain::Position &base = ends->base;
        const AuditChain::Position &head = ends->head;
        // The log ends at the chain's head, or before it when records at the end were deleted.
        Result<QVariant> last = m_tx.scalar(
            QStringLiteral("SELECT max(seq) FROM audit_events WHERE seq <= ?"), {head.seq});
        if (!last)
            return last.error();
        m_scanned = false;
        m_expected = std::min(head.seq, last->isNull() ? base.seq : last->toLongLong()) + 1;
        m_result.firstSequence = base.seq + 1;
        m_result.lastSequence = m_expected - 1;
        for (const AuditCheckpoint &held : m_verifier.m_held) {
            if (Result<void> checked = checkHeldCheckpoint(held, base.seq); !checked)
                return checked.error();
        }
        return m_result;
    }

private:
    // Where the chain starts (after any archived records) and where its head says it ends.
    struct Ends {
        AuditChain::Position base;
        AuditChain::Position head;
    };
    Result<Ends> readEnds()
    {
        Result<AuditChain::Position> base = AuditChain::base(m_tx);
        if (!base)
            return base.error();
        Result<AuditChain::Position> head = AuditChain::head(m_tx);
        if (!head)
            return head.error();
        return Ends{*base, *head};
    }

    void report(qint64 sequence, const char *kind, const QString &message)
    {
        m_result.problems.append({sequence, QString::fromLatin1(kind), message});
    }

    // The records up to the chain's head; any behind it are checkHead()'s.
    Result<void> scanRecords(const AuditChain::Position &head, qint64 total,
                             const Progress &progress)
    {
        qint64 after = m_expected - 1;
        qint64 done = 0;
        for (;;) {
            Result<QSqlQuery> rows =
                m_tx.exec(QStringLiteral("SELECT ") + AuditRows::kColumns
                              + QStringLiteral(" FROM audit_events WHERE seq > ?"
                                               " AND seq <= ? ORDER BY seq LIMIT ?"),
                          {after, head.seq, kBatch});
            if (!rows)
                return rows.error();
            int read = 0;
            while (rows->next()) {
                checkRecord(AuditRows::fromQuery(*rows));
                after = m_expected - 1;
                ++read;
            }
            done += read;
            if (progress && !progress(done, qMax(total, done))) {
                return makeError(
                    ErrorCode::Unavailable,
                    QStringLiteral("Verification was cancelled; nothing was changed."));
            }
            if (read < kBatch)
                return {};
        }
    }

    void checkRecord(const AuditRow &row)
    {
        if (row.seq > m_expected) {
            report(m_expected, "missing",
                   row.seq - 1 == m_expected
                       ? QStringLiteral("Record %1 is missing: it was deleted.").arg(m_expected)
                       : QStringLiteral("Records %1 to %2 are missing: they were deleted.")
                             .arg(m_expected)
                             .arg(row.seq - 1));
        }
        const bool followsGap = row.seq > m_expected;
        bool intact = false;
        if (row.entryHash.isEmpty() || row.prevHash.isEmpty()) {
            report(
                row.seq, "unchained",
                QStringLiteral("Record %1 has no chain hashes: they were removed.").arg(row.seq));
        } else if (AuditChain::entryHash(row.seq, row.prevHash, row) == row.entryHash) {
            intact = true;
        } else if (AuditChain::entryHash(row.seq + 1, row.prevHash, row) == row.entryHash
                   || AuditChain::entryHash(row.seq - 1, row.prevHash, row) == row.entryHash) {
            report(row.seq, "reordered",
                   QStringLiteral("Record %1 holds a record that was chained at another position: "
                                  "records were moved.")
                       .arg(row.seq));
        } else {
            report(row.seq, "edited",
                   QStringLiteral("Record %1 was changed after it was written.").arg(row.seq));
        }
        // A record that checks out on its own but no longer follows the one before: that one
        // was rewritten, hashes and all. Not reported twice when the one before is already bad.
        if (intact && m_previousIntact && !followsGap && row.prevHash != m_previousHash) {
            report(row.seq - 1, "edited",
                   QStringLiteral("Record %1 was changed and re-hashed after it was written: "
                                  "record %2 no longer follows it.")
                       .arg(row.seq - 1)
                       .arg(row.seq));
        }
        noteAnnouncement(row);
        noteArchive(row);
        m_previousIntact = intact;
        m_previousHash = row.entryHash;
        m_expected = row.seq + 1;
    }

    // The record that announced a checkpoint, so a checkpoint deleted later is noticed.
    void noteAnnouncement(const AuditRow &row)
    {
        if (row.eventName != QLatin1String("CreateAuditCheckpoint") || !row.errorCode.isEmpty())
            return;
        const QJsonObject response = QJsonDocument::fromJson(row.record)
                                         .object()
                                         .value(QStringLiteral("responseElements"))
                                         .toObject();
        const qint64 size = qint64(response.value(QStringLiteral("size")).toDouble(-1));
        if (size >= 0)
            m_announced.insert(size, row.eventTime);
    }

    // The record of an archive names the last record it moved out: the chain's base.
    void noteArchive(const AuditRow &row)
    {
        if (row.eventName != QLatin1String("ArchiveAuditEvents") || !row.errorCode.isEmpty())
            return;
        const qint64 last = qint64(QJsonDocument::fromJson(row.record)
                                       .object()
                                       .value(QStringLiteral("responseElements"))
                                       .toObject()
                                       .value(QStringLiteral("lastSequence"))
                                       .toDouble(0));
        m_archivedThrough = std::max(m_archivedThrough, last);
    }

    // Records before the base were archived only if an archive record says so; otherwise
    // someone deleted them and moved the base to hide it.
    void checkBase(const AuditChain::Position &base)
    {
        if (base.seq > 0 && base.seq != m_archivedThrough) {
            report(1, "missing",
                   QStringLiteral("Records 1 to %1 are gone, and no archive of them is recorded.")
                       .arg(base.seq));
        }
    }

    Result<void> checkHead(const AuditChain::Position &head)
    {
        const qint64 last = m_expected - 1;
        if (head.seq > last) {
            report(last + 1, "truncated",
                   QStringLiteral("Records %1 to %2 at the end of the log were deleted.")
                       .arg(last + 1)
                       .arg(head.seq));
        } else if (head.seq > 0 && head.hash != m_previousHash && m_previousIntact) {
            report(head.seq, "edited",
                   QStringLiteral("Record %1 was changed and re-hashed after it was written.")
                       .arg(head.seq));
        }
        Result<QSqlQuery> beyond =
            m_tx.exec(QStringLiteral("SELECT min(seq), count(*) FROM audit_events WHERE seq > ?"),
                      {head.seq});
        if (!beyond)
            return beyond.error();
        if (beyond->next() && beyond->value(1).toLongLong() > 0 && head.seq == 0) {
            report(beyond->value(0).toLongLong(), "unchained",
                   QStringLiteral("%1 record(s) were written before the hash chain existed; the "
                                  "next change to the store chains them.")
                       .arg(beyond->value(1).toLongLong()));
        } else if (beyond->isValid() && beyond->value(1).toLongLong() > 0) {
            const qint64 first = beyond->value(0).toLongLong();
            report(first, "extra",
                   QStringLiteral("%1 record(s) from number %2 on were added behind the log's "
                                  "back.")
                       .arg(beyond->value(1).toLongLong())
                       .arg(first));
        }
        return {};
    }

    Result<std::optional<QByteArray>> entryHashAt(qint64 seq)
    {
        Result<QSqlQuery> query =
            m_tx.exec(QStringLiteral("SELECT entry_hash FROM audit_events WHERE seq = ?"), {seq});
        if (!query)
            return query.error();
        if (!query->next())
            return std::optional<QByteArray>();
        return std::optional<QByteArray>(query->value(0).toByteArray());
    }

    bool checkSignature(const AuditCheckpoint &checkpoint, const QString &which)
    {
        switch (checkpoint.check(m_verifier.m_trusted)) {
        case AuditCheckpoint::Check::Valid:
            return true;
        case AuditCheckpoint::Check::UntrustedKey:
            report(checkpoint.size, "checkpoint-untrusted-key",
                   QStringLiteral("%1 of %2 is signed by key %3, which is not a trusted audit key.")
                       .arg(which, isoUtc(checkpoint.time), checkpoint.keyFingerprint.left(16)));
            return false;
        case AuditCheckpoint::Check::BadSignature:
            report(checkpoint.size, "checkpoint-signature",
                   QStringLiteral("%1 of %2 has a signature that does not match its content.")
                       .arg(which, isoUtc(checkpoint.time)));
            return false;
        }
        return false;
    }

    // Whether the log still holds what `checkpoint` signed.
    Result<void> checkCovered(const AuditCheckpoint &checkpoint, qint64 base, bool held)
    {
        if (checkpoint.size <= base)
            return {}; // archived: the archive's own checkpoints cover it
        const qint64 last = m_expected - 1;
        if (checkpoint.size > last) {
            report(last + 1, held ? "rollback" : "truncated",
                   QStringLiteral("The log ends at record %1, but a checkpoint of %2 covers %3 "
                                  "records: %4.")
                       .arg(last)
                       .arg(isoUtc(checkpoint.time))
                       .arg(checkpoint.size)
                       .arg(held ? QStringLiteral("the store was rolled back or its end deleted")
                                 : QStringLiteral("records at the end were deleted")));
            return {};
        }
        Result<std::optional<QByteArray>> hash = entryHashAt(checkpoint.size);
        if (!hash)
            return hash.error();
        if (!*hash && !m_scanned) {
            // A full run has already reported the gap this record is in.
            report(checkpoint.size, "missing",
                   QStringLiteral("Record %1, which the checkpoint of %2 signed, is missing: it "
                                  "was deleted.")
                       .arg(checkpoint.size)
                       .arg(isoUtc(checkpoint.time)));
        } else if (*hash && **hash != checkpoint.headHash) {
            report(checkpoint.size, "checkpoint-mismatch",
                   QStringLiteral("Records up to %1 differ from what the checkpoint of %2 "
                                  "signed: the log was rewritten.")
                       .arg(checkpoint.size)
                       .arg(isoUtc(checkpoint.time)));
        }
        return {};
    }

    Result<void> checkStoredCheckpoints(qint64 base)
    {
        Result<QList<AuditCheckpoint>> checkpoints =
            AuditCheckpoints::all(m_tx, m_verifier.m_logId);
        if (!checkpoints)
            return checkpoints.error();
        QSet<qint64> stored;
        const AuditCheckpoint *previous = nullptr;
        for (const AuditCheckpoint &checkpoint : *checkpoints) {
            ++m_result.checkpointsChecked;
            stored.insert(checkpoint.size);
            checkSignature(checkpoint, QStringLiteral("The checkpoint"));
            const QByteArray expectedPrevious = previous ? previous->signature : QByteArray();
            if (checkpoint.previousSignature != expectedPrevious) {
                report(checkpoint.size, "checkpoint-missing",
                       QStringLiteral("Checkpoints between %1 and %2 are missing.")
                           .arg(previous ? isoUtc(previous->time) : QStringLiteral("the start"),
                                isoUtc(checkpoint.time)));
            }
            if (Result<void> covered = checkCovered(checkpoint, base, false); !covered)
                return covered;
            previous = &checkpoint;
        }
        for (auto it = m_announced.cbegin(); it != m_announced.cend(); ++it) {
            if (!stored.contains(it.key())) {
                report(it.key(), "checkpoint-missing",
                       QStringLiteral("The checkpoint made at %1 (of %2 records) is missing.")
                           .arg(it.value())
                           .arg(it.key()));
            }
        }
        return {};
    }

    Result<void> checkHeldCheckpoint(const AuditCheckpoint &held, qint64 base)
    {
        ++m_result.checkpointsChecked;
        if (held.logId != m_verifier.m_logId) {
            report(held.size, "checkpoint-other-log",
                   QStringLiteral("The checkpoint of %1 belongs to another store's log.")
                       .arg(isoUtc(held.time)));
            return {};
        }
        if (!checkSignature(held, QStringLiteral("The given checkpoint")))
            return {};
        return checkCovered(held, base, true);
    }

    const AuditVerifier &m_verifier;
    SqlTransaction &m_tx;
    AuditVerification m_result;
    qint64 m_expected = 1;
    QByteArray m_previousHash;
    bool m_previousIntact = true;
    bool m_scanned = true; // every record was read (verify), not just the held checkpoints'
    QMap<qint64, QString> m_announced; // checkpoint size -> when it was announced
    qint64 m_archivedThrough = 0;
};

AuditVerifier::AuditVerifier(QString logId, QList<QByteArray> trustedPublicKeys)
    : m_logId(std::move(logId)),
      m_trusted(std::move(trustedPublicKeys))
{}

Result<AuditVerification> AuditVerifier::verify(SqlTransaction &tx, const Progress &progress) const
{
    Run run(*this, tx);
    return run.execute(progress);
}

Result<AuditVerification> AuditVerifier::verifyHeldOnly(SqlTransaction &tx) const
{
    Run run(*this, tx);
    return run.executeHeldOnly();
}

} // namespace gatehouse
