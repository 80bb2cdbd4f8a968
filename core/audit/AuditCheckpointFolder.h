#pragma once

#include "AuditCheckpoint.h"
#include "model/Result.h"

#include <QByteArray>
#include <QList>
#include <QString>

#include <optional>

namespace gatehouse {

// A folder of exported checkpoints and the public keys that verify them, meant to be copied
// off the machine (SEC-45): one file per checkpoint (AuditCheckpoint::fileName()) and one
// public key list per log (AuditPublicKeys::fileName()). `gatehousectl audit checkpoint
// --export` writes one, `audit verify --checkpoint` reads one, and gatehouse-server keeps one
// up to date and refuses to start over a store that does not extend it.
class AuditCheckpointFolder
{
public:
    explicit AuditCheckpointFolder(QString path)
        : m_path(std::move(path))
    {}

    QString path() const { return m_path; }

    bool exists() const;

    // Writes each checkpoint and the log's public keys (a file of the same name is replaced).
    // The folder must exist: it is never created here, since a folder that is missing may be
    // a mount that failed, and files written under the mount point would be lost with it.
    Result<void> write(const QList<AuditCheckpoint> &checkpoints, const QString &logId,
                       const QList<QByteArray> &publicKeys) const;
    // Whether the folder already holds a file for `checkpoint`.
    bool holds(const AuditCheckpoint &checkpoint) const;

    // The checkpoints in the folder, in file name order; none if it does not exist. A file
    // that is not a checkpoint is an error naming it, never skipped: it may be one damaged.
    Result<QList<AuditCheckpoint>> checkpoints() const;
    // One checkpoint as found in the folder: what it says, and the file that says it (whose
    // name need not match, if the file was altered).
    struct Found {
        AuditCheckpoint checkpoint;
        QString file;
    };
    // The newest checkpoint (latest time, then largest size), or none. Chosen by file name,
    // which holds both, so only that one file is read, however many the folder holds; a
    // checkpoint file whose name does not say them is an error naming it.
    Result<std::optional<Found>> newest() const;
    // The public keys of every log in the folder.
    Result<QList<QByteArray>> publicKeys() const;

    // One exported file of either kind.
    static Result<AuditCheckpoint> readCheckpoint(const QString &file);
    static Result<QList<QByteArray>> readPublicKeys(const QString &file);

private:
    Result<QStringList> files(const QString &pattern) const;

    QString m_path;
};

} // namespace gatehouse
