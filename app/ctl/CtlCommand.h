#pragma once

#include "CtlOutput.h"

#include <QCommandLineParser>
#include <QList>
#include <QString>

#include <functional>

namespace gatehouse::ctl {

// What every command gets: how to print, and which store the global options chose.
struct CtlContext {
    const CtlOutput &output;
    QString storePath;
};

// One `gatehousectl <name> ...` command: its options, positional arguments and action.
struct CtlCommand {
    QString name;
    QString summary;
    std::function<void(QCommandLineParser &)> addArguments;
    std::function<int(const CtlContext &, const QCommandLineParser &)> run;
    int maxPositionals = 0; // more positional arguments than this are a usage error
};

// The commands on the store itself: init, info.
QList<CtlCommand> storeCommands();
// End-user flows: auth login, verify, logout, redeem.
QList<CtlCommand> authCommands();
// TOTP MFA: mfa enroll, confirm, recovery-codes, disable, reset.
QList<CtlCommand> mfaCommands();
// Session administration: session list, session revoke.
QList<CtlCommand> sessionCommands();
// The user directory, over AdminBackend: user create, list, show, update, ...
QList<CtlCommand> userCommands();
// Service tokens (API keys): token create, list, show, rotate, revoke, verify, ...
QList<CtlCommand> tokenCommands();
// JWT signing keys: key list, rotate, retire, purge, jwks.
QList<CtlCommand> keyCommands();
// JWT access tokens: jwt issue, verify, policy.
QList<CtlCommand> jwtCommands();
// Stored policies: policy show [NAME], policy set NAME.
QList<CtlCommand> policyCommands();
// The audit trail: audit verify, checkpoint, rotate-key.
QList<CtlCommand> auditCommands();
// CloudTrail logs from AWS: trail import, lookup, verify.
QList<CtlCommand> trailCommands();

} // namespace gatehouse::ctl
