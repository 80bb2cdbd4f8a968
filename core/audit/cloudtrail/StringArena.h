#pragma once

#include <cstddef>
#include <memory>
#include <string_view>
#include <vector>

namespace gatehouse::cloudtrail {

// Bytes that must outlive a parser's buffers (minified records, copied strings): what it
// hands out stays at the same address until clear(). It grows in blocks and keeps them when
// cleared, so steady reading allocates nothing.
class StringArena
{
public:
    // Room for `size` bytes. Only the last allocation may be shrunk, with shrinkLast().
    char *allocate(std::size_t size);
    // Gives back the tail of the last allocation, keeping its first `used` bytes.
    void shrinkLast(std::size_t used);
    std::string_view store(std::string_view bytes);
    void clear();

private:
    struct Block {
        std::unique_ptr<char[]> data;
        std::size_t size = 0;
    };
    std::vector<Block> m_blocks;
    std::size_t m_block = 0; // the block being filled
    std::size_t m_used = 0; // bytes used in it
    std::size_t m_lastSize = 0;
};

} // namespace gatehouse::cloudtrail
