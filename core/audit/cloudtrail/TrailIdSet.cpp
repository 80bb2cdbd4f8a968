#include "TrailIdSet.h"

#include "crypto/Hash.h"

#include <QByteArrayView>

namespace gatehouse::cloudtrail {

namespace {

int hexDigit(char c)
{
    if (c >= '0' && c <= '9')
        return c - '0';
    if (c >= 'a' && c <= 'f')
        return c - 'a' + 10;
    if (c >= 'A' && c <= 'F')
        return c - 'A' + 10;
    return -1;
}

} // namespace

TrailIdSet::Id TrailIdSet::keyOf(std::string_view eventId)
{
    TrailIdSet::Id key{};
    if (eventId.size() == 36 && eventId[8] == '-' && eventId[13] == '-' && eventId[18] == '-'
        && eventId[23] == '-') {
        std::size_t out = 0;
        bool ok = true;
        for (std::size_t i = 0; i < 36 && ok; ++i) {
            if (i == 8 || i == 13 || i == 18 || i == 23)
                continue;
            const int high = hexDigit(eventId[i]);
            const int low = hexDigit(eventId[++i]);
            ok = high >= 0 && low >= 0;
            key[out++] = std::uint8_t(high << 4 | low);
        }
        if (ok)
            return key;
    }
    const QByteArray digest =
        crypto::sha256(QByteArrayView(eventId.data(), qsizetype(eventId.size())));
    std::memcpy(key.data(), digest.constData(), key.size());
    return key;
}

} // namespace gatehouse::cloudtrail
