#pragma once

#include "SqlTransaction.h"
#include "Store.h"
#include "model/Result.h"

#include <QMutex>

namespace gatehouse {

// What a store says about itself (Store::info()), kept the same way by each store: the
// backend and location are fixed when the store object is made, the rest is read from the
// store's metadata rows (StoreMetadata) once it is opened or created, after any migration.
// Any thread may read it while another reloads it, hence the lock.
class StoreInfoCell
{
public:
    StoreInfoCell(QString backend, QString location);

    StoreInfo get() const;
    // Reads the id, creation time and schema version in `tx`; on failure (Integrity when the
    // identity row is gone) what was held before stays.
    Result<void> reload(SqlTransaction &tx);

private:
    mutable QMutex m_mutex;
    StoreInfo m_info;
};

} // namespace gatehouse
