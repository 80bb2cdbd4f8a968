#pragma once

#include <cstddef>
#include <memory>

namespace gatehouse::cloudtrail {

// The bytes of one file with readable padding after their end, which simdjson needs to parse
// in place (it reads whole 64-byte blocks). Grows without zero-filling and keeps its memory
// when cleared, so a reader that reuses a batch does not fault fresh pages in for every file.
class PaddedText
{
public:
    static constexpr std::size_t kPadding = 64; // SIMDJSON_PADDING, checked in the .cpp

    char *data() { return m_data.get(); }
    const char *data() const { return m_data.get(); }
    std::size_t size() const { return m_size; }
    std::size_t capacity() const { return m_capacity; }

    // Room for `capacity` bytes plus padding, keeping the first `keep` bytes. False when the
    // memory cannot be had (a hostile size must not end the process).
    bool reserve(std::size_t capacity, std::size_t keep = 0);
    // Precondition: size <= capacity(). Zeroes the padding after the new end.
    void resize(std::size_t size);
    void clear() { m_size = 0; }

private:
    std::unique_ptr<char[]> m_data;
    std::size_t m_size = 0;
    std::size_t m_capacity = 0;
};

} // namespace gatehouse::cloudtrail
