#include "CoreServices.h"

namespace gatehouse {

CoreServices CoreServices::make(const ServiceContext &context,
                                std::shared_ptr<const PasswordBlocklist> blocklist)
{
    CoreServices services{context,
                          UserDirectory(context),
                          Sessions(context),
                          ServiceTokens(context),
                          SigningKeys(context),
                          AccessTokens(context),
                          AuditTrail(context),
                          CredentialReport(context),
                          {},
                          {},
                          {}};
    Result<std::unique_ptr<Credentials>> credentials =
        Credentials::create(context, std::move(blocklist));
    if (!credentials) {
        services.unavailable = credentials.error();
        return services;
    }
    services.credentials = std::move(credentials).value();
    services.mfa = std::make_shared<const Mfa>(context, *services.credentials);
    return services;
}

} // namespace gatehouse
