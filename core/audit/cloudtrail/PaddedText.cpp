#include "PaddedText.h"

#include <simdjson.h>

#include <cstring>
#include <new>

namespace gatehouse::cloudtrail {

static_assert(PaddedText::kPadding >= simdjson::SIMDJSON_PADDING);

bool PaddedText::reserve(std::size_t capacity, std::size_t keep)
{
    if (capacity <= m_capacity && m_data)
        return true;
    if (capacity > std::size_t(-1) - kPadding)
        return false;
    std::unique_ptr<char[]> grown(new (std::nothrow) char[capacity + kPadding]);
    if (!grown)
        return false;
    if (keep > 0)
        std::memcpy(grown.get(), m_data.get(), keep < m_size ? keep : m_size);
    m_data = std::move(grown);
    m_capacity = capacity;
    if (m_size > keep)
        m_size = keep;
    std::memset(m_data.get() + m_size, 0, kPadding);
    return true;
}

void PaddedText::resize(std::size_t size)
{
    m_size = size;
    std::memset(m_data.get() + size, 0, kPadding);
}

} // namespace gatehouse::cloudtrail
