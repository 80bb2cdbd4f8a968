#include "Error.h"

#include <array>
#include <utility>

namespace gatehouse {

namespace {

struct CodeInfo {
    ErrorCode code;
    QStringView name;
    int status;
};

constexpr std::array kCodes{
    CodeInfo{ErrorCode::InvalidInput, u"InvalidInput", 400},
    CodeInfo{ErrorCode::NotFound, u"NotFound", 404},
    CodeInfo{ErrorCode::Conflict, u"Conflict", 409},
    CodeInfo{ErrorCode::Unauthenticated, u"Unauthenticated", 401},
    CodeInfo{ErrorCode::PermissionDenied, u"PermissionDenied", 403},
    CodeInfo{ErrorCode::RateLimited, u"RateLimited", 429},
    CodeInfo{ErrorCode::Unavailable, u"Unavailable", 503},
    // Integrity and Internal share 500; the body's code name tells them apart.
    CodeInfo{ErrorCode::Integrity, u"Integrity", 500},
    CodeInfo{ErrorCode::Internal, u"Internal", 500},
};

const CodeInfo &infoFor(ErrorCode code)
{
    for (const CodeInfo &info : kCodes) {
        if (info.code == code)
            return info;
    }
    return kCodes.back();
}

} // namespace

QString errorCodeName(ErrorCode code)
{
    return infoFor(code).name.toString();
}

std::optional<ErrorCode> errorCodeFromName(QStringView name)
{
    for (const CodeInfo &info : kCodes) {
        if (info.name == name)
            return info.code;
    }
    return std::nullopt;
}

int httpStatus(ErrorCode code)
{
    return infoFor(code).status;
}

std::optional<ErrorCode> errorCodeFromHttpStatus(int status)
{
    if (status == 500)
        return ErrorCode::Internal;
    for (const CodeInfo &info : kCodes) {
        if (info.status == status)
            return info.code;
    }
    if (status >= 400 && status < 500)
        return ErrorCode::InvalidInput;
    if (status >= 500 && status < 600)
        return ErrorCode::Internal;
    return std::nullopt;
}

} // namespace gatehouse
