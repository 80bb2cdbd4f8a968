#pragma once

#include "AuditCheckpointFolder.h"
#include "model/Result.h"
#include "store/Store.h"

#include <QString>

// Catalogue F5: a hash chain cannot tell an older copy of the whole store, or an empty one,
// from the real thing; a signed checkpoint kept outside the store can. A process that keeps
// such a folder asks these before it serves.
namespace gatehouse::AuditRollbackCheck {

// Whether `store`'s audit log extends the newest checkpoint in `folder`. Integrity, saying what
// was found and what to do, when the store is behind it (rolled back, or its end deleted),
// holds no audit log at all (emptied or created anew), is another store, or differs from what
// the checkpoint signed; when that checkpoint's signature does not verify; when the folder
// does not exist (it is never taken for "nothing exported yet": it may be a mount that
// failed); and when the folder is empty but the store already has checkpoints (the folder may
// be the wrong one, or emptied: adopting the store's checkpoints is a deliberate step). Fine
// for an empty folder and a store without checkpoints (a new deployment). Reads a few rows,
// never the whole log (AuditVerifier::verifyHeldOnly), and one checkpoint file. The keys
// trusted are those in `auditKeysPath` and those exported to the folder beside the
// checkpoints.
Result<void> check(Store &store, const QString &auditKeysPath, const AuditCheckpointFolder &folder);

// For a store that cannot be opened at all: a sentence saying what the newest checkpoint in
// `folder` shows the store held; empty when the folder holds none.
QString expectation(const AuditCheckpointFolder &folder);

} // namespace gatehouse::AuditRollbackCheck
