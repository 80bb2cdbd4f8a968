#pragma once

#include <QString>

namespace gatehouse {

// Who is calling, and how: every core operation takes one, checks it, and records it in the
// audit trail. An Actor carries identity only, never privileges: roles are read from the store
// on every call, so a demotion applies to the very next request (SEC-33).
struct Actor {
    enum class Kind {
        User, // a signed-in user (session) or a service token's owner
        LocalConsole, // local mode: the person at the machine who holds the store file
        System, // Gatehouse itself (retention, scheduled checkpoints)
        Anonymous, // not yet authenticated (sign-in, sign-up, code redemption)
    };
    enum class Credential { None, Session, ServiceToken, Password, FileAccess };

    Kind kind = Kind::Anonymous;
    Credential credential = Credential::None;
    QString userId; // empty unless kind == User
    QString username; // as shown in audit records
    QString sessionId; // the caller's own session, if any (guards "revoke all but mine")
    QString accessKeyId; // a service token's public key id, if any
    bool mfaAuthenticated = false;
    QString sourceIp;
    QString userAgent;
    QString requestId;

    static Actor localConsole(QString username = QStringLiteral("local"))
    {
        Actor actor;
        actor.kind = Kind::LocalConsole;
        actor.credential = Credential::FileAccess;
        actor.username = std::move(username);
        return actor;
    }
    static Actor system()
    {
        Actor actor;
        actor.kind = Kind::System;
        actor.username = QStringLiteral("gatehouse");
        return actor;
    }
};

} // namespace gatehouse
