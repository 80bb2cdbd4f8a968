#pragma once

#include "ApiResponse.h"

#include <string>

namespace gatehouse::server {

// `response` as the bytes HTTP/1.1 sends, into `out` (cleared first, its capacity kept):
// status line, fields and body. Written by hand rather than by Beast's serializer, which walks
// a chain of buffer views per field and cost more than a whole request's own work.
//
// Every answer is marked never to be cached or sniffed unless the response says otherwise (the
// key set's Cache-Control); a later field replaces an earlier one of the same name; a field
// whose value holds a line break is dropped, as it would start a field of someone else's
// choosing. `keepAlive` false closes the connection; an HTTP/1.0 client is told when it stays
// open.
void responseText(std::string &out, const ApiResponse &response, bool keepAlive, bool http10Client);

// The reason phrase for `status` ("Not Found"); empty for one the server never sends.
const char *reasonPhrase(int status);

} // namespace gatehouse::server
