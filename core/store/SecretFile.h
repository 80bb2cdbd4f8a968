#pragma once

#include "model/Result.h"

#include <QByteArray>
#include <QString>

namespace gatehouse::SecretFile {

// Small files of key material kept beside a store (the data key, the audit signing keys):
// mode 0600, never followed through a symlink, refused when other users could read them.
// `what` names the file in messages ("data key file").

// Writes `content` to a new file; Conflict if anything exists at `path`.
Result<void> create(const QString &path, const QByteArray &content, const QString &what);

// Replaces the file's content atomically (a new file renamed over it), keeping mode 0600.
Result<void> replace(const QString &path, const QByteArray &content, const QString &what);

// Reads a file of at most `maxSize` bytes; NotFound when there is none, PermissionDenied when
// group or others have any access, Integrity when it is not a regular file or too large.
Result<QByteArray> read(const QString &path, qint64 maxSize, const QString &what);

} // namespace gatehouse::SecretFile
