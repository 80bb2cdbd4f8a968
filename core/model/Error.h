#pragma once

#include <QString>

#include <optional>

namespace gatehouse {

// The closed set of failure kinds. Each maps to exactly one HTTP status and back, so a call
// that fails in local mode fails the same way through gatehouse-server.
enum class ErrorCode {
    InvalidInput, // 400: the caller sent something malformed or outside the rules
    NotFound, // 404: no such object (also for objects the caller may not see)
    Conflict, // 409: the object exists already or changed meanwhile
    Unauthenticated, // 401: no valid credentials
    PermissionDenied, // 403: authenticated, but not allowed
    RateLimited, // 429: too many attempts; retry later
    Unavailable, // 503: the store or a dependency is busy, full or unreachable; retry later
    Integrity, // 500: stored data failed a check (corrupt file, tampered record, bad key)
    Internal, // 500: a bug or an unexpected failure
};

struct Error {
    ErrorCode code = ErrorCode::Internal;
    // Says what was wrong and what to do. Never contains a secret, SQL or a stack.
    QString message;
    // RateLimited only: how long to wait, for a Retry-After header; 0 when unknown.
    qint64 retryAfterSeconds = 0;

    friend bool operator==(const Error &, const Error &) = default;
};

// Stable names used on the wire and in `gatehousectl --json` ("InvalidInput", ...).
QString errorCodeName(ErrorCode code);
std::optional<ErrorCode> errorCodeFromName(QStringView name);

int httpStatus(ErrorCode code);
// Inverse of httpStatus() for the statuses it produces; other 4xx map to InvalidInput,
// other 5xx to Internal, anything else to nullopt.
std::optional<ErrorCode> errorCodeFromHttpStatus(int status);

} // namespace gatehouse
