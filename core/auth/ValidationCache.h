#pragma once

#include "ServiceTokenRows.h"
#include "SessionPolicy.h"
#include "StampedCache.h"
#include "model/ServiceToken.h"
#include "model/Session.h"
#include "model/User.h"

#include <QByteArray>

#include <memory>

namespace gatehouse {

// What a validation (Sessions::validate(), ServiceTokens::validate()) read for a credential,
// kept while the store shows that nothing which could end it has happened since, so that a
// validation usually needs no query at all. Its generation is the credential revision
// (migrations 0008 and 0010): triggers move it on every revocation, deactivation, rotation,
// user status or name change, deletion and session-policy change, whoever makes it, and it
// never goes back. So a commit that moved it drops every kept row, one that did not keeps
// them, and a revocation, from this process or another, is effective on the very next
// validation (SEC-23, SEC-24).
template<typename Entry>
using ValidationCache = StampedCache<QByteArray, Entry, qint64>;

// A session as validation reads it: the row, its owner's name, and the session policy.
struct CachedSession {
    Session session;
    SessionPolicy policy;
};

// A service token as validation reads it: the row, its owner's status and its secrets' hashes
// (the presented secret is compared with them on every validation).
struct CachedServiceToken {
    ServiceToken token;
    bool ownerActive = false;
    QList<ServiceTokenRows::StoredSecret> secrets;
};

// A user as UserDirectory::self() read it, with the compact JSON of UserRows::toJson() made
// once for the many requests that ask for it.
struct CachedUser {
    User user;
    QByteArray json;
};

// One per store in a process, shared by every service over it.
struct ValidationCaches {
    // By token hash; shared, so that a hit copies a pointer, not the row's strings.
    ValidationCache<std::shared_ptr<const CachedSession>> sessions;
    ValidationCache<CachedServiceToken> serviceTokens; // by key id
    // By user id, for UserDirectory::self(); its generation is the stamp.
    StampedCache<QString, std::shared_ptr<const CachedUser>, ChangeStamp> users;
};

} // namespace gatehouse
