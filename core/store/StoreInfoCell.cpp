#include "StoreInfoCell.h"

#include "StoreMetadata.h"

namespace gatehouse {

StoreInfoCell::StoreInfoCell(QString backend, QString location)
{
    m_info.backend = std::move(backend);
    m_info.location = std::move(location);
}

StoreInfo StoreInfoCell::get() const
{
    QMutexLocker lock(&m_mutex);
    return m_info;
}

Result<void> StoreInfoCell::reload(SqlTransaction &tx)
{
    // Read outside the lock: the query may wait on the database, readers need not.
    StoreInfo read = get();
    if (Result<void> loaded = StoreMetadata::read(tx, read); !loaded)
        return loaded;
    QMutexLocker lock(&m_mutex);
    m_info = read;
    return {};
}

} // namespace gatehouse
