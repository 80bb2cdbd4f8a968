#pragma once

#include <QList>
#include <QString>

namespace gatehouse {

// One page of a keyset-paginated listing. `nextPageToken` is opaque to callers, stays valid
// while rows are added, and is empty on the last page.
template<typename T>
struct Page {
    QList<T> items;
    QString nextPageToken;
};

} // namespace gatehouse
