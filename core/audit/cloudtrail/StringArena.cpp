#include "StringArena.h"

#include <algorithm>
#include <cstring>

namespace gatehouse::cloudtrail {

namespace {

constexpr std::size_t kBlockSize = std::size_t(1) << 20;

} // namespace

char *StringArena::allocate(std::size_t size)
{
    while (m_block < m_blocks.size() && m_blocks[m_block].size - m_used < size) {
        ++m_block;
        m_used = 0;
    }
    if (m_block == m_blocks.size()) {
        Block block;
        block.size = std::max(kBlockSize, size);
        block.data = std::make_unique_for_overwrite<char[]>(block.size);
        m_blocks.push_back(std::move(block));
        m_used = 0;
    }
    char *start = m_blocks[m_block].data.get() + m_used;
    m_used += size;
    m_lastSize = size;
    return start;
}

void StringArena::shrinkLast(std::size_t used)
{
    if (used < m_lastSize) {
        m_used -= m_lastSize - used;
        m_lastSize = used;
    }
}

std::string_view StringArena::store(std::string_view bytes)
{
    if (bytes.empty())
        return {};
    char *start = allocate(bytes.size());
    std::memcpy(start, bytes.data(), bytes.size());
    return {start, bytes.size()};
}

void StringArena::clear()
{
    // A block taken for one huge string is not kept: one odd file should not pin its memory.
    std::erase_if(m_blocks, [](const Block &block) { return block.size > kBlockSize; });
    m_block = 0;
    m_used = 0;
    m_lastSize = 0;
}

} // namespace gatehouse::cloudtrail
