#pragma once

#include "crypto/SecretBox.h"
#include "model/Result.h"

#include <QByteArray>
#include <QString>

#include <optional>

namespace gatehouse {

// The data key that seals reversible secrets (TOTP seeds, signing keys) lives outside the
// database (SEC-18): by default in a file beside the store, `<store>.key`, created with the
// store, mode 0600. Whoever copies a store to another machine copies its key file with it;
// a store without its key still opens, but sealed secrets cannot be read.
//
// File format (text, so it survives copy and paste):
//     gatehouse-data-key-v1
//     <43 characters of unpadded base64url: the 32-byte key>
namespace DataKeyFile {

QString defaultPathFor(const QString &storePath); // "<store>.key"

// Creates a new random key at `path`; refuses if anything exists there.
Result<QByteArray> create(const QString &path);

// Reads a key, refusing files other users can read, and anything not in the format above.
Result<QByteArray> load(const QString &path);

// The box that seals with the key in `path`. With `required` false a missing file (or an empty
// path) is no error but no box: a store without its key serves everything but sealed secrets,
// and those calls say what is missing. A key named explicitly (`required`) must load.
Result<std::optional<crypto::SecretBox>> openBox(const QString &path, bool required);

} // namespace DataKeyFile
} // namespace gatehouse
