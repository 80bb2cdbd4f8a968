#pragma once

#include <string>
#include <string_view>

namespace gatehouse::bench {

// Who made a call: written once as userIdentity, then reused by the error messages and the
// call-specific parts that name the caller.
struct TrailCaller {
    enum class Kind { IamUser, AssumedRole, Service, Root } kind = Kind::IamUser;
    std::string arn;
    std::string_view service; // for Kind::Service: the invoking service
    bool console = false; // a console session (browser agent, sessionCredentialFromConsole)
};

} // namespace gatehouse::bench
