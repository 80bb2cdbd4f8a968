#include "TrailBatch.h"

#include "TrailBatchStorage.h"

namespace gatehouse::cloudtrail {

TrailBatch::TrailBatch()
    : m_storage(std::make_unique<TrailBatchStorage>())
{}

TrailBatch::~TrailBatch() = default;
TrailBatch::TrailBatch(TrailBatch &&other) noexcept = default;
TrailBatch &TrailBatch::operator=(TrailBatch &&other) noexcept = default;

void TrailBatch::clear()
{
    m_file.clear();
    m_records.clear();
    m_problems.clear();
    m_fileBytes = 0;
    m_textBytes = 0;
    m_accessPoints.clear();
    if (m_storage)
        m_storage->clear();
}

TrailBatchStorage &TrailBatch::storage()
{
    // A moved-from batch has none; reading into it again makes a fresh one.
    if (!m_storage)
        m_storage = std::make_unique<TrailBatchStorage>();
    return *m_storage;
}

} // namespace gatehouse::cloudtrail
