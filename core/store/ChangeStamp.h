#pragma once

#include <array>

namespace gatehouse {

// What Store::changeStamp() reads: opaque bytes that differ after every commit. A fixed size,
// so that reading and comparing one, on every request that a cache answers, allocates nothing.
using ChangeStamp = std::array<char, 48>;

} // namespace gatehouse
