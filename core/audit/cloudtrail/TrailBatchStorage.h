#pragma once

#include "PaddedText.h"
#include "StringArena.h"
#include "TrailResource.h"

#include <simdjson.h>

#include <vector>

namespace gatehouse::cloudtrail {

// What a TrailBatch's records point into. Private to the reader: it keeps simdjson out of
// the public headers.
struct TrailBatchStorage {
    PaddedText text; // the file's JSON text, decompressed
    // The parsed document: record strings are views into its string buffer (no copies).
    simdjson::dom::document document;
    StringArena arena; // minified records and strings that outlive a parser's buffers
    std::vector<TrailResource> resources; // every record's resources, in record order

    void clear()
    {
        text.clear();
        arena.clear();
        resources.clear();
    }
};

} // namespace gatehouse::cloudtrail
