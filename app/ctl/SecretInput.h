#pragma once

#include "model/Result.h"

#include <QString>

namespace gatehouse::ctl {

// Secrets reach gatehousectl on standard input or in a file, never in argv, where every user
// of the machine could read them (ps, /proc). One trailing line break is removed; nothing else
// is trimmed. On a terminal the secret is typed without echo after a prompt on stderr.
namespace SecretInput {

constexpr qsizetype kMaxSecretBytes = 64 * 1024;

// From `file` if it is not empty, else from standard input.
Result<QString> read(const QString &prompt, const QString &file = {});

} // namespace SecretInput
} // namespace gatehouse::ctl
