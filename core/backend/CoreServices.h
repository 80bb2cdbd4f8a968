#pragma once

#include "auth/AccessTokens.h"
#include "auth/AuditTrail.h"
#include "auth/CredentialReport.h"
#include "auth/Credentials.h"
#include "auth/Mfa.h"
#include "auth/PasswordBlocklist.h"
#include "auth/ServiceContext.h"
#include "auth/ServiceTokens.h"
#include "auth/Sessions.h"
#include "auth/SigningKeys.h"
#include "auth/UserDirectory.h"

#include <memory>
#include <optional>

namespace gatehouse {

// Every core service over one ServiceContext: what LocalBackend's worker and the server's
// workers call. The services keep no state of their own between calls (only the context's
// thread-safe caches), so one set serves any number of threads.
struct CoreServices {
    const ServiceContext &context;
    UserDirectory users;
    Sessions sessions;
    ServiceTokens tokens;
    SigningKeys keys;
    AccessTokens accessTokens;
    AuditTrail audit;
    CredentialReport credentialReport;
    // Null only if the password hasher could not start; then `unavailable` says why.
    std::shared_ptr<const Credentials> credentials;
    std::shared_ptr<const Mfa> mfa;
    std::optional<Error> unavailable;

    // `blocklist` may be null only when the password policy does not check one.
    static CoreServices make(const ServiceContext &context,
                             std::shared_ptr<const PasswordBlocklist> blocklist);
};

} // namespace gatehouse
