#pragma once

#include "AccessControl.h"
#include "ServiceContext.h"
#include "SessionRows.h"
#include "UserRows.h"

namespace gatehouse::StoredPolicies {

// Reading and replacing a stored policy (session, MFA, service token, JWT, ...), the one way:
// policies:read or policies:write, audited as `eventName`, the change recorded with the
// policy it replaced. `Policy` provides load(tx), save(tx, updatedAt, updatedBy), validate(),
// toJson() and kPolicyName, as SessionPolicy does.

template<typename Policy>
Result<Policy> get(const ServiceContext &context, const Actor &actor, const char *eventName)
{
    AuditEvent event;
    event.eventName = QString::fromLatin1(eventName);
    event.readOnly = true;
    event.actor = actor;
    return context.perform<Policy>(
        std::move(event), Store::Access::Read,
        [&](SqlTransaction &tx, AuditEvent &) -> Result<Policy> {
            if (Result<AccessControl::Grant> grant =
                    AccessControl::require(tx, actor, Permission::PoliciesRead);
                !grant) {
                return grant.error();
            }
            return Policy::load(tx);
        });
}

template<typename Policy>
Result<Policy> set(const ServiceContext &context, const Actor &actor, const Policy &policy,
                   const char *eventName)
{
    AuditEvent event;
    event.eventName = QString::fromLatin1(eventName);
    event.actor = actor;
    event.resources.append(
        {QStringLiteral("Gatehouse::Policy"), QString::fromLatin1(Policy::kPolicyName)});
    return context.perform<Policy>(
        std::move(event), Store::Access::Write,
        [&](SqlTransaction &tx, AuditEvent &record) -> Result<Policy> {
            record.requestParameters = policy.toJson();
            if (Result<AccessControl::Grant> grant =
                    AccessControl::require(tx, actor, Permission::PoliciesWrite);
                !grant) {
                return grant.error();
            }
            if (Result<void> valid = policy.validate(); !valid)
                return valid.error();
            Result<Policy> previous = Policy::load(tx);
            if (previous)
                record.responseElements = {{QStringLiteral("previous"), previous->toJson()}};
            if (Result<void> saved = policy.save(tx, UserRows::isoUtc(context.clock().now()),
                                                 SessionRows::revoker(actor));
                !saved) {
                return saved.error();
            }
            return policy;
        });
}

} // namespace gatehouse::StoredPolicies
