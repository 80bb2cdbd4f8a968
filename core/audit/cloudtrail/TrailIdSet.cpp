#include "TrailIdSet.h"

#include "crypto/Hash.h"

#include <QByteArray>

#include <charconv>

namespace gatehouse::cloudtrail {

TrailIdSet::Id TrailIdSet::keyOf(std::string_view eventId)
{
    TrailIdSet::Id key{};
    if (eventId.size() == 36 && eventId[8] == '-' && eventId[13] == '-' && eventId[18] == '-'
        && eventId[23] == '-') {
        std::size_t out = 0;
        for (std::size_t i = 0; i + 1 < eventId.size() && out < key.size(); i += 2) {
            if (i == 8 || i == 13 || i == 18 || i == 23)
                ++i;
            unsigned value = 0;
            const char *first = eventId.data() + i;
            const auto parsed = std::from_chars(first, first + 2, value, 16);
            if (parsed.ec != std::errc() || parsed.ptr != first + 2)
                break;
            key[out++] = std::uint8_t(value);
        }
        if (out == key.size())
            return key;
    }
    const QByteArray digest =
        crypto::sha256(QByteArrayView(eventId.data(), qsizetype(eventId.size())));
    std::memcpy(key.data(), digest.constData(), key.size());
    return key;
}

} // namespace gatehouse::cloudtrail
