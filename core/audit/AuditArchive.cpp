#include "AuditArchive.h"

#include "model/IsoTime.h"

#include "AuditChain.h"
#include "AuditRows.h"
#include "cloudtrail/GzipDeflater.h"
#include "crypto/Hash.h"

#include <QDir>
#include <QFileInfo>
#include <QJsonArray>
#include <QJsonDocument>
#include <QSaveFile>
#include <QSqlQuery>

namespace gatehouse::AuditArchive {

namespace {

Error broken(qint64 seq)
{
    return makeError(ErrorCode::Integrity,
                     QStringLiteral("Record %1 does not verify, so the records were not archived. "
                                    "Run `audit verify` and deal with what it reports first.")
                         .arg(seq));
}

Result<void> writeFile(const QString &path, const QByteArray &bytes)
{
    if (!QDir().mkpath(QFileInfo(path).absolutePath())) {
        return makeError(ErrorCode::Unavailable,
                         QStringLiteral("Cannot create the folder for %1.").arg(path));
    }
    QSaveFile file(path);
    if (!file.open(QIODevice::WriteOnly) || file.write(bytes) != bytes.size() || !file.commit()) {
        return makeError(ErrorCode::Unavailable,
                         QStringLiteral("Cannot write %1: %2.").arg(path, file.errorString()));
    }
    return {};
}

// One day's file in the making.
struct DayFile {
    QString day; // yyyy/MM/dd
    qint64 first = 0;
    qint64 last = 0;
    QByteArray json;
};

} // namespace

Result<Outcome> archive(SqlTransaction &tx, const QString &logId, const QDateTime &cutoff,
                        const QString &folder, const std::function<Result<AuditCheckpoint>()> &sign)
{
    Result<AuditChain::Position> base = AuditChain::base(tx);
    if (!base)
        return base.error();
    // The contiguous run of old records: up to the first record at or after the cutoff.
    const QString before = isoUtc(cutoff);
    Result<QVariant> firstKept = tx.scalar(
        QStringLiteral("SELECT min(seq) FROM audit_events WHERE event_time >= ?"), {before});
    if (!firstKept)
        return firstKept.error();
    Result<AuditChain::Position> head = AuditChain::head(tx);
    if (!head)
        return head.error();
    const qint64 last = firstKept->isNull() ? head->seq : firstKept->toLongLong() - 1;
    Outcome outcome;
    if (last <= base->seq)
        return outcome;

    QList<DayFile> days;
    QByteArray previous = base->hash;
    qint64 expected = base->seq + 1;
    Result<QSqlQuery> rows = tx.exec(QStringLiteral("SELECT ") + AuditRows::kColumns
                                         + QStringLiteral(" FROM audit_events WHERE seq > ? AND"
                                                          " seq <= ? ORDER BY seq"),
                                     {base->seq, last});
    if (!rows)
        return rows.error();
    while (rows->next()) {
        const AuditRow row = AuditRows::fromQuery(*rows);
        if (row.seq != expected || row.prevHash != previous
            || AuditChain::entryHash(row.seq, row.prevHash, row) != row.entryHash) {
            return broken(expected);
        }
        const QString day = row.eventTime.left(10).replace(QLatin1Char('-'), QLatin1Char('/'));
        if (days.isEmpty() || days.last().day != day)
            days.append({day, row.seq, row.seq, {}});
        DayFile &file = days.last();
        file.json += (file.json.isEmpty() ? "{\"Records\":[" : ",") + row.record;
        file.last = row.seq;
        previous = row.entryHash;
        ++expected;
    }
    if (expected != last + 1)
        return broken(expected);

    Result<AuditCheckpoint> checkpoint = sign();
    if (!checkpoint)
        return checkpoint.error();
    const QString stamp =
        QDateTime::currentDateTimeUtc().toString(QStringLiteral("yyyyMMdd'T'HHmm'Z'"));
    QJsonArray files;
    for (DayFile &file : days) {
        file.json += "]}";
        // Where CloudTrail puts 16 random characters, the records' sequence numbers: unique,
        // and telling.
        const QString name =
            QStringLiteral("AWSLogs/%1/Gatehouse/local/%2/%1_Gatehouse_local_%3_%4-%5.json.gz")
                .arg(logId, file.day, stamp)
                .arg(file.first)
                .arg(file.last);
        Result<QByteArray> compressed = cloudtrail::GzipDeflater::compress(file.json);
        if (!compressed)
            return compressed.error();
        if (Result<void> written = writeFile(QDir(folder).filePath(name), *compressed); !written)
            return written.error();
        outcome.files.append(name);
        files.append(QJsonObject{
            {QStringLiteral("file"), name},
            {QStringLiteral("firstSequence"), file.first},
            {QStringLiteral("lastSequence"), file.last},
            {QStringLiteral("sha256"), QString::fromLatin1(crypto::sha256(file.json).toHex())},
        });
    }
    const QJsonObject manifest{
        {QStringLiteral("logId"), logId},
        {QStringLiteral("firstSequence"), base->seq + 1},
        {QStringLiteral("lastSequence"), last},
        {QStringLiteral("previousHash"), QString::fromLatin1(base->hash.toHex())},
        {QStringLiteral("lastHash"), QString::fromLatin1(previous.toHex())},
        {QStringLiteral("files"), files},
        {QStringLiteral("checkpoint"), checkpoint->toJson()},
    };
    outcome.manifest =
        QStringLiteral("AWSLogs/%1/Gatehouse-Digest/local/%1_AuditArchive_%2-%3.json")
            .arg(logId)
            .arg(base->seq + 1)
            .arg(last);
    if (Result<void> written =
            writeFile(QDir(folder).filePath(outcome.manifest), QJsonDocument(manifest).toJson());
        !written) {
        return written.error();
    }

    for (const char *table : {"audit_resources", "audit_events"}) {
        Result<QSqlQuery> deleted = tx.exec(
            QStringLiteral("DELETE FROM %1 WHERE seq <= ?").arg(QLatin1String(table)), {last});
        if (!deleted)
            return deleted.error();
    }
    Result<QSqlQuery> moved = tx.exec(
        QStringLiteral("UPDATE audit_chain SET base_seq = ?, base_hash = ?"), {last, previous});
    if (!moved)
        return moved.error();
    outcome.firstSequence = base->seq + 1;
    outcome.lastSequence = last;
    return outcome;
}

} // namespace gatehouse::AuditArchive
